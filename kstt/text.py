"""What counts as text someone wrote: one definition of blank, for every reason a person must give.

Pure: no Django. A reason made only of characters that show nothing is no reason: white space of every
kind (U+00A0, U+3000, line and paragraph separators…), control and format characters (zero-width spaces
U+200B–U+200D, U+2060, U+FEFF, soft hyphens, bidirectional marks…), combining marks with nothing to sit on,
and the few letters that are drawn as nothing (Hangul fillers, the blank Braille pattern).
"""

from __future__ import annotations

import unicodedata

#: Unicode general categories of characters that show nothing by themselves: separators (Zs, Zl, Zp),
#: controls (Cc), format characters (Cf), lone surrogates (Cs), and marks (Mn, Mc, Me), which only
#: change the character before them.
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Mn", "Mc", "Me"})
#: Letters and symbols drawn as empty space: Hangul fillers and the blank Braille pattern.
INVISIBLE_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """True when ``text`` holds nothing a reader can see."""
    return all(ch in INVISIBLE_CHARACTERS or unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in text)
