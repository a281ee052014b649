"""Pure rules of the organisation tree: the unit file contract and name folding.

No Django here: plain values in, plain values out (interchange.md "Units", rules.md §1).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LEVELS = ("province", "department", "district", "commune")

#: Which levels a unit of each level may hang under. Both shapes of rules.md §1:
#: 2021 (province → department / district → commune) and 2025 (province → department / commune).
PARENT_LEVELS: Mapping[str, frozenset[str]] = {
    "province": frozenset(),
    "department": frozenset({"province"}),
    "district": frozenset({"province"}),
    "commune": frozenset({"district", "province"}),
}

UNIT_COLUMNS = ("code", "name", "level", "kind", "parent_code")


@dataclass(frozen=True)
class UnitRow:
    """One validated line of a unit file."""

    line: int
    code: str
    name: str
    level: str
    kind: str
    parent_code: str  # "" for a root


class UnitFileError(ValueError):
    """A unit file that cannot be loaded; names the line (1 = the header) and the reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def fold(text: str) -> str:
    """Lower-case, diacritics-free form for searching: "Lạc Sơn" → "lac son", "Đà" → "da"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def parse_unit_rows(
    header: Iterable[str] | None,
    records: Iterable[Mapping[str, str | None]],
    *,
    known_levels: Mapping[str, str],
) -> list[UnitRow]:
    """Validate a whole unit file; raise UnitFileError at the first bad line.

    ``records`` are the data lines in order (line 2 onwards); ``known_levels`` maps the codes of
    units already in force on the file's date to their level, so a file may name an existing
    parent it does not contain.
    """
    missing = [c for c in UNIT_COLUMNS if c not in {c.strip() for c in header or []}]
    if missing:
        raise UnitFileError(1, f"missing column(s): {', '.join(missing)}")

    rows: list[UnitRow] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(records, start=2):
        if None in record:
            raise UnitFileError(line, "more fields than the header has columns")
        values = {c: unicodedata.normalize("NFC", (record.get(c) or "").strip()) for c in UNIT_COLUMNS}
        code, name, level, parent = values["code"], values["name"], values["level"], values["parent_code"]
        if not code:
            raise UnitFileError(line, "empty code")
        if any(ch.isspace() for ch in code):
            raise UnitFileError(line, f"code {code!r} contains white space")
        if code in seen:
            raise UnitFileError(line, f"duplicate code {code} (first on line {seen[code]})")
        if not name:
            raise UnitFileError(line, f"empty name for unit {code}")
        if level not in PARENT_LEVELS:
            raise UnitFileError(line, f"unknown level {level!r} (expected one of {', '.join(LEVELS)})")
        if parent == code:
            raise UnitFileError(line, f"unit {code} is its own parent")
        seen[code] = line
        rows.append(UnitRow(line, code, name, level, values["kind"], parent))

    levels_in_file = {row.code: row.level for row in rows}
    for row in rows:
        allowed = PARENT_LEVELS[row.level]
        if not row.parent_code:
            if allowed:
                raise UnitFileError(row.line, f"a {row.level} needs a parent ({' or '.join(sorted(allowed))})")
            continue
        if not allowed:
            raise UnitFileError(row.line, f"a {row.level} has no parent, but {row.parent_code} is given")
        parent_level = levels_in_file.get(row.parent_code) or known_levels.get(row.parent_code)
        if parent_level is None:
            raise UnitFileError(row.line, f"unknown parent {row.parent_code} of unit {row.code}")
        if parent_level not in allowed:
            raise UnitFileError(row.line, f"a {row.level} cannot be under a {parent_level} ({row.parent_code})")
    return rows


def _root(code: str, *trees: Mapping[str, str]) -> str:
    """The root reached from ``code`` by following parents, looked up in each tree in turn."""
    seen = {code}
    while True:
        parent = next((tree[code] for tree in trees if code in tree), "")
        if not parent or parent in seen:
            return code
        seen.add(parent)
        code = parent


def absent_codes(file_parents: Mapping[str, str], before: Mapping[str, str]) -> list[str]:
    """Codes of the units of the file's province(s) in force before the file's date that the file no longer lists.

    ``file_parents`` maps each code of the file to its parent code ("" for a root); ``before`` does the same for
    the units in force the day before the file's date. The file's provinces are the roots its rows belong to, as
    the file has it and as the tree was the day before (a province absorbed by another is one of them). Units of
    any other province are never named. Sorted by code.
    """
    provinces = {_root(code, file_parents, before) for code in file_parents}
    provinces |= {_root(code, before) for code in file_parents if code in before}
    return sorted(code for code in before if code not in file_parents and _root(code, before) in provinces)
