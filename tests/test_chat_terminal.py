"""`wuye chat`: multi-line messages, /photo with a file or a URL, and the demo's people listed
where `make run` says what to do next."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.cli.run import demo_people_lines
from wuye_dev.chat import fields_for, photo_fields, read_message
from wuye_dev.demo import DEMO_PEOPLE


def typed(*lines: str) -> Callable[[str], str]:
    it = iter(lines)

    def prompt(_: str) -> str:
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None

    return prompt


def test_a_line_ending_in_a_backslash_goes_on() -> None:
    assert read_message(typed("厨房水管漏水\\", "3栋2单元501")) == "厨房水管漏水\n3栋2单元501"


def test_a_quoted_block_is_one_message() -> None:
    prompt = typed('"""', "停水通知", "明天10:00至16:00停水", '"""', "next")
    assert read_message(prompt) == "停水通知\n明天10:00至16:00停水"
    assert read_message(prompt) == "next"
    assert read_message(prompt) is None


def test_photo_from_a_url_or_a_file(tmp_path: Path) -> None:
    by_url = photo_fields("o-1", " http://mmbiz.qpic.cn/leak.jpg")
    assert isinstance(by_url, dict) and by_url["MsgType"] == "image" and by_url["PicUrl"].endswith("leak.jpg")
    pic = tmp_path / "leak.jpg"
    pic.write_bytes(b"\xff\xd8\xff")
    by_file = photo_fields("o-1", str(pic))
    assert isinstance(by_file, dict) and by_file["PicUrl"] == pic.resolve().as_uri() and by_file["MediaId"]
    missing = photo_fields("o-1", str(tmp_path / "nope.jpg"))
    assert isinstance(missing, str) and "no such file" in missing


def test_commands_and_text() -> None:
    assert fields_for("o-1", "/quit") is None
    assert fields_for("o-1", "/sub")["Event"] == "subscribe"  # type: ignore[index]
    assert isinstance(fields_for("o-1", "/photo"), str)
    text = fields_for("o-1", "第一行\n第二行")
    assert isinstance(text, dict) and text["Content"] == "第一行\n第二行"


def test_run_lists_every_demo_openid() -> None:
    listing = demo_people_lines("阳光花园")
    for openid, _role, name, *_ in DEMO_PEOPLE:
        assert openid in listing and name in listing
    # each person's community by its name, the default one's from the config
    assert "阳光花园" in listing and "翠湖苑" in listing
