"""The fake WeChat API, driven by a real wechatpy client over a real socket.

These tests pin down two things at once: that the fake answers like WeChat (so product tests
built on it mean something), and how wechatpy 1.8.18 reacts to those answers (auto-retry on
dead tokens, 5xx as errcode None, timeouts not wrapped), which the product code relies on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException

from wuye_dev.fake_wechat import FakeState, FakeWeChat, create_fake_app

APPID = "wx_test_appid"
SECRET = "test_secret"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeWeChat]:
    with FakeWeChat(appid=APPID, secret=SECRET) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeWeChat) -> Iterator[FakeWeChat]:
    server.reset()
    server.state.custom_window = None  # the window rules have tests of their own
    yield server
    server.reset()
    server.state.strict_users = False
    server.state.custom_window = None


def make_client(
    fake: FakeWeChat, *, appid: str = APPID, secret: str = SECRET, **kwargs: Any
) -> WeChatClient:
    """A stock wechatpy client pointed at the fake, the way the product points it at api_base."""

    class FakeBackedClient(WeChatClient):
        API_BASE_URL = fake.url + "/cgi-bin/"

        def fetch_access_token(self) -> dict[str, Any]:
            return self._fetch_access_token(
                url=fake.url + "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
            )

    return FakeBackedClient(appid, secret, **kwargs)


def errcodes(calls: list[dict[str, Any]]) -> list[int | None]:
    return [c["errcode"] for c in calls]


# ------------------------------------------------------------------ token
def test_token_fetch_is_recorded_without_secret(fake: FakeWeChat) -> None:
    client = make_client(fake)
    token = client.access_token
    assert len(token) > 100
    assert fake.token_fetches == 1
    (call,) = fake.calls(path="/cgi-bin/token")
    assert call["query"] == {"grant_type": "client_credential", "appid": APPID, "secret": "***"}
    assert call["response"]["expires_in"] == 7200


@pytest.mark.parametrize(
    ("appid", "secret", "errcode"), [("wx_other", SECRET, 40013), (APPID, "bad", 40125)]
)
def test_token_fetch_with_wrong_credentials(
    fake: FakeWeChat, appid: str, secret: str, errcode: int
) -> None:
    with pytest.raises(WeChatClientException) as exc:
        _ = make_client(fake, appid=appid, secret=secret).access_token
    assert exc.value.errcode == errcode
    assert fake.token_fetches == 0


def test_api_token_checks_on_the_wire(fake: FakeWeChat) -> None:
    url = fake.url + "/cgi-bin/tags/get"
    assert requests.get(url, timeout=2).json()["errcode"] == 41001
    assert requests.get(url, params={"access_token": "nope"}, timeout=2).json()["errcode"] == 40001
    token = make_client(fake).access_token
    ok = requests.get(url, params={"access_token": token}, timeout=2)
    assert ok.status_code == 200
    assert ok.json() == {"tags": []}
    fake.expire_tokens()
    expired = requests.get(url, params={"access_token": token}, timeout=2)
    assert expired.status_code == 200  # WeChat reports errors in the body, not the status
    assert expired.json()["errcode"] == 42001
    assert errcodes(fake.calls(path="tags/get")) == [41001, 40001, 0, 42001]


def test_unknown_path_is_404_json_and_recorded(fake: FakeWeChat) -> None:
    res = requests.post(fake.url + "/cgi-bin/no/such/api", json={"a": 1}, timeout=2)
    assert res.status_code == 404
    assert res.json()["errcode"] == 40066
    (call,) = fake.calls(path="/cgi-bin/no/")
    assert call["body"] == {"a": 1}


# ------------------------------------------------------------------ messages
def test_custom_send_is_recorded_with_touser_and_content(fake: FakeWeChat) -> None:
    client = make_client(fake)
    res = client.message.send_text("o_resident_1", "您好，3栋2单元的报修已受理")
    assert res == {"errcode": 0, "errmsg": "ok"}
    (call,) = fake.calls(path="message/custom/send", touser="o_resident_1")
    assert call["method"] == "POST"
    assert call["body"]["msgtype"] == "text"
    assert call["body"]["text"]["content"] == "您好，3栋2单元的报修已受理"
    assert "access_token" not in call["query"]
    assert call["unicode_escaped"] is False  # wechatpy sends raw UTF-8
    assert fake.calls(touser="o_somebody_else") == []


def test_custom_send_validates_like_wechat(fake: FakeWeChat) -> None:
    client = make_client(fake)
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o1", "")
    assert exc.value.errcode == 44004
    with pytest.raises(WeChatClientException) as exc:
        client.post("message/custom/send", data={"touser": "o1", "msgtype": "sms"})
    assert exc.value.errcode == 40008


def test_escaped_unicode_is_flagged(fake: FakeWeChat) -> None:
    token = make_client(fake).access_token
    requests.post(
        fake.url + "/cgi-bin/message/custom/send",
        params={"access_token": token},
        json={"touser": "o1", "msgtype": "text", "text": {"content": "停水通知"}},
        timeout=2,
    )
    (call,) = fake.calls(path="message/custom/send")
    assert call["unicode_escaped"] is True
    assert call["body"]["text"]["content"] == "停水通知"


def test_template_send(fake: FakeWeChat) -> None:
    client = make_client(fake)
    data = {"thing1": {"value": "新工单"}, "keyword1": {"value": "3-2-501 水管漏水"}}
    res = client.message.send_template("o_staff_1", "TPL_REPAIR", data, url="https://x.test/t/1")
    assert res["errcode"] == 0
    assert isinstance(res["msgid"], int)
    (call,) = fake.calls(path="message/template/send", touser="o_staff_1")
    assert call["body"]["template_id"] == "TPL_REPAIR"
    assert call["body"]["data"] == data
    assert call["response"]["msgid"] == res["msgid"]


def test_unsubscribed_user_gets_43004(fake: FakeWeChat) -> None:
    client = make_client(fake)
    fake.subscribe("o_gone", remark="3-2-501")
    assert client.user.get("o_gone")["subscribe"] == 1
    fake.unsubscribe("o_gone")
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o_gone", "维修已完成")
    assert exc.value.errcode == 43004
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_template("o_gone", "TPL", {})
    assert exc.value.errcode == 43004
    assert client.user.get("o_gone") == {"subscribe": 0, "openid": "o_gone"}
    assert errcodes(fake.calls(touser="o_gone")) == [43004, 43004]


def test_strict_users_rejects_unknown_openid(fake: FakeWeChat) -> None:
    fake.state.strict_users = True
    with pytest.raises(WeChatClientException) as exc:
        make_client(fake).message.send_text("o_typo", "hi")
    assert exc.value.errcode == 40003


def test_custom_message_window(fake: FakeWeChat) -> None:
    """WeChat allows custom messages only within 48 h of the user's last message (45015)."""
    fake.state.custom_window = 48 * 3600
    client = make_client(fake)
    fake.touch("o_recent")
    fake.touch("o_stale", at=time.time() - 49 * 3600)
    assert client.message.send_text("o_recent", "您的工单已派单")["errcode"] == 0
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o_stale", "请评价本次服务")
    assert exc.value.errcode == 45015
    # Template messages are the way to reach such a user.
    assert client.message.send_template("o_stale", "TPL_SURVEY", {})["errcode"] == 0


