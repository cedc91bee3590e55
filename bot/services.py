"""What a request handler needs, built once per process by the app factory or the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from wechatpy.crypto import WeChatCrypto

from bot.config import ConfigError, Settings
from bot.dialogue.nlu import NluService
from storage.db import make_engine
from storage.migrate import current_revision, head_revision


@dataclass
class Services:
    settings: Settings
    engine: Engine
    nlu: NluService
    crypto: WeChatCrypto | None = field(default=None)
    # Shared state for several processes (seen nonces, rate limits); None: database / memory.
    redis: Any | None = field(default=None)
    # Per-openid message limits (bot.wechat.flood.FloodGate).
    flood: Any | None = field(default=None)

    @classmethod
    def build(cls, settings: Settings, engine: Engine | None = None, nlu: NluService | None = None) -> Services:
        """Expects a migrated database (`wuye db upgrade`, done by `wuye serve`)."""
        w = settings.wechat
        crypto = WeChatCrypto(w.token, w.encoding_aes_key, w.appid) if w.encoding_aes_key else None
        engine = engine or make_engine(settings.database.url, settings.database.echo)
        current, head = current_revision(engine), head_revision(engine)
        if current != head:
            # gunicorn workers don't migrate (several at once would race); say what to run.
            raise ConfigError(
                f"database {engine.url.render_as_string(hide_password=True)} is at schema revision "
                f"{current or 'none'}, this code needs {head}; run `wuye db upgrade` first"
            )
        _sync_default_community(engine, settings)
        return cls(
            settings=settings,
            engine=engine,
            nlu=nlu or NluService.from_database(engine, settings),
            crypto=crypto,
            redis=_redis(settings),
            flood=_flood(settings),
        )


def _sync_default_community(engine: Engine, settings: Settings) -> None:
    """The config's [community] is the default community: its row follows the config."""
    from storage import communities
    from storage.db import session_scope

    communities.forget()
    with session_scope(engine) as session:
        communities.sync_default(session, settings.community)


def _flood(settings: Settings) -> Any:
    from bot.wechat.flood import FloodGate

    return FloodGate(settings)


def _redis(settings: Settings) -> Any | None:
    if not settings.redis.url:
        return None
    import redis

    return redis.Redis.from_url(settings.redis.url, socket_timeout=1.0, socket_connect_timeout=1.0)
