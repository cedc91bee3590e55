"""Shared fixtures: a real SQLite file (and PostgreSQL when it answers), the fake WeChat API,
and a WeChat "server" that signs and encrypts requests with wechatpy's crypto."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (every table, for the truncate list)
from bot.config import Settings, load_settings
from bot.dialogue.nlu import NluService
from bot.domains import install_all
from bot.services import Services
from storage.db import make_engine
from storage.migrate import current_revision, head_revision, upgrade
from tests.community import Community, install_clock, start_clock
from wuye_dev import wire
from wuye_dev.fake_wechat import FakeWeChat

# Tencent's published EncodingAESKey / appid (DESIGN.md), so that safe mode is tested with real keys.
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wxb11529c136998cb6"
TOKEN = "test-token"
SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_ADMIN_URL = os.environ.get("WUYE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("WUYE_TEST_REDIS", "redis://127.0.0.1:6379/15")


def pytest_sessionstart(session: pytest.Session) -> None:
    """pytest-xdist's controller, before its workers start: fill the embedding disk cache once.
    Otherwise, on a machine that never ran wuye, every worker and every server a test starts
    would embed the same FAQ at the same time (~25 s of CPU each)."""
    config = session.config
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return
    understander = NluService.from_settings(load_settings(environ={})).understander()
    understander.faq_index.ensure_vectors()
    if understander.example_index is not None:
        understander.example_index.ensure_vectors()


@pytest.fixture(scope="session", autouse=True)
def _domains_installed() -> None:
    """Tests call the job runner and delivery directly, as the worker would after installing."""
    install_all()


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return True
    except Exception:
        return False


PG_AVAILABLE = _pg_available()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A database of our own on the local PostgreSQL, dropped at the end of the run."""
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 does not answer")
    name = f"wuye_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    admin.dispose()
    # DROP DATABASE waits for a checkpoint (10-20 s on a busy machine): it finishes after the run,
    # in a process of its own, instead of holding the test run's end.
    subprocess.Popen(
        [sys.executable, "-c", _DROP_DATABASE, PG_ADMIN_URL, name],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


_DROP_DATABASE = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.execute(text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)'))
"""


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test starts from a copy, so the migrations run once."""
    path = tmp_path_factory.mktemp("template") / "wuye.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    with eng.connect() as conn:  # everything into the main file: the copy takes only that
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


# Children before parents, so that plain DELETEs never trip a foreign key.
_EMPTY_TABLES = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(SQLModel.metadata.sorted_tables))
_RESTART_IDS = (
    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname = 'public'"
)


def _clean_postgres(url: str) -> None:
    """Empty every table of a database at head (ids from 1 again); rebuild a schema left elsewhere
    (e.g. by a migration test that failed half way). DELETE, not TRUNCATE: on tables this small
    TRUNCATE's new files cost PostgreSQL 0.2-0.5 s a test, DELETE a few milliseconds."""
    eng = make_engine(url)
    try:
        if current_revision(eng) == head_revision(eng):
            with eng.begin() as conn:
                conn.execute(text(_EMPTY_TABLES))
                conn.execute(text(_RESTART_IDS))
            return
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(eng)
    finally:
        eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on a fresh, migrated SQLite file and, when it answers, on an emptied
    PostgreSQL database at head."""
    if request.param == "sqlite":
        path = tmp_path / "wuye.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_server_url")
    _clean_postgres(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def fake_session() -> Iterator[FakeWeChat]:
    fake = FakeWeChat(appid=APPID, secret="test-secret")
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(fake_session: FakeWeChat) -> FakeWeChat:
    fake_session.reset()
    fake_session.state.clock = time.time  # a test with a simulated clock may have set its own
    return fake_session


@pytest.fixture(scope="session")
def nlu() -> NluService:
    # Index building is the slow part; one per test run.
    return NluService.from_settings(load_settings(environ={}))


def make_settings(db_url: str, api_base: str, mode: str = "plain", **overrides: str) -> Settings:
    env = {
        "WUYE_DATABASE__URL": db_url,
        "WUYE_WECHAT__API_BASE": api_base,
        "WUYE_WECHAT__APPID": APPID,
        "WUYE_WECHAT__SECRET": "test-secret",
        "WUYE_WECHAT__TOKEN": TOKEN,
        "WUYE_WECHAT__MODE": mode,
        "WUYE_WECHAT__ENCODING_AES_KEY": AES_KEY if mode != "plain" else "",
        "WUYE_WECHAT__TIMEOUT_SECONDS": "1",
        "WUYE_WORKER__BACKOFF_BASE_SECONDS": "1",
        # Tests check answers, not speed: on a busy CI box a handler may take longer than WeChat's
        # 5 s, and a scripted conversation types faster than any person (their own tests set both).
        "WUYE_SERVER__REPLY_BUDGET_SECONDS": "60",
        "WUYE_LIMITS__MESSAGES_PER_MINUTE": "1000",
        # As a real account is set up: staff cards and out-of-window pushes go by template.
        "WUYE_PUSH__STAFF_TEMPLATE_ID": "TPL-STAFF-CARD",
        "WUYE_PUSH__RESIDENT_TEMPLATE_ID": "TPL-RESIDENT",
    }
    env |= {f"WUYE_{k.upper()}": v for k, v in overrides.items()}
    return load_settings(environ=env)


@pytest.fixture(params=["plain"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(engine: Engine, fake: FakeWeChat, mode: str, tmp_path: Path) -> Settings:
    return make_settings(engine.url.render_as_string(hide_password=False), fake.url, mode,
                         media__dir=str(tmp_path / "media"))


@pytest.fixture
def services(settings: Settings, engine: Engine, nlu: NluService) -> Services:
    return Services.build(settings, engine, nlu=nlu)


@pytest.fixture
def app(services: Services):  # type: ignore[no-untyped-def]
    from bot.app import create_app

    return create_app(services=services)


@pytest.fixture
def wechat(settings: Settings, fake: FakeWeChat) -> wire.WeChatServer:
    w = settings.wechat
    return wire.WeChatServer(w.token, w.appid, w.encoding_aes_key, w.mode, observer=fake.inbound)


class Phone:
    """Sends what WeChat would send for one account and reads the reply back."""

    def __init__(self, client, wechat: wire.WeChatServer) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.wechat = wechat

    def post(self, fields: dict, **build_kw):  # type: ignore[no-untyped-def]
        req = self.wechat.build(fields, **build_kw)
        return self.client.post("/wechat", query_string=req.params, data=req.body)

    def say(self, openid: str, content: str) -> str | None:
        res = self.post(wire.text(openid, content))
        assert res.status_code == 200, res.get_data(as_text=True)
        reply = self.wechat.read_reply(res.get_data())
        return None if reply is None else reply.get("Content")


@pytest.fixture
def phone(app, wechat: wire.WeChatServer) -> Phone:  # type: ignore[no-untyped-def]
    return Phone(app.test_client(), wechat)


@pytest.fixture
def town(app, wechat: wire.WeChatServer, services: Services, fake: FakeWeChat,  # type: ignore[no-untyped-def]
         monkeypatch: pytest.MonkeyPatch) -> Community:
    """The test community (tests/community.py) on a clock the test moves: staff, residents, houses."""
    clock = start_clock()
    install_clock(monkeypatch, clock)
    # The CLI reads the time when it runs: give it the test's clock too.
    monkeypatch.setattr("storage.clock.utcnow", clock)
    return Community(app, wechat, services, fake, clock)
