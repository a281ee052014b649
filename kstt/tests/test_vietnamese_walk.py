"""Every page a role can reach speaks Vietnamese: no raw codes, no English from Django or the add-ons.

Lan, Minh, Tuấn, Hoa and Quản each walk every page they can open, in Vietnamese: every named page
without arguments, the detail pages of every unit, incident, form and cell, the report, review and
history pages of reports in every state (a draft, flagged, returned, sent again, appealed), and (for
Quản) the administration site: its index, every list and every record's form. A page fails when its
visible text (scripts, styles, attribute values and addresses left out) shows a choice or event code
(``commune``, ``online``, ``units.loaded``), a code of the catalogue where words belong (a column
``received_total``, a rule ``R8``, a form ``06/VPCP/KSTT`` outside "Biểu số …", a section ``direction``,
a period ``2021Q4``, a procedure field ``HT ·``, a report type ``kstt``), a record named by its number
("báo cáo 601"), raw JSON, or English that one of our catalogues translates ("Audit entries",
"Access attempts", "Tokens", "Add", "Change"…). The Excel upload's answers are walked too (POSTs).
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import axes
import django
import django.contrib.admin
import django.contrib.auth
import django.contrib.contenttypes
import polib
import pytest
import rest_framework
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.events import EVENTS
from kstt.catalogue.choices import DayKind, Severity
from kstt.catalogue.services import declare_day
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.choices import Channel, Outcome
from kstt.dossiers.services import push_dossiers
from kstt.incidents.services import record_incident
from kstt.reports.timeliness import Status as Timeliness
from kstt.tests.cast import AT, CAST_FIELDS, NOW
from kstt.tests.test_csp import csp_problems
from kstt.tests.tokens import api_key
from kstt.units.choices import Level

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"
DEFINITIONS = Path(__file__).resolve().parents[1] / "catalogue" / "definitions"


def _definitions(kind: str) -> list[dict]:
    return [tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted((DEFINITIONS / kind).glob("*.toml"))]


FORMS, OUTLINES, REPORT_TYPES = _definitions("forms"), _definitions("outlines"), _definitions("report_types")
#: The catalogue's codes that a page says in words: columns, outline sections, report types.
CATALOGUE_CODES = (
    {c["key"] for form in FORMS for c in form["columns"]}
    | {s["key"] for outline in OUTLINES for s in outline["sections"]}
    | {t["code"] for t in REPORT_TYPES}
)
RULE_IDS = {r["id"] for f in FORMS for r in f.get("rules", [])} | {
    c.get("id", "R7") for f in FORMS for c in f.get("carry", [])
}
FORM_CODES = {f["code"] for f in FORMS}
FIELD_CODES = {code for _level, code, _name in CAST_FIELDS}

#: Codes stored in the database that people must never read as such.
CODES = (
    {c.value for c in Level}
    | {c.value for c in Channel}
    | {c.value for c in Outcome}
    | {c.value for c in DayKind}
    | {c.value for c in Severity}
    | {c.value for c in Role}
    | {s.value for s in Timeliness}
    | set(EVENTS)
    | CATALOGUE_CODES
)


def _any(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


#: Codes of the catalogue in prose, each with what it is: a rule (R1…R8), a form's code not introduced as
#: "Biểu (số) …", a period's code, a procedure field's code naming a row ("HT · …", "HT — Cột 3").
PROSE_CODES = [
    ("rule", re.compile(rf"(?<![\w/.-])(?:{_any(RULE_IDS | {'R8'})})(?![\w/.-])")),
    (
        "form",
        re.compile(rf"(?<![\w/.-])(?<!Biểu )(?<!biểu )(?<!Biểu số )(?<!biểu số )(?:{_any(FORM_CODES)})(?![\w/-])"),
    ),
    ("period", re.compile(r"(?<![\w/.-])\d{4}(?:Q[1-4]|H1|M9|Y)(?![\w/-])(?!\.\w)")),
    ("procedure field", re.compile(rf"(?<![\w/.-])(?:{_any(FIELD_CODES)})(?=\s*[·—:])")),
]


def _record_by_number() -> re.Pattern:
    """A record named by its kind and row number ("báo cáo 601", "người dùng 9"), the whole text."""
    from django.apps import apps
    from django.utils import translation

    with translation.override("vi"):
        kinds = {str(model._meta.verbose_name) for model in apps.get_models()}
    return re.compile(rf"(?:{_any(kinds)}) \d+", re.IGNORECASE)


#: English the admin and the add-ons show when a translation is missing (checked as words, anywhere).
ENGLISH_WORDS = [
    "Add",
    "Change",
    "Delete",
    "Save",
    "Search",
    "Filter",
    "History",
    "Home",
    "View site",
    "Log out",
    "Audit",
    "Audit entries",
    "Audit entry",
    "Access attempts",
    "Access logs",
    "Access failures",
    "Axes",
    "Auth Token",
    "Tokens",
    "Token",
    "Key",
    "Created",
    "Users",
    "Groups",
    "Units",
    "Unit versions",
    "Event",
    "Actor",
    "Target type",
    "Target id",
    "Data",
    "Parent",
    "Level",
    "Name",
    "Code",
    "Valid from",
    "Valid until",
    "Username",
    "User Agent",
    "IP Address",
    "Path",
    "Attempt Time",
    "Logout Time",
    "Failed Logins",
    "Locked Out",
    "Meta Data",
    "Form Data",
    "Not set",
    "Status",
    "Expiration",
    "Attempt Remaining",
    "Yes",
    "No",
    "All",
]
#: Texts that read the same in both languages.
SAME_IN_BOTH = {"KSTT", "Email", "API", "HTTP Accept", "IP", "English"}  # "English": the language menu


class VisibleText(HTMLParser):
    """The text nodes a person sees: no <script>, <style> or <template>, no attribute values."""

    #: A <code> element is seen like any text: an audit entry's details are read in words, not as JSON.
    HIDDEN = {"script", "style", "template", "noscript", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.hidden:
            self.nodes.append(text)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.nodes


def _catalogue(directory: Path) -> polib.POFile | polib.MOFile:
    """A package's French catalogue: the complete list of its English msgids (its Vietnamese one may lag)."""
    po = directory / "fr" / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(po)) if po.exists() else polib.mofile(str(po.with_suffix(".mo")))


