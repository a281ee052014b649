from django import forms
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.choices import DayKind
from kstt.formats.widgets import DayInput
from kstt.units.choices import Level


class DeadlineSettingsForm(forms.Form):
    cutoff_day = forms.IntegerField(
        label=_("Cut-off day (windows run from this day to the day before it)"), min_value=1, max_value=28
    )
    closing_days = forms.IntegerField(label=_("Days from the deadline to the closing time"), min_value=1, max_value=365)
    roll_forward = forms.BooleanField(
        label=_("Move a deadline on a weekend or holiday to the next working day"), required=False
    )
    returned_on_time = forms.BooleanField(
        label=_("Form 06 from dossiers: count a returned or withdrawn dossier as settled on time"), required=False
    )

    def __init__(self, *args, levels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
        for level in levels:
            label = Level(level).label
            self.fields[f"offset_{level}"] = forms.IntegerField(
                label=_("%(level)s: days after the window") % {"level": label}, min_value=1, max_value=60
            )
            self.fields[f"cap_{level}"] = forms.IntegerField(
                label=_("%(level)s: never after this day of the month") % {"level": label},
                min_value=1,
                max_value=31,
                required=False,
            )

    def level_fields(self):
        return [(Level(level).label, self[f"offset_{level}"], self[f"cap_{level}"]) for level in self.levels]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DayInput(attrs={"class": "form-control form-control-sm"}))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=DayKind.choices, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    name = forms.CharField(label=_("Reason (decision, holiday)"), max_length=200)
