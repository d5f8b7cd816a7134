"""Comité de pilotage — rapport semestriel (10–15 slides on the shipped master, more when a table continues).

1. Title. 2. Executive summary: three achievements, three risks, decisions requested. 3. Compliance
with the convention: calendrier, reconstitution 1 pour 1, relogement, insertion, GUP, each with a status
and the figure that shows it. 4. Finances by funder and 5. the S-curve. 6. The ten largest slips and
7. their reasons (motifs counted). 8. Avenants in preparation and candidate operations. 9. Outlook for
the next semester: launches and deliveries. 10. Annex: tableau financier by famille.

The rules behind the words are in the docstrings of :func:`achievements`, :func:`risks`,
:func:`decisions`, :data:`COMMITMENTS`, :func:`largest_slips` and :func:`avenant_candidates`: every
sentence of the summary is built from an indicator, a change or an alert, never typed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from opc_excel.compute.schedule import add_months
from opc_excel.fr import fr_date, fr_months, fr_number, fr_percent
from opc_excel.model import Level
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, start_deck
from opc_excel.render.decks.slides import followed_text, s_curve_slide
from opc_excel.situation.formats import euros, meur, pct, plural
from opc_excel.situation.schedule import (
    deliveries_expected,
    launch_blockers,
    launches_within,
    operation_name,
)
from opc_excel.text import NAME_CAP, shorten

KIND = "Comité de pilotage — rapport semestriel"
STATUS_LABELS = {"rouge": "Rouge", "orange": "Orange", "vert": "Vert", "gris": "Non mesuré"}
LARGEST_SLIPS = 10
OUTLOOK_MONTHS = 6
MAX_OUTLOOK_ROWS = 30  # beyond, the outlook is counted by famille
MAX_CANDIDATE_ROWS = 20  # avenant candidates listed, the most late first
# Milestones whose slip asks for an avenant, best first when an operation's milestones slip equally.


def build(data: DeckInput, builder: DeckBuilder) -> None:
    start_deck(data, KIND, builder, title="Comité de pilotage stratégique — rapport semestriel",
               meeting=data.params.next_steering_committee)
    summary_slide(data, builder)
    compliance_slide(data, builder)
    funders_slide(data, builder)
    s_curve_slide(data, builder)
    slips_slide(data, builder)
    motifs_slide(data, builder)
    avenants_slide(data, builder)
    outlook_slide(data, builder)
    builder.section("Annexe", "Tableau financier par famille",
                    notes="Annexe : le tableau financier récapitulatif par famille d'opérations.")
    annex_slide(data, builder)


# ---------------------------------------------------------------- executive summary


def summary_slide(data: DeckInput, builder: DeckBuilder) -> None:
    won, risky, asked = data.situation.achievements, data.situation.risks, data.situation.decisions
    builder.panels(
        "Synthèse du semestre",
        [("Réussites", won, "vert"), ("Risques", risky, "rouge"), ("Décisions demandées", asked, None)],
        notes="Synthèse construite par des règles fixes (module copil) : réussites = jalons atteints depuis la "
              "situation précédente (Historique jalons), engagement ANRU au-dessus de la courbe prévue, engagements "
              "de la convention au vert, ménages relogés, logements reconstitués livrés, opérations lancées ; "
              "risques = les trois premiers points durs, classés par enjeu comme la colonne Rang des Alertes ; "
              "décisions = avenant pour les opérations au-delà du seuil rouge de glissement, arbitrage des actions "
              "bloquées, puis mesures proposées des risques (feuille Alertes). "
              + " ".join(won + risky + asked),
        empty="Rien à signaler.")


def compliance_slide(data: DeckInput, builder: DeckBuilder) -> None:
    rows = []
    for commitment, status, evidence, found in data.situation.compliance:
        red = sum(a.severity is Level.ROUGE for a in found)
        counts = [plural(red, "rouge")] if red else []
        counts += [f"{fr_number(len(found) - red)} orange"] if len(found) > red else []
        codes = ", ".join(dict.fromkeys(sorted(a.code for a in found)))
        detail = f"{', '.join(counts)} ({codes})" if found else "aucune"
        rows.append([Cell(commitment.name, bold=True), evidence, detail,
                     Cell(STATUS_LABELS[status], status)])
    builder.table(
        "Respect des engagements de la convention",
        [Column("Engagement", 2.2), Column("Constat", 5.4), Column("Alertes", 1.9), Column("Statut", 0.9, "center")],
        rows,
        notes="Statut de chaque engagement = la plus grave de ses alertes (feuille Alertes) : calendrier CAL-01 à "
              "CAL-04, reconstitution HAB-01 et HAB-02, relogement HAB-03, HAB-04 et CAL-05, insertion SOC-01, GUP "
              "SOC-02 ; vert sans alerte, « non mesuré » quand le classeur ne donne pas le chiffre. Constats : "
              "indicateurs du classeur (Opérations, Jalons, Relogement, Insertion, Paramètres). "
              + " ".join(f"{r[0].text} : {r[1]}." for r in rows),
        font_pt=12)


# ---------------------------------------------------------------- finances


def funders_slide(data: DeckInput, builder: DeckBuilder) -> None:
    rows = [[Cell(f.key, bold=f.key == contract.ANRU_FUNDER), meur(f.amount)]
            + [followed_text(f, t) for t in (meur(f.engaged), pct(f.engaged_pct), meur(f.paid),
                                             pct(f.paid_of_amount_pct), meur(f.to_engage), meur(f.to_pay))]
            for f in data.indicators.by_funder]
    builder.table(
        "Financements par financeur",
        [Column("Financeur", 2.4), Column("Montant", 1.2, "right"), Column("Engagé", 1.2, "right"),
         Column("% engagé", 1.0, "right"), Column("Versé", 1.2, "right"), Column("% versé", 1.0, "right"),
         Column("Reste à engager", 1.3, "right"), Column("Reste à payer", 1.3, "right")], rows,
        notes="Par financeur (feuille Financements, opérations non abandonnées) : montant actualisé, sinon de la "
              "convention ; engagé et versé sur les seules lignes acquises ou notifiées ; reste à engager = montant − "
              "engagé, reste à payer = engagé − versé ; fonds propres et prêts sans montant engagé ni versé : "
              "non suivi. "
              + " ; ".join(f"{f.key} {euros(f.amount)}, engagé {followed_text(f, euros(f.engaged))}, versé "
                           f"{followed_text(f, euros(f.paid))}" for f in data.indicators.by_funder) + ".",
        empty="Aucune ligne de financement.", font_pt=11)


def annex_slide(data: DeckInput, builder: DeckBuilder) -> None:
    costs = {c.key: c for c in data.indicators.cost_drift_by_famille}
    rows = []
    for f in data.indicators.anru_by_famille:
        cost = costs.get(f.key)
        rows.append([f.key, euros(cost.convention if cost else None), euros(cost.current if cost else None),
                     euros(f.amount), euros(f.engaged), pct(f.engaged_pct), euros(f.paid), pct(f.paid_of_amount_pct)])
    anru = data.indicators.anru
    drift = data.indicators.cost_drift
    rows.append([Cell("Total", bold=True), Cell(euros(drift.convention), bold=True),
                 Cell(euros(drift.current), bold=True), Cell(euros(anru.amount), bold=True),
                 Cell(euros(anru.engaged), bold=True), Cell(pct(anru.engaged_pct), bold=True),
                 Cell(euros(anru.paid), bold=True), Cell(pct(anru.paid_of_amount_pct), bold=True)])
    builder.table(
        "Tableau financier par famille",
        [Column("Famille", 2.6), Column("Coût convention", 1.3, "right"), Column("Coût actualisé", 1.3, "right"),
         Column("Subvention ANRU", 1.3, "right"), Column("Engagé", 1.3, "right"), Column("% engagé", 0.8, "right"),
         Column("Versé", 1.3, "right"), Column("% versé", 0.8, "right")], rows,
        notes="Par famille : coûts HT de la convention et actualisés (Opérations), subvention ANRU, engagé et versé "
              "(Financements, lignes acquises ou notifiées). La ligne Total reprend le programme entier : une "
              "opération sans famille y figure sans apparaître dans une ligne.",
        empty="Aucune famille renseignée.", font_pt=10)


# ---------------------------------------------------------------- slips and avenants


def slip_status(data: DeckInput, months: int | None) -> str | None:
    if months is None:
        return None
    params = data.params
    return "rouge" if months > params.delay_red_months else "orange" if months > params.delay_orange_months else None


def slips_slide(data: DeckInput, builder: DeckBuilder) -> None:
    slips = data.situation.largest_slips
    top = slips[:LARGEST_SLIPS]
    rows = [[operation_name(data.situation, s.operation_id), s.milestone,
             (fr_date(s.baseline) + (" (av.)" if s.avenant and s.avenant != s.convention else "")) if s.baseline
             else "—",
             f"{fr_date(s.current)}{'' if s.done else ' (prév.)'}",
             Cell(f"+{s.vs_baseline_months} mois" + (f" (+{s.vs_convention_months} depuis la conv.)"
                                                    if s.vs_convention_months not in (None, s.vs_baseline_months)
                                                    else ""), slip_status(data, s.vs_baseline_months)),
             shorten(s.motif or "non renseigné", NAME_CAP)] for s in top]
    builder.table(
        slips_title(len(top)),
        [Column("Opération", 4.0), Column("Jalon", 1.7), Column("Référence", 1.1), Column("Actuelle", 1.3),
         Column("Glissement", 1.1, "right"), Column("Motif", 1.6)], rows,
        notes=f"Glissement de chaque opération = son jalon le plus en retard sur sa date contractuelle (date avenant "
              f"« av. », sinon date convention ; le glissement depuis la convention est rappelé entre parenthèses) "
              f"(Jalons : date réelle, sinon prévisionnelle ; « prév. » : date prévisionnelle), en mois entiers ; "
              f"{plural(len(slips), 'opération')} en glissement, {strongest(len(top))} ici. Couleur : seuils "
              f"{fr_months(data.params.delay_orange_months)} et {fr_months(data.params.delay_red_months)} "
              f"(Paramètres). Motif : colonne Motif de décalage de Jalons.",
        empty="Aucune opération en glissement sur sa date contractuelle (avenant, sinon convention).", font_pt=11)


def slips_title(count: int) -> str:
    """Return « Les 10 plus forts glissements », « Le plus fort glissement » for one, « Les plus forts… » for none."""
    return "Le plus fort glissement" if count == 1 else f"Les {count} plus forts glissements" if count else \
        "Les plus forts glissements"


def strongest(count: int) -> str:
    return "la plus forte" if count == 1 else f"les {count} plus fortes"


def motifs_slide(data: DeckInput, builder: DeckBuilder, title: str = "Motifs de décalage") -> None:
    slips = data.situation.largest_slips
    counts = Counter(s.motif or "Non renseigné" for s in slips)
    listed = [m for m in data.programme.lists.get(contract.MOTIFS, ()) if m in counts]
    motifs = sorted(counts, key=lambda m: (-counts[m], listed.index(m) if m in listed else len(listed), m))
    if not motifs:
        builder.bullets(title, [], notes="Aucun jalon en retard sur sa date contractuelle (Jalons).",
                        empty="Aucune opération en glissement : pas de motif à compter.")
        return
    first = motifs[0]
    builder.chart(
        title, "bar", motifs, {"Opérations": [counts[m] for m in motifs]},
        notes=f"Motif de décalage du jalon le plus en retard de chacune des opérations en glissement "
              f"({len(slips)}) sur leur date contractuelle (Jalons, colonne Motif de décalage). "
              + " ; ".join(f"{m} : {counts[m]}" for m in motifs) + ".",
        comment=f"{plural(len(slips), 'opération')} en glissement sur {'sa' if len(slips) < 2 else 'leur'} "
                f"date contractuelle.\n"
                f"Premier motif : {first.lower()} ({counts[first]} opération{'s' if counts[first] > 1 else ''}).",
        number_format="0")


def avenants_slide(data: DeckInput, builder: DeckBuilder) -> None:
    planned = sorted((a for a in data.programme.amendments if a.date and a.date > data.at),
                     key=lambda a: (a.date, a.number))
    rows: list[list[Cell | str]] = [
        [Cell(f"Avenant n°{a.number}" + (f" ({a.kind.lower()})" if a.kind else ""), "orange", bold=True),
         ", ".join(a.operation_ids) or "—", a.subject or "—", f"prévu le {fr_date(a.date)}"] for a in planned]
    if not planned:
        rows.append([Cell("Avenant", "gris"), "—",
                     f"Aucun avenant daté après le {fr_date(data.at)} dans la feuille Avenants", "—"])
    candidates = data.situation.avenant_candidates
    for alert in candidates[:MAX_CANDIDATE_ROWS]:
        op = data.programme.operation(alert.operation_id) if alert.operation_id else None
        rows.append([Cell("Opération candidate", "orange"), operation_name(data.situation, alert.operation_id),
                     f"{_capitalised(alert.finding.split(' : ', 1)[-1])} ; {(op.owner if op else None) or 'MOA ?'}",
                     "à inscrire"])
    if len(candidates) > MAX_CANDIDATE_ROWS:
        more = plural(len(candidates) - MAX_CANDIDATE_ROWS, "autre opération candidate", "autres opérations candidates")
        rows.append([Cell("…", "gris"), f"… et {more}", "", ""])
    builder.table(
        "Avenants en préparation",
        [Column("Nature", 1.7), Column("Opération(s)", 3.0), Column("Objet", 4.6), Column("Échéance", 1.2)], rows,
        notes=f"Avenants datés après le {fr_date(data.at)} (feuille Avenants), puis les opérations candidates, "
              f"les plus en jeu d'abord : les alertes GOV-04, changements qu'aucun avenant en préparation ne porte "
              f"(glissement d'au moins {fr_months(data.params.delay_red_months)} sur la dernière date de référence, "
              f"coût ou subvention ANRU modifiés d'au moins {fr_percent(data.params.amendment_change_pct)}, "
              f"quantité modifiée, opération abandonnée). Avenant en vigueur : "
              f"{data.params.amendment_in_force or 'non renseigné'}.",
        font_pt=10)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- outlook


def outlook_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Launches and deliveries of the next semester, one row each; by famille beyond :data:`MAX_OUTLOOK_ROWS`."""
    end = add_months(data.at, OUTLOOK_MONTHS)
    launches_due = launches_within(data.situation, OUTLOOK_MONTHS)
    deliveries_due = deliveries_expected(data.situation, OUTLOOK_MONTHS)
    notes = (f"D'ici le {fr_date(end)} : {plural(len(launches_due), 'lancement prévu', 'lancements prévus')} "
             f"(démarrage des travaux prévu, non intervenu, avec les prérequis ouverts : Jalons, Financements) et "
             f"{plural(len(deliveries_due), 'livraison attendue', 'livraisons attendues')} (Jalons : date "
             f"prévisionnelle, sinon de référence, opérations non livrées).")
    if len(launches_due) + len(deliveries_due) > MAX_OUTLOOK_ROWS:
        outlook_by_famille(data, builder, launches_due, deliveries_due, notes)
        return
    events: list[tuple[date, int, list[Cell | str]]] = []
    for t in launches_due:
        blockers = launch_blockers(data.situation, t)
        events.append((t.planned_start, 0, [fr_date(t.planned_start), Cell("Lancement", None, bold=True),
                                            f"{t.operation_id} — {shorten(t.label, NAME_CAP)}", t.owner or "—",
                                            Cell("prérequis : " + blockers.text, blockers.colour)]))
    for day, name, owner, detail, _ in deliveries_due:
        events.append((day, 1, [fr_date(day), Cell("Livraison", "vert"), name, owner, detail]))
    events.sort(key=lambda e: (e[0], e[1], str(e[2][2])))
    builder.table(
        "Perspectives du semestre",
        [Column("Date", 1.0), Column("Événement", 1.1), Column("Opération", 4.5), Column("Maître d'ouvrage", 1.5),
         Column("Prérequis / référence", 2.6)], [row for _, _, row in events], notes=notes,
        empty=f"Aucun lancement ni livraison prévu d'ici le {fr_date(end)}.", font_pt=9)


