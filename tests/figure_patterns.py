"""What a labelled figure looks like on a slide: French numbers, the labels, the text patterns that read them.

A label is (scope, what, unit). The scope is the programme, an operation (« opération », id), the ANRU
subsidy (« financeur », « ANRU »), a famille, a maître d'ouvrage, a quartier, a theme; *what* is said
in the words of the slides (« ménages relogés », « % engagé »). Each text pattern lists, for its groups,
the label of the number it reads; scope OP means « the operation the line names » (the programme when the
line names none and the figure is one of PROGRAMME_WHEN_NO_OPERATION, else the figure is not read).
Patterns are tight on purpose: a figure read loosely would compare two different things.
"""

from __future__ import annotations

import re

NUMBER = r"[−+-]?\d{1,3}(?: \d{3})*(?:,\d+)?"
AMOUNT = rf"({NUMBER}) ?(M€|k€|€)"
PERCENT = rf"({NUMBER}) ?%"
INT = r"(\d{1,3}(?: \d{3})*)"

# ---------------------------------------------------------------------------------------------- labels
PROGRAMME = ("programme",)
ANRU = ("financeur", "ANRU")
FUNDERS = ("financeurs", "tous")
SUBSIDIES = ("subventions", "toutes")
OTHER_SUBSIDIES = ("subventions", "hors ANRU")
OWN_FUNDS = ("fonds propres et prêts",)
NAMED_ROWS = {"total des subventions": SUBSIDIES, "sous-total autres subventions": OTHER_SUBSIDIES,
              "total fonds propres et prêts": OWN_FUNDS, "total du plan de financement": FUNDERS,
              "total des plans de financement": FUNDERS}

# header of a column -> what it counts (the unit comes from the cell)
COLUMNS = {
    "subvention anru": "montant", "subvention": "montant", "montant": "montant",
    "engagé": "engagé", "% engagé": "% engagé", "versé": "versé", "% versé": "% versé",
    "reste à engager": "reste à engager", "reste à payer": "reste à payer",
    "ménages": "ménages", "relogés": "ménages relogés", "% relogés": "% relogés",
    "restant": "ménages à reloger", "temporaires": "en relogement temporaire", "partis": "partis sans relogement",
    "heures travaillées": "heures travaillées", "insertion prévue": "heures d'insertion prévues",
    "insertion réalisée": "heures d'insertion réalisées",
    "avancement": "avancement", "prévu": "avancement prévu",
    "coût convention": "coût convention", "convention": "coût convention", "coût actualisé": "coût actualisé",
    "actualisé": "coût actualisé", "dérive": "dérive de coût", "après avenants": "coût après avenants",
}
COSTS = {"coût convention", "coût actualisé", "dérive de coût", "coût après avenants"}  # every funder's
BY = {"famille", "maître d'ouvrage", "quartier"}  # tables of the ANRU subsidy broken down

