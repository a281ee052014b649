"""Data forms (biểu mẫu) as catalogue data (forms.md): a form, or a new version of one, is a TOML file
under ``definitions/forms/``, never code. ``parse_form_spec`` validates a definition, naming the path of
any mistake; ``check_form`` evaluates its rules with ``simpleeval`` and returns every failing cell;
``figure_findings`` names the cells that are not figures (rules.md §5: a whole number from 0 to the
form's ``ceiling``), which block a submission; ``check_previous`` compares a period with the unit's
previous one (R7, the form's ``[[carry]]``).
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from simpleeval import SimpleEval

LEVELS = ("province", "department", "district", "commune")
SEVERITIES = ("error", "warning")
SCOPES = ("cell", "row", "column")
ROW_SOURCES = ("procedure_fields", "units")
KINDS = ("count",)
REQUIRED = "required"  # the rule id of a finding on an empty required cell
FIGURE = "figure"  # the rule id of a finding on a cell that is not a figure (rules.md §5): it blocks submission
TOTAL = "total"  # the row key of a finding on the total row
#: The ceiling of a form that names none: nine digits, far above any count of dossiers or procedures.
DEFAULT_CEILING = 999_999_999
#: The highest ceiling a form may name: fifteen digits, as many as a spreadsheet keeps exactly.
MAX_CEILING = 10**15 - 1

_KEY = re.compile(r"[a-z][a-z0-9_]*")
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+\.[0-9]+")


class FormSpecError(ValueError):
    """A form definition is not valid; the message starts with the path, e.g. ``rules[2].expr: ...``."""


def is_whole(value: object) -> bool:
    """An int, or a text / Decimal written without decimals ("1.000" may mean a thousand in Vietnamese)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return isinstance(exponent, int) and exponent >= 0
    return isinstance(value, int) or (isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()) is not None)


def is_figure(value: object, ceiling: int) -> bool:
    """A figure (rules.md §5): a whole number from 0 to ``ceiling`` held as a number (an int: never a
    bool, a text such as "12" or a float such as 12.0, which a draft may hold as typed)."""
    return type(value) is int and 0 <= value <= ceiling


