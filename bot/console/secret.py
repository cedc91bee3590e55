"""The key that signs console session cookies: `[console] secret_key`, or one generated once
and kept in var/ next to the default database (readable by its owner only). Never logged."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.config import Settings

KEY_FILE = Path("var") / "console_secret_key"


def secret_key(settings: Settings, path: Path = KEY_FILE) -> str:
    if settings.console.secret_key:
        return settings.console.secret_key
    try:
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: when two workers start at once, both end up with
    # whichever key was linked first, never a half-written file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="utf-8").strip()
