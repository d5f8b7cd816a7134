"""Comité de pilotage — rapport semestriel (10–15 slides, on the master as on a programme ten times larger).

1. Title. 2. Synthesis (shared: three messages, the decisions asked, key figures). 3. The semester's
achievements and risks (risks = the first points durs; a subject is never both). 4. Compliance with the
convention. 5. Funding by funder: ANRU and the other subsidies apart from own funds and loans, with totals.
6. The S-curve. 7. The largest slips and 8. their motifs. 9. Avenants in preparation and the changes to carry.
10. The decisions asked of the COPIL. 11. Perspectives from the séance, on one slide. 12–13. Annex: tableau
financier by famille.

Titles state the finding, computed from the data. The rules behind the words are in the docstrings of
:mod:`opc_excel.situation.summary` (achievements, risks, commitments) and :mod:`copil_calendar` (slips, avenants,
perspectives): every sentence is built from an indicator, a change or an alert, never typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from opc_excel.compute.alerts.words import code_words
from opc_excel.compute.indicators.common import is_own_funds_or_loan
from opc_excel.compute.indicators.financier import FinanceRow, followed_lines
from opc_excel.compute.schedule import is_abandoned
from opc_excel.fr import fr_number
from opc_excel.model import FundingLine, Level
from opc_excel.read import contract
from opc_excel.render.decks.builder import Cell, Column, DeckBuilder
from opc_excel.render.decks.common import DeckInput, start_deck
from opc_excel.render.decks.copil_calendar import avenants_slide, motifs_slide, outlook_slide, slips_slide
from opc_excel.render.decks.findings import decisions_slide, synthesis_slide
from opc_excel.render.decks.slides import followed_text, s_curve_slide
from opc_excel.situation.formats import euros, meur, pct, plural
from opc_excel.situation.summary import COMMITMENT_SUBJECTS

KIND = "Comité de pilotage — rapport semestriel"
STATUS_LABELS = {"rouge": "Rouge", "orange": "Orange", "vert": "Vert", "gris": "Non mesuré"}
MAX_FUNDERS = 6  # per block: beyond, the smallest are summed on one line
MAX_WORDS = 3
SHORT = {"Gestion urbaine de proximité (GUP)": "GUP"} | {
    name: subject for name, subject in COMMITMENT_SUBJECTS.items() if subject != "gup"}


def build(data: DeckInput, builder: DeckBuilder) -> None:
    meeting = data.meeting
    start_deck(data, KIND, builder, title="Comité de pilotage stratégique — rapport semestriel")
    synthesis_slide(data, builder, meeting)
    semester_slide(data, builder)
    compliance_slide(data, builder)
    funders_slide(data, builder)
    s_curve_slide(data, builder, title=s_curve_title(data))
    slips_slide(data, builder)
    motifs_slide(data, builder)
    avenants_slide(data, builder)
    decisions_slide(data, builder, meeting)
    outlook_slide(data, builder)
    builder.section("Annexe", "Tableau financier par famille",
                    notes="Annexe : le tableau financier récapitulatif par famille d'opérations.")
    annex_slide(data, builder)


# ---------------------------------------------------------------- the semester


def semester_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Achievements and risks side by side; the title names the first of each."""
    won, risky = data.situation.achievements, data.situation.risks
    first = data.points_durs[0] if data.points_durs else None
    parts = [won[0].split(" depuis ")[0].replace(" de travaux", "") if won and won[0][:1].isdigit()
             else plural(len(won), "réussite") if won else "aucune réussite mesurée"]
    if first is not None:
        parts.append(f"premier risque : {first.reason.split(' (')[0]} ({first.operation_id or first.label})")
    builder.panels(
        "Semestre : " + " ; ".join(parts),
        [("Réussites", won, "vert"), ("Risques, classés par enjeu", risky, "rouge")],
        notes="Réussites : jalons atteints depuis la situation précédente (Historique jalons), engagement ANRU "
              "au-dessus de la courbe prévue, engagements de la convention au vert, ménages relogés, logements "
              "reconstitués livrés, opérations lancées — sauf sur un sujet d'un risque ou d'un engagement au rouge "
              "(un sujet n'est jamais à la fois une réussite et un risque). Risques : les trois premiers points "
              "durs, classés par enjeu comme la colonne Rang des Alertes. " + " ".join(won + risky),
        empty="Rien à signaler.")


