"""The code book's HTML search is rate-limited per client address, like its JSON search."""

import pytest

from study.extensions import limiter
from tests.support import make_app


@pytest.fixture
def limited(app, database_url, instance_path):
    limited = make_app(database_url, instance_path, RATELIMIT_ENABLED=True, CODE_SEARCH_LIMIT_PER_IP="3 per minute")
    with limited.app_context():
        limiter.reset()
        yield limited
        limiter.reset()


def test_html_code_search_is_rate_limited_per_ip(limited):
    client = limited.test_client()
    codes = [client.get("/codes", query_string={"q": f"diabetes {i}"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    # the live search (partial results) counts too
    assert client.get("/codes", query_string={"q": "asthma", "partial": "1"}).status_code == 429
    # the page without a query is not a search; another address has its own count
    assert client.get("/codes").status_code == 200
    other = client.get("/codes", query_string={"q": "asthma"}, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.status_code == 200


def test_the_default_is_generous(app):
    from study.codebook import routes

    assert routes.SEARCH_LIMIT_PER_IP == "120 per minute"