FUNCTIONS: Mapping[str, Callable[..., Any]] = {"sum": sum, "min": min, "max": max, "abs": abs, "is_whole": is_whole}
# The names a cell or column rule may use besides the functions; a row rule uses the column keys.
_BINDINGS = {"cell": frozenset({"value"}), "column": frozenset({"total", "rows"})}
_RESERVED = frozenset(FUNCTIONS) | _BINDINGS["cell"] | _BINDINGS["column"]
# How a one-argument call reads in a message: sum(rows) -> "tổng cột 3 của các dòng".
_PHRASES = {"sum": "tổng", "min": "giá trị nhỏ nhất của", "max": "giá trị lớn nhất của", "abs": "trị tuyệt đối của"}
# The syntax a rule may use; calls, names and constants are further checked on their own.
_NODES = (
    ast.BoolOp, ast.And, ast.Or, ast.Not, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.UnaryOp, ast.USub, ast.UAdd,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Call, ast.Name, ast.Load, ast.Constant,
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    key: str
    number: int  # as printed in the column-number row
    heading: str
    group: str = ""
    required: bool = True
    kind: str = "count"


@dataclass(frozen=True)
class Rule:
    id: str
    expr: str
    severity: str  # "error" | "warning"
    scope: str  # "cell" | "row" | "column"
    message: str  # Vietnamese, for a non-technical reporter
    cell: str | None = None  # scope "row": the column the finding points at (default: the first one named)


@dataclass(frozen=True)
class Carry:
    """A column that carries over between periods: ``to`` in period N equals ``from`` in period N−1 (R7)."""

    source: str  # the column of the previous period ("from" in the file), e.g. pending_total
    target: str  # the column of this period ("to" in the file), e.g. carried_over
    id: str = "R7"
    message: str = "Số từ kỳ trước chuyển sang phải bằng số đang giải quyết cuối kỳ trước"


@dataclass(frozen=True)
class FormSpec:
    key: str
    code: str
    version: int
    title: str
    legal_basis: str
    unit_of_measure: str
    valid_from: date
    valid_until: date | None
    levels: tuple[str, ...]
    report_types: tuple[str, ...]
    rows: str
    total_row: bool
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    layout: Mapping[str, Any] = field(hash=False)  # printing hints, kept as given
    carry: tuple[Carry, ...] = ()  # R7: none when the form does not say which column carries over
    ceiling: int = DEFAULT_CEILING  # the largest figure a cell of a field row may hold (rules.md §5)

    def total_ceiling(self, rows: int) -> int:
        """The largest figure of the total row: the sum of ``rows`` field rows each at the ceiling."""
        return self.ceiling * max(rows, 1)


@dataclass(frozen=True)
class FormRow:
    key: str
    label: str
    values: Mapping[str, object]  # column key -> raw value as typed; None or "" is empty


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    row: str
    column: str
    message: str


# --- Reading a definition ---------------------------------------------------------------------------------

_Check = Callable[[Any, str], Any]  # (value, path) -> the value to keep, or raise FormSpecError
_MISSING = object()  # the default of a required key


def _fail(path: str, problem: str) -> FormSpecError:
    return FormSpecError(f"{path or 'form'}: {problem}")


def _expect(ok: bool, value: Any, path: str, what: str) -> Any:
    if not ok:
        raise _fail(path, f"must be {what}, not {value!r}")
    return value


def _text(value: Any, path: str) -> str:
    return _expect(isinstance(value, str) and value.strip() != "", value, path, "a non-empty text")


def _whole(value: Any, path: str) -> int:
    return _expect(type(value) is int and value >= 1, value, path, "a whole number >= 1")


def _of(kind: type, what: str) -> _Check:
    return lambda value, path: _expect(isinstance(value, kind), value, path, what)


_any_text, _flag = _of(str, "a text"), _of(bool, "true or false")
_list, _table = _of(list, "a list"), _of(Mapping, "a table")


def _ceiling(value: Any, path: str) -> int:
    ok = type(value) is int and 1 <= value <= MAX_CEILING
    return _expect(ok, value, path, f"a whole number from 1 to {MAX_CEILING}")


def _day(value: Any, path: str) -> date | None:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    ok = value is None or (isinstance(value, date) and not isinstance(value, datetime))
    return _expect(ok, value, path, "a date YYYY-MM-DD")


def _one_of(choices: Sequence[str]) -> _Check:
    return lambda value, path: _expect(value in choices, value, path, f"one of: {', '.join(choices)}")


def _texts(item: _Check) -> _Check:
    """A non-empty list of distinct texts, each checked by ``item``."""

    def check(value: Any, path: str) -> tuple[str, ...]:
        found = tuple(item(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))
        _refuse_duplicates(_expect(bool(found), found, path, "a non-empty list"), path, "")
        return found

    return check


def _refuse_duplicates(items: Sequence[object], path: str, name: str) -> None:
    """Refuse the first item equal to an earlier one, e.g. "columns[3].key: duplicate 'received_total'"."""
    for i, item in enumerate(items):
        if item in items[:i]:
            raise _fail(f"{path}[{i}]{name}", f"duplicate {item!r}")


# Each key of a table: its check and its default (_MISSING: required). Any other key is an error.
_FORM_FIELDS: Mapping[str, tuple[_Check, Any]] = {
    "key": (_text, _MISSING), "code": (_text, _MISSING), "version": (_whole, _MISSING),
    "title": (_text, _MISSING), "legal_basis": (_text, _MISSING), "unit_of_measure": (_any_text, _MISSING),
    "valid_from": (_day, _MISSING), "valid_until": (_day, None),
    "levels": (_texts(_one_of(LEVELS)), _MISSING), "report_types": (_texts(_text), _MISSING),
    "rows": (_one_of(ROW_SOURCES), _MISSING), "total_row": (_flag, _MISSING),
    "columns": (_list, _MISSING), "rules": (_list, _MISSING), "layout": (_table, {}), "carry": (_list, []),
    "ceiling": (_ceiling, DEFAULT_CEILING),
}  # fmt: skip
_COLUMN_FIELDS: Mapping[str, tuple[_Check, Any]] = {
    "key": (_text, _MISSING), "number": (_whole, _MISSING), "heading": (_text, _MISSING),
    "group": (_any_text, ""), "required": (_flag, True), "kind": (_one_of(KINDS), "count"),
}  # fmt: skip
_RULE_FIELDS: Mapping[str, tuple[_Check, Any]] = {
    "id": (_text, _MISSING), "expr": (_text, _MISSING), "severity": (_one_of(SEVERITIES), _MISSING),
    "scope": (_one_of(SCOPES), _MISSING), "message": (_text, _MISSING), "cell": (_text, None),
}  # fmt: skip


_CARRY_FIELDS: Mapping[str, tuple[_Check, Any]] = {
    "from": (_text, _MISSING), "to": (_text, _MISSING), "id": (_text, Carry.id), "message": (_text, Carry.message),
}  # fmt: skip


def _fields(data: Any, path: str, fields: Mapping[str, tuple[_Check, Any]]) -> dict[str, Any]:
    """A table checked against its fields: no unknown key, every required key present, each value valid."""
    prefix = f"{path}." if path else ""
    for name in _table(data, path):
        if name not in fields:
            raise _fail(prefix + name, f"unknown key (allowed: {', '.join(fields)})")
    found = {}
    for name, (check, default) in fields.items():
        if name not in data and default is _MISSING:
            raise _fail(prefix + name, "required key missing")
        found[name] = check(data[name], prefix + name) if name in data else default
    return found


@functools.cache
def _tree(expr: str) -> ast.expr:
    return ast.parse(expr.strip(), mode="eval").body


def _names(tree: ast.AST) -> list[str]:
    """The bound names of an expression in source order, each once (the called functions left out)."""
    callees = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in callees]
    return list(dict.fromkeys(n.id for n in sorted(found, key=lambda n: (n.lineno, n.col_offset))))


