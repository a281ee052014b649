"""`kstt form06`: a unit's form 06 from its dossiers, a district's and the province's compiled form,
and the dossiers behind any cell."""

import dataclasses
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kstt.dossiers.services import push_dossiers
from kstt.tests.cast import AT


def d(code, unit, field, channel, received, due, finished="", outcome=""):
    return {
        "code": code,
        "unit_code": unit,
        "field_code": field,
        "channel": channel,
        "received_at": received,
        "due_at": due,
        "finished_at": finished,
        "outcome": outcome,
    }


DOSSIERS = [
    # Yên Nghiệp, Hộ tịch: one online pending, one settled late, one carried over and settled early
    d("HS-1", "W05341", "HT", "online", "2021-08-02T08:00:00+07:00", "2021-09-30T17:00:00+07:00"),
    d(
        "HS-2",
        "W05341",
        "HT",
        "direct",
        "2021-07-01T08:00:00+07:00",
        "2021-07-05T17:00:00+07:00",
        "2021-07-08T10:00:00+07:00",
        "settled",
    ),
    d(
        "HS-3",
        "W05341",
        "HT",
        "postal",
        "2021-06-01T08:00:00+07:00",
        "2021-06-30T17:00:00+07:00",
        "2021-06-20T10:00:00+07:00",
        "settled",
    ),
    # Yên Nghiệp, Chứng thực: returned, counted on time
    d(
        "HS-4",
        "W05341",
        "CT",
        "direct",
        "2021-07-10T08:00:00+07:00",
        "2021-07-11T17:00:00+07:00",
        "2021-07-20T10:00:00+07:00",
        "returned",
    ),
    # Ân Nghĩa: one pending overdue; Lạc Sơn district itself: one settled on time
    d("HS-5", "W05344", "HT", "direct", "2021-08-01T08:00:00+07:00", "2021-08-03T17:00:00+07:00"),
    d(
        "HS-6",
        "D157",
        "DD",
        "online",
        "2021-08-01T08:00:00+07:00",
        "2021-08-10T17:00:00+07:00",
        "2021-08-10T16:00:00+07:00",
        "settled",
    ),
    # Mai Châu (another district) and a refused one: outside Lạc Sơn / ignored
    d("HS-7", "W05200", "HT", "online", "2021-08-01T08:00:00+07:00", "2021-08-10T17:00:00+07:00"),
    d(
        "HS-8",
        "W05341",
        "HT",
        "online",
        "2021-08-01T08:00:00+07:00",
        "2021-08-01T17:00:00+07:00",
        "2021-08-01T09:00:00+07:00",
        "refused",
    ),
]


@pytest.fixture
def dossiers(cast, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)


def form06(*args):
    out = StringIO()
    call_command("form06", *args, stdout=out)
    return out.getvalue()


def test_a_communes_form_06_as_json(dossiers):
    data = json.loads(form06("--unit", "W05341", "--period", "2021Q3"))
    assert data["unit"] == "W05341" and data["period"] == "2021Q3"
    assert data["window"] == ["2021-06-15", "2021-09-14"]
    assert data["rows"] == [
        {"field": "CT", "received_total": 1, "received_online": 0, "received_direct": 1, "carried_over": 0,
         "settled_total": 1, "settled_early": 0, "settled_on_time": 1, "settled_late": 0,
         "pending_total": 0, "pending_in_time": 0, "pending_overdue": 0},
        {"field": "HT", "received_total": 3, "received_online": 1, "received_direct": 1, "carried_over": 1,
         "settled_total": 2, "settled_early": 1, "settled_on_time": 0, "settled_late": 1,
         "pending_total": 1, "pending_in_time": 1, "pending_overdue": 0},
    ]  # fmt: skip
    assert data["total"]["received_total"] == 4
    assert data["total"]["settled_total"] + data["total"]["pending_total"] == 4


def test_a_districts_compiled_form_has_a_row_per_unit_grouped_by_level(dossiers):
    data = json.loads(form06("--unit", "D157", "--period", "2021Q3"))
    assert data["compiled"] is True
    assert [(r["level"], r["unit"], r["received_total"]) for r in data["rows"]] == [
        ("district", "D157", 1),
        ("commune", "W05341", 4),
        ("commune", "W05344", 1),
    ]
    assert data["subtotals"]["commune"]["received_total"] == 5
    assert data["total"]["received_total"] == 6
    assert data["total"]["pending_overdue"] == 1


def test_the_provinces_compiled_form_covers_every_level(dossiers):
    data = json.loads(form06("--unit", "P17", "--period", "2021Q3"))
    assert [r["unit"] for r in data["rows"]] == ["P17-STP", "D156", "D157", "W05200", "W05341", "W05344"]
    assert data["total"]["received_total"] == 7  # HS-7 of Mai Châu counts for the province
    assert set(data["subtotals"]) == {"department", "district", "commune"}


