from django.urls import path

from kstt.reports import report_views

app_name = "reports"

urlpatterns = [
    path("<str:unit_code>/<str:period>/", report_views.report_page, name="report"),
]
