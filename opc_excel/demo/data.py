"""Illustrative data of the Perseigne–Courteille PRU (Alençon) at the 30/09/2011 date de situation.

The figures are invented: they are consistent with the public totals of the convention signed on
28/01/2008 (about 87.5 M€, about 500 social dwellings demolished within the convention, about
400 rebuilt, more than 800 rehabilitated in Perseigne, 35 business premises on avenue Kennedy)
but they are not the real convention. A few anomalies are planted on purpose so that every
family of alerts has something to say (see ``PLANTED`` at the end of the module).

:func:`build_demo` returns plain rows keyed by the contract's column attributes; the formatting
lives in the sheet modules of :mod:`opc_excel.demo` (guide, parameters, tables).
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from opc_excel.read import contract as c

AT = date(2011, 9, 30)  # date de situation
SIGNATURE = date(2008, 1, 28)
CONVENTION_END = date(2013, 12, 31)
SEED = 2008

DISTRICTS = {"PER": "Perseigne", "COU": "Courteille"}
_F = c.DEFAULT_LISTS[c.FAMILLES]
FAMILLES = dict(zip(
    ("DEM", "REC", "CHU", "RIA", "REH", "RES", "AQS", "HPR", "AME", "EQP", "ECO", "ING"), _F, strict=True))
OWNERS = {
    "VIL": "Ville d'Alençon", "CUA": "CUA d'Alençon", "OH": "Orne Habitat", "SAG": "Sagim",
    "LF": "Logis Familial",
}
ANRU, VILLE, CUA = "ANRU", OWNERS["VIL"], OWNERS["CUA"]
# The funders as they were named in 2011 (the *Listes* of the contract keep Département and Région).
PRETS, DEPARTEMENT, REGION = "Prêts CDC", "Conseil général de l'Orne", "Conseil régional de Basse-Normandie"
CDC, FEDER, ETAT = "Caisse des Dépôts", "FEDER", "État"
FUNDERS = (ANRU, VILLE, CUA, "Orne Habitat", "Sagim", "Logis Familial", PRETS, DEPARTEMENT, REGION,
           CDC, FEDER, ETAT)

LISTS: dict[str, tuple[str, ...]] = {
    **c.DEFAULT_LISTS,
    c.QUARTIERS: tuple(DISTRICTS.values()),
    c.MAITRES_OUVRAGE: tuple(OWNERS.values()),
    c.FINANCEURS: FUNDERS,
}

# ---------------------------------------------------------------- operations
#
# One row per operation of the convention. The district and the famille are read from the id
# (PER-DEM-01: Perseigne, démolition). ``start`` is the works start of the convention (its first
# day), ``months`` the works duration up to the convention's delivery (the last day of that
# month). ``slip`` is how many months the current forecast lies behind the convention: one number
# for every milestone, or (before works start, works start, delivery and after). Milestones whose
# forecast is due by the date de situation are done, on their forecast date.


class Op(NamedTuple):
    id: str
    label: str
    owner: str  # a key of OWNERS
    cost_k: float  # Coût convention, k€ HT
    qty: int | None
    start: str  # "YYYY-MM"
    months: int
    slip: int | tuple[int, int, int] = 0
    motif: str = ""
    unit: str = ""  # default by famille


OPERATIONS: tuple[Op, ...] = (
    # Démolition de logements sociaux: 504 logements (the 192 of the Verlaine towers went in 2004)
    Op("PER-DEM-01", "Démolition de l'immeuble Ronsard — 80 logements", "OH", 1960, 80, "2008-09", 6, 2, "Intempéries"),
    Op("PER-DEM-02", "Démolition de l'immeuble Rabelais — 60 logements", "OH", 1480, 60, "2009-03", 6, 3, "Relogement"),
    Op("PER-DEM-03", "Démolition de l'immeuble Molière, rue Jean Mermoz — 48 logements", "SAG", 1150, 48,
       "2009-09", 5, 4, "Relogement"),
    Op("PER-DEM-04", "Démolition des immeubles Lamartine 1 et 2 — 72 logements", "OH", 1790, 72, "2010-01", 7, 5,
       "Appel d'offres infructueux"),
    Op("PER-DEM-05", "Démolition de l'immeuble Musset — 44 logements", "LF", 1080, 44, "2010-09", 6, 9, "Relogement"),
    Op("PER-DEM-06", "Démolition de l'immeuble Vigny — 56 logements", "OH", 1390, 56, "2010-05", 6, (0, 20, 20),
       "Relogement"),
    Op("PER-DEM-07", "Écrêtement de l'immeuble Boileau (2 niveaux) — 24 logements", "SAG", 720, 24, "2011-03", 8, 4,
       "Études"),
    Op("COU-DEM-01", "Démolition de la barre des Tisserands — 40 logements", "SAG", 980, 40, "2008-11", 6, 1),
    Op("COU-DEM-02", "Démolition de l'immeuble des Dentellières — 36 logements", "LF", 880, 36, "2009-10", 5, 5,
       "Relogement"),
    Op("COU-DEM-03", "Démolition de l'immeuble des Fileuses — 44 logements", "OH", 1100, 44, "2011-10", 6, 11,
       "Relogement"),
    # Reconstitution de l'offre: 396 logements, on site and elsewhere in the agglomeration
    Op("PER-REC-01", "Construction de 24 logements — rue Jean Mermoz (site Ronsard)", "OH", 2000, 24, "2009-06", 16, 3,
       "Intempéries"),
    Op("PER-REC-02", "Construction de 30 logements — îlot Rabelais", "OH", 2450, 30, "2010-03", 18, 4, "Relogement"),
    Op("PER-REC-03", "Construction de 20 logements individuels — rue Guynemer", "SAG", 1770, 20, "2010-09", 15, 6,
       "Appel d'offres infructueux"),
    Op("PER-REC-04", "Construction de 32 logements — avenue Kennedy (îlot Lamartine)", "OH", 2560, 32, "2011-03", 18, 9,
       "Appel d'offres infructueux"),
    Op("PER-REC-05", "Construction de 20 logements — site Musset", "LF", 1670, 20, "2012-01", 16, 6, "Relogement"),
    Op("PER-REC-06", "Construction de 26 logements — site Vigny", "OH", 2140, 26, "2012-03", 16, 12, "Relogement"),
    Op("PER-REC-07", "Construction de 16 logements — rue Pierre et Marie Curie (hors site)", "SAG", 1400, 16,
       "2009-01", 14, 2),
    Op("PER-REC-08", "Construction de 22 logements — quartier de Montsort (hors site)", "OH", 1840, 22,
       "2009-09", 16, 5, "Foncier"),
    Op("PER-REC-09", "Construction de 28 logements — Saint-Germain-du-Corbéis (hors site)", "LF", 2290, 28,
       "2010-06", 18, 8, "Foncier"),
    Op("PER-REC-10", "Construction de 16 logements — Damigny (hors site)", "SAG", 1390, 16, "2011-06", 14, 14,
       "Foncier"),
    Op("PER-REC-11", "Acquisition-amélioration de 10 logements — centre-ville (hors site)", "OH", 830, 10,
       "2010-01", 10, 2, "Études"),
    Op("PER-REC-12", "Construction de 20 logements — Condé-sur-Sarthe (hors site)", "LF", 1690, 20, "2011-01", 16, 7,
       "Recours"),
    Op("COU-REC-01", "Construction de 28 logements — îlot des Tisserands", "SAG", 2300, 28, "2009-09", 18, 6,
       "Défaillance entreprise"),
    Op("COU-REC-02", "Construction de 24 logements — rue de Courteille", "LF", 1980, 24, "2010-10", 16, 5, "Recours"),
    Op("COU-REC-03", "Construction de 30 logements — site des Fileuses", "OH", 2460, 30, "2012-06", 18, 12,
       "Relogement"),
    Op("COU-REC-04", "Construction de 20 logements — Cerisé (hors site)", "SAG", 1680, 20, "2011-09", 16, 3, "Études"),
    Op("COU-REC-05", "Construction de 14 logements — rue des Dentellières", "LF", 1210, 14, "2011-03", 14, 10,
       "Financement"),
    Op("COU-REC-06", "Construction de 16 logements — Valframbert (hors site)", "OH", 1340, 16, "2012-09", 14, 0),
    # Changement d'usage
    Op("PER-CHU-01", "Transformation de 6 logements en locaux associatifs — immeuble Racine", "SAG", 420, 6,
       "2010-06", 8, 3, "Études", "locaux"),
    Op("COU-CHU-01", "Transformation de 12 logements en maison des associations — Courteille", "LF", 520, 12,
       "2012-01", 10, 6, "Arbitrage politique"),
    # Requalification d'îlots anciens (the old faubourg of Courteille)
    Op("COU-RIA-01", "Requalification de l'îlot ancien de la rue de Courteille", "VIL", 640, 2400, "2010-09", 12, 8,
       "Foncier", "m²"),
    Op("COU-RIA-02", "Requalification de l'îlot ancien des Filandières", "VIL", 380, 1600, "2012-01", 10, 12,
       "Foncier", "m²"),
    # Réhabilitation: 872 logements in Perseigne, 196 in Courteille
    Op("PER-REH-01", "Réhabilitation de la résidence Ronsard-Est — 120 logements", "OH", 1250, 120, "2008-10", 12, 2,
       "Intempéries"),
    Op("PER-REH-02", "Réhabilitation thermique de l'immeuble Corneille — 96 logements", "OH", 1000, 96,
       "2009-04", 12, 3, "Intempéries"),
    Op("PER-REH-03", "Réhabilitation de l'immeuble Racine — 110 logements", "SAG", 1120, 110, "2009-10", 12, 2,
       "Études"),
    Op("PER-REH-04", "Réhabilitation de la résidence Pascal — 84 logements", "LF", 850, 84, "2010-03", 12, 5,
       "Financement"),
    Op("PER-REH-05", "Réhabilitation de l'immeuble La Fontaine — 130 logements", "OH", 1360, 130, "2010-09", 14, 4,
       "Appel d'offres infructueux"),
    Op("PER-REH-06", "Réhabilitation de l'immeuble Montaigne — 90 logements", "SAG", 940, 90, "2011-01", 12, 7,
       "Appel d'offres infructueux"),
    Op("PER-REH-07", "Réhabilitation de la résidence Voltaire — 102 logements", "OH", 1070, 102, "2011-06", 12, 4,
       "Appel d'offres infructueux"),
    Op("PER-REH-08", "Réhabilitation de l'immeuble Diderot — 76 logements", "LF", 760, 76, "2012-01", 12, 0),
    Op("PER-REH-09", "Réhabilitation de la résidence Descartes — 64 logements", "OH", 660, 64, "2010-06", 10, 7,
       "Défaillance entreprise"),
    Op("COU-REH-01", "Réhabilitation de la résidence des Tisserands — 72 logements", "SAG", 730, 72, "2009-06", 12, 3,
       "Intempéries"),
    Op("COU-REH-02", "Réhabilitation de l'immeuble des Brodeuses — 58 logements", "LF", 600, 58, "2011-04", 12, 2),
    Op("COU-REH-03", "Réhabilitation de la résidence Point d'Alençon — 66 logements", "OH", 680, 66, "2012-03", 12, 3,
       "Études"),
    # Résidentialisation
    Op("PER-RES-01", "Résidentialisation de la résidence Ronsard-Est", "OH", 360, 120, "2009-10", 6, 3, "Intempéries"),
    Op("PER-RES-02", "Résidentialisation de l'îlot Picardie", "OH", 320, 96, "2010-04", 6, 4, "Études"),
    Op("PER-RES-03", "Résidentialisation de l'immeuble Racine", "SAG", 350, 110, "2011-03", 6, 3, "Intempéries"),
    Op("PER-RES-04", "Résidentialisation de la résidence Pascal", "LF", 280, 84, "2011-06", 5, 3, "Intempéries"),
    Op("PER-RES-05", "Résidentialisation des immeubles La Fontaine et Voltaire", "OH", 590, 232, "2012-03", 8, 3,
       "Études"),
    Op("PER-RES-06", "Résidentialisation de l'îlot Verlaine (abords des tours démolies)", "OH", 300, 6500, "2009-09", 6,
       (0, 26, 26), "Foncier", "m²"),
    Op("PER-RES-07", "Résidentialisation de l'immeuble Corneille", "OH", 310, 96, "2010-11", 6, 4, "Intempéries"),
    Op("COU-RES-01", "Résidentialisation de la résidence des Tisserands", "SAG", 250, 72, "2010-09", 6, 3,
       "Intempéries"),
    Op("COU-RES-02", "Résidentialisation de l'immeuble des Brodeuses", "LF", 200, 58, "2012-06", 6, 2, "Études"),
    Op("COU-RES-03", "Résidentialisation de l'îlot rue de Courteille", "SAG", 180, 40, "2012-03", 6, 0),
    # Amélioration de la qualité de service
    Op("PER-AQS-01", "Contrôle d'accès et vidéoprotection des halls — Perseigne", "OH", 260, 28, "2009-09", 6, 2,
       "Études", "halls"),
    Op("PER-AQS-02", "Loge de gardien et point d'accueil Orne Habitat — place de la Paix", "OH", 230, 1, "2010-06", 8,
       6, "Foncier", "équipement"),
    Op("PER-AQS-03", "Conteneurs enterrés pour la collecte sélective — Perseigne", "CUA", 310, 24, "2011-04", 6, 3,
       "Études", "points d'apport"),
    Op("COU-AQS-01", "Réaménagement des halls d'entrée — Courteille", "SAG", 180, 14, "2011-09", 6, 2,
       "Financement", "halls"),
    # Intervention sur l'habitat privé
    Op("COU-HPR-01", "OPAH copropriétés dégradées de Courteille — aides aux travaux", "VIL", 450, 60, "2009-01", 48, 2,
       "Études"),
    Op("PER-HPR-01", "Plan de sauvegarde de la copropriété Le Rond-Point", "VIL", 280, 48, "2010-06", 24, 4,
       "Financement"),
    # Aménagement
    Op("PER-AME-01", "Requalification du boulevard Kennedy — tranche 1", "CUA", 1550, 420, "2009-09", 12, 4,
       "Intempéries", "ml"),
    Op("PER-AME-02", "Requalification du boulevard Kennedy — tranche 2", "CUA", 1360, 380, "2011-03", 12, 5,
       "Études", "ml"),
    Op("PER-AME-03", "Aménagement de la place de la Paix", "VIL", 890, 5800, "2010-09", 10, 6, "Arbitrage politique",
       "m²"),
    Op("PER-AME-04", "Création de la rue nouvelle Ronsard (liaison Mermoz–Kennedy)", "CUA", 620, 260, "2009-09", 8, 2,
       "Intempéries", "ml"),
    Op("PER-AME-05", "Aménagement des espaces publics de l'îlot Rabelais", "VIL", 450, 3400, "2010-06", 8, 3,
       "Relogement", "m²"),
    Op("PER-AME-06", "Requalification de la rue Jean Mermoz", "CUA", 560, 450, "2010-10", 9, 4, "Intempéries", "ml"),
    Op("PER-AME-07", "Aménagement des abords de l'immeuble Musset (stationnement, cheminements)", "VIL", 300, 2100,
       "2011-10", 6, 2, "Études", "m²"),
    Op("PER-AME-08", "Aménagement du mail piéton Lamartine", "VIL", 390, 2800, "2011-06", 8, 4, "Études", "m²"),
    Op("PER-AME-09", "Aménagement des espaces publics du site Vigny", "VIL", 350, 2600, "2011-03", 6, 22, "Relogement",
       "m²"),
    Op("PER-AME-10", "Réseaux et voirie de desserte de l'îlot Lamartine", "CUA", 500, 300, "2011-01", 6, 8,
       "Relogement", "ml"),
    Op("PER-AME-11", "Éclairage public et signalétique du quartier", "CUA", 250, 180, "2010-03", 18, 2,
       "Autre", "points lumineux"),
    Op("PER-AME-12", "Parc urbain et aire de jeux de Perseigne", "VIL", 670, 12000, "2012-04", 10, 6, "Études", "m²"),
    Op("COU-AME-01", "Requalification de la place de Courteille", "VIL", 550, 3900, "2010-04", 9, 5, "Intempéries",
       "m²"),
    Op("COU-AME-02", "Aménagement des abords des Tisserands", "VIL", 300, 2400, "2009-09", 6, 3, "Intempéries", "m²"),
    Op("COU-AME-03", "Requalification de la rue de Courteille", "CUA", 710, 520, "2011-06", 10, 9, "Foncier", "ml"),
    Op("COU-AME-04", "Création d'une voie nouvelle sur le site des Fileuses", "CUA", 460, 280, "2012-09", 8, 12,
       "Relogement", "ml"),
    # Équipement public de proximité
    Op("PER-EQP-01", "Construction du centre social Paul Gauguin", "VIL", 2140, 1, "2011-07", 17, (55, 55, 54),
       "Foncier"),
    Op("PER-EQP-02", "Construction du gymnase de Perseigne", "VIL", 1820, 1, "2009-10", 16, 4, "Intempéries"),
    Op("PER-EQP-03", "Médiathèque et maison des services publics", "CUA", 2310, 1, "2010-06", 20, 5,
       "Appel d'offres infructueux"),
    Op("PER-EQP-04", "Restructuration du groupe scolaire Courbet", "VIL", 1260, 1, "2010-07", 14, 2, "Études"),
    Op("PER-EQP-05", "Maison de la petite enfance (multi-accueil 40 places)", "VIL", 900, 1, "2011-04", 14, 8,
       "Appel d'offres infructueux"),
    Op("PER-EQP-06", "Réhabilitation de la maison de quartier de Perseigne", "VIL", 440, 1, "2009-04", 10, 3,
       "Intempéries"),
    Op("PER-EQP-07", "Terrain multisports (city-stade) rue Guynemer", "VIL", 140, 1, "2009-09", 4, 1),
    Op("COU-EQP-01", "Extension du centre socioculturel de Courteille", "VIL", 670, 1, "2010-10", 12, 6, "Recours"),
    Op("COU-EQP-02", "Relocalisation de la crèche de Courteille", "VIL", 310, 1, "2012-06", 12, 0),
    # Équipement commercial ou économique
    Op("PER-ECO-01", "Avenue Kennedy — 35 locaux commerciaux et d'activités", "CUA", 1530, 35, "2010-03", 18, 9,
       "Foncier", "locaux"),
    Op("PER-ECO-02", "Restructuration du pôle commercial de la place de la Paix", "VIL", 600, 8, "2011-09", 12, 12,
       "Arbitrage politique", "locaux"),
    Op("COU-ECO-01", "Hôtel d'activités artisanales de Courteille", "CUA", 520, 6, "2012-01", 12, 6, "Financement",
       "cellules"),
    # Ingénierie et conduite de projet
    Op("PER-ING-01", "Direction de projet ANRU (chef de projet et assistante)", "VIL", 620, 1, "2008-05", 67, 0,
       unit="mission"),
    Op("PER-ING-02", "Mission d'OPC urbain", "VIL", 310, 1, "2008-09", 63, (0, 2, 0), "Études", "mission"),
    Op("PER-ING-03", "MOUS relogement inter-bailleurs", "OH", 360, 1, "2008-05", 55, 0, unit="mission"),
    Op("PER-ING-04", "Actualisation du plan guide et études urbaines", "VIL", 180, 1, "2008-06", 12, 1,
       "Autre", "mission"),
    Op("PER-ING-05", "Concertation, communication et mémoire du quartier", "VIL", 150, 1, "2008-06", 66, 0,
       unit="mission"),
    Op("PER-ING-06", "Assistance à maîtrise d'ouvrage de la GUP", "VIL", 90, 1, "2009-01", 48, 2, "Autre", "mission"),
    Op("PER-ING-07", "Évaluation à mi-parcours du projet", "VIL", 70, 1, "2011-01", 6, 10, "Arbitrage politique",
       "mission"),
    Op("COU-ING-01", "Étude pré-opérationnelle OPAH de Courteille", "VIL", 60, 1, "2008-06", 8, 1, "Autre", "mission"),
)

WORKS_MOTIFS = {"Intempéries", "Défaillance entreprise"}  # these slip the works only, not the studies
DEFAULT_UNITS = {"DEM": "logements", "REC": "logements", "REH": "logements", "RES": "logements",
                 "CHU": "logements", "HPR": "logements", "EQP": "équipement"}

# ---------------------------------------------------------------- what happened to some operations

ABANDONED = {  # dropped by avenant n°2
    "COU-RES-03": "Abandonnée par l'avenant n°2 : traitée avec la requalification de la rue de Courteille",
    "COU-EQP-02": "Abandonnée par l'avenant n°2 : accueil regroupé dans la maison de la petite enfance",
}
STALLED = {"PER-REH-09", "COU-REH-02"}  # planned works start passed, no order to start (CAL-01)
NO_DAS = {"PER-AME-10"}  # works started before the DAS was received (FIN-04)
NO_BALANCE_REQUEST = {"COU-DEM-02"}  # delivered more than 12 months ago, balance never requested (FIN-06)

# Milestone dates that follow no slip: actual or forecast, as known on 30/09/2011.
DATE_OVERRIDES: dict[str, dict[str, date]] = {
    "PER-EQP-01": {"Désignation MOE": date(2010, 3, 15)},
    "PER-REC-04": {"DAS": date(2011, 11, 15)},  # due just before the works start (CAL-06)
}
# Milestones whose convention date is followed by an avenant date: op -> (avenant n°, months).
AVENANT_SHIFTS: dict[str, tuple[int, int]] = {
    "PER-DEM-02": (1, 3), "PER-DEM-03": (1, 4), "PER-REC-02": (1, 3), "PER-RES-02": (1, 3),
    "PER-REH-02": (1, 2), "COU-DEM-02": (1, 4), "PER-AME-01": (1, 3), "PER-EQP-02": (1, 3),
    "PER-EQP-01": (2, 12), "PER-DEM-06": (2, 18), "PER-REC-06": (2, 6), "PER-REC-10": (2, 8),
    "PER-ECO-01": (2, 6), "PER-AME-09": (2, 12), "COU-RIA-01": (2, 6), "PER-EQP-05": (2, 8),
    "COU-REC-05": (2, 10), "PER-RES-06": (2, 27),
}
AVENANTS = (
    (1, date(2009, 10, 22), "Simplifié",
     "Recalage du calendrier des démolitions Rabelais, Molière et Dentellières et des opérations "
     "qui en dépendent ; transfert de crédits entre résidentialisations"),
    (2, date(2011, 3, 15), "National",
     "Report du centre social Paul Gauguin (recherche foncière), recalage de la démolition Vigny et "
     "de ses opérations liées, abandon de deux opérations à Courteille, surcoût de la maison de la "
     "petite enfance, phasage de l'avenue Kennedy"),
)
AVENANT_DATES = {number: made for number, made, _, _ in AVENANTS}
COST_UPDATES = {  # Coût actualisé / Coût convention
    "PER-EQP-03": 1.12, "PER-EQP-05": 1.25,  # FIN-03 orange and rouge
    "PER-REC-02": 1.04, "PER-AME-03": 1.06, "PER-REH-05": 1.03, "PER-ECO-01": 1.08, "COU-RIA-01": 1.05,
    "PER-DEM-05": 1.02, "COU-REC-02": 1.05,
}
QUANTITY_DONE = {"PER-REH-03": 106}  # 4 logements turned into associative premises (HAB-05)
ANRU_RATE_OVERRIDES = {"PER-EQP-02": 0.44}  # above its 40 % ceiling (FIN-02)
FUNDING_GAPS = {"COU-AME-01": (DEPARTEMENT, 0.032), "PER-REC-09": (PRETS, -0.025)}  # FIN-01
PENDING_FUNDING = {  # lines not secured yet (FIN-10 when the works start within 6 months)
    "PER-REC-04": {DEPARTEMENT: "Sollicité"}, "COU-REC-04": {DEPARTEMENT: "Prévu"},
    "COU-REC-05": {DEPARTEMENT: "Sollicité"}, "PER-AME-12": {REGION: "Prévu"},
    "COU-ECO-01": {FEDER: "Sollicité", REGION: "Prévu"}, "PER-EQP-01": {FEDER: "Prévu"},
}
FORCED_ADVANCE = {"PER-RES-06"}  # advance paid, works never started (FIN-07)
STALE_UPDATES = {"PER-REH-09": date(2011, 5, 12), "COU-RIA-02": date(2011, 6, 20),
                 "PER-HPR-01": date(2011, 7, 4)}  # CAL-07
HOUSEHOLDS_LEFT = {"PER-DEM-06": 12, "COU-DEM-03": 26}  # households still to rehouse
# Each demolition's relogement starts (enquêtes sociales, commission) when its households begin to move, about
# 600 days before its works (see _households); the Fileuses' is still to come: its enquêtes sociales are due by
# 15/12/2011 (the early moves there are tenants who left through ordinary attributions).
REHOUSING_STARTS = {"COU-DEM-03": date(2012, 1, 15)}
INSERTION_BEHIND = {"PER-ECO-01", "PER-REC-09"}  # SOC-01

FOLLOW_UP = {
    "VIL": ("Chef de projet ANRU", "Service bâtiments Ville", "Direction de projet"),
    "CUA": ("Service voirie CUA", "Direction des équipements CUA"),
    "OH": ("Chargée d'opération Orne Habitat", "Responsable patrimoine Orne Habitat"),
    "SAG": ("Chargé d'opération Sagim",),
    "LF": ("Chargée d'opération Logis Familial",),
}
OPERATION_COMMENTS = {
    "PER-EQP-01": "Terrain prévu non maîtrisé ; nouveau site à l'étude avec la CUA",
    "PER-DEM-06": "12 ménages restent à reloger ; démarrage conditionné à la libération complète",
    "PER-REH-09": "Ordre de service non délivré : lot gros œuvre à relancer",
    "PER-AME-10": "Travaux de réseaux démarrés en urgence, DAS attendue",
    "PER-REH-03": "4 logements transformés en locaux associatifs (voir PER-CHU-01)",
    "COU-DEM-02": "Démolition achevée ; dossier de solde à constituer",
    "PER-RES-06": "Cession foncière Ville / Orne Habitat non régularisée",
    "PER-EQP-05": "Surcoût après appel d'offres ; plan de financement à compléter",
    "PER-ECO-01": "Commercialisation des cellules en cours (18 sur 35 réservées)",
    "COU-REC-04": "Permis de construire obtenu ; financement du Conseil général non encore voté",
}
INTERNAL_NOTES = {
    "PER-EQP-01": "Point dur du prochain comité de pilotage",
    "PER-DEM-06": "Suivi hebdomadaire avec la MOUS",
    "PER-EQP-03": "Aléas de fondations : avenant au marché de gros œuvre",
}
MILESTONE_COMMENTS = {
    ("PER-EQP-01", c.WORKS_START): "Recherche d'un nouveau terrain ; programme à revoir",
    ("PER-DEM-06", c.WORKS_START): "Sous réserve du relogement des derniers ménages",
    ("PER-REC-04", "DAS"): "Dossier déposé à la DDT le 12/09/2011",
    ("PER-REH-09", c.WORKS_START): "Entreprise de gros œuvre en liquidation",
    ("COU-DEM-02", "Demande de solde"): "Pièces justificatives à rassembler",
    ("PER-RES-06", c.WORKS_START): "Acte de cession attendu",
    ("COU-REC-04", "Obtention PC"): "Recours gracieux d'un riverain levé",
}

# ---------------------------------------------------------------- milestones and money, by famille

# *Début du relogement* is a demolition's alone, dated apart (REHOUSING_STARTS), without drawing from the generator;
# *Réception* (décompte général) is left to the users of the demo: drawing it would move every later random draw.
_FULL = tuple(j for j in c.DEFAULT_LISTS[c.JALONS] if j not in (c.REHOUSING_START, "Réception"))
_NO_PC = tuple(j for j in _FULL if j not in ("Dépôt PC", "Obtention PC"))
_LIGHT = ("DAS", c.WORKS_START, c.DELIVERY, "Demande de solde", "Solde versé")
MILESTONES_BY_FAMILLE = {
    "DEM": _NO_PC, "REC": _FULL, "CHU": _FULL, "RIA": _NO_PC, "REH": _NO_PC, "RES": _NO_PC,
    "AQS": _NO_PC, "HPR": _LIGHT, "AME": _NO_PC, "EQP": _FULL, "ECO": _FULL, "ING": _LIGHT,
}
# Month of each milestone's convention date, relative to the works start (before) or the delivery.
OFFSETS_BEFORE_START = {"Désignation MOE": -18, "Dépôt PC": -12, "Obtention PC": -8,
                        "Attribution des marchés": -5, "FAT validée": -4, "DAS": -3}
OFFSETS_AFTER_DELIVERY = {"Demande de solde": 6, "Solde versé": 10}

# famille -> (ANRU ceiling %, lowest and highest ANRU rate %)
ANRU_RATES = {
    "DEM": (50, 40, 50), "REC": (35, 17, 25), "CHU": (40, 30, 40), "RIA": (50, 35, 45),
    "REH": (35, 20, 30), "RES": (50, 35, 45), "AQS": (50, 30, 40), "HPR": (40, 25, 35),
    "AME": (50, 35, 45), "EQP": (40, 28, 38), "ECO": (35, 25, 32), "ING": (50, 40, 50),
}
# famille -> (funder, share of the cost) besides ANRU; the maître d'ouvrage takes the rest.
CO_FUNDING = {
    "DEM": ((PRETS, 0.20), (VILLE, 0.04)),
    "REC": ((PRETS, 0.52), (CUA, 0.04), (DEPARTEMENT, 0.03)),
    "CHU": ((VILLE, 0.15),),
    "RIA": ((DEPARTEMENT, 0.15), (ETAT, 0.10)),
    "REH": ((PRETS, 0.40), (REGION, 0.08), (DEPARTEMENT, 0.05)),
    "RES": ((VILLE, 0.10), (CUA, 0.05)),
    "AQS": ((CUA, 0.10),),
    "HPR": ((ETAT, 0.30), (DEPARTEMENT, 0.08)),
    "AME": ((DEPARTEMENT, 0.08), (REGION, 0.07), (VILLE, 0.05), (CUA, 0.05)),
    "EQP": ((DEPARTEMENT, 0.10), (REGION, 0.10), (CUA, 0.05)),
    "ECO": ((CDC, 0.15), (FEDER, 0.12), (REGION, 0.08)),
    "ING": ((CDC, 0.20),),
}
EXTRA_FUNDING = {  # equipment with European or Caisse des Dépôts money
    "PER-EQP-03": ((FEDER, 0.10), (CDC, 0.05)), "PER-EQP-01": ((FEDER, 0.08),),
    "PER-EQP-02": ((CDC, 0.04),),
}

# ---------------------------------------------------------------- sequencing

DEPENDENCIES = (  # predecessor, successor, lag in months
    ("PER-DEM-01", "PER-AME-04", 2), ("PER-DEM-01", "PER-REC-01", 3), ("PER-DEM-02", "PER-REC-02", 3),
    ("PER-DEM-02", "PER-AME-05", 2), ("PER-DEM-03", "PER-REC-03", 2), ("PER-DEM-03", "PER-AME-06", 1),
    ("PER-DEM-04", "PER-REC-04", 3), ("PER-DEM-04", "PER-AME-08", 1), ("PER-DEM-04", "PER-AME-10", 0),
    ("PER-DEM-05", "PER-AME-07", 1),  # broken: the abords start before the demolition ends (CAL-04)
    ("PER-DEM-05", "PER-REC-05", 2), ("PER-DEM-06", "PER-REC-06", 3), ("PER-DEM-06", "PER-AME-09", 2),
    ("COU-DEM-01", "COU-REC-01", 3), ("COU-DEM-01", "COU-AME-02", 1), ("COU-DEM-02", "COU-REC-05", 2),
    ("COU-DEM-03", "COU-REC-03", 2), ("COU-DEM-03", "COU-AME-04", 1), ("PER-REH-03", "PER-RES-03", 0),
    ("PER-REH-02", "PER-RES-07", 0), ("PER-REH-04", "PER-RES-04", 0), ("PER-REH-05", "PER-RES-05", 0),
    ("PER-AME-03", "PER-ECO-02", 0), ("PER-AME-01", "PER-AME-02", 0),
)

# ---------------------------------------------------------------- insertion: one row per works contract

MARCHES = (  # operation, marché, entreprise, share of the operation's cost
    ("PER-DEM-04", "Lot unique — Désamiantage et démolition", "Démolition Normande SAS", 0.80),
    ("PER-DEM-05", "Lot 01 — Désamiantage", "Sarthe Amiante Services", 0.25),
    ("PER-DEM-05", "Lot 02 — Démolition et tri des déchets", "Démolition Normande SAS", 0.55),
    ("PER-DEM-07", "Lot unique — Déconstruction partielle", "Entreprise Lebrun TP", 0.70),
    ("PER-REC-01", "Lot 02 — Gros œuvre", "SARL Bâtiments de l'Orne", 0.42),
    ("PER-REC-01", "Lot 05 — Menuiseries extérieures", "Alençon Menuiseries", 0.09),
    ("PER-REC-02", "Lot 02 — Gros œuvre", "SARL Bâtiments de l'Orne", 0.40),
    ("PER-REC-02", "Lot 08 — Électricité", "Électricité du Pays d'Alençon", 0.07),
    ("PER-REC-02", "Lot 11 — Peinture", "Peintures Sarthe-Orne", 0.04),
    ("PER-REC-03", "Lot 02 — Gros œuvre", "Constructions Percheronnes", 0.44),
    ("PER-REC-03", "Lot 09 — Plomberie et chauffage", "SAS Thermique du Perche", 0.10),
    ("PER-REC-09", "Lot 02 — Gros œuvre", "Constructions Percheronnes", 0.41),
    ("PER-REC-09", "Lot 03 — Charpente et couverture", "Charpentes du Bocage", 0.08),
    ("COU-REC-01", "Lot 02 — Gros œuvre", "Entreprise Guérin Bâtiment", 0.43),
    ("COU-REC-01", "Lot 07 — Plâtrerie et isolation", "Plâtrerie Duval", 0.08),
    ("COU-REC-02", "Lot 02 — Gros œuvre", "SARL Bâtiments de l'Orne", 0.42),
    ("COU-REC-02", "Lot 06 — Étanchéité", "Étanchéité Normande", 0.05),
    ("PER-REH-04", "Lot 01 — Isolation thermique par l'extérieur", "Façades de l'Orne", 0.35),
    ("PER-REH-04", "Lot 04 — Menuiseries extérieures", "Alençon Menuiseries", 0.20),
    ("PER-REH-05", "Lot 01 — Isolation thermique par l'extérieur", "Façades de l'Orne", 0.33),
    ("PER-REH-05", "Lot 05 — Plomberie et ventilation", "SAS Thermique du Perche", 0.18),
    ("PER-REH-06", "Lot 02 — Menuiseries et serrurerie", "Alençon Menuiseries", 0.25),
    ("PER-AME-02", "Lot 01 — Voirie et réseaux divers", "Terrassements Mortagnais", 0.62),
    ("PER-AME-02", "Lot 02 — Espaces verts", "Vert Bocage Paysages", 0.10),
    ("PER-AME-03", "Lot 01 — Voirie et réseaux divers", "Terrassements Mortagnais", 0.55),
    ("PER-AME-03", "Lot 03 — Mobilier urbain et éclairage", "Électricité du Pays d'Alençon", 0.12),
    ("PER-EQP-02", "Lot 02 — Gros œuvre", "Entreprise Guérin Bâtiment", 0.36),
    ("PER-EQP-02", "Lot 04 — Charpente métallique", "Métallerie Alençonnaise", 0.14),
    ("PER-EQP-03", "Lot 02 — Gros œuvre", "Constructions Percheronnes", 0.34),
    ("PER-EQP-03", "Lot 10 — Électricité courants forts et faibles", "Électricité du Pays d'Alençon", 0.09),
    ("PER-ECO-01", "Lot 02 — Gros œuvre", "SARL Bâtiments de l'Orne", 0.38),
    ("PER-ECO-01", "Lot 05 — Menuiseries et vitrines", "Alençon Menuiseries", 0.12),
    ("COU-EQP-01", "Lot 02 — Gros œuvre", "Entreprise Guérin Bâtiment", 0.37),
    ("COU-EQP-01", "Lot 08 — Électricité", "Électricité du Pays d'Alençon", 0.08),
)
LABOUR_SHARE, HOURLY_COST = 0.40, 38.0  # hours worked = cost × labour share ÷ hourly cost

# ---------------------------------------------------------------- the relevé de décisions

ACTIONS = (  # date, instance, sujet, décision, responsable, échéance, statut, reports, opérations, clôture
    ("2010-03-11", "Point mensuel", "Relogement Lamartine", "Transmettre le bilan des relogements Lamartine",
     "MOUS relogement", "2010-04-15", "Soldée", 0, "PER-DEM-04", "2010-04-12"),
    ("2010-04-22", "Comité de suivi", "Planning des démolitions",
     "Arrêter le planning de démolition de Lamartine avec Orne Habitat", "Orne Habitat", "2010-05-31", "Soldée", 0,
     "PER-DEM-04", "2010-05-27"),
    ("2010-06-24", "Comité de pilotage", "Centre social Paul Gauguin",
     "Lancer la recherche d'un terrain alternatif pour le centre social", "Service urbanisme", "2010-12-31",
     "Soldée", 1, "PER-EQP-01", "2011-02-08"),
    ("2010-06-24", "Comité de pilotage", "Avenue Kennedy",
     "Valider le programme des 35 locaux commerciaux avec la CUA", "Direction de projet", "2010-09-30", "Soldée",
     0, "PER-ECO-01", "2010-09-16"),
    ("2010-09-16", "Réunion technique", "Place de la Paix", "Présenter l'esquisse de la place aux commerçants",
     "Service urbanisme", "2010-11-30", "Soldée", 0, "PER-AME-03", "2010-11-18"),
    ("2010-10-14", "Réunion financière", "Avenant n°2", "Préparer le dossier d'avenant national (fiches navettes)",
     "Direction de projet", "2011-01-15", "Soldée", 0, "PER-EQP-01; PER-DEM-06", "2011-01-12"),
    ("2010-11-18", "Revue de projet", "Reconstitution de l'offre",
     "Présenter un plan de rattrapage de la reconstitution hors site", "Orne Habitat", "2011-03-31", "Reportée",
     3, "PER-REC-06; PER-REC-10; COU-REC-03", ""),
    ("2010-11-18", "Revue de projet", "Insertion", "Mettre en place le tableau de suivi des heures d'insertion",
     "Maison de l'emploi", "2011-01-31", "Soldée", 0, "", "2011-01-20"),
    ("2010-12-16", "Comité de pilotage", "GUP", "Prolonger la convention GUP jusqu'à fin 2013",
     "Direction de projet", "2011-06-30", "Soldée", 0, "", "2011-05-26"),
    ("2011-01-13", "Point mensuel", "Résidence Descartes", "Relancer l'appel d'offres du lot gros œuvre",
     "Orne Habitat", "2011-03-31", "Reportée", 2, "PER-REH-09", ""),
    ("2011-02-10", "Réunion sociale", "Relogement Vigny", "Faire une troisième proposition aux ménages restants",
     "MOUS relogement", "2011-06-30", "En cours", 1, "PER-DEM-06", ""),
    ("2011-02-10", "Réunion sociale", "Charte de relogement", "Mettre à jour le bilan du reste à charge des ménages",
     "MOUS relogement", "2011-04-30", "Soldée", 0, "", "2011-04-21"),
    ("2011-03-17", "Comité de suivi", "Îlot Verlaine", "Régulariser la cession foncière Ville / Orne Habitat",
     "Service urbanisme", "2011-06-30", "En cours", 1, "PER-RES-06", ""),
    ("2011-03-17", "Comité de suivi", "Rue Jean Mermoz", "Coordonner les travaux de réseaux avec la démolition Musset",
     "Service voirie CUA", "2011-05-31", "Soldée", 0, "PER-AME-06; PER-DEM-05", "2011-05-19"),
    ("2011-04-14", "Point mensuel", "DAS réseaux Lamartine", "Transmettre le dossier de DAS à la DDT",
     "Service voirie CUA", "2011-05-31", "Ouverte", 0, "PER-AME-10", ""),
    ("2011-05-12", "Comité de suivi", "Maison de la petite enfance",
     "Compléter le plan de financement après le surcoût de l'appel d'offres", "Direction de projet", "2011-07-31",
     "En cours", 0, "PER-EQP-05", ""),
    ("2011-05-12", "Comité de suivi", "Dentellières", "Constituer le dossier de demande de solde", "Logis Familial",
     "2011-07-15", "Ouverte", 1, "COU-DEM-02", ""),
    ("2011-06-09", "Réunion technique", "Médiathèque", "Valider l'avenant de fondations spéciales", "CUA d'Alençon",
     "2011-07-15", "Soldée", 0, "PER-EQP-03", "2011-07-07"),
    ("2011-06-23", "Comité de pilotage", "Centre social Paul Gauguin",
     "Soumettre deux sites alternatifs au bureau municipal", "Service urbanisme", "2011-10-31", "En cours", 0,
     "PER-EQP-01", ""),
    ("2011-06-23", "Comité de pilotage", "Reconstitution", "Obtenir l'accord de la commune de Cerisé sur le PC",
     "Sagim", "2011-07-31", "Soldée", 0, "COU-REC-04", "2011-07-22"),
    ("2011-07-07", "Réunion financière", "Conseil général",
     "Inscrire la participation du Conseil général à la CP d'octobre", "Direction de projet", "2011-10-15",
     "En cours", 0, "COU-REC-04; COU-REC-05", ""),
    ("2011-07-07", "Réunion financière", "Caducité", "Vérifier les DAS exposées à la caducité avec la DDT",
     "Direction de projet", "2011-10-14", "Ouverte", 0, "PER-DEM-06; PER-RES-06", ""),
    ("2011-07-21", "Point mensuel", "Avenue Kennedy", "Relancer le chantier de gros œuvre (effectifs insuffisants)",
     "CUA d'Alençon", "2011-09-30", "En cours", 0, "PER-ECO-01", ""),
    ("2011-07-21", "Point mensuel", "Insertion", "Rappeler aux entreprises leurs obligations d'insertion",
     "Maison de l'emploi", "2011-10-20", "Ouverte", 0, "PER-ECO-01; PER-REC-09", ""),
    ("2011-08-25", "Point mensuel", "Avenue Kennedy tranche 2", "Informer les riverains des déviations",
     "Service voirie CUA", "2011-09-15", "Soldée", 0, "PER-AME-02", "2011-09-09"),
    ("2011-09-08", "Comité de suivi", "Immeuble Musset", "Recaler les abords Musset après la fin de la démolition",
     "Direction de projet", "2011-10-31", "Ouverte", 0, "PER-AME-07; PER-DEM-05", ""),
    ("2011-09-08", "Comité de suivi", "Revue de projet", "Préparer les indicateurs de la revue de projet",
     "OPC urbain", "2011-10-31", "En cours", 0, "", ""),
    ("2011-09-08", "Comité de suivi", "Réhabilitation Voltaire", "Confirmer la date d'ordre de service",
     "Orne Habitat", "2011-10-07", "Ouverte", 0, "PER-REH-07", ""),
    ("2011-09-22", "Réunion sociale", "Relogement Fileuses", "Lancer les enquêtes sociales des ménages des Fileuses",
     "MOUS relogement", "2011-12-15", "Ouverte", 0, "COU-DEM-03", ""),
    ("2011-09-22", "Réunion technique", "Brodeuses", "Obtenir le planning d'intervention de l'entreprise",
     "Logis Familial", "2011-09-23", "Reportée", 1, "COU-REH-02", ""),
)

# ---------------------------------------------------------------- parameters

PARAMETER_VALUES: dict[str, object] = {
    "project": "PRU Perseigne–Courteille",
    "collectivite": "Ville d'Alençon",
    "project_sponsor": "Communauté urbaine d'Alençon",
    "programme": "PNRU",
    "signature_date": SIGNATURE,
    "end_date": CONVENTION_END,
    "at": AT,
    "amendment_in_force": "Avenant n°2 (national) du 15/03/2011",
    "next_monthly_point": date(2011, 10, 13),
    "next_follow_up_committee": date(2011, 10, 20),
    "next_steering_committee": date(2011, 12, 8),
    "next_project_review": date(2011, 11, 15),
    "next_milestone_review": date(2011, 12, 15),
    "gup_end": CONVENTION_END,
    "rehousing_recent_target_pct": 25,  # the convention's target for new or recently conventioned housing
    "reconstitution_target": 392,  # what the convention contracted (domain.md: about 392 for about 503 demolished)
}

# ---------------------------------------------------------------- earlier dates de situation
#
# The master ships with the output sheets of a refresh at each of these dates, then at AT, so that
# the demo shows a history: Historique rows, alerts detected then resolved, what changed since the
# last committee. How the data are rewound to an earlier date: opc_excel.demo.replay.
REPLAY_DATES = (date(2011, 3, 31), date(2011, 6, 30))
# Forecasts that moved between the 30/06/2011 and 30/09/2011 situations with no motif de décalage
# typed, so that CAL-08 fires on 30/09/2011: (operation, milestone) -> the forecast as it stood on
# 31/03 and 30/06/2011. Every other forecast only moves with its motif.
UNEXPLAINED_MOVES: dict[tuple[str, str], date] = {
    ("COU-REH-02", c.WORKS_START): date(2011, 4, 1),  # stalled works start pushed to 01/06/2011
    ("COU-REH-02", c.DELIVERY): date(2012, 4, 30),  # and its delivery with it, to 30/06/2012
    ("PER-REH-08", "DAS"): date(2011, 11, 30),  # brought forward to 31/10/2011, nobody said why
}
BEFORE_BALANCE = 0.85  # share of a co-funder's line paid in acomptes; the rest waits for the balance
ANRU_CEILING = 0.70  # ANRU: advance + acomptes at most 70 % before the solde (décret 2007-559)
ANRU_OVER_CEILING = {"PER-AME-01"}  # paid 85 % of its ANRU subsidy before any solde request (FIN-12)
# What the city officer typed in the users' columns of *Alertes* after the 30/06/2011 refresh:
# alert *Clé* -> column -> value. They stay through the 30/09/2011 refresh.
ALERT_NOTES_AT = REPLAY_DATES[-1]
ALERT_NOTES: dict[str, dict[str, object]] = {
    "CAL-01 · PER-REH-09 · Démarrage des travaux": {
        "Mesure retenue": "Relancer la consultation du lot gros œuvre ; ordre de service visé pour novembre",
        "Responsable": "Orne Habitat", "Échéance": date(2011, 10, 31), "Suivi": "En cours",
        "Commentaire": "Entreprise de gros œuvre en liquidation judiciaire : marché résilié"},
    "HAB-03 · PER-DEM-06": {
        "Mesure retenue": "Troisième proposition aux ménages restants, commission d'attribution dédiée",
        "Responsable": "MOUS relogement", "Échéance": date(2011, 9, 30), "Suivi": "En cours",
        "Commentaire": "Point hebdomadaire avec Orne Habitat ; 2 refus à motiver"},
    "FIN-05 · PER-RES-06": {
        "Mesure retenue": "Demander à la DDT la prorogation de la DAS", "Responsable": "Direction de projet",
        "Échéance": date(2011, 7, 31), "Suivi": "En cours",
        "Commentaire": "Démarrage bloqué par la cession foncière Ville / Orne Habitat"},
    "FIN-03 · PER-EQP-05": {
        "Mesure retenue": "Compléter le plan de financement par une hausse de la part Ville (action ACT-016)",
        "Responsable": "Direction de projet", "Échéance": date(2011, 7, 31), "Suivi": "En cours",
        "Commentaire": "Surcoût présenté au comité de suivi du 12/05 ; délibération attendue"},
    "SOC-01 · PER-ECO-01": {
        "Mesure retenue": "Rappel écrit des clauses d'insertion à l'entreprise de gros œuvre",
        "Responsable": "Maison de l'emploi", "Échéance": date(2011, 9, 15), "Suivi": "En cours"},
    "FIN-08 · PER-DEM-05": {  # the acompte is paid by 30/09/2011: « Résolue le 30/09/2011 »
        "Mesure retenue": "Faire déposer par Logis Familial sa demande d'acompte auprès de l'ANRU",
        "Responsable": "OPC urbain", "Échéance": date(2011, 7, 31), "Suivi": "Traitée",
        "Commentaire": "Demande d'acompte transmise le 12/07"},
}

# ---------------------------------------------------------------- building the rows


# Invitees by organisation and function, with a service's address at most (*Participants*: professional contacts
# only). Instances separated by « ; »; the comité de pilotage's élus and the préfet's delegate.
PARTICIPANTS = (
    ("Ville d'Alençon", "Maire, président du comité de pilotage", "Comité de pilotage", "cabinet@ville-alencon.fr"),
    ("Préfecture de l'Orne", "Délégué territorial adjoint de l'ANRU", "Comité de pilotage; Revue de projet", ""),
    ("ANRU", "Chargé de mission territorial", "Comité de pilotage; Revue de projet", ""),
    ("Communauté urbaine d'Alençon", "Vice-président chargé de l'habitat", "Comité de pilotage; Comité de suivi",
     "habitat@cu-alencon.fr"),
    ("Ville d'Alençon", "Directeur de projet PRU", "Point mensuel; Comité de suivi; Comité de pilotage; "
                                                   "Revue de projet", "pru@ville-alencon.fr"),
    ("OPC urbain", "Chef de mission OPC", "Point mensuel; Comité de suivi; Comité de pilotage; Revue de projet", ""),
    ("Orne Habitat", "Directeur du patrimoine", "Comité de suivi; Comité de pilotage", "patrimoine@ornehabitat.fr"),
    ("Sagim", "Responsable de programmes", "Comité de suivi", ""),
    ("Logis Familial", "Responsable de la maîtrise d'ouvrage", "Comité de suivi", ""),
    ("Caisse des dépôts", "Chargé de développement territorial", "Comité de pilotage", ""),
    ("Conseil général de l'Orne", "Service habitat", "Comité de pilotage", ""),
    ("MOUS relogement", "Chargée de relogement", "Point mensuel; Comité de suivi", ""),
    ("Maison de l'emploi", "Facilitateur de la clause d'insertion", "Comité de suivi", ""),
)


@dataclass
class Demo:
    """The demo workbook's content: parameter values, lists and rows keyed by contract attrs."""

    params: dict[str, object]
    lists: dict[str, tuple[str, ...]]
    tables: dict[str, list[dict[str, object]]] = field(default_factory=dict)


