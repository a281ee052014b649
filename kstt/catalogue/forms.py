from django import forms
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.choices import DayKind
from kstt.catalogue.rules.deadlines import (
    CAP_DAYS,
    CLOSING_DAYS,
    CUTOFF_DAYS,
    OFFSET_DAYS,
    DeadlinePolicy,
    LevelDeadline,
    policy_problems,
)
from kstt.catalogue.services import policy_problem_message
from kstt.formats.widgets import DayInput
from kstt.units.choices import Level


class DeadlineSettingsForm(forms.Form):
    """The deadline settings of a report type. Every value it accepts means what its label says
    (catalogue.rules.deadlines.policy_problems names the combinations it refuses)."""

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

    def __init__(self, *args, levels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
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

    def clean(self):
        data = super().clean()
        wanted = ["cutoff_day", "closing_days", *(f"offset_{level}" for level in self.levels)]
        if any(data.get(name) is None for name in wanted):
            return data  # a field is already refused on its own
        policy = DeadlinePolicy(
            levels={level: LevelDeadline(data[f"offset_{level}"], data.get(f"cap_{level}")) for level in self.levels},
            cutoff_day=data["cutoff_day"],
            closing_days=data["closing_days"],
        )
        for name, problem, values in policy_problems(policy):
            self.add_error(name, policy_problem_message(problem, values))
        return data

    def level_fields(self):
        return [(Level(level).label, self[f"offset_{level}"], self[f"cap_{level}"]) for level in self.levels]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DayInput(attrs={"class": "form-control form-control-sm"}))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=DayKind.choices, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    name = forms.CharField(label=_("Reason (decision, holiday)"), max_length=200)