# Text patterns: (regex, [(group, scope, what, unit)]); scope None = the operation named on the line, else programme.
OP = None
TEXT_PATTERNS: list[tuple[re.Pattern, list[tuple[int, tuple | None, str, str]]]] = [
    (re.compile(rf"{INT} (?:ménages )?relogés sur {INT}(?: \({PERCENT}\))?"),
     [(1, OP, "ménages relogés", "n"), (2, OP, "ménages", "n"), (3, OP, "% relogés", "%")]),
    (re.compile(rf"{INT} ménages? relogés? et {INT} partis? sans relogement, soit {INT} sur {INT}"),
     [(1, OP, "ménages relogés", "n"), (2, OP, "partis sans relogement", "n"), (4, OP, "ménages", "n")]),
    (re.compile(rf"{PERCENT} / Ménages relogés(?: \(| / ){INT} sur {INT}"),
     [(1, PROGRAMME, "% relogés", "%"), (2, PROGRAMME, "ménages relogés", "n"), (3, PROGRAMME, "ménages", "n")]),
    (re.compile(rf"Ménages à reloger : {INT}, dont {INT} relogés"),
     [(1, PROGRAMME, "ménages", "n"), (2, PROGRAMME, "ménages relogés", "n")]),
    (re.compile(rf"{INT} / Ménages à reloger \(total\)"), [(1, PROGRAMME, "ménages", "n")]),
    (re.compile(rf"{INT} / Restant à reloger"), [(1, PROGRAMME, "ménages à reloger", "n")]),
    (re.compile(rf"{INT} / En relogement temporaire"), [(1, PROGRAMME, "en relogement temporaire", "n")]),
    (re.compile(rf"{INT} ménages partis sans relogement"), [(1, PROGRAMME, "partis sans relogement", "n")]),
    (re.compile(rf"{INT} ménages (?:encore |restent |restant )?à reloger(?! sans| sur)"),
     [(1, OP, "ménages à reloger", "n")]),
    (re.compile(rf"{INT} ménages rest(?:ent|ant) à reloger sur(?: {INT},| \d+ opérations? ;)"
                rf"(?: {PERCENT} relogés définitivement)?"),
     [(1, PROGRAMME, "ménages à reloger", "n"), (2, PROGRAMME, "ménages", "n"), (3, PROGRAMME, "% relogés", "%")]),
    (re.compile(rf"Insertion : {INT} heures réalisées sur {INT} prévues"),
     [(1, OP, "heures d'insertion réalisées", "h"), (2, OP, "heures d'insertion prévues", "h")]),
    (re.compile(rf"{INT} points? durs? rouges?\b(?! \()"), [(1, PROGRAMME, "points durs rouges", "n")]),
    (re.compile(rf"{INT} points? durs? rouges? \(([^)]+)\)"), [(1, "thème", "points durs rouges", "n")]),
    (re.compile(rf"{INT} points durs(?! rouges| \()(?: dont {INT} rouges?)?"),
     [(1, PROGRAMME, "points durs", "n"), (2, PROGRAMME, "points durs rouges", "n")]),
    (re.compile(rf"{INT} points durs \(([^)]+)\)(?: dont {INT} rouges?)?"),
     [(1, "thème", "points durs", "n"), (3, "thème", "points durs rouges", "n")]),
    (re.compile(rf"^{INT} / {INT} / Alertes rouges / orange"),
     [(1, PROGRAMME, "alertes rouges", "n"), (2, PROGRAMME, "alertes orange", "n")]),
    (re.compile(rf"{INT} opérations? bloquées? sur {INT} opérations? à lancer d'ici (\d+) mois"),
     [(1, PROGRAMME, "opérations bloquées parmi les lancements", "n"), (2, PROGRAMME, "opérations à lancer", "n")]),
    (re.compile(rf"{INT} / Alertes rouges / et {INT} orange"),
     [(1, PROGRAMME, "alertes rouges", "n"), (2, PROGRAMME, "alertes orange", "n")]),
    (re.compile(rf"{INT} opérations? à lancer (d'ici \d+ mois) sur {INT} sont bloquées"),
     [(1, PROGRAMME, "opérations bloquées parmi les lancements {2}", "n"),
      (3, PROGRAMME, "opérations à lancer {2}", "n")]),
    (re.compile(rf"{INT} opérations? bloquées? sur {INT} (?:opérations? )?à lancer "
                rf"(d'ici le \d\d/\d\d/\d{{4}}|d'ici \d+ mois)"),
     [(1, PROGRAMME, "opérations bloquées parmi les lancements {3}", "n"),
      (2, PROGRAMME, "opérations à lancer {3}", "n")]),
    (re.compile(rf"{INT} opérations lancées sur {INT}"),
     [(1, PROGRAMME, "opérations lancées", "n"), (2, PROGRAMME, "opérations", "n")]),
    (re.compile(rf"{PERCENT} / Opérations lancées \({INT} sur {INT}\)"),
     [(1, PROGRAMME, "% des opérations lancées", "%"), (2, PROGRAMME, "opérations lancées", "n"),
      (3, PROGRAMME, "opérations", "n")]),
    # the programme's cost
    (re.compile(rf"Coût : {AMOUNT} à la convention, {AMOUNT} actualisé \(({NUMBER}) %\)"),
     [((1, 2), PROGRAMME, "coût convention", "€"), ((3, 4), PROGRAMME, "coût actualisé", "€"),
      (5, PROGRAMME, "dérive de coût", "%")]),
    (re.compile(rf"({NUMBER}) % / Dérive de coût \({AMOUNT} pour {AMOUNT}\)"),
     [(1, PROGRAMME, "dérive de coût", "%"), ((2, 3), PROGRAMME, "coût actualisé", "€"),
      ((4, 5), PROGRAMME, "coût convention", "€")]),
    # reconstitution
    (re.compile(rf"{INT} logements reconstitués (?:prévus|programmés)"),
     [(1, PROGRAMME, "logements reconstitués programmés", "n")]),
    (re.compile(rf"objectif de la convention : {INT} logements"), [(1, PROGRAMME, "objectif de reconstitution", "n")]),
    (re.compile(rf"(?:prévus pour|logements,) {INT} démolis"), [(1, PROGRAMME, "logements démolis", "n")]),
    (re.compile(rf"démarrés : {INT} pour {INT}"),
     [(1, PROGRAMME, "logements reconstitués démarrés", "n"), (2, PROGRAMME, "logements démolis démarrés", "n")]),
    (re.compile(rf"livrés : {INT} pour {INT}"),
     [(1, PROGRAMME, "logements reconstitués livrés", "n"), (2, PROGRAMME, "logements démolis livrés", "n")]),
    (re.compile(rf"{INT} logements reconstitués livrés"), [(1, PROGRAMME, "logements reconstitués livrés", "n")]),
    (re.compile(rf"{PERCENT} de PLAI \({INT} logements sur {INT}\)"),
     [(1, PROGRAMME, "% de PLAI", "%"), (2, PROGRAMME, "logements PLAI", "n"),
      (3, PROGRAMME, "logements reconstitués programmés", "n")]),
    (re.compile(rf"{INT} opérations avec des ménages à reloger"),
     [(1, PROGRAMME, "opérations avec des ménages à reloger", "n")]),
    (re.compile(rf"{INT} ménages restant à reloger (?:dans|sur) {INT} opérations"),
     [(1, PROGRAMME, "ménages à reloger", "n"), (2, PROGRAMME, "opérations avec des ménages à reloger", "n")]),
    # progress
    (re.compile(rf"[Aa]vancement(?: global :)? {PERCENT} pour {PERCENT} prévus?"),
     [(1, PROGRAMME, "avancement", "%"), (2, PROGRAMME, "avancement prévu", "%")]),
    (re.compile(rf"{PERCENT} / Avancement pondéré \(prévu : {PERCENT}\)"),
     [(1, PROGRAMME, "avancement", "%"), (2, PROGRAMME, "avancement prévu", "%")]),
    (re.compile(rf"^(\w[\w' -]*) le plus en retard : {PERCENT} d'avancement pour {PERCENT} prévu"),
     [(2, "quartier", "avancement", "%"), (3, "quartier", "avancement prévu", "%")]),
    # insertion
    (re.compile(rf"Insertion : {PERCENT} de l'objectif d'heures"),
     [(1, PROGRAMME, "% de l'objectif d'insertion", "%")]),
    (re.compile(rf"{PERCENT} / De l'objectif : "), [(1, PROGRAMME, "% de l'objectif d'insertion", "%")]),
    (re.compile(rf"insertion : {PERCENT} des heures prévues"),
     [(1, PROGRAMME, "% des heures d'insertion réalisées", "%")]),
    (re.compile(rf"{PERCENT} réalisées au total"), [(1, PROGRAMME, "% des heures d'insertion réalisées", "%")]),
    (re.compile(rf"{PERCENT} / Heures d'insertion réalisées ÷ prévues"),
     [(1, PROGRAMME, "% des heures d'insertion réalisées", "%")]),
    (re.compile(rf"Insertion : {INT} h réalisées"), [(1, PROGRAMME, "heures d'insertion réalisées", "h")]),
    (re.compile(rf"({NUMBER}) points sur l'avancement des travaux"),
     [(1, PROGRAMME, "écart insertion − travaux", "points")]),
    (re.compile(rf"({NUMBER}) points / Écart insertion − travaux"),
     [(1, PROGRAMME, "écart insertion − travaux", "points")]),
    # costs
    (re.compile(rf"[Cc]oût ({NUMBER}) % sur la convention"), [(1, PROGRAMME, "dérive de coût", "%")]),
    (re.compile(rf"Coût actualisé {AMOUNT} : ({NUMBER}) % sur la convention"),
     [((1, 2), PROGRAMME, "coût actualisé", "€"), (3, PROGRAMME, "dérive de coût", "%")]),
    # subsidies of every funder
    (re.compile(rf"Subventions engagées à {PERCENT} de {AMOUNT} \(ANRU : {PERCENT}\)"),
     [(1, SUBSIDIES, "% engagé", "%"), ((2, 3), SUBSIDIES, "montant", "€"), (4, ANRU, "% engagé", "%")]),
    (re.compile(rf"Subventions engagées à {PERCENT} \(ANRU {PERCENT}, autres {PERCENT}\)"),
     [(1, SUBSIDIES, "% engagé", "%"), (2, ANRU, "% engagé", "%"), (3, OTHER_SUBSIDIES, "% engagé", "%")]),
    (re.compile(rf"(?:hors|fonds propres et prêts :) {AMOUNT}(?: de fonds propres et prêts)?"),
     [((1, 2), OWN_FUNDS, "montant", "€")]),
    # the ANRU subsidy
    (re.compile(rf"[Ss]ubvention ANRU(?: de {AMOUNT})? engagée à {PERCENT}(?: pour {PERCENT} prévus)?"
                rf"(?: à date)?(?:, versée à {PERCENT}(?: pour {PERCENT} prévus)?)?"),
     [((1, 2), ANRU, "montant", "€"), (3, ANRU, "% engagé", "%"), (4, ANRU, "% engagé prévu", "%"),
      (5, ANRU, "% versé", "%"), (6, ANRU, "% versé prévu", "%")]),
    (re.compile(rf"Subvention ANRU : {PERCENT} engagés pour {PERCENT} prévus, "
                rf"{PERCENT} versés pour {PERCENT} prévus"),
     [(1, ANRU, "% engagé", "%"), (2, ANRU, "% engagé prévu", "%"), (3, ANRU, "% versé", "%"),
      (4, ANRU, "% versé prévu", "%")]),
    (re.compile(rf"Subvention ANRU par (?:famille|maître d'ouvrage) : {PERCENT} engagée, {PERCENT} versée"),
     [(1, ANRU, "% engagé", "%"), (2, ANRU, "% versé", "%")]),
    (re.compile(rf"(famille|maître d'ouvrage) : .*la moins engagée : ([^(]+) \({PERCENT}\)"),
     [(3, "by", "% engagé", "%")]),
    (re.compile(rf"la (famille) la moins engagée : ([^(]+) \({PERCENT}\)"), [(3, "by", "% engagé", "%")]),
    (re.compile(rf"Subvention ANRU : {AMOUNT}, engagée à {PERCENT}, versée à {PERCENT}"),
     [((1, 2), ANRU, "montant", "€"), (3, ANRU, "% engagé", "%"), (4, ANRU, "% versé", "%")]),
    (re.compile(rf"{AMOUNT} de subvention ANRU à engager"), [((1, 2), ANRU, "reste à engager", "€")]),
    # the ANRU subsidy
    (re.compile(rf"{PERCENT} / Subvention ANRU engagée \({AMOUNT} sur {AMOUNT}\)"),
     [(1, ANRU, "% engagé", "%"), ((2, 3), ANRU, "engagé", "€"), ((4, 5), ANRU, "montant", "€")]),
    (re.compile(rf"{PERCENT} / Subvention ANRU versée \({AMOUNT}\)"),
     [(1, ANRU, "% versé", "%"), ((2, 3), ANRU, "versé", "€")]),
    (re.compile(rf"{AMOUNT} / Reste à engager \(ANRU\)"), [((1, 2), ANRU, "reste à engager", "€")]),
    (re.compile(rf"{AMOUNT} / Reste à payer \(ANRU\)"), [((1, 2), ANRU, "reste à payer", "€")]),
    (re.compile(rf"Engagé : {PERCENT} \({AMOUNT}\)"), [(1, ANRU, "% engagé", "%"), ((2, 3), ANRU, "engagé", "€")]),
    (re.compile(rf"Versé : {PERCENT} \({AMOUNT}\)"), [(1, ANRU, "% versé", "%"), ((2, 3), ANRU, "versé", "€")]),
    (re.compile(rf"Prévu à date : {PERCENT}"), [(1, ANRU, "% engagé prévu", "%")]),
    (re.compile(rf"Versements prévus à date : {PERCENT}"), [(1, ANRU, "% versé prévu", "%")]),
    (re.compile(rf"Subvention ANRU : {AMOUNT}(?!, engagée)"), [((1, 2), ANRU, "montant", "€")]),
    (re.compile(rf"Engagement ANRU : .*?\({PERCENT} engagés pour {PERCENT} prévus\)"),
     [(1, ANRU, "% engagé", "%"), (2, ANRU, "% engagé prévu", "%")]),
    # an operation's stake and slips
    (re.compile(rf"{AMOUNT} de subvention ANRU en jeu"), [((1, 2), OP, "subvention ANRU en jeu", "€")]),
    (re.compile(rf"{INT} mois de glissement (de la livraison|du démarrage) sur (?:la convention|l'avenant)"),
     [(1, OP, "glissement {2} sur la date contractuelle", "mois")]),
]
# « Livraison prévue le 31/12/2014 au lieu du 31/12/2013 (avenant n°2) : 12 mois de glissement » (CAL-02 and the like)
MILESTONES = ("Livraison", "Réception", "Fin de démolition", "Fin de mission", "Démarrage des travaux",
              "Démarrage de la démolition", "Démarrage", "DAS", "Obtention PC", "Dépôt PC", "Attribution des marchés",
              "Désignation MOE", "FAT validée", "Demande de solde", "Solde versé", "Début du relogement")
