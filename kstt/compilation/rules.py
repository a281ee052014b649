"""Compiling form 06 from the units' reports (issue 15, point 1), pure: no Django, no database.

A unit that receives reports (a district in the 2021 shape, the province in both shapes) compiles one
line per unit below it in the tree of the period, grouped by level as printed:

- a district: its own row and its communes' reports;
- the province (2021 shape): its departments' and districts' reports; (two-level shape): its departments'
  and communes' reports.

A report's form 06 comes in two shapes: one row per procedure field (a unit's own form: its figures are
its total row), or one row per unit (a district's compiled report: its own row and its communes' rows,
keyed by unit code). So on the province's form a commune's line is taken **from its district's report**
when that report carries rows per unit (the district compiled it: the commune is not counted twice), and
from the commune's own report otherwise (the district reported its own fields only, or has not
reported). A district's line is its own row of its report. Every figure is counted once: the grand total
is the sum of the totals of the reports the lines come from.

The standing report of a unit is its accepted version, else its latest submitted one. A unit without a
submitted version (or not in the compiled report that should carry it) is *missing*; a standing version
without the figures is *without figures*: both are listed and never summed as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kstt.catalogue.rules.form06 import FORM06_COLUMNS, add, zero
from kstt.catalogue.rules.forms import TOTAL

ACCEPTED, LATEST = "accepted", "latest"  # how the standing version was chosen
RECEIVED, MISSING, NO_FIGURES = "received", "missing", "no_figures"  # a unit's line
LEVEL_ORDER = ("province", "department", "district", "commune")


@dataclass(frozen=True)
class VersionState:
    """One submitted version of a unit's report: its number and the review's decision, if any."""

    number: int
    decision: str | None = None  # "accepted", "returned" or None (not reviewed yet)


@dataclass(frozen=True)
class Standing:
    number: int
    basis: str  # ACCEPTED or LATEST


def standing_version(versions: Iterable[VersionState]) -> Standing | None:
    """The version that stands for the unit: the accepted one (the latest accepted, should there be
    several), else the latest submitted; None when nothing was submitted."""
    versions = list(versions)
    accepted = [v.number for v in versions if v.decision == ACCEPTED]
    if accepted:
        return Standing(max(accepted), ACCEPTED)
    if versions:
        return Standing(max(v.number for v in versions), LATEST)
    return None


@dataclass(frozen=True)
class Member:
    """A unit whose report the compilation takes, as it was in the period."""

    unit_id: int
    code: str
    name: str
    level: str
    parent_id: int | None


@dataclass(frozen=True)
class Line:
    """One unit's line: what it reported (its standing version's totals) beside what its dossiers say."""

    member: Member
    status: str  # RECEIVED, MISSING or NO_FIGURES
    standing: Standing | None
    reported: Mapping[str, int] | None  # None unless RECEIVED
    computed: Mapping[str, int] | None  # None when the unit has no dossier in play in the window
    differences: tuple[str, ...] = ()  # the columns where reported and computed differ
    via: str = ""  # the unit whose compiled report carried the figures ("" : the unit's own report)


@dataclass(frozen=True)
class Block:
    """The lines of one level, or of one level under one parent (the communes of a district)."""

    key: str  # the level ("commune") or "<parent code>/<level>" ("D157/commune")
    label: str
    lines: tuple[Line, ...]
    subtotal: Mapping[str, int]  # the sum of the received lines only
    received: int
    missing: int  # lines MISSING or NO_FIGURES
    subblocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Compilation:
    blocks: tuple[Block, ...]
    total: Mapping[str, int]  # the sum of the totals of the reports received
    lines: tuple[Line, ...] = field(default=())

    @property
    def received(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.status == RECEIVED)

    @property
    def missing(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.status != RECEIVED)


def differences(reported: Mapping[str, int] | None, computed: Mapping[str, int] | None) -> tuple[str, ...]:
    """The columns where a reported figure differs from the one computed from the dossiers (none when
    either side is absent)."""
    if reported is None or computed is None:
        return ()
    return tuple(c for c in FORM06_COLUMNS if int(reported.get(c, 0)) != int(computed.get(c, 0)))


@dataclass(frozen=True)
class Report:
    """A unit's standing report as the compilation reads it: its form 06 total row and its rows keyed by
    unit code (a compiled report; empty for a report by procedure field)."""

    standing: Standing
    total: Mapping[str, int] | None
    units: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def own(self, code: str) -> Mapping[str, int] | None:
        """The unit's own figures: its row in a compiled report, else the total of its report by field."""
        return self.units.get(code) if self.units else self.total


