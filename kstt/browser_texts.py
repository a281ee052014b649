"""What the browser would say in its own language, said in the interface's instead.

A file field's "Choose File" / "No file chosen" and the bubbles of form validation ("Please fill out this
field.") come from the browser, in the language of the PC (mostly English in the offices), not from the
page. The base layout hands these texts to ``static/kstt/browser_texts.js`` (a JSON script tag), which
draws file fields with them and sets them as the validation messages. ``{name}`` marks what the script
fills in.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

TEXTS = {
    "choose_file": _("Choose file"),
    "no_file": _("No file chosen"),
    "files_chosen": _("{count} files chosen"),
    "value_missing": _("Please fill in this field."),
    "value_missing_checkbox": _("Please tick this box to go on."),
    "value_missing_radio": _("Please choose one of these options."),
    "value_missing_select": _("Please choose an item in the list."),
    "value_missing_file": _("Please choose a file."),
    "type_email": _("Please enter an e-mail address."),
    "type_url": _("Please enter a web address."),
    "type_other": _("Please enter a value of the expected kind."),
    "pattern": _("Please match the requested format."),
    "too_short": _("Please use at least {min} characters (you are using {count})."),
    "too_long": _("Please use at most {max} characters (you are using {count})."),
    "range_underflow": _("The value must be {min} or more."),
    "range_overflow": _("The value must be {max} or less."),
    "step_whole": _("Please enter a whole number."),
    "step": _("Please enter a value in steps of {step}."),
    "bad_number": _("Please enter a number."),
    "bad_input": _("Please enter a valid value."),
}


def browser_texts(request: HttpRequest) -> dict[str, Any]:
    return {"browser_texts": TEXTS}
