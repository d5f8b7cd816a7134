"""Test-session wiring: the catalogue's self-check runs after every rule test."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tests/test_catalogue.py reads what the rule tests observed: it must run last.
    items.sort(key=lambda item: item.nodeid.startswith("tests/test_catalogue.py"))
