"""The pure rules of submissions (rules.md §2, §4, §5): table tests, no database."""

from datetime import UTC, datetime

import pytest

from kstt.reports import rules
from kstt.reports.rules import Problem

DEADLINE = datetime(2021, 9, 16, 16, 59, 59, 999999, tzinfo=UTC)  # 16/09/2021 23:59:59.999999 in Hà Nội
BEFORE = datetime(2021, 9, 16, 10, 0, tzinfo=UTC)
ON = DEADLINE
AFTER = datetime(2021, 9, 16, 17, 0, tzinfo=UTC)  # 17/09 00:00 in Hà Nội: the next local day
LATER = datetime(2021, 9, 20, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "status", "target"),
    [
        pytest.param("submit", "draft", "submitted", id="submit-a-draft"),
        pytest.param("submit", "returned", "submitted", id="submit-again-once-returned"),
        pytest.param("submit", "submitted", None, id="no-second-submit-while-waiting"),
        pytest.param("submit", "accepted", None, id="no-submit-once-accepted"),
        pytest.param("accept", "submitted", "accepted", id="accept-a-submitted-report"),
        pytest.param("accept", "draft", None, id="no-accepting-a-draft"),
        pytest.param("accept", "returned", None, id="no-accepting-a-returned-report"),
        pytest.param("accept", "accepted", None, id="no-accepting-twice"),
        pytest.param("return", "submitted", "returned", id="return-a-submitted-report"),
        pytest.param("return", "draft", None, id="no-returning-a-draft"),
        pytest.param("return", "returned", None, id="no-returning-twice"),
        pytest.param("return", "accepted", None, id="no-returning-once-accepted"),
    ],
)
def test_the_state_machine(action, status, target):
    if target is None:
        with pytest.raises(rules.TransitionError):
            rules.next_status(action, status)
    else:
        assert rules.next_status(action, status) == target


@pytest.mark.parametrize(
    ("versions", "deadline", "standing"),
    [
        pytest.param([], DEADLINE, None, id="nothing-submitted"),
        pytest.param([(1, BEFORE)], DEADLINE, 1, id="one-version-on-time"),
        pytest.param([(1, ON)], DEADLINE, 1, id="submitted-at-the-deadline-instant-counts-as-before"),
        pytest.param([(1, AFTER)], DEADLINE, 1, id="one-late-version"),
        pytest.param([(1, BEFORE), (2, ON)], DEADLINE, 2, id="corrected-before-the-deadline-the-last-before-stands"),
        pytest.param([(1, BEFORE), (2, AFTER)], DEADLINE, 1, id="corrected-after-the-deadline-the-first-stands"),
        pytest.param([(1, AFTER), (2, LATER)], DEADLINE, 1, id="all-late-the-first-after-stands"),
        pytest.param([(2, AFTER), (1, BEFORE)], DEADLINE, 1, id="order-given-does-not-matter"),
        pytest.param([(1, BEFORE), (2, LATER)], None, 2, id="deadline-held-open-by-an-incident"),
    ],
)
def test_the_standing_version(versions, deadline, standing):
    assert rules.standing_version(versions, deadline=deadline) == standing