def _english_texts() -> set[str]:
    """English a page could show: ours (translated into something else) and Django's and the add-ons' own."""
    ours = {e.msgid for e in polib.pofile(str(LOCALE)) if e.msgstr and e.msgstr != e.msgid}
    theirs = {
        e.msgid
        for package in (
            django,
            django.contrib.admin,
            django.contrib.auth,
            django.contrib.contenttypes,
            axes,
            rest_framework,
        )
        for e in _catalogue(Path(package.__file__).parent / ("conf/locale" if package is django else "locale"))
    }
    return {t for t in ours | theirs if len(t) > 3 and "%" not in t and "{" not in t and t not in SAME_IN_BOTH}


ENGLISH_TEXTS = _english_texts()
# Not inside a longer word, a dotted name or a masked value (a password hash's salt "No*****").
WORD_PATTERNS = [(word, re.compile(rf"(?<![\w.*]){re.escape(word)}(?![\w.*])")) for word in ENGLISH_WORDS]
TOKEN = re.compile(r"(?<![\w/.@-])[a-z][a-z_]*(?:\.[a-z_]+)?(?![\w/.@-])")


def _json(text: str) -> bool:
    if not text.startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(text), dict | list)
    except ValueError:
        return False


def problems(html: str, *, quoting_the_address: bool = False, records: bool = True, prose: bool = True) -> list[str]:
    """What a Vietnamese reader would trip on, one line per text. ``quoting_the_address``: the page is a
    400 that says what is wrong with the address typed, and may quote its period code back and give one
    as an example. ``records``: records named by their number count (the audit trail names its records);
    ``prose``: the catalogue's codes count (the administration site's data pages show stored codes)."""
    found = []
    quoting_the_address = quoting_the_address or 'data-testid="bad-input"' in html  # the "cannot show" page
    by_number = _record_by_number() if records else None
    for node in visible_text(html):
        bare = node.strip(" :·—()[]")
        if bare in ENGLISH_TEXTS:
            found.append(f"English: {node!r}")
            continue
        if _json(node):  # raw JSON where words belong; on a data page, the record as stored
            found += [f"JSON: {node[:80]!r}"] if prose else []
            continue
        if by_number is not None and by_number.fullmatch(bare):
            found.append(f"a record by its number: {node!r}")
        for what, pattern in PROSE_CODES if prose else ():
            if quoting_the_address and what == "period":
                continue
            found += [f"{what} code {m.group(0)!r}: {node!r}" for m in pattern.finditer(node)]
        for word, pattern in WORD_PATTERNS:
            if word not in SAME_IN_BOTH and pattern.search(node):
                found.append(f"English word {word!r}: {node!r}")
        for token in TOKEN.findall(node):
            if token in (CODES if prose else CODES - CATALOGUE_CODES):
                found.append(f"code {token!r}: {node!r}")
    return found


