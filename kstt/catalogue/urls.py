from django.urls import path

from kstt.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.report_type_page, name="report_type"),
    path("days/", views.declare_day, name="declare_day"),
    path("days/<int:pk>/withdraw/", views.withdraw_day, name="withdraw_day"),
    path("<slug:code>/", views.report_type_page, name="report_type_code"),
]
