"""The comité de pilotage's summary: commitments with their status, achievements, risks, decisions.

Every sentence is built from an indicator, a change or an alert, never typed; the rules are in the docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass

from opc_excel.compute.alerts.words import code_words
from opc_excel.compute.points_durs import STAKE_CODES, PointDur
from opc_excel.fr import fr_date, fr_number, fr_percent
from opc_excel.model import Alert
from opc_excel.read import contract
from opc_excel.situation.facts import Facts
from opc_excel.situation.formats import meur, pct, plural, ratio, signed_percent
from opc_excel.situation.schedule import SLIP_PREFERENCE
from opc_excel.situation.selections import (
    RECONSTITUTION,
    alerts_of,
    recent_housing_target,
    reconstitution_goal,
    severity_status,
)
from opc_excel.text import NAME_CAP, shorten

SUMMARY_ITEMS = 3


CALENDAR_CODES_COVERED_BY_AVENANT = frozenset({"CAL-01", "CAL-02", "CAL-03"})


BLOCKED_ACTION_CODE = "GOV-03"


@dataclass(frozen=True)
class Commitment:
    """A commitment of the convention: its name and the alert codes that tell whether it is kept."""

    name: str
    codes: tuple[str, ...]


COMMITMENTS = (
    # status = the worst alert of these codes: rouge if any is red, orange if any is orange, else vert.
    Commitment("Calendrier de la convention", ("CAL-01", "CAL-02", "CAL-03", "CAL-04")),
    Commitment(RECONSTITUTION, ("HAB-01", "HAB-02")),
    Commitment("Relogement des ménages", ("HAB-03", "HAB-04", "HAB-06", "HAB-07", "CAL-05")),
    Commitment("Insertion par l'économique", ("SOC-01",)),
    Commitment("Gestion urbaine de proximité (GUP)", ("SOC-02",)),
)


def compliance(data: Facts) -> list[tuple[Commitment, str, str, list[Alert]]]:
    """Return, for each commitment, (commitment, status, evidence sentence, its alerts).

    The status is the worst of the commitment's alerts (rouge, orange); with none, vert when the workbook
    measures the commitment (an avancement, demolitions planned, households, insertion hours, a GUP end
    date) and gris when it does not.
    """
    ind, params = data.indicators, data.params
    rec, hh, ins = ind.reconstitution, ind.rehousing, ind.insertion
    gup = params.gup_end
    evidence = {
        COMMITMENTS[0].name:
            f"Avancement {pct(ind.progress_pct)} pour {pct(ind.planned_progress_pct)} prévu "
            f"(indice d'avancement {ratio(ind.spi)}) ; "
            f"{pct(ind.launched_pct)} des opérations lancées ({fr_number(ind.operations_launched)} sur "
            f"{fr_number(ind.operations)})",
        COMMITMENTS[1].name:
            f"{plural(rec.rebuilt_planned, 'logement reconstitué', 'logements reconstitués')} prévus pour "
            f"{fr_number(rec.demolished_planned)} "
            f"démolis, {reconstitution_goal(data)} ; démarrés : {fr_number(rec.rebuilt_started)} pour "
            f"{fr_number(rec.demolished_started)} ; livrés : {fr_number(rec.rebuilt_delivered)} pour "
            f"{fr_number(rec.demolished_delivered)}",
        COMMITMENTS[2].name:
            f"{plural(hh.rehoused, 'ménage relogé', 'ménages relogés')} sur {fr_number(hh.to_rehouse)} "
            f"({pct(hh.rehoused_percent)}) ; "
            f"{pct(hh.new_or_recent_percent)} en logement neuf ou récent ({recent_housing_target(data)}) ; "
            f"reste à charge médian "
            f"{signed_percent(hh.median_rest_to_pay_change_pct)}",
        COMMITMENTS[3].name:
            f"{fr_number(ins.insertion_done)} heures d'insertion réalisées, {pct(ins.done_of_planned_pct)} des heures "
            f"prévues et {pct(ins.done_of_target_pct)} de l'objectif de {fr_percent(params.insertion_target_pct)} "
            f"des heures travaillées ; travaux concernés avancés à {pct(ins.works_progress_pct)}",
        COMMITMENTS[4].name:
            "Date de fin de la convention GUP non renseignée (Paramètres)" if gup is None
            else f"Convention GUP en vigueur jusqu'au {fr_date(gup)}" if gup >= data.at
            else f"Convention GUP échue le {fr_date(gup)}",
    }
    measured = {
        COMMITMENTS[0].name: ind.progress_pct is not None,
        COMMITMENTS[1].name: rec.demolished_planned > 0,
        COMMITMENTS[2].name: hh.to_rehouse > 0,
        COMMITMENTS[3].name: ins.done_of_planned_pct is not None or ins.done_of_target_pct is not None,
        COMMITMENTS[4].name: gup is not None,
    }
    rows = []
    for commitment in COMMITMENTS:
        found = alerts_of(data, commitment.codes)
        status = severity_status(found) if found else "vert" if measured[commitment.name] else "gris"
        rows.append((commitment, status, evidence[commitment.name], found))
    return rows


# The subjects an achievement and a risk may share: a subject is never both (the relogement of a programme is
# not a success while a point dur about its households is a risk). Each alert code belongs to one subject.
SUBJECT_CODES: dict[str, frozenset[str]] = {
    "calendrier": frozenset({"CAL-01", "CAL-02", "CAL-03", "CAL-04"}),
    "reconstitution": frozenset({"HAB-01", "HAB-02"}),
    "relogement": frozenset({"HAB-03", "HAB-04", "HAB-06", "HAB-07", "CAL-05"}),
    "insertion": frozenset({"SOC-01"}),
    "gup": frozenset({"SOC-02"}),
    "engagement": frozenset({"FIN-09", "FIN-11", "FIN-13"}),
}
COMMITMENT_SUBJECTS = dict(zip((c.name for c in COMMITMENTS),
                               ("calendrier", "reconstitution", "relogement", "insertion", "gup"), strict=True))


def risk_subjects(point: PointDur) -> set[str]:
    """Return the subjects of a point dur: those of its alerts' codes, « relogement » when households wait."""
    found = {subject for subject, codes in SUBJECT_CODES.items() if codes & set(point.codes)}
    return found | ({"relogement"} if point.households else set())


