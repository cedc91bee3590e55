"""Messages typed in toneless pinyin ("tingche yueka duoshao qian") back into characters.

Some residents (older phones, a foreign keyboard, a hurry) type the pinyin their input
method would have turned into characters. Every later stage reads characters, so a
message that is pinyin from end to end is converted first: its syllables are split
("yueka" -> yue ka) and matched, longest first, against the readings of the words this
bot knows (its training lines, intent examples, lexicon and the FAQ in use), each word
weighed by how often it occurs; a syllable no known word covers becomes the commonest
character with that reading. English ("ok thanks") and mixed text are left alone.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_ASCII_WORDS = re.compile(r"[a-z]+")
_ONLY_LATIN = re.compile(r"^[a-z0-9\s,.?!~'’-]+$")
# Longest word (in syllables) looked up.
MAX_WORD_SYLLABLES = 6
# Words that happen to be valid pinyin but a resident types as English.
_ENGLISH = frozenset({"ok", "hi", "hello", "thanks", "thank", "bye", "yes", "sorry", "please", "me", "wen"})


@functools.cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (ü written v), from pypinyin's own dictionary."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for r in readings.split(","):
            plain = "".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
            out.add(plain.replace("ü", "v").lower())
    return frozenset(s for s in out if s.isascii() and s.isalpha())


def split_syllables(word: str) -> list[str] | None:
    """"yueka" -> ["yue", "ka"]; None when the word is not pinyin. Fewest syllables wins
    ("xian" is one syllable, not xi-an)."""
    syl = syllables()
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(1, n + 1):
        for j in range(max(0, i - 6), i):
            prev = best[j]
            if prev is not None and word[j:i] in syl and (best[i] is None or len(prev) + 1 < len(best[i] or [])):
                best[i] = [*prev, word[j:i]]
    if best[n] is None and n > 2 and word.endswith("r"):
        # erhua: "nar" (哪儿), "yidianr" - the 儿 adds nothing the bot reads
        return split_syllables(word[:-1])
    return best[n]


def looks_latin(text: str) -> bool:
    """Cheap first test: letters, digits and plain punctuation only."""
    t = text.lower().strip()
    return bool(t) and bool(_ONLY_LATIN.match(t)) and any(c.isalpha() for c in t)


@functools.cache
def shipped_reader() -> PinyinReader:
    """The vocabulary every FAQ shares: training lines and intent examples (built once,
    on the first pinyin message or at warm-up: ~1-3 s)."""
    from intents.examples import load_examples
    from intents.training_data import training_lines

    texts = [d["text"] for use in ("message", "faq_paraphrase", "wording") for d in training_lines(use)]
    texts += [x for v in load_examples().values() for x in v]
    return PinyinReader(texts)


class PinyinReader:
    """Built from the vocabulary it should know; `to_hanzi(text)` or None when not pinyin."""

    def __init__(self, texts: Iterable[str], base: PinyinReader | None = None) -> None:
        self.words: dict[tuple[str, ...], Counter[str]] = {}
        self.chars: dict[str, Counter[str]] = {}
        self.base = base  # a shared vocabulary this one adds to (the FAQ's words on top)
        for text in texts:
            for run in _HAN_RUN.findall(text):
                self._add_run(run)

    def _word(self, span: tuple[str, ...]) -> Counter[str] | None:
        own = self.words.get(span)
        more = self.base._word(span) if self.base is not None else None
        return own + more if own and more else own or more

    def _char(self, syllable: str) -> Counter[str] | None:
        own = self.chars.get(syllable)
        more = self.base._char(syllable) if self.base is not None else None
        return own + more if own and more else own or more

    def _add_run(self, run: str) -> None:
        readings = lazy_pinyin(run, style=Style.NORMAL, v_to_u=False)
        if len(readings) != len(run):
            return
        readings = [r.replace("ü", "v") for r in readings]
        for ch, r in zip(run, readings, strict=True):
            self.chars.setdefault(r, Counter())[ch] += 1
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + MAX_WORD_SYLLABLES) + 1):
                self.words.setdefault(tuple(readings[i:j]), Counter())[run[i:j]] += 1

    def to_hanzi(self, text: str) -> str | None:
        if not looks_latin(text):
            return None
        lowered = text.lower().strip()
        tokens = _ASCII_WORDS.findall(lowered)
        if not tokens or any(t in _ENGLISH for t in tokens):
            return None
        syl: list[str] = []
        for t in tokens:
            parts = split_syllables(t)
            if parts is None:
                return None
            syl += parts
        if len(syl) < 2:
            return None
        return self._convert(syl)

    def _convert(self, syl: list[str]) -> str | None:
        n = len(syl)
        score: list[float] = [-math.inf] * (n + 1)
        back: list[tuple[int, str]] = [(0, "")] * (n + 1)
        score[0] = 0.0
        for i in range(1, n + 1):
            for j in range(max(0, i - MAX_WORD_SYLLABLES), i):
                if score[j] == -math.inf:
                    continue
                span = tuple(syl[j:i])
                if len(span) > 1:
                    seen = self._word(span)
                    if not seen:
                        continue
                    word, count = seen.most_common(1)[0]
                    gain = len(span) ** 2 + 0.1 * math.log1p(count)
                else:
                    seen = self._char(span[0])
                    if not seen:
                        continue
                    word, gain = seen.most_common(1)[0][0], 0.5
                if score[j] + gain > score[i]:
                    score[i], back[i] = score[j] + gain, (j, word)
        if score[n] == -math.inf:
            return None
        out: list[str] = []
        i = n
        while i > 0:
            j, word = back[i]
            out.append(word)
            i = j
        return "".join(reversed(out))
