"""A local fake of the WeChat official-account HTTP API (``api.weixin.qq.com/cgi-bin``).

Why it exists: no test, and no ``make run``, may reach the internet, yet the code that talks to
WeChat (outbox worker, notices, tag sync) must be exercised against something that answers the
way WeChat does -- same paths, ``access_token`` in the query, JSON bodies that may carry raw
UTF-8, and failures as ``{"errcode": N, "errmsg": "..."}`` with HTTP 200. A mock of wechatpy
would only test our assumptions about WeChat; this fake sits below wechatpy, on the wire, so
wechatpy's own quirks (token auto-retry, the old ``group_id`` mass-send field, no timeout on
token fetch) are part of what the tests see.

It deliberately reproduces the WeChat behaviours that bite in production:

* tokens expire (42001), get invalidated (40001), and an old token stays valid only for a
  grace period after a new one is fetched -- as WeChat does when several processes refresh;
* messages to a user who unsubscribed fail with 43004;
* mass send to an OpenID list needs at least two OpenIDs (40130);
* a repeated ``clientmsgid`` on mass send is refused (45065), so retries can be idempotent;
* list endpoints omit ``data`` when there is nothing to list;
* uploading a ``thumb`` answers ``thumb_media_id``, not ``media_id``;
* customer-service (custom) messages follow the rules since mid-2023: a user's message opens a
  48-hour window of 5 messages, a menu click, follow or scan one minute of 3; outside every
  window 45015, over the count 45047. The fake learns of users' messages the way WeChat does, from
  what is sent to the webhook: :meth:`FakeState.inbound` (wired to :class:`wuye_dev.wire.WeChatServer`
  in tests, ``/_fake/inbound`` for out-of-process users);
* template messages follow the 2023 rules: no ``first``/``remark``, no line breaks, each keyword's
  value fits its type (``thing`` 20 characters, ``character_string`` 32 ASCII, ``time``,
  ``phone_number``, ``phrase``); a violation answers 47003 naming the keyword;
* subscribe messages (``message/subscribe/bizsend``) need the user's consent to that template,
  learnt from the ``subscribe_msg_popup_event`` / ``subscribe_msg_change_event`` events sent to
  the webhook (or :meth:`FakeState.consent`): a one-time consent allows one message per accept,
  then 43101, as does a rejected or unknown template; values follow the same keyword rules as
  templates (``thing`` 20 characters …), 47003 naming the keyword;
* ``media/get`` returns a real (tiny PNG) image for media a user sent in the last 3 days, 40007
  after that, as WeChat deletes them;
* custom menus (``menu/create``, ``menu/addconditional`` by tag, ``menu/get``) are checked for
  WeChat's button counts, name lengths and types.

Faults can be scripted (HTTP 5xx, any errcode, a delay to provoke client timeouts) per path and
per recipient, from Python (:class:`FakeState`) or over HTTP (``/_fake/...``) for
out-of-process users such as the chat simulator and ``make run``. Every API call is recorded,
failed or not, so tests assert on what actually went over the wire.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Request, Response, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

__all__ = [
    "ERRMSG",
    "FakeState",
    "FakeWeChat",
    "create_fake_app",
    "run",
]

#: errmsg texts as WeChat sends them (WeChat appends `` rid: ...`` to every error message,
#: so code must compare errcodes, never errmsg strings; the fake does the same).
ERRMSG: dict[int, str] = {
    -1: "system error",
    0: "ok",
    40001: "invalid credential, access_token is invalid or not latest",
    40016: "invalid button size",
    40017: "invalid button type",
    40018: "invalid button name size",
    40019: "invalid button key size",
    40023: "invalid sub button size",
    40025: "invalid sub button name size",
    40027: "invalid sub button url size",
    46003: "menu no exist",
    65303: "there is no selfmenu, please create selfmenu first",
    65304: "match rule empty",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40004: "invalid media type",
    40007: "invalid media_id",
    40008: "invalid message type",
    40013: "invalid appid",
    40032: "invalid openid list size",
    40037: "invalid template_id",
    40066: "invalid url",
    40125: "invalid appsecret",
    40130: "invalid openid list size, at least two openid",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    41005: "media data missing",
    41009: "missing openid",
    42001: "access_token expired",
    43004: "require subscribe",
    44002: "empty post data",
    44003: "empty news data",
    44004: "empty content",
    45008: "article size out of limit",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit",
    45047: "out of response count limit",
    45056: "too many tags",
    45058: "can't modify sys tag",
    45059: "tag count of user reach limit",
    45065: "clientmsgid exist",
    45157: "invalid tag name",
    45158: "tag name too long",
    45159: "invalid tag id",
    47001: "data format error",
    47003: "argument invalid!",
    43101: "user refuse to accept the msg",
}

CUSTOM_MSGTYPES = frozenset(
    {
        "text", "image", "voice", "video", "music", "news", "mpnews", "mpnewsarticle",
        "msgmenu", "wxcard", "miniprogrampage",
    }
)  # fmt: skip
MASS_MSGTYPES = frozenset({"text", "image", "voice", "mpvideo", "mpnews", "wxcard"})
MEDIA_TYPES = frozenset({"image", "voice", "video", "thumb"})

MAX_TAGS = 100  # per account
MAX_TAGS_PER_USER = 20
MAX_TAG_NAME = 30  # characters
MAX_BATCH_TAGGING = 50  # openids per batch(un)tagging call
FIRST_TAG_ID = 100  # ids 0-99 are WeChat's own (0/1/2 are system tags)
PAGE_SIZE = 10000  # user/get and user/tag/get page size
TOKEN_PATH = "/cgi-bin/token"
MESSAGE_WINDOW = (48 * 3600.0, 5)  # a user's message: seconds, custom messages allowed
EVENT_WINDOW = (60.0, 3)  # a menu click, follow or scan
OPENING_EVENTS = frozenset({"subscribe", "click", "scan", "scancode_push", "scancode_waitmsg"})
MEDIA_LIFETIME = 3 * 24 * 3600.0  # WeChat deletes media users send after 3 days
BUTTON_TYPES = frozenset(
    {
        "click", "view", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
        "pic_weixin", "location_select", "media_id", "article_id", "article_view_limited", "miniprogram",
    }
)  # fmt: skip


class ApiError(Exception):
    """A WeChat error answer (HTTP 200, errcode != 0), raised inside endpoint handlers."""

    def __init__(self, errcode: int, extra: dict[str, Any] | None = None) -> None:
        super().__init__(errcode)
        self.errcode = errcode
        self.extra = extra or {}


def error_body(errcode: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """WeChat's error JSON, with the ``rid`` suffix real errmsgs carry."""
    msg = ERRMSG.get(errcode, "unknown error")
    if errcode != 0:
        msg = f"{msg} rid: {secrets.token_hex(4)}-{secrets.token_hex(4)}-{secrets.token_hex(4)}"
    body: dict[str, Any] = {"errcode": errcode, "errmsg": msg}
    body.update(extra or {})
    return body


