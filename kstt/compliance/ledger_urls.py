"""The deduction ledger (rules.md §6): the province's table, a unit's year, one line's evidence, appeals."""

from django.urls import path

from kstt.compliance import closing_views
from kstt.compliance import ledger_views as views

app_name = "compliance_ledger"
urlpatterns = [
    path("deductions/", views.deductions_now, name="deductions"),
    path("deductions/<int:year>/", views.province_table, name="province"),
    path("deductions/<int:year>/xlsx/", views.province_xlsx, name="province_xlsx"),
    path("deductions/<int:year>/closing/", closing_views.closing, name="closing"),
    path("deductions/<int:year>/closing/close/", closing_views.close, name="closing_close"),
    path("deductions/<int:year>/closing/reopen/", closing_views.reopen, name="closing_reopen"),
    path("deductions/<int:year>/closing/<int:revision>/", closing_views.revision, name="closing_revision"),
    path("deductions/<int:year>/closing/<int:revision>/xlsx/", closing_views.workbook, name="closing_workbook"),
    path("deductions/<int:year>/<str:unit_code>/", views.unit_year, name="unit"),
    path("lines/<str:unit_code>/<str:period>/", views.line, name="line"),
    path("lines/<str:unit_code>/<str:period>/appeal/", views.appeal, name="appeal"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/decide/", views.decide, name="decide"),
    path("appeals/<int:pk>/files/<int:file_pk>/", views.attachment, name="attachment"),
]
