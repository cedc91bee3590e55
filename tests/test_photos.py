"""Photos kept: an image message is downloaded by MediaId through the outbox into [media] dir
before WeChat deletes it (3 days), listed by `wuye tickets show`, linked from the staff card."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import Session

from bot.cli import main
from storage.models import MediaFile, Outbox
from tests.community import Community

PNG = b"\x89PNG\r\n\x1a\n"


def show(town: Community, number: str) -> str:
    env = {"WUYE_DATABASE__URL": town.engine.url.render_as_string(hide_password=False),
           "WUYE_MEDIA__DIR": town.services.settings.media.dir}
    res = CliRunner().invoke(main, ["tickets", "show", number], env=env)
    assert res.exit_code == 0, res.output
    return res.output


def test_a_photo_sent_mid_form_is_downloaded_listed_and_linked_from_the_card(town: Community) -> None:
    town.services.settings.push.detail_url = "https://wuye.example.com/media/{photo}"
    town.say("o-wang", "厨房水龙头一直滴水")
    assert "照片已收到" in town.photo("o-wang", "http://mmbiz.qpic.cn/leak.jpg")
    number = town.confirm("o-wang")
    town.tick()

    (get,) = town.fake.calls(path="media/get")
    assert get["errcode"] == 0 and get["query"]["media_id"].startswith("m-")
    with Session(town.engine) as s:
        (kept,) = s.execute(select(MediaFile)).scalars()
    assert kept.status == "stored" and kept.pic_url == "http://mmbiz.qpic.cn/leak.jpg"
    stored = Path(town.services.settings.media.dir) / kept.path
    assert stored.read_bytes().startswith(PNG) and kept.size == stored.stat().st_size > 0

    listing = show(town, number)
    assert str(stored) in listing and "http://mmbiz.qpic.cn/leak.jpg" in listing

    (card,) = town.fake.calls(path="message/template/send", touser="o-zhang")
    assert card["body"]["url"] == f"https://wuye.example.com/media/{kept.name}"
    # The card's link leads to the photo on its ticket, where the console checks who asks
    # (tests/test_console.py signs people in): nobody unsigned sees it.
    res = town.client.get(f"/media/{kept.name}")
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/console/tickets/{number}/photos/{kept.name}")
    unsigned = town.client.get(res.headers["Location"])
    assert unsigned.status_code == 302 and "/console/signed-out" in unsigned.headers["Location"]
    assert town.client.get("/media/not-a-photo").status_code == 404


def test_a_photo_wechat_no_longer_has_is_marked_not_kept(town: Community) -> None:
    town.say("o-wang", "阳台窗户关不严")
    town.photo("o-wang", "http://mmbiz.qpic.cn/window.jpg")
    number = town.confirm("o-wang")
    town.clock.advance(days=3, hours=1)  # the worker was down longer than WeChat keeps media
    town.tick()
    (get,) = town.fake.calls(path="media/get")
    assert get["errcode"] == 40007
    with Session(town.engine) as s:
        (kept,) = s.execute(select(MediaFile)).scalars()
        fetch = s.execute(select(Outbox).where(Outbox.kind == "media_get")).scalar_one()
    assert kept.status == "failed" and "40007" in (kept.error or "")
    assert fetch.status == "sent"  # answered for good: not retried eight times
    assert "not kept: 40007" in show(town, number)


def test_staff_proof_photo_is_kept_too(town: Community) -> None:
    number = town.report("o-wang", "卫生间水管漏水")
    town.say("o-zhang", f"接单 {number}")
    town.say("o-zhang", f"完成 {number} 换了软管")
    town.photo("o-zhang", "http://mmbiz.qpic.cn/fixed.jpg")
    town.tick()
    listing = show(town, number)
    assert "http://mmbiz.qpic.cn/fixed.jpg" in listing and "bytes" in listing
