"""Alert rules of the theme *Habitat et relogement* on the households: HAB-03, HAB-04, HAB-06, HAB-07.

The *Relogement* sheet holds one anonymous row per household (*N° ménage*, never a name). The figures of HAB-03 and
HAB-04 come from :mod:`opc_excel.compute.indicators.habitat`, so that the alerts and the *Tableau de bord* agree.
HAB-06 and HAB-07 are said once per demolition, naming its households by their *N° ménage* (a meeting wants one
line per operation, and the codes let the bailleur find each file).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from opc_excel.compute.alerts.registry import rule
from opc_excel.compute.indicators.habitat import TEMPORARY, TO_REHOUSE, rehousing, rest_to_pay_changes
from opc_excel.compute.schedule import add_months, delivered, is_abandoned, whole_months, works_started
from opc_excel.fr import fr_date, fr_number, fr_percent
from opc_excel.model import Alert, Household, Level, Operation, Params, Programme, Theme
from opc_excel.read import contract
from opc_excel.text import match_key

_EPSILON = 1e-9  # a gap computed in floating point "reaches" a threshold it equals on paper
_NAMED = 5  # households named in a finding; the rest are counted


def _reached(value: float, threshold: float) -> bool:
    return value >= threshold - _EPSILON


def _quantity(n: float) -> str:
    return fr_number(n, 0 if float(n).is_integer() else 1)


def _percent(x: float) -> str:
    """Return ``15 %``, or ``10,4 %`` when a decimal tells it from a threshold."""
    return fr_percent(x, 0 if round(x, 1).is_integer() else 1)


def _households(n: int) -> str:
    return f"{n} ménage{'s' if n >= 2 else ''}"


def _named(households: list[Household]) -> str:
    ids = [hh.id for hh in households[:_NAMED]]
    more = len(households) - len(ids)
    return ", ".join(ids) + (f" et {more} autre{'s' if more >= 2 else ''}" if more else "")


_status_key = lru_cache(maxsize=256)(match_key)  # a few statuses, repeated over every household


def _by_operation(p: Programme, status: str, *,
                  until: date | None = None) -> Iterator[tuple[Operation, list[Household]]]:
    """Yield each live operation (not delivered at ``until``, when given) with its households of ``status``."""
    wanted = match_key(status)
    for op in p.operations:
        if is_abandoned(op) or (until is not None and delivered(op, until)):
            continue
        households = [hh for hh in p.households_of(op.id) if hh.status and _status_key(hh.status) == wanted]
        if households:
            yield op, households


# ---------------------------------------------------------------- HAB-03


def expected_rehoused_pct(plan_start: date, plan_end: date, at: date) -> float:
    """Return the share of households the rehousing plan expects rehoused at ``at``, from 0 to 100.

    None at the plan's start, all at its end, linear in between; all from the start when the end is not after it.
    """
    if at >= plan_end:
        return 100.0
    if at <= plan_start:
        return 0.0
    return 100 * (at - plan_start).days / (plan_end - plan_start).days


def _done(rehoused: int, gone: int) -> str:
    """Return the households whose file is closed, the rehoused named as every table counts them.

    « 33 ménages relogés », or « 8 ménages relogés et 1 parti sans relogement, soit 9 » — never « 9 ménages
    relogés » where the *Relogement* tables show 8 (a household gone without rehousing is done, not rehoused).
    """
    said = f"{_households(rehoused)} relogé{'s' if rehoused >= 2 else ''}"
    if not gone:
        return said
    return f"{said} et {gone} parti{'s' if gone >= 2 else ''} sans relogement, soit {_quantity(rehoused + gone)}"


@rule("HAB-03", theme=Theme.HABITAT)
def rehousing_behind_plan(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each demolition whose rehousing is behind its own rehousing plan.

    Each demolition's relogement starts at its own date (enquêtes sociales, commission de relogement), recorded as
    its *Début du relogement* milestone (actual date, else forecast, else baseline); the ANRU *Kit pour le suivi du
    relogement* follows it from there, not from the signature of the convention. The plan
    (:func:`expected_rehoused_pct`) grows linearly from that start to ``demolition_rehousing_window_months`` (6)
    before the works start (actual, else forecast, else baseline) — the notice CAL-05 also uses — then stays at
    100 %. The actual share: households *Relogé*, *Relogé dans le parc privé*, or gone (*Parti sans relogement*,
    *Décès*, *Expulsion*) over all the operation's households; a *Relogement temporaire* is not done yet (the
    charte asks for a definitive rehousing). Fires when behind by at least ``rehousing_lag_pct`` points.

    No alert before the relogement's start. No alert either for an operation without a *Début du relogement*
    date: the pace cannot be measured without its start, and measuring it from the signature told the room of
    a delay on a relogement not yet begun; the deadline itself stays watched by CAL-05 (works about to start with
    households left). Quiet when the operation is delivered or abandoned, or when its works start is unknown.
    It stays checked after the works start, since a household left in place is then urgent.
    """
    with_households = {h.operation_id for h in p.households}
    for op in p.operations:
        if op.id not in with_households or is_abandoned(op) or delivered(op, at):
            continue
        began, works = op.milestone(contract.REHOUSING_START), op.milestone(contract.WORKS_START)
        plan_start = began.expected if began else None
        works_start = works.expected if works else None
        if plan_start is None or works_start is None or at < plan_start:
            continue
        h = rehousing(p, op.id)
        if h.rehoused_percent is None or h.left_without_percent is None:
            continue  # no household with a readable status
        actual = h.rehoused_percent + h.left_without_percent
        plan_end = add_months(works_start, -params.demolition_rehousing_window_months)
        expected = expected_rehoused_pct(plan_start, plan_end, at)
        gap = expected - actual
        if _reached(gap, params.rehousing_lag_pct):
            yield Alert.for_operation(
                op, severity=Level.ORANGE,
                finding=(f"{_done(h.rehoused, h.left_without)} sur {_quantity(h.to_rehouse)} ({fr_percent(actual)}) "
                         f"pour {fr_percent(expected)} attendus "
                         f"au {fr_date(at)} (relogement commencé le {fr_date(plan_start)}, tous relogés attendus le "
                         f"{fr_date(plan_end)}, démarrage des travaux le {fr_date(works_start)}) : "
                         f"{fr_number(gap)} points de retard sur le plan de relogement"),
                measure=("Réunir la commission de relogement avec les bailleurs, multiplier les propositions "
                         "aux ménages restants et recaler le démarrage des travaux si besoin"))


