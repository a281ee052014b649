"""The narrative outline (đề cương, Annex II section A) as catalogue data: the shipped file, mistakes in a
definition refused with their path, loading, immutability, and a version 2 as a data change.

The first part reads the definition with tomllib and the pure parser, without a database.
"""

import copy
import shutil
import tomllib
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors, services
from kstt.catalogue.models import FormDefinition, OutlineDefinition, ReportType
from kstt.catalogue.rules.forms import to_json
from kstt.catalogue.rules.outlines import OutlineSpecError, parse_outline_spec

OUTLINE_FILE = Path(__file__).resolve().parents[1] / "definitions" / "outlines" / "kstt-outline.v1.toml"
with OUTLINE_FILE.open("rb") as _file:
    RAW = tomllib.load(_file)


# --- The shipped file (no database) ----------------------------------------------------------------------


def test_the_outline_has_the_sections_of_annex_ii_section_a_in_order():
    spec = parse_outline_spec(RAW)
    assert (spec.code, spec.version, spec.valid_from, spec.valid_until, spec.report_types) == (
        "kstt-outline",
        1,
        date(2021, 1, 1),
        None,
        ("kstt",),
    )
    assert [(s.number, s.key) for s in spec.sections] == [
        ("I", "results"),
        ("I.1", "direction"),
        ("I.2", "regulation_control"),
        ("I.3", "publication"),
        ("I.4", "review"),
        ("I.5", "feedback"),
        ("I.6", "settlement"),
        ("I.7", "one_stop"),
        ("I.8", "e_procedures"),
        ("I.9", "communication"),
        ("II", "shortcomings"),
        ("III", "next_tasks"),
        ("IV", "proposals"),
    ]
    titles = {s.key: s.title for s in spec.sections}
    assert titles["direction"] == "Công tác chỉ đạo, điều hành"
    assert titles["shortcomings"] == "Tồn tại, hạn chế và nguyên nhân"
    assert titles["next_tasks"] == "Nhiệm vụ trọng tâm kỳ tới"
    assert titles["proposals"] == "Đề xuất, kiến nghị"


def test_part_i_is_a_heading_and_the_reporter_writes_in_the_others():
    spec = parse_outline_spec(RAW)
    assert [s.key for s in spec.fields][:2] == ["direction", "regulation_control"]
    assert "results" not in {s.key for s in spec.fields}
    assert spec.required_keys == {
        "direction", "regulation_control", "publication", "review", "feedback", "settlement", "one_stop",
        "e_procedures", "shortcomings", "next_tasks",
    }  # fmt: skip
    assert all(s.hint for s in spec.fields)
    assert [s.depth for s in spec.sections[:3]] == [0, 1, 1]


def test_the_outline_survives_the_json_round_trip_of_storage():
    assert parse_outline_spec(to_json(RAW)) == parse_outline_spec(RAW)


DELETE = object()  # the key is removed from the definition


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        pytest.param(("code",), DELETE, "code: required key missing", id="missing-code"),
        pytest.param(("titel",), "x", "titel: unknown key", id="unknown-top-level-key"),
        pytest.param(("version",), 0, "version: must be a whole number >= 1", id="version-zero"),
        pytest.param(("valid_from",), "2021-13-01", "valid_from: must be a date", id="bad-date"),
        pytest.param(("valid_until",), "2020-12-31", "valid_until: is before valid_from", id="ends-before-it-starts"),
        pytest.param(("report_types",), [], "report_types: must be a non-empty list", id="no-report-type"),
        pytest.param(("sections",), [], "sections: must list at least one section", id="no-section"),
        pytest.param(("sections",), "I, II", "sections: must be a list", id="sections-not-a-list"),
        pytest.param(("sections", 2, "key"), "direction", "sections[2].key: duplicate 'direction'", id="duplicate-key"),
        pytest.param(("sections", 2, "key"), "Chỉ đạo", "sections[2].key: 'Chỉ đạo' is not allowed", id="bad-key"),
        pytest.param(("sections", 2, "number"), "I.1", "sections[2].number: duplicate 'I.1'", id="duplicate-number"),
        pytest.param(("sections", 2, "number"), "1.2", "sections[2].number: must be printed like I, I.1 or IV",
                     id="arabic-part-number"),
        pytest.param(("sections", 0, "number"), "V", "sections[1].number: 'I.1' comes before its part 'I'",
                     id="sub-section-before-its-part"),
        pytest.param(("sections", 3, "title"), DELETE, "sections[3].title: required key missing", id="no-title"),
        pytest.param(("sections", 3, "required"), "yes", "sections[3].required: must be true or false",
                     id="required-not-a-flag"),
        pytest.param(("sections", 0, "required"), True, "sections[0].required: a heading without text",
                     id="required-heading"),
        pytest.param(("sections", 4, "hnit"), "x", "sections[4].hnit: unknown key", id="unknown-section-key"),
    ],
)  # fmt: skip
def test_a_mistake_in_an_outline_is_refused_with_its_path(path, value, error):
    raw = copy.deepcopy(RAW)
    target = raw
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(OutlineSpecError) as caught:
        parse_outline_spec(raw)
    assert str(caught.value).startswith(error)


def test_an_outline_of_headings_only_is_refused():
    raw = copy.deepcopy(RAW)
    raw["sections"] = [{"key": "results", "number": "I", "title": "Kết quả", "text": False}]
    with pytest.raises(OutlineSpecError, match="sections: must have at least one section with text"):
        parse_outline_spec(raw)


