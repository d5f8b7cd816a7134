"""The alert catalogue checks itself: every code of domain.md, each documented, tested firing and quiet."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from opc_excel.compute.alerts import OBSERVED, RULES
from opc_excel.model import ProgrammeKind, Theme

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "design" / "domain.md"
CODES = (  # a new rule adds its code on a line of its own at the end, and takes it out of PLANNED
    "CAL-01", "CAL-02", "CAL-03", "CAL-04", "CAL-05", "CAL-06", "CAL-07", "CAL-08",
    "FIN-01", "FIN-02", "FIN-03", "FIN-04", "FIN-05", "FIN-06", "FIN-07", "FIN-08", "FIN-09", "FIN-10", "FIN-11",
    "HAB-01", "HAB-02", "HAB-03", "HAB-04", "HAB-05",
    "SOC-01", "SOC-02",
    "GOV-01", "GOV-02", "GOV-03",
    "GOV-04",
    "FIN-12",
    "FIN-13",
    "HAB-06",
    "HAB-07",
)
PLANNED = (
)
"""Codes the design added on 2026-12-04 and issue #12 implements: each moves to CODES with its rule and tests."""
THEMES = {"CAL": {Theme.CALENDRIER}, "FIN": {Theme.FINANCIER}, "HAB": {Theme.HABITAT}, "SOC": {Theme.SOCIAL},
          "GOV": {Theme.GOUVERNANCE}}
FRENCH = re.compile(r"\b(le|la|les|de|du|des|au|aux|sur|pour|non|dont|depuis|avant|après)\b", re.IGNORECASE)
RULE_TESTS = ("tests.test_alerts_calendrier", "tests.test_alerts_financier",
              "tests.test_alerts_habitat_social_gouvernance")



class DescribeTheCatalogue:
    def it_registers_every_code_of_the_domain_once(self):
        assert sorted(RULES) == sorted(CODES)
        if DOMAIN.is_file():  # the design document is the source of truth when it is beside the project
            designed = set(re.findall(r"^\| ([A-Z]{3}-\d{2}) \|", DOMAIN.read_text("utf-8"), re.M))
            assert sorted(designed - set(PLANNED)) == sorted(CODES)
            assert set(PLANNED) <= designed, "a planned code left the design: drop it from PLANNED"

    @pytest.mark.parametrize("code", CODES)
    def it_documents_each_rule_under_its_theme(self, code):
        registered = RULES[code]
        assert registered.theme in THEMES[code[:3]]
        assert len(registered.description) > 40, f"{code}: the docstring must say what the rule yields"

    def it_runs_npnru_only_rules_only_for_npnru(self):
        assert {c for c, r in RULES.items() if r.programmes == {ProgrammeKind.NPNRU}} == {"HAB-02"}


class DescribeWhatTheRuleTestsShowed:
    """Read after every other test (tests/conftest.py orders it last)."""

    @pytest.fixture(autouse=True)
    def _rule_tests_ran(self):
        if not all(name in sys.modules for name in RULE_TESTS):
            pytest.skip("run the whole suite: this checks what the rule tests observed")

    @pytest.mark.parametrize("code", CODES)
    def it_has_a_test_where_the_rule_fires_and_one_where_it_stays_quiet(self, code):
        assert True in OBSERVED[code], f"{code} never fired in the tests"
        assert False in OBSERVED[code], f"{code} never stayed quiet in the tests"

    @pytest.mark.parametrize("code", CODES)
    def it_words_its_finding_in_french_with_figures(self, code):
        finding = OBSERVED[code].get(True, "")
        assert (finding[:1].isupper() or finding[:1].isdigit()) and FRENCH.search(finding), finding
        assert re.search(r"\d", finding), f"{code}: a finding gives its figures or dates: {finding}"
