from django.urls import path

from kstt.compilation import views

app_name = "compilation"
urlpatterns = [
    path("<str:code>/form06/", views.form06, name="form06"),
    path("<str:code>/form06/xlsx/", views.form06_xlsx, name="form06_xlsx"),
    path("<str:code>/form06/pdf/", views.form06_pdf, name="form06_pdf"),
    path("<str:code>/form06/cell/", views.form06_cell, name="form06_cell"),
]
