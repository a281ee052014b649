"""The rules of compiling form 06 from the units' reports (no database): which version stands for a unit,
which units are missing, how the lines group in each shape of the tree, and what the totals add."""

import pytest

from kstt.catalogue.rules.form06 import FORM06_COLUMNS, add, zero
from kstt.compilation.rules import (
    ACCEPTED,
    LATEST,
    MISSING,
    NO_FIGURES,
    RECEIVED,
    Compilation,
    Member,
    Report,
    Standing,
    VersionState,
    by_unit,
    choose_line,
    compile_lines,
    country_total,
    differences,
    line_for,
    national_total,
    prefill,
    province_line,
    reports_total,
    roots_of,
    standing_version,
)

V = VersionState


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        pytest.param([], None, id="nothing-submitted-missing"),
        pytest.param([V(1)], Standing(1, LATEST), id="submitted-not-yet-reviewed"),
        pytest.param([V(1, "accepted")], Standing(1, ACCEPTED), id="accepted"),
        pytest.param([V(1, "returned")], Standing(1, LATEST), id="returned-not-resubmitted-still-the-latest"),
        pytest.param([V(1, "returned"), V(2)], Standing(2, LATEST), id="returned-then-resubmitted"),
        pytest.param([V(1, "returned"), V(2, "accepted")], Standing(2, ACCEPTED), id="resubmitted-and-accepted"),
        pytest.param([V(2, "accepted"), V(1, "returned")], Standing(2, ACCEPTED), id="order-does-not-matter"),
        pytest.param([V(1, "accepted"), V(2)], Standing(1, ACCEPTED), id="an-accepted-version-beats-a-later-one"),
    ],
)
def test_the_standing_version_is_the_accepted_one_else_the_latest(versions, expected):
    assert standing_version(versions) == expected


def counts(n: int) -> dict[str, int]:
    return {c: n * (i + 1) for i, c in enumerate(FORM06_COLUMNS)}


# 2021 shape: the province P, a department S, districts D1 (communes C1, C2) and D2 (commune C3).
P, S, D1, D2, C1, C2, C3 = (
    Member(1, "P", "Tỉnh", "province", None),
    Member(2, "S", "Sở Tư pháp", "department", 1),
    Member(3, "D1", "Huyện Một", "district", 1),
    Member(4, "D2", "Huyện Hai", "district", 1),
    Member(5, "C1", "Xã Một", "commune", 3),
    Member(6, "C2", "Xã Hai", "commune", 3),
    Member(7, "C3", "Xã Ba", "commune", 4),
)
HEADINGS = {"department": "Sở, ban, ngành", "district": "Huyện, thị xã, thành phố", "commune": "Xã, phường, thị trấn"}


def received(member, n, number=1, basis=LATEST, computed=None):
    return line_for(member, Standing(number, basis), counts(n), computed)


def test_the_province_of_2021_groups_communes_under_their_district_and_lists_the_missing():
    lines = [
        received(S, 1),
        received(D1, 2, basis=ACCEPTED),
        line_for(D2, None, None, None),  # the district has not reported
        received(C1, 3),
        line_for(C2, Standing(1, LATEST), None, None),  # submitted without form 06 figures
        received(C3, 4),
    ]
    c = compile_lines(root_id=P.unit_id, lines=lines, headings=HEADINGS)
    assert [b.key for b in c.blocks] == ["department", "district", "commune"]
    communes = c.blocks[2]
    assert [s.key for s in communes.subblocks] == ["D1/commune", "D2/commune"]
    assert [[line.member.code for line in s.lines] for s in communes.subblocks] == [["C1", "C2"], ["C3"]]
    assert communes.subblocks[0].subtotal == counts(3) and (communes.subblocks[0].missing, communes.received) == (1, 2)
    assert [(line.member.code, line.status) for line in c.missing] == [("D2", MISSING), ("C2", NO_FIGURES)]
    assert c.total == counts(1 + 2 + 3 + 4)  # the missing lines add nothing, they are not zeros in disguise
    assert c.blocks[1].subtotal == counts(2) and c.blocks[1].missing == 1


