"""The package reads as the pipeline: imports run one way, from the front ends down to the model.

front ends (cli, server) → pipeline → output sheets, rendering → report → compute → checks, read → base.
Every import of every module counts, at the top or inside a function: a lazy import that goes
up the pipeline is still a cycle in the design.
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
from pathlib import Path

import pytest

import opc_excel

PACKAGE_DIR = Path(opc_excel.__file__).resolve().parent
BASE = {"opc_excel", "opc_excel.model", "opc_excel.errors", "opc_excel.text", "opc_excel.fr", "opc_excel.cancel",
        "opc_excel.files", "opc_excel.words"}
LAYERS = {  # a module's layer -> the layers it may import (its own included)
    "base": {"base"},
    "read": {"base", "read"},
    "checks": {"base", "read", "checks"},
    "compute": {"base", "read", "compute"},
    "report": {"base", "read", "compute", "report"},
    "sheets": {"base", "read", "compute", "report", "sheets"},
    "render": {"base", "read", "compute", "report", "render"},
    "pipeline": {"base", "read", "checks", "compute", "report", "sheets", "render", "pipeline"},
    "front": {"base", "read", "checks", "compute", "report", "sheets", "render", "pipeline", "front"},
    "demo": {"base", "read", "checks", "compute", "report", "sheets", "render", "pipeline", "demo"},
}
ROOMS = {"read": "read", "checks": "checks", "compute": "compute", "report": "report", "situation": "report",
         "sheets": "sheets",
         "render": "render", "pipeline": "pipeline", "cli": "front", "server": "front", "demo": "demo"}
MAX_LINES = 400
DECKS = {f"opc_excel.render.decks.{name}"  # one module per deck kind: shared slides live beside them, not in a sibling
         for name in ("point_mensuel", "comite_suivi", "copil", "revue_projet", "reunion_restreinte")}
DATA_TABLES = {"opc_excel.demo.data"}  # the illustrative programme: a table of values, not logic


def layer_of(module: str) -> str:
    if module in BASE:
        return "base"
    room = module.split(".")[1]
    if room not in ROOMS:
        raise AssertionError(f"{module}: a module outside the rooms of the pipeline (add it to a room)")
    return ROOMS[room]


def modules() -> list[str]:
    found = ["opc_excel"]
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="opc_excel."):
        if ".project" not in info.name:  # xlwings Server's project folder: loaded by xlwings Server itself
            found.append(info.name)
    return sorted(found)


def source_of(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package = PACKAGE_DIR / relative / "__init__.py"
    return package if package.exists() else (PACKAGE_DIR / relative).with_suffix(".py")


def imports_of(module: str) -> set[str]:
    """Return the opc_excel modules ``module`` imports, anywhere in its code."""
    tree = ast.parse(source_of(module).read_text(encoding="utf-8"))
    is_package = source_of(module).name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("opc_excel")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".") if is_package else module.split(".")[:-1]
                base = ".".join(parent[:len(parent) - node.level + 1] + ([base] if base else []))
            if not base.startswith("opc_excel"):
                continue
            for alias in node.names:  # « from opc_excel.read import contract » imports the module contract
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in ALL_MODULES else base)
    return found - {module}


ALL_MODULES = set(modules())


class DescribeTheLayout:
    @pytest.mark.parametrize("module", sorted(ALL_MODULES))
    def it_imports_each_module_on_its_own(self, module):
        if module.startswith("opc_excel.server."):  # xlwings Server reads its settings when first imported
            os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # tests and local dev only, see README
            from opc_excel.server.app import configure_environment

            configure_environment(local=True)
        importlib.import_module(module)

    @pytest.mark.parametrize("module", sorted(ALL_MODULES))
    def it_imports_only_down_the_pipeline(self, module):
        allowed = LAYERS[layer_of(module)]
        wrong = sorted(m for m in imports_of(module) if layer_of(m) not in allowed)
        assert not wrong, f"{module} ({layer_of(module)}) imports {wrong}"

    @pytest.mark.parametrize("module", sorted(DECKS))
    def it_builds_each_deck_without_borrowing_from_another(self, module):
        assert module in ALL_MODULES
        borrowed = sorted(imports_of(module) & DECKS)
        assert not borrowed, f"{module} imports {borrowed}: move what they share to a shared module"

    def it_has_no_import_cycle(self):
        graph = {module: imports_of(module) & ALL_MODULES for module in ALL_MODULES}
        state: dict[str, str] = {}

        def visit(module: str, path: list[str]) -> None:
            state[module] = "open"
            for target in sorted(graph[module]):
                if state.get(target) == "open":
                    raise AssertionError(" → ".join(path[path.index(target):] + [module, target]))
                if target not in state:
                    visit(target, path + [module])
            state[module] = "done"

        for module in sorted(graph):
            if module not in state:
                visit(module, [])

    @pytest.mark.parametrize("module", sorted(ALL_MODULES - DATA_TABLES))
    def it_keeps_each_module_readable_in_one_sitting(self, module):
        lines = len(source_of(module).read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{module}: {lines} lines; split it by what it does"

    @pytest.mark.parametrize("module", sorted(m for m in ALL_MODULES if source_of(m).name == "__init__.py"))
    def it_says_in_each_package_what_it_holds(self, module):
        assert (importlib.import_module(module).__doc__ or "").strip(), f"{module}: no docstring"