FORMS = ["06/VPCP/KSTT"]
FILLED = {"06/VPCP/KSTT": {"HT": {"received_total": 1}}}


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        pytest.param({"has_document": True, "forms": FORMS, "values": FILLED}, [], id="complete"),
        pytest.param(
            {"has_document": False, "forms": FORMS, "values": FILLED}, [Problem("document")], id="no-document"
        ),
        pytest.param(
            {"has_document": True, "forms": FORMS, "values": {}}, [Problem("form", form=FORMS[0])], id="form-missing"
        ),
        pytest.param(
            {"has_document": True, "forms": FORMS, "values": {FORMS[0]: {}}},
            [Problem("form", form=FORMS[0])],
            id="form-without-rows",
        ),
        pytest.param(
            {
                "has_document": True,
                "forms": FORMS,
                "values": FILLED,
                "required_cell_findings": [(FORMS[0], "HT", "settled_total"), (FORMS[0], "CT", "pending_total")],
            },
            [Problem("cells", form=FORMS[0], detail="HT.settled_total, CT.pending_total")],
            id="required-cells-empty",
        ),
        pytest.param(
            {
                "has_document": True,
                "forms": FORMS,
                "values": FILLED,
                "required_sections": ["results", "tasks"],
                "narrative": {"results": "Đã làm", "tasks": "  "},
            },
            [Problem("section", detail="tasks")],
            id="required-section-blank",
        ),
        pytest.param({"has_document": True, "forms": [], "values": {}}, [], id="no-form-applies"),
        pytest.param(
            {"has_document": True, "forms": FORMS, "values": FILLED, "signed": False},
            [],
            id="an-unsigned-pdf-is-accepted-by-default",
        ),
        pytest.param(
            {"has_document": True, "forms": FORMS, "values": FILLED, "signed": False, "signature_required": True},
            [Problem("signature")],
            id="an-unsigned-pdf-counts-as-missing-when-the-settings-require-a-signature",
        ),
        pytest.param(
            {"has_document": True, "forms": FORMS, "values": FILLED, "signed": True, "signature_required": True},
            [],
            id="a-signed-pdf-when-the-settings-require-a-signature",
        ),
        pytest.param(
            {"has_document": False, "forms": FORMS, "values": FILLED, "signed": False, "signature_required": True},
            [Problem("document")],
            id="no-pdf-at-all-is-the-document-missing-once",
        ),
        pytest.param(
            {
                "has_document": True,
                "forms": FORMS,
                "values": FILLED,
                "not_figures": [(FORMS[0], "HT", "settled_late"), (FORMS[0], "total", "received_total")],
                "required_cell_findings": [(FORMS[0], "CT", "pending_total")],
            },
            [
                Problem("figures", form=FORMS[0], detail="HT.settled_late, total.received_total"),
                Problem("cells", form=FORMS[0], detail="CT.pending_total"),
            ],
            id="cells-that-are-not-figures-named-per-form",
        ),
    ],
)
def test_completeness(kwargs, problems):
    assert rules.completeness(**kwargs) == problems


@pytest.mark.parametrize(
    ("findings", "problems", "flags"),
    [
        pytest.param([], [], [], id="clean"),
        pytest.param([("R1", "error")], [], ["inaccurate"], id="a-rule-error-is-inaccurate"),
        pytest.param([("R7", "warning")], [], ["inaccurate"], id="a-warning-is-inaccurate"),
        pytest.param([("required", "error")], [], ["incomplete"], id="an-empty-required-cell-is-incomplete"),
        pytest.param([], [Problem("document")], ["incomplete"], id="no-document-is-incomplete"),
        pytest.param(
            [("R4", "error"), ("required", "error")], [], ["incomplete", "inaccurate"], id="both-in-a-fixed-order"
        ),
    ],
)
def test_the_flags_at_submission(findings, problems, flags):
    assert rules.flags(findings=findings, problems=problems) == flags


@pytest.mark.parametrize(
    ("findings", "unsigned", "flags"),
    [
        pytest.param([], True, ["unsigned"], id="a-scan-of-the-signed-paper-is-flagged-unsigned"),
        pytest.param([], False, [], id="a-digitally-signed-pdf-is-not"),
        pytest.param(
            [("R4", "error"), ("required", "error")],
            True,
            ["incomplete", "inaccurate", "unsigned"],
            id="every-flag-in-the-order-the-reviewer-reads-them",
        ),
    ],
)
def test_an_unsigned_pdf_is_a_flag_of_the_submission(findings, unsigned, flags):
    """rules.md §4: accepted, and flagged for the reviewer; a flagged report still goes through (§5)."""
    assert rules.flags(findings=findings, problems=[], unsigned=unsigned) == flags


