"""The WeChat client: api_base honoured, one token refresh at a time, token shared through Redis."""

from __future__ import annotations

import threading
import uuid

import pytest

from bot.wechat.api import WeChatApi, make_client
from tests.conftest import APPID, REDIS_URL, make_settings
from tests.threads import at_once


def _redis_or_skip():  # type: ignore[no-untyped-def]
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis at 127.0.0.1:6379 does not answer")
    return client


def test_calls_go_to_api_base_not_the_internet(fake) -> None:  # type: ignore[no-untyped-def]
    client = WeChatApi(APPID, "test-secret", fake.url, timeout=1)
    fake.touch("o1")  # o1 wrote to the account: a customer-service text may reach them
    client.post("message/custom/send", data={"touser": "o1", "msgtype": "text", "text": {"content": "x"}})
    assert fake.token_fetches == 1
    assert fake.calls(path="message/custom/send")[0]["touser"] == "o1"


def test_many_threads_needing_a_token_fetch_it_once(fake) -> None:  # type: ignore[no-untyped-def]
    client = WeChatApi(APPID, "test-secret", fake.url, timeout=2)
    barrier = threading.Barrier(8)
    tokens: list[str] = []

    def use() -> None:
        barrier.wait()
        tokens.append(client.access_token)

    at_once(use, 8)
    assert fake.token_fetches == 1 and len(set(tokens)) == 1


def test_token_is_shared_between_processes_through_redis(fake, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _redis_or_skip()
    appid = f"wx{uuid.uuid4().hex[:16]}"  # a key of our own in the shared Redis
    fake.state.appid = None  # accept any appid for this test
    settings = make_settings(f"sqlite:///{tmp_path}/x.db", fake.url, redis__url=REDIS_URL, wechat__appid=appid)
    a, b = make_client(settings), make_client(settings)  # two "processes"
    try:
        token_a = a.access_token
        token_b = b.access_token
        assert token_a == token_b
        assert fake.token_fetches == 1  # wechatpy 1.8 alone would fetch once per process
        ttl = r.ttl(f"wuye:{appid}_access_token")
        assert 6000 < ttl <= 7200 - 300
    finally:
        r.delete(f"wuye:{appid}_access_token")
        fake.state.appid = APPID