@functools.cache
def _expr_names(expr: str) -> tuple[str, ...]:
    """``_names`` of a rule's expression, found once: every row of every form checks the same few rules."""
    return tuple(_names(_tree(expr)))


def _check_expr(expr: str, path: str, scope: str, allowed: frozenset[str]) -> list[str]:
    """Validate a rule expression at load time; return the names it binds."""
    try:
        tree = _tree(expr)
    except SyntaxError as error:
        raise _fail(path, f"does not parse ({error.msg})") from error
    names = _names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            if name not in FUNCTIONS:
                raise _fail(path, f"function {name!r} is not allowed (allowed: {', '.join(FUNCTIONS)})")
        elif isinstance(node, ast.Constant) and type(node.value) is not int:
            raise _fail(path, f"constant {node.value!r} is not allowed (whole numbers only)")
        elif not isinstance(node, _NODES):
            raise _fail(path, f"{type(node).__name__} is not allowed")
    for name in names:
        if name not in allowed and scope == "row":
            raise _fail(path, f"unknown column {name!r}")
        if name not in allowed:
            raise _fail(path, f"unknown name {name!r} (scope {scope!r} allows: {', '.join(sorted(allowed))})")
    return names


def _parse_column(data: object, path: str) -> Column:
    column = Column(**_fields(data, path, _COLUMN_FIELDS))
    if not _KEY.fullmatch(column.key) or column.key in _RESERVED:
        raise _fail(f"{path}.key", f"{column.key!r} is not allowed (a-z, 0-9, _; not one of {sorted(_RESERVED)})")
    return column


def _parse_rule(data: object, path: str, columns: frozenset[str]) -> Rule:
    rule = Rule(**_fields(data, path, _RULE_FIELDS))
    if rule.id == REQUIRED:
        raise _fail(f"{path}.id", f"{REQUIRED!r} is kept for empty required cells")
    allowed = columns if rule.scope == "row" else _BINDINGS[rule.scope]
    if not _check_expr(rule.expr, f"{path}.expr", rule.scope, allowed) and rule.scope == "row":
        raise _fail(f"{path}.expr", "names no column")
    if rule.cell is not None and (rule.scope != "row" or rule.cell not in columns):
        raise _fail(f"{path}.cell", f"must be a column of a rule of scope 'row', not {rule.cell!r}")
    return rule


