"""The webhook benchmark's machinery works end to end on a tiny load.

Speed targets live in `make bench`, not here: this only checks that both servers start under
gunicorn, answer every signed request with a reply, and that the full path stored each message.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench import webhook_load

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.xdist_group("servers")  # under pytest-xdist, with the other tests that start servers
def test_tiny_load_gives_both_rows_without_errors() -> None:
    # One worker (the smallest server that exercises the path), allowed to boot slowly: this
    # checks the machinery, and CI's machine is a busy one.
    small = webhook_load.GunicornSettings(workers=1, threads=2, boot_seconds=300)
    rows = webhook_load.run(
        requests=50, concurrency=4, postgres=False, settings=small, targets=("bare", "gunicorn-sqlite")
    )

    assert [r.target for r in rows] == ["bare Flask (signature only)", "wuye gunicorn, SQLite"]
    for row in rows:
        assert row.errors == 0, row.first_error
        assert row.requests == 50
        assert row.rps > 0 and math.isfinite(row.rps)
        assert 0 < row.p50_ms <= row.p99_ms < 10_000
        assert row.server_cpu_ms >= 0 and math.isfinite(row.server_cpu_ms)
    bare, full = rows
    # /proc counts CPU in 10 ms ticks: 50 bare echoes can fit in none, 50 real messages cannot
    assert full.server_cpu_ms > 0
    assert bare.missing_rows is None and bare.sql_per_msg is None
    # The workers counted what they sent: at least the claim and the finishing update a message.
    assert full.sql_per_msg is not None and full.sql_per_msg >= 2
    assert full.commits_per_msg is not None and 1 <= full.commits_per_msg <= full.sql_per_msg
    # Every answered message (warm-up and timed) has its finished dedupe row: the real path ran.
    assert full.missing_rows == 0

    table = webhook_load.format_table(rows, concurrency=4, settings=small)
    assert "bare Flask" in table and "wuye gunicorn, SQLite" in table


@pytest.mark.slow
@pytest.mark.parametrize("module", ["bench.survey_bench", "bench.notice_bench"])
def test_the_job_benchmarks_deliver_everything_they_queue(module: str) -> None:
    # Run on their own (`python -m bench.survey_bench`), in a process where nothing installed the
    # job handlers yet: they must install them as the worker does, or every job fails and the
    # table reports all of it missing.
    check = (f"import json, {module} as m; rows = m.run(20); "
             "print(json.dumps([[r['missing'], r['duplicates']] for r in rows]))")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=300,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts and all(c == [0, 0] for c in counts), counts
