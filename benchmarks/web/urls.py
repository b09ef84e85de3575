"""Veiviser's URLs plus /bench/ping/, the smallest Django view: the baseline of the load test.

It goes through the same server, workers and middleware as every page, but touches neither the
database nor a template, so a page's time divided by its time is what the page itself costs.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from veiviser.config.urls import urlpatterns as veiviser_urlpatterns


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench-ping"), *veiviser_urlpatterns]
