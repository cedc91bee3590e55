"""The web console through Flask's test client: one-time sign-in links, roles checked on the
server, CSRF on every form, idle expiry, and ticket moves under the chat's rules. Fast; the
browser tests (test_console_browser.py) cover what a person sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from bot.cli import main
from bot.console import links
from storage.models import Outbox, Person
from tests.community import Community, install_clock, start_clock

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def town(app, wechat, services, fake, monkeypatch) -> Community:  # type: ignore[no-untyped-def]
    clock = start_clock()
    install_clock(monkeypatch, clock)
    monkeypatch.setattr("storage.clock.utcnow", clock)
    monkeypatch.setattr("bot.console.web.utcnow", clock)
    return Community(app, wechat, services, fake, clock)


def link_for(town: Community, openid: str) -> str:
    with Session(town.engine) as s:
        url = links.issue_for_openid(s, town.services.settings, openid, town.clock.now)
        s.commit()
    return url


def token_of(url: str) -> str:
    return url.split("token=", 1)[1]


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, html[:500]
    return m.group(1)


def sign_in(town: Community, openid: str, client=None):  # type: ignore[no-untyped-def]
    client = client or town.client.application.test_client()
    token = token_of(link_for(town, openid))
    page = client.get(f"/console/login?token={token}")
    assert page.status_code == 200, page.get_data(as_text=True)
    res = client.post("/console/login", data={"token": token, "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert res.status_code == 302 and res.headers["Location"].endswith("/console/"), res.get_data(as_text=True)
    return client


def post_form(client, path: str, page: str, **fields: str):  # type: ignore[no-untyped-def]
    html = client.get(page).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(html), **fields})


# ---------------------------------------------------------------- sign-in links


def test_cli_link_for_a_manager_signs_in_once(town: Community) -> None:
    env = {"WUYE_DATABASE__URL": town.engine.url.render_as_string(hide_password=False)}
    res = CliRunner().invoke(main, ["console", "link", "--as", "o-sun"], env=env)
    assert res.exit_code == 0, res.output
    url = res.stdout.strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:8080/console/login\?token=[\w-]{40,}", url), url
    client = town.client.application.test_client()
    token = token_of(url)
    page = client.get(f"/console/login?token={token}")
    assert "孙经理" in page.get_data(as_text=True) and "经理" in page.get_data(as_text=True)
    csrf = csrf_of(page.get_data(as_text=True))
    assert client.post("/console/login", data={"token": token, "csrf_token": csrf}).status_code == 302
    assert "工作台" in client.get("/console/").get_data(as_text=True)
    # The same link a second time, in another browser: refused.
    other = town.client.application.test_client()
    again = other.get(f"/console/login?token={token}")
    assert again.status_code == 403 and "已经用过" in again.get_data(as_text=True)


@pytest.mark.parametrize("openid, why", [("o-wang", "resident"), ("o-nobody", "not known")])
def test_cli_refuses_residents_and_unknown_openids(town: Community, openid: str, why: str) -> None:
    env = {"WUYE_DATABASE__URL": town.engine.url.render_as_string(hide_password=False)}
    res = CliRunner().invoke(main, ["console", "link", "--as", openid], env=env)
    assert res.exit_code != 0 and why in res.output and "token=" not in res.output


def test_a_link_older_than_ten_minutes_is_refused(town: Community) -> None:
    token = token_of(link_for(town, "o-zhao"))
    town.clock.advance(minutes=10, seconds=1)
    page = town.client.get(f"/console/login?token={token}")
    assert page.status_code == 403 and "过期" in page.get_data(as_text=True)


def test_a_link_for_someone_demoted_to_resident_no_longer_signs_in(town: Community) -> None:
    token = token_of(link_for(town, "o-zhang"))
    with Session(town.engine) as s:
        person = s.execute(select(Person).where(Person.openid == "o-zhang")).scalar_one()
        person.role = "resident"
        s.commit()
    page = town.client.get(f"/console/login?token={token}")
    assert page.status_code == 403 and "只有物业员工" in page.get_data(as_text=True)


def test_a_made_up_token_is_refused(town: Community) -> None:
    assert town.client.get("/console/login?token=abc").status_code == 403


# ---------------------------------------------------------------- session


def test_pages_need_a_session_and_say_how_to_get_one(town: Community) -> None:
    res = town.client.get("/console/tickets")
    assert res.status_code == 302 and "/console/signed-out" in res.headers["Location"]
    page = town.client.get(res.headers["Location"])
    assert page.status_code == 401 and "后台" in page.get_data(as_text=True)
    assert "wuye console link" in page.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_and_secure_only_over_https(town: Community) -> None:
    client = sign_in(town, "o-sun")
    cookie = client.get_cookie("wuye_console", path="/console")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    https = town.client.application.test_client()
    token = token_of(link_for(town, "o-sun"))
    page = https.get(f"/console/login?token={token}", base_url="https://wy.example.com")
    # Over HTTPS the form must also come from this site (Flask-WTF checks the Referer).
    res = https.post("/console/login", base_url="https://wy.example.com",
                     headers={"Referer": "https://wy.example.com/console/login"}, data={"token": token, "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert "Secure" in res.headers["Set-Cookie"] and "HttpOnly" in res.headers["Set-Cookie"]


def test_idle_session_expires_and_sign_out_ends_it(town: Community) -> None:
    client = sign_in(town, "o-sun")
    town.clock.advance(minutes=100)
    assert client.get("/console/").status_code == 200  # used within the idle time: still in
    town.clock.advance(minutes=121)
    res = client.get("/console/")
    assert res.status_code == 302
    assert "超时" in client.get(res.headers["Location"]).get_data(as_text=True)

    client = sign_in(town, "o-sun")
    assert post_form(client, "/console/logout", "/console/").status_code == 302
    assert client.get("/console/").status_code == 302


def test_secret_key_is_generated_once_into_var_and_reused(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    from bot.console.secret import secret_key

    path = tmp_path / "var" / "console_secret_key"
    first = secret_key(settings, path)
    assert len(first) >= 40 and path.read_text() == first and (path.stat().st_mode & 0o777) == 0o600
    assert secret_key(settings, path) == first
    settings.console.secret_key = "configured"
    assert secret_key(settings, path) == "configured"


# ---------------------------------------------------------------- CSRF and roles


def test_post_without_csrf_token_is_400_and_changes_nothing(town: Community) -> None:
    number = town_ticket(town)
    client = sign_in(town, "o-zhang")
    res = client.post(f"/console/tickets/{number}/accept", data={})
    assert res.status_code == 400
    assert town.ticket(number).status == "open"
    # The sign-in form too: a token posted without CSRF is not spent.
    token = token_of(link_for(town, "o-zhao"))
    fresh = town.client.application.test_client()
    assert fresh.post("/console/login", data={"token": token}).status_code == 400
    assert fresh.get(f"/console/login?token={token}").status_code == 200


def town_ticket(town: Community) -> str:
    town.say("o-wang", "厨房水龙头一直滴水，关不紧")
    reply = town.say("o-wang", "确认")
    m = re.search(r"BX\d{10}", reply)
    assert m, reply
    return m.group(0)


def test_staff_who_is_not_the_assignee_cannot_move_the_ticket(town: Community) -> None:
    number = town_ticket(town)  # routed to 张建国 (水电)
    liu = sign_in(town, "o-liu")
    page = liu.get(f"/console/tickets/{number}").get_data(as_text=True)
    assert "没有你可以做的操作" in page
    res = post_form(liu, f"/console/tickets/{number}/accept", f"/console/tickets/{number}")
    assert res.status_code == 403 and town.ticket(number).status == "open"


def test_assignee_accepts_and_finishes_with_note_through_the_chat_flow(town: Community) -> None:
    number = town_ticket(town)
    town.pushes("o-wang")
    zhang = sign_in(town, "o-zhang")
    page = f"/console/tickets/{number}"
    assert post_form(zhang, f"{page}/accept", page).status_code == 302
    assert "已接单" in zhang.get(page).get_data(as_text=True)
    (accepted,) = town.pushes("o-wang")
    assert "张建国" in accepted
    post_form(zhang, f"{page}/done", page, note="换了阀芯")
    t = town.ticket(number)
    assert t.status == "done"
    html = zhang.get(page).get_data(as_text=True)
    assert "换了阀芯" in html and "完成" in html
    # Done already: accepting again is refused with the state, not applied.
    res = post_form(zhang, f"{page}/accept", page)
    assert res.status_code == 302 and town.ticket(number).status == "done"


def test_supervisor_transfers_and_the_new_assignee_is_pushed(town: Community) -> None:
    number = town_ticket(town)
    town.pushes("o-liu")
    zhao = sign_in(town, "o-zhao")
    with Session(town.engine) as s:
        liu = s.execute(select(Person).where(Person.openid == "o-liu")).scalar_one()
    page = f"/console/tickets/{number}"
    assert post_form(zhao, f"{page}/transfer", page, to=str(liu.id)).status_code == 302
    assert town.ticket(number).assignee_id == liu.id
    (push,) = town.pushes("o-liu")
    assert number in push and "赵主管" in push


def test_ticket_list_filters_and_searches_by_number_phone_and_room(town: Community) -> None:
    number = town_ticket(town)
    town.say("o-li", "5栋1单元302 客厅灯不亮了 13800002222")
    other = re.search(r"BX\d{10}", town.say("o-li", "确认"))
    assert other
    client = sign_in(town, "o-zhao")

    def listed(**args: str) -> set[str]:
        html = client.get("/console/tickets", query_string=args).get_data(as_text=True)
        return set(re.findall(r">(BX\d{10})<", html))

    assert listed() == {number, other.group(0)}
    assert listed(q=number) == {number}
    assert listed(q="13800002222") == {other.group(0)}
    assert listed(q="501") == {number}
    assert listed(building="5") == {other.group(0)}
    assert listed(category="水电") == {number, other.group(0)}
    assert listed(category="电梯") == set()
    assert listed(status="done") == set()
    assert listed(assignee="none") == set()


def test_list_pages_fifty_at_a_time(town: Community) -> None:
    from storage import tickets as store
    from storage.models import Ticket

    with Session(town.engine) as s:
        for i in range(55):
            s.add(Ticket(number=f"BX26112300{i:02d}", kind="repair", description=f"第{i}单",
                         created_at=town.clock.now - timedelta(minutes=i)))
        s.commit()
        assert store.by_number(s, "BX2611230054") is not None
    client = sign_in(town, "o-sun")
    first = client.get("/console/tickets").get_data(as_text=True)
    second = client.get("/console/tickets?page=2").get_data(as_text=True)
    assert first.count("第") and "第 1 / 2 页" in first and "BX2611230000" in first
    assert "BX2611230054" in second and "BX2611230000" not in second


def test_pushes_for_console_moves_go_through_the_outbox(town: Community) -> None:
    number = town_ticket(town)
    zhang = sign_in(town, "o-zhang")
    with Session(town.engine) as s:
        before = s.execute(select(func.count()).select_from(Outbox)).scalar_one()
    post_form(zhang, f"/console/tickets/{number}/accept", f"/console/tickets/{number}")
    with Session(town.engine) as s:
        assert s.execute(select(func.count()).select_from(Outbox)).scalar_one() > before