def normalize_path(path: str) -> str:
    """Accept wechatpy-style endpoints ("message/custom/send") as well as full paths."""
    if not path.startswith("/"):
        path = "/cgi-bin/" + path
    return path


def path_matches(pattern: str, path: str) -> bool:
    """Exact match, or prefix match when the pattern ends with "/" or "*"."""
    pattern = normalize_path(pattern)
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    if pattern.endswith("/"):
        return path.startswith(pattern)
    return path == pattern


def touser_matches(wanted: str, touser: Any) -> bool:
    """A call is "to" a user if ``touser`` is that openid or a list containing it (mass send)."""
    if isinstance(touser, list):
        return wanted in touser
    return touser == wanted


@dataclass
class Fault:
    """One scripted failure: what to do, for which calls, how many more times."""

    path: str
    errcode: int | None = None
    status: int | None = None
    delay: float | None = None
    times: int | None = 1  # None: until cleared
    touser: str | None = None
    body: Any = None

    def matches(self, path: str, touser: Any) -> bool:
        if not path_matches(self.path, path):
            return False
        return self.touser is None or touser_matches(self.touser, touser)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "errcode": self.errcode, "status": self.status,
            "delay": self.delay, "times": self.times, "touser": self.touser, "body": self.body,
        }  # fmt: skip


@dataclass
class _Token:
    expires_at: float
    revoked: bool = False
    superseded_at: float | None = None  # from then on 40001 "not latest"


@dataclass
class _Tag:
    id: int
    name: str
    members: dict[str, None] = field(default_factory=dict)  # an ordered set of openids


