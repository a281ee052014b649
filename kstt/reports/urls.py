from django.urls import path

from kstt.reports import package_views, report_views

app_name = "reports"

urlpatterns = [
    path("<str:unit_code>/<str:period>/", report_views.report_page, name="report"),
    path("<str:unit_code>/<str:period>/package/", package_views.package, name="package"),
]
