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
    def build(cls, settings: Settings, engine: Engine | None = None) -> Services:
        w = settings.wechat
        crypto = WeChatCrypto(w.token, w.encoding_aes_key, w.appid) if w.encoding_aes_key else None
        return cls(
            settings=settings,
            engine=engine or make_engine(settings.database.url, settings.database.echo),
            nlu=NluService.from_settings(settings),
            crypto=crypto,
        )
