"""Keeping secrets out of what wuye prints, logs and stores.

Secrets: the appsecret, token and AES key, passwords inside database/Redis URLs, and WeChat
access tokens (which ride in `?access_token=` on every API URL, and so in error messages).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings

MASK = "***"
SECRET_KEYS = frozenset({"secret", "token", "encoding_aes_key", "secret_key"})
URL_KEYS = frozenset({"url"})
_TOKEN_IN_TEXT = re.compile(r"(access_token=)[^&\s'\"]+", re.IGNORECASE)
_PASSWORD_IN_URL = re.compile(r"([A-Za-z][\w+.-]*://[^:/@\s]*:)[^@\s]+(@)")


def redact_url(url: str) -> str:
    """The URL with its password masked (and the URL left alone when it has none)."""
    return _PASSWORD_IN_URL.sub(rf"\g<1>{MASK}\g<2>", url)


def redact_text(text: str) -> str:
    """Access tokens and URL passwords in free text (exception messages, log lines) masked."""
    return _PASSWORD_IN_URL.sub(rf"\g<1>{MASK}\g<2>", _TOKEN_IN_TEXT.sub(rf"\g<1>{MASK}", text))


def redact_settings(settings: Settings) -> dict[str, Any]:
    """The settings as `wuye config` shows them: set secrets as *** (not even a prefix)."""
    data = settings.model_dump()
    for values in data.values():
        if not isinstance(values, dict):
            continue
        for key, value in list(values.items()):
            if key in SECRET_KEYS and value:
                values[key] = MASK
            elif key in URL_KEYS and isinstance(value, str):
                values[key] = redact_url(value)
    return data


class RedactingFilter(logging.Filter):
    """Masks access tokens and URL passwords in every record (formatted with its args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_text(exc_text)
        return True


def install_log_filter() -> None:
    """On every handler of the root logger (filters on loggers don't see children's records)."""
    flt = RedactingFilter()
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
