"""`kstt load-incidents` (interchange.md "Incidents"): all or nothing, idempotent."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kstt.incidents.models import Incident

HEADER = "start,end,scope,description\n"
GOOD = (
    HEADER
    + "2021-09-20T14:00:00+07:00,2021-09-20T18:30:00+07:00,D157;P17-STP,Mất kết nối cơ sở dữ liệu\n"
    + "2021-12-17T08:00:00+07:00,,all,Sự cố đang xử lý\n"
)


def load(tmp_path, text, name="incidents.csv", reason="Biên bản sự cố của Trung tâm"):
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_incidents", str(file), f"--reason={reason}", stdout=out)
    return out.getvalue()


def test_a_good_file_loads_scoped_and_open_incidents(tmp_path, cast):
    assert "2 new, 0 updated, 0 unchanged" in load(tmp_path, GOOD)
    scoped, still_open = Incident.objects.order_by("start")
    assert scoped.start == datetime(2021, 9, 20, 7, 0, tzinfo=UTC)
    assert (scoped.all_units, sorted(scoped.units.values_list("code", flat=True))) == (False, ["D157", "P17-STP"])
    assert (still_open.end, still_open.all_units, still_open.units.count()) == (None, True, 0)


def test_loading_the_same_file_twice_changes_nothing(tmp_path, cast):
    load(tmp_path, GOOD)
    assert "0 new, 0 updated, 2 unchanged" in load(tmp_path, GOOD)
    assert Incident.objects.count() == 2


def test_an_incident_sent_again_once_ended_is_updated(tmp_path, cast):
    load(tmp_path, GOOD)
    ended = GOOD.replace("2021-12-17T08:00:00+07:00,,all", "2021-12-17T08:00:00+07:00,2021-12-17T10:00:00+07:00,all")
    assert "0 new, 1 updated, 1 unchanged" in load(tmp_path, ended)
    assert Incident.objects.get(description="Sự cố đang xử lý").end == datetime(2021, 12, 17, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(
            "2021-09-20T14:00:00,,all,Không có múi giờ", "line 3: not an instant", id="instant-without-offset"
        ),
        pytest.param("20/09/2021,,all,Sai định dạng", "line 3: not an instant", id="not-iso-8601"),
        pytest.param(
            "2021-09-20T14:00:00+07:00,2021-09-20T13:00:00+07:00,all,Kết thúc trước khi bắt đầu",
            "line 3: the incident ends before it starts",
            id="end-before-start",
        ),
        pytest.param(
            "2021-09-20T14:00:00+07:00,,X999;D157,Đơn vị lạ", "line 3: unknown unit(s) X999", id="unknown-unit"
        ),
        pytest.param("2021-09-20T14:00:00+07:00,,,Không phạm vi", "line 3: empty scope", id="empty-scope"),
        pytest.param("2021-09-20T14:00:00+07:00,,all,", "line 3: empty description", id="empty-description"),
        pytest.param(",,all,Không có giờ bắt đầu", "line 3: empty start", id="empty-start"),
        pytest.param(
            "2031-01-01T08:00:00+07:00,,all,Chưa xảy ra", "line 3: the incident is in the future", id="future"
        ),
        pytest.param(
            "2021-09-20T14:00:00+07:00,2031-01-01T08:00:00+07:00,all,Kết thúc trong tương lai",
            "line 3: the incident is in the future",
            id="ends-in-future",
        ),
    ],
)
def test_a_bad_row_fails_the_whole_file(tmp_path, cast, line, message):
    text = HEADER + "2021-09-20T14:00:00+07:00,2021-09-20T18:30:00+07:00,all,Sự cố tốt\n" + line + "\n"
    with pytest.raises(CommandError) as error:
        load(tmp_path, text)
    assert message in str(error.value)
    assert "nothing was loaded" in str(error.value)
    assert Incident.objects.count() == 0


def test_a_file_without_the_columns_is_refused(tmp_path, cast):
    with pytest.raises(CommandError, match="line 1: missing column"):
        load(tmp_path, "start,end,description\n")


def test_an_incident_is_loaded_from_the_instant_it_starts_not_before(tmp_path, cast, settings):
    from datetime import timedelta

    start = datetime(2021, 9, 20, 7, 0, tzinfo=UTC)  # 14:00 local
    text = HEADER + "2021-09-20T14:00:00+07:00,,all,Mất kết nối\n"
    settings.KSTT_CLOCK = start - timedelta(microseconds=1)
    with pytest.raises(CommandError, match="line 2: the incident is in the future"):
        load(tmp_path, text)
    settings.KSTT_CLOCK = start
    load(tmp_path, text)
    assert Incident.objects.get().start == start
