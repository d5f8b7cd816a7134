"""The *Paramètres* sheet: every parameter of the contract with its value and a French explanation."""

from __future__ import annotations

import dataclasses
from enum import Enum

from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from opc_excel.demo.looks import TAB_COLOURS, calibri, cell_value, header_cell, print_layout, text_height
from opc_excel.model import Params
from opc_excel.read import contract as c
from opc_excel.read.contract import Kind

PARAMETER_COMMENTS = {
    "project": "Nom du projet, repris en titre des diaporamas.",
    "collectivite": "Collectivité pour laquelle l'OPC travaille (commanditaire de la mission), nommée en titre "
                    "des diaporamas.",
    "project_sponsor": "Porteur de projet signataire de la convention, s'il n'est pas la collectivité "
                       "(par exemple l'intercommunalité). Vide : rien n'est indiqué.",
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
    "rest_to_pay_increase_pct": "Hausse tolérée du reste à charge médian des ménages relogés, en %.",
    "insertion_gap_points": "Retard toléré des heures d'insertion sur l'avancement des travaux, en points.",
    "project_review_notice_months": "Préavis avant la revue de projet pour vérifier les indicateurs requis.",
    "milestone_review_notice_months": "Préavis avant le point d'étape ou la clause de revoyure.",
    "postponements_red": "Nombre de reports d'une action en retard à partir duquel l'alerte est rouge.",
    "plai_share_min_pct": "NPNRU : part minimale de logements PLAI dans la reconstitution de l'offre (HAB-02).",
    "reconstitution_target": "Nombre de logements à reconstituer contracté par la convention ou le dernier avenant "
                             "(dérogation au 1 pour 1 sur le PLH). Vide : autant que de logements démolis (HAB-01).",
    "reconstitution_lag_months": "Retard toléré, en mois, des démarrages de la reconstitution sur ceux des "
                                 "démolitions (HAB-01).",
    "rest_to_pay_households_pct": "Part des ménages relogés dont le reste à charge augmente au-delà du seuil "
                                  "à partir de laquelle l'alerte est levée, en % (HAB-04).",
    "no_offer_window_months": "Alerte quand une démolition démarre dans ce délai et qu'un ménage à reloger n'a "
                              "reçu aucune proposition (HAB-06).",
    "refused_offers_max": "Nombre de propositions refusées à partir duquel la procédure de l'article L.442-6 "
                          "du CCH est à engager (HAB-06).",
    "temporary_rehousing_months": "Durée, en mois, au-delà de laquelle un relogement temporaire est signalé "
                                  "(HAB-07).",
    "amendment_change_pct": "Variation du coût actualisé ou de la subvention ANRU actualisée, en % du montant de "
                            "la convention, à partir de laquelle le changement doit passer par un avenant (GOV-04).",
    "anru_envelope": "Enveloppe de subventions ANRU du dernier avenant, en euros. Vide : non contrôlée (FIN-13).",
    "payments_before_balance_ceiling_pct": "Plafond de l'avance et des acomptes versés avant le solde, en % de la "
                                           "subvention (décret 2007-559 : 70 %) (FIN-12).",
    "advance_ceiling_pct": "Plafond de l'avance versée à la DAS, en % de la subvention (décret 2007-559 : 15 %) "
                           "(FIN-12).",
    "rehousing_recent_target_pct": "Objectif de la convention : part des ménages relogés dans le neuf ou le "
                                   "conventionné depuis moins de 5 ans, en %. Vide : non contrôlé (HAB-04).",
}
COMMENT_WIDTH = 100
PARAMETER_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Params)}
THIN = Side(style="thin", color="BFBFBF")


def write_parameters(ws: Worksheet, values: dict[str, object]) -> None:
    """Write *Paramètres*: label, value and a French explanation for every contract parameter."""
    ws.sheet_properties.tabColor = TAB_COLOURS[c.PARAMETRES]
    headers = (c.PARAM_KEY_HEADER, c.PARAM_VALUE_HEADER, "Commentaire")
    for col, (header, width) in enumerate(zip(headers, (46, 38, COMMENT_WIDTH), strict=True), start=1):
        header_cell(ws.cell(1, col, header))
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 24
    for row, param in enumerate(c.PARAMETERS, start=2):
        label = ws.cell(row, 1, param.label)
        label.font = calibri(bold=True)
        label.alignment = Alignment(vertical="center")
        value = values.get(param.attr)
        cell = ws.cell(row, 2, cell_value(value.value if isinstance(value, Enum) else value))
        cell.alignment = Alignment(horizontal="left", vertical="center")
        cell.number_format = "dd/mm/yyyy" if param.kind is Kind.DATE else "General"
        comment = ws.cell(row, 3, PARAMETER_COMMENTS[param.attr])
        comment.alignment = Alignment(wrap_text=True, vertical="center")
        comment.font = calibri(color="404040")
        ws.row_dimensions[row].height = text_height(PARAMETER_COMMENTS[param.attr], COMMENT_WIDTH)
        for col in (1, 2, 3):
            ws.cell(row, col).border = Border(bottom=THIN)
        if param.attr == "programme":
            dv = DataValidation(type="list", formula1='"' + ",".join(c.PROGRAMME_KINDS) + '"', allow_blank=True)
            dv.add(cell.coordinate)
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    print_layout(ws, print_rows="1:1")

