"""The preview of a change's cost reads back what the page sent: anything else is no confirmation, never a 500."""

import pytest
from django.test import RequestFactory

from kstt import confirmation


@pytest.mark.parametrize(
    "seen",
    ["[" * 100_000, "{" * 100_000, "không phải JSON", ""],
    ids=["deep-brackets", "deep-braces", "not-json", "empty"],
)
def test_a_preview_field_that_is_not_a_list_of_lines_confirms_nothing(seen):
    request = RequestFactory().post("/incidents/new/", {confirmation.FIELD: confirmation.YES, confirmation.SEEN: seen})
    assert confirmation.seen_cost(request) == ()
