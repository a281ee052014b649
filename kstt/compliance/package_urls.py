from django.urls import path

from kstt.compliance import package_views

app_name = "package"
urlpatterns = [
    path("package/<str:unit_code>/<str:period>/", package_views.package, name="package"),
]
