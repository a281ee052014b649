from django.urls import path

from kstt.reports import compiled_views

app_name = "compiled"
urlpatterns = [
    path("<str:code>/form06/reports/", compiled_views.form06_reports, name="form06_reports"),
]