def _parse_carry(data: object, path: str, columns: frozenset[str], rules: frozenset[str]) -> Carry:
    found = _fields(data, path, _CARRY_FIELDS)
    for name in ("from", "to"):
        if found[name] not in columns:
            raise _fail(f"{path}.{name}", f"unknown column {found[name]!r}")
    if found["id"] in rules or found["id"] == REQUIRED:
        raise _fail(f"{path}.id", f"{found['id']!r} is already a rule of this form")
    return Carry(source=found["from"], target=found["to"], id=found["id"], message=found["message"])


def parse_form_spec(data: Mapping[str, Any]) -> FormSpec:
    """A validated form definition, from a TOML file's data or the same after a JSON round trip."""
    found = _fields(data, "", _FORM_FIELDS)
    columns = tuple(_parse_column(item, f"columns[{i}]") for i, item in enumerate(found["columns"]))
    if not columns:
        raise _fail("columns", "must list at least one column")
    _refuse_duplicates([c.key for c in columns], "columns", ".key")
    _refuse_duplicates([c.number for c in columns], "columns", ".number")
    keys = frozenset(c.key for c in columns)
    rules = tuple(_parse_rule(item, f"rules[{i}]", keys) for i, item in enumerate(found["rules"]))
    _refuse_duplicates([r.id for r in rules], "rules", ".id")
    ids = frozenset(r.id for r in rules)
    carry = tuple(_parse_carry(item, f"carry[{i}]", keys, ids) for i, item in enumerate(found["carry"]))
    _refuse_duplicates([c.target for c in carry], "carry", ".to")
    if found["valid_until"] is not None and found["valid_until"] < found["valid_from"]:
        raise _fail("valid_until", "is before valid_from")
    return FormSpec(**(found | {"columns": columns, "rules": rules, "carry": carry}))


def to_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """The definition's data made JSON-serialisable (dates and times as ISO strings), for storing."""
    return {str(key): _jsonable(value) for key, value in data.items()}


def _jsonable(value: object) -> object:
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return to_json(value)
    return [_jsonable(item) for item in value] if isinstance(value, list | tuple) else value


# --- Checking a filled form -------------------------------------------------------------------------------


def _number(raw: object) -> object:
    """A cell as the rules see it: None if empty, an int, a Decimal ("1.5"), or else the stripped text."""
    if raw is None or isinstance(raw, bool | int | Decimal):
        return raw
    if isinstance(raw, float):  # a spreadsheet's number
        return int(raw) if raw.is_integer() else Decimal(str(raw))
    text = str(raw).strip()
    if _INT_TEXT.fullmatch(text):
        return int(text)
    return Decimal(text) if _DECIMAL_TEXT.fullmatch(text) else text or None


def _printed(side: ast.expr, labels: Mapping[str, str]) -> str:
    """One side of a rule as a reporter reads it: "cột 4 + cột 5", "tổng cột 3 của các dòng"."""
    if isinstance(side, ast.Call) and isinstance(side.func, ast.Name) and side.func.id in _PHRASES:
        arg = side.args[0] if len(side.args) == 1 else None
        if isinstance(arg, ast.Name):
            return f"{_PHRASES[side.func.id]} {labels.get(arg.id, arg.id)}"
    side = copy.deepcopy(side)
    for node in ast.walk(side):
        if isinstance(node, ast.Name):
            node.id = labels.get(node.id, node.id)
    return ast.unparse(side)