def achievements(data: Facts) -> list[str]:
    """Return up to three achievements, the first that hold in this order, none on a subject at risk.

    1. Deliveries and works starts reached since the previous date de situation (*Historique jalons*).
    2. ANRU engagement at or above the planned S-curve (engagement gap ≥ 0) — subject « engagement ».
    3. Each commitment of :data:`COMMITMENTS` whose status is vert, with its evidence figure.
    4. Households rehoused (when any, « relogement »), 5. rebuilt dwellings delivered (« reconstitution »),
       6. operations launched (« calendrier »).

    An achievement whose subject is that of one of the :func:`risks` (:func:`risk_subjects`), or of a
    commitment rated rouge, is left out: an item is never both a success and a risk.
    """
    ind = data.indicators
    rated = compliance(data)
    barred = set().union(*(risk_subjects(p) for p in data.points_durs[:SUMMARY_ITEMS]))
    barred |= {COMMITMENT_SUBJECTS[c.name] for c, status, _, _ in rated if status == "rouge"}
    found: list[tuple[str | None, str]] = []
    if data.changes is not None:
        reached = [c for c in data.changes.milestones_reached if c.milestone in SLIP_PREFERENCE]
        deliveries = sum(c.milestone == contract.DELIVERY for c in reached)
        if reached:
            found.append((None, f"{plural(deliveries, 'livraison')} et "
                                f"{plural(len(reached) - deliveries, 'démarrage')} de travaux depuis le "
                                f"{fr_date(data.changes.since)}"))
    if ind.engagement_gap_points is not None and ind.engagement_gap_points >= 0:
        found.append(("engagement", f"Subvention ANRU engagée à {pct(ind.anru.engaged_pct)} "
                                    f"({meur(ind.anru.engaged)}), au-dessus des {pct(ind.planned_engagement_pct)} "
                                    f"prévus"))
    for commitment, status, evidence, _ in rated:
        if status == "vert":
            found.append((COMMITMENT_SUBJECTS[commitment.name], f"{commitment.name} : {evidence}"))
    if ind.rehousing.rehoused:
        found.append(("relogement", f"{plural(ind.rehousing.rehoused, 'ménage relogé', 'ménages relogés')} sur "
                                    f"{fr_number(ind.rehousing.to_rehouse)} ({pct(ind.rehousing.rehoused_percent)})"))
    if ind.reconstitution.rebuilt_delivered:
        found.append(("reconstitution", plural(ind.reconstitution.rebuilt_delivered, "logement reconstitué livré",
                                               "logements reconstitués livrés")))
    if ind.operations_launched:
        found.append(("calendrier", f"{plural(ind.operations_launched, 'opération lancée', 'opérations lancées')} "
                                    f"sur {fr_number(ind.operations)} ({pct(ind.launched_pct)})"))
    return [text for subject, text in found if subject not in barred][:SUMMARY_ITEMS]


MAX_RISK_WORDS = 2


def risks(data: Facts) -> list[str]:
    """Return the three first points durs, ranked by stake, each with its operation, the reason of its rank and
    its other alerts in words (« aussi : … », at most two, the others counted; never a bare code).

    The same ranking as the *Rang* column of *Alertes* (:mod:`opc_excel.compute.points_durs`): ANRU subsidy
    at risk, then households waiting, months of slip against the baseline, decisions overdue.
    """
    found = []
    for point in data.points_durs[:SUMMARY_ITEMS]:
        label = shorten(point.label, NAME_CAP)  # a name, like everywhere a deck quotes a libellé
        where = f"{point.operation_id} — {label}" if point.operation_id else label
        cause = STAKE_CODES.get(point.kind, ())
        words = list(dict.fromkeys(code_words(c) for c in point.codes if c not in cause))
        more = f" et {plural(len(words) - MAX_RISK_WORDS, 'autre')}" if len(words) > MAX_RISK_WORDS else ""
        also = f" ; aussi : {', '.join(words[:MAX_RISK_WORDS])}{more}" if words else ""
        found.append(f"{where} : {point.reason}{also}")
    return found
