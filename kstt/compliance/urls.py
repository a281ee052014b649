"""Compliance pages: the reviewers' dashboard, the deduction ledger (per unit and for the province), appeals;
the narrative report KSTT drafts for a receiving unit and its package for the national system."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("kstt.compliance.dashboard_urls")),
    path("", include("kstt.compliance.ledger_urls")),
    path("", include("kstt.compliance.narrative_urls")),
    path("", include("kstt.compliance.package_urls")),
]
