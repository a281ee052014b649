"""The unit file contract (interchange.md "Units") and search folding, without a database."""

import pytest

from kstt.units.rules import UnitFileError, absent_codes, fold, parse_unit_rows

HEADER = ["code", "name", "level", "kind", "parent_code"]


def rec(code, name, level, parent="", kind=""):
    return {"code": code, "name": name, "level": level, "kind": kind, "parent_code": parent}


GOOD = [
    rec("P17", "Tỉnh Hòa Bình", "province"),
    rec("P17-STP", "Sở Tư pháp", "department", "P17"),
    rec("D157", "Huyện Lạc Sơn", "district", "P17"),
    rec("W05341", "Xã Yên Nghiệp", "commune", "D157"),
]


def test_a_three_level_file_parses_in_order():
    rows = parse_unit_rows(HEADER, GOOD, known_levels={})
    assert [(r.line, r.code, r.parent_code) for r in rows] == [
        (2, "P17", ""),
        (3, "P17-STP", "P17"),
        (4, "D157", "P17"),
        (5, "W05341", "D157"),
    ]


def test_a_two_level_file_puts_communes_under_the_province():
    rows = parse_unit_rows(
        HEADER, [rec("P25", "Tỉnh Phú Thọ", "province"), rec("W1", "Xã A", "commune", "P25")], known_levels={}
    )
    assert rows[1].parent_code == "P25"


def test_a_parent_already_in_force_need_not_be_in_the_file():
    rows = parse_unit_rows(HEADER, [rec("W9", "Xã Mới", "commune", "D157")], known_levels={"D157": "district"})
    assert rows[0].parent_code == "D157"


@pytest.mark.parametrize(
    ("records", "line", "reason"),
    [
        pytest.param([*GOOD, rec("W1", "Xã X", "commune", "D999")], 6, "unknown parent D999", id="unknown-parent"),
        pytest.param(
            [*GOOD[:2], rec("D157", "Huyện", "county", "P17")], 4, "unknown level 'county'", id="unknown-level"
        ),
        pytest.param(
            [*GOOD, rec("D157", "Huyện khác", "district", "P17")],
            6,
            "duplicate code D157 (first on line 4)",
            id="duplicate-code",
        ),
        pytest.param([*GOOD[:3], rec("W05341", "  ", "commune", "D157")], 5, "empty name", id="empty-name"),
        pytest.param([rec("", "Không mã", "province")], 2, "empty code", id="empty-code"),
        pytest.param([rec("P 17", "Tỉnh", "province")], 2, "white space", id="code-with-space"),
        pytest.param([rec("P17", "Tỉnh", "province", "P17")], 2, "its own parent", id="own-parent"),
        pytest.param([rec("W1", "Xã", "commune")], 2, "a commune needs a parent", id="commune-without-parent"),
        pytest.param(
            [rec("P1", "Tỉnh", "province"), rec("P2", "Tỉnh", "province", "P1")],
            3,
            "a province has no parent",
            id="province-with-parent",
        ),
        pytest.param(
            [*GOOD, rec("W2", "Xã", "commune", "P17-STP")],
            6,
            "a commune cannot be under a department",
            id="commune-under-department",
        ),
        pytest.param(
            [*GOOD, rec("D2", "Huyện", "district", "W05341")],
            6,
            "a district cannot be under a commune",
            id="district-under-commune",
        ),
    ],
)
def test_a_bad_row_names_its_line_and_reason(records, line, reason):
    with pytest.raises(UnitFileError) as error:
        parse_unit_rows(HEADER, records, known_levels={})
    assert error.value.line == line
    assert reason in error.value.reason


def test_a_missing_column_is_reported_on_the_header_line():
    with pytest.raises(UnitFileError) as error:
        parse_unit_rows(["code", "name", "level"], [], known_levels={})
    assert (error.value.line, error.value.reason) == (1, "missing column(s): kind, parent_code")


def test_a_row_with_extra_fields_is_refused():
    with pytest.raises(UnitFileError, match="line 2: more fields"):
        parse_unit_rows(HEADER, [{**rec("P1", "Tỉnh", "province"), None: ["extra"]}], known_levels={})


def test_names_are_normalised_to_nfc():
    decomposed = "Xa\u0303 Yên Nghiệp"  # "ã" typed as a + combining tilde
    rows = parse_unit_rows(HEADER, [rec("P1", decomposed, "province")], known_levels={})
    assert rows[0].name == "Xã Yên Nghiệp"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Lạc Sơn", "lac son"),
        ("Ủy ban nhân dân huyện Đà Bắc", "uy ban nhan dan huyen da bac"),
        ("THỊ TRẤN  Mai   Châu", "thi tran mai chau"),
        ("W05341", "w05341"),
        ("Xa\u0303 Ân Nghĩa", "xa an nghia"),
    ],
)
def test_fold_drops_diacritics_case_and_extra_space(text, folded):
    assert fold(text) == folded


# The tree the day before: Hòa Bình (P17, three levels) and Sơn La (P14), code → parent code.
BEFORE = {
    "P17": "",
    "P17-STP": "P17",
    "D148": "P17",
    "W04795": "D148",
    "W04798": "D148",
    "P14": "",
    "D116": "P14",
    "W03646": "D116",
}


@pytest.mark.parametrize(
    ("file_parents", "expected"),
    [
        pytest.param(dict(BEFORE), [], id="the same tree: nothing absent"),
        pytest.param(
            {"P17": "", "P17-STP": "P17", "D148": "P17", "W04795": "D148"}, ["W04798"], id="one commune dropped"
        ),
        pytest.param(
            {"P17": "", "P17-STP": "P17", "W04795": "P17", "W04798": "P17"},
            ["D148"],
            id="2025 shape: communes under the province, the district is absent",
        ),
        pytest.param(
            {"P25": "", "W04795": "P25"},
            ["D148", "P17", "P17-STP", "W04798"],
            id="a province absorbed: its units the file does not carry on close, the other province stays",
        ),
        pytest.param({"P17": ""}, ["D148", "P17-STP", "W04795", "W04798"], id="only the root: all below it"),
        pytest.param(
            {"W09999": "D148"}, ["D148", "P17", "P17-STP", "W04795", "W04798"], id="province found through the tree"
        ),
        pytest.param({"P99": "", "W1": "P99"}, [], id="a new province: nothing of the others"),
        pytest.param({}, [], id="an empty file closes nothing"),
    ],
)
def test_absent_codes_are_the_units_of_the_files_provinces_it_no_longer_lists(file_parents, expected):
    assert absent_codes(file_parents, BEFORE) == expected


def test_absent_codes_survive_a_cycle_in_the_parents():
    assert absent_codes({"X": "B"}, {"B": "C", "C": "B"}) == ["B"]
