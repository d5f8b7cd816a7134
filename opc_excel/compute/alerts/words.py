"""Each alert code said in words, for the slides where a code never stands alone (decks.md).

A short noun phrase, lower case, as it reads after « ce qui bloque : »; the code follows it in brackets
when a slide names the code at all. Every registered rule has its words (``tests/test_catalogue.py``).
"""

from __future__ import annotations

CODE_WORDS: dict[str, str] = {
    "CAL-01": "démarrage en retard",
    "CAL-02": "glissement sur la date de référence",
    "CAL-03": "fin après l'échéance de la convention",
    "CAL-04": "enchaînement non tenu",
    "CAL-05": "ménages à reloger avant la démolition",
    "CAL-06": "prérequis non levés",
    "CAL-07": "fiche non mise à jour",
    "CAL-08": "date décalée sans motif",
    "FIN-01": "plan de financement déséquilibré",
    "FIN-02": "taux ANRU au-dessus du plafond",
    "FIN-03": "dérive de coût",
    "FIN-04": "travaux démarrés sans DAS",
    "FIN-05": "caducité de la subvention proche",
    "FIN-06": "demande de solde non déposée",
    "FIN-07": "subvention caduque, avance à rembourser",
    "FIN-08": "versements décalés de l'avancement",
    "FIN-09": "engagement sous la courbe prévue",
    "FIN-10": "financements non acquis avant le démarrage",
    "FIN-11": "DAS après la date limite d'engagement",
    "FIN-12": "acomptes au-delà du plafond avant le solde",
    "FIN-13": "subventions au-delà de l'enveloppe ANRU",
    "HAB-01": "reconstitution sous l'objectif ou en retard sur les démolitions",
    "HAB-02": "reconstitution : part de PLAI ou localisation",
    "HAB-03": "relogement en retard sur son plan",
    "HAB-04": "qualité du relogement (neuf, reste à charge)",
    "HAB-05": "quantité livrée différente de la convention",
    "HAB-06": "ménages sans proposition ou refus répétés",
    "HAB-07": "relogement temporaire prolongé",
    "SOC-01": "heures d'insertion en retard sur les travaux",
    "SOC-02": "convention GUP échue",
    "GOV-01": "indicateurs manquants avant la revue de projet",
    "GOV-02": "point d'étape à préparer",
    "GOV-03": "décision en retard",
    "GOV-04": "changement à porter par avenant",
}


def code_words(code: str) -> str:
    """Return the code in words (the code itself for one not listed)."""
    return CODE_WORDS.get(code, code)
