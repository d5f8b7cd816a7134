"""What the room must take away (decks.md): synthesis, ranked points durs, decisions, dates relative to the séance.

Checked on the shipped master and on a programme ten times larger, by opening the decks as a user reads them.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from bench.generate import write_programme
from opc_excel.cli import main
from opc_excel.cli.commands import DEMO_DECKS
from opc_excel.compute.alerts.registry import RULES
from opc_excel.compute.alerts.words import CODE_WORDS
from opc_excel.fr import fr_date
from opc_excel.model import Level
from opc_excel.pipeline import check_file
from opc_excel.render.decks import build_deck
from opc_excel.situation import Situation
from opc_excel.situation.decisions import decisions
from opc_excel.situation.meeting import meeting_of
from opc_excel.situation.synthesis import messages
from opc_excel.text import plain

TODAY = date(2026, 1, 1)
MASTER = Path(__file__).resolve().parents[1] / "workbooks" / "perseigne_master.xlsx"
CODE = re.compile(r"\b(?:CAL|FIN|HAB|SOC|GOV)-\d\d\b")


@pytest.fixture(scope="module")
def master():
    return check_file(MASTER, at=None, today=TODAY)


@pytest.fixture(scope="module")
def x10(tmp_path_factory):
    return check_file(write_programme(10, tmp_path_factory.mktemp("x10")), at=None, today=TODAY)


def slides(data: bytes):
    return list(Presentation(io.BytesIO(data)).slides)


def title(slide) -> str:
    return plain(slide.shapes.title.text)


def table_rows(slide) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[plain(c.text) for c in row.cells] for row in table.rows]


def slide_starting(deck, start: str):
    return next(s for s in deck if title(s).startswith(start) or start in title(s))


def decisions_slide(deck):
    return next(s for s in deck if re.match(r"\d+ décisions? demandées? en séance", title(s)))


class DescribeThePointsDursSlide:
    @pytest.mark.parametrize("programme", ["master", "x10"])
    def it_shows_the_first_points_durs_in_rank_order_and_counts_every_other_alert(self, programme, request):
        report = request.getfixturevalue(programme)
        situation = Situation.of(report)
        deck = slides(build_deck(report, "point-mensuel", situation=situation))
        points = situation.points_durs
        slide = slide_starting(deck, "points durs dont")
        rows = table_rows(slide)[1:]
        shown = [r for r in rows if r[0] != "…"]
        assert 5 <= len(shown) <= 10
        assert [r[0] for r in shown] == [f"{p.rank} · {p.severity.value}" for p in points[:len(shown)]]
        assert [r[1].split(" — ")[0] for r in shown] == [p.operation_id for p in points[:len(shown)]]
        rest_red = sum(p.severity is Level.ROUGE for p in points[len(shown):])
        assert rows[-1][1] == f"{len(points) - len(shown)} autres points durs dont {rest_red} rouges"
        annex = table_rows(slide_starting(deck, "Annexe"))[1:]
        counted = sum(int(r[1].replace(" ", "")) + int(r[2].replace(" ", "")) for r in annex)
        in_shown = sum(len(p.alerts) for p in points[:len(shown)])
        assert counted + in_shown == len(report.alerts)  # nothing hidden without being counted

    def it_says_every_code_in_words(self, master):
        deck = slides(build_deck(master, "point-mensuel"))
        for start in ("points durs dont", "Annexe"):
            for row in table_rows(slide_starting(deck, start))[1:]:
                for text in row:
                    bare = CODE.sub("", re.sub(r"\((?:CAL|FIN|HAB|SOC|GOV)-\d\d\)", "", text))
                    assert bare == CODE.sub("", bare) and not CODE.search(re.sub(r"\([A-Z]{3}-\d\d\)", "", text))

    def it_takes_the_measure_of_the_cause_of_the_rank(self, master):
        situation = Situation.of(master)
        first = situation.points_durs[0]  # PER-EQP-01: ranked by FIN-11, the DAS after the engagement horizon
        deck = slides(build_deck(master, "point-mensuel", situation=situation))
        row = table_rows(slide_starting(deck, "points durs dont"))[1]
        fin11 = next(a for a in first.alerts if a.code == "FIN-11")
        assert row[2].startswith(plain(first.reason)) and row[3].startswith("DAS après la date limite d'engagement")
        assert plain(fin11.measure)[:60] in row[4]


class DescribeTheCodesInWords:
    def it_has_words_for_every_registered_rule(self):
        assert sorted(CODE_WORDS) == sorted(RULES)


class DescribeDecisions:
    def it_asks_each_meeting_only_what_it_can_decide(self, master):
        situation = Situation.of(master)
        monthly = decisions(situation, meeting_of("point-mensuel", master.programme.params, master.at))
        copil = decisions(situation, meeting_of("copil", master.programme.params, master.at))
        assert monthly and copil
        assert not any(d.question.startswith("Engager la préparation d'un avenant") or "par avenant" in d.question
                       for d in monthly)  # an avenant commits the porteur de projet: the COPIL's
        assert copil[0].question.startswith("Engager la préparation d'un avenant")
        assert {d.decides for d in monthly} == {"Direction de projet"}

    def it_writes_question_recommendation_who_and_when_on_one_slide(self, master):
        deck = slides(build_deck(master, "point-mensuel"))
        slide = decisions_slide(deck)
        rows = table_rows(slide)
        assert rows[0] == ["Décision demandée", "Recommandation", "Qui", "Pour le", "Enjeu"]
        for question, recommendation, who, due, stake in rows[1:]:
            assert question.endswith("?") and recommendation and recommendation not in question
            assert who.startswith("Décide : Direction de projet") and "Agit : " in who
            assert re.fullmatch(r"\d\d/\d\d/\d{4}", due) and stake
        assert "(suite)" not in " ".join(title(s) for s in deck)

    def it_never_asks_to_arbitrate_an_action_with_its_own_words(self, master):
        situation = Situation.of(master)
        for kind in ("point-mensuel", "comite-suivi", "copil", "revue-projet"):
            for decision in decisions(situation, meeting_of(kind, master.programme.params, master.at)):
                assert decision.recommendation.casefold() not in decision.question.casefold()


class DescribeTheSynthesis:
    def it_opens_the_deck_with_three_messages_decisions_and_six_figures(self, master):
        situation = Situation.of(master)
        deck = slides(build_deck(master, "point-mensuel", situation=situation))
        synthesis = deck[1]
        assert title(synthesis).startswith("Synthèse : 15 points durs rouges")
        text = "\n".join(plain(s.text_frame.text) for s in synthesis.shapes if s.has_text_frame)
        red = sum(a.severity is Level.ROUGE for a in master.alerts)
        assert f"{red}\nAlertes rouges" in text and "+5 depuis le 30/06/2011" in text
        decisions_title = title(decisions_slide(deck))
        count = int(decisions_title.split()[0])
        assert f"{count} décisions demandées en séance" in title(synthesis)  # one figure, one value

    def it_never_paints_green_an_engagement_behind_the_calendar(self, master):
        message = messages(Situation.of(master))[0]
        assert message.text.startswith("Engagement ANRU : 6 points sous le calendrier des DAS")
        assert message.status != "vert"


class DescribeTheSeance:
    def it_defaults_to_the_next_meeting_of_that_kind(self, master):
        params = master.programme.params
        assert meeting_of("point-mensuel", params, master.at).day == params.next_monthly_point
        assert meeting_of("reunion-restreinte", params, master.at, theme="sociale").day == master.at

    def it_dates_deadlines_and_actions_from_the_seance_and_never_lists_the_meeting_itself(self, master):
        params = master.programme.params
        deck = slides(build_deck(master, "point-mensuel", seance=params.next_monthly_point))
        deadlines = slide_starting(deck, "échéances d'ici")
        rows = table_rows(deadlines)[1:]
        assert not any(r[1] == "Point mensuel" and r[0] == fr_date(params.next_monthly_point) for r in rows)
        seance = params.next_monthly_point
        early = [r for r in rows if r[0] != "…" and date(*map(int, reversed(r[0].split("/")))) < seance]
        assert early and all(r[3].startswith("Avant la séance") for r in early)
        assert f"avant la séance du {fr_date(params.next_monthly_point)}" in title(deadlines)

    def it_takes_a_later_seance_from_the_command_line(self, tmp_path):
        out = tmp_path / "pm.pptx"
        status = main(["deck", "point-mensuel", str(MASTER), "--seance", "15/11/2011", "--out", str(out)],
                      today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
        assert status == 0
        deck = slides(out.read_bytes())
        assert "Séance du 15/11/2011 · situation au 30/09/2011" in plain(deck[0].placeholders[1].text_frame.text)
        assert title(slide_starting(deck, "à la séance")).endswith("d'ici le 15/12/2011")

    def it_refuses_a_seance_before_the_date_de_situation(self, tmp_path):
        err = io.StringIO()
        status = main(["deck", "copil", str(MASTER), "--seance", "01/09/2011", "--out", str(tmp_path / "c.pptx")],
                      today=TODAY, stdout=io.StringIO(), stderr=err)
        assert status == 2 and "précède la date de situation du 30/09/2011" in plain(err.getvalue())
        assert not (tmp_path / "c.pptx").exists()


class DescribeDecksAtScale:
    @pytest.mark.parametrize(("kind", "theme"), DEMO_DECKS, ids=[f"{k}-{t}" if t else k for k, t in DEMO_DECKS])
    def it_keeps_a_deck_within_one_and_a_half_times_its_length_on_a_programme_ten_times_larger(
            self, master, x10, kind, theme):
        small = len(slides(build_deck(master, kind, theme=theme)))
        large = len(slides(build_deck(x10, kind, theme=theme)))
        assert large <= 1.5 * small, (small, large)  # by aggregating (famille, top N by stake), not by continuing


class DescribeWhatTheRoomReads:
    @pytest.mark.parametrize("programme", ["master", "x10"])
    def it_never_sends_the_room_to_a_sheet_nor_writes_an_s_in_brackets(self, programme, request):
        report = request.getfixturevalue(programme)
        situation = Situation.of(report)
        for kind, theme in DEMO_DECKS:
            for slide in slides(build_deck(report, kind, theme=theme, situation=situation)):
                texts = [plain(s.text_frame.text) for s in slide.shapes if s.has_text_frame]
                texts += [plain(c.text) for s in slide.shapes if s.has_table for r in s.table.rows for c in r.cells]
                for text in texts:
                    assert "(s)" not in text and "voir la feuille Alertes" not in text, (kind, title(slide), text)

    def it_shows_an_operation_once_in_the_points_durs(self, master):
        for kind, theme in DEMO_DECKS:
            deck = slides(build_deck(master, kind, theme=theme))
            slide = next((s for s in deck if re.match(r"\d+ points? durs?", title(s))), None)
            if slide is None:  # the COPIL says its risks in its synthesis and semester slides
                assert kind == "copil"
                continue
            rows = table_rows(slide)[1:]
            ids = [r[1].split(" — ")[0].split(" (")[0] for r in rows if r[0] != "…"]
            assert len(ids) == len(set(ids)), (kind, theme, ids)
