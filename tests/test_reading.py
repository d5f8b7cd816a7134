"""A workbook typed the messy way reads exactly like the same data typed cleanly."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime

import openpyxl
from openpyxl.worksheet.table import Table

from opc_excel.compute.indicators import indicators_as_json
from opc_excel.model import Programme
from opc_excel.pipeline import check_file, check_source
from opc_excel.read.source import GridSource
from tests.factory import clean_sheets, column_of, make_workbook, set_value

TODAY = date(2026, 1, 1)


def without_rows(programme: Programme) -> dict:
    """Return the programme as plain data, without row numbers (they differ with title rows)."""
    def strip(value):
        if dataclasses.is_dataclass(value):
            return {f.name: strip(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "row"}
        if isinstance(value, tuple):
            return [strip(v) for v in value]
        if hasattr(value, "items"):
            return {k: strip(v) for k, v in value.items()}
        return value
    return strip(programme)


def read(tmp_path, sheets, **kwargs) -> tuple[Programme, tuple]:
    report = check_file(make_workbook(tmp_path, sheets, **kwargs), at=None, today=TODAY)
    return report.programme, report.problems


class DescribeHeaders:
    def it_finds_the_header_under_title_rows(self, tmp_path):
        clean, _ = read(tmp_path, clean_sheets(), name="a.xlsx")
        titled, problems = read(tmp_path, clean_sheets(), name="b.xlsx",
                                title_rows={"Opérations": 3, "Jalons": 9, "Paramètres": 2})
        assert problems == ()
        assert without_rows(titled) == without_rows(clean)

    def it_does_not_look_past_the_tenth_row(self, tmp_path):
        _, problems = read(tmp_path, clean_sheets(), title_rows={"Jalons": 10})
        assert [(p.code, p.sheet) for p in problems if p.code == "DQ-COL"] == [("DQ-COL", "Jalons")]

    def it_matches_headers_ignoring_case_accents_spaces_and_apostrophes(self, tmp_path):
        sheets = clean_sheets()
        ops = sheets["Opérations"][0]
        ops[column_of(sheets, "Opérations", "ID opération")] = "  id OPERATION "
        ops[column_of(sheets, "Opérations", "Maître d'ouvrage")] = "Maitre d’ouvrage"
        ops[column_of(sheets, "Opérations", "Coût convention (€ HT)")] = "cout convention (€ ht)"
        clean, _ = read(tmp_path, clean_sheets(), name="a.xlsx")
        messy, problems = read(tmp_path, sheets, name="b.xlsx")
        assert problems == ()
        assert without_rows(messy) == without_rows(clean)

    def it_ignores_extra_columns_column_order_and_blank_rows(self, tmp_path):
        sheets = clean_sheets()
        rows = sheets["Financements"]
        reordered = [list(reversed(r)) + ["note interne"] for r in rows]
        reordered[0][-1] = "Observations"
        reordered.insert(3, [None] * len(reordered[0]))
        sheets["Financements"] = reordered
        clean, _ = read(tmp_path, clean_sheets(), name="a.xlsx")
        messy, problems = read(tmp_path, sheets, name="b.xlsx")
        assert problems == ()
        assert without_rows(messy) == without_rows(clean)

    def it_finds_sheets_whose_names_differ_by_case_or_spaces(self, tmp_path):
        sheets = clean_sheets()
        sheets["operations "] = sheets.pop("Opérations")
        programme, problems = read(tmp_path, sheets)
        assert problems == () and len(programme.operations) == 3


class DescribeValues:
    def it_reads_text_dates_and_amounts_like_real_ones(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Jalons", 2, "Date convention", "T1 2011")  # works start → 01/01/2011
        set_value(sheets, "Jalons", 3, "Date convention", "2e semestre 2011")  # delivery → 31/12/2011
        set_value(sheets, "Opérations", 1, "Coût convention (€ HT)", "2,4 M€")
        set_value(sheets, "Financements", 1, "Montant convention (€)", "1\u202f200\u202f000,00 €")
        set_value(sheets, "Financements", 1, "Avance versée (€)", "180 k€")
        typed = clean_sheets()
        set_value(typed, "Jalons", 2, "Date convention", datetime(2011, 1, 1))
        clean, _ = read(tmp_path, typed, name="a.xlsx")
        messy, problems = read(tmp_path, sheets, name="b.xlsx")
        # T1 2011 and 2e semestre 2011, read as days, each say so; amounts, one per column: DQ-TEXTNUM
        assert sorted((p.code, p.sheet, p.cell) for p in problems) == [
            ("DQ-TEXTDATE", "Jalons", "C3"), ("DQ-TEXTDATE", "Jalons", "C4"), ("DQ-TEXTNUM", "Financements", "C2"),
            ("DQ-TEXTNUM", "Financements", "G2"), ("DQ-TEXTNUM", "Opérations", "G2")]
        assert without_rows(messy) == without_rows(clean)

    def it_matches_list_values_to_their_listes_spelling(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Opérations", 2, "Famille", "  amenagement ")
        set_value(sheets, "Opérations", 2, "Maître d'ouvrage", "VILLE D’ALENCON")
        programme, problems = read(tmp_path, sheets)
        assert problems == ()
        operation = programme.operation("PER-AME-01")
        assert (operation.famille, operation.owner) == ("Aménagement", "Ville d'Alençon")


class DescribeSources:
    def it_reads_an_excel_table_like_a_plain_range(self, tmp_path):
        path = make_workbook(tmp_path, name="table.xlsx")
        workbook = openpyxl.load_workbook(path)
        ws = workbook["Opérations"]
        ws.add_table(Table(displayName="TableOperations", ref=ws.dimensions))
        workbook.save(path)
        clean, _ = read(tmp_path, clean_sheets(), name="plain.xlsx")
        report = check_file(path, at=None, today=TODAY)
        assert report.problems == ()
        assert without_rows(report.programme) == without_rows(clean)

    def it_reads_value_grids_as_the_excel_add_in_sends_them(self, tmp_path):
        sheets = clean_sheets()
        grid = {name: [["" if v is None else (v.isoformat() + ".000Z" if isinstance(v, datetime) else v)
                        for v in row] for row in rows] for name, rows in sheets.items()}
        report = check_source(GridSource(grid), at=None, today=TODAY)
        clean, _ = read(tmp_path, clean_sheets())
        assert report.problems == ()
        assert without_rows(report.programme) == without_rows(clean)


class DescribeMessyEqualsClean:
    def it_gives_the_same_alerts_and_indicators_as_the_clean_workbook(self, tmp_path):
        messy = clean_sheets()
        set_value(messy, "Jalons", 4, "Date convention", "mars 2012")  # works start → 01/03/2012
        set_value(messy, "Jalons", 5, "Date convention", "S1 2013")  # delivery → 30/06/2013
        set_value(messy, "Opérations", 2, "Coût convention (€ HT)", "1,5 M€")
        set_value(messy, "Financements", 2, "Montant convention (€)", "1 200 000 €")
        messy["Opérations"][0][column_of(messy, "Opérations", "Maître d'ouvrage")] = "MAITRE D’OUVRAGE"
        clean = check_file(make_workbook(tmp_path, clean_sheets(), name="propre.xlsx"), at=None, today=TODAY)
        typed = check_file(make_workbook(tmp_path, messy, name="saisi.xlsx", title_rows={"Opérations": 2}),
                           at=None, today=TODAY)
        assert {p.code for p in typed.problems} == {"DQ-TEXTDATE", "DQ-TEXTNUM"}
        assert clean.alerts and [a.key for a in typed.alerts] == [a.key for a in clean.alerts]
        assert typed.alerts == clean.alerts
        assert indicators_as_json(typed.indicators) == indicators_as_json(clean.indicators)


class DescribeTextAnXlsxCannotHold:
    """The add-in sends what Excel holds in memory, which may be what no .xlsx can store."""

    ODD = {("Opérations", "B2"): "Démolition \ud83d", ("Listes", "A2"): "Perseigne\x01",
           ("Paramètres", "B2"): "PRU\uffff", ("Opérations", "R2"): "note\ufffe"}

    def grid(self) -> dict:
        sheets = clean_sheets()
        grid = {name: [["" if v is None else v for v in row] for row in rows] for name, rows in sheets.items()}
        for (sheet, address), text in self.ODD.items():
            column, row = openpyxl.utils.cell.coordinate_from_string(address)
            grid[sheet][row - 1][openpyxl.utils.column_index_from_string(column) - 1] = text
        return grid

    def it_reports_each_cell_and_writes_a_copy_that_opens(self, tmp_path):
        from opc_excel.pipeline import write_outputs

        report = check_source(GridSource(self.grid()), at=None, today=TODAY)
        said = "qu'un fichier Excel ne peut pas enregistrer"
        odd = {(p.sheet, p.cell): p for p in report.problems if said in p.message}
        assert set(odd) == set(self.ODD) and {p.code for p in odd.values()} == {"DQ-TYPE", "DQ-PARAM"}  # Projet
        assert odd["Opérations", "B2"].value == "Démolition \ufffd"  # shown in Valeur lue, writable
        assert "moitié d'émoji" in odd["Opérations", "B2"].message and "U+FFFE" in odd["Opérations", "R2"].message
        assert report.programme.operation("PER-DEM-01").label in (None, "")  # left out, never half an emoji
        workbook = openpyxl.Workbook()
        write_outputs(workbook, report)
        workbook.save(tmp_path / "copie.xlsx")  # openpyxl raises IllegalCharacterError on any of them
        assert openpyxl.load_workbook(tmp_path / "copie.xlsx")["Contrôles"].max_row > len(self.ODD)


class DescribeTheContractsLastAdditions:
    """*Porteur de projet* in Paramètres and the *Type* of an Insertion line (contract change of 2026-12-04)."""

    def it_reads_an_insertion_sheet_without_the_type_column_clean(self, tmp_path):
        sheets = clean_sheets()
        keep = [i for i, header in enumerate(sheets["Insertion"][0]) if header != "Type"]
        sheets["Insertion"] = [[row[i] for i in keep if i < len(row)] for row in sheets["Insertion"]]
        programme, problems = read(tmp_path, sheets)
        assert problems == ()
        assert [line.kind for line in programme.insertion] == [None]

    def it_reads_the_type_of_each_insertion_line(self, tmp_path):
        sheets = clean_sheets()
        sheets["Insertion"][1].append("travaux")
        sheets["Insertion"].append(["PER-AME-01", "Lot 02 — Études", "BET Test", 800, 40, 10, datetime(2011, 9, 1),
                                    "Ingenierie"])
        programme, problems = read(tmp_path, sheets)
        assert problems == ()
        assert [line.kind for line in programme.insertion] == ["Travaux", "Ingénierie"]

    def it_says_a_type_outside_the_list(self, tmp_path):
        sheets = clean_sheets()
        sheets["Insertion"][1].append(None)
        cell = set_value(sheets, "Insertion", 1, "Type", "Chantier")
        _, problems = read(tmp_path, sheets)
        assert [(p.sheet, p.cell, p.column) for p in problems] == [("Insertion", cell, "Type")]

    def it_names_the_porteur_de_projet_on_the_title_slide_only_when_given(self, tmp_path):
        from pptx import Presentation

        from opc_excel.render.decks import build_deck
        from opc_excel.text import plain

        def title_slide(sponsor: str | None, name: str) -> str:
            sheets = clean_sheets()
            for row in sheets["Paramètres"]:
                if row[0] == "Porteur de projet":
                    row[1] = sponsor
            report = check_file(make_workbook(tmp_path, sheets, name=name), at=None, today=TODAY)
            assert report.programme.params.project_sponsor == (sponsor or "")
            slide = Presentation(io.BytesIO(build_deck(report, "comite-suivi"))).slides[0]
            return plain("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))  # typography undone
        given = title_slide("Communauté urbaine d'Alençon", "a.xlsx")
        assert "Ville test" in given and "Porteur de projet : Communauté urbaine d'Alençon" in given
        assert "Porteur" not in title_slide(None, "b.xlsx")