# ------------------------------------------------------------------ tags and mass send
def test_tag_then_mass_send_by_tag(fake: FakeWeChat) -> None:
    client = make_client(fake)
    for openid in ("o_a", "o_b", "o_c"):
        fake.subscribe(openid)
    tag = client.tag.create("3栋")
    assert tag["id"] >= 100 and tag["name"] == "3栋"
    with pytest.raises(WeChatClientException) as exc:
        client.tag.create("3栋")
    assert exc.value.errcode == 45157
    client.tag.tag_user(tag["id"], ["o_a", "o_b", "o_c"])
    fake.unsubscribe("o_c")
    assert client.tag.get_user_tag("o_a") == [tag["id"]]
    assert client.tag.get_tag_users(tag["id"])["data"]["openid"] == ["o_a", "o_b"]
    assert client.tag.get() == [{"id": tag["id"], "name": "3栋", "count": 2}]

    notice = {
        "filter": {"is_to_all": False, "tag_id": tag["id"]},
        "msgtype": "text",
        "text": {"content": "明天9:00-12:00停水"},
        "clientmsgid": "notice-17",
    }
    res = client.post("message/mass/sendall", data=notice)
    assert res["errcode"] == 0 and res["errmsg"] == "send job submission success"
    assert "msg_data_id" not in res  # WeChat returns it for mpnews only
    (call,) = fake.calls(path="message/mass/sendall")
    assert call["recipients"] == ["o_a", "o_b"]
    assert client.message.get_mass(res["msg_id"])["msg_status"] == "SEND_SUCCESS"

    # A retry with the same clientmsgid is refused and names the job that already went out.
    with pytest.raises(WeChatClientException) as exc:
        client.post("message/mass/sendall", data=notice)
    assert exc.value.errcode == 45065
    assert exc.value.response.json()["msg_id"] == res["msg_id"]