def test_the_province_of_the_two_level_shape_lists_its_communes_flat():
    p, s = Member(1, "P", "Tỉnh", "province", None), Member(2, "S", "Sở", "department", 1)
    w1, w2 = Member(3, "W1", "Phường Một", "commune", 1), Member(4, "W2", "Xã Hai", "commune", 1)
    c = compile_lines(
        root_id=p.unit_id, lines=[received(s, 5), received(w1, 1), line_for(w2, None, None, None)], headings=HEADINGS
    )
    assert [b.key for b in c.blocks] == ["department", "commune"]
    assert c.blocks[1].subblocks == ()
    assert [line.member.code for line in c.missing] == ["W2"]
    assert c.total == counts(6)


def test_a_district_compiles_its_own_row_and_its_communes():
    lines = [received(D1, 2), received(C1, 3), line_for(C2, None, None, counts(1))]
    c = compile_lines(root_id=D1.unit_id, lines=lines, headings=HEADINGS)
    assert [b.key for b in c.blocks] == ["district", "commune"]
    assert c.blocks[1].subblocks == ()  # the communes' parent is the district compiling: no group
    assert c.total == counts(5) and [line.member.code for line in c.missing] == ["C2"]


def test_the_differences_with_the_dossiers_name_the_columns():
    reported = counts(1)
    computed = dict(reported, settled_late=reported["settled_late"] + 1)
    assert differences(reported, computed) == ("settled_late",)
    assert differences(reported, None) == () and differences(None, computed) == ()
    line = line_for(C1, Standing(1, LATEST), reported, computed)
    assert (line.status, line.differences) == (RECEIVED, ("settled_late",))


def test_a_version_with_some_total_cells_counts_the_others_as_written():
    line = line_for(C1, Standing(1, LATEST), {"received_total": 3}, None)
    assert line.status == RECEIVED and line.reported == zero() | {"received_total": 3}


# --- Where a line's figures come from: a district's compiled report carries its communes -----------------------

MEMBERS = {m.unit_id: m for m in (S, D1, D2, C1, C2, C3)}


def compiled_report(number, rows):
    """A district's report compiled by unit: its own row and its communes' rows, the total their sum."""
    return Report(Standing(number, ACCEPTED), add(rows.values()), rows)


def by_field(number, n, basis=LATEST):
    return Report(Standing(number, basis), counts(n))


@pytest.mark.parametrize(
    ("reports", "expected"),
    [
        pytest.param(
            {3: compiled_report(2, {"D1": counts(1), "C1": counts(2), "C2": counts(3)}), 5: by_field(1, 9)},
            {"D1": (RECEIVED, "", 1), "C1": (RECEIVED, "D1", 2), "C2": (RECEIVED, "D1", 3)},
            id="a-compiled-district-report-carries-its-communes-not-their-own-reports",
        ),
        pytest.param(
            {3: compiled_report(2, {"D1": counts(1), "C1": counts(2)}), 6: by_field(1, 9)},
            {"D1": (RECEIVED, "", 1), "C1": (RECEIVED, "D1", 2), "C2": (MISSING, "D1", None)},
            id="a-commune-left-out-of-its-districts-compiled-report-is-missing-there",
        ),
        pytest.param(
            {3: by_field(1, 1), 5: by_field(1, 2)},
            {"D1": (RECEIVED, "", 1), "C1": (RECEIVED, "", 2), "C2": (MISSING, "", None)},
            id="a-district-report-by-field-leaves-its-communes-to-their-own-reports",
        ),
        pytest.param(
            {5: by_field(1, 2), 6: by_field(1, 3)},
            {"D1": (MISSING, "", None), "C1": (RECEIVED, "", 2), "C2": (RECEIVED, "", 3)},
            id="a-district-not-reported-its-communes-own-reports-still-count",
        ),
    ],
)
def test_a_line_comes_from_its_districts_compiled_report_else_its_own(reports, expected):
    lines = {
        m.code: choose_line(member=m, root_id=P.unit_id, reports=reports, members=MEMBERS, computed=None)
        for m in (D1, C1, C2)
    }
    got = {
        code: (line.status, line.via, line.reported["received_total"] if line.reported else None)
        for code, line in lines.items()
    }
    assert got == expected


