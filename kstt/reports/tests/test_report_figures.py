"""Every submitted version's whole-number cells are kept as rows SQL can sum (ReportFigure, issue 15):
written by the submit service with the version, backfilled for the versions submitted before, never changed."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kstt.records import ImmutableError
from kstt.reports import services
from kstt.reports.models import ReportFigure, ReportVersion
from kstt.reports.rules import figure_cells
from kstt.reports.services.submission import write_figures
from kstt.reports.tests.test_submission_services import FORM, GOOD, T1, T2, fill

backfill = importlib.import_module("kstt.reports.migrations.0006_backfill_report_figures").backfill


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param({}, [], id="no-forms"),
        pytest.param({"F": {"r": {"c": 3}}}, [("F", "r", "c", 3)], id="a-number"),
        pytest.param({"F": {"r": {"c": " 12 "}}}, [("F", "r", "c", 12)], id="a-whole-number-typed-as-text"),
        pytest.param({"F": {"r": {"c": Decimal("7")}}}, [("F", "r", "c", 7)], id="a-decimal-without-decimals"),
        pytest.param({"F": {"r": {"c": ""}}}, [], id="an-empty-cell-is-no-figure"),
        pytest.param({"F": {"r": {"c": None}}}, [], id="a-null-cell-is-no-figure"),
        pytest.param({"F": {"r": {"c": "1,5"}}}, [], id="a-text-is-no-figure"),
        pytest.param({"F": {"r": {"c": 1.5}}}, [], id="a-float-is-no-figure"),
        pytest.param({"F": {"r": {"c": True}}}, [], id="a-boolean-is-no-figure"),
        pytest.param({"F": {"r": {"c": 2**63}}}, [], id="beyond-64-bits-is-no-figure"),
        pytest.param({"F": {"r": "x"}, "G": "y"}, [], id="not-a-grid"),
        pytest.param({"F" * 33: {"r": {"c": 1}}}, [], id="a-form-key-longer-than-stored"),
        pytest.param({"F": {"r" * 65: {"c": 1}, "s": {"c" * 65: 1}}}, [], id="a-row-or-column-key-longer-than-stored"),
        pytest.param(
            {"F" * 32: {"r" * 64: {"c" * 64: 1}}}, [("F" * 32, "r" * 64, "c" * 64, 1)], id="keys-at-the-limit"
        ),
        pytest.param(
            {"F": {"r": {"a": 1, "b": 2}, "t": {"a": 3}}},
            [("F", "r", "a", 1), ("F", "r", "b", 2), ("F", "t", "a", 3)],
            id="every-cell-in-order",
        ),
    ],
)
def test_the_figures_of_a_version_are_its_whole_number_cells(values, expected):
    assert figure_cells(values) == expected


@pytest.fixture
def report(lan, commune_yen_nghiep, kstt_report):
    return services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=lan)


def test_submitting_writes_the_figures_of_the_version(report, lan):
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    stored = sorted(ReportFigure.objects.filter(version=version).values_list("form", "row", "column", "value"))
    assert stored == sorted(figure_cells(GOOD)) and len(stored) == 22
    assert ReportFigure.objects.get(version=version, form=FORM, row="total", column="received_total").value == 5
    figure = ReportFigure.objects.first()
    figure.value = 99
    with pytest.raises(ImmutableError):
        figure.save()
    with pytest.raises(ImmutableError):
        ReportFigure.objects.all().delete()


def test_the_figures_are_stored_exactly_as_the_rules_read_them(report, lan):
    """The one INSERT reads the cells out of JSON in the database: keys with diacritics, quotes and SQL, the
    64-bit extremes, a whole number typed as text; what is no figure is left out."""
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    form = 'Biểu 06/ĐP "mẫu"'
    values = {
        form: {
            "Xã Yên Nghiệp 'A'": {"cột ' 1": 2**63 - 1, "c2": -(2**63), "c3": " 12 ", "c4": "x", "c5": None, "c6": 0},
            "r'); DROP TABLE reports_reportfigure; --": {"c": -7},
        },
        "F": "not a grid",
    }
    write_figures(ReportVersion(pk=version.pk, values=values))
    stored = ReportFigure.objects.filter(version=version, form=form).values_list("form", "row", "column", "value")
    assert sorted(stored) == sorted(figure_cells(values))
    assert len(stored) == 5 and ReportFigure.objects.get(version=version, form=form, column="c2").value == -(2**63)
    write_figures(ReportVersion(pk=version.pk, values={}))  # no cell: nothing to write, no statement


def test_the_backfill_gives_older_versions_their_figures_once(report, lan):
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    # A version submitted before the figures existed: its values only.
    ReportFigure.objects.filter(version=version)._raw_delete(ReportFigure.objects.db)
    assert not ReportFigure.objects.filter(version=version).exists()
    backfill(apps, None)
    stored = sorted(ReportFigure.objects.filter(version=version).values_list("form", "row", "column", "value"))
    assert stored == sorted(figure_cells(ReportVersion.objects.get(pk=version.pk).values))
    backfill(apps, None)  # again: nothing added
    assert ReportFigure.objects.filter(version=version).count() == len(stored)


BEFORE = [("reports", "0004_refused_submissions")]


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_of_the_old_schema_backfills_its_versions(lan, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=lan)
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)  # the figures' table is gone: the version has its values only
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    stored = sorted(ReportFigure.objects.filter(version=version).values_list("form", "row", "column", "value"))
    assert stored == sorted(figure_cells(GOOD))
