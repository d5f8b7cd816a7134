"""Every problem code of the contract: it fires where it should, on the right cell, and only there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from opc_excel.model import Severity
from opc_excel.pipeline import check_file
from tests.factory import AT, Rows, clean_sheets, column_of, make_workbook, set_value

Sheets = dict[str, Rows]


def check(tmp_path, sheets: Sheets, **kwargs):
    return check_file(make_workbook(tmp_path, sheets, **kwargs), at=None, today=date(2026, 1, 1))


def found(report, code: str) -> list[tuple[str, str, Severity]]:
    return [(p.sheet, p.cell, p.severity) for p in report.problems if p.code == code]


FIRST_CONTRACT_DROPPED = {  # sheet -> columns the contract change of 2026-12-04 added
    "Opérations": ("Base subventionnable (€)", "Dérogation ANRU"),
    "Dépendances": ("Type de lien",),
    "Avenants": ("Statut",),
    "Relogement": ("Propositions refusées", "Date d'entrée en relogement temporaire"),
    "Insertion": ("Type",),
}


def first_contract(sheets: Sheets) -> Sheets:
    """Return the sheets as a master written before 2026-12-04 held them: no new column, parameter or header."""
    from opc_excel.read.contract import ADDED_PARAMETERS, PARAMETERS

    added = {p.label for p in PARAMETERS if p.attr in ADDED_PARAMETERS}
    sheets["Paramètres"] = [row for row in sheets["Paramètres"] if row[0] not in added]
    for name, dropped in FIRST_CONTRACT_DROPPED.items():
        keep = [i for i, header in enumerate(sheets[name][0]) if header not in dropped]
        sheets[name] = [[row[i] for i in keep if i < len(row)] for row in sheets[name]]
    sheets["Dépendances"][0] = [{"Délai minimal (mois)": "Décalage (mois)"}.get(h, h) for h in sheets["Dépendances"][0]]
    return sheets


class DescribeACleanWorkbook:
    def it_has_no_problem_at_all(self, tmp_path):
        report = check(tmp_path, clean_sheets())
        assert report.problems == ()

    def it_checks_a_master_of_the_first_contract_with_no_problem(self, tmp_path):
        sheets = first_contract(clean_sheets())
        report = check(tmp_path, sheets)
        assert report.problems == ()  # the contract change of 2026-12-04 added nothing a user must type
        assert report.programme.dependencies[0].lag_months == 1  # « Décalage (mois) », the old header

    def it_says_once_which_parameters_were_left_empty_and_the_defaults_used(self, tmp_path):
        sheets = clean_sheets()
        for row in sheets["Paramètres"]:
            if row[0] in ("Seuil retard orange (mois)", "Fraîcheur des données (jours)"):
                row[1] = None
        [warning] = [p for p in check(tmp_path, sheets).problems if p.code == "DQ-PARAM"]
        assert warning.severity is Severity.AVERTISSEMENT and warning.cell == "B15"  # the first one left empty
        assert "« Seuil retard orange (mois) » : 6" in warning.message
        assert "« Fraîcheur des données (jours) » : 60" in warning.message

    def it_reads_every_table_into_the_model(self, tmp_path):
        programme = check(tmp_path, clean_sheets()).programme
        assert programme.at == AT
        assert [op.id for op in programme.operations] == ["PER-DEM-01", "PER-AME-01", "COU-REH-01"]
        demolition = programme.operation("PER-DEM-01")
        assert demolition.cost == 2_400_000
        assert demolition.milestone("Démarrage des travaux").actual == date(2011, 5, 2)
        assert demolition.milestone("Livraison").forecast == date(2012, 3, 31)
        assert len(programme.funding) == 6 and len(programme.households) == 2
        assert programme.dependencies[0].lag_months == 1
        assert programme.amendments[0].operation_ids == ("PER-DEM-01", "PER-AME-01")
        assert programme.actions[0].due == date(2011, 10, 31)


def _drop_sheet(name: str) -> Callable[[Sheets], str]:
    def spoil(sheets: Sheets) -> str:
        del sheets[name]
        return ""
    return spoil


def _rename_header(sheet: str, header: str, new: str) -> Callable[[Sheets], str]:
    def spoil(sheets: Sheets) -> str:
        sheets[sheet][0][column_of(sheets, sheet, header)] = new
        return ""
    return spoil


def _set(sheet: str, row: int, header: str, value: object) -> Callable[[Sheets], str]:
    def spoil(sheets: Sheets) -> str:
        return set_value(sheets, sheet, row, header, value)
    return spoil


def _add_column(sheet: str, header: str) -> Callable[[Sheets], str]:
    def spoil(sheets: Sheets) -> str:
        sheets[sheet][0].append(header)
        return f"{chr(ord('A') + len(sheets[sheet][0]) - 1)}1"
    return spoil


PARTICIPANT_HEADERS = ("Organisation", "Fonction", "Instances", "Contact professionnel")


def _participants(row: list[object], cell: str, extra: str | None = None) -> Callable[[Sheets], str]:
    """Add a *Participants* sheet (``extra``: one more header) with a professional line, then ``row``."""
    def spoil(sheets: Sheets) -> str:
        header = [*PARTICIPANT_HEADERS, *([extra] if extra else [])]
        sheets["Participants"] = [header, ["Orne Habitat", "Directeur du patrimoine", "Comité de suivi",
                                           "patrimoine@orne-habitat.fr"], row]
        return cell
    return spoil


# (code, how the clean workbook is spoiled, sheet reported, gravité)
CASES = [
    ("DQ-SHEET", _drop_sheet("Jalons"), "Jalons", Severity.BLOQUANT),  # a required sheet is missing
    ("DQ-SHEET", _drop_sheet("Listes"), "Listes", Severity.AVERTISSEMENT),  # default lists used instead
    ("DQ-COL", _rename_header("Opérations", "Coût convention (€ HT)", "Coût"), "Opérations",
     Severity.BLOQUANT),  # a required column missing
    ("DQ-REQ", _set("Opérations", 1, "Libellé", None), "Opérations", Severity.BLOQUANT),  # empty label
    ("DQ-REQ", _set("Financements", 2, "Statut", "  "), "Financements", Severity.BLOQUANT),  # spaces only
    ("DQ-TYPE", _set("Opérations", 2, "Coût convention (€ HT)", "NC"), "Opérations", Severity.BLOQUANT),
    ("DQ-TYPE", _set("Jalons", 1, "Date convention", "bientôt"), "Jalons", Severity.BLOQUANT),
    ("DQ-TYPE", _set("Opérations", 1, "Taux ANRU plafond (%)", 140), "Opérations", Severity.BLOQUANT),
    ("DQ-TYPE", _set("Financements", 1, "Montant engagé (€)", "#N/A"), "Financements", Severity.BLOQUANT),
    ("DQ-LIST", _set("Opérations", 1, "Famille", "Démolitions"), "Opérations", Severity.BLOQUANT),
    ("DQ-LIST", _set("Financements", 1, "Statut", "Voté"), "Financements", Severity.BLOQUANT),  # fixed list
    ("DQ-DUP", _set("Opérations", 2, "ID opération", "PER-DEM-01"), "Opérations", Severity.BLOQUANT),
    ("DQ-DUP", _set("Jalons", 2, "Jalon", "DAS"), "Jalons", Severity.BLOQUANT),  # same milestone twice
    ("DQ-DUP", _set("Relogement", 2, "N° ménage", "M-001"), "Relogement", Severity.BLOQUANT),
    ("DQ-REF", _set("Financements", 1, "ID opération", "PER-XXX-99"), "Financements", Severity.BLOQUANT),
    ("DQ-REF", _set("Dépendances", 1, "Successeur", "PER-XXX-99"), "Dépendances", Severity.BLOQUANT),
    ("DQ-REF", _set("Avenants", 1, "Opérations concernées", "PER-DEM-01; NOPE"), "Avenants", Severity.BLOQUANT),
    ("DQ-DATE", _set("Jalons", 3, "Date convention", datetime(2010, 1, 1)), "Jalons", Severity.BLOQUANT),
    ("DQ-FUTURE", _set("Jalons", 2, "Date réelle", datetime(2011, 10, 1)), "Jalons", Severity.BLOQUANT),
    ("DQ-FUTURE", _set("Relogement", 1, "Date de relogement", datetime(2012, 1, 1)), "Relogement",
     Severity.BLOQUANT),
    ("DQ-NEG", _set("Financements", 2, "Montant convention (€)", -1), "Financements", Severity.BLOQUANT),
    ("DQ-NEG", _set("Financements", 1, "Montant versé (€)", 1_300_000), "Financements",
     Severity.BLOQUANT),  # paid more than engaged
    ("DQ-NEG", _set("Opérations", 3, "Quantité réalisée", -3), "Opérations", Severity.BLOQUANT),
    ("DQ-PRIV", _add_column("Relogement", "Nom du ménage"), "Relogement", Severity.BLOQUANT),
    ("DQ-PRIV", _add_column("Relogement", "Téléphone"), "Relogement", Severity.BLOQUANT),
    ("DQ-LIST", _participants(["Ville", "Chef de projet", "Point mensuel; Comité de suivis"], "C3"), "Participants",
     Severity.BLOQUANT),  # an instance not in the Instances list: that invitee would miss its convocations
    ("DQ-PRIV", _participants(["Ville", "Chef de projet", "Point mensuel", "06 12 34 56 78"], "D3"), "Participants",
     Severity.BLOQUANT),  # a phone number where a professional contact goes
    ("DQ-PRIV", _participants(["Ville", "Chef de projet", "Point mensuel", "j.martin@gmail.com"], "D3"),
     "Participants", Severity.BLOQUANT),  # a private mailbox
    ("DQ-PRIV", _participants(["Ville", "Chef de projet, 12 rue des Lilas", "Point mensuel"], "B3"),
     "Participants", Severity.BLOQUANT),  # a street address in a read column
    ("DQ-PRIV", _participants(["Ville", "Chef de projet", "Point mensuel", None, "12 rue des Lilas"], "E1",
                              "Adresse"), "Participants", Severity.BLOQUANT),  # an address column
    ("DQ-PRIV", _participants(["Ville", "Chef de projet", "Point mensuel", None, "14/02/1970"], "E1",
                              "Date de naissance"), "Participants", Severity.BLOQUANT),
    ("DQ-FORMULA", _set("Opérations", 1, "Commentaire", "=1+1"), "Opérations",
     Severity.AVERTISSEMENT),  # openpyxl saves formulas without their value
    ("DQ-TEXTDATE", _set("Jalons", 1, "Date convention", "S1 2010"), "Jalons", Severity.AVERTISSEMENT),
    ("DQ-TEXTDATE", _set("Jalons", 1, "Date convention", "01/03/2010"), "Jalons", Severity.AVERTISSEMENT),
    ("DQ-TEXTNUM", _set("Opérations", 1, "Coût convention (€ HT)", "2,4 M€"), "Opérations",
     Severity.AVERTISSEMENT),
    ("DQ-TEXTNUM", _set("Relogement", 1, "Nombre de propositions", "2"), "Relogement", Severity.AVERTISSEMENT),
    ("DQ-PARAM", _set("Paramètres", 14, "Valeur", None), "Paramètres", Severity.AVERTISSEMENT),
    ("DQ-PARAM", _set("Paramètres", 14, "Valeur", "six"), "Paramètres", Severity.AVERTISSEMENT),
]


class DescribeTextTypedForValues:
    """workbook.md, Problem codes: text typed for a date or an amount is one warning per sheet and column."""

    @staticmethod
    def ten_text_dates() -> Sheets:
        sheets = clean_sheets()
        sheets["Jalons"] += [["PER-AME-01", name, datetime(2011, month, 1), None, None, None, None, None]
                             for name, month in (("Désignation MOE", 2), ("Dépôt PC", 6), ("Obtention PC", 9))]
        col = column_of(sheets, "Jalons", "Date convention")
        for row in sheets["Jalons"][1:]:
            row[col] = row[col].strftime("%d/%m/%Y")
        return sheets

    def it_gives_one_warning_naming_the_count_and_the_first_cells(self, tmp_path):
        report = check(tmp_path, self.ten_text_dates())
        [warning] = report.problems
        assert (warning.code, warning.severity, warning.sheet, warning.cell, warning.column, warning.value) == (
            "DQ-TEXTDATE", Severity.AVERTISSEMENT, "Jalons", "C2", "Date convention", "01/03/2010")
        assert warning.message == (
            "Dates saisies comme du texte dans Jalons, colonne Date convention : 10 cellules (C2, C3, C4, C5, C6…), "
            "lues comme elles s'écrivent, par exemple en C2 le texte « 01/03/2010 » lu comme le 01/03/2010. "
            "Pour ne plus voir ce message, tapez-les comme des dates Excel : cellules au format Date "
            "ou Standard, sans apostrophe devant.")

    def it_reads_each_text_date_as_written(self, tmp_path):
        typed = check(tmp_path, self.ten_text_dates()).programme
        read = {(op.id, name): m.convention for op in typed.operations for name, m in op.milestones.items()}
        col = column_of(clean_sheets(), "Jalons", "Date convention")
        expected = {(row[0], row[1]): datetime.strptime(row[col], "%d/%m/%Y").date()
                    for row in self.ten_text_dates()["Jalons"][1:]}
        assert len(expected) == 10 and read == expected

    def it_gives_amounts_typed_as_text_their_own_code(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Financements", 1, "Montant convention (€)", "1 200 000 €")
        set_value(sheets, "Financements", 2, "Montant convention (€)", "1,2 M€")
        [warning] = check(tmp_path, sheets).problems
        assert (warning.code, warning.cell, warning.value) == ("DQ-TEXTNUM", "C2", "1 200 000 €")
        assert warning.message.startswith(
            "Montants saisis comme du texte dans Financements, colonne Montant convention (€) : 2 cellules (C2, C3), "
            "lues comme elles s'écrivent, par exemple en C2 le texte « 1 200 000 € » lu comme "
            "1\u202f200\u202f000\u00a0€.")

    def it_says_a_single_text_amount_as_one(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Opérations", 1, "Coût convention (€ HT)", "2,4 M€")
        [warning] = check(tmp_path, sheets).problems
        assert warning.message.startswith("Montant saisi comme du texte dans Opérations, colonne Coût convention "
                                          "(€ HT) (G2) : le texte « 2,4 M€ » a été lu comme "
                                          "2\u202f400\u202f000\u00a0€. "
                                          "Pour ne plus voir ce message, tapez-le comme un nombre")

    def it_keeps_a_reading_that_may_be_wrong_a_warning_of_its_own(self, tmp_path):
        sheets = self.ten_text_dates()
        set_value(sheets, "Jalons", 3, "Date convention", "S2 2011")  # a Livraison: read as 31/12/2011
        problems = check(tmp_path, sheets).problems
        assert [(p.code, p.cell) for p in problems] == [("DQ-TEXTDATE", "C2"), ("DQ-TEXTDATE", "C4")]
        single = next(p for p in problems if p.cell == "C4")
        assert single.message.startswith("Texte « S2 2011 » lu comme le 31/12/2011 (fin du semestre).")
        grouped = next(p for p in problems if p.cell == "C2")
        assert grouped.message.startswith("Dates saisies comme du texte dans Jalons, colonne Date convention : "
                                          "9 cellules (C2, C3, C5, C6, C7…)")


class DescribeEachProblemCode:
    @pytest.mark.parametrize(("code", "spoil", "sheet", "severity"), CASES,
                             ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
    def it_fires_once_on_the_spoiled_cell_only(self, tmp_path, code, spoil, sheet, severity):
        sheets = clean_sheets()
        cell = spoil(sheets)
        report = check(tmp_path, sheets)
        hits = found(report, code)
        assert len(hits) == 1, report.problems
        assert hits[0][0] == sheet and hits[0][2] is severity
        if cell:
            assert hits[0][1] == cell
        problem = next(p for p in report.problems if p.code == code)
        assert problem.message[0].isupper() or problem.message.startswith("«")
        # the message says what to do next
        assert any(verb in problem.message.lower() for verb in (
            "tapez", "saisissez", "choisissez", "corrigez", "ajoutez", "supprimez", "vérifiez", "enregistrez",
            "donnez", "gardez"))

    def it_shows_an_empty_required_cell_as_empty(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Relogement", 2, "Statut", None)
        problem = next(p for p in check(tmp_path, sheets).problems if p.code == "DQ-REQ")
        assert (problem.cell, problem.value) == ("C3", "")

    def it_reports_every_problem_in_one_pass(self, tmp_path):
        sheets = clean_sheets()
        for _code, spoil, _sheet, _severity in CASES[3:12]:
            spoil(sheets)
        report = check(tmp_path, sheets)
        assert {p.code for p in report.problems} >= {"DQ-REQ", "DQ-TYPE", "DQ-LIST"}
        assert len(report.blocking) >= 9


class DescribeWhatIsLeftOut:
    def it_blanks_an_unreadable_cost_but_keeps_the_operation(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Opérations", 2, "Coût convention (€ HT)", "NC")
        operation = check(tmp_path, sheets).programme.operation("PER-AME-01")
        assert operation is not None and operation.cost is None

    def it_leaves_out_the_second_of_two_duplicate_operations(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Opérations", 2, "ID opération", "PER-DEM-01")
        operations = check(tmp_path, sheets).programme.operations
        assert [op.label for op in operations if op.id == "PER-DEM-01"] == ["Démolition immeuble Ronsard"]

    def it_leaves_out_funding_of_an_unknown_operation(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Financements", 1, "ID opération", "PER-XXX-99")
        funding = check(tmp_path, sheets).programme.funding
        assert len(funding) == 5 and all(f.operation_id != "PER-XXX-99" for f in funding)

    def it_never_keeps_a_future_actual_date(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Jalons", 2, "Date réelle", datetime(2011, 10, 1))
        milestone = check(tmp_path, sheets).programme.operation("PER-DEM-01").milestone("Démarrage des travaux")
        assert milestone.actual is None and milestone.forecast == date(2011, 5, 1)

    def it_blanks_both_dates_of_a_delivery_before_its_start(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Jalons", 3, "Date convention", datetime(2010, 1, 1))
        op = check(tmp_path, sheets).programme.operation("PER-DEM-01")
        assert op.milestone("Livraison").convention is None
        assert op.milestone("Démarrage des travaux").convention is None

    def it_uses_the_default_of_an_unreadable_threshold(self, tmp_path):
        sheets = clean_sheets()
        row = next(i for i, r in enumerate(sheets["Paramètres"]) if r[0] == "Seuil retard orange (mois)")
        sheets["Paramètres"][row][1] = "six"
        assert check(tmp_path, sheets).programme.params.delay_orange_months == 6

    def it_takes_today_when_no_date_de_situation_is_given(self, tmp_path):
        sheets = clean_sheets()
        row = next(i for i, r in enumerate(sheets["Paramètres"]) if r[0] == "Date de situation")
        sheets["Paramètres"][row][1] = None
        report = check(tmp_path, sheets)
        assert report.at == date(2026, 1, 1)
        assert found(report, "DQ-PARAM")[0][2] is Severity.AVERTISSEMENT

    def it_lets_the_at_option_override_the_parameter(self, tmp_path):
        report = check_file(make_workbook(tmp_path), at=date(2011, 6, 30), today=date(2026, 1, 1))
        assert report.at == date(2011, 6, 30)
        assert found(report, "DQ-FUTURE")  # the actual dates after 30/06/2011 are now in the future


# Ids a user can't tell apart on screen: (what is typed in place of PER-DEM-01, what the message names)
LOOK_ALIKES = [
    ("PER-DEM-01\u200b", "une espace sans largeur"),  # a zero-width space pasted from a web page
    ("PER-DEM\u200d-01", "un liant sans largeur"),  # a zero-width joiner
    ("PER-DEM-\u00ad01", "un trait d'union conditionnel"),  # a soft hyphen
    ("PER\u2011DEM-01", "le tiret « \u2011 »"),  # a non-breaking hyphen, as Word types it
    ("P\u0415R-DEM-01", "la lettre cyrillique « \u0415 »"),  # a Cyrillic Е
    ("PER-D\u0395M-01", "la lettre grecque « \u0395 »"),  # a Greek Epsilon
    ("\uff30ER-DEM-01", "le caractère « \uff30 » (pleine chasse ou de compatibilité)"),  # a fullwidth P
    ("PER-DEM-01\u00a0", None),  # a no-break space at the end: trimmed, the same id (a plain duplicate)
]


class DescribeLookAlikeIds:
    @pytest.mark.parametrize(("typed", "named"), LOOK_ALIKES, ids=[repr(t) for t, _ in LOOK_ALIKES])
    def it_reports_a_second_operation_whose_id_only_looks_different_naming_both_cells(self, tmp_path, typed,
                                                                                        named):
        sheets = clean_sheets()
        sheets["Opérations"].append(list(sheets["Opérations"][1]))  # PER-DEM-01 typed again, differently
        sheets["Opérations"][-1][0] = typed
        report = check(tmp_path, sheets)
        [problem] = [p for p in report.problems if p.code == "DQ-DUP"]
        assert (problem.sheet, problem.cell, problem.severity) == ("Opérations", "A5", Severity.BLOQUANT)
        assert "A2" in problem.message
        if named is not None:
            assert named in problem.message and "Retapez-le au clavier" in problem.message
        assert [op.id for op in report.programme.operations] == ["PER-DEM-01", "PER-AME-01", "COU-REH-01"]
        assert report.indicators is not None and sum(op.cost for op in report.programme.operations) == 6_900_000

    @pytest.mark.parametrize("sheet", ["Jalons", "Financements", "Relogement", "Insertion"])
    def it_reports_a_reference_that_only_looks_like_an_operation(self, tmp_path, sheet):
        sheets = clean_sheets()
        header = "Opération" if sheet == "Relogement" else "ID opération"
        cell = set_value(sheets, sheet, 1, header, "P\u0415R-DEM-01\u200b")
        report = check(tmp_path, sheets)
        [problem] = [p for p in report.problems if p.code == "DQ-REF"]
        assert (problem.sheet, problem.cell) == (sheet, cell)
        assert "« PER-DEM-01 » (Opérations!A2)" in problem.message
        assert "la lettre cyrillique « \u0415 », une espace sans largeur" in problem.message

    def it_reports_a_look_alike_in_a_list_of_operations(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Avenants", 1, "Opérations concernées", "PER-DEM-01; PER\u2013AME-01")
        report = check(tmp_path, sheets)
        [problem] = [p for p in report.problems if p.code == "DQ-REF"]
        assert problem.cell == "E2" and "« PER\u2013AME-01 » ne se distingue de « PER-AME-01 » (Opérations!A3)" \
            in problem.message and "le tiret « \u2013 »" in problem.message
        assert report.programme.amendments[0].operation_ids == ("PER-DEM-01",)

    def it_reports_look_alike_household_numbers(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Relogement", 2, "N° ménage", "M-0\u200b01")
        report = check(tmp_path, sheets)
        assert found(report, "DQ-DUP") == [("Relogement", "A3", Severity.BLOQUANT)]
        assert len(report.programme.households) == 1

    def it_keeps_ids_that_differ_by_an_accent_or_by_case(self, tmp_path):
        sheets = clean_sheets()
        set_value(sheets, "Relogement", 2, "N° ménage", "m-001")
        assert found(check(tmp_path, sheets), "DQ-DUP") == []
