"""The two workbooks of ``workbooks/``: built by code, meaningful, and consistent with the contract.

Read with openpyxl only, as a user's Excel would see them: these tests don't go through the
reader, so a reader bug can't hide a bad demo.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.cli import main
from opc_excel.compute.changes import what_changed
from opc_excel.demo.data import ALERT_NOTES, DISTRICTS, FUNDERS, UNEXPLAINED_MOVES
from opc_excel.demo.data import OWNERS as DEMO_OWNERS
from opc_excel.demo.generate import MASTER_FILE, TEMPLATE_FILE, TEMPLATE_LISTS, build_template, write_workbooks
from opc_excel.demo.tables import EXTRA_LISTS
from opc_excel.pipeline import check_file
from opc_excel.read import contract as c
from opc_excel.read.alert_sheet import USER_HEADERS, read_previous
from opc_excel.read.contract import Kind, SheetSpec
from opc_excel.read.history import read_milestone_history
from opc_excel.read.source import OpenpyxlSource
from opc_excel.text import match_key

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
AT = date(2011, 9, 30)
SITUATIONS = [date(2011, 3, 31), date(2011, 6, 30), AT]
TODAY = date(2026, 1, 1)
OWNERS = {"Ville d'Alençon", "CUA d'Alençon", "Orne Habitat", "Sagim", "Logis Familial"}
DEMOLITION = "Démolition de logements sociaux"
RECONSTITUTION = "Reconstitution de l'offre"


def _sheet_values(ws: Worksheet) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(values_only=True))


def _rows(ws: Worksheet, spec: SheetSpec) -> list[dict[str, object]]:
    """Return the data rows of a contract sheet as dicts keyed by column attr."""
    values = _sheet_values(ws)
    key = match_key(spec.key_header)
    header_row = next(i for i, row in enumerate(values[:10]) if key in {match_key(v) for v in row if v})
    headers = [match_key(v) if v else None for v in values[header_row]]
    columns = {col.attr: headers.index(match_key(col.header)) for col in spec.columns}
    return [{attr: _day(row[i]) for attr, i in columns.items()}
            for row in values[header_row + 1:] if any(v is not None for v in row)]


def _day(value: object) -> object:
    return value.date() if isinstance(value, datetime) else value


def _lists(ws: Worksheet) -> dict[str, list[str]]:
    columns = list(ws.iter_cols(values_only=True))
    return {col[0]: [v for v in col[1:] if v is not None] for col in columns}


@pytest.fixture(scope="module")
def master():
    return load_workbook(WORKBOOKS / MASTER_FILE)


@pytest.fixture(scope="module")
def template():
    return load_workbook(WORKBOOKS / TEMPLATE_FILE)


@pytest.fixture(scope="module")
def tables(master) -> dict[str, list[dict[str, object]]]:
    return {spec.name: _rows(master[spec.name], spec) for spec in c.TABLE_SPECS}


@pytest.fixture(scope="module")
def costs(tables) -> dict[str, float]:
    return {op["id"]: op["cost_convention"] for op in tables[c.OPERATIONS]}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    write_workbooks(out)
    return out


class DescribeGeneration:
    @pytest.mark.parametrize("name", [MASTER_FILE, TEMPLATE_FILE])
    def it_rebuilds_the_committed_files_cell_for_cell(self, regenerated, name):
        built, committed = load_workbook(regenerated / name), load_workbook(WORKBOOKS / name)
        assert built.sheetnames == committed.sheetnames
        for sheet in committed.sheetnames:
            assert _sheet_values(built[sheet]) == _sheet_values(committed[sheet]), sheet

    def it_gives_the_same_bytes_from_one_run_to_the_next(self, regenerated, tmp_path):
        write_workbooks(tmp_path)
        for name in (MASTER_FILE, TEMPLATE_FILE):
            assert (tmp_path / name).read_bytes() == (regenerated / name).read_bytes(), name

    @pytest.mark.parametrize(("name", "sheets"), [
        (MASTER_FILE, [c.MODE_EMPLOI, *c.INPUT_SHEETS, *c.OUTPUT_SHEETS]),  # refreshed: its output sheets last
        (TEMPLATE_FILE, [c.MODE_EMPLOI, *c.INPUT_SHEETS]),  # never refreshed
    ])
    def it_orders_the_sheets_as_the_contract(self, name, sheets):
        wb = load_workbook(WORKBOOKS / name, read_only=True)
        assert wb.sheetnames == sheets


class DescribeMasterHistory:
    """The master ships refreshed on 31/03, 30/06 and 30/09/2011, so that the demo can show change."""

    def it_has_a_historique_row_per_date_de_situation(self, master):
        rows = list(master["Historique"].iter_rows(values_only=True))
        headers, values = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0]]
        assert headers[0] == "Date de situation"
        assert [_day(v["Date de situation"]) for v in values] == SITUATIONS
        assert all(v["Problèmes bloquants"] == 0 for v in values)
        for figure in ("Taux d'engagement ANRU", "Avancement global pondéré", "Ménages relogés"):
            figures = [v[figure] for v in values]
            assert figures == sorted(figures) and figures[0] < figures[-1], figure
        assert all(v["Alertes rouges"] > 0 and v["Alertes orange"] > 0 for v in values)

    def it_keeps_the_milestones_of_each_date_de_situation(self, master):
        ws = master["Historique jalons"]
        assert ws.sheet_state == "hidden"
        dates = {_day(row[0]) for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
        assert sorted(dates) == SITUATIONS

    def it_keeps_the_notes_typed_in_alertes_on_30_06(self, master):
        rows = _alert_rows(master)
        noted = {key: row for key, row in rows.items() if row["Mesure retenue"]}
        assert set(noted) == set(ALERT_NOTES) and 4 <= len(noted) <= 6
        for key, typed in ALERT_NOTES.items():
            for header, value in typed.items():
                assert _day(rows[key][header]) == value, (key, header)  # their Suivi too, resolved or not
        resolved = [row for row in noted.values() if _day(row["Résolue le"]) == AT]
        assert len(resolved) == 1 and resolved[0]["Commentaire"] and resolved[0]["Suivi"] == "Traitée"
        assert {_day(row["Détectée le"]) for row in rows.values()} == set(SITUATIONS)
        assert any(str(row["Suivi"]).startswith("Résolue le 30/06/2011") for row in rows.values())

    def it_checks_without_blocking_problem(self):
        status = main(["check", str(WORKBOOKS / MASTER_FILE)], today=TODAY, stdout=io.StringIO(),
                      stderr=io.StringIO())
        assert status == 0

    def it_shows_cal_08_and_what_changed_since_30_06_on_a_refresh(self):
        report = check_file(WORKBOOKS / MASTER_FILE, at=AT, today=TODAY)
        moved_without_motif = {f"CAL-08 · {op_id} · {name}" for op_id, name in UNEXPLAINED_MOVES}
        assert {a.key for a in report.alerts if a.code == "CAL-08"} == moved_without_motif
        workbook = load_workbook(WORKBOOKS / MASTER_FILE, read_only=True)
        source = OpenpyxlSource(workbook)
        changes = what_changed(read_milestone_history(source), read_previous(source).rows, date(2011, 6, 30), AT)
        workbook.close()
        assert len(changes.milestones_reached) >= 10
        assert all(date(2011, 6, 30) < m.after <= AT for m in changes.milestones_reached)
        assert {(m.operation_id, m.milestone) for m in changes.forecasts_moved if not m.has_motif} == set(
            UNEXPLAINED_MOVES)
        assert len(changes.forecasts_moved) > len(UNEXPLAINED_MOVES)  # the others moved with their motif
        assert changes.new_alerts and changes.resolved_alerts


class DescribeMasterContent:
    def it_is_a_programme_of_the_announced_size(self, tables, costs):
        operations = tables[c.OPERATIONS]
        assert 80 <= len(operations) <= 120
        assert 85e6 <= sum(costs.values()) <= 90e6
        assert {op["district"] for op in operations} == {"Perseigne", "Courteille"}
        assert {op["famille"] for op in operations} == set(c.DEFAULT_LISTS[c.FAMILLES])
        assert {op["owner"] for op in operations} == OWNERS

    def it_demolishes_about_500_and_rebuilds_about_400_dwellings(self, tables):
        by_famille = Counter()
        for op in tables[c.OPERATIONS]:
            by_famille[op["famille"]] += op["quantity_convention"] or 0
        assert 480 <= by_famille[DEMOLITION] <= 520
        assert 390 <= by_famille[RECONSTITUTION] <= 400

    def it_rehouses_about_400_anonymous_households_from_demolitions(self, tables):
        households = tables[c.RELOGEMENT]
        demolitions = {op["id"] for op in tables[c.OPERATIONS] if op["famille"] == DEMOLITION}
        assert 350 <= len(households) <= 450
        assert {h["operation_id"] for h in households} <= demolitions

    def it_has_two_amendments(self, tables):
        assert [a["kind"] for a in tables[c.AVENANTS]] == ["Simplifié", "National"]

    def it_names_the_funders_and_the_porteur_de_projet_as_in_2011(self, master, tables):
        funders = {f["funder"] for f in tables[c.FINANCEMENTS]}
        assert {"Conseil général de l'Orne", "Conseil régional de Basse-Normandie"} <= funders
        listed = set(_lists(master[c.LISTES])[c.FINANCEURS])
        assert not any(f.startswith(("Département", "Région")) for f in funders | listed)
        params = {row[0]: row[1] for row in _sheet_values(master[c.PARAMETRES])}
        assert params["Collectivité"] == "Ville d'Alençon"
        assert params["Porteur de projet"] == "Communauté urbaine d'Alençon"

    def it_types_each_insertion_line(self, tables):
        assert {line["kind"] for line in tables[c.INSERTION]} == {"Travaux"}

    def it_funds_each_operation_up_to_its_cost_but_for_the_planted_gaps(self, tables, costs):
        totals, current = defaultdict(float), defaultdict(float)
        for line in tables[c.FINANCEMENTS]:
            totals[line["operation_id"]] += line["amount_convention"]
            current[line["operation_id"]] += line["amount_current"] or line["amount_convention"]
        off = {op_id for op_id, cost in costs.items() if abs(totals[op_id] - cost) > 0.5}
        assert 1 <= len(off) <= 3
        assert all(0.02 <= abs(totals[op_id] / costs[op_id] - 1) <= 0.05 for op_id in off)
        for op in tables[c.OPERATIONS]:
            if op["id"] not in off:
                assert current[op["id"]] == pytest.approx(op["cost_current"] or op["cost_convention"]), op["id"]

    def it_keeps_anru_under_its_ceiling_but_once(self, tables, costs):
        ceilings = {op["id"]: op["anru_ceiling_pct"] for op in tables[c.OPERATIONS]}
        above = [line["operation_id"] for line in tables[c.FINANCEMENTS] if line["funder"] == "ANRU"
                 and line["amount_convention"] > costs[line["operation_id"]] * ceilings[line["operation_id"]] / 100]
        assert len(above) == 1

    def it_breaks_one_sequencing_only(self, tables):
        works = _milestone_dates(tables)
        broken = [d for d in tables[c.DEPENDANCES]
                  if _add_months(works[d["predecessor"], c.DELIVERY], d["lag_months"])
                  > works[d["successor"], c.WORKS_START]]
        assert len(broken) == 1


class DescribeMasterConsistency:
    def it_uses_only_values_of_its_lists(self, master, tables):
        lists = _lists(master[c.LISTES])
        for name, values in EXTRA_LISTS.items():  # the fixed vocabularies behind the drop-downs
            assert lists[name] == list(values)
        for spec in c.TABLE_SPECS:
            for column in spec.columns:
                allowed = _allowed(column, lists)
                if allowed is None:
                    continue
                used = {row[column.attr] for row in tables[spec.name]} - {None}
                assert used <= set(allowed), (spec.name, column.header, used - set(allowed))

    def it_refers_only_to_existing_operations(self, tables):
        ids = [op["id"] for op in tables[c.OPERATIONS]]
        assert len(ids) == len(set(ids))
        references = [
            *(row["operation_id"] for sheet in (c.JALONS_SHEET, c.FINANCEMENTS, c.RELOGEMENT, c.INSERTION)
              for row in tables[sheet]),
            *(row[attr] for row in tables[c.DEPENDANCES] for attr in ("predecessor", "successor")),
            *(op_id.strip() for sheet in (c.AVENANTS, c.ACTIONS) for row in tables[sheet]
              for op_id in (row["operation_ids"] or "").split(";") if op_id.strip()),
        ]
        assert set(references) <= set(ids)
        for spec in (c.RELOGEMENT_SPEC, c.ACTIONS_SPEC, c.AVENANTS_SPEC):
            keys = [row[spec.unique] for row in tables[spec.name]]
            assert len(keys) == len(set(keys)), spec.name

    def it_has_no_actual_date_after_the_date_de_situation(self, master, tables):
        actual_dates = [
            *(m["actual"] for m in tables[c.JALONS_SHEET]),
            *(h["rehoused_on"] for h in tables[c.RELOGEMENT]),
            *(a[attr] for a in tables[c.ACTIONS] for attr in ("date", "closed_on")),
            *(a["date"] for a in tables[c.AVENANTS]),
            *(i["as_of"] for i in tables[c.INSERTION]),
            *(op["updated_on"] for op in tables[c.OPERATIONS]),
        ]
        assert max(d for d in actual_dates if d) <= AT
        params = {row[0].value: row[1].value for row in master[c.PARAMETRES].iter_rows(min_row=2)}
        assert params["Date de situation"] == datetime(2011, 9, 30)

    def it_types_every_date_as_a_date(self, tables):
        for spec in c.TABLE_SPECS:
            for column in spec.columns:
                if column.kind in (Kind.DATE, Kind.MILESTONE_DATE):
                    values = {type(row[column.attr]) for row in tables[spec.name]} - {type(None)}
                    assert values <= {date}, (spec.name, column.header)

    def it_dates_milestones_in_order(self, tables):
        dates = defaultdict(dict)
        for m in tables[c.JALONS_SHEET]:
            for kind in ("convention", "avenant", "forecast", "actual"):
                dates[m["operation_id"], kind][m["name"]] = m[kind]
        for (op_id, kind), by_name in dates.items():
            for earlier, later in (*c.ORDERED_MILESTONES, (c.REHOUSING_START, c.WORKS_START)):
                if by_name.get(earlier) and by_name.get(later):
                    assert by_name[earlier] <= by_name[later], (op_id, kind, earlier, later)
            done = [name for name in c.DEFAULT_LISTS[c.JALONS] if name in by_name and name != c.REHOUSING_START]
            if kind == "actual":  # milestones are passed in the order of the list (relogement runs alongside)
                passed = [d for d in (by_name[n] for n in done) if d]
                assert passed == sorted(passed), op_id
        for m in tables[c.JALONS_SHEET]:
            if m["name"] in c.CONVENTION_DATE_REQUIRED:
                assert m["convention"], (m["operation_id"], m["name"])

    def it_pays_no_more_than_engaged(self, tables):
        for line in tables[c.FINANCEMENTS]:
            amounts = [line[a] for a in ("amount_convention", "amount_current", "engaged", "advance", "paid")]
            assert all(a is None or a >= 0 for a in amounts)
            if line["paid"] is not None:
                assert line["paid"] <= line["engaged"]
            if line["advance"]:
                assert line["advance"] <= 0.15 * line["engaged"] + 1


class DescribeTemplate:
    def it_has_every_contract_header_and_no_data(self, template):
        for spec in c.TABLE_SPECS:
            ws = template[spec.name]
            assert [cell.value for cell in ws[1]][:len(spec.columns)] == [col.header for col in spec.columns]
            assert _rows(ws, spec) == []

    def it_lists_every_parameter_with_the_defaults(self, template):
        rows = {row[0].value: row[1].value for row in template[c.PARAMETRES].iter_rows(min_row=2)}
        assert list(rows) == [p.label for p in c.PARAMETERS]
        assert rows["Programme"] is None  # PNRU or NPNRU: the city chooses
        assert rows["Seuil retard rouge (mois)"] == 12
        assert rows["Projet"] is None and rows["Date de situation"] is None

    def it_keeps_the_default_lists(self, template):
        lists = _lists(template[c.LISTES])
        for name, values in TEMPLATE_LISTS.items():
            assert lists[name] == list(values)


DEMO_WORDS = ("Perseigne", "Courteille", "Alençon", "Alencon", "CUA", "Orne", "Sagim", "Logis Familial", "Kennedy",
              "Verlaine", "2011", "communauté urbaine")


@pytest.fixture(scope="module")
def blank_model(tmp_path_factory):
    """The blank model as the generator writes it now (the committed file may predate a change)."""
    path = tmp_path_factory.mktemp("vierge") / TEMPLATE_FILE
    build_template().save(path)
    return load_workbook(path)


class DescribeBlankModel:
    """A new city opens the blank model and finds nothing of Perseigne–Courteille in it (issue #15)."""

    def it_names_no_place_funder_or_year_of_the_demo(self, blank_model):
        words = DEMO_WORDS + tuple(DISTRICTS.values()) + tuple(DEMO_OWNERS.values()) + tuple(
            f for f in FUNDERS if f not in TEMPLATE_LISTS[c.FINANCEURS])
        found = []
        for ws in blank_model:
            texts = [(cell.coordinate, cell.value) for row in ws.iter_rows() for cell in row]
            texts += [(cell.coordinate, cell.comment.text) for row in ws.iter_rows() for cell in row if cell.comment]
            texts += [("liste", str(rule.formula1)) for rule in ws.data_validations.dataValidation]
            for where, text in texts:
                for word in words:
                    if text is not None and re.search(rf"\b{re.escape(word)}\b", str(text), re.IGNORECASE):
                        found.append((ws.title, where, word))
        props = blank_model.properties
        found += [("propriétés", "", w) for w in words for t in (props.title, props.subject, props.description)
                  if t and w.casefold() in t.casefold()]
        assert found == []

    def it_leaves_the_programme_to_the_city_and_a_check_says_which_one_is_used(self, blank_model, tmp_path):
        rows = {row[0].value: row[1].value for row in blank_model[c.PARAMETRES].iter_rows(min_row=2)}
        assert rows["Programme"] is None
        blank_model.save(tmp_path / "vierge.xlsx")
        report = check_file(tmp_path / "vierge.xlsx", at=AT, today=TODAY)
        [programme] = [p for p in report.problems if p.column == "Programme"]
        assert "PNRU" in programme.message and programme.severity.value == "Avertissement"

    def it_offers_funders_by_their_kind(self, blank_model):
        funders = _lists(blank_model[c.LISTES])[c.FINANCEURS]
        assert "Intercommunalité" in funders and "Ville" in funders and "CUA" not in funders


@pytest.mark.parametrize("name", [MASTER_FILE, TEMPLATE_FILE])
def test_every_list_column_has_a_drop_down(name):
    wb = load_workbook(WORKBOOKS / name)
    for spec in c.TABLE_SPECS:
        ws = wb[spec.name]
        header_row = 3 if name == MASTER_FILE and spec.name == c.OPERATIONS else 1
        headers = [cell.value for cell in ws[header_row]]
        for column in spec.columns:
            if column.kind not in (Kind.LIST, Kind.YESNO):
                continue
            letter = ws.cell(header_row, headers.index(column.header) + 1).column_letter
            first = f"{letter}{header_row + 1}"
            assert any(dv.type == "list" and first in dv for dv in ws.data_validations.dataValidation), (
                spec.name, column.header)
        assert ws.tables, spec.name


def _alert_rows(wb) -> dict[str, dict[str, object]]:
    """Return the *Alertes* rows by *Clé*, header -> value."""
    rows = list(wb["Alertes"].iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "Clé")
    headers = rows[header_index]
    assert set(USER_HEADERS) <= set(headers)
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[header_index + 1:] if row[0]}


def _allowed(column, lists: dict[str, list[str]]) -> list[str] | None:
    if column.kind is Kind.YESNO:
        return ["Oui", "Non"]
    if column.kind is not Kind.LIST:
        return None
    return lists[column.choices] if isinstance(column.choices, str) else list(column.choices)


def _milestone_dates(tables) -> dict[tuple[str, str], date]:
    """Return the expected date (actual, else forecast, else baseline) of each operation's milestone."""
    return {(m["operation_id"], m["name"]): m["actual"] or m["forecast"] or m["avenant"] or m["convention"]
            for m in tables[c.JALONS_SHEET]}


def _add_months(day: date, months: float) -> date:
    index = day.year * 12 + day.month - 1 + int(months)
    return date(index // 12, index % 12 + 1, min(day.day, 28))