SLIP_ALERT = re.compile(rf"({'|'.join(MILESTONES)}) prévue? le \d\d/\d\d/\d{{4}}(?:, date passée sans date réelle,)? "
                        rf"au lieu du \d\d/\d\d/\d{{4}}(?: \([^)]*\))? : {INT} mois de glissement")


def milestone(name: str) -> str:
    """Return the stored milestone a slide names: « Réception », « de la livraison » → Livraison…"""
    name = name.strip()
    if name in ("Livraison", "Réception", "Fin de démolition", "Fin de mission", "de la livraison", "livraison"):
        return "Livraison"
    if name.startswith("Démarrage") or name == "du démarrage":
        return "Démarrage des travaux"
    return name


# chart series at the date de situation -> label
RECONSTITUTION = {"Programmés": "logements reconstitués programmés",
                  "Travaux démarrés": "logements reconstitués démarrés", "Livrés": "logements reconstitués livrés"}
CHART_SERIES = {"Engagé": (ANRU, "% engagé", "%"), "Versé": (ANRU, "% versé", "%"),
                "Engagement prévu": (ANRU, "% engagé prévu", "%"), "Versements prévus": (ANRU, "% versé prévu", "%")}



PROGRAMME_WHEN_NO_OPERATION = ("ménages relogés", "ménages", "% relogés", "heures d'insertion réalisées",
                              "heures d'insertion prévues")

MONTHS = re.compile(r"([+−-]?\d+(?:,\d+)?) mois")
GANTT_SLIP = re.compile(r"\+(\d+) mois(, prévision échue)?")
