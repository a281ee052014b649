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