@pytest.mark.parametrize(
    ("reasons", "ok"),
    [
        pytest.param(["inaccurate"], True, id="one-reason"),
        pytest.param(["outline", "forms", "incomplete", "inaccurate"], True, id="every-reason"),
        pytest.param([], False, id="no-reason"),
        pytest.param(["late"], False, id="a-reason-not-in-the-list"),
    ],
)
def test_return_reasons(reasons, ok):
    assert (rules.return_reasons_problem(reasons) is None) is ok


def test_changed_cells_lists_each_changed_cell_once():
    before = {"06": {"HT": {"received_total": 5, "settled_total": 3}}}
    after = {"06": {"HT": {"received_total": 6, "settled_total": 3}, "CT": {"received_total": 1}}}
    assert rules.changed_cells(before, after) == [
        ["06", "CT", "received_total", None, 1],
        ["06", "HT", "received_total", 5, 6],
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        pytest.param("Không có.", "Không có.", id="one-line-as-typed"),
        pytest.param("Dòng 1\r\nDòng 2", "Dòng 1\nDòng 2", id="a-textarea-posts-crlf"),
        pytest.param("Dòng 1\rDòng 2", "Dòng 1\nDòng 2", id="a-lone-cr-is-a-line-break"),
        pytest.param("Dòng 1  \t\nDòng 2 ", "Dòng 1\nDòng 2", id="spaces-at-the-end-of-lines"),
        pytest.param("\n  Dòng 1\n\n  - thụt lề\n\n", "Dòng 1\n\n  - thụt lề", id="blank-lines-around-the-text"),
        pytest.param(" \r\n ", "", id="blank"),
    ],
)
def test_narrative_text_is_kept_one_way_whichever_way_it_came(typed, kept):
    assert rules.narrative_text(typed) == kept


def test_changed_sections_are_those_whose_text_differs_as_kept():
    before = {"direction": "Kế hoạch.\r\nĐã ban hành.", "review": "Rà soát.", "proposals": ""}
    after = {"direction": "Kế hoạch.\nĐã ban hành. ", "review": "Rà soát 3 TTHC.", "feedback": "Không có."}
    assert rules.changed_sections(before, after) == ["feedback", "review"]
    assert rules.normal_narrative(after | {"proposals": " "}) == {
        "direction": "Kế hoạch.\nĐã ban hành.", "review": "Rà soát 3 TTHC.", "feedback": "Không có."
    }  # fmt: skip


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        pytest.param({"06": {"HT": {"received_total": 5, "carried_over": "", "x": None}}}, True, id="good"),
        pytest.param({}, True, id="empty"),
        pytest.param([1, 2], False, id="not-a-mapping"),
        pytest.param({"06": {"HT": 5}}, False, id="row-not-a-mapping"),
        pytest.param({"06": {"HT": {"received_total": [5]}}}, False, id="value-not-a-scalar"),
        pytest.param({"06": {"HT": {"received_total": 1e308}}}, True, id="a-big-float-a-draft-may-hold"),
        pytest.param({"06": {"HT": {"received_total": float("inf")}}}, False, id="infinity-no-database-stores"),
        pytest.param({"06": {"HT": {"received_total": float("nan")}}}, False, id="not-a-number"),
    ],
)
def test_the_shape_of_values(data, ok):
    assert (rules.shape_problem(data, depth=3) is None) is ok


@pytest.mark.parametrize(
    ("codes", "missing"),
    [
        pytest.param([], [], id="complete"),
        pytest.param(["cells", "section"], [], id="only-quality-problems-still-a-submission"),
        pytest.param(["document"], ["document"], id="no-signed-document"),
        pytest.param(["form", "cells"], ["form"], id="a-form-absent"),
        pytest.param(["cells", "figures"], ["figures"], id="a-cell-that-is-not-a-figure"),
        pytest.param(["signature", "section"], ["signature"], id="an-unsigned-pdf-the-settings-refuse"),
    ],
)
def test_what_keeps_a_press_of_submit_from_being_a_submission(codes, missing):
    problems = [rules.Problem(code) for code in codes]
    assert [p.code for p in rules.missing_for_submission(problems)] == missing
