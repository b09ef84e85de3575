"""The API's interactive documentation in a real browser: served from Veiviser itself (no
CDN), under the same Content-Security-Policy as every page (the page fixture fails on any
violation), and it lists the API's operations."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_docs_page_works_under_the_csp(page):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/statistics").first.wait_for()
    assert all(url.startswith(page.url.split("/api/")[0]) for url in requests), requests
