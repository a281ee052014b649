from django.urls import path

from kstt.accounts import unit_views as views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
]