def compliance_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Each commitment with its status, the figure that shows it and its alerts said in words (never bare codes)."""
    rows, rated = [], data.situation.compliance
    for commitment, status, evidence, found in rated:
        red = sum(a.severity is Level.ROUGE for a in found)
        counts = [plural(red, "rouge")] if red else []
        counts += [f"{fr_number(len(found) - red)} orange"] if len(found) > red else []
        words = list(dict.fromkeys(code_words(a.code) for a in sorted(found, key=lambda a: a.code)))
        said = ", ".join(words[:MAX_WORDS]) + (f" et {plural(len(words) - MAX_WORDS, 'autre')}"
                                               if len(words) > MAX_WORDS else "")
        detail = f"{', '.join(counts)} : {said}" if found else "aucune"
        rows.append([Cell(commitment.name, bold=True), evidence, detail, Cell(STATUS_LABELS[status], status)])
    builder.table(
        compliance_title(rated),
        [Column("Engagement", 2.0), Column("Constat", 5.0), Column("Alertes", 2.5), Column("Statut", 0.9, "center")],
        rows,
        notes="Statut de chaque engagement = la plus grave de ses alertes (feuille Alertes) : calendrier CAL-01 à "
              "CAL-04, reconstitution HAB-01 et HAB-02, relogement HAB-03, HAB-04, HAB-06, HAB-07 et CAL-05, "
              "insertion SOC-01, GUP SOC-02 ; vert sans alerte, « non mesuré » quand le classeur ne donne pas le "
              "chiffre. Constats : indicateurs du classeur (Opérations, Jalons, Relogement, Insertion, Paramètres). "
              + " ".join(f"{r[0].text} : {r[1]}." for r in rows),
        font_pt=12)


def compliance_title(rated: Sequence) -> str:
    """« Convention : 2 engagements sur 5 au rouge (calendrier…, relogement…), 2 à l'orange »."""
    red = [c.name for c, status, _, _ in rated if status == "rouge"]
    orange = [c for c, status, _, _ in rated if status == "orange"]
    kept = sum(status == "vert" for _, status, _, _ in rated)
    if not red and not orange:
        return (f"Convention : {plural(kept, 'engagement tenu', 'engagements tenus')} sur {fr_number(len(rated))}"
                if kept else "Engagements de la convention non mesurés")
    title = f"Convention : {plural(len(red), 'engagement')} sur {fr_number(len(rated))} au rouge" if red else \
        f"Convention : aucun engagement au rouge sur {fr_number(len(rated))}"
    if red:
        title += f" ({', '.join(SHORT.get(n, n) for n in red)})"
    return title + (f", {fr_number(len(orange))} à l'orange" if orange else "")


def s_curve_title(data: DeckInput) -> str:
    """The engagement and the payments at t against the planned values plotted at t (the S-curve's own points)."""
    now = next((p for p in data.situation.s_curve if p.day == data.at), None)
    if now is None or now.engaged_pct is None:
        return "Courbe en S ANRU"
    title = f"Subvention ANRU engagée à {pct(now.engaged_pct)}"
    if now.planned_pct is not None:
        title += f" pour {pct(now.planned_pct)} prévus"
    if now.paid_pct is not None:
        title += f", versée à {pct(now.paid_pct)}" + (f" pour {pct(now.planned_paid_pct)} prévus"
                                                     if now.planned_paid_pct is not None else "")
    return title


# ---------------------------------------------------------------- finances


def _funding_blocks(data: DeckInput) -> tuple[dict[str, list[FundingLine]], dict[str, list[FundingLine]]]:
    """Return the live lines by funder: subsidies (the ANRU first), then own funds and loans of the owners."""
    owner = {op.id: op.owner for op in data.programme.operations}
    live = {op.id for op in data.programme.operations if not is_abandoned(op)}
    subsidies: dict[str, list[FundingLine]] = {}
    own: dict[str, list[FundingLine]] = {}
    for line in data.programme.funding:
        if line.operation_id not in live or line.funder is None:
            continue
        block = own if is_own_funds_or_loan(line, owner.get(line.operation_id)) else subsidies
        block.setdefault(line.funder, []).append(line)
    return subsidies, own


def _capped(block: dict[str, list[FundingLine]], first: str | None = None) -> list[tuple[str, list[FundingLine]]]:
    """Return the funders by amount (``first`` ahead), the smallest beyond :data:`MAX_FUNDERS` summed on one line."""
    def total(lines: list[FundingLine]) -> float:
        return sum(line.amount or 0 for line in lines)

    keys = sorted(block, key=lambda k: (k != first, -total(block[k]), k))
    if len(keys) <= MAX_FUNDERS:
        return [(k, block[k]) for k in keys]
    kept, rest = keys[:MAX_FUNDERS - 1], keys[MAX_FUNDERS - 1:]
    return [(k, block[k]) for k in kept] + [(f"{plural(len(rest), 'autre financeur', 'autres financeurs')}",
                                             [line for k in rest for line in block[k]])]


