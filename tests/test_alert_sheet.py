"""The Alertes sheet remembers: user columns follow their key, resolved alerts stay, nothing typed is lost."""

from __future__ import annotations

from datetime import date, datetime

from opc_excel.model import Alert, Level, Theme
from opc_excel.workbook.alert_sheet import AlertRow, PreviousSheet, first_seen_by_key, merge, read_previous
from opc_excel.workbook.source import GridSource

MARCH, JUNE, SEPTEMBER = date(2011, 3, 31), date(2011, 6, 30), date(2011, 9, 30)


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
