"""Build the two workbooks shipped to users: the Perseigne–Courteille master and the blank template.

    python -m opc_excel.demo.generate [--out DIR]

rebuilds ``perseigne_master.xlsx`` and ``modele_vierge.xlsx`` (default DIR: the repository's
``workbooks/``). The content comes from :mod:`opc_excel.demo.data`; the layout of each sheet,
driven by the column kinds of the contract, from :mod:`~opc_excel.demo.guide` (*Mode d'emploi*),
:mod:`~opc_excel.demo.parameters` (*Paramètres*) and :mod:`~opc_excel.demo.tables` (*Listes* and
the data sheets). The master's output sheets are written by the users' own pipeline, refreshed at
earlier dates de situation (:mod:`opc_excel.demo.replay`) then at the current one, so that it
ships with a history. The output is deterministic: two runs give the same bytes.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from opc_excel.demo.data import ALERT_NOTES, ALERT_NOTES_AT, REPLAY_DATES, Demo, build_demo
from opc_excel.demo.guide import MASTER_INTRO, MASTER_WARNING, TEMPLATE_INTRO, TEMPLATE_START, write_guide
from opc_excel.demo.looks import DARK_BLUE, calibri, cell_value
from opc_excel.demo.parameters import PARAMETER_DEFAULTS, write_parameters
from opc_excel.demo.replay import replay
from opc_excel.demo.tables import EXTRA_LISTS, OPEN_LIST_ROOM, write_lists, write_table
from opc_excel.pipeline import check_source, write_outputs
from opc_excel.read import contract as c
from opc_excel.read.alert_sheet import ALERTES, KEY
from opc_excel.read.contract import OUTPUT_SHEETS
from opc_excel.read.source import OpenpyxlSource
from opc_excel.sheets.openpyxl_backend import set_text

MASTER_FILE = "perseigne_master.xlsx"
TEMPLATE_FILE = "modele_vierge.xlsx"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "workbooks"
FIXED_TIMESTAMP = datetime(2011, 9, 30, 18, 0)  # file properties, so that runs don't differ
OPERATIONS_TITLE = "Tableau des opérations — PRU Perseigne–Courteille"
TEMPLATE_ROWS = 500  # the blank template is pre-formatted for typing down to this row
VALIDATION_ROOM = 500  # rows below the master's data still offered the drop-downs
TEMPLATE_EXAMPLE_YEAR = 2030  # the typing examples of the blank template's Mode d'emploi
TEMPLATE_PARAMETERS = {"programme": None}  # PNRU or NPNRU: the city chooses
TEMPLATE_LISTS = {**c.DEFAULT_LISTS, c.FINANCEURS: tuple(  # the contract's default names the demo's funder
    "Intercommunalité" if funder == "CUA" else funder for funder in c.DEFAULT_LISTS[c.FINANCEURS])}


def build_master(demo: Demo | None = None) -> Workbook:
    """Return the Perseigne–Courteille master: today's data, and the output sheets of its refreshes so far.

    The programme is refreshed at each of ``REPLAY_DATES``, rewound to that date, then at today's
    date de situation, each time on a workbook that holds the output sheets of the previous refresh,
    as users do from one committee to the next: *Alertes* keeps when each alert was detected and the
    notes typed on 30/06/2011, *Historique* and *Historique jalons* get one snapshot per date.
    """
    demo = demo or build_demo()
    previous: Workbook | None = None
    for at in REPLAY_DATES:
        previous = _refreshed(replay(demo, at), previous)
        if at == ALERT_NOTES_AT:
            _type_alert_notes(previous, ALERT_NOTES)
    return _refreshed(demo, previous)


def build_master_inputs(demo: Demo) -> Workbook:
    """Return the master's input sheets (and its *Mode d'emploi*) filled with ``demo``, no output sheet."""
    wb = _new_workbook("PRU Perseigne–Courteille — classeur maître (données illustratives)")
    write_guide(wb.create_sheet(c.MODE_EMPLOI), MASTER_INTRO, MASTER_WARNING, "PRU Perseigne–Courteille",
                example_year=demo.params["at"].year)
    params = {**PARAMETER_DEFAULTS, **demo.params}
    write_parameters(wb.create_sheet(c.PARAMETRES), params)
    ranges = write_lists(wb, {**demo.lists, **EXTRA_LISTS}, room=0)
    for spec in c.TABLE_SPECS:
        ws = wb.create_sheet(spec.name)
        header_row = 3 if spec.name == c.OPERATIONS else 1
        if header_row > 1:
            ws.cell(1, 1, OPERATIONS_TITLE).font = calibri(bold=True, size=14, color=DARK_BLUE)
        rows = demo.tables.get(spec.name, [])
        write_table(ws, spec, rows, header_row, ranges, validated_to=header_row + len(rows) + VALIDATION_ROOM)
    return wb


def build_template() -> Workbook:
    """Return the blank template: the same sheets and headers, defaults in place, no data.

    Nothing in it belongs to a project, least of all to Perseigne–Courteille: no programme chosen
    (PNRU or NPNRU is the city's choice; left empty, a check says which default is used), funders
    named by their kind (« Intercommunalité », not the demo's « CUA »), typing examples in
    ``TEMPLATE_EXAMPLE_YEAR``.
    """
    wb = _new_workbook("Classeur maître d'un projet de renouvellement urbain — modèle vierge")
    write_guide(wb.create_sheet(c.MODE_EMPLOI), TEMPLATE_INTRO, TEMPLATE_START, "modèle vierge",
                example_year=TEMPLATE_EXAMPLE_YEAR)
    write_parameters(wb.create_sheet(c.PARAMETRES), {**PARAMETER_DEFAULTS, **TEMPLATE_PARAMETERS})
    ranges = write_lists(wb, {**TEMPLATE_LISTS, **EXTRA_LISTS}, room=OPEN_LIST_ROOM)
    for spec in c.TABLE_SPECS:
        write_table(wb.create_sheet(spec.name), spec, [], 1, ranges, validated_to=TEMPLATE_ROWS)
    return wb


def write_workbooks(out_dir: Path) -> tuple[Path, Path]:
    """Write both workbooks into ``out_dir`` and return their paths (master, template)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    master, template = out_dir / MASTER_FILE, out_dir / TEMPLATE_FILE
    _save(build_master(), master)
    _save(build_template(), template)
    return master, template


def _new_workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "opc_excel"
    wb.properties.language = "fr-FR"
    return wb


def _save(wb: Workbook, path: Path) -> None:
    """Save like ``Workbook.save``, but byte for byte the same from one run to the next.

    ``Workbook.save`` stamps the file properties and every zip entry with the current time, so the
    committed files would change at each rebuild even when no cell does.
    """
    buffer = _in_memory(wb)
    stamp = FIXED_TIMESTAMP.timetuple()[:6]
    with ZipFile(buffer) as built, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in built.infolist():
            archive.writestr(ZipInfo(entry.filename, date_time=stamp), built.read(entry),
                             compress_type=ZIP_DEFLATED)


def _in_memory(wb: Workbook) -> io.BytesIO:
    """Return the workbook saved as an .xlsx file in memory, with the fixed file properties."""
    wb.properties.created = wb.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    ExcelWriter(wb, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()  # closes the archive
    return buffer


# ---------------------------------------------------------------- refreshes at earlier dates


def _refreshed(demo: Demo, previous: Workbook | None) -> Workbook:
    """Return the master filled with ``demo`` and refreshed at its date de situation by the users' pipeline.

    The output sheets of ``previous`` (an earlier refresh) are copied in first, values only, as
    they would stand in the users' file: the refresh reads them back and rewrites them.
    """
    wb = build_master_inputs(demo)
    if previous is not None:
        for name in OUTPUT_SHEETS:
            if name in previous.sheetnames:
                _copy_values(previous[name], wb.create_sheet(name))
    at = demo.params["at"]
    saved = load_workbook(_in_memory(wb), read_only=True, data_only=True)
    try:
        report = check_source(OpenpyxlSource(saved), at=at, today=at)
    finally:
        saved.close()
    write_outputs(wb, report)
    return wb


def _copy_values(source: Worksheet, target: Worksheet) -> None:
    for row in source.iter_rows():
        for cell in row:
            if cell.value is not None:
                set_text(target.cell(cell.row, cell.column), cell.value)


def _type_alert_notes(wb: Workbook, notes: dict[str, dict[str, object]]) -> None:
    """Type ``notes`` (*Clé* -> user column -> value) into the *Alertes* sheet, as a city officer would."""
    ws = wb[ALERTES]
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == KEY)
    columns = {cell.value: cell.column for cell in ws[header_row] if cell.value}
    rows = {ws.cell(r, 1).value: r for r in range(header_row + 1, ws.max_row + 1)}
    for key, typed in notes.items():
        for header, value in typed.items():
            cell = ws.cell(rows[key], columns[header], cell_value(value))
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"



# ---------------------------------------------------------------- command line


def main(argv: Iterable[str] | None = None) -> int:
    """Rebuild the shipped workbooks; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m opc_excel.demo.generate",
        description="Reconstruit le classeur maître de démonstration et le modèle vierge.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DOSSIER",
                        help=f"dossier de sortie (par défaut : {DEFAULT_OUT})")
    args = parser.parse_args(list(argv) if argv is not None else None)
    for path in write_workbooks(args.out):
        print(f"Écrit : {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
