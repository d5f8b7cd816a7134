"""Build the two workbooks shipped to users: the Perseigne–Courteille master and the blank template.

    python -m opc_excel.demo.generate [--out DIR]

rebuilds ``perseigne_master.xlsx`` and ``modele_vierge.xlsx`` (default DIR: the repository's
``workbooks/``). The content comes from :mod:`opc_excel.demo.data`; everything here is
layout, driven by the column kinds of the contract. The master's output sheets are written by the
users' own pipeline, refreshed at earlier dates de situation (:mod:`opc_excel.demo.replay`)
then at the current one, so that it ships with a history. The output is deterministic: two runs
give the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from opc_excel.demo.data import ALERT_NOTES, ALERT_NOTES_AT, REPLAY_DATES, Demo, build_demo
from opc_excel.demo.replay import replay
from opc_excel.model import Params
from opc_excel.pipeline import check_source, write_outputs
from opc_excel.read import contract as c
from opc_excel.read.alert_sheet import ALERTES, KEY
from opc_excel.read.contract import OUTPUT_SHEETS, Column, Kind, SheetSpec
from opc_excel.read.source import OpenpyxlSource
from opc_excel.sheets.openpyxl_backend import set_text
from opc_excel.text import match_key

MASTER_FILE = "perseigne_master.xlsx"
TEMPLATE_FILE = "modele_vierge.xlsx"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "workbooks"
FIXED_TIMESTAMP = datetime(2011, 9, 30, 18, 0)  # file properties, so that runs don't differ

# Fixed vocabularies of the contract, given their own *Listes* column for the drop-downs.
EXTRA_LISTS: dict[str, tuple[str, ...]] = {
    "Statuts de financement": c.FUNDING_STATUSES,
    "Statuts de relogement": c.HOUSEHOLD_STATUSES,
    "Destinations": c.DESTINATIONS,
    "Localisations": c.LOCATIONS,
    "Types d'avenant": c.AMENDMENT_KINDS,
    "Oui / Non": ("Oui", "Non"),
}
# Lists the users fill for their own project: the template leaves room in their drop-downs.
OPEN_LISTS = (c.QUARTIERS, c.MAITRES_OUVRAGE, c.FINANCEURS)
OPEN_LIST_ROOM = 20

# Users' own columns, which the software ignores: one shows that extras are welcome.
EXTRA_COLUMNS: dict[str, tuple[Column, ...]] = {
    c.OPERATIONS: (Column("Observations internes", "internal_notes", Kind.TEXT),),
}
OPERATIONS_TITLE = "Tableau des opérations — PRU Perseigne–Courteille"
TEMPLATE_ROWS = 500  # the blank template is pre-formatted for typing down to this row
VALIDATION_ROOM = 500  # rows below the master's data still offered the drop-downs

# ---------------------------------------------------------------- looks

DARK_BLUE = "1F3864"


def _font(size: float = 11, **style: object) -> Font:
    """Return a Calibri font: a font without a name renders differently from one application to another."""
    return Font(name="Calibri", size=size, **style)


HEADER_FONT = _font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color=DARK_BLUE)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_HEIGHT = 45
FIXED_LIST_FILL = PatternFill("solid", start_color="8497B0")
FIXED_LIST_NOTE = "Vocabulaire fixe du logiciel : ne pas modifier ces valeurs."
THIN = Side(style="thin", color="BFBFBF")
TABLE_STYLE = "TableStyleMedium2"
TAB_COLOURS = {c.MODE_EMPLOI: "8EA9DB", c.PARAMETRES: DARK_BLUE, c.LISTES: DARK_BLUE}
DATA_TAB_COLOUR = "2F75B5"

NUMBER_FORMATS = {
    Kind.AMOUNT: '#,##0 "€"',
    Kind.DATE: "dd/mm/yyyy",
    Kind.MILESTONE_DATE: "dd/mm/yyyy",
    Kind.NUMBER: "#,##0",
    Kind.PERCENT: "0",
}
WIDTHS = {
    Kind.ID: 14, Kind.TEXT: 30, Kind.DATE: 13, Kind.MILESTONE_DATE: 13, Kind.AMOUNT: 18,
    Kind.NUMBER: 12, Kind.PERCENT: 11, Kind.LIST: 20, Kind.YESNO: 9, Kind.IDS: 30,
}
WIDTHS_BY_HEADER = {
    "Libellé": 62, "Famille": 34, "Commentaire": 46, "Observations internes": 36, "Responsable suivi": 36,
    "Jalon": 23, "Motif de décalage": 25, "Financeur": 22, "Référence": 46, "Marché": 44, "Entreprise": 30,
    "Objet": 90, "Opérations concernées": 70, "Sujet": 30, "Décision / action": 62, "Responsable": 22,
    "Opérations liées": 30, "Statut": 17, "Quartier": 13, "Maître d'ouvrage": 18, "Unité": 14,
    "Destination": 22, "Instance": 19,
}
WRAPPED_HEADERS = {"Commentaire", "Objet", "Opérations concernées", "Décision / action"}
CENTRED_KINDS = {Kind.DATE, Kind.MILESTONE_DATE, Kind.YESNO, Kind.PERCENT}
CENTRED_HEADERS = {"Reports", "Décalage (mois)", "Nombre de propositions", "N°"}  # small counts
INDENTED_KINDS = {Kind.ID, Kind.TEXT, Kind.LIST, Kind.IDS}  # text kept off the figures on its left
FROZEN_COLUMNS = {c.OPERATIONS: 1, c.JALONS_SHEET: 2, c.FINANCEMENTS: 2}  # ids stay visible
HEADER_NOTES = {
    (c.RELOGEMENT, "N° ménage"): "Un code anonyme (M-0001…), jamais un nom : le classeur circule par courriel.",
    (c.JALONS_SHEET, "Date réelle"): "Seulement une fois le jalon franchi, jamais après la date de situation.",
    (c.JALONS_SHEET, "Date convention"): "Obligatoire pour le démarrage des travaux et la livraison.",
    (c.FINANCEMENTS, "Montant versé (€)"): "Cumul des versements, avance comprise ; au plus le montant engagé.",
    (c.OPERATIONS, "Taux ANRU plafond (%)"): "Un nombre de 0 à 100 : 35 pour 35 %.",
}

# ---------------------------------------------------------------- Paramètres

PARAMETER_COMMENTS = {
    "project": "Nom du projet, repris en titre des diaporamas.",
    "collectivite": "Collectivité porteuse du projet.",
    "programme": "PNRU (conventions 2004-2015) ou NPNRU (conventions depuis 2015) : "
                 "certaines alertes ne valent que pour l'un des deux.",
    "signature_date": "Date de signature de la convention pluriannuelle avec l'ANRU.",
    "end_date": "Date de fin de la convention : une livraison prévue après déclenche une alerte.",
    "at": "Date à laquelle le classeur est arrêté : les retards et les alertes sont calculés à cette date. "
          "Vide : la date du jour, avec un avertissement.",
    "amendment_in_force": "Dernier avenant signé, rappelé dans les diaporamas.",
    "next_monthly_point": "Date du prochain point mensuel avec la direction de projet.",
    "next_follow_up_committee": "Date du prochain comité de suivi.",
    "next_steering_committee": "Date du prochain comité de pilotage stratégique.",
    "next_project_review": "Date de la prochaine revue de projet avec le délégué territorial de l'ANRU.",
    "next_milestone_review": "Date du prochain point d'étape (ou clause de revoyure en NPNRU).",
    "delay_orange_months": "Retard de livraison sur la convention, en mois, au-delà duquel l'alerte est orange.",
    "delay_red_months": "Retard de livraison sur la convention, en mois, au-delà duquel l'alerte est rouge.",
    "start_delay_red_months": "Retard d'un démarrage de travaux, en mois, au-delà duquel l'alerte est rouge.",
    "gup_end": "Fin de la convention de gestion urbaine de proximité : alerte si dépassée pendant les travaux.",
    "npnru_tolerance_months": "NPNRU : tolérance de l'ANRU sur les dates d'engagement de la convention, en mois.",
    "engagement_deadline": "NPNRU : date limite d'engagement de toutes les opérations. Vide en PNRU.",
    "lapse_months": "Délai entre la DAS et le démarrage des travaux au-delà duquel la subvention "
                    "devient caduque (voir le règlement financier de la convention).",
    "balance_request_months": "Délai après la livraison pour demander le solde de la subvention.",
    "funding_tolerance_pct": "Écart toléré entre le total du plan de financement et le coût de l'opération.",
    "cost_drift_orange_pct": "Hausse du coût actualisé sur le coût convention déclenchant l'alerte orange.",
    "cost_drift_red_pct": "Hausse du coût actualisé sur le coût convention déclenchant l'alerte rouge.",
    "launch_horizon_months": "Horizon des opérations « à lancer » présentées en comité de suivi.",
    "insertion_target_pct": "Part des heures travaillées réservée à l'insertion (charte nationale).",
    "freshness_days": "Une opération non mise à jour depuis plus longtemps est signalée.",
    "demolition_rehousing_window_months": "Alerte quand une démolition démarre dans ce délai "
                                          "et que des ménages restent à reloger.",
    "prerequisite_window_months": "Alerte quand un jalon tombe dans ce délai avec un prérequis non levé "
                                  "(permis, marchés, DAS, financement).",
    "lapse_notice_orange_months": "Caducité d'une DAS dans moins de ce délai, travaux non démarrés : orange.",
    "lapse_notice_red_months": "Caducité d'une DAS dans moins de ce délai, travaux non démarrés : rouge.",
    "payment_progress_gap_points": "Écart toléré, en points, entre le pourcentage versé et l'avancement.",
    "engagement_gap_orange_points": "Retard des engagements sur la courbe prévue, en points : orange.",
    "engagement_gap_red_points": "Retard des engagements sur la courbe prévue, en points : rouge.",
    "unsecured_funding_window_months": "Alerte sur un financement encore prévu ou sollicité "
                                       "quand les travaux démarrent dans ce délai.",
    "rehousing_lag_pct": "Retard toléré du relogement sur le plan de relogement, en %.",
    "rehousing_new_housing_target_pct": "Objectif de ménages relogés dans le neuf ou un logement de moins "
                                        "de 5 ans, en %.",
    "rest_to_pay_increase_pct": "Hausse tolérée du reste à charge médian des ménages relogés, en %.",
    "insertion_gap_points": "Retard toléré des heures d'insertion sur l'avancement des travaux, en points.",
    "project_review_notice_months": "Préavis avant la revue de projet pour vérifier les indicateurs requis.",
    "milestone_review_notice_months": "Préavis avant le point d'étape ou la clause de revoyure.",
    "postponements_red": "Nombre de reports d'une action en retard à partir duquel l'alerte est rouge.",
    "plai_share_min_pct": "NPNRU : part minimale de logements PLAI dans la reconstitution de l'offre (HAB-02).",
}
COMMENT_WIDTH = 100
PARAMETER_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Params)}

# ---------------------------------------------------------------- Mode d'emploi

SHEET_GUIDE = (
    (c.PARAMETRES, "Les réglages du projet : nom, programme (PNRU ou NPNRU), dates de la convention, date de "
     "situation, dates des prochaines instances et seuils des alertes. Colonne A le paramètre, colonne B sa "
     "valeur, colonne C son explication. La date de situation est la date à laquelle le classeur est arrêté : "
     "tous les retards et toutes les alertes sont calculés à cette date. Un seuil laissé vide prend sa valeur "
     "par défaut."),
    (c.LISTES, "Les valeurs autorisées : quartiers, familles d'opérations, maîtres d'ouvrage, financeurs, "
     "statuts, jalons, motifs de décalage, instances… Les listes déroulantes des autres feuilles y renvoient. "
     "Pour ajouter une valeur, tapez-la sous la dernière valeur de sa colonne puis étendez la plage nommée "
     "correspondante (Formules > Gestionnaire de noms, noms « Liste_… »)."),
    (c.OPERATIONS, "Une ligne par opération de la convention (la maquette financière) : identifiant unique "
     "(numéro AGORA ou code local), libellé, quartier, famille, maître d'ouvrage, statut, coût convention et "
     "coût actualisé, taux de subvention ANRU plafond, quantités prévues et réalisées, date de la dernière mise "
     "à jour et responsable du suivi."),
    (c.JALONS_SHEET, "Une ligne par opération et par jalon : désignation de la maîtrise d'œuvre, permis de "
     "construire, attribution des marchés, FAT, DAS, démarrage des travaux, livraison, demande de solde, solde "
     "versé. Quatre dates : celle de la convention initiale, celle du dernier avenant, la date prévisionnelle "
     "(la prévision d'aujourd'hui) et la date réelle, une fois le jalon franchi. Quand une prévision glisse, "
     "indiquez le motif de décalage."),
    (c.DEPENDANCES, "Les enchaînements entre opérations : le successeur ne peut pas démarrer ses travaux avant "
     "la livraison du prédécesseur, plus le décalage indiqué en mois (par exemple une démolition, puis "
     "l'aménagement des espaces libérés)."),
    (c.FINANCEMENTS, "Le plan de financement : une ligne par opération et par financeur, avec le montant de la "
     "convention, le montant actualisé s'il a changé, le statut (prévu, sollicité, acquis, notifié), les "
     "montants engagés, l'avance et les versements cumulés, et la référence de la décision (DAS, "
     "délibération). Les lignes d'une opération totalisent son coût."),
    (c.RELOGEMENT, "Un ménage à reloger par ligne, de façon anonyme : un code (M-0001…), jamais de nom, de "
     "téléphone ni d'adresse, car le classeur circule par courriel. Statut, date de relogement, nombre de "
     "propositions, destination (neuf ou parc existant), localisation, reste à charge avant et après."),
    (c.INSERTION, "Les heures d'insertion par marché de travaux : heures travaillées, heures d'insertion prévues "
     "et réalisées, à la date indiquée."),
    (c.AVENANTS, "Les avenants signés, simplifiés ou nationaux, avec leur objet et les opérations qu'ils "
     "modifient (identifiants séparés par des points-virgules)."),
    (c.ACTIONS, "Le relevé de décisions des instances : qui fait quoi pour quand, statut, nombre de reports, "
     "opérations liées et date de clôture."),
)
TYPING_GUIDE = (
    ("Dates", "Tapez 31/12/2011 : Excel la reconnaît comme une date. Un semestre (S2 2011), un trimestre "
     "(T3 2011) ou un mois (déc. 2011) sont acceptés en texte : un démarrage est lu au premier jour de la "
     "période, une livraison ou une échéance au dernier jour, et la feuille Contrôles dit comment chaque "
     "texte a été lu."),
    ("Montants", "En euros hors taxes : tapez un nombre (1234567), Excel l'affiche 1 234 567 €. Les textes "
     "« 1 234 567,89 € », « 1,2 M€ » ou « 350 k€ » sont aussi lus. Les taux sont des nombres de 0 à 100 "
     "(35 pour 35 %)."),
    ("Listes", "Choisissez dans la liste déroulante. Le logiciel ne tient compte ni des majuscules, ni des "
     "accents, ni du genre d'apostrophe, mais la valeur doit exister dans la feuille Listes."),
    ("Colonnes", "Ne renommez pas et ne supprimez pas les en-têtes existants. L'ordre des colonnes est libre "
     "et vous pouvez ajouter vos propres colonnes (comme « Observations internes » dans Opérations) : le "
     "logiciel les ignore. Des lignes de titre peuvent précéder la ligne d'en-tête, comme dans Opérations."),
    ("Identifiants", "Chaque opération a un identifiant unique ; les feuilles Jalons, Dépendances, "
     "Financements, Relogement, Insertion, Avenants et Actions y renvoient avec le même identifiant."),
)
SOFTWARE_GUIDE = (
    "Le logiciel ne modifie jamais les feuilles de saisie : pas une date reformatée, pas un espace supprimé. "
    "Il crée ou remplace seulement ses propres feuilles, placées après celles-ci : Contrôles (les problèmes "
    "de saisie, avec un lien vers la cellule et ce qu'il faut taper), Alertes (les points d'alerte ; les "
    "colonnes Mesure retenue, Responsable, Échéance, Suivi et Commentaire sont les vôtres et sont conservées "
    "d'une mise à jour à l'autre), Tableau de bord et Historique.",
    "Avant chaque instance : mettez à jour les feuilles, changez la date de situation dans Paramètres, "
    "lancez la mise à jour (bouton du ruban, ou commande « opc-excel refresh » sur le classeur), puis "
    "traitez d'abord les lignes Bloquant de la feuille Contrôles.",
)
MASTER_INTRO = (
    "Ce classeur est le classeur maître de l'OPC urbain du projet de rénovation urbaine de Perseigne et "
    "Courteille : il rassemble les opérations de la convention pluriannuelle ANRU, leur calendrier, leur "
    "financement, le relogement, l'insertion, les avenants et le relevé de décisions. Le logiciel opc_excel "
    "le lit pour produire les contrôles, les alertes, les indicateurs et les diaporamas des instances "
    "(point mensuel, comité de suivi, comité de pilotage, revue de projet)."
)
MASTER_WARNING = (
    "Données ILLUSTRATIVES. Les chiffres de ce classeur sont inventés : ils sont cohérents avec les ordres de "
    "grandeur publics du PRU Perseigne–Courteille (convention signée le 28/01/2008, environ 87,5 M€, environ "
    "500 logements sociaux démolis dans la convention en plus des 192 des tours Verlaine démolies en 2004, "
    "environ 400 reconstruits, plus de 800 réhabilités à Perseigne, 35 locaux commerciaux avenue Kennedy) "
    "mais ce n'est pas la convention réelle. Quelques anomalies y sont placées volontairement pour montrer "
    "les contrôles et les alertes. Date de situation : 30/09/2011. Le classeur a été actualisé aux situations "
    "du 31/03/2011 et du 30/06/2011, puis du 30/09/2011 : la feuille Historique garde les chiffres de chacune, "
    "la feuille Alertes la date où chaque alerte est apparue et les suites données depuis le 30/06/2011."
)
TEMPLATE_INTRO = (
    "Ce classeur est un modèle vierge de classeur maître pour l'OPC urbain d'un projet de renouvellement "
    "urbain ANRU (PNRU ou NPNRU). Il rassemble les opérations de la convention, leur calendrier, leur "
    "financement, le relogement, l'insertion, les avenants et le relevé de décisions. Le logiciel opc_excel "
    "le lit pour produire les contrôles, les alertes, les indicateurs et les diaporamas des instances."
)
TEMPLATE_START = (
    "Pour commencer : remplissez la feuille Paramètres (projet, collectivité, programme, dates de la "
    "convention, date de situation), complétez les listes Quartiers, Maîtres d'ouvrage et Financeurs de la "
    "feuille Listes, puis saisissez les opérations, leurs jalons et leurs financements. Les seuils des "
    "alertes sont préremplis avec les valeurs par défaut ; ils se règlent dans Paramètres."
)

# ---------------------------------------------------------------- building the workbooks


@dataclasses.dataclass(frozen=True)
class _ListRange:
    name: str  # the workbook-level defined name the drop-downs point at
    ref: str  # Listes!$B$2:$B$13


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
    _write_guide(wb.create_sheet(c.MODE_EMPLOI), MASTER_INTRO, MASTER_WARNING, "PRU Perseigne–Courteille")
    params = {**PARAMETER_DEFAULTS, **demo.params}
    _write_parameters(wb.create_sheet(c.PARAMETRES), params)
    ranges = _write_lists(wb, {**demo.lists, **EXTRA_LISTS}, room=0)
    for spec in c.TABLE_SPECS:
        ws = wb.create_sheet(spec.name)
        header_row = 3 if spec.name == c.OPERATIONS else 1
        if header_row > 1:
            ws.cell(1, 1, OPERATIONS_TITLE).font = _font(bold=True, size=14, color=DARK_BLUE)
        rows = demo.tables.get(spec.name, [])
        _write_table(ws, spec, rows, header_row, ranges, validated_to=header_row + len(rows) + VALIDATION_ROOM)
    return wb


def build_template() -> Workbook:
    """Return the blank template: the same sheets and headers, defaults in place, no data."""
    wb = _new_workbook("Classeur maître d'un projet de renouvellement urbain — modèle vierge")
    _write_guide(wb.create_sheet(c.MODE_EMPLOI), TEMPLATE_INTRO, TEMPLATE_START, "modèle vierge")
    _write_parameters(wb.create_sheet(c.PARAMETRES), PARAMETER_DEFAULTS)
    ranges = _write_lists(wb, {**c.DEFAULT_LISTS, **EXTRA_LISTS}, room=OPEN_LIST_ROOM)
    for spec in c.TABLE_SPECS:
        _write_table(wb.create_sheet(spec.name), spec, [], 1, ranges, validated_to=TEMPLATE_ROWS)
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
            cell = ws.cell(rows[key], columns[header], _cell_value(value))
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"


# ---------------------------------------------------------------- sheets


def _write_guide(ws: Worksheet, intro: str, notice: str, subtitle: str) -> None:
    """Write the *Mode d'emploi*: what the workbook is, one paragraph per sheet, how to type."""
    ws.sheet_properties.tabColor = TAB_COLOURS[c.MODE_EMPLOI]
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def line(label: str | None, text: str, *, font: Font | None = None, fill: PatternFill | None = None,
             gap: int = 1) -> None:
        nonlocal row
        if label:
            ws.cell(row, 1, label).font = _font(bold=True, color=DARK_BLUE)
            ws.cell(row, 1).alignment = wrap
        cell = ws.cell(row, 2, text)
        cell.alignment = wrap
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        ws.row_dimensions[row].height = _text_height(text, 110)
        row += gap

    def heading(text: str) -> None:
        nonlocal row
        row += 1
        ws.cell(row, 1, text).font = _font(bold=True, size=13, color=DARK_BLUE)
        row += 1

    ws.cell(row, 1, f"Mode d'emploi — {subtitle}").font = _font(bold=True, size=16, color=DARK_BLUE)
    ws.row_dimensions[row].height = 26
    row += 2
    line(None, intro, gap=2)
    line(None, notice, font=_font(bold=True, color="833C0B"), fill=PatternFill("solid", start_color="FCE4D6"))
    heading("Les feuilles")
    for sheet, text in SHEET_GUIDE:
        line(sheet, text)
    heading("Saisir les données")
    for label, text in TYPING_GUIDE:
        line(label, text)
    heading("Ce que fait le logiciel")
    for text in SOFTWARE_GUIDE:
        line(None, text)
    _page_setup(ws, landscape=False)


