"""Refreshing the master again and again: what users typed in Alertes survives, history accumulates."""

from __future__ import annotations

import io
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from opc_excel.cli import main
from opc_excel.compute.changes import what_changed
from opc_excel.model import Level
from opc_excel.pipeline import check_file
from opc_excel.read.alert_sheet import read_previous
from opc_excel.read.contract import OUTPUT_SHEETS
from opc_excel.read.history import read_milestone_history
from opc_excel.read.source import OpenpyxlSource
from tests.factory import make_workbook

TODAY = date(2026, 1, 1)
CAL_04 = "CAL-04 · PER-AME-01 · Démarrage des travaux"
SOC_02 = "SOC-02"
FIN_03 = "FIN-03 · PER-AME-01"
AME_START = ("PER-AME-01", "Démarrage des travaux")  # the key of a Jalons row


def refresh(path: Path, *extra: str) -> None:
    status = main(["refresh", str(path), "--in-place", *extra], today=TODAY, stdout=io.StringIO(),
                  stderr=io.StringIO())
    assert status in (0, 1)


def alert_rows(path: Path) -> dict[str, dict[str, object]]:
    """Return the Alertes rows by Clé, header -> value, as a user reading the sheet would see them."""
    ws = openpyxl.load_workbook(path)["Alertes"]
    rows = list(ws.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "Clé")
    headers = rows[header_index]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[header_index + 1:] if row[0]}


def type_in_alertes(path: Path, notes: dict[str, dict[str, object]], extra_column: str | None = None) -> None:
    """Type notes in the users' columns, add a column of one's own, then sort the rows the other way."""
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Alertes"]
    header_row = next(r for r in range(1, 11) if ws.cell(r, 1).value == "Clé")
    headers = [c.value for c in ws[header_row]]
    if extra_column:
        headers.append(extra_column)
        ws.cell(header_row, len(headers), extra_column)
    rows = [[c.value for c in row][: len(headers)] for row in ws.iter_rows(min_row=header_row + 1)]
    rows = [r + [None] * (len(headers) - len(r)) for r in rows if r[0]]
    for row in rows:
        for header, value in notes.get(row[0], {}).items():
            row[headers.index(header)] = value
    for offset, row in enumerate(reversed(rows), start=header_row + 1):
        for col, value in enumerate(row, start=1):
            ws.cell(offset, col, value)
    workbook.save(path)


def set_input(path: Path, sheet: str, key: tuple[str, ...], header: str, value: object) -> None:
    """Change one input cell, found by the row's first cells (its key) and the column's header."""
    workbook = openpyxl.load_workbook(path)
    ws = workbook[sheet]
    col = next(c.column for c in ws[1] if c.value == header)
    row = next(r for r in range(2, ws.max_row + 1)
               if tuple(ws.cell(r, c).value for c in range(1, len(key) + 1)) == key)
    ws.cell(row, col, value)
    workbook.save(path)