def test_nothing_is_counted_twice_the_total_is_the_reports_totals():
    reports = {
        2: by_field(1, 5),
        3: compiled_report(1, {"D1": counts(1), "C1": counts(2), "C2": counts(3)}),
        4: by_field(1, 4),  # D2 reported its own fields only: C3 counts from its own report
        5: by_field(1, 100),  # C1's own report, already in D1's: not counted again
        7: by_field(1, 6),
    }
    lines = [choose_line(member=m, root_id=P.unit_id, reports=reports, members=MEMBERS, computed=None)
             for m in MEMBERS.values()]  # fmt: skip
    c = compile_lines(root_id=P.unit_id, lines=lines, headings=HEADINGS)
    assert c.total == counts(5 + (1 + 2 + 3) + 4 + 6)
    assert c.missing == ()


def test_a_district_compiling_takes_its_own_row_of_its_compiled_report():
    reports = {3: compiled_report(1, {"D1": counts(1), "C1": counts(50)}), 5: by_field(1, 2)}
    members = {m.unit_id: m for m in (D1, C1, C2)}
    lines = {m.code: choose_line(member=m, root_id=D1.unit_id, reports=reports, members=members, computed=None)
             for m in members.values()}  # fmt: skip
    assert lines["D1"].reported == counts(1)  # its own row, not its report's total
    assert (lines["C1"].reported, lines["C1"].via) == (counts(2), "")  # the commune's report, received
    assert lines["C2"].status == MISSING


def test_the_reports_total_counts_each_report_once_and_shows_a_report_that_does_not_add_up():
    good = {3: compiled_report(1, {"D1": counts(1), "C1": counts(2), "C2": counts(3)}), 2: by_field(1, 5)}
    lines = [choose_line(member=m, root_id=P.unit_id, reports=good, members=MEMBERS, computed=None)
             for m in MEMBERS.values()]  # fmt: skip
    assert (
        reports_total(lines, good, MEMBERS)
        == counts(11)
        == compile_lines(root_id=P.unit_id, lines=lines, headings=HEADINGS).total
    )
    bad = {3: Report(Standing(1, ACCEPTED), counts(7), {"D1": counts(1), "C1": counts(2)})}  # rows add up to 3
    lines = [choose_line(member=m, root_id=P.unit_id, reports=bad, members=MEMBERS, computed=None)
             for m in MEMBERS.values()]  # fmt: skip
    assert reports_total(lines, bad, MEMBERS) == counts(7)
    assert compile_lines(root_id=P.unit_id, lines=lines, headings=HEADINGS).total == counts(3)


# --- A receiving unit's own form 06 starts from its compilation ----------------------------------------------


def _compiled(root, members, reports, computed=None):
    """The compilation of ``root`` over ``members`` (as compile_from_reports builds it), for prefill."""
    by_id = {m.unit_id: m for m in members}
    lines = [
        choose_line(
            member=m, root_id=root.unit_id, reports=reports, members=by_id, computed=(computed or {}).get(m.code)
        )
        for m in members
    ]
    return compile_lines(root_id=root.unit_id, lines=lines, headings=HEADINGS)


