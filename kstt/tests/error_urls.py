"""The site's addresses and a few that fail, for kstt/tests/test_error_pages.py (a 500 as a bug gives it)."""

from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kstt.urls import handler500  # noqa: F401 (the site's)
from kstt.urls import urlpatterns as site


def broken(request: HttpRequest) -> HttpResponse:
    raise DatabaseError("the database went away")


def unreachable(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


urlpatterns = [*site, path("broken/", broken), path("unreachable/", unreachable), path("api/unreachable/", unreachable)]
