"""The one way an exported workbook's cell gets its value (issue 13, point 6): text is always text.

openpyxl reads a string starting with "=" as a formula and one such as "#N/A" as an error, so a unit
named ``=HYPERLINK("http://…","Bấm vào đây")`` would come out as a live formula. ``put`` writes every
text as a text cell (``data_type`` "s"), whatever it starts with, and marks a text starting with a
character a spreadsheet may take for the start of a formula (``=``, ``+``, ``-``, ``@``, tab, CR) with
the *quotePrefix* style, so Excel and LibreOffice keep it a text when someone edits the cell. A
character XML cannot carry (U+0000–U+001F but tab, LF and CR; U+FFFE, U+FFFF; a lone surrogate)
becomes U+FFFD instead of failing the export. A formula the export means (the total rows of form 06)
is a ``Formula``, written as one. Numbers, dates and None are written as openpyxl writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: What a spreadsheet may read as the start of a formula when a cell is typed or edited (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
#: The characters XML 1.0 cannot carry (openpyxl's own ILLEGAL_CHARACTERS_RE misses the last three ranges).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Formula:
    """A formula the export writes on purpose, e.g. ``Formula("=SUM(C12:C20)")``."""

    text: str

    def __post_init__(self) -> None:
        if not self.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {self.text!r}")


def put(cell: Any, value: object) -> Any:
    """Give ``cell`` its value: a text as a text, a ``Formula`` as a formula, anything else as is."""
    if isinstance(value, Formula):
        cell.value = value.text
        cell.data_type = "f"
    elif isinstance(value, str):
        text = NOT_XML.sub(REPLACEMENT, value)
        cell.value = text
        cell.data_type = "s"  # never "f" (a leading "=") nor "e" ("#N/A"): openpyxl guesses both
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
