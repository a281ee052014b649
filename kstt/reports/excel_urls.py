from django.urls import path

from kstt.reports import excel_views

app_name = "reports_excel"
urlpatterns = [
    path("<str:unit>/<str:period>/excel/", excel_views.download, name="download"),
    path("<str:unit>/<str:period>/excel/pdf/", excel_views.download_pdf, name="download_pdf"),
    path("<str:unit>/<str:period>/excel/upload/", excel_views.upload, name="upload"),
    path("<str:unit>/<str:period>/form07b.<str:kind>", excel_views.form07b, name="form07b"),
]