def test_wechatpy_mass_send_uses_old_group_id_field(fake: FakeWeChat) -> None:
    client = make_client(fake)
    tag = client.tag.create("物业员工")
    client.tag.tag_user(tag["id"], "o_staff")
    client.message.send_mass_text(tag["id"], "例会改到周五")
    (call,) = fake.calls(path="message/mass/sendall")
    assert call["body"]["filter"] == {"group_id": tag["id"], "is_to_all": False}
    assert call["recipients"] == ["o_staff"]
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_mass_text(999, "no such tag")
    assert exc.value.errcode == 45159


def test_mass_send_to_openid_list_needs_two(fake: FakeWeChat) -> None:
    client = make_client(fake)
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_mass_text(["o_only"], "hi")
    assert exc.value.errcode == 40130
    res = client.message.send_mass_text(["o_1", "o_2"], "hi")
    assert res["errcode"] == 0
    assert [c["touser"] for c in fake.calls(path="message/mass/send")] == [
        ["o_only"],
        ["o_1", "o_2"],
    ]
    assert len(fake.calls(touser="o_2")) == 1


# ------------------------------------------------------------------ scripted failures
def test_scripted_500_then_success(fake: FakeWeChat) -> None:
    client = make_client(fake)
    fake.fail("message/custom/send", status=500)
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o1", "第一次")
    assert exc.value.errcode is None  # wechatpy turns HTTP errors into errcode None
    assert exc.value.response.status_code == 500
    assert client.message.send_text("o1", "第二次")["errcode"] == 0
    calls = fake.calls(path="message/custom/send")
    assert [c["status"] for c in calls] == [500, 200]
    assert calls[0]["fault"]["status"] == 500 and calls[1]["fault"] is None


def test_scripted_errcode_only_for_one_recipient(fake: FakeWeChat) -> None:
    client = make_client(fake)
    fake.fail("message/", errcode=45047, touser="o_chatty", times=2)
    assert client.message.send_text("o_quiet", "x")["errcode"] == 0
    for _ in range(2):
        with pytest.raises(WeChatClientException) as exc:
            client.message.send_text("o_chatty", "x")
        assert exc.value.errcode == 45047
    assert client.message.send_text("o_chatty", "x")["errcode"] == 0


def test_quota_errcode_raises_api_limited(fake: FakeWeChat) -> None:
    fake.fail("message/template/send", errcode=45009)
    with pytest.raises(APILimitedException) as exc:
        make_client(fake).message.send_template("o1", "TPL", {})
    assert exc.value.errcode == 45009


def test_expired_token_is_refetched_by_wechatpy(fake: FakeWeChat) -> None:
    client = make_client(fake)
    client.message.send_text("o1", "一")
    fake.expire_tokens()
    assert client.message.send_text("o1", "二")["errcode"] == 0
    assert fake.token_fetches == 2
    assert errcodes(fake.calls(path="message/custom/send")) == [0, 42001, 0]


def test_revoked_token_is_refetched_by_wechatpy(fake: FakeWeChat) -> None:
    client = make_client(fake)
    client.tag.get()
    fake.revoke_tokens()
    client.tag.get()
    assert fake.token_fetches == 2
    assert errcodes(fake.calls(path="tags/get")) == [0, 40001, 0]


def test_wechatpy_retries_40001_without_limit(fake: FakeWeChat) -> None:
    """wechatpy refetches and retries on every 40001: a stuck 40001 would loop until recursion."""
    fake.fail("message/custom/send", errcode=40001, times=3)
    assert make_client(fake).message.send_text("o1", "x")["errcode"] == 0
    assert fake.token_fetches == 4


