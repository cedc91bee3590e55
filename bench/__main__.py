"""`python -m bench`: the webhook load benchmark, then the NLU benchmark when it is there."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from bench import webhook_load


def _dict_table(rows: list[dict[str, Any]]) -> str:
    """A plain table of whatever columns the rows have, in first-seen order."""
    if not rows:
        return "(no rows)"
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]

    def cell(value: Any) -> str:
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    cells = [[cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


OTHER_BENCHMARKS = [
    ("bench.nlu_bench", "NLU benchmark"),
    ("bench.survey_bench", "Survey benchmark: 10,000 completed tickets"),
    ("bench.notice_bench", "Notice benchmark: one notice to 10,000 residents"),
    ("bench.console_bench", "Console benchmark: the ticket list on 10,000 tickets (target ≤ 200 ms)"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--requests", type=int, help="fixed number of timed requests per target")
    parser.add_argument(
        "--seconds",
        type=float,
        help="timed run per target, when --requests isn't given (default 8)",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--quick", action="store_true", help="2 s per target, no PostgreSQL row")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL row")
    parser.add_argument(
        "--mode", choices=("plain", "safe"), default="plain", help="WeChat message mode"
    )
    parser.add_argument(
        "--targets",
        default=",".join(webhook_load.TARGETS),
        help=f"comma-separated layouts to measure, of {', '.join(webhook_load.LABELS)}",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=webhook_load.ROOT,
        help="checkout whose code is measured (e.g. a worktree of main, for before/after)",
    )
    parser.add_argument("--webhook-only", action="store_true", help="skip the other benchmarks")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (default 2, one per core)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process (default 4)")
    args = parser.parse_args(argv)
    seconds = args.seconds or (2.0 if args.quick else 8.0)

    rows = webhook_load.run(
        requests=args.requests,
        seconds=seconds,
        concurrency=args.concurrency,
        postgres=not (args.quick or args.no_postgres),
        mode=args.mode,
        targets=tuple(t for t in args.targets.split(",") if t),
        root=args.root.resolve(),
        settings=webhook_load.GunicornSettings(workers=args.workers, threads=args.threads),
    )
    print(webhook_load.format_table(rows, args.concurrency), flush=True)
    status = 1 if any(r.errors or r.missing_rows for r in rows) else 0

    # The other benchmarks: each module has run() -> list of dict rows (and maybe format_table).
    for name, title in [] if args.webhook_only else OTHER_BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            print(f"\n({title} skipped: {exc})")
            continue
        print(f"\n{title}", flush=True)
        bench_rows = module.run()
        formatter = getattr(module, "format_table", None) or _dict_table
        print(formatter(bench_rows), flush=True)
    return status

if __name__ == "__main__":
    sys.exit(main())