def _text_height(text: str, width: float) -> float:
    """Return a row height (points) that shows ``text`` wrapped in a column of ``width`` characters."""
    lines = max(1, -(-len(text) // int(width * 1.15)))  # Calibri 11 fits about 1.15 character per unit
    return 15 * lines + 3


def _write_parameters(ws: Worksheet, values: dict[str, object]) -> None:
    """Write *Paramètres*: label, value and a French explanation for every contract parameter."""
    ws.sheet_properties.tabColor = TAB_COLOURS[c.PARAMETRES]
    headers = (c.PARAM_KEY_HEADER, c.PARAM_VALUE_HEADER, "Commentaire")
    for col, (header, width) in enumerate(zip(headers, (46, 38, COMMENT_WIDTH), strict=True), start=1):
        _header_cell(ws.cell(1, col, header))
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 24
    for row, param in enumerate(c.PARAMETERS, start=2):
        label = ws.cell(row, 1, param.label)
        label.font = _font(bold=True)
        label.alignment = Alignment(vertical="center")
        value = values.get(param.attr)
        cell = ws.cell(row, 2, _cell_value(value.value if isinstance(value, Enum) else value))
        cell.alignment = Alignment(horizontal="left", vertical="center")
        cell.number_format = "dd/mm/yyyy" if param.kind is Kind.DATE else "General"
        comment = ws.cell(row, 3, PARAMETER_COMMENTS[param.attr])
        comment.alignment = Alignment(wrap_text=True, vertical="center")
        comment.font = _font(color="404040")
        ws.row_dimensions[row].height = _text_height(PARAMETER_COMMENTS[param.attr], COMMENT_WIDTH)
        for col in (1, 2, 3):
            ws.cell(row, col).border = Border(bottom=THIN)
        if param.attr == "programme":
            dv = DataValidation(type="list", formula1='"' + ",".join(c.PROGRAMME_KINDS) + '"', allow_blank=True)
            dv.add(cell.coordinate)
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    _page_setup(ws, print_rows="1:1")


def _write_lists(wb: Workbook, lists: dict[str, Sequence[str]], room: int) -> dict[str, _ListRange]:
    """Write *Listes*, one column per list, and return the named range of each list."""
    ws = wb.create_sheet(c.LISTES)
    ws.sheet_properties.tabColor = TAB_COLOURS[c.LISTES]
    ranges: dict[str, _ListRange] = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        _header_cell(ws.cell(1, col, name))
        if name in EXTRA_LISTS:  # the software's own vocabulary: told apart, with a note
            ws.cell(1, col).fill = FIXED_LIST_FILL
            ws.cell(1, col).comment = Comment(FIXED_LIST_NOTE, "opc_excel", width=240, height=60)
        narrowest = 24 if name in OPEN_LISTS else 14
        ws.column_dimensions[letter].width = max(narrowest, min(40, max(map(len, values), default=0) + 3))
        for row, value in enumerate(values, start=2):
            ws.cell(row, col, value)
        extra = room if name in OPEN_LISTS else 0
        last = 1 + max(1, len(values) + extra)
        ranged = _ListRange(
            "Liste_" + re.sub(r"\W+", "_", match_key(name)).strip("_"),
            f"{quote_sheetname(c.LISTES)}!${letter}$2:${letter}${last}")
        wb.defined_names[ranged.name] = DefinedName(ranged.name, attr_text=ranged.ref)
        ranges[name] = ranged
    ws.row_dimensions[1].height = HEADER_HEIGHT
    ws.freeze_panes = "A2"
    _page_setup(ws, print_rows="1:1")
    return ranges


def _list_name(column: Column) -> str | None:
    """Return the *Listes* column a list column's drop-down points at."""
    if column.kind is Kind.YESNO:
        return "Oui / Non"
    if column.kind is not Kind.LIST:
        return None
    if isinstance(column.choices, str):
        return column.choices
    return next(name for name, values in EXTRA_LISTS.items() if values == column.choices)


def _write_table(ws: Worksheet, spec: SheetSpec, rows: Sequence[dict[str, object]], header_row: int,
                 ranges: dict[str, _ListRange], validated_to: int) -> None:
    """Write one data sheet as an Excel Table, with formats and drop-downs driven by the column kinds."""
    ws.sheet_properties.tabColor = DATA_TAB_COLOUR
    columns = spec.columns + EXTRA_COLUMNS.get(spec.name, ())
    first = header_row + 1
    last = header_row + max(1, len(rows))  # an Excel Table needs one data row, even empty
    for col, column in enumerate(columns, start=1):
        letter = get_column_letter(col)
        _header_cell(ws.cell(header_row, col, column.header))
        note = HEADER_NOTES.get((spec.name, column.header))
        if note:
            ws.cell(header_row, col).comment = Comment(note, "opc_excel", width=260, height=70)
        ws.column_dimensions[letter].width = WIDTHS_BY_HEADER.get(column.header, WIDTHS[column.kind])
        number_format = NUMBER_FORMATS.get(column.kind)
        alignment = _data_alignment(column)
        for row_index, row in enumerate(rows, start=first):
            cell = ws.cell(row_index, col, _cell_value(row.get(column.attr)))
            if number_format:
                cell.number_format = number_format
            if alignment:
                cell.alignment = alignment
        if number_format and not rows:  # the blank template: formats ready for typing
            for row_index in range(first, validated_to + 1):
                ws.cell(row_index, col).number_format = number_format
        list_name = _list_name(column)
        if list_name:
            _add_drop_down(ws, ranges[list_name], f"{letter}{first}:{letter}{validated_to}")
    ws.row_dimensions[header_row].height = HEADER_HEIGHT
    last_col = get_column_letter(len(columns))
    table = Table(displayName="T_" + re.sub(r"\W+", "_", match_key(spec.name)),
                  ref=f"A{header_row}:{last_col}{last}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    frozen = FROZEN_COLUMNS.get(spec.name, 0)
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}{first}"
    _page_setup(ws, print_rows=f"{header_row}:{header_row}")


def _data_alignment(column: Column) -> Alignment | None:
    if column.header in WRAPPED_HEADERS:
        return Alignment(wrap_text=True, vertical="top", indent=1)
    if column.kind in CENTRED_KINDS or column.header in CENTRED_HEADERS:
        return Alignment(horizontal="center")
    if column.kind in INDENTED_KINDS:
        return Alignment(horizontal="left", indent=1)
    return None


def _add_drop_down(ws: Worksheet, list_range: _ListRange, cells: str) -> None:
    dv = DataValidation(type="list", formula1=list_range.name, allow_blank=True, showErrorMessage=True,
                        errorTitle="Valeur hors liste",
                        error="Choisissez une valeur de la liste. Pour en ajouter une, complétez d'abord la "
                              "feuille Listes.")
    dv.add(cells)
    ws.add_data_validation(dv)


def _header_cell(cell: Cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def _cell_value(value: object) -> object:
    """Return what to write in a cell: nothing for an empty text, dates as they are."""
    if value == "" or value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def _page_setup(ws: Worksheet, print_rows: str | None = None, landscape: bool = True) -> None:
    """Print on A4, as wide as the page, with the header row repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if print_rows:
        ws.print_title_rows = print_rows


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
