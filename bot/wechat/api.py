"""The one door to WeChat's HTTP API: wechatpy's client, pointed at `[wechat] api_base`.

wechatpy 1.8.18 hard-codes the token URL, fetches it without a timeout and keeps the token's
expiry in process memory only, so several processes would each refetch it. This subclass sends
every call to `api_base`, keeps token and expiry in one store (process memory, or Redis when
`[redis] url` is set) and lets one refresher at a time through.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from bot.config import Settings

# Refresh a little before WeChat's expiry so that a call in flight never carries a dead token.
TOKEN_MARGIN_SECONDS = 300


class ExpiringMemoryStorage(SessionStorage):
    """wechatpy's MemoryStorage ignores ttl; this one honours it, like RedisStorage does."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return default
            value, expires = item
            if expires is not None and time.monotonic() >= expires:
                del self._data[key]
                return default
            return value

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value is None:
            return
        with self._lock:
            self._data[key] = (value, time.monotonic() + ttl if ttl else None)

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class WeChatApi(WeChatClient):
    def __init__(
        self,
        appid: str,
        secret: str,
        api_base: str,
        timeout: float | tuple[float, float] = 5.0,
        session: SessionStorage | None = None,
        redis_client: Any | None = None,
    ) -> None:
        super().__init__(appid, secret, session=session or ExpiringMemoryStorage(), timeout=timeout)
        self.api_base = api_base.rstrip("/")
        self.API_BASE_URL = self.api_base + "/cgi-bin/"
        self._refresh_lock = threading.Lock()
        self._local = threading.local()
        self._redis = redis_client
        self.token_fetches = 0

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._refresh_lock:
            if self._redis is None:
                yield
                return
            with self._redis.lock(
                f"wuye:{self.appid}:token-refresh", timeout=30, blocking_timeout=30
            ):
                yield

    @property
    def access_token(self) -> str:
        token = self.session.get(self.access_token_key)
        if token:
            return token
        with self._exclusive():
            # Another thread or process may have refreshed while we waited for the lock.
            token = self.session.get(self.access_token_key)
            if token:
                return token
            self._fetch_token()
            return self.session.get(self.access_token_key)

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            return super()._request(method, url_or_endpoint, **kwargs)
        finally:
            self._local.depth = depth

    def fetch_access_token(self) -> dict[str, Any]:
        """Called by wechatpy on 40001/40014/42001: the stored token is dead, get a new one."""
        if getattr(self._local, "depth", 0) > 1:
            # wechatpy retries after a refresh without limit; a fresh token refused again
            # (wrong secret, IP not whitelisted) must surface, not recurse.
            raise WeChatClientException(40001, "access token refused again right after a refresh", client=self)
        with self._exclusive():
            return self._fetch_token()

    def _fetch_token(self) -> dict[str, Any]:
        self.token_fetches += 1
        try:
            res = self._http.get(
                f"{self.API_BASE_URL}token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
                timeout=self.timeout,
            )
            res.raise_for_status()
            result = res.json()
        except requests.RequestException as exc:
            raise WeChatClientException(None, f"token fetch failed: {exc}", client=self) from exc
        except ValueError as exc:
            raise WeChatClientException(
                None, "token endpoint answered with non-JSON", client=self
            ) from exc
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg", ""), client=self)
        expires_in = int(result.get("expires_in", 7200))
        ttl = max(expires_in - TOKEN_MARGIN_SECONDS, 60)
        self.session.set(self.access_token_key, result["access_token"], ttl)
        self.expires_at = int(time.time()) + expires_in
        return result


def make_client(settings: Settings) -> WeChatApi:
    w = settings.wechat
    session: SessionStorage | None = None
    redis_client = None
    if settings.redis.url:
        import redis
        from wechatpy.session.redisstorage import RedisStorage

        redis_client = redis.Redis.from_url(settings.redis.url)
        session = RedisStorage(redis_client, prefix="wuye")
    return WeChatApi(
        w.appid,
        w.secret,
        w.api_base,
        # A short connect timeout: an unreachable API fails fast, and a call that never
        # connected was certainly not sent.
        timeout=(min(3.0, w.timeout_seconds), w.timeout_seconds),
        session=session,
        redis_client=redis_client,
    )
