"""What a request handler needs, built once per process by the app factory or the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from wechatpy.crypto import WeChatCrypto

from bot.config import Settings
from bot.nlu import NluService
from storage.db import make_engine


@dataclass
class Services:
    settings: Settings
    engine: Engine
    nlu: NluService
    crypto: WeChatCrypto | None = field(default=None)

    @classmethod
    def build(cls, settings: Settings, engine: Engine | None = None, nlu: NluService | None = None) -> Services:
        """Expects a migrated database (`wuye db upgrade`, done by `wuye serve`)."""
        w = settings.wechat
        crypto = WeChatCrypto(w.token, w.encoding_aes_key, w.appid) if w.encoding_aes_key else None
        engine = engine or make_engine(settings.database.url, settings.database.echo)
        return cls(
            settings=settings,
            engine=engine,
            nlu=nlu or NluService.from_database(engine, settings),
            crypto=crypto,
        )
