"""A period as people read it ("Quý III/2021"): the one label of a period, kept with the periods.

Every page, export and message names a period through ``period_label`` (the reports' template filter of
the same name is this function), in the language active when it is called.
"""

from django.utils.translation import gettext as _

from kstt.catalogue.rules.periods import Period

ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}


def period_label(period: Period | str) -> str:
    if isinstance(period, str):
        period = Period.parse(period)
    if period.kind in ROMAN:
        return _("Quarter %(n)s/%(year)s") % {"n": ROMAN[period.kind], "year": period.year}
    return {
        "H1": _("First six months of %(year)s"),
        "M9": _("Nine months of %(year)s"),
        "Y": _("Year %(year)s"),
    }[period.kind] % {"year": period.year}