def build_demo() -> Demo:
    """Return the Perseigne–Courteille demo, the same on every call."""
    rng = random.Random(SEED)
    plans = [_plan(op, rng) for op in OPERATIONS]
    demo = Demo(params=dict(PARAMETER_VALUES), lists=dict(LISTS))
    demo.tables[c.OPERATIONS] = [_operation_row(p, rng) for p in plans]
    demo.tables[c.JALONS_SHEET] = [row for p in plans for row in (*_rehousing_start(p), *p.milestone_rows())]
    demo.tables[c.DEPENDANCES] = [
        {"predecessor": a, "successor": b, "lag_months": lag} for a, b, lag in DEPENDENCIES]
    demo.tables[c.FINANCEMENTS] = [row for p in plans for row in _funding_rows(p, rng)]
    demo.tables[c.RELOGEMENT] = list(_households(plans, rng))
    demo.tables[c.INSERTION] = list(_insertion_rows({p.op.id: p for p in plans}, rng))
    demo.tables[c.AVENANTS] = [
        {"number": n, "date": d, "kind": kind, "subject": subject,
         "operation_ids": "; ".join(_amended_ids(n)), "status": "Signé"} for n, d, kind, subject in AVENANTS]
    demo.tables[c.ACTIONS] = [_action_row(i, a) for i, a in enumerate(ACTIONS, start=1)]
    demo.tables[c.PARTICIPANTS] = [{"organisation": o, "function": f, "instances": i, "contact": m}
                                   for o, f, i, m in PARTICIPANTS]
    return demo


