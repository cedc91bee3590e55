"""The process-wide understander, built from the FAQ in the database and rebuilt when it changes.

Building the index takes a fraction of a second, so it happens at start-up and, after an FAQ
import, a label or a `wuye nlu retrain`, in a background thread; requests keep using the
previous index until the new one is ready. The newest retrained model (storage/nlu_review.py)
is read with the FAQ: a running service picks it up within RECHECK_SECONDS, no restart.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.config import Settings
from intents.faq import FaqEntry, default_faq
from intents.model import Context, Intent
from storage import faq as faq_store
from storage import nlu_review

if TYPE_CHECKING:
    from intents import Understander
    from intents.company import CompanyModel

log = logging.getLogger("wuye.nlu")
RECHECK_SECONDS = 30.0


def configured_faq(settings: Settings) -> tuple[list[FaqEntry], str]:
    path = settings.nlu.faq_file
    if path:
        from storage.faq_import import read_faq_file

        return read_faq_file(path), path
    return default_faq(), "default_faq.toml"


class NluService:
    def __init__(self, entries: list[FaqEntry], engine: Engine | None = None) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._entries = entries
        self._index = {e.id: e for e in entries}
        self._understander: Understander | None = None
        self._revision: Any = None
        self._checked_at = time.monotonic()
        self._rebuilding = False
        self._model: CompanyModel | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> NluService:
        """From the configured FAQ file, no database (`wuye nlu`, tests)."""
        return cls(configured_faq(settings)[0])

    @classmethod
    def from_database(cls, engine: Engine, settings: Settings) -> NluService:
        """Seeds the FAQ table at first start, then answers from what is stored."""
        with Session(engine) as session:
            entries, source = configured_faq(settings) if faq_store.revision(session)[0] == 0 else ([], "")
            if entries:
                try:
                    added = faq_store.seed_if_empty(session, entries, source)
                    session.commit()
                    log.info("FAQ seeded with %d entries from %s", added, source)
                except IntegrityError:  # another process seeded it at the same moment
                    session.rollback()
            service = cls(faq_store.load_entries(session), engine)
            service._revision = _revision(session)
            latest = nlu_review.latest_model(session)
            service._model = latest[1] if latest else None
        return service

    @property
    def entries(self) -> list[FaqEntry]:
        return self._entries

    def entry(self, faq_id: str) -> FaqEntry | None:
        return self._index.get(faq_id)

    def understander(self) -> Understander:
        if self._understander is None:
            with self._lock:
                if self._understander is None:
                    from intents.company import understander_for

                    self._understander = understander_for(self._entries, self._model)
        return self._understander

    def warm(self) -> None:
        """Build the index, load the embedding model and embed the FAQ now, so the first
        resident doesn't wait (the embeddings are cached on disk after the first start)."""
        understander = self.understander()
        understander.warm_up()
        understander.understand("你好")

    def understand(self, text: str, context: Context | None = None) -> Intent:
        self._maybe_reload()
        return self.understander().understand(text, context)

    def _maybe_reload(self) -> None:
        if self._engine is None or time.monotonic() - self._checked_at < RECHECK_SECONDS:
            return
        self._checked_at = time.monotonic()
        with Session(self._engine) as session:
            rev = _revision(session)
        if rev != self._revision and not self._rebuilding:
            self._rebuilding = True
            threading.Thread(target=self._rebuild, args=(rev,), daemon=True).start()

    def reload_now(self) -> None:
        """Rebuild from the database at once, in this thread (tests, the CLI after a retrain)."""
        assert self._engine is not None
        with Session(self._engine) as session:
            rev = _revision(session)
        self._rebuilding = True
        self._rebuild(rev)

    def refresh(self) -> None:
        """After a label or a retrain in this process: use them from the next message on.
        Other processes find the change at their next check."""
        if self._engine is not None:
            self.reload_now()

    def _rebuild(self, rev: Any) -> None:
        try:
            from intents.company import understander_for

            with Session(self._engine) as session:
                entries = faq_store.load_entries(session)
                latest = nlu_review.latest_model(session)
            model = latest[1] if latest else None
            understander = understander_for(entries, model)
            with self._lock:
                self._entries, self._index = entries, {e.id: e for e in entries}
                self._understander, self._revision, self._model = understander, rev, model
            log.info("FAQ or model changed: index rebuilt with %d entries, %d company labels",
                     len(entries), model.n_labels if model else 0)
        except Exception:
            log.exception("FAQ index rebuild failed; keeping the previous one")
        finally:
            self._rebuilding = False


def _revision(session: Session) -> tuple[Any, int]:
    """Changes when the FAQ changes or a model is retrained."""
    return faq_store.revision(session), nlu_review.model_revision(session)
