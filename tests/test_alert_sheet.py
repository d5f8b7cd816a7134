"""The Alertes sheet remembers: user columns follow their key, resolved alerts stay, nothing typed is lost."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl

from opc_excel.cli import main
from opc_excel.model import Alert, Level, Theme
from opc_excel.read.alert_sheet import (
    AlertRow,
    PreviousSheet,
    first_seen_by_key,
    is_software_text,
    merge,
    read_previous,
)
from opc_excel.read.source import GridSource
from opc_excel.sheets.alertes import alertes_sheet
from tests.factory import make_workbook

MARCH, JUNE, SEPTEMBER = date(2011, 3, 31), date(2011, 6, 30), date(2011, 9, 30)
TODAY = date(2026, 1, 1)
TITLE = "Points d'alerte — situation au 30/09/2011"


def alert(code: str, op: str, severity: Level = Level.ORANGE) -> Alert:
    return Alert(severity, f"Constat {code} {op}", "Mesure", op, f"Opération {op}", "Ville", code=code,
                 theme=Theme.CALENDRIER)


def as_previous(rows: list[AlertRow]) -> PreviousSheet:
    return PreviousSheet([AlertRow(r.key, r.computed, r.user, firing=False) for r in rows], [])


class DescribeMerge:
    def it_marks_new_alerts_nouvelle_and_dates_them(self):
        rows = merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)
        assert rows[0].user["Suivi"] == "Nouvelle" and rows[0].computed["Détectée le"] == MARCH

    def it_keeps_user_text_and_first_seen_date_by_key(self):
        first = merge(PreviousSheet([], []), [alert("CAL-01", "OP-1"), alert("FIN-03", "OP-2")], MARCH)
        first[1].user.update({"Mesure retenue": "Avenant en préparation", "Suivi": "En cours",
                              "Échéance": datetime(2011, 12, 31)})
        previous = as_previous(list(reversed(first)))  # the user sorted the sheet the other way
        second = merge(previous, [alert("FIN-03", "OP-2"), alert("CAL-01", "OP-1")], JUNE)
        kept = next(r for r in second if r.key == "FIN-03 · OP-2")
        assert kept.user["Mesure retenue"] == "Avenant en préparation" and kept.user["Suivi"] == "En cours"
        assert kept.user["Échéance"] == datetime(2011, 12, 31) and kept.computed["Détectée le"] == MARCH

    def it_keeps_an_alert_that_stopped_firing_as_resolved_once(self):
        first = merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)
        first[0].user["Commentaire"] = "Relancé le bailleur"
        second = merge(as_previous(first), [], JUNE)
        third = merge(as_previous(second), [], SEPTEMBER)
        assert [r.user["Suivi"] for r in (second[0], third[0])] == ["Résolue le 30/06/2011"] * 2
        assert third[0].user["Commentaire"] == "Relancé le bailleur" and not third[0].firing

    def it_reopens_a_resolved_alert_that_fires_again(self):
        resolved = merge(as_previous(merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)), [], JUNE)
        again = merge(as_previous(resolved), [alert("CAL-01", "OP-1")], SEPTEMBER)
        assert again[0].user["Suivi"] == "Nouvelle" and again[0].computed["Détectée le"] == SEPTEMBER

    def it_keeps_rows_typed_by_users_without_a_key(self):
        own = AlertRow("", {"Constat": "Point vu en réunion"}, {"Commentaire": "à suivre"}, firing=False)
        rows = merge(PreviousSheet([own], []), [alert("CAL-01", "OP-1")], JUNE)
        assert rows[-1].computed["Constat"] == "Point vu en réunion" and rows[-1].user.get("Suivi") is None

    def it_writes_a_row_typed_without_a_key_as_typed_however_long(self):
        finding = "Point vu en réunion de chantier : " + "reprendre le planning des lots, " * 20
        own = AlertRow("", {"Constat": finding, "Opération": "Résidence " * 15}, {"Commentaire": "à suivre"},
                       firing=False)
        sheet = alertes_sheet(merge(PreviousSheet([own], []), [], JUNE), [], JUNE)
        shown = {cell.value for cell in sheet.cells.values()}
        assert finding in shown and "Résidence " * 15 in shown  # the user's row: nothing cut


class DescribeReadingTheSheet:
    def it_reads_user_columns_extra_columns_and_iso_dates_from_the_add_in(self):
        grid = [["Points d'alerte"], [],
                ["Clé", "Code", "Détectée le", "Suivi", "Échéance", "Mon suivi perso"],
                ["CAL-01 · OP-1", "CAL-01", "2011-03-31T00:00:00.000Z", "En cours", "2011-12-31T00:00:00.000Z",
                 "note"],
                ["", "", "", "", "", ""]]
        previous = read_previous(GridSource({"Alertes": grid}))
        assert previous.extra_headers == ["Mon suivi perso"]
        assert previous.rows[0].user == {"Suivi": "En cours", "Échéance": datetime(2011, 12, 31),
                                         "Mon suivi perso": "note"}
        assert first_seen_by_key(previous) == {"CAL-01 · OP-1": MARCH}

    def it_takes_no_note_for_the_header_when_the_header_cell_was_cleared(self):
        grid = [[TITLE], [], [None, "Code", "Suivi", "Commentaire"],  # « Clé » cleared by mistake
                ["CAL-01 · OP-1", "CAL-01", "En cours", "Clé"]]  # and « Clé » typed as a comment
        assert read_previous(GridSource({"Alertes": grid})).headerless  # the refresh stops, says how to repair


class DescribeWhatUsersTypeInSuivi:
    def it_keeps_the_suivi_typed_on_an_alert_that_stops_firing_and_dates_the_resolution_beside_it(self):
        first = merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)
        first[0].user["Suivi"] = "En cours"
        second = merge(as_previous(first), [], JUNE)
        assert second[0].user["Suivi"] == "En cours" and second[0].computed["Résolue le"] == JUNE

    def it_keeps_a_suivi_typed_on_a_resolved_row_and_the_first_resolution_date(self):
        resolved = merge(as_previous(merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)), [], JUNE)
        assert resolved[0].user["Suivi"] == "Résolue le 30/06/2011"  # nothing typed: the software says it there
        resolved[0].user["Suivi"] = "Traitée"
        later = merge(as_previous(resolved), [], SEPTEMBER)
        assert later[0].user["Suivi"] == "Traitée" and later[0].computed["Résolue le"] == JUNE

    def it_keeps_the_suivi_of_a_resolved_alert_that_fires_again(self):
        resolved = merge(as_previous(merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)), [], JUNE)
        resolved[0].user["Suivi"] = "Risque accepté"
        again = merge(as_previous(resolved), [alert("CAL-01", "OP-1")], SEPTEMBER)
        assert again[0].firing and again[0].user["Suivi"] == "Risque accepté"
        assert again[0].computed["Détectée le"] == SEPTEMBER and again[0].computed["Résolue le"] is None

    def it_reads_the_resolution_date_of_a_sheet_written_before_the_resolue_le_column(self):
        grid = [[TITLE], [], ["Clé", "Code", "Détectée le", "Suivi"],
                ["CAL-01 · OP-1", "CAL-01", datetime(2011, 3, 31), "Résolue le 30/06/2011"]]
        rows = merge(read_previous(GridSource({"Alertes": grid})), [], SEPTEMBER)
        assert rows[0].computed["Résolue le"] == JUNE and rows[0].user["Suivi"] == "Résolue le 30/06/2011"


def refresh(path: Path) -> None:
    assert main(["refresh", str(path), "--in-place"], today=TODAY, stdout=io.StringIO(),
                stderr=io.StringIO()) in (0, 1)


def sheet_values(path: Path) -> list[list[object]]:
    """Return the Alertes sheet as a user sees it: its rows of values, trailing empty cells left out."""
    rows = [list(row) for row in openpyxl.load_workbook(path)["Alertes"].iter_rows(values_only=True)]
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


def header_index(rows: list[list[object]]) -> int:
    return next(i for i, row in enumerate(rows) if row and row[0] == "Clé")


class DescribeWhatUsersTypeAboveTheHeader:
    def it_keeps_notes_typed_in_the_title_rows_above_the_header(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        workbook = openpyxl.load_workbook(master)
        ws = workbook["Alertes"]
        ws["D1"] = "Version envoyée au préfet le 12/10"
        ws["A2"] = "Revue de projet du 12/10 : points à compléter"  # typed over the software's summary
        ws["B2"] = datetime(2011, 10, 12)
        workbook.save(master)
        refresh(master)
        refresh(master)  # and again: the notes stay where they are, once
        rows = sheet_values(master)
        above = rows[:header_index(rows)]
        assert above[0] == [TITLE, None, None, "Version envoyée au préfet le 12/10"]  # beside the new title
        assert is_software_text(above[1][0])  # the software's summary, rewritten (whatever the rules found)
        assert above[2:] == [["Revue de projet du 12/10 : points à compléter", datetime(2011, 10, 12)]]

    def it_keeps_the_notes_of_alert_rows_a_sort_moved_above_the_header(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        workbook = openpyxl.load_workbook(master)
        ws = workbook["Alertes"]
        headers = [c.value for c in ws[3]]
        ws.cell(5, headers.index("Commentaire") + 1, "Relancer le bailleur")
        ws.cell(5, headers.index("Suivi") + 1, "En cours")
        key = ws.cell(5, 1).value
        moved = [c.value for c in ws[5]]
        ws.delete_rows(5)
        ws.insert_rows(1)  # as a sort of the whole sheet, header included, would leave it
        for col, value in enumerate(moved, start=1):
            ws.cell(1, col, value)
        workbook.save(master)
        refresh(master)
        rows = sheet_values(master)
        start = header_index(rows)
        headers = rows[start]
        by_key = [dict(zip(headers, row, strict=False)) for row in rows[start + 1:] if row and row[0] == key]
        assert [(r.get("Commentaire"), r.get("Suivi")) for r in by_key] == [("Relancer le bailleur", "En cours")]
        assert [row for row in rows[:start] if key in row] == []


class DescribeTheRangColumn:
    """*Rang*: the rank of the alert's point dur, a software column; notes still follow the *Clé*."""

    def it_gives_firing_alerts_their_rank_and_takes_it_from_resolved_ones(self):
        first = merge(PreviousSheet([], []), [alert("CAL-01", "OP-1"), alert("FIN-03", "OP-2")], MARCH,
                      {"CAL-01 · OP-1": 2, "FIN-03 · OP-2": 1})
        assert [r.computed["Rang"] for r in first] == [2, 1]
        first[0].user["Commentaire"] = "Relancé le bailleur"
        second = merge(as_previous(first), [alert("FIN-03", "OP-2")], JUNE, {"FIN-03 · OP-2": 1})
        resolved = next(r for r in second if r.key == "CAL-01 · OP-1")
        assert resolved.computed["Rang"] is None and resolved.user["Commentaire"] == "Relancé le bailleur"
        assert merge(PreviousSheet([], []), [alert("CAL-01", "OP-1")], MARCH)[0].computed["Rang"] is None

    def it_reads_a_sheet_written_before_the_column_and_keeps_its_notes(self):
        grid = [[TITLE], [],
                ["Clé", "Code", "Gravité", "Thème", "Constat", "Détectée le", "Suivi", "Commentaire"],
                ["CAL-01 · OP-1", "CAL-01", "Orange", "Calendrier", "Constat", MARCH, "En cours", "Voir la MOE"]]
        previous = read_previous(GridSource({"Alertes": grid}))
        assert previous.extra_headers == [] and previous.rows[0].computed["Rang"] is None
        (row,) = merge(previous, [alert("CAL-01", "OP-1")], JUNE, {"CAL-01 · OP-1": 1})
        assert row.computed["Rang"] == 1 and row.user == {"Suivi": "En cours", "Commentaire": "Voir la MOE"}
        assert row.computed["Détectée le"] == MARCH

    def it_writes_the_rank_as_a_software_column_beside_the_colour(self):
        rows = merge(PreviousSheet([], []), [alert("CAL-01", "OP-1", Level.ROUGE)], JUNE, {"CAL-01 · OP-1": 3})
        sheet = alertes_sheet(rows, [], JUNE)
        headers = {cell.value: col for (row, col), cell in sheet.cells.items() if row == 3}
        assert headers["Rang"] == headers["Gravité"] + 1
        assert sheet.cells[(3, headers["Rang"])].fill == sheet.cells[(3, headers["Clé"])].fill
        assert sheet.cells[(4, headers["Rang"])].value == 3

    def it_ranks_every_firing_alert_of_a_refreshed_workbook(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        rows = sheet_values(master)
        start = header_index(rows)
        header = rows[start]
        firing = [row for row in rows[start + 1:] if row and row[0]]
        ranks = [row[header.index("Rang")] for row in firing]
        assert firing and all(isinstance(rank, int) for rank in ranks)
        assert set(ranks) == set(range(1, max(ranks) + 1))  # 1, 2, 3… each point dur has a rank
