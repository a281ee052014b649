"""The one check of text before it is stored (kstt.unicode_text): a lone surrogate or NUL is named by where it
is, never by the text itself; every other character, however odd, is text."""

import pytest

from kstt import unicode_text

ODD_BUT_VALID = [
    "Báo cáo quý III — “đủ”",
    "👨‍👩‍👧 emoji ZWJ, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and \U0010ffff",
    "\u202eright-to-left override\u202c",
    "zero\u200bwidth\ufeffspaces\u00a0and\u3000",
    "e\u0301\u0301 combining marks",
    "\ufffe\uffff non-characters",
    "\x01\x1f\x7f control characters other than NUL",
    "<script>alert(1)</script> {{ template }} {% tag %}",
    "\r\n\t",
    "",
]


@pytest.mark.parametrize("text", ODD_BUT_VALID)
def test_odd_but_valid_text_passes(text):
    assert unicode_text.find(text) is None
    assert unicode_text.find({text: [text, {"k": text}]}) is None


@pytest.mark.parametrize(
    ("value", "where", "problem"),
    [
        pytest.param("\ud800x", "", "a lone surrogate (U+D800) at character 1", id="lone-high-surrogate"),
        pytest.param("ab\udfff", "", "a lone surrogate (U+DFFF) at character 3", id="lone-low-surrogate"),
        pytest.param("x\x00", "", "a NUL character (U+0000) at character 2", id="nul"),
        pytest.param(
            {"narrative": {"results": "ok", "review": "bad\x00"}},
            "narrative.review",
            "NUL",
            id="nul-in-a-nested-value",
        ),
        pytest.param({"values": {"06": {"HT": [1, "\udc80"]}}}, "values.06.HT[1]", "U+DC80", id="in-a-list"),
        pytest.param({"narrative": {"re\ud800sults": "ok"}}, "narrative (a key)", "U+D800", id="a-key"),
        pytest.param(["ok", "\ud83d"], "[1]", "U+D83D", id="half-an-emoji"),
    ],
)
def test_a_lone_surrogate_or_nul_is_named_by_where_it_is(value, where, problem):
    error = unicode_text.find(value)
    assert error is not None
    assert error.where == where
    assert problem in error.problem
    assert "\ud800" not in str(error) and "\x00" not in str(error)  # the message never holds the bad text
    str(error).encode("utf-8")  # and can always be written out


def test_the_first_problem_in_document_order_is_the_one_named():
    error = unicode_text.find({"a": "fine", "b": ["\x00", "\ud800"], "c": "\ud800"})
    assert error is not None and error.where == "b[0]" and error.nul


def test_only_lone_surrogates_when_asked():
    assert unicode_text.find("NUL \x00", pattern=unicode_text.LONE_SURROGATE) is None
    assert unicode_text.find("\ud800", pattern=unicode_text.LONE_SURROGATE) is not None


def test_a_deep_value_is_walked_without_recursion():
    deep: object = "\x00"
    for _ in range(100_000):
        deep = [deep]
    error = unicode_text.find(deep)
    assert error is not None and error.where.endswith("[0][0]")


def test_check_raises_text_error():
    with pytest.raises(unicode_text.TextError, match=r"^name: a NUL character"):
        unicode_text.check("a\x00.pdf", "name")
    unicode_text.check("bao-cao.pdf", "name")