def test_the_detector_finds_codes_and_english_but_not_attributes_or_scripts():
    assert problems("<td>commune</td>") == ["code 'commune': 'commune'"]
    assert problems("<p>29/11/2026 17:46 units.loaded</p>")[0].startswith("code 'units.loaded'")
    assert problems("<h1>Audit entries</h1>") != []
    assert problems("<a>Add</a> <th>Tokens</th>") != []
    assert problems("<caption>Access attempts</caption>") != []
    assert problems("<p>hash: No**********</p>") == []
    assert problems("<a>Show counts</a>") != []  # Django's admin msgid its Vietnamese catalogue lacks
    html = (
        '<a href="/units/?level=commune" title="Audit entries" data-x="online">Cấp xã</a>'
        "<script>var s='settled'; // Add</script><style>.district{}</style>"
        "<p>thêm người dùng · lan@example.vn · https://kstt.example/units.loaded</p>"
    )
    assert problems(html) == []


@pytest.mark.parametrize(
    "text",
    [
        "06/VPCP/KSTT · R8 · HT · received_total: nhập 5",  # a finding by its codes
        "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: R8",  # a rule's id
        "Tệp là biểu 06 của kỳ 2021Q4.",  # a period's code
        "HT — Cột 3: số nhập 5 khác số tính từ hồ sơ 3",  # a row by its field's code
        "các mục đã sửa: communication, direction, e_procedures",  # section keys
        "Danh mục: kstt",  # a report type's code
        "06/VPCP/KSTT · Hộ tịch",  # a form's code where its name belongs
        "báo cáo 601",  # a record by its number
        '{"version": 2, "flags": []}',  # raw JSON
    ],
)
def test_the_detector_finds_codes_where_words_belong(text):
    assert problems(f"<li>{text}</li>") != [], text


@pytest.mark.parametrize(
    "text",
    [
        "Biểu số 06/VPCP/KSTT · Đơn vị tính: Số hồ sơ TTHC",  # the official form's label
        "Tệp là biểu 06/VPCP/KSTT (phiên bản 1), không phải biểu II.07b/VPCP/KSTT (phiên bản 1).",
        "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: nhập 5, tính từ hồ sơ 3",
        "bieu-06-W05341-2021Q3.xlsx",  # a file's name
        "Quý IV/2021 · Ủy ban nhân dân xã Yên Nghiệp (W05341)",
        "Báo cáo 6 tháng đầu năm 2021",
        "kstt@example.vn",
    ],
)
def test_the_detector_leaves_words_alone(text):
    assert problems(f"<p>{text}</p>") == []


# --- the province in the walk -------------------------------------------------------------------


