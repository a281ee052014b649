"""The API keeps its contract (issue 16, point 3): a bounded schemathesis run over every operation of the
OpenAPI schema that /api/schema/ serves, with every check schemathesis has, as the provincial office, a
reporter and the one-stop feed, each with its token. Each operation gets up to EXAMPLES requests built on the
schema's own examples (an address naming Lan's report of 2021Q3, opened for the run), EXAMPLES schema-valid
and EXAMPLES schema-violating requests per role, drawn deterministically (derandomize), in-process through
the WSGI app (the test's transaction kept, as the test client keeps it).

The clock is fixed on 20 December 2021 (as the demo): every period of the schema's years (2021) has then
started, so a schema-valid period is one the API answers. A few refusals depend on the data or the instant,
which no schema states (an ``as_of`` after now, a unit no dossier may name, a year not closed yet, a row the
form has not): a schema-valid request refused with one of those codes (DATA_DEPENDENT) is not a failure;
every other refusal of a schema-valid request is.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.auths import AuthContext
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.reports.documents import DocumentProblem
from kstt.reports.services import open_instance
from kstt.tests.cast import AT
from kstt.tests.tokens import api_key

EXAMPLES = 10
#: 20 December 2021, 09:00 in Hà Nội.
CLOCK = datetime(2021, 12, 20, 2, 0, tzinfo=UTC)
#: Refusals of a schema-valid request that depend on the data or the clock (module doc): an instant after now,
#: a record naming a unit or field that does not exist, a year not closed, a province or district not the
#: caller's, both live and diff, a row the form has not, a report not ready to submit, and an uploaded file
#: that is not a sound PDF (or a part named file sent as a form field: no schema says "a PDF with a filename").
DATA_DEPENDENT = {"future_as_of", "invalid_record", "not_closed", "bad_province", "live_and_diff", "bad_cell",
                  "bad_district", "not_ready", "no_file", *DocumentProblem}  # fmt: skip


@pytest.fixture
def tokens(settings, hoa, lan, province, kstt_report):
    settings.KSTT_CLOCK = CLOCK
    feed = save_user(username="feed", full_name="Một cửa", unit=province, roles={Role.FEED}, password="x y z", at=AT)
    # Lan's report of 2021Q3 opened: the schema's example address (W05341, 2021Q3) names a report
    open_instance(unit=lan.unit, report_type=kstt_report, period="2021Q3", at=CLOCK, actor=lan)
    people = {"office": hoa, "reporter": lan, "feed": feed}
    return {role: api_key(user) for role, user in people.items()}


def served_schema(client, key: str) -> dict:
    response = client.get(reverse("api-schema"), {"format": "json"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    return json.loads(response.content)


def accepts_valid_data(ctx, response, case):
    """positive_data_acceptance, but for the refusals no schema can state (DATA_DEPENDENT)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        if response.status_code == 400 and _code(response) in DATA_DEPENDENT:
            return None
        raise


def _code(response) -> str | None:
    try:
        return response.json().get("code")
    except (ValueError, AttributeError):
        return None


def contract_failures(raw: dict, key: str, examples: int = EXAMPLES) -> list[str]:
    """Every operation of the schema ``raw`` called as the token's owner: the failures, one line each."""
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()

    @schema.auth()
    class TokenAuth:
        def get(self, case, context):
            return key

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    failures = []
    with the_test_transaction_kept():
        for result in schema.get_all_operations():
            failures += _operation_failures(result.ok(), schema, examples)
    return failures


@contextmanager
def the_test_transaction_kept():
    """Django closes the database connection around each request (close_old_connections): in the test, that
    would end the test's transaction (on PostgreSQL: its data gone, and later writes committed for good). The
    test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _operation_failures(operation, schema, examples: int) -> list[str]:
    """The schema's own examples (an address that names Lan's report), then generated requests, schema-valid
    and schema-violating."""
    from_examples = operation.get_strategies_from_examples(fill_missing=True)
    strategies = {
        "examples": st.one_of(from_examples) if from_examples else None,
        "positive": operation.as_strategy(generation_mode=GenerationMode.POSITIVE, auth_storage=schema.auth),
        "negative": operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, auth_storage=schema.auth),
    }
    failures = []
    for kind, strategy in strategies.items():
        if strategy is None:
            continue
        try:
            _caller(schema, strategy, examples, with_auth=kind == "examples")()
        except Unsatisfiable:  # no request breaks this operation's schema (only strings in its path)
            continue
        except FailureGroup as exc:
            failures.append(f"{kind} {operation.label}: {exc}")
    return failures


def _caller(schema, strategy, examples: int, *, with_auth: bool):
    """A Hypothesis test calling the API with the strategy's cases (the schema's examples get the token here;
    generated cases get it from the strategy's auth_storage) and running every check on the answer."""

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=strategy)
    def call(case):
        if with_auth:
            schema.auth.set(case, AuthContext(operation=case.operation, app=schema.app))
        case.call_and_validate(excluded_checks=[positive_data_acceptance], additional_checks=[accepts_valid_data])

    return call