def line_for(
    member: Member,
    standing: Standing | None,
    totals: Mapping[str, int] | None,
    computed: Mapping[str, int] | None,
    via: str = "",
) -> Line:
    """A unit's line from the standing version its figures come from (None: missing) and those figures
    (None or empty: the version carries none for it). ``via``: the code of the unit whose report carried
    them, when not the unit's own (a commune's row in its district's compiled report)."""
    if standing is None:
        return Line(member, MISSING, None, None, computed, via=via)
    if not totals:
        return Line(member, NO_FIGURES, standing, None, computed, via=via)
    reported = zero() | {c: int(v) for c, v in totals.items() if c in FORM06_COLUMNS}
    return Line(member, RECEIVED, standing, reported, computed, differences(reported, computed), via)


def choose_line(
    *,
    member: Member,
    root_id: int,
    reports: Mapping[int, Report],
    members: Mapping[int, Member],
    computed: Mapping[str, int] | None,
) -> Line:
    """Where a unit's figures come from: its district's compiled report when the unit sits under another
    line of the compilation whose report carries rows per unit (missing there when it is not among them),
    else its own standing report (its own row of it)."""
    parent = members.get(member.parent_id) if member.parent_id is not None else None
    if parent is not None and parent.unit_id != root_id:
        carrier = reports.get(parent.unit_id)
        if carrier is not None and carrier.units:
            return line_for(member, carrier.standing if member.code in carrier.units else None,
                            carrier.units.get(member.code), computed, via=parent.code)  # fmt: skip
    own = reports.get(member.unit_id)
    if own is None:
        return line_for(member, None, None, computed)
    return line_for(member, own.standing, own.own(member.code), computed)


def reports_total(
    lines: Iterable[Line], reports: Mapping[int, Report], members: Mapping[int, Member]
) -> dict[str, int]:
    """The sum of the totals of the reports the received lines come from, each report once: what the grand
    total must equal (it differs only when a compiled report's rows do not add up to its total, R6)."""
    by_code = {line.member.code: line.member.unit_id for line in lines}  # the carrier is a line too
    elsewhere = {line.via for line in lines if line.via and line.via not in by_code}
    if elsewhere:
        by_code |= {m.code: uid for uid, m in members.items() if m.code in elsewhere}
    sources = {by_code[line.via] if line.via else line.member.unit_id for line in lines if line.status == RECEIVED}
    return add(reports[uid].total or zero() for uid in sorted(sources) if uid in reports)


def _block(key: str, label: str, lines: Sequence[Line], subblocks: tuple[Block, ...] = ()) -> Block:
    received = [line for line in lines if line.status == RECEIVED]
    return Block(
        key,
        label,
        tuple(lines),
        add(line.reported for line in received if line.reported is not None),
        len(received),
        len(lines) - len(received),
        subblocks,
    )


def compile_lines(
    *,
    root_id: int,
    lines: Sequence[Line],
    headings: Mapping[str, str],
    parent_names: Mapping[int, str] | None = None,
) -> Compilation:
    """The lines grouped as printed: one block per level (the headings' levels in the tree's order), and
    inside a level, one sub-block per parent when every parent is itself a line of the compilation (the
    communes of each district on the 2021 province's form). Subtotals and the grand total add the
    received lines only."""
    order = {line.member.unit_id: i for i, line in enumerate(lines)}
    parent_names = dict(parent_names or {})
    names = {line.member.unit_id: line.member.name for line in lines}
    codes = {line.member.unit_id: line.member.code for line in lines}
    blocks = []
    for level in sorted(headings, key=lambda lv: LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else 99):
        level_lines = [line for line in lines if line.member.level == level]
        if not level_lines:
            continue
        parents = [line.member.parent_id for line in level_lines]
        subblocks: tuple[Block, ...] = ()
        if all(p is not None and p in order and p != root_id for p in parents):
            grouped: dict[int, list[Line]] = {}
            for line in level_lines:
                grouped.setdefault(line.member.parent_id, []).append(line)  # type: ignore[arg-type]
            subblocks = tuple(
                _block(f"{codes[p]}/{level}", f"{headings[level]} — {parent_names.get(p, names[p])}", grouped[p])
                for p in sorted(grouped, key=order.__getitem__)
            )
        blocks.append(_block(level, str(headings[level]), level_lines, subblocks))
    received = [line for block in blocks for line in block.lines if line.status == RECEIVED]
    return Compilation(
        tuple(blocks),
        add(line.reported for line in received if line.reported is not None),
        tuple(line for block in blocks for line in block.lines),
    )