# ---------------------------------------------------------------- HAB-04


@rule("HAB-04", theme=Theme.HABITAT)
def rehousing_quality(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield up to two programme-level orange alerts on the quality of the rehousing done.

    Source: ANRU, *Kit pour le suivi du relogement* (2011): the share rehoused in housing "neuf ou conventionné
    depuis moins de cinq ans", and the *reste à charge* compared household by household.

    - Key ``HAB-04 · Neuf ou récent``: the share of rehoused households (destination known) rehoused in *Neuf ou
      conventionné depuis moins de 5 ans* (the old value *Neuf ou moins de 5 ans* is read as it) is below the
      convention's target, *Objectif de relogement dans le neuf ou conventionné < 5 ans (%)*; at the target is
      quiet, and with no target typed this part is off (the old *neuf ou récent* parameter, a house default of 25
      %, was no convention's commitment and only feeds the decks' display).
    - Key ``HAB-04 · Reste à charge``: ``rest_to_pay_households_pct`` (20) % or more of the rehoused households
      have a reste à charge up by ``rest_to_pay_increase_pct`` (10) % or more. *Relogement* holds both figures per
      household (*Reste à charge avant* and *après*, €/mois): the share is over the rehoused households with both
      typed and a reste à charge before above 0 (a change from 0 has no percentage). Both thresholds fire when
      reached, as everywhere in the catalogue.

    Quiet when no household has been rehoused yet, and each part when its figure is unknown.
    """
    h = rehousing(p)
    if not h.rehoused:
        return
    share, target = h.new_or_recent_percent, params.rehousing_recent_target_pct
    if share is not None and target is not None and share < target - _EPSILON:
        yield Alert(
            Level.ORANGE,
            finding=(f"{_percent(share)} des ménages relogés l'ont été dans le neuf ou le conventionné depuis moins "
                     f"de 5 ans ({_quantity(h.new_or_recent)} sur {_quantity(h.known_destination)}), pour un "
                     f"objectif de {fr_percent(target)} à la convention"),
            measure=("Réserver avec les bailleurs des logements neufs ou récemment conventionnés (livraisons de la "
                     "reconstitution) pour les prochains relogements"),
            milestone="Neuf ou récent")
    changes = rest_to_pay_changes(p)
    if not changes:
        return
    up = sum(_reached(change, params.rest_to_pay_increase_pct) for change in changes)
    up_share = 100 * up / len(changes)
    if up and _reached(up_share, params.rest_to_pay_households_pct):
        yield Alert(
            Level.ORANGE,
            finding=(f"{_households(up)} relogé{'s' if up >= 2 else ''} sur {len(changes)} ({_percent(up_share)}) "
                     f"{'ont' if up >= 2 else 'a'} un reste à charge en hausse de "
                     f"{fr_percent(params.rest_to_pay_increase_pct)} ou plus "
                     f"(seuil : {fr_percent(params.rest_to_pay_households_pct)} des ménages)"),
            measure=("Examiner avec les bailleurs et la CAF la situation des ménages concernés : minoration "
                     "de loyer, ouverture des droits APL, accompagnement social"),
            milestone="Reste à charge")


# ---------------------------------------------------------------- HAB-06


@rule("HAB-06", theme=Theme.HABITAT)
def rehousing_offers(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield up to two orange alerts per demolition on the offers made to its households still *À reloger*.

    - Key ``HAB-06 · <opération> · Sans proposition``: households with no offer (*Nombre de propositions* = 0)
      while the demolition's works start (forecast, else baseline) falls within ``no_offer_window_months`` (9) of
      ``at`` or has passed without the works starting — local practice: the 6 months' notice of L.442-6 plus the
      time to find the housing. An empty *Nombre de propositions* is unknown, and quiet. Quiet once the works
      have started (CAL-05 then speaks of the households left).
    - Key ``HAB-06 · <opération> · Refus``: households that refused ``refused_offers_max`` (3) offers or more
      (*Propositions refusées*, an optional column): under an ANRU demolition the tenant then loses the right to
      stay, with 6 months' notice (CCH L.442-6, L.353-15); the procedure is to be started. *Nombre de
      propositions* is not read as refusals: an offer made may still be under consideration.

    Households of abandoned or delivered operations are left out.
    """
    for op, waiting in _by_operation(p, TO_REHOUSE, until=at):
        works = op.milestone(contract.WORKS_START)
        planned = (works.forecast or works.baseline) if works else None
        window = add_months(at, params.no_offer_window_months)
        if planned is not None and planned <= window and not works_started(op, at):
            without = [hh for hh in waiting if hh.offers is not None and hh.offers == 0]
            if without:
                yield Alert.for_operation(
                    op, severity=Level.ORANGE,
                    finding=(f"{_households(len(without))} à reloger sans aucune proposition ({_named(without)}) "
                             f"pour un démarrage des travaux prévu le {fr_date(planned)}, dans moins de "
                             f"{_quantity(params.no_offer_window_months)} mois"),
                    measure=("Faire examiner ces ménages en commission de relogement et leur adresser une "
                             "première proposition sans attendre"),
                    milestone="Sans proposition")
        refused = [hh for hh in waiting
                   if hh.refused_offers is not None and _reached(hh.refused_offers, params.refused_offers_max)]
        if refused:
            yield Alert.for_operation(
                op, severity=Level.ORANGE,
                finding=(f"{_households(len(refused))} à reloger ayant refusé "
                         f"{_quantity(params.refused_offers_max)} propositions ou plus ({_named(refused)}) : "
                         "la procédure de l'article L.442-6 du CCH (perte du droit au maintien dans les lieux, "
                         "préavis de 6 mois) est à engager"),
                measure=("Faire constater les refus par le bailleur, engager la procédure L.442-6 avec son préavis "
                         "de 6 mois et en tenir compte dans le calendrier de la démolition"),
                milestone="Refus")


# ---------------------------------------------------------------- HAB-07


@rule("HAB-07", theme=Theme.HABITAT)
def temporary_rehousing_too_long(p: Programme, at: date, params: Params) -> Iterator[Alert]:
    """Yield an orange alert for each demolition with households in temporary rehousing for too long.

    A household *Relogement temporaire* whose *Date d'entrée en relogement temporaire* is
    ``temporary_rehousing_months`` (12) whole months or more before ``at`` (reached fires). The finding gives how
    many, the longest stay and their *N° ménage*. Local practice: the charte de relogement asks for a definitive
    rehousing, and the ANRU kit follows the temporary ones. An empty date is unknown, and quiet.
    Households of abandoned operations are left out; those of a demolition already done still count (the
    temporary stay often lasts until the reconstitution delivers).
    """
    for op, temporary in _by_operation(p, TEMPORARY):
        since = sorted((hh for hh in temporary if hh.temporary_since is not None), key=lambda hh: hh.temporary_since)
        long = [hh for hh in since if whole_months(hh.temporary_since, at) >= params.temporary_rehousing_months]
        if long:
            longest = whole_months(long[0].temporary_since, at)
            yield Alert.for_operation(
                op, severity=Level.ORANGE,
                finding=(f"{_households(len(long))} en relogement temporaire depuis "
                         f"{_quantity(params.temporary_rehousing_months)} mois ou plus ({_named(long)}), le plus "
                         f"ancien depuis le {fr_date(long[0].temporary_since)} ({longest} mois)"),
                measure=("Proposer un relogement définitif à ces ménages en commission de relogement, en priorité "
                         "dans les livraisons de la reconstitution"))