@pytest.mark.parametrize("role", ["office", "reporter", "feed"])
def test_every_operation_keeps_the_contract(client, tokens, role):
    raw = served_schema(client, tokens[role])
    failures = contract_failures(raw, tokens[role])
    assert not failures, "\n".join(failures)


def test_an_undocumented_status_fails_the_run(client, tokens):
    """The run can fail: the schema made to leave out one answer the API gives (a unit that is not the
    caller's is 404), the run says so."""
    raw = served_schema(client, tokens["office"])
    raw["paths"] = {"/api/units/{code}/": raw["paths"]["/api/units/{code}/"]}
    del raw["paths"]["/api/units/{code}/"]["get"]["responses"]["404"]
    failures = contract_failures(raw, tokens["office"], examples=3)
    assert failures and "Undocumented status code" in failures[0]
    assert "Received: 404" in failures[0]


def test_the_schema_states_the_bounds(client, tokens):
    raw = served_schema(client, tokens["office"])
    paths = raw["paths"]

    def parameter(path, name):
        return next(p for p in paths[path]["get"]["parameters"] if p["name"] == name)["schema"]

    assert parameter("/api/deductions/", "year") == {"type": "integer", "minimum": 2021, "maximum": 2021}
    assert parameter("/api/compliance/", "year")["maximum"] == 2021
    assert parameter("/api/units/", "limit")["minimum"] == 0 and parameter("/api/reports/", "offset")["minimum"] == 0
    assert parameter("/api/form06/", "period")["pattern"] == "^(2021)(Q[1-4]|H1|M9|Y)$"
    upload = paths["/api/reports/{unit}/{period}/document/"]["post"]["requestBody"]
    assert upload["required"] is True
    body = upload["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert raw["components"]["schemas"][body]["required"] == ["file"]
    assert raw["components"]["schemas"]["Error"]["required"] == ["detail", "code"]
    for operations in paths.values():
        for operation in operations.values():
            assert {"401", "403"} <= set(operation["responses"])
    assert {"400", "401", "403", "411", "413", "415"} <= set(paths["/api/dossiers/"]["post"]["responses"])


def test_the_schema_and_its_browser_need_a_login(client, lan):
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 401 and schema["WWW-Authenticate"] == "Token"
    assert json.loads(schema.content)["code"] == "not_authenticated"
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302 and docs["Location"] == f"{reverse('login')}?next=/api/docs/"
    client.force_login(lan)
    assert client.get(reverse("api-schema")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200


def test_every_refusal_has_the_one_shape(client, lan):
    """Anonymous, a page of the API that names nothing, a bad page size: detail and code, JSON."""
    anonymous = client.get(reverse("api-units"))
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    client.force_login(lan)
    nothing = client.get("/api/reports/W05341/2021Q3/versions/-1/")
    assert nothing.status_code == 404 and nothing.json() == {"code": "not_found", "detail": "Không tìm thấy."}
    page = client.get(reverse("api-units"), {"limit": "-5"})
    assert page.status_code == 400 and page.json()["code"] == "bad_page" and page.json()["parameter"] == "limit"
    day = client.get(reverse("api-units"), {"on": "2021-02-30"})
    assert day.status_code == 400 and day.json()["code"] == "bad_date"
    status = client.get(reverse("api-reports"), {"status": "lost"})
    assert status.status_code == 400 and status.json()["code"] == "invalid"
    assert (
        status.json()["errors"] == {"status": ["Không phải là trạng thái báo cáo."]}
        or "status" in status.json()["errors"]
    )
    for address in ("/api/units/?q=%00", "/api/units/W05341%00/"):  # PostgreSQL refuses NUL: it was a 500
        nul = client.get(address)
        assert nul.status_code == 400 and nul.json()["code"] == "invalid_text", address
    period = client.get(reverse("api-reports"), {"period": "0000Q1"})
    assert period.status_code == 400 and period.json()["code"] == "bad_period"