@pytest.mark.parametrize(
    ("root", "members", "reports", "own", "rows", "total", "sources", "missing"),
    [
        pytest.param(
            D1, (D1, C1, C2), {5: by_field(1, 2), 6: by_field(2, 3)}, counts(1),
            {"D1": 1, "C1": 2, "C2": 3}, 6, 2, [],
            id="a-district-sums-its-own-dossiers-and-its-communes-reports",
        ),
        pytest.param(
            D1, (D1, C1, C2), {5: by_field(1, 2)}, counts(1),
            {"D1": 1, "C1": 2}, 3, 1, ["C2"],
            id="a-commune-that-has-not-reported-is-left-out-and-listed-never-a-zero",
        ),
        pytest.param(
            D1, (D1, C1, C2), {5: by_field(1, 2), 6: Report(Standing(1, LATEST), None)}, None,
            {"C1": 2}, 2, 1, ["C2"],
            id="without-dossiers-the-own-row-is-left-to-type-and-a-report-without-figures-is-missing",
        ),
        pytest.param(
            D1, (D1, C1, C2), {3: compiled_report(1, {"D1": counts(40)}), 5: by_field(1, 2)}, None,
            {"C1": 2}, 2, 1, ["C2"],
            id="a-districts-own-earlier-report-is-no-source-of-itself",
        ),
        pytest.param(
            P, (S, D1, D2, C1, C2, C3),
            {2: by_field(1, 5), 3: compiled_report(1, {"D1": counts(1), "C1": counts(2), "C2": counts(3)}),
             5: by_field(1, 100), 4: by_field(1, 4), 7: by_field(1, 6)},
            None,
            {"S": 5, "D1": 1, "D2": 4, "C1": 2, "C2": 3, "C3": 6}, 5 + 1 + 2 + 3 + 4 + 6, 4, [],
            id="the-province-takes-a-districts-communes-from-its-compiled-report-once",
        ),
        pytest.param(
            P, (S, D1, D2, C1, C2, C3),
            {3: compiled_report(1, {"D1": counts(1), "C1": counts(2)}), 6: by_field(1, 9), 7: by_field(1, 6)},
            None,
            {"D1": 1, "C1": 2, "C3": 6}, 1 + 2 + 6, 2, ["S", "D2", "C2"],
            id="the-province-a-commune-left-out-of-its-districts-report-is-missing-not-taken-twice",
        ),
        pytest.param(
            P, (S, Member(8, "W1", "Phường Một", "commune", 1), Member(9, "W2", "Xã Hai", "commune", 1)),
            {2: by_field(1, 5), 8: by_field(1, 1)}, None,
            {"S": 5, "W1": 1}, 6, 2, ["W2"],
            id="the-two-level-province-sums-its-departments-and-communes",
        ),
    ],
)  # fmt: skip
def test_a_receiving_units_form_starts_from_its_compilation(root, members, reports, own, rows, total, sources, missing):
    got = prefill(_compiled(root, members, reports), root_code=root.code, own=own)
    assert {code: cells["received_total"] for code, cells in got.rows.items() if code != "total"} == {
        code: counts(n)["received_total"] for code, n in rows.items()
    }
    assert got.rows["total"] == add(counts(n) for n in rows.values()) == counts(total)
    assert got.reports == sources
    assert [line.member.code for line in got.missing] == missing
    assert got.own_from_dossiers is (own is not None)


def test_nothing_received_and_no_dossiers_starts_an_empty_form():
    got = prefill(_compiled(D1, (D1, C1), {}), root_code="D1", own=None)
    assert (got.rows, got.reports, [line.member.code for line in got.missing]) == ({}, 0, ["C1"])


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([], True, id="an-empty-form-starts-by-unit"),
        pytest.param(["D1", "C1", "total"], True, id="rows-by-unit"),
        pytest.param(["C9"], False, id="a-unit-not-below-is-no-row-of-the-compilation"),
        pytest.param(["HT", "total"], False, id="rows-by-procedure-field-stay-by-field"),
        pytest.param(["D1", "HT"], False, id="a-mixed-form-stays-as-typed"),
    ],
)
def test_a_form_is_by_unit_when_every_row_is_a_unit_of_the_compilation(rows, expected):
    assert by_unit(rows, ["D1", "C1", "C2"]) is expected


# Two provinces of the 2021 shape (the country): P (S, D1 with C1 and C2, D2 with C3) as above, and Q with
# its district E1 (commune K1) and a department T; K9's district is not in force (its parent is unknown).
Q_, T, E1, K1, K9 = (
    Member(11, "Q", "Tỉnh Hai", "province", None),
    Member(12, "T", "Sở Hai", "department", 11),
    Member(13, "E1", "Huyện Ba", "district", 11),
    Member(14, "K1", "Xã Bốn", "commune", 13),
    Member(15, "K9", "Xã Lạc", "commune", 99),
)
TWO = {m.unit_id: m for m in (S, D1, D2, C1, C2, C3, T, E1, K1, K9)}  # the provinces are roots, not lines


