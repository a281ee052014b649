"""Every page a role can reach speaks Vietnamese: no raw codes, no English from Django or the add-ons.

Lan, Minh, Tuấn, Hoa and Quản each walk every page they can open, in Vietnamese: every named page
without arguments, the detail pages of every unit, incident, form and cell, and (for Quản) the
administration site: its index, every list and every record's form. A page fails when its visible
text (scripts, styles, attribute values and addresses left out) shows a choice or event code
(``commune``, ``online``, ``units.loaded``) or English that one of our catalogues translates
("Audit entries", "Access attempts", "Tokens", "Add", "Change"…).
"""

from __future__ import annotations

import html
import re
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
from rest_framework.authtoken.models import Token

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.events import EVENTS
from kstt.catalogue.choices import DayKind, Severity
from kstt.catalogue.services import declare_day
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.choices import Channel, Outcome
from kstt.dossiers.services import push_dossiers
from kstt.incidents.services import record_incident
from kstt.reports.rules import OwedStatus
from kstt.tests.cast import AT, NOW
from kstt.units.choices import Level

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"

#: Codes stored in the database that people must never read as such.
CODES = (
    {c.value for c in Level}
    | {c.value for c in Channel}
    | {c.value for c in Outcome}
    | {c.value for c in DayKind}
    | {c.value for c in Severity}
    | {c.value for c in Role}
    | {s.value for s in OwedStatus}
    | set(EVENTS)
)
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

    #: <code> holds machine records (an audit entry's details as the service wrote them), not prose.
    HIDDEN = {"script", "style", "template", "noscript", "textarea", "code"}

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
TOKEN = re.compile(r"(?<![\w/.-])[a-z][a-z_]*(?:\.[a-z_]+)?(?![\w/.-])")


def problems(html: str) -> list[str]:
    """What a Vietnamese reader would trip on, one line per text."""
    found = []
    for node in visible_text(html):
        bare = node.strip(" :·—()[]")
        if bare in ENGLISH_TEXTS:
            found.append(f"English: {node!r}")
            continue
        for word, pattern in WORD_PATTERNS:
            if word not in SAME_IN_BOTH and pattern.search(node):
                found.append(f"English word {word!r}: {node!r}")
        for token in TOKEN.findall(node):
            if token in CODES:
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
    Token.objects.create(user=feed)
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


def _a_report_returned_and_sent_again(cast, kstt_report, lan, minh) -> None:
    """Lan's Q3 report: version 1 returned by Minh, version 2 waiting (reports, review, history, bell)."""
    from kstt.reports import services
    from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE

    report = services.open_instance(unit=cast["W05341"], report_type=kstt_report, period="2021Q3", at=NOW, actor=lan)
    for number in (1, 2):
        report.refresh_from_db()
        services.save_draft(
            instance=report, values=GOOD, narrative=NARRATIVE, reasons={}, expected_revision=report.draft.revision,
            at=NOW, actor=lan,
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
    for code in cast:  # the report pages, the review pages and a report's history
        pages += [f"/reports/{code}/2021Q3/", f"/review/{code}/2021Q3/", f"/review/{code}/2021Q3/history/"]
        pages += [f"/review/{code}/2021Q3/?version=1", f"/reports/{code}/2021Q3/excel/upload/"]
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
        for obj in model._default_manager.order_by("pk")[:30]:  # every record of the walk's province
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
        failures += [f"{url}: {problem}" for problem in problems(response.content.decode())]
        if "/form06/" in url and "/cell/" not in url:
            pages += _cell_links(response.content.decode())  # every figure's dossier list, as the page links it
    assert seen >= 5, f"{person} reached only {seen} pages"
    assert not failures, "\n".join(failures)


def test_the_login_page_is_in_vietnamese(client, db):
    client.cookies["django_language"] = "vi"
    assert problems(client.get(reverse("login")).content.decode()) == []
