"""The fiches opération (documents.md): one page per operation, all of them or one maître d'ouvrage's.

Opened with python-docx: one fiche per operation in the workbook's order, its sections in order, the four dates
of each milestone, the financing plan and the alerts and decisions as the workbook and the situation hold them,
the caducité date the decks' deadlines give; the same text twice; the command line writes one file per MOA and
refuses an unknown one in French.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document

from opc_excel.cli import main
from opc_excel.fr import fr_date
from opc_excel.pipeline import check_file
from opc_excel.render.documents import pdf as pdf_module
from opc_excel.render.documents.fiches import SECTIONS, build_fiches, fiches_file_name, owners
from opc_excel.situation import Situation
from opc_excel.situation.formats import euros, maybe_date
from opc_excel.situation.schedule import deadlines
from opc_excel.text import plain
from tests.factory import make_workbook
from tests.test_documents import MASTER, blocks, text_of

TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def master():
    report = check_file(MASTER, at=None, today=TODAY)
    return report, Situation.of(report)


@pytest.fixture(scope="module")
def fiches(master):
    report, situation = master
    return build_fiches(report, situation=situation)


def fiche_blocks(data: bytes) -> dict[str, list[tuple[str, str, object]]]:
    """Return each fiche's blocks by its operation id, in the document's order."""
    found: dict[str, list] = {}
    current = None
    for kind, text, block in blocks(data):
        if kind == "heading 2":
            current = text.split(" — ")[0]
            found[current] = []
        elif current is not None:
            found[current].append((kind, text, block))
    return found


def table_after(fiche: list, section: str) -> list[list[str]]:
    index = next(i for i, (kind, text, _) in enumerate(fiche) if kind == "heading 3" and text == section)
    kind, _, block = fiche[index + 1]
    return [[plain(c.text) for c in row.cells] for row in block.rows] if kind == "table" else []


class DescribeTheFiches:
    def it_has_one_fiche_per_operation_each_on_a_new_page_with_every_section(self, master, fiches):
        report, _ = master
        by_id = fiche_blocks(fiches)
        assert list(by_id) == [op.id for op in report.programme.operations]
        for op_id, fiche in by_id.items():
            assert [text for kind, text, _ in fiche if kind == "heading 3"] == list(SECTIONS), op_id
        document = Document(io.BytesIO(fiches))
        starts = [p for p in document.paragraphs if p.style.name == "Heading 2"]
        assert all(p.paragraph_format.page_break_before for p in starts)

    def it_gives_the_four_dates_of_each_milestone(self, master, fiches):
        report, _ = master
        by_id = fiche_blocks(fiches)
        for op in report.programme.operations[:20]:
            rows = table_after(by_id[op.id], "Jalons")
            dates = {row[0]: row[1:5] for row in rows[1:]}
            assert dates == {name: [maybe_date(m.convention, "—"), maybe_date(m.avenant, "—"),
                                    maybe_date(m.forecast, "—"), maybe_date(m.actual, "—")]
                             for name, m in op.milestones.items()}

    def it_gives_the_financing_plan_engaged_and_paid(self, master, fiches):
        report, _ = master
        op = next(op for op in report.programme.operations if len(report.programme.funding_of(op.id)) > 2)
        lines = report.programme.funding_of(op.id)
        rows = table_after(fiche_blocks(fiches)[op.id], "Plan de financement")
        assert [(r[0], r[4], r[5]) for r in rows[1:-1]] == [
            (plain(f.funder), plain(euros(f.engaged)), plain(euros(f.paid))) for f in lines]
        assert rows[-1][0] == "Total" and rows[-1][3] == plain(euros(sum(f.amount or 0 for f in lines)))

    def it_gives_the_caducite_the_decks_deadlines_give(self, master, fiches):
        report, situation = master
        by_id = fiche_blocks(fiches)
        lapses = [(day, who) for day, what, who, _ in deadlines(situation, 3650) if what == "Caducité de la subvention"]
        assert lapses
        for day, who in lapses:
            op_id = who.split(" — ")[0]
            text = " ".join(t for kind, t, _ in by_id[op_id] if kind == "text")
            assert f"caduque le {fr_date(day)}" in text

    def it_lists_the_operations_alerts_and_decisions(self, master, fiches):
        report, situation = master
        by_id = fiche_blocks(fiches)
        for op in report.programme.operations:
            fiche = by_id[op.id]
            codes = [row[0] for row in table_after(fiche, "Alertes et mesures")[1:]]
            alerts = [a for a in situation.alerts if a.operation_id == op.id]
            assert codes == [f"{a.code}\n{a.severity.value}" for a in alerts], op.id
            ids = [row[0] for row in table_after(fiche, "Décisions")[1:]]
            assert ids == [a.id for a in report.programme.actions if op.id in a.operation_ids], op.id

    def it_says_so_when_a_section_has_nothing(self, master, fiches):
        report, situation = master
        calm = next(op for op in report.programme.operations
                    if not any(a.operation_id == op.id for a in situation.alerts))
        assert "Aucune alerte ouverte sur cette opération." in [t for _, t, _ in fiche_blocks(fiches)[calm.id]]

    def it_reads_the_same_twice(self, master, fiches):
        report, _ = master
        assert text_of(build_fiches(report)) == text_of(fiches)

    def it_keeps_one_maitre_douvrage_when_asked(self, master):
        report, situation = master
        data = build_fiches(report, moa="orne habitat", situation=situation)
        assert list(fiche_blocks(data)) == [op.id for op in report.programme.operations if op.owner == "Orne Habitat"]
        assert "Orne Habitat" in owners(report)
        assert fiches_file_name(date(2011, 9, 30), "Ville d'Alençon") == (
            "fiches-operation_ville-d-alencon_2011-09-30.docx")


class DescribeTheCommandLine:
    def run(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        return main(list(argv), today=TODAY, stdout=out, stderr=err), out.getvalue(), err.getvalue()

    def it_writes_one_file_for_all_or_for_one_moa(self, tmp_path):
        book = make_workbook(tmp_path)
        status, out, _ = self.run("fiches", str(book))
        assert status == 0 and (tmp_path / "fiches-operation_2011-09-30.docx").is_file()
        assert "Fiches opération écrites" in out
        status, _, _ = self.run("fiches", str(book), "--moa", "ORNE HABITAT")
        written = tmp_path / "fiches-operation_orne-habitat_2011-09-30.docx"
        assert status == 0 and list(fiche_blocks(written.read_bytes())) == ["PER-DEM-01", "COU-REH-01"]

    def it_refuses_an_unknown_moa_in_french_and_writes_nothing(self, tmp_path):
        book = make_workbook(tmp_path)
        status, _, err = self.run("fiches", str(book), "--moa", "Bouygues")
        assert status == 2
        assert err.startswith("Aucune opération n'a pour maître d'ouvrage « Bouygues » : choisissez parmi "
                              "« Orne Habitat », « Ville d'Alençon »")
        assert sorted(p.name for p in tmp_path.iterdir()) == [book.name]


@pytest.mark.render
def test_each_fiche_holds_on_one_page_or_two(master, tmp_path):
    command = pdf_module.soffice()
    if command is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice or pdfinfo missing")
    report, situation = master
    (tmp_path / "fiches.docx").write_bytes(build_fiches(report, situation=situation))
    subprocess.run([command, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "fiches.docx")], check=True, capture_output=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(tmp_path / "fiches.pdf")], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    operations = len(report.programme.operations)
    assert operations + 1 <= pages <= operations * 1.15 + 1  # the title page, then mostly one page each