# --- Loading (database) ----------------------------------------------------------------------------------


def load(*args):
    out = StringIO()
    call_command("load_catalogue", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def definitions(tmp_path):
    """A copy of the shipped definitions to change."""
    folder = tmp_path / "definitions"
    shutil.copytree(services.DEFINITIONS, folder)
    return folder


@pytest.mark.django_db
def test_migrate_loads_the_shipped_outline():
    outline = OutlineDefinition.objects.get()
    assert (outline.code, outline.version, outline.valid_from) == ("kstt-outline", 1, date(2021, 1, 1))
    assert [rt.code for rt in outline.report_types.all()] == ["kstt"]
    assert outline.spec == parse_outline_spec(RAW)


@pytest.mark.django_db
def test_load_catalogue_loads_the_outline_into_an_empty_catalogue():
    OutlineDefinition.objects.all().delete()
    FormDefinition.objects.all().delete()
    ReportType.objects.all().delete()
    assert "outlines: 1 new (kstt-outline v1), 0 unchanged" in load()
    assert AuditEntry.objects.filter(event="catalogue.loaded", data__outlines=["kstt-outline v1"]).exists()
    assert "outlines: 0 new (-), 1 unchanged" in load()
    assert OutlineDefinition.objects.count() == 1


def test_the_outline_in_force_follows_the_date(kstt_report):
    assert selectors.outline_in_force(kstt_report, on=date(2020, 12, 31)) is None
    in_2021 = selectors.outline_in_force(kstt_report, on=date(2021, 1, 1))
    assert in_2021 is not None and (in_2021.code, in_2021.version) == ("kstt-outline", 1)


def test_a_new_version_of_the_outline_is_a_data_change(definitions, kstt_report):
    """Version 2 from 15/02/2026 (Circular 5/2025/TT-VPCP) adds a section; version 1 stays for 2021."""
    source = (definitions / "outlines" / "kstt-outline.v1.toml").read_text(encoding="utf-8")
    changed = (
        source.replace("version = 1", "version = 2", 1).replace("valid_from = 2021-01-01", "valid_from = 2026-02-15", 1)
        + '\n[[sections]]\nkey = "digital_transformation"\nnumber = "V"\ntitle = "Chuyển đổi số"\n'
    )
    (definitions / "outlines" / "kstt-outline.v2.toml").write_text(changed, encoding="utf-8")
    audits = AuditEntry.objects.count()
    assert "outlines: 1 new (kstt-outline v2), 1 unchanged" in load("--dir", definitions)
    assert AuditEntry.objects.count() == audits + 1
    in_2021 = selectors.outline_in_force(kstt_report, on=date(2021, 9, 1))
    in_2026 = selectors.outline_in_force(kstt_report, on=date(2026, 2, 15))
    assert (in_2021.version, in_2026.version) == (1, 2)
    assert in_2026.spec.sections[-1].title == "Chuyển đổi số"
    assert len(in_2021.spec.sections) == 13


def test_a_changed_outline_under_the_same_version_is_refused(definitions, kstt_report):
    path = definitions / "outlines" / "kstt-outline.v1.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("required = false", "required = true", 1), "utf-8")
    with pytest.raises(
        CommandError,
        match=r"kstt-outline\.v1\.toml: kstt-outline v1 is already loaded with different "
        r"content; a changed outline must be published as a new version; nothing was loaded",
    ):
        load("--dir", definitions)
    assert OutlineDefinition.objects.get().spec == parse_outline_spec(RAW)


def test_a_malformed_outline_is_refused_with_its_file_and_path_and_nothing_is_loaded(definitions, kstt_report):
    OutlineDefinition.objects.all().delete()
    path = definitions / "outlines" / "kstt-outline.v1.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('number = "I.3"', 'number = "I.2"', 1), "utf-8")
    form = (definitions / "forms" / "06-VPCP-KSTT.v1.toml").read_text(encoding="utf-8")
    (definitions / "forms" / "06-VPCP-KSTT.v2.toml").write_text(form.replace("version = 1", "version = 2", 1), "utf-8")
    forms_before = FormDefinition.objects.count()
    with pytest.raises(CommandError, match=r"kstt-outline\.v1\.toml: sections\[3\]\.number: duplicate 'I\.2'; nothing"):
        load("--dir", definitions)
    assert OutlineDefinition.objects.count() == 0
    assert FormDefinition.objects.count() == forms_before


def test_an_outline_of_an_unknown_report_type_is_refused(definitions, kstt_report):
    OutlineDefinition.objects.all().delete()
    path = definitions / "outlines" / "kstt-outline.v1.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('report_types = ["kstt"]', 'report_types = ["par"]'), "utf-8"
    )
    with pytest.raises(CommandError, match=r"kstt-outline\.v1\.toml: unknown report type\(s\) par"):
        load("--dir", definitions)
    assert OutlineDefinition.objects.count() == 0


def test_a_toml_syntax_error_names_the_outline_file(definitions, kstt_report):
    path = definitions / "outlines" / "kstt-outline.v1.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[sections]\n", "utf-8")
    with pytest.raises(CommandError, match=r"kstt-outline\.v1\.toml: "):
        load("--dir", definitions)
