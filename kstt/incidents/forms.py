from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kstt import clock, unicode_text
from kstt.formats.widgets import DayTimeInput
from kstt.units.models import Unit

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _local_datetime(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=LOCAL_INPUT,
        widget=DayTimeInput(),
        help_text=_("Local time (Asia/Ho_Chi_Minh)."),
    )


class UnitPicker(forms.CheckboxSelectMultiple):
    """The units an incident touched, out of some two hundred: the chosen ones listed above a search box (name
    or code, diacritics ignored: the unit tree's own search, asked through incidents:unit_matches) over the
    plain list of checkboxes grouped by level. Without JavaScript the search box stays hidden and the
    checkboxes are the whole picker (kstt/static/kstt/unit_picker.js adds the rest)."""

    template_name = "incidents/unit_picker.html"


class IncidentForm(forms.Form):
    start = _local_datetime(_("Start"))
    end = _local_datetime(_("End"), required=False)
    #: Starts unticked with no unit chosen: the officer must say which units the incident touched.
    all_units = forms.BooleanField(label=_("All units are affected"), required=False, initial=False)
    units = forms.MultipleChoiceField(
        label=_("Units affected"),
        required=False,
        help_text=_("Only these units, when not all units are affected."),
        widget=UnitPicker(),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    evidence = forms.FileField(
        label=_("Evidence (screenshot, log, minutes)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, unit_choices: list[tuple[str, list[tuple[int, str]]]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end"].help_text = _("Leave empty while the incident goes on.")
        self.fields["units"].choices = unit_choices

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        if unicode_text.is_blank(description):  # zero-width spaces and the like: nothing a reader sees
            raise forms.ValidationError(self.fields["description"].error_messages["required"], code="required")
        return description

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        now = clock.now()
        if start and start > now:
            self.add_error("start", _not_yet(_("An incident cannot start in the future (it is now %(now)s)."), now))
        if end and end > now:
            self.add_error(
                "end",
                _not_yet(_("An incident cannot end in the future (it is now %(now)s): leave the end empty."), now),
            )
        if start and end and end < start:
            self.add_error("end", _("The incident cannot end before it starts."))
        if not data.get("all_units") and not data.get("units"):
            self.add_error("units", _("Choose the units affected, or tick all units."))
        return data

    def selected_units(self) -> list[Unit]:
        ids = [int(i) for i in self.cleaned_data.get("units") or []]
        return list(Unit.objects.filter(pk__in=ids))


class CloseForm(forms.Form):
    end = _local_datetime(_("Ended at"))

    def clean_end(self):
        end, now = self.cleaned_data["end"], clock.now()
        if end > now:
            raise forms.ValidationError(
                _not_yet(_("An incident cannot end in the future (it is now %(now)s)."), now), code="future"
            )
        return end


def _not_yet(message: str, now: datetime) -> str:
    """``message`` with the current local time, as the province reads it."""
    return message % {"now": now.astimezone(clock.province_zone()).strftime("%d/%m/%Y %H:%M")}
