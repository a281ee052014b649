"""Compliance pages: the reviewers' dashboard, the deduction ledger (per unit and for the province), appeals;
the narrative report KSTT drafts for a receiving unit."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("kstt.compliance.dashboard_urls")),
    path("", include("kstt.compliance.ledger_urls")),
    path("", include("kstt.compliance.narrative_urls")),
]
