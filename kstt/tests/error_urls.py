"""The site's addresses and one more that fails, for kstt/tests/test_error_pages.py (a 500 as a bug gives it)."""

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kstt.urls import urlpatterns as site


def broken(request: HttpRequest) -> HttpResponse:
    raise DatabaseError("the database went away")


urlpatterns = [*site, path("broken/", broken)]