@pytest.fixture
def province_on_record(cast, kstt_report, lan, minh, hoa, tuan, quan, settings, tmp_path):
    """The cast with what the pages list: dossiers, incidents, a declared day, a token, log-in records."""
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    record_incident(
        start=datetime(2021, 9, 20, 7, 0, tzinfo=UTC),
        end=datetime(2021, 9, 20, 11, 30, tzinfo=UTC),
        all_units=False,
        units=[cast["W05341"], cast["D157"]],
        description="Mất kết nối đường truyền",
        at=NOW,
        actor=hoa,
    )
    record_incident(
        start=datetime(2021, 9, 14, 1, 0, tzinfo=UTC),
        end=None,
        all_units=True,
        units=[],
        description="Hệ thống báo cáo gián đoạn",
        at=NOW,
        actor=hoa,
    )
    declare_day(day=date(2021, 9, 3), kind=DayKind.DAY_OFF, name="Nghỉ bù Quốc khánh", at=NOW, actor=quan)
    feed = save_user(
        username="motcua", full_name="Hệ thống Một cửa", unit=None, roles={Role.FEED}, password=None, at=AT
    )
    api_key(feed)
    AccessAttempt.objects.create(
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.9",
        username="lan",
        http_accept="text/html",
        path_info="/accounts/login/",
        get_data="",
        post_data="username=lan",
        failures_since_start=2,
    )
    AccessLog.objects.create(
        user_agent="Mozilla/5.0", ip_address="10.0.0.9", username="lan", http_accept="*/*", path_info="/"
    )
    AccessFailureLog.objects.create(
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.9",
        username="lan",
        http_accept="*/*",
        path_info="/accounts/login/",
        locked_out=False,
    )
    _a_report_returned_and_sent_again(cast, kstt_report, lan, minh)
    _a_district_report_flagged_and_returned(cast, kstt_report, hoa)
    _a_draft_with_broken_rules(cast, kstt_report, lan)
    _appeals_against_deductions(cast, kstt_report, tuan, hoa)
    return cast


def _appeals_against_deductions(cast, kstt_report, tuan, hoa) -> None:
    """Tuấn's department never sent Q1 and Q2: he appeals both with a file; Hoa upholds Q1, Q2 waits."""
    from kstt.catalogue.rules.periods import Period
    from kstt.compliance.services import AttachmentFile, decide_appeal, file_appeal
    from kstt.reports.tests.test_documents import make_pdf

    for period in ("2021Q1", "2021Q2"):
        appeal = file_appeal(
            unit=cast["P17-STP"], report_type=kstt_report, period=Period.parse(period), reason="Mất kết nối mạng",
            attachments=[AttachmentFile("bien-ban.pdf", make_pdf(b"bien ban"))], at=NOW, actor=tuan,
        )  # fmt: skip
        if period == "2021Q1":
            decide_appeal(appeal=appeal, decision="upheld", reason="Không có sự cố", at=NOW, actor=hoa)


def _submitted(unit, kstt_report, reporter, values, period="2021Q3", explanation="Theo sổ theo dõi"):
    from kstt.reports import services
    from kstt.reports.tests.test_submission_services import NARRATIVE

    report = services.open_instance(unit=unit, report_type=kstt_report, period=period, at=NOW, actor=reporter)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values=values, narrative=NARRATIVE, reasons={}, expected_revision=report.draft.revision,
        at=NOW, actor=reporter,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7", verification={"signed": False}, at=NOW, actor=reporter
    )
    return report, services.submit(instance=report, explanation=explanation, at=NOW, actor=reporter)


def _a_district_report_flagged_and_returned(cast, kstt_report, hoa) -> None:
    """Thu reports for district Lạc Sơn: Q3 flagged (a rule broken, explained), returned by Hoa for it."""
    from kstt.reports import services
    from kstt.reports.tests.test_submission_services import BROKEN

    thu = save_user(
        username="thu", full_name="Đỗ Thị Thu", unit=cast["D157"], roles={Role.REPORTER}, password=None, at=AT
    )
    _report, version = _submitted(cast["D157"], kstt_report, thu, BROKEN)
    services.return_report(version=version, reasons=["inaccurate"], text="Sửa dòng Hộ tịch", at=NOW, actor=hoa)


