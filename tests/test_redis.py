"""With Redis configured, rate limits and the cache are shared by every process."""

import pytest

from prepdeck.extensions import cache
from tests.conftest import login, post_form

pytestmark = pytest.mark.redis


def test_login_throttle_is_shared_between_processes(app_factory, redis_url, user):
    first = app_factory(RATELIMIT_STORAGE_URI=redis_url).test_client()
    second = app_factory(RATELIMIT_STORAGE_URI=redis_url).test_client()
    for client in (first, second, first, second, first):
        assert login(client, user.email, "wrong password!").status_code == 200
    response = login(second, user.email, "wrong password!")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_cache_is_shared_between_processes(app_factory, redis_url):
    settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    writer, reader = app_factory(**settings), app_factory(**settings)
    with writer.app_context():
        cache.set("greeting", {"text": "hello"}, timeout=30)
    with reader.app_context():
        assert cache.get("greeting") == {"text": "hello"}
        cache.delete("greeting")
    with writer.app_context():
        assert cache.get("greeting") is None


def test_sign_in_still_works_while_the_rate_limit_store_is_down(app_factory, private_redis, user):
    client = app_factory(RATELIMIT_STORAGE_URI=private_redis.url).test_client()
    assert login(client, user.email, "wrong password!").status_code == 200
    private_redis.stop()
    assert login(client, user.email).status_code == 302


def test_mail_pages_still_work_while_the_rate_limit_store_is_down(app_factory, private_redis):
    client = app_factory(RATELIMIT_STORAGE_URI=private_redis.url).test_client()
    private_redis.stop()
    response = post_form(client, "/forgot-password", {"email": "someone@example.com"})
    assert response.status_code == 302