@pytest.mark.parametrize(
    ("unit", "cell", "codes"),
    [
        pytest.param("W05341", "HT:received_total", ["HS-3", "HS-2", "HS-1"], id="a-field-total"),
        pytest.param("W05341", "HT:10", ["HS-2"], id="by-printed-column-number"),
        pytest.param("W05341", "CT:settled_on_time", ["HS-4"], id="returned-on-time"),
        pytest.param("W05341", "total:carried_over", ["HS-3"], id="the-total-row"),
        pytest.param("D157", "W05344:pending_overdue", ["HS-5"], id="a-unit-row-of-a-compiled-form"),
        pytest.param("D157", "commune:received_total", ["HS-3", "HS-2", "HS-4", "HS-5", "HS-1"], id="a-level-subtotal"),
        pytest.param("D157", "total:settled_on_time", ["HS-4", "HS-6"], id="a-compiled-total"),
    ],
)
def test_the_dossiers_behind_a_cell(dossiers, unit, cell, codes):
    assert form06("--unit", unit, "--period", "2021Q3", "--cell", cell).split() == codes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--unit", "W05341", "--period", "2021Q5"], "not a period code", id="bad-period"),
        pytest.param(["--unit", "NOPE", "--period", "2021Q3"], "unknown unit NOPE", id="unknown-unit"),
        pytest.param(
            ["--unit", "W05341", "--period", "2021Q3", "--cell", "HT"], "--cell takes ROW:COLUMN", id="bad-cell"
        ),
        pytest.param(
            ["--unit", "W05341", "--period", "2021Q3", "--cell", "HT:99"], "unknown column '99'", id="bad-column"
        ),
        pytest.param(
            ["--unit", "D157", "--period", "2021Q3", "--cell", "W05200:3"], "no row 'W05200'", id="unit-outside"
        ),
        pytest.param(
            ["--unit", "W05341", "--period", "2021Q3", "--format", "xlsx"], "needs --output", id="xlsx-needs-a-file"
        ),
    ],
)
def test_bad_arguments_are_clear_errors(dossiers, args, message):
    with pytest.raises(CommandError, match=message):
        form06(*args)


def test_a_unit_that_did_not_exist_then_has_no_form(dossiers):
    from datetime import date

    from kstt.units.services import load_units

    load_units(
        data="code,name,level,kind,parent_code\nW09999,Xã Mới Lập,commune,xã,D157\n".encode(),
        effective_from=date(2022, 1, 1),
        at=AT,
    )
    with pytest.raises(CommandError, match="did not exist on 2021-09-14"):
        form06("--unit", "W09999", "--period", "2021Q3")


def test_a_form_without_dossiers_is_all_zeros(cast, kstt_report):
    data = json.loads(form06("--unit", "W05341", "--period", "2021Q3"))
    assert data["rows"] == [] and set(data["total"].values()) == {0}


def test_the_workbook_has_the_same_numbers_as_the_json(dossiers, tmp_path):
    import openpyxl

    data = json.loads(form06("--unit", "D157", "--period", "2021Q3"))
    path = tmp_path / "bieu06.xlsx"
    call_command(
        "form06", "--unit", "D157", "--period", "2021Q3", "--format", "xlsx", "--output", str(path), stderr=StringIO()
    )
    book = openpyxl.load_workbook(path)
    meta = {row[0]: row[1] for row in book["_kstt"].iter_rows(min_row=2, values_only=True)}
    sheet = book[meta["sheet"]]
    assert (meta["unit_code"], meta["period"], meta["compiled"]) == ("D157", "2021Q3", "yes")
    for row in data["rows"]:
        line = int(meta[f"row:{row['unit']}"])
        for key in ("received_total", "settled_late", "pending_overdue"):
            assert sheet[f"{meta[f'column:{key}']}{line}"].value == row[key]
    total, letter = int(meta["total_row"]), meta["column:received_total"]
    subtotals = [f"{letter}{row}" for key, row in meta.items() if key.startswith("subtotal:")]
    assert len(subtotals) == 2  # Lạc Sơn's own row, then its communes
    assert sheet[f"{letter}{total}"].value == f"=SUM({','.join(subtotals)})"  # LibreOffice computes the JSON's total


def test_every_units_form_in_one_aggregate(dossiers, kstt_report, province, django_assert_max_num_queries):
    from kstt.catalogue.rules.periods import Period
    from kstt.compilation.selectors import compile_every_unit, compile_form06
    from kstt.units.models import Unit

    with django_assert_max_num_queries(8):
        forms = compile_every_unit(root=province, period=Period.parse("2021Q3"), report_type=kstt_report)
    assert set(forms) == {"P17-STP", "D156", "D157", "W05200", "W05341", "W05344"}
    one = compile_form06(unit=Unit.objects.get(code="W05341"), period=Period.parse("2021Q3"), report_type=kstt_report)
    assert forms["W05341"].rows == one.rows
    assert forms["W05341"].total == one.total
    assert forms["W05341"].recipient_name == "Ủy ban nhân dân huyện Lạc Sơn"


@pytest.mark.parametrize(
    ("code", "fields"), [("W05341", {"CT", "HT"}), ("W05344", {"HT"}), ("D157", {"DD"}), ("P17-STP", set())]
)
def test_a_units_own_counts_are_its_own_forms_rows_in_one_query(
    dossiers, kstt_report, code, fields, django_assert_num_queries
):
    """What a draft starts from and R8 reconciles with: the rows of the unit's own form by field, read by one
    aggregate (the settings already read), without the printed form's names, recipient and definition."""
    from kstt.catalogue import selectors as catalogue
    from kstt.catalogue.rules.periods import Period
    from kstt.compilation.selectors import compile_scope, own_counts, scope
    from kstt.units.models import Unit

    unit, period = Unit.objects.get(code=code), Period.parse("2021Q3")
    catalogue.settings_for(kstt_report, period)  # remembered on the report type, as in a request
    with django_assert_num_queries(1):
        counts = own_counts(unit=unit, period=period, report_type=kstt_report)
    whole = scope(unit=unit, period=period, report_type=kstt_report)
    own = compile_scope(dataclasses.replace(whole, compiled=False, members=(whole.unit,)))
    assert counts == {row.key: dict(row.counts) for row in own.rows}
    assert set(counts) == fields