@pytest.mark.parametrize(
    ("roots", "expected"),
    [
        pytest.param([1, 11], {2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 12: 11, 13: 11, 14: 11}, id="the-country"),
        pytest.param([1], {2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1}, id="one-province-takes-only-its-own"),
        pytest.param([3], {3: 3, 5: 3, 6: 3}, id="a-district-is-its-own-root-over-its-communes"),
        pytest.param([1, 3], {2: 1, 3: 3, 4: 1, 5: 3, 6: 3, 7: 1}, id="the-nearest-root-wins"),
        pytest.param([], {}, id="no-root-no-line"),
    ],
)
def test_each_unit_is_compiled_under_its_nearest_root(roots, expected):
    assert roots_of(TWO, roots) == expected


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        pytest.param([], zero(), id="no-province"),
        pytest.param([counts(1)], counts(1), id="one-province"),
        pytest.param([counts(1), counts(2), zero()], counts(3), id="each-province-once"),
    ],
)
def test_the_countrys_total_is_the_sum_of_its_provinces_totals(totals, expected):
    assert country_total(Compilation((), total) for total in totals) == expected


def test_the_country_of_two_provinces_counts_a_districts_communes_once():
    """P's district D1 compiled by unit (C1 only), C1 and C2 also sent their own reports; Q's communes
    report by field: the country's total is the sum of the provinces', each report's total once."""
    reports = {
        3: compiled_report(1, {"D1": counts(1), "C1": counts(2)}),
        5: by_field(1, 50),
        6: by_field(1, 60),
        2: by_field(1, 4),
        13: by_field(1, 5),
        14: by_field(1, 6),
    }
    root_of = roots_of(TWO, [1, 11])
    lines = {1: [], 11: []}
    for uid, member in TWO.items():
        if uid in root_of:
            line = choose_line(member=member, root_id=root_of[uid], reports=reports, members=TWO, computed=None)
            lines[root_of[uid]].append(line)
    provinces = [compile_lines(root_id=root, lines=lines[root], headings=HEADINGS) for root in (1, 11)]
    assert [p.total for p in provinces] == [counts(4 + 3), counts(5 + 6)]
    assert [reports_total(lines[root], reports, TWO) for root in (1, 11)] == [p.total for p in provinces]
    assert country_total(provinces) == counts(4 + 3 + 5 + 6)  # C1's and C2's own 50 and 60: never
    by_code = {line.member.code: line for line in lines[1]}
    assert (by_code["C1"].via, by_code["C2"].status) == ("D1", MISSING)


# --- The national form: one line per province from SQL's sums ------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "received", "sums", "total", "missing"),
    [
        (
            3,
            2,
            [5, None, 0, 1, 2, 3, 4, 5, 6, 7, 8],
            dict(zip(FORM06_COLUMNS, [5, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8], strict=True)),
            1,
        ),
        (4, 0, [None] * 11, zero(), 4),  # nothing received: zeros, never a missing line summed
        (0, 0, [None] * 11, zero(), 0),  # a province without units below it
    ],
)
def test_a_provinces_line_from_its_sums(lines, received, sums, total, missing):
    line = province_line("P17", "Hòa Bình", lines=lines, received=received, sums=sums)
    assert (dict(line.total), line.received, line.missing) == (total, received, missing)


def test_the_national_total_adds_each_province_once():
    one = province_line("P14", "Sơn La", lines=3, received=2, sums=[1] * 11)
    two = province_line("P17", "Hòa Bình", lines=6, received=3, sums=[2] * 11)
    assert national_total([one, two]) == dict.fromkeys(FORM06_COLUMNS, 3) == add([one.total, two.total])
    with pytest.raises(ValueError):
        province_line("P01", "Hà Nội", lines=1, received=1, sums=[1] * 10)  # a column short