def outlook_by_famille(data: DeckInput, builder: DeckBuilder, launches_due: list, deliveries_due: list,
                       notes: str) -> None:
    """Count the launches (with open prerequisites) and deliveries of the semester by famille."""
    counts: dict[str, list[int]] = {}
    for t in launches_due:
        row = counts.setdefault(t.famille or "Famille non renseignée", [0, 0, 0])
        row[0] += 1
        row[1] += bool(launch_blockers(data.situation, t))
    for *_, famille in deliveries_due:
        counts.setdefault(famille, [0, 0, 0])[2] += 1
    listed = list(data.programme.lists.get(contract.FAMILLES, ()))
    order = sorted(counts, key=lambda f: (listed.index(f) if f in listed else len(listed), f))
    rows = [[famille, fr_number(counts[famille][0]),
             Cell(fr_number(counts[famille][1]), "orange" if counts[famille][1] else None),
             fr_number(counts[famille][2])] for famille in order]
    rows.append([Cell("Total", bold=True), Cell(fr_number(len(launches_due)), bold=True),
                 Cell(fr_number(sum(bool(launch_blockers(data.situation, t)) for t in launches_due)), bold=True),
                 Cell(fr_number(len(deliveries_due)), bold=True)])
    builder.table(
        "Perspectives du semestre, par famille",
        [Column("Famille", 4.0), Column("Lancements prévus", 1.5, "right"),
         Column("dont prérequis ouverts", 1.7, "right"), Column("Livraisons attendues", 1.5, "right")], rows,
        notes=notes + f" Plus de {MAX_OUTLOOK_ROWS} lancements et livraisons : comptés par famille ; la liste "
                      f"détaillée est au comité de suivi.", font_pt=12)
