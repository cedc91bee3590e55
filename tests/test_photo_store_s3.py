"""Photos kept in an S3-compatible bucket (`[media] store = "s3"`): downloaded by MediaId into
the bucket, listed as s3://bucket/key by `wuye tickets show`, shown in the console from the bucket.
The bucket is moto's S3 server on loopback, spoken to over HTTP with boto3 as a real MinIO or
OSS would be; credentials come from the environment, never from wuye's config."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import Session

from bot.cli import main
from storage.models import MediaFile
from tests.community import Community
from tests.test_console import sign_in

boto3 = pytest.importorskip("boto3", reason="the s3 extra is not installed: pip install -e '.[test]'")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed: pip install -e '.[test]'")

BUCKET = "wuye-photos"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def test_a_photo_is_kept_in_the_bucket_listed_and_shown_in_the_console(
    town: Community, s3: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    media = town.services.settings.media
    media.s3_bucket, media.s3_endpoint, media.s3_prefix = BUCKET, s3, "test/media/"
    media.store = "s3"
    town.say("o-wang", "厨房水龙头一直滴水")
    town.photo("o-wang", "http://mmbiz.qpic.cn/tap.jpg")
    number = town.confirm("o-wang")
    town.tick()
    with Session(town.engine) as s:
        kept = s.execute(select(MediaFile)).scalar_one()
    assert kept.status == "stored" and kept.path.startswith(f"s3://{BUCKET}/test/media/")
    key = kept.path.split("/", 3)[3]
    obj = boto3.client("s3", endpoint_url=s3).get_object(Bucket=BUCKET, Key=key)
    body = obj["Body"].read()
    assert body.startswith(PNG) and len(body) == kept.size and obj["ContentType"] == "image/png"

    env = {"WUYE_DATABASE__URL": town.engine.url.render_as_string(hide_password=False),
           "WUYE_MEDIA__STORE": "s3", "WUYE_MEDIA__S3_BUCKET": BUCKET, "WUYE_MEDIA__S3_ENDPOINT": s3}
    listing = CliRunner().invoke(main, ["tickets", "show", number], env=env)
    assert listing.exit_code == 0 and kept.path in listing.output, listing.output

    monkeypatch.setattr("bot.console.web.utcnow", town.clock)
    res = sign_in(town, "o-zhang").get(f"/console/tickets/{number}/photos/{kept.name}")
    assert res.status_code == 200 and res.data == body and res.mimetype == "image/png"


def test_s3_without_a_bucket_stops_the_start_naming_the_key() -> None:
    from bot.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=r"\[media\] s3_bucket is empty"):
        load_settings(environ={"WUYE_MEDIA__STORE": "s3"})