class FakeState:
    """Everything the fake WeChat server knows; thread-safe, shared by all request threads.

    Unknown openids count as subscribed unless ``strict_users`` is on, so tests need not
    register every resident; ``strict_users`` turns an unknown openid into 40003, which is what
    a typo'd or other-account openid gets from WeChat.
    """

    def __init__(
        self,
        *,
        appid: str | None = None,
        secret: str | None = None,
        strict_users: bool = False,
        token_ttl: int = 7200,
        old_token_grace: float = 300.0,
        token_daily_limit: int | None = None,
        custom_window: float | None = MESSAGE_WINDOW[0],
        custom_quota: int = MESSAGE_WINDOW[1],
        templates: set[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """
        :param appid, secret: when set, the token endpoint checks them (40013 / 40125).
        :param token_ttl: ``expires_in`` of issued tokens; lower it to test refresh.
        :param old_token_grace: after a new token is issued, older ones live this long at most
            (WeChat: 5 minutes) -- why two processes refreshing independently break each other.
        :param token_daily_limit: token fetches allowed before 45009 (WeChat: 2000 a day).
        :param custom_window, custom_quota: after a user's message (see :meth:`inbound`), custom
            messages allowed for this many seconds, this many times (WeChat: 48 h, 5); a click,
            follow or scan allows 3 within a minute. ``custom_window=None`` disables the check.
        :param templates: template ids that exist; ``None`` accepts any non-empty id.
        :param clock: the fake's notion of now (tests with a simulated clock set it).
        """
        self.appid = appid
        self.secret = secret
        self.strict_users = strict_users
        self.token_ttl = token_ttl
        self.old_token_grace = old_token_grace
        self.token_daily_limit = token_daily_limit
        self.custom_window = custom_window
        self.custom_quota = custom_quota
        self.templates = templates
        self.clock = clock
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._fault_taken = threading.Condition(self._lock)
        # Bumped by reset(): a call that was waiting on a scripted delay belongs to the run before.
        self.generation = 0
        self._init_data()

    def _init_data(self) -> None:
        self._tokens: dict[str, _Token] = {}
        self._calls: list[dict[str, Any]] = []
        self._seq = 0
        self._users: dict[str, dict[str, Any]] = {}
        self._tags: dict[int, _Tag] = {}
        self._next_tag_id = FIRST_TAG_ID
        self._next_msg_id = 1000000001
        self._mass_jobs: dict[int, dict[str, Any]] = {}
        self._client_msg_ids: dict[str, int] = {}
        self._faults: list[Fault] = []
        self._token_fetches = 0
        # openid -> scene ("message" | "event") -> [opened_at, used]
        self._windows: dict[str, dict[str, list[float]]] = {}
        self._media: dict[str, dict[str, Any]] = {}  # media_id -> {"at", "openid", "kind"}
        # (openid, template_id) -> one-time sends left; long-term consents in _long_consents
        self._consents: dict[tuple[str, str], int] = {}
        self._long_consents: set[tuple[str, str]] = set()
        self._menu: dict[str, Any] | None = None
        self._conditional: dict[int, dict[str, Any]] = {}
        self._next_menu_id = 400000001

    # ----------------------------------------------------------------- control API
    def reset(self) -> None:
        """Forget calls, tokens, users, tags and faults (configuration is kept).

        Also wakes any request still sleeping on a scripted ``delay`` so it ends promptly.
        """
        with self._lock:
            self.generation += 1
            self.wake_sleepers()
            self._init_data()

    def wait_faults_used(self, timeout: float) -> bool:
        """Block until every scripted fault has been taken by a call (False on timeout)."""
        with self._fault_taken:
            return self._fault_taken.wait_for(lambda: not self._faults, timeout)

    def wake_sleepers(self) -> None:
        """End every scripted ``delay`` still running (on reset and on server stop)."""
        with self._lock:
            self._wake.set()
            self._wake = threading.Event()

    def calls(
        self, path: str | None = None, touser: str | None = None, since: int = 0
    ) -> list[dict[str, Any]]:
        """Recorded API calls with ``seq > since``, optionally filtered by path and recipient.

        ``path`` may be a wechatpy-style endpoint ("message/custom/send") or a full path, and
        matches by prefix when it ends with "/" or "*". ``touser`` matches a ``touser`` string or
        a mass-send ``touser`` list containing it.
        """
        with self._lock:
            out = [
                c
                for c in self._calls
                if c["seq"] > since
                and (path is None or path_matches(path, c["path"]))
                and (touser is None or touser_matches(touser, c["touser"]))
            ]
            return copy.deepcopy(out)

    @property
    def last_seq(self) -> int:
        """Seq of the newest recorded call; pass it as ``since`` to see only later calls."""
        with self._lock:
            return self._seq

    @property
    def token_fetches(self) -> int:
        """How many tokens were successfully issued."""
        with self._lock:
            return self._token_fetches

    def fail(
        self,
        path: str,
        *,
        errcode: int | None = None,
        status: int | None = None,
        delay: float | None = None,
        times: int | None = 1,
        touser: str | None = None,
        body: Any = None,
    ) -> None:
        """Script a failure for the next ``times`` matching calls (``None``: until reset).

        ``status`` answers that HTTP status with ``body`` (an HTML error page by default);
        ``errcode`` answers HTTP 200 with WeChat's error JSON; ``delay`` sleeps that many seconds
        first (alone it then answers normally -- enough to trip a client timeout). Faults are
        checked before anything else, token check included, in the order they were added.
        """
        if errcode is None and status is None and delay is None:
            raise ValueError("fail() needs errcode, status or delay")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None")
        with self._lock:
            self._faults.append(
                Fault(normalize_path(path), errcode, status, delay, times, touser, body)
            )

    def clear_failures(self) -> None:
        """Drop all scripted failures that have not fired yet."""
        with self._lock:
            self._faults.clear()

    def expire_tokens(self) -> None:
        """Every issued token now answers 42001, as after its 7200 s are up."""
        with self._lock:
            now = time.time()
            for tok in self._tokens.values():
                tok.expires_at = min(tok.expires_at, now - 1)

    def revoke_tokens(self) -> None:
        """Every issued token now answers 40001, as when another party fetched a new one."""
        with self._lock:
            for tok in self._tokens.values():
                tok.revoked = True

    def subscribe(self, openid: str, **info: Any) -> None:
        """Mark ``openid`` as a follower; ``info`` fills user/info fields (nickname, remark...)."""
        with self._lock:
            user = self._users.setdefault(openid, {})
            user.update(info)
            user["subscribe"] = 1
            user.setdefault("subscribe_time", int(self.clock()))

    def unsubscribe(self, openid: str) -> None:
        """The user unfollowed: messages to them now fail with 43004 and their tags are gone."""
        with self._lock:
            user = self._users.setdefault(openid, {})
            user["subscribe"] = 0
            for tag in self._tags.values():
                tag.members.pop(openid, None)

    def touch(self, openid: str, at: float | None = None, scene: str = "message") -> None:
        """Record that the user messaged the account at ``at``: a new window of custom messages
        (``scene`` "event" for a menu click, follow or scan)."""
        with self._lock:
            if openid not in self._users:
                self.subscribe(openid)
            self._windows.setdefault(openid, {})[scene] = [self.clock() if at is None else at, 0]

    def inbound(self, fields: dict[str, Any]) -> None:
        """What WeChat knows because a user's message or event passed through it on its way to
        the webhook: the user's window opens, a photo's MediaId becomes downloadable."""
        openid = str(fields.get("FromUserName") or "")
        if not openid:
            return
        msg_type = str(fields.get("MsgType") or "").lower()
        try:
            at = float(fields.get("CreateTime") or self.clock())
        except (TypeError, ValueError):
            return  # WeChat would never have delivered it
        with self._lock:
            if msg_type == "event":
                event = str(fields.get("Event") or "").lower()
                if event in ("subscribe_msg_popup_event", "subscribe_msg_change_event"):
                    box = fields.get("SubscribeMsgPopupEvent") or fields.get("SubscribeMsgChangeEvent") or {}
                    items = box.get("List", []) if isinstance(box, dict) else []
                    for item in items if isinstance(items, list) else [items]:
                        if isinstance(item, dict) and item.get("TemplateId"):
                            self.consent(openid, str(item["TemplateId"]), str(item.get("SubscribeStatusString") or ""))
                    return
                if event == "unsubscribe":
                    self.unsubscribe(openid)
                elif event in OPENING_EVENTS:
                    if event == "subscribe":
                        self.subscribe(openid)
                    self.touch(openid, at, scene="event")
                return
            self.touch(openid, at)
            media_id = fields.get("MediaId")
            if media_id:
                self._media[str(media_id)] = {"at": at, "openid": openid, "kind": msg_type}

    def consent(self, openid: str, template_id: str, status: str = "accept", long_term: bool = False) -> None:
        """The user tapped 允许 (accept) or turned the template off (reject)."""
        key = (openid, template_id)
        with self._lock:
            if status != "accept":
                self._consents.pop(key, None)
                self._long_consents.discard(key)
            elif long_term:
                self._long_consents.add(key)
            else:
                self._consents[key] = self._consents.get(key, 0) + 1

    def take_consent(self, openid: str, template_id: str) -> bool:
        key = (openid, template_id)
        with self._lock:
            if key in self._long_consents:
                return True
            if self._consents.get(key, 0) > 0:
                self._consents[key] -= 1
                return True
            return False

    def take_custom_slot(self, openid: str) -> int:
        """0 when a custom message may go to ``openid`` now (and count it), else the errcode."""
        if self.custom_window is None:
            return 0
        now = self.clock()
        with self._lock:
            windows = self._windows.get(openid, {})
            limits = {"message": (self.custom_window, self.custom_quota), "event": EVENT_WINDOW}
            open_but_full = False
            for scene in ("message", "event"):
                window = windows.get(scene)
                span, quota = limits[scene]
                if window is None or now - window[0] > span:
                    continue
                if window[1] < quota:
                    window[1] += 1
                    return 0
                open_but_full = True
            return 45047 if open_but_full else 45015

    def snapshot(self) -> dict[str, Any]:
        """Users, tags, mass jobs and pending faults, for debugging and ``/_fake/state``."""
        with self._lock:
            return copy.deepcopy(
                {
                    "token_fetches": self._token_fetches,
                    "last_seq": self._seq,
                    "users": self._users,
                    "windows": self._windows,
                    "menu": self._menu,
                    "conditional_menus": list(self._conditional.values()),
                    "tags": [
                        {"id": t.id, "name": t.name, "members": list(t.members)}
                        for t in self._tags.values()
                    ],
                    "mass_jobs": list(self._mass_jobs.values()),
                    "faults": [f.as_dict() for f in self._faults],
                }
            )

    # ----------------------------------------------------------------- server internals
    def take_fault(self, path: str, touser: Any) -> tuple[Fault | None, threading.Event]:
        """Consume one use of the first fault matching this call."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path, touser):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    self._fault_taken.notify_all()
                    return fault, self._wake
            return None, self._wake

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._calls.append(entry)

    def issue_token(self) -> dict[str, Any]:
        with self._lock:
            if self.token_daily_limit is not None and self._token_fetches >= self.token_daily_limit:
                raise ApiError(45009)
            now = time.time()
            for tok in self._tokens.values():
                if tok.superseded_at is None:
                    tok.superseded_at = now + self.old_token_grace
            token = secrets.token_urlsafe(102)  # real tokens are ~136 chars; reserve >= 512
            self._tokens[token] = _Token(expires_at=now + self.token_ttl)
            self._token_fetches += 1
            return {"access_token": token, "expires_in": self.token_ttl}

    def check_token(self, token: str | None) -> None:
        with self._lock:
            if not token:
                raise ApiError(41001)
            tok = self._tokens.get(token)
            now = time.time()
            if tok is None or tok.revoked:
                raise ApiError(40001)
            if tok.superseded_at is not None and now >= tok.superseded_at:
                raise ApiError(40001)
            if now >= tok.expires_at:
                raise ApiError(42001)

    def next_msg_id(self) -> int:
        with self._lock:
            self._next_msg_id += 1
            return self._next_msg_id

    def is_subscribed(self, openid: str) -> bool:
        with self._lock:
            user = self._users.get(openid)
            if user is None:
                return not self.strict_users
            return user.get("subscribe") == 1

    def require_openid(self, openid: Any) -> str:
        """40003 for a non-string/empty openid, or an unknown one under ``strict_users``."""
        if not isinstance(openid, str) or not openid:
            raise ApiError(40003)
        with self._lock:
            if self.strict_users and openid not in self._users:
                raise ApiError(40003)
        return openid

    def user_tag_ids(self, openid: str) -> list[int]:
        with self._lock:
            return [t.id for t in self._tags.values() if openid in t.members]

    def user_info(self, openid: str, lang: str = "zh_CN") -> dict[str, Any]:
        with self._lock:
            if not self.is_subscribed(openid):
                return {"subscribe": 0, "openid": openid}
            stored = self._users.get(openid, {})
            info: dict[str, Any] = {
                "subscribe": 1,
                "openid": openid,
                # WeChat stopped returning nickname/headimgurl in 2021; they come back empty.
                "nickname": "",
                "sex": 0,
                "language": lang,
                "city": "",
                "province": "",
                "country": "",
                "headimgurl": "",
                "subscribe_time": stored.get("subscribe_time", 1700000000),
                "remark": "",
                "groupid": 0,
                "subscribe_scene": "ADD_SCENE_QR_CODE",
                "qr_scene": 0,
                "qr_scene_str": "",
            }
            info.update(stored)
            info["tagid_list"] = self.user_tag_ids(openid)
            return info


# --------------------------------------------------------------------------- endpoints
@dataclass
class Ctx:
    """What a handler sees of one request, and what it adds to the call record."""

    state: FakeState
    method: str
    query: dict[str, str]
    body: Any
    req: Request
    record_extra: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[Ctx], dict[str, Any]]
ROUTES: dict[str, tuple[Handler, bool]] = {}  # path -> (handler, needs JSON body)


def endpoint(path: str, *, json_body: bool = False) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        ROUTES[path] = (fn, json_body)
        return fn

    return register


def _obj(value: Any) -> dict[str, Any]:
    """WeChat answers 47001 when a field that must be an object is something else."""
    if not isinstance(value, dict):
        raise ApiError(47001)
    return value


def _int(value: Any, errcode: int = 47001) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(errcode) from None


def _check_message_payload(body: dict[str, Any], msgtype: str) -> None:
    payload = body.get(msgtype)
    if msgtype == "text":
        content = _obj(payload).get("content")
        if not isinstance(content, str) or not content:
            raise ApiError(44004)
    elif msgtype == "news":
        articles = _obj(payload).get("articles")
        if not isinstance(articles, list) or not articles:
            raise ApiError(44003)
        if len(articles) > 1:  # custom "news" carries one article since 2018
            raise ApiError(45008)
    elif msgtype in {"image", "voice", "mpnews", "video"}:
        if not _obj(payload).get("media_id"):
            raise ApiError(40007)
    elif payload is None:
        raise ApiError(47001)


@endpoint("/cgi-bin/message/custom/send", json_body=True)
def _custom_send(ctx: Ctx) -> dict[str, Any]:
    body = _obj(ctx.body)
    openid = ctx.state.require_openid(body.get("touser"))
    msgtype = body.get("msgtype")
    if msgtype not in CUSTOM_MSGTYPES:
        raise ApiError(40008)
    _check_message_payload(body, msgtype)
    if not ctx.state.is_subscribed(openid):
        raise ApiError(43004)
    refused = ctx.state.take_custom_slot(openid)
    if refused:
        raise ApiError(refused)
    return error_body(0)


_TEMPLATE_RULES: dict[str, tuple[int, re.Pattern[str], str]] = {
    "thing": (20, re.compile(r".+"), "up to 20 characters"),
    "keyword": (20, re.compile(r".+"), "up to 20 characters"),
    "character_string": (32, re.compile(r"[\x21-\x7e]+"), "up to 32 letters, digits or symbols"),
    "number": (32, re.compile(r"[0-9]+(\.[0-9]+)?"), "up to 32 digits"),
    "phone_number": (17, re.compile(r"[0-9+\-() ]+"), "up to 17 digits or symbols"),
    "phrase": (5, re.compile(r"[\u4e00-\u9fff]+"), "up to 5 Chinese characters"),
    "time": (40, re.compile(
        r"(\d{4}年\d{1,2}月\d{1,2}日 ?)?\d{1,2}:\d{2}(~(\d{4}年\d{1,2}月\d{1,2}日 ?)?\d{1,2}:\d{2})?"
        r"|\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?"), "a 24-hour time like 2019年10月1日 15:01"),
    "date": (40, re.compile(r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|\d{4}-\d{2}-\d{2}"),
             "a date like 2019年10月1日"),
}


def template_violations(data: dict[str, Any]) -> list[str]:
    """What WeChat's 2023 template rules refuse or hide in one message's ``data``."""
    out = []
    for key, item in data.items():
        if key in ("first", "remark"):
            out.append(f"data.{key} is no longer shown (since 2023-05-04)")
            continue
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value:
            out.append(f"data.{key} has no value")
            continue
        if isinstance(item, dict) and "color" in item:
            out.append(f"data.{key}.color is no longer supported")
        if "\n" in value or "\r" in value:
            out.append(f"data.{key} holds a line break")
        m = re.fullmatch(r"([a-z_]+?)\d+", key)
        rule = _TEMPLATE_RULES.get(m.group(1)) if m else None
        if rule is None:
            out.append(f"data.{key} is not a keyword of a category template")
            continue
        limit, pattern, hint = rule
        if len(value) > limit or not pattern.fullmatch(value):
            out.append(f"data.{key} = {value!r} is not {hint}")
    return out


def _template_call(ctx: Ctx) -> tuple[dict[str, Any], str, dict[str, Any] | None]:
    """What template and subscribe messages both must pass: a known recipient and template (else
    40003, 40037) and data WeChat accepts. (body, openid, the 47003 answer naming each violation
    or None when it passes)."""
    body = _obj(ctx.body)
    openid = ctx.state.require_openid(body.get("touser"))
    template_id = body.get("template_id")
    templates = ctx.state.templates
    if not template_id or (templates is not None and template_id not in templates):
        raise ApiError(40037)
    violations = template_violations(_obj(body.get("data", {})))
    if violations:
        ctx.record_extra["violations"] = violations
        answer = error_body(47003)
        answer["errmsg"] = "argument invalid! " + "; ".join(violations) + answer["errmsg"][len("argument invalid!"):]
        return body, openid, answer
    return body, openid, None


@endpoint("/cgi-bin/message/template/send", json_body=True)
def _template_send(ctx: Ctx) -> dict[str, Any]:
    _, openid, refused = _template_call(ctx)
    if refused is not None:
        return refused
    if not ctx.state.is_subscribed(openid):
        raise ApiError(43004)
    return error_body(0, {"msgid": ctx.state.next_msg_id()})


@endpoint("/cgi-bin/message/subscribe/bizsend", json_body=True)
def _subscribe_send(ctx: Ctx) -> dict[str, Any]:
    body, openid, refused = _template_call(ctx)
    if refused is not None:
        return refused
    if not ctx.state.take_consent(openid, str(body.get("template_id"))):
        raise ApiError(43101)
    return error_body(0)


def _mass_submit(ctx: Ctx, body: dict[str, Any], recipients: list[str]) -> dict[str, Any]:
    msgtype = body.get("msgtype")
    if msgtype not in MASS_MSGTYPES:
        raise ApiError(40008)
    _check_message_payload(body, msgtype)
    state = ctx.state
    client_msg_id = body.get("clientmsgid")
    with state._lock:
        if client_msg_id is not None and str(client_msg_id) in state._client_msg_ids:
            raise ApiError(45065, {"msg_id": state._client_msg_ids[str(client_msg_id)]})
        msg_id = state.next_msg_id()
        if client_msg_id is not None:
            state._client_msg_ids[str(client_msg_id)] = msg_id
        state._mass_jobs[msg_id] = {
            "msg_id": msg_id, "msgtype": msgtype, "recipients": recipients,
            "status": "SEND_SUCCESS", "deleted": False,
        }  # fmt: skip
    ctx.record_extra["recipients"] = recipients
    extra: dict[str, Any] = {"msg_id": msg_id}
    if msgtype == "mpnews":  # WeChat returns msg_data_id only for mpnews
        extra["msg_data_id"] = msg_id + 2000000000
    answer = error_body(0, extra)
    answer["errmsg"] = "send job submission success"
    return answer


@endpoint("/cgi-bin/message/mass/sendall", json_body=True)
def _mass_sendall(ctx: Ctx) -> dict[str, Any]:
    body = _obj(ctx.body)
    flt = _obj(body.get("filter"))
    state = ctx.state
    with state._lock:
        if flt.get("is_to_all") is True:
            recipients = [o for o, u in state._users.items() if u.get("subscribe") == 1]
        else:
            # wechatpy 1.8.18 sends the pre-2016 "group_id"; WeChat documents "tag_id".
            raw = flt.get("tag_id", flt.get("group_id"))
            if raw is None:
                raise ApiError(47001)
            tag = state._tags.get(_int(raw, 45159))
            if tag is None:
                raise ApiError(45159)
            recipients = [o for o in tag.members if state.is_subscribed(o)]
    return _mass_submit(ctx, body, recipients)


@endpoint("/cgi-bin/message/mass/send", json_body=True)
def _mass_send(ctx: Ctx) -> dict[str, Any]:
    body = _obj(ctx.body)
    touser = body.get("touser")
    if not isinstance(touser, list) or not all(isinstance(o, str) for o in touser):
        raise ApiError(47001)
    if len(touser) < 2:
        raise ApiError(40130)
    if len(touser) > 10000:
        raise ApiError(40032)
    recipients = [o for o in dict.fromkeys(touser) if ctx.state.is_subscribed(o)]
    return _mass_submit(ctx, body, recipients)


def _mass_job(ctx: Ctx) -> tuple[int, dict[str, Any]]:
    """The mass-send job the body's msg_id names (47003 when there is none); call it holding the
    state's lock."""
    msg_id = _int(_obj(ctx.body).get("msg_id"), 47003)
    job = ctx.state._mass_jobs.get(msg_id)
    if job is None:
        raise ApiError(47003)
    return msg_id, job


@endpoint("/cgi-bin/message/mass/get", json_body=True)
def _mass_get(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        msg_id, job = _mass_job(ctx)
        return {"msg_id": msg_id, "msg_status": "DELETE" if job["deleted"] else job["status"]}


@endpoint("/cgi-bin/message/mass/delete", json_body=True)
def _mass_delete(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        _, job = _mass_job(ctx)
        job["deleted"] = True
    return error_body(0)


# ---- tags
def _tag_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApiError(45157)
    if len(value) > MAX_TAG_NAME:
        raise ApiError(45158)
    return value


def _get_tag(state: FakeState, raw: Any) -> _Tag:
    tag_id = _int(raw, 45159)
    if tag_id < FIRST_TAG_ID:
        raise ApiError(45058)  # system tags cannot be edited
    tag = state._tags.get(tag_id)
    if tag is None:
        raise ApiError(45159)
    return tag


@endpoint("/cgi-bin/tags/create", json_body=True)
def _tags_create(ctx: Ctx) -> dict[str, Any]:
    name = _tag_name(_obj(_obj(ctx.body).get("tag")).get("name"))
    state = ctx.state
    with state._lock:
        if any(t.name == name for t in state._tags.values()):
            raise ApiError(45157)
        if len(state._tags) >= MAX_TAGS:
            raise ApiError(45056)
        tag = _Tag(state._next_tag_id, name)
        state._next_tag_id += 1
        state._tags[tag.id] = tag
        return {"tag": {"id": tag.id, "name": tag.name}}


@endpoint("/cgi-bin/tags/get")
def _tags_get(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        return {
            "tags": [
                {"id": t.id, "name": t.name, "count": len(t.members)}
                for t in ctx.state._tags.values()
            ]
        }


@endpoint("/cgi-bin/tags/update", json_body=True)
def _tags_update(ctx: Ctx) -> dict[str, Any]:
    spec = _obj(_obj(ctx.body).get("tag"))
    with ctx.state._lock:
        tag = _get_tag(ctx.state, spec.get("id"))
        name = _tag_name(spec.get("name"))
        if any(t.name == name and t.id != tag.id for t in ctx.state._tags.values()):
            raise ApiError(45157)
        tag.name = name
    return error_body(0)


@endpoint("/cgi-bin/tags/delete", json_body=True)
def _tags_delete(ctx: Ctx) -> dict[str, Any]:
    spec = _obj(_obj(ctx.body).get("tag"))
    with ctx.state._lock:
        tag = _get_tag(ctx.state, spec.get("id"))
        del ctx.state._tags[tag.id]
    return error_body(0)


def _batch(ctx: Ctx) -> tuple[_Tag, list[str]]:
    body = _obj(ctx.body)
    openids = body.get("openid_list")
    if not isinstance(openids, list) or not openids or len(openids) > MAX_BATCH_TAGGING:
        raise ApiError(40032)
    checked = [ctx.state.require_openid(o) for o in openids]
    return _get_tag(ctx.state, body.get("tagid")), checked


@endpoint("/cgi-bin/tags/members/batchtagging", json_body=True)
def _batchtagging(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        tag, openids = _batch(ctx)
        for openid in openids:
            if (
                openid not in tag.members
                and len(ctx.state.user_tag_ids(openid)) >= MAX_TAGS_PER_USER
            ):
                raise ApiError(45059)
        for openid in openids:
            tag.members[openid] = None
    return error_body(0)


@endpoint("/cgi-bin/tags/members/batchuntagging", json_body=True)
def _batchuntagging(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        tag, openids = _batch(ctx)
        for openid in openids:
            tag.members.pop(openid, None)
    return error_body(0)


@endpoint("/cgi-bin/tags/getidlist", json_body=True)
def _tags_getidlist(ctx: Ctx) -> dict[str, Any]:
    openid = ctx.state.require_openid(_obj(ctx.body).get("openid"))
    return {"tagid_list": ctx.state.user_tag_ids(openid)}


def _page(openids: list[str], next_openid: Any) -> dict[str, Any]:
    """One page of an openid listing; like WeChat, an empty page has no ``data`` key."""
    start = 0
    if next_openid:
        start = openids.index(next_openid) + 1 if next_openid in openids else len(openids)
    page = openids[start : start + PAGE_SIZE]
    out: dict[str, Any] = {"count": len(page), "next_openid": page[-1] if page else ""}
    if page:
        out["data"] = {"openid": page}
    return out


@endpoint("/cgi-bin/user/tag/get", json_body=True)
def _user_tag_get(ctx: Ctx) -> dict[str, Any]:
    body = _obj(ctx.body)
    with ctx.state._lock:
        tag = ctx.state._tags.get(_int(body.get("tagid"), 45159))
        if tag is None:
            raise ApiError(45159)
        return _page(list(tag.members), body.get("next_openid"))


# ---- users
@endpoint("/cgi-bin/user/info")
def _user_info(ctx: Ctx) -> dict[str, Any]:
    openid = ctx.query.get("openid")
    if not openid:
        raise ApiError(41009)
    ctx.state.require_openid(openid)
    return ctx.state.user_info(openid, ctx.query.get("lang") or "zh_CN")


@endpoint("/cgi-bin/user/info/batchget", json_body=True)
def _user_batchget(ctx: Ctx) -> dict[str, Any]:
    user_list = _obj(ctx.body).get("user_list")
    if not isinstance(user_list, list) or not user_list or len(user_list) > 100:
        raise ApiError(47001)
    infos = []
    for item in user_list:
        openid = ctx.state.require_openid(_obj(item).get("openid"))
        infos.append(ctx.state.user_info(openid, item.get("lang") or "zh_CN"))
    return {"user_info_list": infos}


@endpoint("/cgi-bin/user/get")
def _user_get(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        followers = [o for o, u in ctx.state._users.items() if u.get("subscribe") == 1]
    out = _page(followers, ctx.query.get("next_openid"))
    return {"total": len(followers), **out}


# ---- media
@endpoint("/cgi-bin/media/upload")
def _media_upload(ctx: Ctx) -> dict[str, Any]:
    media_type = ctx.query.get("type")
    if media_type not in MEDIA_TYPES:
        raise ApiError(40004)
    upload = ctx.req.files.get("media")
    if upload is None:
        raise ApiError(41005)
    data = upload.read()
    ctx.record_extra["upload"] = {"filename": upload.filename, "size": len(data)}
    media_id = secrets.token_urlsafe(48)
    key = "thumb_media_id" if media_type == "thumb" else "media_id"
    return {"type": media_type, key: media_id, "created_at": int(time.time())}


def tiny_png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (70, 130, 180)) -> bytes:
    """A real, valid PNG image (what media/get hands back), built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@dataclass
class Raw:
    """A non-JSON answer (a downloaded file)."""

    data: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


@endpoint("/cgi-bin/media/get")
def _media_get(ctx: Ctx) -> Any:
    media_id = ctx.query.get("media_id") or ""
    with ctx.state._lock:
        media = ctx.state._media.get(media_id)
        now = ctx.state.clock()
    if media is None or now - media["at"] > MEDIA_LIFETIME:
        raise ApiError(40007)
    data = tiny_png()
    ctx.record_extra["download"] = {"media_id": media_id, "size": len(data)}
    return Raw(data, "image/png", {"Content-disposition": f'attachment; filename="{media_id[:32]}.png"'})


# ---- menus
def _named(button: Any, limit: int, errcode: int) -> dict[str, Any]:
    """The button, when its name is 1 to `limit` bytes of UTF-8; `errcode` otherwise."""
    b = _obj(button)
    name = b.get("name")
    if not isinstance(name, str) or not name or len(name.encode()) > limit:
        raise ApiError(errcode)
    return b


def _check_buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise ApiError(40016)
    for button in buttons:
        b = _named(button, 16, 40018)
        subs = b.get("sub_button")
        if subs:
            if not isinstance(subs, list) or len(subs) > 5:
                raise ApiError(40023)
            for sub in subs:
                _check_action(_named(sub, 60, 40025), sub=True)
        else:
            _check_action(b, sub=False)


def _check_action(b: dict[str, Any], sub: bool) -> None:
    kind = b.get("type")
    if kind not in BUTTON_TYPES:
        raise ApiError(40017)
    if kind == "click" or kind.startswith(("scancode", "pic_", "location")):
        key = b.get("key")
        if not isinstance(key, str) or not key or len(key.encode()) > 128:
            raise ApiError(40019)
    if kind == "view":
        url = b.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url.encode()) > 1024:
            raise ApiError(40027 if sub else 40066)


@endpoint("/cgi-bin/menu/create", json_body=True)
def _menu_create(ctx: Ctx) -> dict[str, Any]:
    buttons = _obj(ctx.body).get("button")
    _check_buttons(buttons)
    with ctx.state._lock:
        ctx.state._menu = {"button": copy.deepcopy(buttons)}
        ctx.state._conditional.clear()  # creating the default menu drops conditional ones
    return error_body(0)


@endpoint("/cgi-bin/menu/addconditional", json_body=True)
def _menu_addconditional(ctx: Ctx) -> dict[str, Any]:
    body = _obj(ctx.body)
    _check_buttons(body.get("button"))
    rule = body.get("matchrule")
    if not isinstance(rule, dict) or not any(v not in (None, "") for v in rule.values()):
        raise ApiError(65304)
    state = ctx.state
    with state._lock:
        if state._menu is None:
            raise ApiError(65303)
        if "tag_id" in rule and str(rule["tag_id"]) and _int(rule["tag_id"], 45159) not in state._tags:
            raise ApiError(45159)
        menu_id = state._next_menu_id
        state._next_menu_id += 1
        state._conditional[menu_id] = {"button": copy.deepcopy(body["button"]), "matchrule": rule, "menuid": menu_id}
    return {"menuid": str(menu_id)}


@endpoint("/cgi-bin/menu/delconditional", json_body=True)
def _menu_delconditional(ctx: Ctx) -> dict[str, Any]:
    menu_id = _int(_obj(ctx.body).get("menuid"), 46003)
    with ctx.state._lock:
        if ctx.state._conditional.pop(menu_id, None) is None:
            raise ApiError(46003)
    return error_body(0)


@endpoint("/cgi-bin/menu/get")
def _menu_get(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        if ctx.state._menu is None:
            raise ApiError(46003)
        out: dict[str, Any] = {"menu": copy.deepcopy(ctx.state._menu)}
        if ctx.state._conditional:
            out["conditionalmenu"] = copy.deepcopy(list(ctx.state._conditional.values()))
        return out


@endpoint("/cgi-bin/menu/delete")
def _menu_delete(ctx: Ctx) -> dict[str, Any]:
    with ctx.state._lock:
        ctx.state._menu = None
        ctx.state._conditional.clear()
    return error_body(0)


def _token(ctx: Ctx) -> dict[str, Any]:
    state, q = ctx.state, ctx.query
    if q.get("grant_type") != "client_credential":
        raise ApiError(40002)
    if not q.get("appid"):
        raise ApiError(41002)
    if not q.get("secret"):
        raise ApiError(41004)
    if state.appid is not None and q["appid"] != state.appid:
        raise ApiError(40013)
    if state.secret is not None and q["secret"] != state.secret:
        raise ApiError(40125)
    return state.issue_token()


# --------------------------------------------------------------------------- Flask app
def _json_response(obj: Any, status: int = 200) -> Response:
    # WeChat answers raw UTF-8 (not \u escapes) with this content type.
    return Response(
        json.dumps(obj, ensure_ascii=False),
        status=status,
        content_type="application/json; encoding=utf-8",
    )


def _parse_body(req: Request) -> tuple[Any, int | None, bool]:
    """(parsed body, errcode if unusable, whether non-ASCII arrived \\u-escaped).

    wechatpy posts JSON bytes without a Content-Type, so the body is parsed whatever the header.
    """
    if req.mimetype == "multipart/form-data":
        return {"form": req.form.to_dict(), "files": list(req.files)}, None, False
    raw = req.get_data(cache=True)
    if not raw:
        return None, 44002, False
    try:
        text = raw.decode("utf-8")
        body = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return raw.decode("utf-8", "replace"), 47001, False
    escaped = "\\u" in text and any(ord(ch) > 127 for ch in json.dumps(body, ensure_ascii=False))
    return body, None, escaped


def create_fake_app(
    state: FakeState | None = None, appid: str | None = None, secret: str | None = None
) -> Flask:
    """The fake as a WSGI app; ``appid``/``secret`` (if given) override those of ``state``."""
    state = state or FakeState()
    if appid is not None:
        state.appid = appid
    if secret is not None:
        state.secret = secret
    app = Flask("fake_wechat")
    app.config["fake_state"] = state

    # ---- control endpoints: no token, not recorded
    @app.get("/_fake/calls")
    def fake_calls() -> Response:
        since = request.args.get("since", "0")
        return _json_response(
            {
                "calls": state.calls(
                    path=request.args.get("path") or None,
                    touser=request.args.get("touser") or None,
                    since=int(since) if since.isdigit() else 0,
                )
            }
        )

    @app.get("/_fake/state")
    def fake_state() -> Response:
        return _json_response(state.snapshot())

    @app.post("/_fake/fail")
    def fake_fail() -> Response:
        spec = request.get_json(force=True, silent=True)
        if not isinstance(spec, dict) or not spec.get("path"):
            return _json_response({"ok": False, "error": "JSON object with 'path' needed"}, 400)
        allowed = {"errcode", "status", "delay", "times", "touser", "body"}
        unknown = set(spec) - allowed - {"path"}
        if unknown:
            return _json_response({"ok": False, "error": f"unknown fields {sorted(unknown)}"}, 400)
        try:
            state.fail(spec["path"], **{k: v for k, v in spec.items() if k in allowed})
        except (TypeError, ValueError) as exc:
            return _json_response({"ok": False, "error": str(exc)}, 400)
        return _json_response({"ok": True})

    @app.post("/_fake/expire-tokens")
    def fake_expire() -> Response:
        state.expire_tokens()
        return _json_response({"ok": True})

    @app.post("/_fake/revoke-tokens")
    def fake_revoke() -> Response:
        state.revoke_tokens()
        return _json_response({"ok": True})

    @app.post("/_fake/unsubscribe")
    def fake_unsubscribe() -> Response:
        spec = request.get_json(force=True, silent=True) or {}
        if not spec.get("openid"):
            return _json_response({"ok": False, "error": "'openid' needed"}, 400)
        state.unsubscribe(spec["openid"])
        return _json_response({"ok": True})

    @app.post("/_fake/subscribe")
    def fake_subscribe() -> Response:
        spec = dict(request.get_json(force=True, silent=True) or {})
        openid = spec.pop("openid", None)
        if not openid:
            return _json_response({"ok": False, "error": "'openid' needed"}, 400)
        state.subscribe(openid, **spec)
        return _json_response({"ok": True})

    @app.post("/_fake/inbound")
    def fake_inbound() -> Response:
        spec = request.get_json(force=True, silent=True)
        if not isinstance(spec, dict) or not spec.get("FromUserName"):
            return _json_response({"ok": False, "error": "the message's fields (FromUserName, MsgType …) needed"}, 400)
        state.inbound(spec)
        return _json_response({"ok": True})

    @app.post("/_fake/reset")
    def fake_reset() -> Response:
        state.reset()
        return _json_response({"ok": True})

    @app.route("/_fake/<path:rest>", methods=["GET", "POST"])
    def fake_unknown(rest: str) -> Response:
        return _json_response({"ok": False, "error": f"no control endpoint /_fake/{rest}"}, 404)

    # ---- the WeChat API itself
    @app.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    @app.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def api(rest: str) -> Response:
        return _handle(state, "/" + rest)

    return app


def _handle(state: FakeState, path: str) -> Response:
    query = request.args.to_dict()
    token = query.pop("access_token", None)
    recorded_query = dict(query)
    if path == TOKEN_PATH and "secret" in query:
        recorded_query["secret"] = "***"  # recorded calls get printed; keep the secret out
    route = ROUTES.get(path)
    body, body_error, escaped = (None, None, False)
    if request.method == "POST" or request.content_length:
        body, body_error, escaped = _parse_body(request)
    touser = body.get("touser") if isinstance(body, dict) else None
    entry: dict[str, Any] = {
        "time": time.time(),
        "method": request.method,
        "path": path,
        "query": recorded_query,
        "body": body,
        "touser": touser,
        "unicode_escaped": escaped,
        "fault": None,
    }

    def done(answer: Any, status: int = 200, as_json: bool = True) -> Response:
        if isinstance(answer, Raw):
            entry["status"] = status
            entry["response"] = {"content_type": answer.content_type, "size": len(answer.data)}
            entry["errcode"] = 0
            state.record(entry)
            return Response(answer.data, status=status, content_type=answer.content_type, headers=answer.headers)
        entry["status"] = status
        entry["response"] = answer
        entry["errcode"] = answer.get("errcode", 0) if isinstance(answer, dict) else None
        state.record(entry)
        if as_json:
            return _json_response(answer, status)
        return Response(str(answer), status=status, content_type="text/html; charset=utf-8")

    generation = state.generation
    fault, wake = state.take_fault(path, touser)
    if fault is not None:
        entry["fault"] = fault.as_dict()
        if fault.delay:
            wake.wait(fault.delay)
            if state.generation != generation:
                # Reset while it waited: its client gave up long ago, and recording it (or
                # sending the message) would put the previous test's call into the next one's.
                return Response("the fake was reset while this call waited", status=503,
                                content_type="text/plain; charset=utf-8")
        if fault.status is not None:
            answer = fault.body
            if answer is None:
                answer = f"<html><body><h1>{fault.status} Error</h1></body></html>"
            return done(answer, fault.status, as_json=isinstance(answer, dict | list))
        if fault.errcode is not None:
            answer = fault.body if isinstance(fault.body, dict) else error_body(fault.errcode)
            return done(answer)

    ctx = Ctx(state, request.method, query, body, request)
    try:
        if path == TOKEN_PATH:
            return done(_token(ctx))
        if route is None:
            return done(error_body(40066), 404)
        handler, json_body = route
        state.check_token(token)
        if json_body and body_error is not None:
            raise ApiError(body_error)
        if json_body and body is None:
            raise ApiError(44002)
        answer = handler(ctx)
    except ApiError as exc:
        return done(error_body(exc.errcode, exc.extra))
    entry.update(ctx.record_extra)
    return done(answer)


# --------------------------------------------------------------------------- servers
class _QuietRequestHandler(WSGIRequestHandler):
    """No per-request access log: embedded in tests or ``make run`` it would drown real output
    (use ``calls()`` / ``/_fake/calls`` to see traffic)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class FakeWeChat:
    """The fake served on a real port in a daemon thread, for tests and embedding.

    A real socket (rather than Flask's test client) is the point: wechatpy, requests' timeouts
    and connection handling all run exactly as they will against api.weixin.qq.com.
    """

    def __init__(
        self,
        state: FakeState | None = None,
        *,
        appid: str | None = None,
        secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.state = state or FakeState()
        self.app = create_fake_app(self.state, appid=appid, secret=secret)
        self.host = host
        self._requested_port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeWeChat is not started")
        return self._server.server_port

    @property
    def url(self) -> str:
        """The ``[wechat] api_base`` to point the product at."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeWeChat:
        if self._server is None:
            self._server = make_server(
                self.host,
                self._requested_port,
                self.app,
                threaded=True,
                request_handler=_QuietRequestHandler,
            )
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},  # so stop() returns in 50 ms, not 500
                name="fake-wechat",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.state.wake_sleepers()  # so the handler threads of scripted delays end now
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeWeChat:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- delegation to state, so tests can write fake.calls(...) / fake.fail(...)
    def calls(
        self, path: str | None = None, touser: str | None = None, since: int = 0
    ) -> list[dict[str, Any]]:
        return self.state.calls(path=path, touser=touser, since=since)

    def fail(self, path: str, **how: Any) -> None:
        """Script a failure: the keywords of `FakeState.fail` (errcode, status, delay, times, touser, body)."""
        self.state.fail(path, **how)

    def clear_failures(self) -> None:
        self.state.clear_failures()

    def expire_tokens(self) -> None:
        self.state.expire_tokens()

    def revoke_tokens(self) -> None:
        self.state.revoke_tokens()

    def subscribe(self, openid: str, **info: Any) -> None:
        self.state.subscribe(openid, **info)

    def unsubscribe(self, openid: str) -> None:
        self.state.unsubscribe(openid)

    def touch(self, openid: str, at: float | None = None) -> None:
        self.state.touch(openid, at)

    def inbound(self, fields: dict[str, Any]) -> None:
        self.state.inbound(fields)

    def reset(self) -> None:
        self.state.reset()

    @property
    def token_fetches(self) -> int:
        return self.state.token_fetches

    @property
    def last_seq(self) -> int:
        return self.state.last_seq


def run(host: str, port: int, appid: str | None, secret: str | None) -> None:
    """Serve the fake in the foreground until Ctrl-C (``wuye fake-wechat``)."""
    app = create_fake_app(FakeState(), appid=appid, secret=secret)
    server = make_server(host, port, app, threaded=True)
    base = f"http://{host}:{server.server_port}"
    print(
        f'fake WeChat API listening on {base} (set [wechat] api_base = "{base}"); '
        f"see calls: curl {base}/_fake/calls",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