class _Checker:
    """A form's rules over its rows, with one simpleeval evaluator."""

    def __init__(self, spec: FormSpec) -> None:
        self.rules = spec.rules
        self.columns = sorted(spec.columns, key=lambda c: c.number)
        self.labels = {c.key: f"cột {c.number}" for c in self.columns}
        self.evaluator = SimpleEval(functions=dict(FUNCTIONS), names={})

    def _eval(self, node: ast.expr, names: Mapping[str, object]) -> object:
        self.evaluator.names = dict(names)
        return self.evaluator.eval("", previously_parsed=node)  # parsed once, by _tree

    def check(self, rule: Rule, row: str, column: str, names: dict[str, Any], labels: dict[str, str]) -> list[Finding]:
        """No finding when the rule holds, else one: the rule's message and the figures behind it."""
        tree = _tree(rule.expr)
        with contextlib.suppress(Exception):  # an exception ("abc" >= 0) means the rule does not hold
            if self._eval(tree, names):
                return []
        sides: list[ast.expr] = [ast.Name(name) for name in _names(tree)]
        if isinstance(tree, ast.Compare) and len(tree.ops) == 1:
            sides = [tree.left, tree.comparators[0]]
        figures = []
        for side in sides:
            try:
                value = self._eval(side, names)
            except Exception:  # a side that cannot be computed is shown as such
                value = "?"
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            figures.append(f"{_printed(side, labels)} = {shown}")
        return [Finding(rule.id, rule.severity, row, column, f"{rule.message}: {'; '.join(figures)}")]

    def row(self, row: str, values: Mapping[str, object]) -> list[Finding]:
        """One row's findings: its empty required cells, then each cell and row rule in turn."""
        findings = []
        for c in self.columns:
            if c.required and values[c.key] is None:
                what = f"{c.group} – {c.heading}" if c.group else c.heading
                findings.append(Finding(REQUIRED, "error", row, c.key, f"Chưa nhập cột {c.number} ({what})"))
        for rule in self.rules:
            if rule.scope == "cell":
                for c in (c for c in self.columns if values[c.key] is not None):
                    findings += self.check(rule, row, c.key, {"value": values[c.key]}, {"value": self.labels[c.key]})
            elif rule.scope == "row":
                bound = {name: values[name] for name in _expr_names(rule.expr)}
                if all(is_whole(value) for value in bound.values()):
                    findings += self.check(rule, row, rule.cell or next(iter(bound)), bound, self.labels)
        return findings

    def total(self, rows: Sequence[Mapping[str, object]], total: Mapping[str, object]) -> list[Finding]:
        """The column rules' findings (the total row against the field rows), pointing at the total row."""
        findings = []
        for rule in (r for r in self.rules if r.scope == "column"):
            for c in self.columns:
                column = [row[c.key] for row in rows if row[c.key] is not None]
                if is_whole(total[c.key]) and all(is_whole(value) for value in column):
                    labels = {"total": f"cột {c.number} dòng Tổng cộng", "rows": f"cột {c.number} của các dòng"}
                    findings += self.check(rule, TOTAL, c.key, {"total": total[c.key], "rows": column}, labels)
        return findings


def check_form(spec: FormSpec, rows: Sequence[FormRow], total: FormRow | None = None) -> list[Finding]:
    """Every failing cell of a filled form: row by row (the total row last), then by rule and column.

    A row rule skips a row where a column it names is empty or not a whole number, and a column rule
    skips such a column: the "required" and whole-number findings already say so.
    """
    checker = _Checker(spec)
    values = [{c.key: _number(row.values.get(c.key)) for c in spec.columns} for row in rows]
    findings = [f for row, cells in zip(rows, values, strict=True) for f in checker.row(row.key, cells)]
    if total is not None:
        totals = {c.key: _number(total.values.get(c.key)) for c in spec.columns}
        findings += checker.row(TOTAL, totals) + checker.total(values, totals)
    return findings


