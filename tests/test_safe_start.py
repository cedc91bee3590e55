"""`wuye serve` refuses to listen beyond loopback with development values, naming each key, and
warns about settings that would leave tickets undelivered."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli import main
from bot.config import load_settings
from bot.safe_start import refusals, warnings
from storage.models import Person

REAL = {
    "WUYE_WECHAT__TOKEN": "a-token-of-our-own",
    "WUYE_WECHAT__APPID": "wx1234567890abcdef",
    "WUYE_WECHAT__SECRET": "0123456789abcdef0123456789abcdef",
    "WUYE_COMMUNITY__HOTLINE": "0571-2345-6789",
    "WUYE_COMMUNITY__DUTY_PHONE": "139-1234-5678",
}


@pytest.mark.parametrize(
    ("unset", "value", "named"),
    [
        ("WUYE_WECHAT__TOKEN", None, "[wechat] token is the built-in development token"),
        ("WUYE_WECHAT__APPID", "", "[wechat] appid is empty"),
        ("WUYE_WECHAT__SECRET", "", "[wechat] secret is empty"),
        ("WUYE_WECHAT__APPID", None, "[wechat] appid is the development placeholder"),
        ("WUYE_COMMUNITY__HOTLINE", None, "[community] hotline is the example number"),
        ("WUYE_COMMUNITY__DUTY_PHONE", None, "[community] duty_phone is the example number"),
    ],
)
def test_serve_refuses_public_interface_with_each_development_value(
    unset: str, value: str | None, named: str, tmp_path: Path
) -> None:
    env = dict(REAL, WUYE_DATABASE__URL=f"sqlite:///{tmp_path / 'w.db'}")
    if value is None:
        del env[unset]
    else:
        env[unset] = value
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "0"], env=env)
    assert result.exit_code != 0
    assert named in result.output
    assert "WUYE_" in result.output  # says how to fix it
    assert not (tmp_path / "w.db").exists()  # refused before touching anything


def test_every_unsafe_value_is_named_at_once() -> None:
    problems = refusals(load_settings(environ={}), "0.0.0.0")
    assert len(problems) == 5  # token, appid, secret, hotline, duty phone
    assert refusals(load_settings(environ={}), "127.0.0.1") == []
    assert refusals(load_settings(environ={}), "::1") == []
    assert refusals(load_settings(environ=REAL), "0.0.0.0") == []


def test_warns_when_no_staff_and_no_staff_template(engine: Engine) -> None:
    settings = load_settings(environ=REAL)
    said = "\n".join(warnings(settings, engine))
    assert "no staff are registered" in said and "[push] staff_template_id is empty" in said
    with Session(engine) as s:
        s.add(Person(openid="o-staff", role="staff", name="张"))
        s.commit()
    settings.push.staff_template_id = "TPL"
    said = "\n".join(warnings(settings, engine))
    assert "no staff" not in said and "staff_template_id" not in said
