"""Static files: every template's reference resolves, and one process serves a styled site.

In development WhiteNoise serves the assets from the finders; in production from the folder
`collectstatic` fills, under their hashed names (the manifest), without a separate web server.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.utils import get_app_template_dirs

from kstt.demo.management.commands.load_demo import DEMO_USERS

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "q8W3nV0pZr5Lk2Yt7Hb1Mx4Sd9Fg6Jc0Pv2Qe8Ru3Ty5Ui7Oa1Sd4Fg6Hj8Kl0Zx"
PASSWORD = "a probe password 2021"
STATIC_TAG = re.compile(r"""{%\s*static\s+(["'])(?P<path>[^"']+)\1""")
OUR_STYLESHEETS = ("vendor/bootstrap/css/bootstrap.min", "kstt/app")


def template_files() -> list[Path]:
    """Every template Django may render: the project's folders and every installed app's ``templates``."""
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    folders += [Path(d) for d in get_app_template_dirs("templates")]
    return sorted({f for folder in folders for f in folder.rglob("*") if f.is_file() and f.suffix in {".html", ".txt"}})


def static_references() -> list[tuple[str, str]]:
    """(template, path) for every ``{% static 'literal' %}`` in every template."""
    found = []
    for template in template_files():
        text = template.read_text(encoding="utf-8", errors="replace")
        found += [(str(template), match["path"]) for match in STATIC_TAG.finditer(text)]
    return found


def test_the_scan_sees_the_project_and_app_templates():
    references = static_references()
    templates = {template for template, _ in references}
    assert (str(ROOT / "kstt" / "templates" / "base.html"), "kstt/app.css") in references
    assert any("/django/contrib/admin/templates/" in t for t in templates)


def test_every_static_reference_of_every_template_resolves_through_the_finders():
    missing = [(template, path) for template, path in static_references() if finders.find(path) is None]
    assert missing == []


def probe(tmp_path: Path, environ: dict[str, str]) -> dict:
    """Run kstt/tests/site_probe.py in its own process with these settings; its report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSTT_") and k not in {"SECRET_KEY"}}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}", "DJANGO_SETTINGS_MODULE": "kstt.settings"}
    env |= environ
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-m", "kstt.tests.site_probe", PASSWORD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def assert_styled(report: dict, *, hashed: bool) -> None:
    assert set(report) == {"login", *(username for username, *_ in DEMO_USERS)}
    for page, seen in report.items():
        assert seen["status"] == 200, (page, seen)
        sheets = seen["stylesheets"]
        for stem in OUR_STYLESHEETS:
            digest = r"[0-9a-f]{12}\." if hashed else ""
            pattern = rf"^/static/{re.escape(stem)}\.{digest}css$"
            assert [href for href in sheets if re.match(pattern, href)], (page, stem, sorted(sheets))
        for href, (status, content_type, size) in sheets.items():
            assert (status, content_type.split(";")[0]) == (200, "text/css"), (page, href, status, content_type)
            assert size > 100, (page, href, size)


def test_production_serves_the_login_page_and_every_home_with_its_hashed_stylesheets(tmp_path):
    """KSTT_ENV=production, DEBUG off, after collectstatic: pages 200, stylesheets 200 through WhiteNoise."""
    report = probe(
        tmp_path,
        {
            "KSTT_ENV": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "kstt.example.gov.vn",
            "KSTT_SSL_REDIRECT": "false",
            "KSTT_STATIC_ROOT": str(tmp_path / "static"),
        },
    )
    assert_styled(report, hashed=True)
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_development_serves_the_stylesheets_from_the_finders(tmp_path):
    """`make run`: development settings, no collectstatic; WhiteNoise serves the finders' files."""
    report = probe(tmp_path, {"ALLOWED_HOSTS": "127.0.0.1"})
    assert_styled(report, hashed=False)