def test_delay_trips_client_timeout(fake: FakeWeChat) -> None:
    client = make_client(fake, timeout=0.2)
    _ = client.access_token
    fake.fail("message/custom/send", delay=2.0)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.Timeout):  # not wrapped by wechatpy
        client.message.send_text("o1", "slow")
    assert time.monotonic() - started < 1.5
    fake.state.wake_sleepers()
    assert client.message.send_text("o1", "fast")["errcode"] == 0


def test_old_token_dies_after_grace_when_a_new_one_is_fetched() -> None:
    state = FakeState(old_token_grace=0)
    with FakeWeChat(state) as fake:
        first, second = make_client(fake), make_client(fake)
        first.tag.get()
        second.tag.get()  # fetches its own token, which kills the first one
        first.tag.get()  # ... so wechatpy sees 40001 and fetches again
        assert state.token_fetches == 3
        assert errcodes(fake.calls(path="tags/get")) == [0, 0, 40001, 0]


# ------------------------------------------------------------------ HTTP control endpoints
def test_http_control_endpoints(fake: FakeWeChat) -> None:
    client = make_client(fake)
    base = fake.url + "/_fake"
    ok = requests.post(
        base + "/fail",
        json={"path": "/cgi-bin/message/custom/send", "errcode": -1, "touser": "o1"},
        timeout=2,
    )
    assert ok.json() == {"ok": True}
    assert (
        requests.post(base + "/fail", json={"path": "x", "bogus": 1}, timeout=2).status_code == 400
    )
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o1", "忙")
    assert exc.value.errcode == -1

    calls = requests.get(base + "/calls", params={"touser": "o1"}, timeout=2).json()["calls"]
    assert [c["body"]["text"]["content"] for c in calls] == ["忙"]
    since = calls[-1]["seq"]

    requests.post(base + "/unsubscribe", json={"openid": "o1"}, timeout=2)
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o1", "还在吗")
    assert exc.value.errcode == 43004

    requests.post(base + "/expire-tokens", timeout=2)
    client.tag.get()
    assert fake.token_fetches == 2

    later = requests.get(base + "/calls", params={"since": since}, timeout=2).json()["calls"]
    assert [c["path"] for c in later] == [
        "/cgi-bin/message/custom/send",
        "/cgi-bin/tags/get",
        "/cgi-bin/token",
        "/cgi-bin/tags/get",
    ]
    assert not any(c["path"].startswith("/_fake") for c in fake.calls())

    requests.post(base + "/reset", timeout=2)
    assert requests.get(base + "/calls", timeout=2).json() == {"calls": []}
    assert fake.token_fetches == 0


def test_app_works_without_a_server() -> None:
    """create_fake_app is a plain Flask app: the test client sees the same behaviour."""
    app = create_fake_app(appid=APPID, secret=SECRET)
    http = app.test_client()
    token = http.get(
        "/cgi-bin/token",
        query_string={"grant_type": "client_credential", "appid": APPID, "secret": SECRET},
    ).get_json()["access_token"]
    res = http.post(
        "/cgi-bin/tags/create",
        query_string={"access_token": token},
        data='{"tag": {"name": "业主"}}'.encode(),  # raw UTF-8, no Content-Type: like wechatpy
    )
    assert res.get_json() == {"tag": {"id": 100, "name": "业主"}}
    empty = http.post("/cgi-bin/tags/create", query_string={"access_token": token})
    assert empty.get_json()["errcode"] == 44002
    listing = http.get("/cgi-bin/user/get", query_string={"access_token": token}).get_json()
    assert listing == {"total": 0, "count": 0, "next_openid": ""}  # no "data" when empty


def test_a_call_still_waiting_on_a_delay_at_reset_is_not_recorded_after_it(fake: FakeWeChat) -> None:
    """The next test must not see the previous one's slow calls (its client timed out long ago)."""
    token = make_client(fake).access_token
    fake.fail("message/custom/send", delay=60)
    answered: list[int] = []

    def slow() -> None:
        res = requests.post(f"{fake.url}/cgi-bin/message/custom/send", params={"access_token": token},
                            json={"touser": "o-slow", "msgtype": "text", "text": {"content": "before"}}, timeout=90)
        answered.append(res.status_code)

    waiting = threading.Thread(target=slow)
    waiting.start()
    assert fake.state.wait_faults_used(timeout=30)  # the call took its delay: it is sleeping now
    fake.reset()
    waiting.join(30)
    assert answered == [503]
    assert fake.calls() == []
