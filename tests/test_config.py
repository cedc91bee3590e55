"""Config: defaults, a TOML file, env overrides, and errors that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_embedded_defaults_are_valid_and_local() -> None:
    s = load_settings(environ={})
    assert s.database.url.startswith("sqlite:///var/")
    assert s.wechat.mode == "plain" and s.wechat.token
    assert s.source == "embedded defaults"


def test_example_config_is_valid_and_lists_every_key() -> None:
    example = ROOT / "config.example.toml"
    s = load_settings(example, environ={})
    text = example.read_text(encoding="utf-8")
    for section, model in s.model_dump().items():
        if not isinstance(model, dict):
            continue
        assert f"[{section}]" in text, section
        for key in model:
            assert f"{key} =" in text or f"# {key} =" in text, f"[{section}] {key} missing from config.example.toml"


def test_file_then_env_override(tmp_path: Path) -> None:
    cfg = tmp_path / "wuye.toml"
    cfg.write_text('[wechat]\ntoken = "from-file"\nappid = "wxfile"\n[worker]\npoll_seconds = 7\n', encoding="utf-8")
    s = load_settings(cfg, environ={"WUYE_WECHAT__TOKEN": "from-env", "WUYE_SERVER__PORT": "9000"})
    assert s.wechat.token == "from-env" and s.wechat.appid == "wxfile"
    assert s.worker.poll_seconds == 7 and s.server.port == 9000


def test_wuye_config_env_names_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[community]\nname = "绿城"\n', encoding="utf-8")
    assert load_settings(environ={"WUYE_CONFIG": str(cfg)}).community.name == "绿城"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WUYE_WECHAT__TOKEN": ""}, "config: [wechat] token is empty; set it or WUYE_WECHAT__TOKEN"),
        ({"WUYE_WECHAT__MODE": "safe"}, "WUYE_WECHAT__ENCODING_AES_KEY"),
        ({"WUYE_WECHAT__MODE": "secret"}, "[wechat] mode"),
        ({"WUYE_SERVER__PORT": "eighty"}, "WUYE_SERVER__PORT"),
        ({"WUYE_SERVER__PROT": "80"}, "[server] has no key 'prot'"),
        ({"WUYE_SURVEY__QUIET_HOURS": "9pm-8am"}, "[survey] quiet_hours"),
        ({"WUYE_COMMUNITY__TIMEZONE": "Asia/Beijing"}, "unknown time zone"),
        ({"WUYE_WECHAT__API_BASE": "api.weixin.qq.com"}, "[wechat] api_base"),
    ],
)
def test_errors_name_the_key_and_the_fix(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(environ=env)
    assert expected in str(err.value)
    assert "Traceback" not in str(err.value)


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[wechat\ntoken=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, environ={})


def test_empty_quiet_hours_turn_them_off() -> None:
    assert load_settings(environ={"WUYE_SURVEY__QUIET_HOURS": ""}).survey.quiet_hours == ""


def test_relative_sqlite_path_is_next_to_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    cfg = folder / "wuye.toml"
    cfg.write_text('[database]\nurl = "sqlite:///data/wuye.db"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_settings(cfg, environ={}).database.url == f"sqlite:///{folder / 'data' / 'wuye.db'}"
    cfg.write_text('[database]\nurl = "sqlite:////srv/wuye.db"\n', encoding="utf-8")
    assert load_settings(cfg, environ={}).database.url == "sqlite:////srv/wuye.db"


def test_only_the_given_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WUYE_SERVER__PORT", "9999")
    assert load_settings(environ={}).server.port == 8080
    assert load_settings().server.port == 9999


def test_a_table_value_can_come_from_the_environment_as_json() -> None:
    hours = '{"水电": 1, "门窗": 1, "电梯": 1, "公共照明": 1, "管道疏通": 1, "燃气": 1, "公共设施": 1, "其他": 1, "投诉": 1, "人工": 1}'
    assert load_settings(environ={"WUYE_TICKETS__RESOLUTION_HOURS": hours}).tickets.resolution_hours["水电"] == 1