# --- A receiving unit's own report starts from its compilation (issue 15, point 1) --------------------------


@dataclass(frozen=True)
class Prefill:
    """What a district's or the province's own form 06 starts from: one row per unit keyed by unit code (a
    report compiled by unit, as the province's compilation reads it), then the total row."""

    rows: Mapping[str, Mapping[str, int]]  # unit code -> counts, then TOTAL (absent when no row)
    reports: int  # how many reports the rows come from, each counted once
    missing: tuple[Line, ...]  # the units whose figures are not there: left out, never zeros
    own_from_dossiers: bool  # the receiving unit's own row is the one computed from its dossiers


def prefill(compilation: Compilation, *, root_code: str, own: Mapping[str, int] | None) -> Prefill:
    """The rows of the receiving unit's own form 06 from its compilation: its own row from ``own`` (its
    dossiers; left for the unit to type when None: its own earlier report is no source of itself), every
    received line's reported figures, and nothing for a missing line or one without figures (listed in
    ``missing``). A commune that came through its district's compiled report counts with that report. The
    total row is the sum of the rows, so it equals the sum of the reports' figures the rows come from."""
    rows: dict[str, Mapping[str, int]] = {}
    sources: set[str] = set()
    missing = []
    for line in compilation.lines:
        code = line.member.code
        if code == root_code:
            if own is not None:
                rows[code] = zero() | {c: int(v) for c, v in own.items() if c in FORM06_COLUMNS}
            continue
        if line.status == RECEIVED and line.reported is not None:
            rows[code] = dict(line.reported)
            sources.add(line.via or code)
        else:
            missing.append(line)
    if rows:
        rows[TOTAL] = add(rows.values())
    return Prefill(rows, len(sources), tuple(missing), root_code in rows)


def by_unit(rows: Iterable[str], unit_codes: Iterable[str]) -> bool:
    """Whether a form 06 keyed by ``rows`` is (or can start as) a report compiled by unit: every row other
    than the total is one of ``unit_codes`` (an empty form is). A form keyed by procedure field (a
    district's report typed before it could start from its compilation) stays by field."""
    return not (set(rows) - {TOTAL} - set(unit_codes))


def roots_of(members: Mapping[int, Member], root_ids: Iterable[int]) -> dict[int, int]:
    """unit id → the root whose compilation takes the unit: the nearest of ``root_ids`` at or above it,
    climbing through the members' parents (a commune → its district → the province). The country is
    compiled as all its provinces at once, each member under its own province; a member under no root is
    left out."""
    roots = set(root_ids)
    found: dict[int, int | None] = {}

    def climb(unit_id: int) -> int | None:
        path: list[int] = []
        current: int | None = unit_id
        root: int | None = None
        while current is not None:
            if current in found:
                root = found[current]
                break
            path.append(current)
            if current in roots:
                root = current
                break
            member = members.get(current)
            current = member.parent_id if member is not None else None
        for seen in path:
            found[seen] = root
        return root

    return {uid: root for uid in members if (root := climb(uid)) is not None}


def country_total(compilations: Iterable[Compilation]) -> dict[str, int]:
    """The country's grand total: the sum of its provinces' compilations' grand totals, each province once."""
    return add(c.total for c in compilations)


# --- The country's form as the national level prints it: one line per province (issue 15, point 6) -------


@dataclass(frozen=True)
class ProvinceLine:
    """One province on the country's form 06: its grand total (the sum of its received lines, as its own
    compilation gives it) and how many of its units' lines were received or missing (or without figures).
    The sums come from SQL (kstt.reports.compiled_selectors.compile_national_form), which applies
    ``choose_line``'s rule: a commune's line from its district's report when that report is compiled by
    unit, else from its own; the standing version; missing lines never summed."""

    code: str
    name: str
    total: Mapping[str, int]
    received: int
    missing: int


def province_line(code: str, name: str, *, lines: int, received: int, sums: Sequence[int | None]) -> ProvinceLine:
    """A province's line from its SQL sums (one per form 06 column, in order; None where no line was
    received) and its counts of lines and of received lines."""
    return ProvinceLine(
        code, name, {c: int(v or 0) for c, v in zip(FORM06_COLUMNS, sums, strict=True)}, received, lines - received
    )


def national_total(provinces: Iterable[ProvinceLine]) -> dict[str, int]:
    """The country's grand total: the sum of its provinces' lines, each province once."""
    return add(p.total for p in provinces)
