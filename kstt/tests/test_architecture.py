"""The shape of the code: the rules are pure (no Django), so they are tested without a database."""

import ast
from pathlib import Path

KSTT = Path(__file__).resolve().parents[1]


def _rule_modules() -> list[Path]:
    return sorted([*KSTT.glob("*/rules.py"), *KSTT.glob("*/rules/*.py")])


def test_there_are_rule_modules_to_check():
    assert len(_rule_modules()) >= 6


def test_rules_import_nothing_of_django():
    offenders = []
    for path in _rule_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(KSTT)}: {n}" for n in names if n.split(".")[0] in {"django", "rest_framework"}
            ]
    assert offenders == []


# --- The layers (style.md §12): imports only point down, held by import-linter's contract in pyproject.toml ---

PYPROJECT = KSTT.parent / "pyproject.toml"


def _layers_contract() -> dict:
    import tomllib

    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers" and "containers" not in c]
    return contract


def _named_in(layer: str) -> set[str]:
    return {name.strip().strip("()") for name in layer.replace(":", "|").split("|")}


def test_the_layers_hold():
    """The contract `make lint` checks, kept here too: an import from a layer to one above it fails the suite."""
    from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == EXIT_STATUS_SUCCESS


def test_every_app_and_top_level_module_has_its_layer():
    """What the contract cannot say by itself: a new app or top-level module must be given a place, else its
    imports would go unchecked (and a loop could pass through it)."""
    named = set().union(*(_named_in(layer) for layer in _layers_contract()["layers"]))
    packages = {p.parent.name for p in KSTT.glob("*/__init__.py")} - {"tests"}
    modules = {p.stem for p in KSTT.glob("*.py")} - {"__init__"}
    assert {f"kstt.{name}" for name in packages | modules} - named == set()
    assert named - {f"kstt.{name}" for name in packages | modules} == set()  # no layer names a module that is gone


def test_only_the_tests_are_ignored():
    """An exception to the layers is a fix not made: the contracts ignore the tests' imports and nothing else."""
    import tomllib

    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    assert len(contracts) >= 2
    assert [c.get("ignore_imports") for c in contracts] == [["kstt.*.tests.** -> kstt.**"]] * len(contracts)