def _a_draft_with_broken_rules(cast, kstt_report, lan) -> None:
    """Lan's Q4 draft (its window opened today): rules broken on Hộ tịch and the total, a section blank."""
    from kstt.reports import services
    from kstt.reports.tests.test_submission_services import BROKEN

    report = services.open_instance(unit=cast["W05341"], report_type=kstt_report, period="2021Q4", at=NOW, actor=lan)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values=BROKEN, narrative={"direction": "Đang soạn"}, reasons={},
        expected_revision=report.draft.revision, at=NOW, actor=lan,
    )  # fmt: skip


def _a_report_returned_and_sent_again(cast, kstt_report, lan, minh) -> None:
    """Lan's Q3 report: version 1 returned by Minh, version 2 flagged (a rule broken, explained) and waiting
    (reports, review, history, bell)."""
    from kstt.reports import services
    from kstt.reports.tests.test_submission_services import BROKEN, GOOD, NARRATIVE

    report = services.open_instance(unit=cast["W05341"], report_type=kstt_report, period="2021Q3", at=NOW, actor=lan)
    for number in (1, 2):
        report.refresh_from_db()
        services.save_draft(
            instance=report, values=GOOD if number == 1 else BROKEN, narrative=NARRATIVE, reasons={},
            expected_revision=report.draft.revision, at=NOW, actor=lan,
        )  # fmt: skip
        services.attach_document(
            instance=report, name="bao-cao.pdf", content=b"%PDF-1.7", verification={"signed": False}, at=NOW, actor=lan
        )
        version = services.submit(instance=report, explanation="Theo sổ theo dõi", at=NOW, actor=lan)
        if number == 1:
            services.return_report(version=version, reasons=["inaccurate", "outline"], text="Sửa", at=NOW, actor=minh)


SKIPPED_NAMES = {"logout", "set_language"}  # POST only


