"""Dates are dd/mm/yyyy and times dd/mm/yyyy HH:MM in the province's zone, shown and typed, in both languages."""

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from kstt import clock
from kstt.formats.widgets import DayInput, DayTimeInput, parse_day, parse_day_time

AT = datetime(2026, 11, 29, 10, 46, tzinfo=UTC)  # 17:46 in Hà Nội


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("template", "shown"),
    [
        pytest.param("{{ at }}", "29/11/2026 17:46", id="instant-default"),
        pytest.param("{{ at|date }}", "29/11/2026", id="instant-date-filter"),
        pytest.param("{{ at|date:'SHORT_DATETIME_FORMAT' }}", "29/11/2026 17:46", id="short-datetime"),
        pytest.param("{{ day }}", "03/04/2021", id="date-default"),
        pytest.param("{{ day|date:'SHORT_DATE_FORMAT' }}", "03/04/2021", id="short-date"),
    ],
)
def test_instants_and_dates_read_day_first_in_the_provinces_zone(settings, language, template, shown):
    with translation.override(language), timezone.override(clock.province_zone()):
        assert Template(template).render(Context({"at": AT, "day": date(2021, 4, 3)})) == shown


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        pytest.param("03/04/2021", date(2021, 4, 3), id="ambiguous-is-day-first"),
        pytest.param("3/4/2021", date(2021, 4, 3), id="no-leading-zeros"),
        pytest.param(" 29/11/2026 ", date(2026, 11, 29), id="spaces"),
        pytest.param("2021-04-03", date(2021, 4, 3), id="iso-from-links"),
        pytest.param("12/25/2021", None, id="month-first-refused"),
        pytest.param("31/02/2021", None, id="no-such-day"),
        pytest.param("hôm nay", None, id="not-a-date"),
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_typed_date_is_read_day_first(language, typed, day):
    with translation.override(language):
        assert parse_day(typed) == day


@pytest.mark.parametrize(
    ("typed", "at"),
    [
        pytest.param("20/09/2021 14:00", datetime(2021, 9, 20, 14, 0), id="day-first-with-time"),
        pytest.param("01/02/2021 07:05", datetime(2021, 2, 1, 7, 5), id="ambiguous-is-day-first"),
        pytest.param("2021-09-20T14:00", datetime(2021, 9, 20, 14, 0), id="iso"),
        pytest.param("09/20/2021 14:00", None, id="month-first-refused"),
    ],
)
def test_a_typed_time_is_read_day_first(typed, at):
    with translation.override("en"):
        assert parse_day_time(typed) == at


class Sample(forms.Form):
    day = forms.DateField(widget=DayInput())
    at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"], widget=DayTimeInput())


def test_the_widgets_are_text_inputs_shown_day_first():
    with translation.override("en"), timezone.override(clock.province_zone()):
        html = str(Sample(initial={"day": date(2021, 4, 3), "at": AT}))
    assert 'type="date"' not in html and 'type="datetime-local"' not in html
    assert 'name="day" value="03/04/2021"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'name="at" value="29/11/2026 17:46"' in html and 'placeholder="dd/mm/yyyy HH:MM"' in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_form_reads_day_first_dates_and_local_times(language):
    with translation.override(language), timezone.override(clock.province_zone()):
        form = Sample(data={"day": "03/04/2021", "at": "01/02/2021 07:05"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2021, 4, 3)
    assert form.cleaned_data["at"] == datetime(2021, 2, 1, 0, 5, tzinfo=UTC)  # 07:05 in Hà Nội


class Refused(Sample):
    reason = forms.CharField()  # left empty: the form comes back with what was typed


@pytest.mark.parametrize(
    ("typed_day", "typed_at", "day_shown", "at_shown"),
    [
        pytest.param("03/04/2021", "01/02/2021 07:05", "03/04/2021", "01/02/2021 07:05", id="typed-day-first"),
        pytest.param("2021-04-03", "2021-02-01T07:05", "03/04/2021", "01/02/2021 07:05", id="typed-iso"),
        pytest.param("3/4/2021", "1/2/2021 7:05", "03/04/2021", "01/02/2021 07:05", id="typed-without-zeros"),
        pytest.param("03/04/2021", "01/02/2021", "03/04/2021", "01/02/2021 00:00", id="a-day-without-time"),
        pytest.param("hôm qua", "12/25/2021 14:00", "hôm qua", "12/25/2021 14:00", id="not-a-date-as-typed"),
    ],
)
def test_a_form_refused_for_another_field_shows_the_dates_day_first(typed_day, typed_at, day_shown, at_shown):
    with translation.override("en"), timezone.override(clock.province_zone()):
        form = Refused(data={"day": typed_day, "at": typed_at, "reason": ""})
        assert not form.is_valid()
        html = str(form)
    assert f'name="day" value="{day_shown}"' in html and f'name="at" value="{at_shown}"' in html


def test_a_month_first_date_is_refused_not_misread():
    with translation.override("en"):
        form = Sample(data={"day": "12/25/2021", "at": "09/20/2021 14:00"})
        assert not form.is_valid()
    assert set(form.errors) == {"day", "at"}


def test_no_page_or_form_uses_the_browsers_own_date_input():
    """A native date input follows the browser's language: every date field uses kstt.formats.widgets."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    native = (
        'type="date"',
        "type='date'",
        "datetime-local",
        '"type": "date"',
        "forms.DateInput(",
        "forms.DateTimeInput(",
    )
    offenders = [
        f"{path.relative_to(root)}: {marker}"
        for path in [*root.rglob("*.html"), *root.rglob("*.py")]
        if "tests" not in path.parts and "formats" not in path.parts
        for marker in native
        if marker in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_every_date_field_of_kstts_forms_is_typed_day_first():
    from kstt.catalogue import forms as catalogue_forms
    from kstt.incidents import forms as incident_forms

    widgets = {}
    for module in (catalogue_forms, incident_forms):
        for name, form in vars(module).items():
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                for field_name, field in form.base_fields.items():
                    if isinstance(field, forms.DateField | forms.DateTimeField):
                        widgets[f"{name}.{field_name}"] = type(field.widget)
    assert widgets and all(w in (DayInput, DayTimeInput) for w in widgets.values()), widgets
