"""Speed and memory of `understand()`: `python bench/nlu_bench.py` (one core is enough).

Rows: the 60-entry FAQ with the semantic tier as shipped, the same lexical-only, a
synthetic 5,000-entry FAQ lexical-only, long pastes (14,001 characters, 3,000 combining
marks), repeated messages (embedding cache hits), and process start to first answer.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from intents.faq import FaqEntry, default_faq, load_faq_toml  # noqa: E402
from intents.understander import Understander  # noqa: E402

NLU_DATA = REPO.parent / "shared" / "nlu"
SYNTHETIC_SIZE = 5000


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _faq() -> list[FaqEntry]:
    path = NLU_DATA / "faq.toml"
    return load_faq_toml(path) if path.is_file() else default_faq()


def _messages() -> list[str]:
    path = NLU_DATA / "dev_intents.jsonl"
    if not path.is_file():
        from intents.training_data import training_lines

        return [d["text"] for d in training_lines("message")][:220]
    return [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def synthetic_faq(base: list[FaqEntry], size: int) -> list[FaqEntry]:
    """Many distinct entries built from the real ones, so postings look like a big FAQ's."""
    places = ["东区", "西区", "南苑", "北苑", "一期", "二期", "三期", "商业街", "会所", "幼儿园"]
    out: list[FaqEntry] = []
    for n in range(size):
        e = base[n % len(base)]
        tag = f"{places[n % len(places)]}{n // len(base)}号"
        out.append(
            FaqEntry(
                id=f"{e.id}-{n}", category=e.category, question=f"{tag}{e.question}",
                answer=e.answer, alternates=tuple(f"{tag}{a}" for a in e.alternates),
            )
        )
    return out


def _measure(name: str, faq: list[FaqEntry], messages: list[str], semantic: bool) -> dict[str, Any]:
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    u = Understander(faq, semantic=semantic)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    u.warm_up()
    warm_s = time.perf_counter() - t1
    for text in messages[:5]:  # first-touch costs (regex caches, lazy imports)
        u.understand(text)
    latencies = []
    for text in messages:
        s = time.perf_counter()
        u.understand(text + " ")  # defeat the per-text normalisation cache
        latencies.append((time.perf_counter() - s) * 1000)
    latencies.sort()
    total_s = sum(latencies) / 1000
    return {
        "case": name,
        "faq_entries": len(faq),
        "messages": len(messages),
        "msg_per_s": round(len(messages) / total_s, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
        "build_s": round(build_s, 3),
        "warm_s": round(warm_s, 3),
        "rss_delta_mb": round(_rss_mb() - rss0, 1),
    }


def _long_messages(n: int) -> list[str]:
    """Distinct 14,001-character pastes (distinct heads, so no embedding is reused) and
    3,000 combining marks after a short report."""
    out = []
    for i in range(n):
        head = f"{i}号楼 厨房水管漏水了 地上全是水 麻烦派师傅来修一下 "
        text = (head + "情况就是这样 " * 2100)[:14001]
        out.append(text if i % 2 else "电梯坏了" + "\u0301" * 3000 + f"第{i}次说了")
    return out


def _timed(u: Understander, messages: list[str]) -> list[float]:
    out = []
    for text in messages:
        s = time.perf_counter()
        u.understand(text)
        out.append((time.perf_counter() - s) * 1000)
    return sorted(out)


def _measure_long_and_repeated(faq: list[FaqEntry], messages: list[str]) -> list[dict[str, Any]]:
    """Bounded reading: long pastes cost about what a short message does; a message seen
    before (a storm: everyone asks about the same outage) skips e5 through the cache."""
    u = Understander(faq, semantic=True)
    u.warm_up()
    rows = []
    for name, texts in (
        ("14,001 chars / 3,000 combining marks, semantic", _long_messages(40)),
        ("repeated messages (embedding cache hits), semantic", messages),
    ):
        if name.startswith("repeated"):
            for text in texts:  # first sight fills the cache
                u.evidence(text, semantic=True)
        lat = _timed(u, texts)
        rows.append({
            "case": name,
            "faq_entries": len(faq),
            "messages": len(texts),
            "msg_per_s": round(len(texts) / (sum(lat) / 1000), 1),
            "p50_ms": round(statistics.median(lat), 2),
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
        })
    return rows


def _first_answer_seconds() -> float:
    code = (
        "import sys; sys.path.insert(0, {!r})\n"
        "from intents.faq import load_faq_toml, default_faq\n"
        "from intents.understander import Understander\n"
        "from pathlib import Path\n"
        "p = Path({!r})\n"
        "u = Understander(load_faq_toml(p) if p.is_file() else default_faq())\n"
        "u.understand('厨房露水了 快来修')\n"
    ).format(str(REPO), str(NLU_DATA / "faq.toml"))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=os.environ.copy())
    return time.perf_counter() - t


def run() -> list[dict[str, Any]]:
    faq, messages = _faq(), _messages()
    rows = [
        _measure("60-entry FAQ, semantic tier as needed", faq, messages, semantic=True),
        _measure("60-entry FAQ, lexical only", faq, messages, semantic=False),
        _measure(f"{SYNTHETIC_SIZE}-entry FAQ, lexical only", synthetic_faq(faq, SYNTHETIC_SIZE), messages, semantic=False),
    ]
    rows += _measure_long_and_repeated(faq, messages)
    rows.append({"case": "process start to first answer (s)", "first_answer_s": round(_first_answer_seconds(), 3)})
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    cols = ["case", "faq_entries", "msg_per_s", "p50_ms", "p99_ms", "build_s", "warm_s", "rss_delta_mb", "first_answer_s"]
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols)]
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in cols) for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_table(run()))
