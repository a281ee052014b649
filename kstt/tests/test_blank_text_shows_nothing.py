"""kstt.unicode_text.is_blank: text made only of characters that show nothing is blank (issue 13 point 10)."""

import pytest

from kstt.unicode_text import is_blank


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(" \t\r\n", id="ascii-white-space"),
        pytest.param("\u00a0", id="no-break-space"),
        pytest.param("\u3000", id="ideographic-space"),
        pytest.param("\u2028\u2029", id="line-and-paragraph-separators"),
        pytest.param("\u200b\u200c\u200d", id="zero-width-spaces-and-joiners"),
        pytest.param("\ufeff", id="byte-order-mark"),
        pytest.param("\u2060\u00ad", id="word-joiner-and-soft-hyphen"),
        pytest.param("\u200e\u200f\u202e", id="bidirectional-marks"),
        pytest.param("\x00\x07\x1b\x7f", id="control-characters"),
        pytest.param("\u0301\u0323", id="combining-marks-alone"),
        pytest.param("\ufe0f", id="a-variation-selector-alone"),
        pytest.param("\u3164\u115f\u1160\uffa0", id="hangul-fillers"),
        pytest.param("\u2800", id="blank-braille-pattern"),
        pytest.param("\U000e0041\U000e007f", id="tag-characters"),
        pytest.param(" \u200b\u00a0\u3000\ufeff\u0301 ", id="all-of-them-mixed"),
    ],
)
def test_nothing_to_see_is_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Có", id="a-word"),
        pytest.param("a\u0301", id="a-letter-with-its-combining-accent"),
        pytest.param("\u200b.\u200b", id="a-dot-between-zero-width-spaces"),
        pytest.param("0", id="a-digit"),
        pytest.param("\u4e00", id="a-chinese-character"),
        pytest.param("😀", id="an-emoji"),
        pytest.param("\u2800\u2801", id="a-braille-letter"),
    ],
)
def test_anything_visible_is_not_blank(text):
    assert not is_blank(text)
