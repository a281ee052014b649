from django.urls import path

from kstt.reports import review_views as views

app_name = "review"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("<str:unit_code>/<str:period>/", views.review_detail, name="detail"),
    path("<str:unit_code>/<str:period>/accept/", views.review_accept, name="accept"),
    path("<str:unit_code>/<str:period>/return/", views.review_return, name="return"),
    path("<str:unit_code>/<str:period>/history/", views.report_history, name="history"),
    path("<str:unit_code>/<str:period>/document/<int:number>/", views.report_document, name="document"),
]
