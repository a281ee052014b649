"""Text people send: the one check of text before it is stored (issue 13, point 3), and the one definition of
blank text (point 10).

Pure: no Django. A Python ``str`` may hold what no database column should: a lone surrogate (U+D800–U+DFFF,
e.g. from a JSON ``"\\ud800"`` escape) is not Unicode text at all — SQLite stored it and every page showing it
then failed to encode (500), PostgreSQL refused it (500) — and NUL (U+0000), which SQLite stores and
PostgreSQL refuses in text and JSON. Every way text comes in calls this module before anything is written:
the API's JSON parser (kstt/api_parsers.py), the CSV readers (kstt/interchange.py), the catalogue's files,
and the services that keep what people type (report drafts, documents' names, explanations, review comments,
incidents). Django's forms already refuse NUL and decode form posts with replacement characters, so a lone
surrogate cannot come from a page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

#: A lone surrogate: Python's JSON decoder pairs valid surrogate escapes into one character, so any left in
#: a ``str`` stands alone; the UTF-8 codec never produces one.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: What no engine stores alike: a lone surrogate or NUL.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class TextError(ValueError):
    """A text that cannot be stored: ``where`` it is (a path such as ``narrative.results``; never the text
    itself), the character (``code_point``, e.g. ``U+D800``) and its ``position`` in the text, from 1."""

    def __init__(self, where: str, char: str, position: int) -> None:
        self.where, self.position = where, position
        self.code_point = f"U+{ord(char):04X}"
        self.nul = char == "\x00"
        super().__init__(f"{where}: {self.problem}" if where else self.problem)

    @property
    def problem(self) -> str:
        """What is wrong, in English for programs and logs."""
        if self.nul:
            return f"a NUL character (U+0000) at character {self.position}"
        return f"a lone surrogate ({self.code_point}) at character {self.position}, which is not Unicode text"


def error(text: str, where: str = "", *, pattern: re.Pattern[str] = UNSTORABLE) -> TextError | None:
    """Why ``text`` cannot be stored, or None."""
    found = pattern.search(text)
    return None if found is None else TextError(where, found.group(), found.start() + 1)


def _join(where: str, step: str | int) -> str:
    if isinstance(step, int):
        return f"{where}[{step}]"
    return f"{where}.{step}" if where else step


def find(value: Any, where: str = "", *, pattern: re.Pattern[str] = UNSTORABLE) -> TextError | None:
    """The first text in ``value`` (a string, or mappings and lists of them at any depth, keys included)
    that cannot be stored, as a TextError naming where it is; None when every text is fine. Iterative:
    the depth of ``value`` never becomes Python recursion."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            found = error(item, path, pattern=pattern)
            if found is not None:
                return found
        elif isinstance(item, Mapping):
            children = []
            for key, inner in item.items():
                if isinstance(key, str):
                    found = error(key, f"{path} (a key)" if path else "a key", pattern=pattern)
                    if found is not None:
                        return found
                children.append((inner, _join(path, str(key))))
            stack.extend(reversed(children))
        elif isinstance(item, list | tuple):
            stack.extend(reversed([(inner, _join(path, i)) for i, inner in enumerate(item)]))
    return None


def check(value: Any, where: str = "") -> None:
    """Raise TextError when any text in ``value`` cannot be stored (see ``find``)."""
    found = find(value, where)
    if found is not None:
        raise found


# --- Blank text: a reason made only of characters that show nothing is no reason ---------------------------
#
# White space of every kind (U+00A0, U+3000, line and paragraph separators…), control and format characters
# (zero-width spaces U+200B–U+200D, U+2060, U+FEFF, soft hyphens, bidirectional marks…), combining marks with
# nothing to sit on, and the few letters that are drawn as nothing (Hangul fillers, the blank Braille pattern).

#: Unicode general categories of characters that show nothing by themselves: separators (Zs, Zl, Zp),
#: controls (Cc), format characters (Cf), lone surrogates (Cs), and marks (Mn, Mc, Me), which only
#: change the character before them.
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Mn", "Mc", "Me"})
#: Letters and symbols drawn as empty space: Hangul fillers and the blank Braille pattern.
INVISIBLE_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """True when ``text`` holds nothing a reader can see."""
    return all(ch in INVISIBLE_CHARACTERS or unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in text)
