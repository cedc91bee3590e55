"""Nothing prints, logs or stores a secret: `wuye config`, the serve/worker start lines, logs."""

from __future__ import annotations

import logging

from click.testing import CliRunner

from bot.cli import main
from bot.redact import RedactingFilter, redact_text, redact_url

ENV = {
    "WUYE_DATABASE__URL": "postgresql://wuye:db-pass-XYZ@db.example:5432/wuye",
    "WUYE_REDIS__URL": "redis://:redis-pass-XYZ@cache:6379/0",
    "WUYE_WECHAT__SECRET": "appsecret-XYZ",
    "WUYE_WECHAT__TOKEN": "token-XYZ",
    "WUYE_WECHAT__MODE": "safe",
    "WUYE_WECHAT__ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}


def test_wuye_config_shows_no_secret_not_even_a_prefix() -> None:
    out = CliRunner().invoke(main, ["config"], env=ENV)
    assert out.exit_code == 0, out.output
    for secret in ("db-pass", "redis-pass", "appsecret", "token-XYZ", "abcdefghij", "app", "tok"):
        assert f"'{secret}" not in out.output and secret + "-XYZ" not in out.output
    assert "db.example" in out.output  # the rest of the URL still helps
    assert "secret = '***'" in out.output


def test_urls_and_free_text_lose_passwords_and_access_tokens() -> None:
    assert redact_url("postgresql://wuye:pw@h/db") == "postgresql://wuye:***@h/db"
    assert redact_url("sqlite:///var/wuye.db") == "sqlite:///var/wuye.db"
    line = "GET https://api.weixin.qq.com/cgi-bin/user/info?access_token=AbC123&openid=o1 failed; redis://:pw@r:6379"
    clean = redact_text(line)
    assert "AbC123" not in clean and ":pw@" not in clean and "openid=o1" in clean


def test_log_records_are_redacted_with_their_arguments() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "call %s failed", ("u?access_token=SeCrEt",), None)
    RedactingFilter().filter(record)
    assert "SeCrEt" not in record.getMessage()
