"""The narrative outline (đề cương, Circular 01/2020/TT-VPCP Annex II section A) as catalogue data.

An outline, or a new version of one, is a TOML file under ``definitions/outlines/``, never code:
its sections in order, each with a key, its number as printed (I, I.1, …, II), a title, whether the
reporter must fill it, and a short hint. ``parse_outline_spec`` validates a definition, naming the
path of any mistake, the same way ``forms.parse_form_spec`` does for a form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kstt.catalogue.rules.forms import (
    _MISSING,
    _any_text,
    _Check,
    _day,
    _fields,
    _flag,
    _list,
    _refuse_duplicates,
    _text,
    _texts,
    _whole,
)

_KEY = re.compile(r"[a-z][a-z0-9_]*")
#: A number as printed: a Roman numeral, optionally a sub-number ("I", "I.1", "IV").
_NUMBER = re.compile(r"(?P<parent>[IVX]+)(?:\.(?P<sub>[1-9][0-9]*))?")


class OutlineSpecError(ValueError):
    """An outline definition is not valid; the message starts with the path, e.g. ``sections[2].key: ...``."""


@dataclass(frozen=True)
class Section:
    key: str
    number: str  # as printed: "I", "I.1", …, "IV"
    title: str  # Vietnamese, as printed
    required: bool = False
    hint: str = ""  # a short hint for the reporter
    text: bool = True  # False: a heading over its sub-sections, with no text of its own

    @property
    def depth(self) -> int:
        """0 for a part (I, II), 1 for a sub-section (I.1)."""
        return self.number.count(".")


@dataclass(frozen=True)
class OutlineSpec:
    code: str
    version: int
    title: str
    legal_basis: str
    valid_from: date
    valid_until: date | None
    report_types: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def fields(self) -> tuple[Section, ...]:
        """The sections a reporter writes in (headings left out), in order."""
        return tuple(s for s in self.sections if s.text)

    @property
    def required_keys(self) -> frozenset[str]:
        return frozenset(s.key for s in self.sections if s.text and s.required)


_OUTLINE_FIELDS: Mapping[str, tuple[_Check, Any]] = {
    "code": (_text, _MISSING), "version": (_whole, _MISSING), "title": (_text, _MISSING),
    "legal_basis": (_text, _MISSING), "valid_from": (_day, _MISSING), "valid_until": (_day, None),
    "report_types": (_texts(_text), _MISSING), "sections": (_list, _MISSING),
}  # fmt: skip
_SECTION_FIELDS: Mapping[str, tuple[_Check, Any]] = {
    "key": (_text, _MISSING), "number": (_text, _MISSING), "title": (_text, _MISSING),
    "required": (_flag, False), "hint": (_any_text, ""), "text": (_flag, True),
}  # fmt: skip


def _fail(path: str, problem: str) -> OutlineSpecError:
    return OutlineSpecError(f"{path or 'outline'}: {problem}")


def _parse_section(data: object, path: str, earlier: list[Section]) -> Section:
    section = Section(**_fields(data, path, _SECTION_FIELDS))
    if not _KEY.fullmatch(section.key):
        raise _fail(f"{path}.key", f"{section.key!r} is not allowed (a-z, 0-9, _, starting with a letter)")
    match = _NUMBER.fullmatch(section.number)
    if match is None:
        raise _fail(f"{path}.number", f"must be printed like I, I.1 or IV, not {section.number!r}")
    if match["sub"] is not None and not any(s.number == match["parent"] for s in earlier):
        raise _fail(f"{path}.number", f"{section.number!r} comes before its part {match['parent']!r}")
    if not section.text and section.required:
        raise _fail(f"{path}.required", "a heading without text (text = false) cannot be required")
    return section


def parse_outline_spec(data: Mapping[str, Any]) -> OutlineSpec:
    """A validated outline definition, from a TOML file's data or the same after a JSON round trip."""
    try:
        found = _fields(data, "", _OUTLINE_FIELDS)
    except ValueError as error:  # the shared field checks raise the forms' error type
        raise OutlineSpecError(str(error).replace("form: ", "outline: ", 1)) from None
    sections: list[Section] = []
    for i, item in enumerate(found["sections"]):
        try:
            sections.append(_parse_section(item, f"sections[{i}]", sections))
        except OutlineSpecError:
            raise
        except ValueError as error:
            raise OutlineSpecError(str(error)) from None
    if not sections:
        raise _fail("sections", "must list at least one section")
    try:
        _refuse_duplicates([s.key for s in sections], "sections", ".key")
        _refuse_duplicates([s.number for s in sections], "sections", ".number")
    except ValueError as error:
        raise OutlineSpecError(str(error)) from None
    if not any(s.text for s in sections):
        raise _fail("sections", "must have at least one section with text")
    if found["valid_until"] is not None and found["valid_until"] < found["valid_from"]:
        raise _fail("valid_until", "is before valid_from")
    return OutlineSpec(**(found | {"sections": tuple(sections)}))
