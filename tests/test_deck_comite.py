"""The comité de suivi as the partners read it (issue #13): findings as titles, synthesis first, every list on one
slide with what is left out counted, dates relative to the séance, tiles coloured only by a rule's threshold.

Checked on the shipped master (séance 20/10/2011, situation 30/09/2011) and on a programme ten times larger.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pptx import Presentation

from bench.generate import write_programme
from opc_excel.compute.schedule import add_months
from opc_excel.fr import fr_date
from opc_excel.model import Level
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.render.decks.common import DeckInput
from opc_excel.render.decks.look import LIGHT, STATUS_LIGHT
from opc_excel.situation.formats import pct
from opc_excel.situation.schedule import launch_blockers, launches_within
from opc_excel.situation.synthesis import key_figures
from opc_excel.text import plain

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
SEANCE = date(2011, 10, 20)  # the master's *Prochain comité de suivi*
TOPICS = {"Ordre du jour", "Chiffres clés", "Courbe en S ANRU", "Avancement par famille", "Points durs",
          "Avancement et subvention par quartier", "À lancer dans les 6 mois", "Relogement et insertion",
          "Décisions demandées au comité", "Prochaines dates"}
FILL = {str(rgb): name for name, rgb in STATUS_LIGHT.items()} | {str(LIGHT): None}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    return {"master": check_file(MASTER, at=None, today=TODAY),
            "x10": check_file(write_programme(10, tmp_path_factory.mktemp("x10")), at=None, today=TODAY)}


@pytest.fixture(scope="module")
def decks(reports) -> dict:
    return {name: list(Presentation(io.BytesIO(build_deck(report, "comite-suivi"))).slides)
            for name, report in reports.items()}


def data_of(reports, name: str) -> DeckInput:
    return DeckInput(reports[name], kind="comite-suivi")


def title(slide) -> str:
    return plain(slide.shapes.title.text) if slide.shapes.title is not None else ""


def titled(deck, pattern: str):
    [slide] = [s for s in deck if re.search(pattern, title(s))]
    return slide


def rows(slide) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[plain(c.text) for c in row.cells] for row in list(table.rows)[1:]]


def fills(slide, column: int) -> list[str | None]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [FILL.get(str(row.cells[column].fill.fore_color.rgb)) if row.cells[column].fill.type else None
            for row in list(table.rows)[1:]]


def day(text: str) -> date:
    return datetime.strptime(text[:10], "%d/%m/%Y").date()


class DescribeTheDeck:
    def it_opens_on_the_synthesis_and_states_findings_in_its_titles(self, decks):
        for deck in decks.values():
            assert title(deck[1]).startswith("Synthèse : ")
            assert not TOPICS & {title(s) for s in deck}

    def it_keeps_every_list_on_one_slide_within_the_slide_counts(self, decks):
        master, x10 = len(decks["master"]), len(decks["x10"])
        assert 12 <= master <= 18 and x10 <= 1.5 * master
        for deck in decks.values():
            assert not [title(s) for s in deck if title(s).endswith("(suite)") and "Calendrier" not in title(s)]


class DescribeTheActionsFollowed:
    def it_puts_the_actions_late_at_the_seance_first_and_counts_them_in_the_title(self, decks, reports):
        slide = titled(decks["master"], r"^Suite du comité du 08/09/2011")
        table = rows(slide)
        late = [r[0] for r in table if r[5].startswith(("En retard", "Échue avant la séance"))]
        assert late == [r[0] for r in table[:len(late)]]  # late ones first
        assert "ACT-028" in late  # due 07/10/2011: after the situation, before the séance of the 20/10
        assert title(slide) == f"Suite du comité du 08/09/2011 : {len(late)} actions en retard sur {len(table)}, " \
                               f"aucune soldée"

    def it_counts_the_actions_left_out_by_state_on_a_large_programme(self, decks, reports):
        _, actions = data_of(reports, "x10").situation.followed_actions
        table = rows(titled(decks["x10"], r"^Suite du comité"))
        counted = sum(int(n) for n in re.findall(r"× (\d+)", table[-1][5]))
        assert table[-1][2].startswith("… et ") and len(table) - 1 + counted == len(actions)


class DescribeTheLaunches:
    @pytest.mark.parametrize("name", ["master", "x10"])
    def it_shows_the_blocked_first_and_counts_every_blocked_launch(self, decks, reports, name):
        data = data_of(reports, name)
        far = add_months(SEANCE, 6)
        launches = [t for t in launches_within(data.situation, 12) if t.planned_start <= far]
        blocked = [t for t in launches if launch_blockers(data.situation, t)]
        slide = titled(decks[name], r"opérations? bloquées? sur \d+ à lancer")
        assert title(slide).startswith(f"{len(blocked)} opérations bloquées sur {len(launches)} à lancer d'ici le "
                                       f"{fr_date(far)}")
        table = rows(slide)
        listed = [r for r in table if not r[0].startswith("… et ")]
        shown_blocked = [r for r in listed if r[4] != "aucun"]
        assert listed[:len(shown_blocked)] == shown_blocked  # no free launch before a blocked one
        counted = re.search(r"dont (\d+) bloquée", table[-1][4]) if len(listed) < len(table) else None
        assert len(shown_blocked) + (int(counted.group(1)) if counted else 0) == len(blocked)
        if name == "x10":
            assert counted and "DAS caduque × " in table[-1][4]  # the hidden blocked ones counted by blocker

    def it_runs_the_horizon_from_the_seance_and_flags_a_start_due_before_it(self, reports):
        seance = date(2011, 12, 15)
        deck = list(Presentation(io.BytesIO(build_deck(reports["master"], "comite-suivi", seance=seance))).slides)
        slide = titled(deck, r"à lancer d'ici le")
        assert f"d'ici le {fr_date(add_months(seance, 6))}" in title(slide)
        table = rows(slide)
        before = [r for r in table if r[2][:2].isdigit() and day(r[2]) < seance]
        assert before and all(r[3] == "dépassé à la séance" for r in before)


class DescribeThePointsDurs:
    def it_hides_no_red_point_dur_without_counting_it(self, decks, reports):
        data = data_of(reports, "x10")
        points = data.points_durs
        table = rows(titled(decks["x10"], r"points durs dont \d+ rouges : les \d+ premiers"))
        shown = [r for r in table if r[0] != "…"]
        red = sum(p.severity is Level.ROUGE for p in points[len(shown):])
        assert table[-1][1] == f"{len(points) - len(shown)} autres points durs dont {red} rouges"
        annex = titled(decks["x10"], r"^Annexe : ")
        assert re.match(r"Annexe : [\d  ]+ autres alertes dont [\d  ]+ rouges, par thème", title(annex))


class DescribeTheTiles:
    def it_leaves_the_share_rehoused_neutral_though_a_demolition_is_red(self, decks, reports):
        data = data_of(reports, "master")
        assert any(a.code == "CAL-05" and a.severity is Level.ROUGE for a in data.alerts)
        slide = titled(decks["master"], r"des ménages relogés")
        tile = next(s for s in slide.shapes if s.has_text_frame and "Ménages relogés (352 sur 403)" in plain(s.text))
        assert plain(tile.text).startswith(pct(data.indicators.rehousing.rehoused_percent))  # 87 %
        assert tile.fill.fore_color.rgb == LIGHT
        assert "La part relogée n'a pas de seuil" in plain(slide.notes_slide.notes_text_frame.text)

    def it_colours_engagement_as_the_synthesis_does(self, decks, reports):
        data = data_of(reports, "master")
        status = next(t.status for t in key_figures(data.situation) if t.label == "Subvention ANRU engagée")
        slide = titled(decks["master"], r"opérations lancées sur")
        tile = next(s for s in slide.shapes if s.has_text_frame and "Subvention ANRU engagée" in plain(s.text))
        assert tile.fill.fore_color.rgb == (STATUS_LIGHT[status] if status else LIGHT)
        assert "FIN-09" in plain(slide.notes_slide.notes_text_frame.text)


class DescribeTheNextDates:
    def it_lists_what_comes_after_the_seance_never_the_comite_itself_and_flags_what_falls_due_before(self, decks):
        slide = titled(decks["master"], r"échéances? après la séance du 20/10/2011")
        table = rows(slide)
        dated = [(day(r[0]), r) for r in table if r[0][:2].isdigit()]
        assert not [r for d, r in dated if r[1] == "Comité de suivi" and d == SEANCE]
        assert all(d > SEANCE for d, r in dated if r[2] == "Programme")
        before = [r for d, r in dated if d < SEANCE]
        assert before and all(r[3].startswith("Échue avant la séance") for r in before)
        assert set(fills(slide, 0)[:len(before)]) == {"orange"}
        assert title(slide).endswith(f"et {len(before)} échues avant elle")

    def it_keeps_the_meetings_when_the_deadlines_are_cut_on_a_large_programme(self, decks):
        table = rows(titled(decks["x10"], r"échéances? après la séance"))
        assert {"Revue de projet", "Comité de pilotage", "Point d'étape"} <= {r[1] for r in table}
        assert table[-1][1].startswith("… et ")
