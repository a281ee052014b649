from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.choices import DayKind
from kstt.catalogue.rules.deadlines import CAP_DAYS, CLOSING_DAYS, CUTOFF_DAYS, OFFSET_DAYS
from kstt.catalogue.rules.settings import POINTS, SETTING_KEYS, problems
from kstt.catalogue.services import settings_problem_message
from kstt.formats.widgets import DayInput
from kstt.units.choices import Level
from kstt.units.rules import LEVELS


class SettingsForm(forms.Form):
    """New settings of a report type, valid from a period: every value, prefilled from the version in
    force. Every value it accepts means what its label says (catalogue.rules.settings.problems names the
    combinations it refuses, the same ones services.change_settings refuses)."""

    valid_from = forms.ChoiceField(label=_("Valid from the period"))
    cutoff_day = forms.IntegerField(
        label=_(
            "Cut-off day: a window runs from this day of the month before the period to the day before it "
            "in the period's last month (1 = calendar months: Q3 is 01/07–30/09)"
        ),
        min_value=CUTOFF_DAYS[0],
        max_value=CUTOFF_DAYS[1],
    )
    closing_days = forms.IntegerField(
        label=_("Days from the deadline to the closing time"), min_value=CLOSING_DAYS[0], max_value=CLOSING_DAYS[1]
    )
    roll_forward = forms.BooleanField(
        label=_("Move a deadline on a weekend or holiday to the next working day"), required=False
    )
    returned_on_time = forms.BooleanField(
        label=_("Form 06 from dossiers: count a returned or withdrawn dossier as settled on time"), required=False
    )
    scored_levels = forms.MultipleChoiceField(
        label=_("Levels scored in the PAR index"), required=False, widget=forms.CheckboxSelectMultiple
    )
    not_sent_points = forms.DecimalField(
        label=_("Deduction for a report not sent (points)"),
        min_value=POINTS[0],
        max_value=POINTS[1],
        max_digits=4,
        decimal_places=2,
    )
    late_points = forms.DecimalField(
        label=_("Deduction for a report sent late or with a quality fault (points)"),
        min_value=POINTS[0],
        max_value=POINTS[1],
        max_digits=4,
        decimal_places=2,
    )
    digital_signature_required = forms.BooleanField(
        label=_(
            "Require a digitally signed PDF: a PDF without a digital signature (a scan) counts as missing, "
            "and the report cannot be submitted with it"
        ),
        required=False,
    )
    note = forms.CharField(label=_("Why (e.g. the decision that sets them)"), max_length=2000)

    def __init__(self, *args, levels: list[str], periods: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
        self.fields["valid_from"].choices = periods
        self.fields["scored_levels"].choices = [(level, Level(level).label) for level in levels]
        for level in levels:
            label = Level(level).label
            self.fields[f"offset_{level}"] = forms.IntegerField(
                label=_("%(level)s: days after the window") % {"level": label},
                min_value=OFFSET_DAYS[0],
                max_value=OFFSET_DAYS[1],
            )
            self.fields[f"cap_{level}"] = forms.IntegerField(
                label=_(
                    "%(level)s: never after this day of the period's last month "
                    "(its last day when the month is shorter)"
                )
                % {"level": label},
                min_value=CAP_DAYS[0],
                max_value=CAP_DAYS[1],
                required=False,
            )

    @staticmethod
    def initial_from(values: dict[str, Any]) -> dict[str, Any]:
        """The form's initial data from a version's values (SettingsVersion.values())."""
        initial = {key: values[key] for key in SETTING_KEYS if key != "deadlines"}
        for level, rule in values["deadlines"].items():
            initial[f"offset_{level}"], initial[f"cap_{level}"] = rule["offset_days"], rule.get("cap_day")
        return initial

    def values(self) -> dict[str, Any]:
        """The cleaned values as services.change_settings takes them."""
        data = self.cleaned_data
        return {
            "cutoff_day": data["cutoff_day"],
            "closing_days": data["closing_days"],
            "roll_forward": data["roll_forward"],
            "returned_on_time": data["returned_on_time"],
            "deadlines": {
                level: {"offset_days": data[f"offset_{level}"], "cap_day": data.get(f"cap_{level}")}
                for level in self.levels
            },
            "scored_levels": [level for level in self.levels if level in data["scored_levels"]],
            "not_sent_points": data["not_sent_points"],
            "late_points": data["late_points"],
            "digital_signature_required": data["digital_signature_required"],
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data  # a field is already refused on its own
        for name, problem, params in problems(self.values(), levels=LEVELS):
            self.add_error(name if name in self.fields else None, settings_problem_message(problem, params))
        return data

    def level_fields(self):
        return [(Level(level).label, self[f"offset_{level}"], self[f"cap_{level}"]) for level in self.levels]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DayInput(attrs={"class": "form-control form-control-sm"}))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=DayKind.choices, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    name = forms.CharField(label=_("Reason (decision, holiday)"), max_length=200)
