"""The workbook contract: sheet names, headers, column kinds, lists and parameters.

Users type into these sheets and other workbooks follow them: never rename or drop a header
here. Headers are matched with :func:`opc_excel.text.match_key` (case, accents, spaces and the
kind of apostrophe don't matter).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto


class Kind(Enum):
    """How a cell of a column is read."""

    TEXT = auto()  # free text, kept as typed (trimmed)
    ID = auto()  # an identifier: text or a whole number, trimmed
    DATE = auto()  # an Excel date or a text date; semesters/quarters resolved by the column's role
    MILESTONE_DATE = auto()  # a date whose role (start/end) depends on the row's *Jalon*
    AMOUNT = auto()  # euros: a number or text such as "1 234 567,89 €", "1,2 M€", "350 k€"
    NUMBER = auto()  # a plain number (quantities, months, hours)
    PERCENT = auto()  # a number from 0 to 100 (Excel's 45 % cell, stored 0.45, is read as 45)
    LIST = auto()  # one value of a list, matched ignoring case and accents
    YESNO = auto()  # Oui / Non
    IDS = auto()  # ids separated by ";"


class Role(Enum):
    """Which end of a period a semester or quarter stands for."""

    START = auto()
    END = auto()


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    attr: str
    kind: Kind
    required: bool = False
    choices: str | tuple[str, ...] | None = None  # a Listes list name, or a fixed vocabulary
    role: Role = Role.END
    min_value: float | None = None
    max_value: float | None = None
    aliases: tuple[str, ...] = ()  # older headers still read as this one


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str
    key_header: str
    columns: tuple[Column, ...]
    required: bool = False
    unique: str | None = None  # attr whose values must be unique

    def column(self, attr: str) -> Column:
        return next(c for c in self.columns if c.attr == attr)


# ---------------------------------------------------------------- lists

QUARTIERS = "Quartiers"
FAMILLES = "Familles"
MAITRES_OUVRAGE = "Maîtres d'ouvrage"
FINANCEURS = "Financeurs"
STATUTS = "Statuts"
JALONS = "Jalons"
MOTIFS = "Motifs de décalage"
INSTANCES = "Instances"
STATUTS_ACTION = "Statuts d'action"

DEFAULT_LISTS: dict[str, tuple[str, ...]] = {
    QUARTIERS: (),
    FAMILLES: (
        "Démolition de logements sociaux",
        "Reconstitution de l'offre",
        "Changement d'usage",
        "Requalification d'îlots anciens",
        "Réhabilitation",
        "Résidentialisation",
        "Amélioration de la qualité de service",
        "Intervention sur l'habitat privé",
        "Aménagement",
        "Équipement public de proximité",
        "Équipement commercial ou économique",
        "Ingénierie et conduite de projet",
    ),
    MAITRES_OUVRAGE: (),
    FINANCEURS: (
        "ANRU", "Ville", "CUA", "Fonds propres bailleur", "Prêts bailleur", "Département",
        "Région", "Caisse des Dépôts", "FEDER", "État", "CAF", "Action Logement",
    ),
    STATUTS: ("Programmée", "En études", "Engagée", "En travaux", "Livrée", "Soldée", "Abandonnée"),
    JALONS: (
        "Désignation MOE", "Dépôt PC", "Obtention PC", "Attribution des marchés", "FAT validée",
        "DAS", "Démarrage des travaux", "Livraison", "Réception", "Demande de solde", "Solde versé",
        "Début du relogement",
    ),
    MOTIFS: (
        "Appel d'offres infructueux", "Relogement", "Recours", "Financement", "Foncier", "Études",
        "Intempéries", "Arbitrage politique", "Défaillance entreprise", "Autre",
    ),
    INSTANCES: (
        "Point mensuel", "Comité de suivi", "Comité de pilotage", "Réunion technique",
        "Réunion financière", "Réunion sociale", "Revue de projet",
    ),
    STATUTS_ACTION: ("Ouverte", "En cours", "Soldée", "Reportée"),
}

# Familles and funders the software reasons about (they must be in *Listes* under these names).
DEMOLITION = "Démolition de logements sociaux"
RECONSTITUTION = "Reconstitution de l'offre"
ANRU_FUNDER = "ANRU"
ENGAGED_FUNDING_STATUSES = ("Acquis", "Notifié")

# Milestone names the software reasons about (they must be in the *Jalons* list).
WORKS_START = "Démarrage des travaux"
DELIVERY = "Livraison"
DAS = "DAS"
REHOUSING_START = "Début du relogement"  # enquêtes sociales / commission of a demolition (HAB-03)
# A semester or quarter typed for these milestones means its first day; for every other
# milestone (a delivery, a deadline to meet) its last day.
START_MILESTONES = frozenset({WORKS_START})
# Milestones whose *Date convention* is required.
CONVENTION_DATE_REQUIRED = frozenset({WORKS_START, DELIVERY})
# Pairs (earlier, later) whose dates must come in that order (DQ-DATE).
ORDERED_MILESTONES = (
    (WORKS_START, DELIVERY),
    ("Dépôt PC", "Obtention PC"),
    (DELIVERY, "Demande de solde"),
    ("Demande de solde", "Solde versé"),
)

FUNDING_STATUSES = ("Prévu", "Sollicité", "Acquis", "Notifié")
HOUSEHOLD_STATUSES = ("À reloger", "Relogé", "Relogement temporaire", "Parti sans relogement",
                      "Relogé dans le parc privé", "Décès", "Expulsion")
DESTINATIONS = ("Neuf ou conventionné depuis moins de 5 ans", "Parc existant")
# Older spellings of fixed list values, read as the current one (a master of the first contract still checks).
VALUE_ALIASES: dict[str, str] = {"Neuf ou moins de 5 ans": "Neuf ou conventionné depuis moins de 5 ans"}
LOCATIONS = ("Sur site", "Hors site")
# *Type de lien* of a dependency (CAL-04); an empty cell is the first, *Fin → Début*. *Continuité*: the
# predecessor is a new equipment that must be delivered before the one it replaces (the successor) is demolished.
LINK_FINISH_START, LINK_START_START, LINK_FINISH_FINISH, LINK_CONTINUITY = (
    "Fin → Début", "Début → Début", "Fin → Fin", "Continuité")
LINK_TYPES = (LINK_FINISH_START, LINK_START_START, LINK_FINISH_FINISH, LINK_CONTINUITY)
VALUE_ALIASES |= {"Fin -> Début": LINK_FINISH_START, "Début -> Début": LINK_START_START,
                  "Fin -> Fin": LINK_FINISH_FINISH}
AMENDMENT_KINDS = ("Simplifié", "National")
INSERTION_KINDS = ("Travaux", "Ingénierie", "GUP")  # *Type* of an Insertion line (second objective): no rule yet
PROGRAMME_KINDS = ("PNRU", "NPNRU")

# ---------------------------------------------------------------- input sheets

PARAMETRES = "Paramètres"
LISTES = "Listes"
OPERATIONS = "Opérations"
JALONS_SHEET = "Jalons"
DEPENDANCES = "Dépendances"
FINANCEMENTS = "Financements"
RELOGEMENT = "Relogement"
INSERTION = "Insertion"
AVENANTS = "Avenants"
ACTIONS = "Actions"
PARTICIPANTS = "Participants"

C, K = Column, Kind

OPERATIONS_SPEC = SheetSpec(
    OPERATIONS, "ID opération", required=True, unique="id", columns=(
        C("ID opération", "id", K.ID, required=True),
        C("Libellé", "label", K.TEXT, required=True),
        C("Quartier", "district", K.LIST, required=True, choices=QUARTIERS),
        C("Famille", "famille", K.LIST, required=True, choices=FAMILLES),
        C("Maître d'ouvrage", "owner", K.LIST, required=True, choices=MAITRES_OUVRAGE),
        C("Statut", "status", K.LIST, required=True, choices=STATUTS),
        C("Coût convention (€ HT)", "cost_convention", K.AMOUNT, required=True, min_value=0),
        C("Coût actualisé (€ HT)", "cost_current", K.AMOUNT, min_value=0),
        C("Taux ANRU plafond (%)", "anru_ceiling_pct", K.PERCENT, min_value=0, max_value=100),
        C("Base subventionnable (€)", "subsidy_base", K.AMOUNT, min_value=0),
        C("Quantité convention", "quantity_convention", K.NUMBER, min_value=0),
        C("Quantité réalisée", "quantity_done", K.NUMBER, min_value=0),
        C("Unité", "unit", K.TEXT),
        C("Logements PLAI", "plai_units", K.NUMBER, min_value=0),
        C("Hors QPV", "outside_qpv", K.YESNO, aliases=("Hors ZUS",)),
        C("Dérogation ANRU", "anru_derogation", K.YESNO),
        C("Date de mise à jour", "updated_on", K.DATE),
        C("Responsable suivi", "follow_up_by", K.TEXT),
        C("Commentaire", "comment", K.TEXT),
    ))

JALONS_SPEC = SheetSpec(
    JALONS_SHEET, "ID opération", required=True, columns=(
        C("ID opération", "operation_id", K.ID, required=True),
        C("Jalon", "name", K.LIST, required=True, choices=JALONS),
        C("Date convention", "convention", K.MILESTONE_DATE),
        C("Date avenant", "avenant", K.MILESTONE_DATE),
        C("Date prévisionnelle", "forecast", K.MILESTONE_DATE),
        C("Date réelle", "actual", K.MILESTONE_DATE),
        C("Motif de décalage", "motif", K.LIST, choices=MOTIFS),
        C("Commentaire", "comment", K.TEXT),
    ))

DEPENDANCES_SPEC = SheetSpec(
    DEPENDANCES, "Prédécesseur", columns=(
        C("Prédécesseur", "predecessor", K.ID, required=True),
        C("Successeur", "successor", K.ID, required=True),
        C("Délai minimal (mois)", "lag_months", K.NUMBER, aliases=("Décalage (mois)",)),
        C("Type de lien", "link_type", K.LIST, choices=LINK_TYPES),
    ))

FINANCEMENTS_SPEC = SheetSpec(
    FINANCEMENTS, "ID opération", required=True, columns=(
        C("ID opération", "operation_id", K.ID, required=True),
        C("Financeur", "funder", K.LIST, required=True, choices=FINANCEURS),
        C("Montant convention (€)", "amount_convention", K.AMOUNT, required=True, min_value=0),
        C("Montant actualisé (€)", "amount_current", K.AMOUNT, min_value=0),
        C("Statut", "status", K.LIST, required=True, choices=FUNDING_STATUSES),
        C("Montant engagé (€)", "engaged", K.AMOUNT, min_value=0),
        C("Avance versée (€)", "advance", K.AMOUNT, min_value=0),
        C("Montant versé (€)", "paid", K.AMOUNT, min_value=0),
        C("Référence", "reference", K.TEXT),
    ))

RELOGEMENT_SPEC = SheetSpec(
    RELOGEMENT, "N° ménage", unique="id", columns=(
        C("N° ménage", "id", K.ID, required=True),
        C("Opération", "operation_id", K.ID, required=True),
        C("Statut", "status", K.LIST, required=True, choices=HOUSEHOLD_STATUSES),
        C("Date de relogement", "rehoused_on", K.DATE),
        C("Nombre de propositions", "offers", K.NUMBER, min_value=0),
        C("Destination", "destination", K.LIST, choices=DESTINATIONS),
        C("Localisation", "location", K.LIST, choices=LOCATIONS),
        C("Hors QPV", "outside_qpv", K.YESNO),
        C("Reste à charge avant (€/mois)", "rest_to_pay_before", K.AMOUNT),
        C("Reste à charge après (€/mois)", "rest_to_pay_after", K.AMOUNT),
        C("Propositions refusées", "refused_offers", K.NUMBER, min_value=0),
        C("Date d'entrée en relogement temporaire", "temporary_since", K.DATE, role=Role.START),
    ))

INSERTION_SPEC = SheetSpec(
    INSERTION, "Marché", columns=(
        C("ID opération", "operation_id", K.ID, required=True),
        C("Marché", "contract", K.TEXT, required=True),
        C("Entreprise", "company", K.TEXT),
        C("Heures travaillées", "hours_worked", K.NUMBER, min_value=0),
        C("Heures d'insertion prévues", "insertion_planned", K.NUMBER, min_value=0),
        C("Heures d'insertion réalisées", "insertion_done", K.NUMBER, min_value=0),
        C("Date de situation", "as_of", K.DATE),
        C("Type", "kind", K.LIST, choices=INSERTION_KINDS),
    ))

AMENDMENT_STATUSES = ("Signé", "En préparation")  # GOV-04: « En préparation » silences it

AVENANTS_SPEC = SheetSpec(
    AVENANTS, "N°", unique="number", columns=(
        C("N°", "number", K.ID, required=True),
        C("Date", "date", K.DATE, required=True),
        C("Type", "kind", K.LIST, choices=AMENDMENT_KINDS),
        C("Objet", "subject", K.TEXT),
        C("Opérations concernées", "operation_ids", K.IDS),
        C("Statut", "status", K.LIST, choices=AMENDMENT_STATUSES),
    ))

ACTIONS_SPEC = SheetSpec(
    ACTIONS, "ID action", unique="id", columns=(
        C("ID action", "id", K.ID, required=True),
        C("Date", "date", K.DATE, role=Role.START),
        C("Instance", "instance", K.LIST, choices=INSTANCES),
        C("Sujet", "subject", K.TEXT),
        C("Décision / action", "decision", K.TEXT),
        C("Responsable", "owner", K.TEXT),
        C("Échéance", "due", K.DATE),
        C("Statut", "status", K.LIST, choices=STATUTS_ACTION),
        C("Reports", "postponements", K.NUMBER, min_value=0),
        C("Opérations liées", "operation_ids", K.IDS),
        C("Date de clôture", "closed_on", K.DATE),
    ))

# Optional: who is invited to each instance, by organisation and function (the meeting kit). Professional
# contacts only: a column or a value that looks personal is refused (DQ-PRIV), the file travels by e-mail.
PARTICIPANTS_SPEC = SheetSpec(
    PARTICIPANTS, "Organisation", columns=(
        C("Organisation", "organisation", K.TEXT, required=True),
        C("Fonction", "function", K.TEXT, required=True),
        C("Instances", "instances", K.IDS),  # instances attended, separated by « ; »; empty: every instance
        C("Contact professionnel", "contact", K.TEXT),  # a service's address (accueil@ville.fr), never a person's
    ))

del C, K

TABLE_SPECS: tuple[SheetSpec, ...] = (
    OPERATIONS_SPEC, JALONS_SPEC, DEPENDANCES_SPEC, FINANCEMENTS_SPEC, RELOGEMENT_SPEC,
    INSERTION_SPEC, AVENANTS_SPEC, ACTIONS_SPEC, PARTICIPANTS_SPEC,
)
REQUIRED_SHEETS = (PARAMETRES, OPERATIONS, JALONS_SHEET, FINANCEMENTS)
INPUT_SHEETS = (PARAMETRES, LISTES) + tuple(s.name for s in TABLE_SPECS)

# Headers that look like personal data in *Relogement* (DQ-PRIV): the file travels by e-mail.
PERSONAL_DATA_HEADERS = (
    "nom", "prenom", "nom de famille", "nom du menage", "telephone", "tel", "portable", "mobile",
    "e-mail", "email", "courriel", "mail", "adresse", "date de naissance", "nir",
    "numero de securite sociale", "n° allocataire", "numero allocataire",
)

# ---------------------------------------------------------------- Paramètres

PARAM_KEY_HEADER = "Paramètre"
PARAM_VALUE_HEADER = "Valeur"


@dataclass(frozen=True, slots=True)
class Parameter:
    label: str
    attr: str
    kind: Kind
    role: Role = Role.END
    required: bool = False
    aliases: tuple[str, ...] = ()  # older labels still read as this one


P, K = Parameter, Kind
PARAMETERS: tuple[Parameter, ...] = (
    P("Projet", "project", K.TEXT),
    P("Collectivité", "collectivite", K.TEXT),
    P("Porteur de projet", "project_sponsor", K.TEXT),  # the porteur de projet (2011: the CUA); empty: not said
    P("Programme", "programme", K.LIST),
    P("Date de signature de la convention", "signature_date", K.DATE, Role.START, required=True),
    P("Date de fin de la convention", "end_date", K.DATE, required=True),
    P("Date de situation", "at", K.DATE),
    P("Avenant en vigueur", "amendment_in_force", K.TEXT),
    P("Prochain point mensuel", "next_monthly_point", K.DATE, Role.START),
    P("Prochain comité de suivi", "next_follow_up_committee", K.DATE, Role.START),
    P("Prochain comité de pilotage", "next_steering_committee", K.DATE, Role.START),
    P("Prochaine revue de projet", "next_project_review", K.DATE, Role.START),
    P("Prochain point d'étape", "next_milestone_review", K.DATE, Role.START),
    P("Seuil retard orange (mois)", "delay_orange_months", K.NUMBER),
    P("Seuil retard rouge (mois)", "delay_red_months", K.NUMBER),
    P("Retard de démarrage rouge (mois)", "start_delay_red_months", K.NUMBER),
    P("Fin de la convention GUP", "gup_end", K.DATE),
    P("Tolérance NPNRU (mois)", "npnru_tolerance_months", K.NUMBER),
    P("Date limite d'engagement", "engagement_deadline", K.DATE),
    P("Délai de caducité après DAS (mois)", "lapse_months", K.NUMBER),
    P("Délai de demande de solde après livraison (mois)", "balance_request_months", K.NUMBER),
    P("Tolérance plan de financement (%)", "funding_tolerance_pct", K.NUMBER),
    P("Dérive de coût orange (%)", "cost_drift_orange_pct", K.NUMBER),
    P("Dérive de coût rouge (%)", "cost_drift_red_pct", K.NUMBER),
    P("Horizon des lancements (mois)", "launch_horizon_months", K.NUMBER),
    P("Objectif d'insertion (% des heures)", "insertion_target_pct", K.NUMBER),
    P("Fraîcheur des données (jours)", "freshness_days", K.NUMBER),
    P("Démolition : préavis relogement (mois)", "demolition_rehousing_window_months", K.NUMBER),
    P("Horizon des prérequis (mois)", "prerequisite_window_months", K.NUMBER),
    P("Caducité : préavis orange (mois)", "lapse_notice_orange_months", K.NUMBER),
    P("Caducité : préavis rouge (mois)", "lapse_notice_red_months", K.NUMBER),
    P("Écart paiement / avancement (points)", "payment_progress_gap_points", K.NUMBER),
    P("Retard d'engagement orange (points)", "engagement_gap_orange_points", K.NUMBER),
    P("Retard d'engagement rouge (points)", "engagement_gap_red_points", K.NUMBER),
    P("Financement non acquis avant démarrage (mois)", "unsecured_funding_window_months", K.NUMBER),
    P("Retard de relogement (%)", "rehousing_lag_pct", K.NUMBER),
    P("Hausse du reste à charge (%)", "rest_to_pay_increase_pct", K.NUMBER),
    P("Écart insertion / avancement (points)", "insertion_gap_points", K.NUMBER),
    P("Préavis revue de projet (mois)", "project_review_notice_months", K.NUMBER),
    P("Préavis point d'étape (mois)", "milestone_review_notice_months", K.NUMBER),
    P("Reports avant alerte rouge", "postponements_red", K.NUMBER),
    P("Part minimale de PLAI dans la reconstitution (%)", "plai_share_min_pct", K.NUMBER),
    P("Objectif de reconstitution (logements)", "reconstitution_target", K.NUMBER),
    P("Retard de la reconstitution sur les démolitions (mois)", "reconstitution_lag_months", K.NUMBER),
    P("Part des ménages au reste à charge en hausse (%)", "rest_to_pay_households_pct", K.NUMBER),
    P("Relogement : préavis sans proposition (mois)", "no_offer_window_months", K.NUMBER),
    P("Propositions refusées avant procédure L.442-6", "refused_offers_max", K.NUMBER),
    P("Durée maximale du relogement temporaire (mois)", "temporary_rehousing_months", K.NUMBER),
    P("Objectif de relogement dans le neuf ou conventionné < 5 ans (%)", "rehousing_recent_target_pct",
      K.NUMBER, aliases=("Objectif de relogement dans le neuf ou récent (%)",)),
    P("Enveloppe ANRU (€)", "anru_envelope", K.AMOUNT),
    P("Plafond avance + acomptes avant solde (%)", "payments_before_balance_ceiling_pct", K.NUMBER),
    P("Plafond de l'avance (%)", "advance_ceiling_pct", K.NUMBER),
    P("Écart de coût ou de subvention appelant un avenant (%)", "amendment_change_pct", K.NUMBER),
)
del P, K
ADDED_PARAMETERS = frozenset({  # the contract change of 2026-12-04: a master written before has no row for them
    "amendment_change_pct", "reconstitution_target", "reconstitution_lag_months", "rest_to_pay_households_pct",
    "no_offer_window_months", "refused_offers_max", "temporary_rehousing_months", "rehousing_recent_target_pct",
    "anru_envelope", "payments_before_balance_ceiling_pct", "advance_ceiling_pct", "project_sponsor",
})

# ---------------------------------------------------------------- output sheets

CONTROLES = "Contrôles"
CONTROLES_HEADERS = ("Gravité", "Feuille", "Cellule", "Colonne", "Valeur lue", "Message", "Code")
MODE_EMPLOI = "Mode d'emploi"
OUTPUT_SHEETS = (CONTROLES, "Alertes", "Tableau de bord", "Historique", "Historique jalons")
