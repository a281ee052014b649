from django.urls import path

from kstt.reports import compiled_views

app_name = "compiled"
urlpatterns = [
    path("<str:code>/form06/reports/", compiled_views.form06_reports, name="form06_reports"),
    path("<str:code>/form06/reports/xlsx/", compiled_views.form06_reports_xlsx, name="form06_reports_xlsx"),
    path("<str:code>/form06/reports/pdf/", compiled_views.form06_reports_pdf, name="form06_reports_pdf"),
]