def _plain_page_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named page without arguments (the API and the administration site are walked apart)."""
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin" or entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _plain_page_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            if name.startswith("api-") or name in SKIPPED_NAMES:
                continue
            try:
                names.append(reverse(name))
            except NoReverseMatch:
                continue
    return sorted(set(names))


def _detail_pages(cast, incidents) -> list[str]:
    pages = []
    for code in cast:
        pages += [
            reverse("units:detail", args=[code]),
            reverse("units:detail", args=[code]) + "?on=2021-09-01",
            reverse("units:children", args=[code]),
            reverse("compilation:form06", args=[code]) + "?period=2021Q3",
        ]
        cell = reverse("compilation:form06_cell", args=[code]) + "?period=2021Q3&column="
        pages += [cell + "3&row=total", cell + "settled_late&row=HT"]  # a column by number; a field row
    for code in cast:  # the report pages, the review pages and a report's history, a draft's too
        pages += [f"/reports/{code}/2021Q3/", f"/review/{code}/2021Q3/", f"/review/{code}/2021Q3/history/"]
        pages += [f"/review/{code}/2021Q3/?version=1", f"/reports/{code}/2021Q3/excel/upload/"]
        pages += [
            f"/reports/{code}/2021Q4/",
            f"/review/{code}/2021Q4/history/",
            f"/reports/{code}/2021Q4/excel/upload/",
        ]
    pages += ["/review/?period=2021Q3", "/review/?period=2021Q3&status=waiting"]
    pages += ["/compliance/deductions/2021/", "/compliance/deductions/2020/", "/compliance/appeals/"]
    for code in cast:  # the deductions of each unit, and the evidence of a final and an open line
        pages += [f"/compliance/deductions/2021/{code}/", f"/compliance/lines/{code}/2021Q1/"]
        pages += [f"/compliance/lines/{code}/2021Q3/", f"/compliance/lines/{code}/2021H1/"]
    pages += [reverse("units:search") + "?q=yen", reverse("units:search") + "?q=mai"]
    pages += [reverse("catalogue:report_type_code", args=["kstt"])]
    pages += ["/?year=2021", "/?period=2021Q3"]
    for pk in incidents:
        pages += [reverse("incidents:detail", args=[pk]), reverse("incidents:edit", args=[pk])]
    return pages


def _cell_links(page: str) -> list[str]:
    """The dossier lists a form 06 page links to, one per row and column heading kind (bounded)."""
    links = [html.unescape(href) for href in re.findall(r'href="([^"]*/form06/cell/[^"]*)"', page)]
    by_row = {re.sub(r"column=[^&]*", "", link): link for link in links}  # one column per row is enough
    return sorted(by_row.values())[:60]


def _admin_pages() -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.append(reverse("admin:app_list", args=[meta.app_label]))
        newest = list(model._default_manager.order_by("-pk")[:30]) if meta.label_lower == "audit.auditentry" else []
        for obj in [*model._default_manager.order_by("pk")[:30], *newest]:  # the walk's records (the trail's newest)
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]))
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))  # 403 where adding is off
    return pages


@pytest.mark.parametrize("person", ["lan", "minh", "tuan", "hoa", "quan"])
def test_every_page_a_role_reaches_is_in_vietnamese(request, client, province_on_record, person):
    from kstt.incidents.models import Incident

    user = request.getfixturevalue(person)
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    incidents = list(Incident.objects.values_list("pk", flat=True))
    pages = _plain_page_names() + _detail_pages(province_on_record, incidents)
    if user.is_staff:
        pages += _admin_pages()
    seen, failures, visited = 0, [], set()
    while pages:
        url = pages.pop(0)
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url)
        if response.status_code in (302, 403, 404, 405) or "html" not in response.get("Content-Type", ""):
            continue
        assert response.status_code in (200, 400), f"{url} answered {response.status_code}"  # 400: a message
        seen += 1
        failures += [f"{url}: {p}" for p in csp_problems(response)]  # the CSP of every page (kstt/tests/test_csp.py)
        page = response.content.decode()
        # The administration site's data pages show what is stored, codes included; its audit trail and
        # every other page say them in words (issue 13 point 12).
        words = not url.startswith("/admin/") or url.startswith("/admin/audit/")
        failures += [
            f"{url}: {p}"
            for p in problems(
                page,
                quoting_the_address=response.status_code == 400,
                records=url.startswith("/admin/audit/"),
                prose=words,
            )
        ]
        if "/form06/" in url and "/cell/" not in url:
            pages += _cell_links(response.content.decode())  # every figure's dossier list, as the page links it
    assert seen >= 5, f"{person} reached only {seen} pages"
    assert not failures, "\n".join(failures)


def test_the_login_page_is_in_vietnamese(client, db):
    client.cookies["django_language"] = "vi"
    assert problems(client.get(reverse("login")).content.decode()) == []


def test_the_excel_uploads_answers_and_the_uploaded_draft_are_in_vietnamese(
    client, cast, kstt_report, lan, settings, tmp_path
):
    """Lan uploads her Q3 workbook with a rule broken and a figure changed from the dossiers, then one of
    another period: both answers, then her report page and its history with the uploaded draft, say it
    all in words (no "HT — Cột 3", no "kỳ 2021Q2")."""
    from kstt.reports.tests.test_excel_round_trip import NOW as LATER
    from kstt.reports.tests.test_excel_round_trip import book, cell, download, draft_of, saved, upload

    settings.MEDIA_ROOT, settings.KSTT_CLOCK = tmp_path, LATER
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    client.force_login(lan)
    client.cookies["django_language"] = "vi"
    workbook = book(download(client))
    cell(workbook, "HT", "received_total").value = 9  # R1 and R4 fail, and it differs from the dossiers
    answer = upload(client, saved(workbook), draft_of().revision)
    assert answer.status_code == 200
    assert 'data-testid="excel-findings"' in answer.content.decode()
    assert 'data-testid="excel-differences"' in answer.content.decode()
    refused = upload(client, saved(book(download(client, at={"period": "2021Q2"}))), draft_of().revision)
    assert refused.status_code == 400 and "Quý II/2021" in refused.content.decode()
    for response in (
        answer, refused, client.get("/reports/W05341/2021Q3/"), client.get("/review/W05341/2021Q3/history/")
    ):  # fmt: skip
        assert problems(response.content.decode()) == []