def _cells(row: FinanceRow, bold: bool = False, label: str | None = None) -> list[Cell]:
    values = [meur(row.engaged), pct(row.engaged_pct), meur(row.paid), pct(row.paid_of_amount_pct),
              meur(row.to_engage), meur(row.to_pay)]
    return [Cell(label or row.key, bold=bold), Cell(meur(row.amount), bold=bold)] + [
        Cell(followed_text(row, v), bold=bold) for v in values]


def funders_slide(data: DeckInput, builder: DeckBuilder) -> None:
    """Subsidies (ANRU, then the others, subtotalled) apart from own funds and loans, and the plan's total.

    Own funds and loans are not engaged by a funder's decision: « non suivi » unless the workbook gives a
    figure, never 0 %; the plan's total gives the amount only, since a rate over it would mix the two.
    """
    followed = followed_lines(data.programme)
    subsidies, own = _funding_blocks(data)
    anru_lines = subsidies.get(contract.ANRU_FUNDER, [])
    others = {k: v for k, v in subsidies.items() if k != contract.ANRU_FUNDER}
    all_subsidies = [line for lines in subsidies.values() for line in lines]
    all_own = [line for lines in own.values() for line in lines]
    anru = FinanceRow.of(contract.ANRU_FUNDER, anru_lines, followed)
    other = FinanceRow.of("Autres subventions", [line for lines in others.values() for line in lines], followed)
    total_sub = FinanceRow.of("Total des subventions", all_subsidies, followed)
    total_own = FinanceRow.of("Total fonds propres et prêts", all_own, followed)
    plan = total_sub.amount + total_own.amount
    rows = [_cells(anru, bold=True)] if anru_lines else []
    rows += [_cells(FinanceRow.of(k, lines, followed)) for k, lines in _capped(others)]
    if others:
        rows.append(_cells(other, bold=True, label="Sous-total autres subventions"))
    rows.append(_cells(total_sub, bold=True))
    rows += [_cells(FinanceRow.of(k, lines, followed)) for k, lines in _capped(own)]
    if own:
        rows.append(_cells(total_own, bold=True))
    rows.append([Cell("Total du plan de financement", bold=True), Cell(meur(plan), bold=True)]
                + [Cell("—") for _ in range(6)])
    share = 100 * total_own.amount / plan if plan else None
    split = ([f"ANRU {pct(anru.engaged_pct)}"] if anru_lines else []) + (
        [f"autres {pct(other.engaged_pct)}"] if others else [])
    title = f"Subventions engagées à {pct(total_sub.engaged_pct)}" + (f" ({', '.join(split)})" if split else "")
    if own:
        title += f" ; fonds propres et prêts : {meur(total_own.amount)}, {pct(share)} du plan"
    builder.table(
        title if all_subsidies or all_own else "Aucune ligne de financement",
        [Column("Financeur", 2.8), Column("Montant", 1.1, "right"), Column("Engagé", 1.1, "right"),
         Column("% engagé", 0.9, "right"), Column("Versé", 1.1, "right"), Column("% versé", 0.9, "right"),
         Column("Reste à engager", 1.2, "right"), Column("Reste à payer", 1.2, "right")], rows,
        notes="Feuille Financements, opérations non abandonnées : montant actualisé, sinon de la convention ; engagé "
              "et versé sur les seules lignes acquises ou notifiées ; reste à engager = montant − engagé, reste à "
              "payer = engagé − versé. Subventions : l'ANRU puis les autres financeurs. Fonds propres et prêts : les "
              "lignes dont le financeur est le maître d'ouvrage de l'opération, ou dont le nom dit fonds propres, "
              "autofinancement, prêt ou emprunt ; sans montant engagé ni versé : non suivi (jamais 0 %). Le total "
              f"du plan ne donne que le montant ({euros(plan)}) : un taux sur l'ensemble mêlerait les deux. "
              f"Subventions {euros(total_sub.amount)}, engagé {euros(total_sub.engaged)} ; ANRU {euros(anru.amount)}, "
              f"engagé {euros(anru.engaged)}.",
        empty="Aucune ligne de financement.", font_pt=10)


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