def figure_findings(spec: FormSpec, rows: Sequence[FormRow], total: FormRow | None = None) -> list[Finding]:
    """The cells that are not figures (rules.md §5), row by row (the total row last), in column order.

    A cell is empty (None or absent: the required check's business) or a figure, a whole number from 0
    to the form's ceiling held as a number (``is_figure``); anything else — a text, even "12" or "",
    a bool, a float, a negative or larger number — is named here, and blocks a submission. The total
    row's bound is the sum of the field rows at the ceiling (``FormSpec.total_ceiling``). A value under a
    key that is no column of the form (a program's mistake) is named too: a version holds figures only.
    """
    columns = sorted(spec.columns, key=lambda c: c.number)
    keys = {c.key for c in columns}
    lines = [(row.key, row.values, spec.ceiling) for row in rows]
    if total is not None:
        lines.append((TOTAL, total.values, spec.total_ceiling(len(rows))))
    findings = []
    for key, values, ceiling in lines:
        for c in columns:
            value = values.get(c.key)
            if value is None or is_figure(value, ceiling):
                continue
            where = f"Dòng Tổng cộng, cột {c.number}" if key == TOTAL else f"Cột {c.number}"
            message = (
                f"{where}: “{_typed(value)}” không phải là số liệu; chỉ nhận số nguyên từ 0 đến "
                f"{_grouped(ceiling)}. Còn ô này thì chưa gửi được báo cáo"
            )
            findings.append(Finding(FIGURE, "error", key, c.key, message))
        for name in (name for name, value in values.items() if name not in keys and value is not None):
            message = f"“{_typed(name)}” không phải là cột của biểu này. Còn ô này thì chưa gửi được báo cáo"
            findings.append(Finding(FIGURE, "error", key, name, message))  # sent by a program, never typed
    return findings


def check_cells(spec: FormSpec, rows: Sequence[FormRow], total: FormRow | None = None) -> list[Finding]:
    """A filled form as a submission checks it: the cells that are not figures (``figure_findings``),
    then ``check_form``'s findings, less those of the cell rules on a cell already named as not a figure
    (its figure finding says more: what was typed, the bounds, and that it blocks)."""
    figures = figure_findings(spec, rows, total)
    named = {(f.row, f.column) for f in figures}
    cell_rules = {rule.id for rule in spec.rules if rule.scope == "cell"}
    kept = [f for f in check_form(spec, rows, total) if f.rule not in cell_rules or (f.row, f.column) not in named]
    return figures + kept


def _grouped(number: int) -> str:
    """999999999 as a Vietnamese reader writes it: 999.999.999."""
    return f"{number:,}".replace(",", ".")


def _typed(value: object) -> str:
    """A cell's value as typed or sent, short: abc, true, 1.5, 1e+308, -5."""
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        text = value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    except ValueError:  # an int of more digits than Python prints
        text = "…"
    return text if len(text) <= 30 else f"{text[:29]}…"


def check_previous(
    spec: FormSpec,
    rows: Sequence[FormRow],
    previous_rows: Sequence[FormRow] | None,
    total: FormRow | None = None,
    previous_total: FormRow | None = None,
) -> list[Finding]:
    """R7, across periods: each carried-over cell against the unit's previous report (forms.md).

    One warning per row (field rows by key, then the total row) whose ``to`` cell differs from the
    ``from`` cell of the same row in the previous period, on the carried-over cell, naming both values.
    Nothing without a previous report (``previous_rows`` None), for a field absent from it (new this
    period), for a form without ``[[carry]]``, or where either cell is empty or not a whole number
    (the required and whole-number findings of ``check_form`` already say so).
    """
    if previous_rows is None or not spec.carry:
        return []
    columns = {c.key: c for c in spec.columns}
    before = {row.key: row for row in previous_rows}
    pairs = [(row.key, row, before.get(row.key)) for row in rows]
    if total is not None:
        pairs.append((TOTAL, total, previous_total))
    findings = []
    for key, row, earlier in pairs:
        if earlier is None:
            continue
        for carry in spec.carry:
            now, then = _number(row.values.get(carry.target)), _number(earlier.values.get(carry.source))
            if not (is_whole(now) and is_whole(then)) or Decimal(str(now)) == Decimal(str(then)):
                continue
            target, source = columns[carry.target], columns[carry.source]
            figures = f"cột {target.number} kỳ này = {now}; cột {source.number} kỳ trước = {then}"
            findings.append(Finding(carry.id, "warning", key, carry.target, f"{carry.message}: {figures}"))
    return findings
