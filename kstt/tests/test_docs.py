"""Issue 16, point 9: the manuals in docs/ say what the code does.

`make docs` (run by `make test`) builds them with warnings as errors: a broken link or a missing screenshot
fails it. These tests hold what a build cannot see: every `kstt` command has its section in the integrators'
reference, and the sample configuration the production guide includes (deploy/) agrees with the code.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ROOT / "docs" / "integrators" / "commands.md"
DEPLOY = ROOT / "deploy"
#: KSTT's apps; Django's own commands (migrate, createsuperuser) are documented where they are used.
KSTT_APPS = ROOT / "kstt"


def kstt_commands() -> set[str]:
    """KSTT's own commands, as typed (`kstt load-units`): its apps' management commands, and `kstt serve`."""
    names = {"serve"}
    for module in KSTT_APPS.glob("*/management/commands/*.py"):
        if not module.name.startswith("_"):
            names.add(module.stem.replace("_", "-"))
    return names


def documented_commands() -> set[str]:
    return set(re.findall(r"^## `kstt ([a-z0-9_-]+)", COMMANDS.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_every_kstt_command_has_its_section_in_the_integrators_reference():
    missing = kstt_commands() - documented_commands()
    assert not missing, f"docs/integrators/commands.md has no '## `kstt NAME …`' section for {sorted(missing)}"


def test_the_commands_found_are_the_real_ones():
    assert {"load-units", "form06-reports", "close-year", "worker", "serve"} <= kstt_commands()
    assert "closing" not in kstt_commands()  # compliance/management/commands/_closing.py is a helper


def _units() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in (DEPLOY / "systemd").glob("*.service")}


def test_a_systemd_unit_for_each_process():
    units = _units()
    assert set(units) == {"kstt-web.service", "kstt-worker.service"}
    assert re.search(r"^ExecStart=\S+/bin/kstt serve --bind 127\.0\.0\.1:8000$", units["kstt-web.service"], re.M)
    assert re.search(r"^ExecStart=\S+/bin/kstt worker$", units["kstt-worker.service"], re.M)
    for text in units.values():
        assert "EnvironmentFile=/etc/kstt.env" in text
        assert re.search(r"^User=kstt$", text, re.M)


def test_nginx_passes_to_kstt_serve_says_https_and_lets_the_largest_upload_through():
    conf = (DEPLOY / "nginx" / "kstt.conf").read_text(encoding="utf-8")
    assert set(re.findall(r"proxy_pass (\S+);", conf)) == {"http://127.0.0.1:8000"}  # the web unit's --bind
    # Overwritten on every proxied HTTPS request (production trusts the header: SECURE_PROXY_SSL_HEADER).
    assert "proxy_set_header X-Forwarded-Proto https;" in conf
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size is not None and int(size.group(1)) * 1024 * 1024 > settings.KSTT_MAX_UPLOAD_BYTES
    assert "/media" not in conf.replace("# No `location /media/`", "")  # uploads are served by KSTT, with access


def test_the_sample_settings_are_the_production_ones():
    sample = (DEPLOY / "kstt.env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^([A-Z_]+)=", sample, flags=re.MULTILINE))
    assert {"KSTT_ENV", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "KSTT_MEDIA_ROOT", "KSTT_BASE_URL"} <= names
    assert "KSTT_CLOCK" not in names
    configuration = (ROOT / "docs" / "it" / "configuration.md").read_text(encoding="utf-8")
    undocumented = {name for name in names if f"`{name}`" not in configuration}
    assert not undocumented, f"docs/it/configuration.md does not describe {sorted(undocumented)}"