def famille_code(op_id: str) -> str:
    return op_id.split("-")[1]


def status_of(op_id: str, actuals: dict[str, date | None]) -> str:
    """Return the *Statut* of an operation that is not abandoned, from its milestones' actual dates."""
    for milestone, status in (("Solde versé", "Soldée"), (c.DELIVERY, "Livrée")):
        if actuals.get(milestone):
            return status
    if actuals.get(c.WORKS_START):
        return "Engagée" if famille_code(op_id) == "ING" else "En travaux"
    if actuals.get("DAS"):
        return "Engagée"
    return "En études" if any(actuals.values()) else "Programmée"


def _month(ym: str) -> tuple[int, int]:
    year, month = ym.split("-")
    return int(year), int(month)


def _add_months(ym: tuple[int, int], months: int) -> tuple[int, int]:
    index = ym[0] * 12 + ym[1] - 1 + months
    return index // 12, index % 12 + 1


def _last_day(ym: tuple[int, int]) -> date:
    return date(ym[0], ym[1], calendar.monthrange(*ym)[1])


def _parse(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class _Milestone:
    name: str
    convention: date
    forecast: date | None
    actual: date | None = None
    avenant: date | None = None


@dataclass
class _Plan:
    """An operation with its milestones worked out."""

    op: Op
    milestones: dict[str, _Milestone]

    @property
    def famille(self) -> str:
        return famille_code(self.op.id)

    @property
    def abandoned(self) -> bool:
        return self.op.id in ABANDONED

    def actual(self, name: str) -> date | None:
        m = self.milestones.get(name)
        return m.actual if m else None

    def expected(self, name: str) -> date | None:
        m = self.milestones[name]
        return m.actual or m.forecast or m.avenant or m.convention

    @property
    def status(self) -> str:
        if self.abandoned:
            return "Abandonnée"
        return status_of(self.op.id, {m.name: m.actual for m in self.milestones.values()})

    def progress(self) -> float:
        """Return the works progress from 0 to 1 at the date de situation (elapsed time)."""
        start, end = self.actual(c.WORKS_START), self.expected(c.DELIVERY)
        if self.actual(c.DELIVERY):
            return 1.0
        if start is None or end is None:
            return 0.0
        return min(0.95, (AT - start).days / max(1, (end - start).days))

    def milestone_rows(self) -> Iterator[dict[str, object]]:
        for m in self.milestones.values():
            slipped = m.forecast is not None and (m.forecast.year, m.forecast.month) != (
                m.convention.year, m.convention.month)
            motif = self.op.motif if slipped else ""
            yield {"operation_id": self.op.id, "name": m.name, "convention": m.convention,
                   "avenant": m.avenant, "forecast": m.forecast, "actual": m.actual, "motif": motif,
                   "comment": MILESTONE_COMMENTS.get((self.op.id, m.name), "")}


def _plan(op: Op, rng: random.Random) -> _Plan:
    """Return the operation with its convention, avenant, forecast and actual dates."""
    if isinstance(op.slip, tuple):
        prep, start_slip, end_slip = op.slip
    else:  # a works-site motif leaves the studies on time
        prep = 0 if op.motif in WORKS_MOTIFS else op.slip
        start_slip = end_slip = op.slip
    start = _month(op.start)
    delivery = _add_months(start, op.months)
    avenant = AVENANT_SHIFTS.get(op.id)
    avenant_date = AVENANT_DATES[avenant[0]] if avenant else None
    overrides = DATE_OVERRIDES.get(op.id, {})
    milestones: dict[str, _Milestone] = {}
    blocked = False  # once a milestone is not done, none after it is
    for name in MILESTONES_BY_FAMILLE[famille_code(op.id)]:
        if name == c.WORKS_START:
            month, slip = start, start_slip
        elif name in OFFSETS_BEFORE_START:
            month, slip = _add_months(start, OFFSETS_BEFORE_START[name]), prep
        else:
            month, slip = _add_months(delivery, OFFSETS_AFTER_DELIVERY.get(name, 0)), end_slip
        convention = date(*month, 1) if name == c.WORKS_START else _last_day(month)
        milestone = _Milestone(name, convention, None)
        milestones[name] = milestone
        if op.id in ABANDONED:
            continue
        forecast_month = _add_months(month, slip)
        done = not blocked and forecast_month <= (AT.year, AT.month) and not _held_back(op.id, name)
        if name in overrides:
            milestone.forecast = overrides[name]
            done = not blocked and overrides[name] <= AT
        elif done:
            milestone.forecast = date(*forecast_month, rng.randint(1, 28))
        elif name == c.WORKS_START:
            milestone.forecast = date(*forecast_month, rng.choice((1, 15)))
        else:
            milestone.forecast = rng.choice((date(*forecast_month, 15), _last_day(forecast_month)))
        if done:
            milestone.actual = milestone.forecast
        elif name != "DAS" or op.id not in NO_DAS:
            blocked = True
        if avenant and name in ("DAS", c.WORKS_START, c.DELIVERY) and not (
                milestone.actual and avenant_date and milestone.actual < avenant_date):
            shifted = _add_months((convention.year, convention.month), avenant[1])
            milestone.avenant = date(*shifted, 1) if name == c.WORKS_START else _last_day(shifted)
    return _Plan(op, milestones)



def _held_back(op_id: str, name: str) -> bool:
    """Return True for the planted milestones that did not happen although due."""
    if op_id in STALLED:
        return name in (c.WORKS_START, c.DELIVERY, "Demande de solde", "Solde versé")
    if op_id in NO_DAS:
        return name == "DAS"
    if op_id in NO_BALANCE_REQUEST:
        return name in ("Demande de solde", "Solde versé")
    return False


def _amended_ids(number: int) -> list[str]:
    ids = [op_id for op_id, (n, _) in AVENANT_SHIFTS.items() if n == number]
    if number == 2:
        ids += list(ABANDONED)
    order = {op.id: i for i, op in enumerate(OPERATIONS)}
    return sorted(ids, key=order.__getitem__)


def _operation_row(p: _Plan, rng: random.Random) -> dict[str, object]:
    op, fam = p.op, p.famille
    cost = round(op.cost_k * 1000)
    done = p.status in ("Livrée", "Soldée")
    updated = STALE_UPDATES.get(op.id, AT - timedelta(days=rng.randint(2, 50)))
    follow_up = FOLLOW_UP[op.owner]
    row: dict[str, object] = {
        "id": op.id, "label": op.label, "district": DISTRICTS[op.id[:3]], "famille": FAMILLES[fam],
        "owner": OWNERS[op.owner], "status": p.status, "cost_convention": cost,
        "cost_current": _cost_current(p) if op.id in COST_UPDATES else None,
        "anru_ceiling_pct": ANRU_RATES[fam][0],
        "quantity_convention": op.qty,
        "quantity_done": QUANTITY_DONE.get(op.id, op.qty) if done else None,
        "unit": op.unit or DEFAULT_UNITS.get(fam, ""),
        "plai_units": round(op.qty * rng.uniform(0.2, 0.35)) if fam == "REC" and op.qty else None,
        "outside_qpv": ("Oui" if "hors site" in op.label else "Non") if fam == "REC" else None,
        "updated_on": updated,
        "follow_up_by": follow_up[rng.randrange(len(follow_up))],
        "comment": ABANDONED.get(op.id) or OPERATION_COMMENTS.get(op.id, ""),
        "internal_notes": INTERNAL_NOTES.get(op.id, ""),
    }
    return row


def _cost_current(p: _Plan) -> int:
    cost = round(p.op.cost_k * 1000)
    return int(round(cost * COST_UPDATES[p.op.id], -2)) if p.op.id in COST_UPDATES else cost


def _funding_rows(p: _Plan, rng: random.Random) -> Iterator[dict[str, object]]:
    """Yield the financing plan of one operation: lines adding up to its cost."""
    op, fam = p.op, p.famille
    owner = OWNERS[op.owner]
    cost = round(op.cost_k * 1000)
    _, low, high = ANRU_RATES[fam]
    rate = ANRU_RATE_OVERRIDES.get(op.id, rng.uniform(low, high) / 100)
    shares = [(ANRU, rate)] + [
        (funder, share * rng.uniform(0.85, 1.15))
        for funder, share in CO_FUNDING[fam] + EXTRA_FUNDING.get(op.id, ())
        if funder != owner]
    amounts = {funder: round(cost * share) for funder, share in shares}
    amounts[owner] = cost - sum(amounts.values())
    assert amounts[owner] > 0, op.id
    current = dict(amounts)
    if op.id in COST_UPDATES:  # the maître d'ouvrage carries the overrun
        current[owner] += _cost_current(p) - cost
    if op.id in FUNDING_GAPS:  # a line left at an old figure (FIN-01)
        funder, gap = FUNDING_GAPS[op.id]
        amounts[funder] += round(cost * gap)
    engaged_op = p.actual("DAS") is not None or p.actual(c.WORKS_START) is not None
    progress = p.progress()
    das = p.actual("DAS")
    for funder, amount in amounts.items():
        status = "Acquis"
        if p.abandoned:
            status = "Prévu"
        elif funder in PENDING_FUNDING.get(op.id, {}):
            status = PENDING_FUNDING[op.id][funder]
        elif funder == ANRU:
            status = "Notifié" if das else ("Sollicité" if op.id in NO_DAS else "Acquis")
        elif engaged_op and funder not in (owner, PRETS) and rng.random() < 0.6:
            status = "Notifié"
        line_amount = current[funder] if op.id in COST_UPDATES else amount
        row: dict[str, object] = {
            "operation_id": op.id, "funder": funder, "amount_convention": amount,
            "amount_current": current[funder] if op.id in COST_UPDATES else None, "status": status,
            "engaged": None, "advance": None, "paid": None, "reference": ""}
        subsidy = funder not in (owner, PRETS)
        if funder == ANRU and das:
            advance = 0
            if op.id in FORCED_ADVANCE or rng.random() < 0.6:
                advance = round(line_amount * (0.15 if op.id in FORCED_ADVANCE else rng.choice((0.10, 0.15))))
            row.update(engaged=line_amount, advance=advance or None,
                       paid=_paid(p, line_amount, advance, progress, rng,
                                  BEFORE_BALANCE if op.id in ANRU_OVER_CEILING else ANRU_CEILING),
                       reference=f"DAS n° {das.year}-061-{rng.randint(1, 180):03d}")
        elif funder != ANRU and subsidy and engaged_op and status in ("Acquis", "Notifié"):
            row.update(engaged=line_amount, paid=_paid(p, line_amount, 0, progress, rng))
            if funder in (VILLE, CUA):
                council = "municipal" if funder == VILLE else "communautaire"
                voted = (das or p.actual(c.WORKS_START)) - timedelta(days=rng.randint(20, 90))
                row["reference"] = f"Délibération du conseil {council} du {voted:%d/%m/%Y}"
        yield row


def _paid(p: _Plan, amount: int, advance: int, progress: float, rng: random.Random,
          delivered_share: float = BEFORE_BALANCE) -> int:
    """Return what a funder has paid, following the works: acomptes up to 70 %, ``delivered_share`` once
    delivered (85 % for a co-funder; the ANRU stops at its 70 % ceiling before the solde)."""
    if p.status == "Soldée":
        return amount
    if p.actual(c.DELIVERY):  # the last acomptes wait for the balance request, when it is late
        return round(amount * (0.70 if p.op.id in NO_BALANCE_REQUEST else delivered_share))
    if p.actual(c.WORKS_START) is None:
        return advance
    stage = 0.25 + 0.65 * progress  # the stage scale of the avancement indicator
    share = min(0.70, max(advance / amount, stage - rng.uniform(0.03, 0.15)))
    return max(advance, min(int(amount * 0.70), int(round(amount * share, -2))))  # rounded, never past 70 %


def _rehousing_start(p: _Plan) -> tuple[dict[str, object], ...]:
    """Return the *Début du relogement* of a demolition (the first of the month its households begin to move)."""
    if p.famille != "DEM" or p.op.id in ABANDONED:
        return ()
    def before_works(works: date) -> date:
        return max(date(2007, 10, 1), works - timedelta(days=600)).replace(day=1)

    planned = REHOUSING_STARTS.get(p.op.id, before_works(p.expected(c.WORKS_START)))
    contracted = min(planned, before_works(p.milestones[c.WORKS_START].convention))  # as the convention planned it
    return ({"operation_id": p.op.id, "name": c.REHOUSING_START, "convention": contracted, "avenant": None,
             "forecast": planned, "actual": planned if planned <= AT else None,
             "motif": p.op.motif if (planned.year, planned.month) != (contracted.year, contracted.month) else "",
             "comment": ""},)  # it slips with the works it prepares, for the same reason


def _households(plans: list[_Plan], rng: random.Random) -> Iterator[dict[str, object]]:
    """Yield anonymous households of the demolished buildings (about 80 % of the dwellings let)."""
    number = 0
    for p in plans:
        if p.famille != "DEM":
            continue
        count = round(p.op.qty * 0.8)
        left = HOUSEHOLDS_LEFT.get(p.op.id, 0)
        start = p.expected(c.WORKS_START)
        first = max(date(2007, 10, 1), start - timedelta(days=600))
        last = min(AT - timedelta(days=5), start - timedelta(days=30))
        for i in range(count):
            number += 1
            row: dict[str, object] = {"id": f"M-{number:04d}", "operation_id": p.op.id}
            draw = rng.random()
            if i < left:
                status = "À reloger"
            elif draw < 0.05:
                status = "Parti sans relogement"
            elif draw < 0.07:
                status = "Relogement temporaire"
            else:
                status = "Relogé"
            row["status"] = status
            before = round(rng.triangular(150, 450, 260))
            if status == "À reloger":
                row.update(offers=rng.choice((0, 1, 1, 2)), rest_to_pay_before=before)
            elif status == "Parti sans relogement":
                row.update(offers=rng.choice((1, 2)), rest_to_pay_before=before)
            else:
                moved = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
                new = rng.random() < 0.18  # below the 25 % target (HAB-04)
                outside = rng.random() < 0.45
                row.update(rehoused_on=moved, offers=rng.choice((1, 1, 2, 2, 3)))
                if status == "Relogé":
                    rise = rng.gauss(0.07 if new else 0.02, 0.05)
                    row.update(destination=c.DESTINATIONS[0 if new else 1],
                               location=c.LOCATIONS[1 if outside else 0],
                               outside_qpv="Oui" if outside and rng.random() < 0.6 else "Non",
                               rest_to_pay_before=before, rest_to_pay_after=round(before * (1 + rise)))
            yield row


def _insertion_rows(plans: dict[str, _Plan], rng: random.Random) -> Iterator[dict[str, object]]:
    """Yield the insertion hours of each works contract, following the works progress."""
    for op_id, contract, company, share in MARCHES:
        p = plans[op_id]
        progress = p.progress()
        total = p.op.cost_k * 1000 * share * LABOUR_SHARE / HOURLY_COST
        planned = round(total * 0.05 * rng.uniform(0.95, 1.1))
        pace = rng.uniform(0.35, 0.45) if op_id in INSERTION_BEHIND else rng.uniform(0.85, 1.2)
        delivered = p.actual(c.DELIVERY)
        as_of = min(AT, delivered + timedelta(days=rng.randint(10, 40))) if delivered else AT
        yield {"operation_id": op_id, "contract": contract, "company": company,
               "hours_worked": round(total * progress), "insertion_planned": planned,
               "insertion_done": round(planned * progress * pace), "as_of": as_of,
               "kind": "Travaux"}  # every marché of the demo is a works contract


def _action_row(i: int, action: tuple) -> dict[str, object]:
    made, instance, subject, decision, owner, due, status, reports, ops, closed = action
    return {"id": f"ACT-{i:03d}", "date": _parse(made), "instance": instance, "subject": subject,
            "decision": decision, "owner": owner, "due": _parse(due), "status": status,
            "postponements": reports, "operation_ids": ops, "closed_on": _parse(closed)}


# The anomalies planted on purpose, by alert code (for the README and the tests). Slips (CAL-02)
# need no planting: about thirty operations are more than six months late, the centre social
# Paul Gauguin by 54 months.
PLANTED = {
    "CAL-01": ("PER-REH-09", "COU-REH-02"),  # rouge (8 months), orange (4 months)
    "CAL-03": ("PER-EQP-01", "PER-REC-06", "COU-REC-03", "COU-AME-04"),
    "CAL-04": ("PER-AME-07",),  # starts before the demolition PER-DEM-05 is over
    "CAL-05": ("PER-DEM-06",),
    "CAL-06": ("PER-REC-04", "COU-REC-04"),  # DAS not received, Conseil général not voted
    "CAL-07": tuple(STALE_UPDATES),
    "FIN-01": tuple(FUNDING_GAPS),
    "FIN-02": tuple(ANRU_RATE_OVERRIDES),
    "FIN-03": ("PER-EQP-05", "PER-EQP-03"),  # rouge (+25 %), orange (+12 %)
    "FIN-04": tuple(NO_DAS),
    "FIN-05": ("PER-DEM-06", "PER-REH-09"),
    "FIN-06": tuple(NO_BALANCE_REQUEST),
    "FIN-07": tuple(FORCED_ADVANCE),
    "FIN-08": tuple(NO_DAS),  # nothing paid on works under way
    "FIN-10": ("PER-REC-04", "COU-REC-04", "COU-REC-05"),
    "HAB-03": tuple(HOUSEHOLDS_LEFT),
    "HAB-05": tuple(QUANTITY_DONE),
    "SOC-01": tuple(INSERTION_BEHIND),
    "GOV-03": ("ACT-007", "ACT-010"),  # rouge: past due after 3 and 2 postponements; 6 more are orange
}
# Programme level: HAB-01 (rebuilding lags the demolitions: 396 planned for 504), HAB-04 (about
# 20 % rehoused in new housing), GOV-01 (revue de projet on 15/11/2011), GOV-02 (point d'étape on
# 15/12/2011).
