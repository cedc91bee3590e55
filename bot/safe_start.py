"""What `wuye serve` checks before it listens: settings that are fine on a laptop but unsafe, or
useless, once WeChat (and therefore anyone) can reach the server."""

from __future__ import annotations

import ipaddress

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import CommunityConfig, Settings, WeChatConfig
from storage.models import Person

_DEV_WECHAT = WeChatConfig()
_DEV_COMMUNITY = CommunityConfig()


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def refusals(settings: Settings, host: str) -> list[str]:
    """Every reason not to listen on `host`; empty when it is loopback or the settings are real."""
    if is_loopback(host):
        return []
    w, c = settings.wechat, settings.community
    out = []
    if w.token == _DEV_WECHAT.token:
        out.append("config: [wechat] token is the built-in development token; anyone could sign "
                   "requests as WeChat. Choose your own (type the same into the WeChat console) "
                   "or set WUYE_WECHAT__TOKEN")
    for key, value, default in (("appid", w.appid, _DEV_WECHAT.appid), ("secret", w.secret, _DEV_WECHAT.secret)):
        if not value.strip() or value == default:
            state = "is empty" if not value.strip() else "is the development placeholder"
            out.append(f"config: [wechat] {key} {state}; copy it from the WeChat console "
                       f"(基本配置, or the 测试号 page) or set WUYE_WECHAT__{key.upper()}")
    for key, value, default in (("hotline", c.hotline, _DEV_COMMUNITY.hotline),
                                ("duty_phone", c.duty_phone, _DEV_COMMUNITY.duty_phone)):
        if not value.strip() or value == default:
            out.append(f"config: [community] {key} is the example number {default}; emergency and "
                       f"help replies hand it to residents. Set your own or WUYE_COMMUNITY__{key.upper()}")
    return out


def warnings(settings: Settings, engine: Engine) -> list[str]:
    """Things that let the server start but leave work undone."""
    out = []
    with Session(engine) as session:
        staff = session.execute(
            select(func.count()).select_from(Person).where(Person.role != "resident", Person.active.is_(True))
        ).scalar_one()
    if not staff:
        out.append("warning: no staff are registered, so tickets go to nobody; add them with "
                   "`wuye staff add --openid O --name N --role staff|supervisor|manager`")
    if not settings.push.staff_template_id:
        out.append("warning: [push] staff_template_id is empty, so staff cards go as customer-service "
                   "texts, which WeChat refuses to anyone who has not written in the last 48 hours; "
                   "set it (or WUYE_PUSH__STAFF_TEMPLATE_ID)")
    if not settings.push.resident_template_id:
        out.append("warning: [push] resident_template_id is empty, so progress and survey pushes to "
                   "residents silent for 48 hours (or past 5 pushes) become dead letters; set it "
                   "(or WUYE_PUSH__RESIDENT_TEMPLATE_ID)")
    return out