class DescribeAlertesAcrossRefreshes:
    def it_keeps_what_users_typed_through_two_refreshes_with_alerts_coming_and_going(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        first = alert_rows(master)
        assert {CAL_04, SOC_02} <= set(first) and FIN_03 not in first
        assert first[CAL_04]["Suivi"] == "Nouvelle"

        type_in_alertes(master, {
            CAL_04: {"Mesure retenue": "Décaler l'aménagement d'un mois", "Responsable": "Direction de projet",
                     "Échéance": datetime(2011, 11, 30), "Suivi": "En cours", "Commentaire": "Vu en comité"},
            SOC_02: {"Commentaire": "GUP en renégociation", "Note interne": "appeler la préfecture"},
        }, extra_column="Note interne")
        # the GUP convention gets its end date (SOC-02 stops), PER-AME-01's cost drifts +26,7 % (FIN-03 appears)
        set_input(master, "Paramètres", ("Fin de la convention GUP",), "Valeur", datetime(2013, 12, 31))
        set_input(master, "Opérations", ("PER-AME-01",), "Coût actualisé (€ HT)", 1_900_000)
        refresh(master)
        second = alert_rows(master)
        assert second[CAL_04]["Mesure retenue"] == "Décaler l'aménagement d'un mois"
        assert second[CAL_04]["Échéance"] == datetime(2011, 11, 30)
        assert (second[CAL_04]["Suivi"], second[CAL_04]["Commentaire"]) == ("En cours", "Vu en comité")
        assert second[CAL_04]["Détectée le"] == datetime(2011, 9, 30)
        assert second[SOC_02]["Suivi"] == "Résolue le 30/09/2011"
        assert second[SOC_02]["Commentaire"] == "GUP en renégociation"
        assert second[SOC_02]["Note interne"] == "appeler la préfecture"
        assert second[FIN_03]["Gravité"] == "Rouge" and second[FIN_03]["Suivi"] == "Nouvelle"

        # a month later the dependency is lifted: CAL-04 stops firing, its notes stay
        set_input(master, "Dépendances", ("PER-DEM-01",), "Délai minimal (mois)", -12)
        refresh(master, "--at", "31/10/2011")
        third = alert_rows(master)
        assert third[CAL_04]["Suivi"] == "En cours"  # the user's Suivi wins; the software dates the resolution
        assert third[CAL_04]["Résolue le"] == datetime(2011, 10, 31)
        assert third[CAL_04]["Mesure retenue"] == "Décaler l'aménagement d'un mois"
        assert third[SOC_02]["Suivi"] == "Résolue le 30/09/2011"  # the first resolution date stays
        assert third[SOC_02]["Résolue le"] == datetime(2011, 9, 30)
        assert third[FIN_03]["Détectée le"] == datetime(2011, 9, 30)
        assert list(third).index(FIN_03) < list(third).index(CAL_04)  # firing alerts first

    def it_lists_red_alerts_before_orange_ones(self, tmp_path):
        master = make_workbook(tmp_path)
        refresh(master)
        levels = [row["Gravité"] for row in alert_rows(master).values()]
        assert levels == sorted(levels, key=[Level.ROUGE.value, Level.ORANGE.value].index)


class DescribeAlertesReshapedByUsers:
    def it_keeps_the_text_of_a_second_column_with_the_same_header(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        workbook = openpyxl.load_workbook(master)
        ws = workbook["Alertes"]
        headers = {c.value: c.column for c in ws[3]}
        second = ws.max_column + 1
        ws.cell(3, second, "Commentaire")
        ws.cell(4, headers["Commentaire"], "vu avec le bailleur")
        ws.cell(4, second, "relancer en janvier")
        ws.cell(5, headers["Commentaire"], "2011-13-45T00:00:00")  # looks like a date the add-in sends; is not
        key = ws.cell(4, 1).value
        workbook.save(master)
        refresh(master)
        rows = alert_rows(master)
        assert rows[key]["Commentaire"] == "vu avec le bailleur"
        assert rows[key]["Commentaire (2)"] == "relancer en janvier"
        assert "2011-13-45T00:00:00" in {row["Commentaire"] for row in rows.values()}

    def it_finds_the_header_below_title_rows_users_inserted(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        workbook = openpyxl.load_workbook(master)
        ws = workbook["Alertes"]
        ws.cell(4, [c.value for c in ws[3]].index("Commentaire") + 1, "à voir en comité")
        key = ws.cell(4, 1).value
        ws.insert_rows(1, 12)
        workbook.save(master)
        refresh(master)
        assert alert_rows(master)[key]["Commentaire"] == "à voir en comité"

    def it_refuses_to_rewrite_an_alertes_sheet_whose_header_row_is_gone(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master)
        workbook = openpyxl.load_workbook(master)
        ws = workbook["Alertes"]
        ws.cell(4, [c.value for c in ws[3]].index("Commentaire") + 1, "note à ne pas perdre")
        ws.delete_rows(3)  # the header row, deleted by mistake
        workbook.save(master)
        before, backups = master.read_bytes(), list(tmp_path.glob("*.sauvegarde-*"))
        err = io.StringIO()
        status = main(["refresh", str(master), "--in-place"], today=TODAY, stdout=io.StringIO(), stderr=err)
        assert status == 2
        assert "La feuille Alertes n'a plus sa ligne d'en-tête" in err.getvalue()
        assert "Rien n'a été modifié" in err.getvalue() and "Traceback" not in err.getvalue()
        assert master.read_bytes() == before
        assert list(tmp_path.glob("*.sauvegarde-*")) == backups  # stopped before the backup and the save


class DescribeHistory:
    def it_keeps_one_snapshot_per_date_de_situation(self, tmp_path):
        master = make_workbook(tmp_path)
        refresh(master)
        refresh(master)  # the same date again: replaced, not added
        set_input(master, "Jalons", AME_START, "Date prévisionnelle", datetime(2012, 6, 1))
        refresh(master, "--at", "31/10/2011")
        workbook = openpyxl.load_workbook(master)
        dates = [row[0] for row in workbook["Historique"].iter_rows(min_row=2, values_only=True)]
        assert dates == [datetime(2011, 9, 30), datetime(2011, 10, 31)]
        assert workbook["Historique jalons"].sheet_state == "hidden"
        with closing(openpyxl.load_workbook(master, read_only=True)) as saved:  # read-only keeps the file open
            snapshots = read_milestone_history(OpenpyxlSource(saved))
        assert {s.at for s in snapshots} == {date(2011, 9, 30), date(2011, 10, 31)}

    def it_tells_what_changed_since_the_last_refresh(self, tmp_path):
        master = make_workbook(tmp_path)
        refresh(master)
        set_input(master, "Jalons", AME_START, "Date prévisionnelle", datetime(2012, 6, 1))
        set_input(master, "Paramètres", ("Fin de la convention GUP",), "Valeur", datetime(2013, 12, 31))
        refresh(master, "--at", "31/10/2011")
        with closing(openpyxl.load_workbook(master, read_only=True)) as saved:
            source = OpenpyxlSource(saved)
            changes = what_changed(read_milestone_history(source), read_previous(source).rows,
                                   date(2011, 9, 30), date(2011, 10, 31))
        assert [(m.operation_id, m.milestone, m.before, m.after, m.has_motif) for m in changes.forecasts_moved] == [
            ("PER-AME-01", "Démarrage des travaux", date(2012, 4, 1), date(2012, 6, 1), False)]
        # the later start also restores the sequencing after the demolition: CAL-04 is resolved too
        assert [r.key for r in changes.resolved_alerts] == [CAL_04, SOC_02]

    def it_raises_cal_08_when_a_forecast_moved_without_a_motif(self, tmp_path):
        master = make_workbook(tmp_path)
        refresh(master)
        set_input(master, "Jalons", AME_START, "Date prévisionnelle", datetime(2012, 6, 1))
        report = check_file(master, at=date(2011, 10, 31), today=TODAY)
        assert "CAL-08 · PER-AME-01 · Démarrage des travaux" in {a.key for a in report.alerts}


class DescribeHistoryReshapedByUsers:
    def it_keeps_the_history_below_title_rows_users_inserted(self, tmp_path):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master, "--at", "30/06/2011")
        workbook = openpyxl.load_workbook(master)
        workbook["Historique"].insert_rows(1, 12)
        workbook.save(master)
        refresh(master)
        dates = [row[0] for row in openpyxl.load_workbook(master)["Historique"].iter_rows(values_only=True)
                 if isinstance(row[0], datetime)]
        assert [d.date() for d in dates] == [date(2011, 6, 30), date(2011, 9, 30)]

    @pytest.mark.parametrize("sheet", ["Historique", "Historique jalons"])
    def it_refuses_to_rewrite_a_history_sheet_whose_header_row_is_gone(self, tmp_path, sheet):
        master = make_workbook(tmp_path, name="maître.xlsx")
        refresh(master, "--at", "30/06/2011")
        workbook = openpyxl.load_workbook(master)
        workbook[sheet].delete_rows(1)
        workbook.save(master)
        before = master.read_bytes()
        err = io.StringIO()
        status = main(["refresh", str(master), "--in-place"], today=TODAY, stdout=io.StringIO(), stderr=err)
        assert status == 2 and f"La feuille {sheet}" in err.getvalue()
        assert "l'historique des situations précédentes" in err.getvalue() and "Rien n'a été modifié" in err.getvalue()
        assert master.read_bytes() == before


class DescribeInputSheets:
    def it_never_changes_an_input_cell_of_the_shipped_master(self, tmp_path):
        shipped = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
        copy = tmp_path / "copie.xlsx"
        main(["refresh", str(shipped), "--out", str(copy)], today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())

        def cells(path: Path) -> dict:
            workbook = openpyxl.load_workbook(path)
            return {(ws.title, c.coordinate): c.value for ws in workbook.worksheets if ws.title not in OUTPUT_SHEETS
                    for row in ws.iter_rows() for c in row if c.value is not None}
        assert cells(copy) == cells(shipped)
