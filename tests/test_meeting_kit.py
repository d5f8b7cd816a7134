"""The meeting kit (documents.md): convocation and ordre du jour, compte rendu prérempli, note de préparation.

Opened with python-docx: the sections in order, the invitees of *Participants*, every list and count equal to
the situation's, the same text twice; a decision typed into *Actions* after a séance comes back in the next
compte rendu, convocation, deck and rapport; the command line writes the files and refuses bad input in French.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime

import pytest
from docx import Document
from pptx import Presentation

from opc_excel.cli import main
from opc_excel.demo.generate import build_master
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.render.documents import pdf as pdf_module
from opc_excel.render.documents import rapport
from opc_excel.render.documents.compte_rendu import SECTIONS as CR_SECTIONS
from opc_excel.render.documents.compte_rendu import build_compte_rendu, next_action_ids
from opc_excel.render.documents.kit import (
    DEADLINES,
    DECISIONS,
    KIT_KINDS,
    LAUNCHES,
    OTHER,
    POINTS_DURS,
    PREVIOUS,
    agenda,
    attendees,
    build_convocation,
    kit_meeting,
    previous_decisions,
)
from opc_excel.render.documents.note import SECTIONS as NOTE_SECTIONS
from opc_excel.render.documents.note import build_note
from opc_excel.situation import Situation
from opc_excel.situation.decisions import decisions
from opc_excel.situation.schedule import launches_within
from opc_excel.text import plain
from tests.factory import clean_sheets, make_workbook
from tests.test_documents import blocks, text_of

TODAY = date(2026, 1, 1)
PARTICIPANT_HEADER = ["Organisation", "Fonction", "Instances", "Contact professionnel"]


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    """The demo master as generated now (with its *Participants* sheet), its report and situation."""
    path = tmp_path_factory.mktemp("kit") / "perseigne_master.xlsx"
    build_master().save(path)
    report = check_file(path, at=None, today=TODAY)
    return path, report, Situation.of(report)


@pytest.fixture(scope="module")
def convocation(master):
    _, report, situation = master
    return build_convocation(report, "comite-suivi", situation=situation)


def headings(data: bytes, level: int) -> list[str]:
    return [text for kind, text, _ in blocks(data) if kind == f"heading {level}"]


def tables(data: bytes) -> list[list[list[str]]]:
    return [[[plain(c.text) for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(data)).tables]


def bullets_after(data: bytes, title_start: str) -> list[str]:
    """Return the bullets under the heading that starts with ``title_start``, up to the next heading."""
    found, inside = [], False
    for kind, text, block in blocks(data):
        if kind.startswith("heading"):
            inside = text.startswith(title_start)
        elif inside and kind == "text" and block.style.name == "List Bullet":
            found.append(text)
    return found


class DescribeTheConvocation:
    def it_has_the_convocation_then_the_ordre_du_jour_in_order(self, convocation):
        assert headings(convocation, 1) == ["Convocation", "Ordre du jour"]
        items = headings(convocation, 2)[1:]  # after « Destinataires »
        prefixes = [PREVIOUS, POINTS_DURS, LAUNCHES, DECISIONS, DEADLINES, OTHER]
        assert [item.split(". ", 1)[0] for item in items] == [str(n) for n in range(1, 7)]
        assert all(item.split(". ", 1)[1].startswith(p) for item, p in zip(items, prefixes, strict=True))

    def it_invites_the_participants_of_that_instance_only(self, master, convocation):
        _, report, situation = master
        [invitees] = [t for t in tables(convocation) if t[0][0] == "Organisation"]
        follow_up = [(p.organisation, p.function) for p in report.programme.participants
                     if "Comité de suivi" in p.instances]
        assert [(row[0], row[1]) for row in invitees[1:]] == [(plain(o), plain(f)) for o, f in follow_up]
        assert "Sagim" in {row[0] for row in invitees} and "ANRU" not in {row[0] for row in invitees}
        copil = build_convocation(report, "copil", situation=situation)
        [invited] = [t for t in tables(copil) if t[0][0] == "Organisation"]
        assert "ANRU" in {row[0] for row in invited} and "Sagim" not in {row[0] for row in invited}

    def it_lists_the_situations_points_durs_launches_and_decisions(self, master, convocation):
        _, _, s = master
        meeting = kit_meeting(s, "comite-suivi", None)
        points = bullets_after(convocation, f"2. {POINTS_DURS}")
        assert f"({len(s.points_durs)} points durs, les 10 premiers)" in headings(convocation, 2)[2]
        assert [b.split(" ")[0] for b in points] == [f"{p.rank}." for p in s.points_durs[:10]]
        assert all(p.operation_id in b for p, b in zip(s.points_durs, points, strict=False) if p.operation_id)
        launches = launches_within(s, s.params.launch_horizon_months)
        assert [b.split(" — ")[0] for b in bullets_after(convocation, f"3. {LAUNCHES}")] == [
            t.operation_id for t in launches]
        asked = decisions(s, meeting)
        assert [b.split(" Recommandation")[0] for b in bullets_after(convocation, f"4. {DECISIONS}")] == [
            plain(d.question) for d in asked]
        assert len(asked) > 0 and len(launches) > 0

    def it_reads_the_same_twice(self, master, convocation):
        _, report, _ = master
        assert text_of(build_convocation(report, "comite-suivi")) == text_of(convocation)

    @pytest.mark.parametrize("kind", KIT_KINDS)
    def it_has_no_empty_point_on_every_instance(self, master, kind):
        _, report, situation = master
        data = build_convocation(report, kind, situation=situation)
        body = blocks(data)
        for index, (kind_, text, _) in enumerate(body):
            if kind_ == "heading 2" and text[0].isdigit():
                assert index + 1 < len(body) and body[index + 1][0] in ("text", "table"), text


class DescribeTheCompteRendu:
    def it_has_every_section_in_order_with_the_presences_to_tick(self, master):
        _, report, situation = master
        data = build_compte_rendu(report, "copil", situation=situation, seance=date(2011, 11, 15))
        assert headings(data, 1) == list(CR_SECTIONS)
        [present] = [t for t in tables(data) if t[0][0] == "Organisation"]
        assert present[0][-1] == "Présent / excusé" and all(row[-1] == "" for row in present[1:])

    def it_prefills_the_previous_decisions_with_their_status_and_blank_decisions(self, master):
        _, report, s = master
        data = build_compte_rendu(report, "comite-suivi", situation=s)
        meeting = kit_meeting(s, "comite-suivi", None)
        _, followed = previous_decisions(s, meeting)
        [previous] = [t for t in tables(data) if t[0][-1] == "Suite donnée"]
        assert [row[0] for row in previous[1:]] == [a.id for a in followed] and followed
        assert [row[5].split(",")[0].split(" le ")[0] for row in previous[1:]] == [a.status for a in followed]
        [taken] = [t for t in tables(data) if t[0][0] == "N° (Actions)"]
        asked = decisions(s, meeting)
        assert [row[1] for row in taken[1:len(asked) + 1]] == [plain(d.question) for d in asked]
        assert all(row[3] == "" for row in taken[1:])  # « Décision prise »: to fill in séance
        assert [row[0] for row in taken[1:]] == next_action_ids(report.programme.actions, len(asked) + 5)
        assert taken[1][0] == f"ACT-{len(report.programme.actions) + 1:03d}"

    def it_numbers_new_decisions_after_the_last_id(self):
        from opc_excel.model import Action

        assert next_action_ids((Action("A-9", None), Action("A-010", None)), 2) == ["A-011", "A-012"]
        assert next_action_ids((Action("X", None),), 1) == [""]


def _kit_book(tmp_path, *extra_actions, participants=()):
    sheets = clean_sheets()
    sheets["Participants"] = [PARTICIPANT_HEADER, ["Orne Habitat", "Directeur du patrimoine", "Comité de suivi",
                                                   "patrimoine@orne-habitat.fr"], *participants]
    sheets["Actions"] += [list(a) for a in extra_actions]
    return make_workbook(tmp_path, sheets)


class DescribeTheLoopThroughActions:
    """A decision typed into *Actions* after a séance shows in the next compte rendu, convocation, deck, rapport."""

    DECIDED = ("A-002", datetime(2011, 10, 20), "Comité de suivi", "Démolition Ronsard",
               "Valider le planning de rattrapage de la démolition", "Orne Habitat", datetime(2011, 12, 15),
               "Ouverte", 0, "PER-DEM-01", None)

    def it_comes_back_in_the_next_kit_deck_and_rapport(self, tmp_path):
        before = check_file(_kit_book(tmp_path), at=None, today=TODAY)
        first = build_compte_rendu(before, "comite-suivi", seance=date(2011, 10, 20))
        decision = "Valider le planning de rattrapage de la démolition"
        [taken] = [t for t in tables(first) if t[0][0] == "N° (Actions)"]
        assert "A-001" in text_of(first) and decision not in text_of(first)
        assert taken[1][0] == "A-002"  # the number the compte rendu proposes, typed into Actions after the séance
        after = check_file(_kit_book(tmp_path, self.DECIDED), at=date(2011, 10, 31), today=TODAY)
        next_cr = build_compte_rendu(after, "comite-suivi", seance=date(2011, 11, 17))
        [previous] = [t for t in tables(next_cr) if t[0][-1] == "Suite donnée"]
        row = next(r for r in previous if r[0] == "A-002")
        assert decision in row[2] and row[3] == "Orne Habitat" and row[4] == "15/12/2011" and row[5] == "Ouverte"
        assert any("du 20/10/2011" in h for h in headings(next_cr, 2))
        convocation = build_convocation(after, "comite-suivi", seance=date(2011, 11, 17))
        assert any("A-002" in b and decision in b for b in bullets_after(convocation, f"1. {PREVIOUS}"))
        deck = Presentation(io.BytesIO(build_deck(after, "comite-suivi", seance=date(2011, 11, 17))))
        deck_text = " ".join(plain(s.text_frame.text) if s.has_text_frame else
                             " ".join(plain(c.text) for r in s.table.rows for c in r.cells) if s.has_table else ""
                             for slide in deck.slides for s in slide.shapes)
        assert "A-002" in deck_text and "Valider le planning de rattrapage" in deck_text
        assert "A-002" in text_of(rapport.build_report(after))


class DescribeTheParticipantsSheet:
    def it_leaves_a_personal_line_out_of_the_kit(self, tmp_path):
        private = ["Cabinet du maire", "Chef de cabinet", "Comité de suivi", "jean.dupont@gmail.com"]
        report = check_file(_kit_book(tmp_path, participants=[private]), at=None, today=TODAY)
        [problem] = [p for p in report.problems if p.code == "DQ-PRIV"]
        assert problem.cell == "D3" and "adresse électronique personnelle" in problem.message
        assert "dupont" not in problem.value + problem.message  # never copied into Contrôles
        data = build_convocation(report, "comite-suivi")
        assert "Cabinet du maire" not in text_of(data) and "gmail" not in " ".join(
            c for t in tables(data) for row in t for c in row)
        assert [p.organisation for p in attendees(Situation.of(report), kit_meeting(
            Situation.of(report), "comite-suivi", None))] == ["Orne Habitat"]

    def it_invites_everyone_to_every_instance_when_no_instance_is_given(self, tmp_path):
        report = check_file(_kit_book(tmp_path, participants=[["Ville test", "Chef de projet", None, None]]),
                            at=None, today=TODAY)
        s = Situation.of(report)
        assert "Ville test" in [p.organisation for p in attendees(s, kit_meeting(s, "copil", None))]

    def it_keeps_the_known_instances_of_a_line_that_names_an_unknown_one(self, tmp_path):
        line = ["Ville test", "Chef de projet", "comite de pilotage; Comité de suivis", None]
        report = check_file(_kit_book(tmp_path, participants=[line]), at=None, today=TODAY)
        [problem] = report.problems
        assert (problem.code, problem.cell) == ("DQ-LIST", "C3") and "« Comité de suivis »" in problem.message
        assert report.programme.participants[-1].instances == ("Comité de pilotage",)

    def it_says_so_when_nobody_is_invited(self, tmp_path):
        report = check_file(make_workbook(tmp_path), at=None, today=TODAY)  # no Participants sheet: no problem
        assert report.problems == ()
        assert "Aucun participant n'est inscrit au comité de pilotage" in text_of(build_convocation(report, "copil"))


class DescribeTheNote:
    def it_has_its_sections_and_the_situations_first_points_durs(self, master):
        _, report, s = master
        data = build_note(report, situation=s)
        assert headings(data, 3) == list(NOTE_SECTIONS)
        points = bullets_after(data, NOTE_SECTIONS[2])
        assert [b.split(" ")[0] for b in points[:4]] == [f"{p.rank}." for p in s.points_durs[:4]]
        assert points[-1] == f"… et {len(s.points_durs) - 4} points durs de plus (voir le diaporama)."


class DescribeTheCommandLine:
    def run(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        return main(list(argv), today=TODAY, stdout=out, stderr=err), out.getvalue(), err.getvalue()

    def it_writes_the_kit_beside_the_workbook(self, tmp_path):
        book = _kit_book(tmp_path)
        status, out, _ = self.run("convocation", "comité-suivi", str(book), "--seance", "20/10/2011")
        assert status == 0 and (tmp_path / "convocation_comite-suivi_2011-10-20.docx").is_file()
        assert "Convocation et ordre du jour (comité de suivi du 20/10/2011) écrits" in out
        status, out, _ = self.run("compte-rendu", "copil", str(book), "--seance", "15/11/2011")
        assert status == 0 and (tmp_path / "compte-rendu_copil_2011-11-15.docx").is_file()
        status, out, _ = self.run("note", str(book), "--out", str(tmp_path / "note.docx"))
        assert status == 0 and (tmp_path / "note.docx").is_file() and "Note de préparation" in out

    @pytest.mark.parametrize(("argv", "said"), [
        (("compte-rendu", "copil", "{book}"), "argument obligatoire manquant : --seance"),
        (("convocation", "copl", "{book}"), "« copl » n'est pas une instance"),
        (("convocation", "copil", "{book}", "--seance", "01/09/2011"), "La séance du 01/09/2011 précède la date"),
        (("convocation", "copil", "{book}", "--out", "{book}"), "n'est pas un nom de document Word"),
    ])
    def it_refuses_bad_input_in_french(self, tmp_path, argv, said):
        book = _kit_book(tmp_path)
        before = book.read_bytes()
        status, _, err = self.run(*(a.format(book=book) for a in argv))
        assert status == 2 and said in err and book.read_bytes() == before


@pytest.mark.render
class DescribeTheRenderedKit:
    def it_fits_the_note_on_one_page_and_renders_the_convocation(self, master, tmp_path):
        command = pdf_module.soffice()
        if command is None or shutil.which("pdfinfo") is None:
            pytest.skip("LibreOffice or pdfinfo missing")
        _, report, s = master
        for name, data in (("note.docx", build_note(report, situation=s)),
                           ("convocation.docx", build_convocation(report, "comite-suivi", situation=s))):
            (tmp_path / name).write_bytes(data)
            subprocess.run([command, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                            str(tmp_path / name)], check=True, capture_output=True, timeout=180)
        pages = {name: int(next(line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(tmp_path / f"{name}.pdf")], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:"))) for name in ("note", "convocation")}
        assert pages["note"] == 1 and 2 <= pages["convocation"] <= 6


def test_agenda_is_the_same_in_both_documents(master):
    _, report, s = master
    meeting = kit_meeting(s, "revue-projet", None)
    titles = [f"{n}. {item.title}" for n, item in enumerate(agenda(s, meeting), start=1)]
    convocation = build_convocation(report, "revue-projet", situation=s)
    compte_rendu = build_compte_rendu(report, "revue-projet", situation=s)
    assert [plain(t) for t in titles] == headings(convocation, 2)[1:] == headings(compte_rendu, 2)
