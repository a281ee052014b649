from django.urls import path

from kstt.compliance import narrative_views

app_name = "narrative"
urlpatterns = [
    path("narrative/<str:unit_code>/<str:period>/", narrative_views.narrative, name="narrative"),
]
