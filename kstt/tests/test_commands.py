"""The `kstt` entry point and the demo province."""

import os
import subprocess
import warnings
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from kstt.accounts.models import User
from kstt.cli import quiet_known_warnings
from kstt.units import selectors
from kstt.units.models import Unit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_demo_loads_hoa_binh_and_one_login_per_role_and_prints_them():
    out = StringIO()
    call_command("load_demo", "--no-history", stdout=out)
    printed = out.getvalue()
    assert Unit.objects.count() == 181
    for username in ["lan", "minh", "tuan", "hoa", "quantri"]:
        assert username in printed
    assert "kstt-demo-2021" in printed
    roles = {u.username: (u.unit.code, sorted(u.roles)) for u in User.objects.select_related("unit")}
    assert roles == {
        "lan": ("W05341", ["reporter"]),
        "minh": ("D157", ["reviewer"]),
        "tuan": ("P17-STP", ["reporter"]),
        "hoa": ("P17", ["reporter", "reviewer"]),  # she also writes the province's own report
        "quantri": ("P17", ["admin"]),
    }
    assert User.objects.get(username="lan").check_password("kstt-demo-2021")


@pytest.mark.django_db
def test_the_demo_can_be_loaded_again(settings):
    call_command("load_demo", "--no-history", stdout=StringIO())
    call_command("load_demo", "--no-history", stdout=StringIO())
    assert Unit.objects.count() == 181
    assert User.objects.count() == 5
    assert selectors.unit_on("W05341", date(2021, 9, 1)).name == "Ủy ban nhân dân xã Yên Nghiệp"


def test_the_kstt_command_takes_the_hyphenated_names_of_the_contract(tmp_path):
    kstt = ROOT / ".venv" / "bin" / "kstt"
    if not kstt.exists():
        pytest.skip("the kstt entry point is installed by `make install`")
    result = subprocess.run(  # noqa: S603 (our own entry point)
        [str(kstt), "load-units", "--help"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "--from" in result.stdout


def test_a_kstt_command_prints_no_warning_from_the_dependencies():
    """Every command loads the URLs, hence pyHanko, which imported cryptography's deprecated DSA names and
    printed a CryptographyDeprecationWarning on each run (issue 13)."""
    kstt = ROOT / ".venv" / "bin" / "kstt"
    if not kstt.exists():
        pytest.skip("the kstt entry point is installed by `make install`")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTHONWARNINGS", "KSTT_CLOCK"}}
    result = subprocess.run(  # noqa: S603 (our own entry point)
        [str(kstt), "check"], capture_output=True, text=True, check=False, cwd=ROOT, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""


def test_only_pyhankos_import_of_dsa_is_silenced():
    """The filter names one warning from one module: the same warning from elsewhere, or another one from
    pyHanko, is still shown."""
    from cryptography.utils import CryptographyDeprecationWarning

    def shown(message: str, module: str) -> bool:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            quiet_known_warnings()
            warnings.warn_explicit(message, CryptographyDeprecationWarning, f"{module}.py", 20, module=module)
        return bool(caught)

    dsa = "DSA is deprecated and support will be removed in a future release."
    assert not shown(dsa, "pyhanko.sign.signers.pdf_cms")
    assert shown(dsa, "pyhanko_certvalidator.sig_validate")  # a document really signed with DSA
    assert shown(dsa, "kstt.reports.documents")
    assert shown("Something else is deprecated.", "pyhanko.sign.signers.pdf_cms")
