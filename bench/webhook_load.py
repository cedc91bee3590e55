"""Load benchmark of the webhook: wuye's full path against a bare signature-checking Flask route.

Both apps run under gunicorn with identical settings on loopback, one at a time (so they never
compete for the CPU), and are driven by the same load generator:

* every request is pre-built and signed before the timed window, as raw HTTP/1.1 bytes, so the
  generator's own crypto and formatting don't count;
* every message has a distinct MsgId (otherwise the dedupe layer answers from its cache) and each
  connection speaks for its own few openids, as residents do: one person's messages arrive in
  order, many people's at once;
* C keep-alive connections driven by one asyncio loop; a response counts only if it is a 200 with
  a reply XML, and afterwards the database must hold one finished row per message sent.

The generator shares the machine's cores with the server. Its CPU time and the server's are both
measured and printed per request, so a reader can tell how much of the box the generator took.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from wuye_dev import wire

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TOKEN = "bench-token"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
READY_ENV = "BENCH_READY_DIR"

# The storm mix, as residents write during a busy morning: about half FAQ questions (several
# phrasings of the common ones: storms repeat themselves), the rest small talk, repair reports,
# progress questions and complaints. Every request comes from its own openid.
MIX: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("faq", (
        "物业费怎么交", "停车场怎么收费", "垃圾什么时候清运", "快递放哪里", "门禁卡丢了怎么办",
        "装修要办什么手续", "物业电话多少", "小区几点关门", "宠物可以带进电梯吗", "物业费在哪里交啊",
    )),
    ("chitchat", ("你好", "谢谢", "在吗", "辛苦了")),
    ("repair", ("3栋2单元501 厨房水管漏水", "卫生间马桶堵了", "5栋楼道灯不亮了")),
    ("status", ("我的报修进度怎么样了", "我报的修什么时候来")),
    ("complaint", ("投诉楼下装修太吵了", "保安态度太差了我要投诉")),
)
# Out of every 20 messages: 10 FAQ, 4 small talk, 3 repairs, 2 progress, 1 complaint.
PATTERN: tuple[int, ...] = (0, 1, 0, 2, 0, 0, 1, 3, 0, 2, 0, 1, 0, 4, 0, 2, 0, 1, 3, 0)
TEXTS: tuple[str, ...] = tuple(t for _, texts in MIX for t in texts)


def mix_text(n: int) -> str:
    kind = PATTERN[n % len(PATTERN)]
    texts = MIX[kind][1]
    return texts[(n // len(PATTERN)) % len(texts)]


WARMUP_PER_CONNECTION = 16
# Upper bound on the request rate a run may reach, used to size the pre-built pool in
# --seconds mode (requests are signed ahead of time, so the pool must not run dry).
MAX_EXPECTED_RPS = 8000


@dataclass(frozen=True)
class GunicornSettings:
    """Identical for both apps.

    gthread, 2 processes x 4 threads, for a 2-core machine: two processes because the GIL lets
    each use one core; threads so that a request waiting on the SQLite write lock or on a
    PostgreSQL round trip doesn't idle the core; and gthread (unlike the sync worker) keeps
    connections alive, as WeChat's servers do. 16 connections > 8 threads on purpose: idle
    keep-alive connections wait in gthread's poller, not on a thread.
    """

    workers: int = 2
    threads: int = 4
    worker_class: str = "gthread"
    keepalive: int = 5
    # Seconds a worker may take to load the app and warm its NLU before gunicorn kills it as hung,
    # and that start() waits for every worker to say it is ready. A busy machine needs more.
    boot_seconds: int = 60

    def describe(self) -> str:
        return (
            f"gunicorn -k {self.worker_class} -w {self.workers} --threads {self.threads} "
            f"--keep-alive {self.keepalive}"
        )


# ------------------------------------------------------------------ inside the gunicorn workers


def post_worker_init(worker: Any) -> None:
    """Gunicorn hook: warm this worker before it accepts, then say so with a marker file.

    The NLU index is built lazily, and parts of it (tokenizer dictionary, embedding model) load
    on the first text that needs them, costing up to seconds: without this, the first requests
    measured would be the warm-up of whichever worker the kernel happened to hand them to.
    """
    services = getattr(worker.wsgi, "extensions", {}).get("wuye")
    if services is not None:
        for text in TEXTS:
            services.nlu.understand(text)
        _count_sql(services.engine)
    ready_dir = os.environ.get(READY_ENV)
    if ready_dir:
        Path(ready_dir, f"ready-{os.getpid()}").touch()


_SQL = {"statements": 0, "commits": 0}


def _count_sql(engine: Any) -> None:
    """Count the SQL statements and commits this worker sends (its worker_exit writes them)."""
    from sqlalchemy import event

    def statement(*_: Any) -> None:
        _SQL["statements"] += 1

    def commit(*_: Any) -> None:
        _SQL["commits"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)


def worker_exit(server: Any, worker: Any) -> None:
    """Gunicorn hook, in the worker as it exits: its SQL counts, for the table."""
    ready_dir = os.environ.get(READY_ENV)
    if ready_dir and _SQL["statements"]:
        Path(ready_dir, f"sql-{os.getpid()}").write_text(f"{_SQL['statements']} {_SQL['commits']}")


def _gunicorn_conf(settings: GunicornSettings, port: int, log: Path) -> str:
    return "\n".join(
        [
            "import importlib.util, sys",
            # The hook is loaded from this file, the app from the code root under test.
            f"_spec = importlib.util.spec_from_file_location('wuye_bench_hook', {str(Path(__file__).resolve())!r})",
            "_hook = sys.modules['wuye_bench_hook'] = importlib.util.module_from_spec(_spec)",
            "_spec.loader.exec_module(_hook)",
            "post_worker_init = _hook.post_worker_init",
            "worker_exit = _hook.worker_exit",
            f"bind = {f'{HOST}:{port}'!r}",
            f"workers = {settings.workers}",
            f"threads = {settings.threads}",
            f"worker_class = {settings.worker_class!r}",
            f"keepalive = {settings.keepalive}",
            "graceful_timeout = 5",
            f"timeout = {settings.boot_seconds}",
            "loglevel = 'warning'",
            f"errorlog = {str(log)!r}",
            "",
        ]
    )


# ------------------------------------------------------------------ the server under test


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (0 where /proc isn't there)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time all processes on the machine have used (busy, not idle/iowait), from /proc/stat.

    Includes what the server and generator can't see of themselves (PostgreSQL's backends) and
    whatever else runs on the box, so a noisy neighbour shows up in the table.
    """
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return math.nan
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")



def stop_process(proc: subprocess.Popen[bytes] | None, grace: float) -> None:
    """SIGTERM (a graceful drain), then SIGKILL after `grace` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def log_tail(log: Path, what: str) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    except OSError:
        return f"(no {what} log)"

@dataclass
class Server:
    """One gunicorn master running `app_spec`, warmed up, on a free loopback port."""

    app_spec: str
    env: dict[str, str]
    settings: GunicornSettings
    workdir: Path
    root: Path = ROOT
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    worker_pids: list[int] = field(default_factory=list)

    @property
    def log(self) -> Path:
        return self.workdir / "gunicorn.log"

    def start(self) -> None:
        # A little over gunicorn's own limit: a worker that hangs is killed (and logged) first.
        timeout = self.settings.boot_seconds + 10
        ready = self.workdir / "ready"
        ready.mkdir(parents=True, exist_ok=True)
        for stale in [*ready.glob("ready-*"), *ready.glob("sql-*")]:  # from an earlier server in the same workdir
            stale.unlink()
        self.port = free_port()
        conf = self.workdir / "gunicorn.conf.py"
        conf.write_text(_gunicorn_conf(self.settings, self.port, self.log))
        pythonpath = os.pathsep.join(p for p in (str(self.root), self.env.get("PYTHONPATH", "")) if p)
        env = {**self.env, READY_ENV: str(ready), "PYTHONPATH": pythonpath}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(conf), self.app_spec],
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app_spec} exited:\n{self._log_tail()}")
            pids = [int(p.name.split("-")[1]) for p in ready.glob("ready-*")]
            if len(pids) >= self.settings.workers:
                self.worker_pids = pids
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"gunicorn {self.app_spec} not ready in {timeout} s:\n{self._log_tail()}"
        )

    def cpu_seconds(self) -> float:
        # The master only supervises; the workers do the work.
        return sum(_cpu_seconds(pid) for pid in self.worker_pids)

    def sql_counts(self) -> tuple[int, int] | None:
        """(statements, commits) all workers sent, once they have exited (None: no database)."""
        files = list((self.workdir / "ready").glob("sql-*"))
        if not files:
            return None
        pairs = [tuple(int(x) for x in f.read_text().split()) for f in files]
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    def stop(self) -> None:
        stop_process(self.proc, grace=15)

    def _log_tail(self) -> str:
        return log_tail(self.log, "gunicorn")


@dataclass
class ServeServer:
    """`wuye serve` (one process, its own HTTP server) on a free loopback port, no worker."""

    env: dict[str, str]
    workdir: Path
    root: Path = ROOT
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.workdir / "serve.log"

    def describe(self) -> str:
        return "wuye serve (one process, [server] threads)"

    def start(self, timeout: float = 300.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        env = {**self.env, "PYTHONPATH": str(self.root)}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--host", HOST, "--port", str(self.port), "--no-worker"],
                cwd=self.root, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"wuye serve exited:\n{self._log_tail()}")
            if "listening on" in self.log.read_text(errors="replace"):
                with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=1):
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"wuye serve not ready in {timeout:.0f} s:\n{self._log_tail()}")

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.proc.pid) if self.proc is not None else 0.0

    def sql_counts(self) -> tuple[int, int] | None:
        return None  # no hook inside `wuye serve`: the gunicorn rows count them

    def stop(self) -> None:
        stop_process(self.proc, grace=20)

    def _log_tail(self) -> str:
        return log_tail(self.log, "serve")


# ------------------------------------------------------------------ the load generator


def build_requests(
    port: int, connections: int, per_connection: int, mode: str = "plain", tag: str = "t"
) -> list[list[bytes]]:
    """Raw, signed HTTP/1.1 requests: one list per connection, every one from its own openid
    (a storm is many people writing once), texts from the storm mix; every MsgId is new."""
    server = wire.WeChatServer(
        TOKEN, "wxb11529c136998cb6", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", mode
    )
    run = uuid.uuid4().hex[:6]
    out: list[list[bytes]] = []
    for c in range(connections):
        reqs = []
        for i in range(per_connection):
            text = mix_text(c * 7 + i)
            req = server.build(wire.text(f"o_{tag}{run}_{c:02d}_{i}", text))
            head = (
                f"POST /wechat?{urlencode(req.params)} HTTP/1.1\r\n"
                f"Host: {HOST}:{port}\r\n"
                "Content-Type: text/xml\r\n"
                f"Content-Length: {len(req.body)}\r\n\r\n"
            )
            reqs.append(head.encode() + req.body)
        out.append(reqs)
    return out


@dataclass
class LoadResult:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    first_error: str = ""


class _BadResponse(Exception):
    pass


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[str, bool]:
    """Send one request, read its response: (what's wrong with it or "", server closing?)."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)
    }
    if "content-length" not in headers:
        raise _BadResponse(f"status {status} without Content-Length")
    body = await reader.readexactly(int(headers["content-length"]))
    closing = headers.get("connection", "").lower() == "close"
    # A 200 "success" would mean no reply (e.g. a dedupe hit) - not the path we mean to measure.
    if status != 200 or not body.startswith(b"<xml>"):
        return f"status {status}: {body[:80]!r}", closing
    return "", closing


async def _connection(
    port: int, requests: list[bytes], deadline: float, result: LoadResult, timeout: float
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for raw in requests:
            if time.perf_counter() >= deadline:
                break
            t0 = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    problem, closing = await _exchange(reader, writer, raw)
            except (
                OSError,
                EOFError,
                TimeoutError,
                asyncio.IncompleteReadError,
                ValueError,
                _BadResponse,
            ) as exc:
                result.errors += 1
                result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            if not problem:
                result.ok += 1
                result.latencies.append(time.perf_counter() - t0)
            else:
                result.errors += 1
                result.first_error = result.first_error or problem
            if closing:
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _drive(
    port: int, per_conn: list[list[bytes]], seconds: float, timeout: float
) -> LoadResult:
    result = LoadResult()
    t0 = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, reqs, t0 + seconds, result, timeout) for reqs in per_conn)
    )
    result.elapsed = time.perf_counter() - t0
    return result


def drive(
    port: int, per_conn: list[list[bytes]], seconds: float = math.inf, timeout: float = 10.0
) -> LoadResult:
    """Send every connection's requests in order, all connections at once, until done or `seconds`."""
    return asyncio.run(_drive(port, per_conn, seconds, timeout))


# ------------------------------------------------------------------ one benchmark row


@dataclass
class Row:
    target: str
    config: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu_ms: float  # server CPU per request, all workers
    gen_cpu_ms: float  # load generator CPU per request
    machine_busy: float  # share of all cores busy during the run, whoever used them
    missing_rows: int | None = None  # full path only: messages answered but not stored as done
    sql_per_msg: float | None = None  # SQL statements the server sent per message (gunicorn rows)
    commits_per_msg: float | None = None
    first_error: str = ""

    @property
    def ours(self) -> float:
        """Share of the machine's cores the gunicorn workers and the generator used together."""
        cpu = (self.server_cpu_ms + self.gen_cpu_ms) * (self.requests + self.errors) / 1000
        return cpu / self.seconds / (os.cpu_count() or 1) if self.seconds else 0.0


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))]


def measure(
    target: str,
    server: Server | ServeServer,
    concurrency: int,
    requests: int | None,
    seconds: float,
    mode: str,
    db_url: str | None = None,
) -> Row:
    server.start()
    try:
        warm = build_requests(server.port, concurrency, WARMUP_PER_CONNECTION, mode, tag="w")
        warm_result = drive(server.port, warm)
        if requests is not None:
            per_connection = math.ceil(requests / concurrency)
        else:
            per_connection = math.ceil(seconds * MAX_EXPECTED_RPS / concurrency)
        timed = build_requests(server.port, concurrency, per_connection, mode)
        if requests is not None:
            # Exactly N requests: trim the last connections' lists.
            extra = per_connection * concurrency - requests
            for i in range(extra):
                timed[-1 - i % concurrency].pop()
        cpu0, gen0, box0 = server.cpu_seconds(), time.process_time(), machine_cpu_seconds()
        result = drive(server.port, timed, seconds if requests is None else math.inf)
        server_cpu, gen_cpu = server.cpu_seconds() - cpu0, time.process_time() - gen0
        box_cpu = machine_cpu_seconds() - box0
    finally:
        server.stop()
    sql = server.sql_counts()
    handled = warm_result.ok + warm_result.errors + result.ok + result.errors
    missing = None
    if db_url is not None:
        missing = warm_result.ok + result.ok - _done_rows(db_url)
    lat = sorted(result.latencies)
    n = result.ok + result.errors
    return Row(
        target=target,
        config=server.describe() if isinstance(server, ServeServer) else server.settings.describe(),
        requests=result.ok,
        seconds=result.elapsed,
        rps=result.ok / result.elapsed if result.elapsed else 0.0,
        p50_ms=_percentile(lat, 0.50) * 1000,
        p99_ms=_percentile(lat, 0.99) * 1000,
        errors=result.errors + warm_result.errors,
        server_cpu_ms=server_cpu / n * 1000 if n else math.nan,
        gen_cpu_ms=gen_cpu / n * 1000 if n else math.nan,
        machine_busy=box_cpu / result.elapsed / (os.cpu_count() or 1) if result.elapsed else 0.0,
        missing_rows=missing,
        sql_per_msg=sql[0] / handled if sql and handled else None,
        commits_per_msg=sql[1] / handled if sql and handled else None,
        first_error=result.first_error or warm_result.first_error,
    )


# ------------------------------------------------------------------ databases


def _done_rows(url: str) -> int:
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM inbound_messages WHERE status = 'done'")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _migrate(url: str, root: Path = ROOT) -> None:
    """With the code under test (its migrations), in a process of its own."""
    code = (
        "import sys; from storage.db import make_engine; from storage.migrate import upgrade; "
        "e = make_engine(sys.argv[1]); upgrade(e); e.dispose()"
    )
    subprocess.run(
        [sys.executable, "-c", code, url], cwd=root, check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def _pg_admin():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 2},
    )


def postgres_available() -> bool:
    try:
        from sqlalchemy import text

        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
        admin.dispose()
        return True
    except Exception:  # no driver, no server, no permission: all mean "skip PostgreSQL"
        return False


@contextlib.contextmanager
def throwaway_pg_database() -> Iterator[str]:
    from sqlalchemy import text

    name = f"wuye_bench_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ------------------------------------------------------------------ the whole run


def _env(db_url: str, mode: str) -> dict[str, str]:
    # The caller's WUYE_* settings (a config file, a real token) must not leak into the benchmark.
    env = {k: v for k, v in os.environ.items() if not k.startswith("WUYE_")}
    env |= {
        "WUYE_DATABASE__URL": db_url,
        "WUYE_WECHAT__TOKEN": TOKEN,
        "WUYE_WECHAT__APPID": "wxb11529c136998cb6",
        "WUYE_WECHAT__ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "WUYE_WECHAT__MODE": mode,
        # The webhook never calls WeChat inline; should it ever, the discard port fails fast.
        "WUYE_WECHAT__API_BASE": "http://127.0.0.1:9",
        "WUYE_SERVER__EMBEDDED_WORKER": "false",
    }
    return env


TARGETS = ("bare", "serve-sqlite", "gunicorn-sqlite", "gunicorn-postgres", "gunicorn-postgres-redis")
# The README's "more throughput" layout: PostgreSQL for the data, Redis for the nonces and limits.
RECOMMENDED = "gunicorn-postgres-redis"
LABELS = {
    "bare": "bare Flask (signature only)",
    "serve-sqlite": "wuye serve, SQLite",
    "gunicorn-sqlite": "wuye gunicorn, SQLite",
    "gunicorn-sqlite-1x8": "wuye gunicorn 1x8, SQLite",
    "gunicorn-postgres": "wuye gunicorn, PostgreSQL",
    "gunicorn-postgres-redis": "wuye gunicorn, PG + Redis",
}
REDIS_URL = "redis://127.0.0.1:6379/14"


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # no client, no server: skip the row
        return False


def run(
    requests: int | None = None,
    seconds: float = 8.0,
    concurrency: int = 16,
    postgres: bool = True,
    mode: str = "plain",
    settings: GunicornSettings | None = None,
    targets: tuple[str, ...] = TARGETS,
    root: Path = ROOT,
) -> list[Row]:
    """The bare route, then wuye in each layout (`targets`), one at a time. `root` is the
    code under test (another checkout, to measure before and after a change)."""
    settings = settings or GunicornSettings()
    tmp = Path(tempfile.mkdtemp(prefix="wuye-bench-"))
    common = {"concurrency": concurrency, "requests": requests, "seconds": seconds, "mode": mode}
    rows: list[Row] = []
    try:
        for target in targets:
            label = LABELS[target]
            if "postgres" in target:
                redis = target.endswith("redis")
                if not (postgres and postgres_available()) or (redis and not redis_available()):
                    continue
                with throwaway_pg_database() as pg_url:
                    _migrate(pg_url, root)
                    env = _env(pg_url, mode) | ({"WUYE_REDIS__URL": REDIS_URL} if redis else {})
                    server = Server("bot.app:create_app()", env, settings, tmp / target, root)
                    rows.append(measure(label, server, db_url=pg_url, **common))
                continue
            sqlite_url = f"sqlite:///{tmp / target / 'wuye.db'}"
            (tmp / target).mkdir(parents=True, exist_ok=True)
            _migrate(sqlite_url, root)
            env = _env(sqlite_url, mode)
            if target == "bare":
                rows.append(measure(label, Server("bench.bare_app:create_app()", env, settings, tmp / target, ROOT), **common))
            elif target == "serve-sqlite":
                rows.append(measure(label, ServeServer(env, tmp / target, root), db_url=sqlite_url, **common))
            elif target == "gunicorn-sqlite-1x8":
                one = GunicornSettings(workers=1, threads=8, boot_seconds=settings.boot_seconds)
                rows.append(measure(label, Server("bot.app:create_app()", env, one, tmp / target, root), db_url=sqlite_url, **common))
            else:
                rows.append(measure(label, Server("bot.app:create_app()", env, settings, tmp / target, root), db_url=sqlite_url, **common))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_table(rows: list[Row], concurrency: int, settings: GunicornSettings | None = None) -> str:
    cores = os.cpu_count() or 1
    header = (
        f"{'target':<28} {'configuration':<36} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'srv CPU':>7} {'SQL/msg':>7} {'commits':>7} {'machine':>7}"
    )
    lines = [
        f"Webhook storm: {concurrency} keep-alive connections, the storm mix (half FAQ; small talk, "
        f"repairs, progress, complaints), one openid per message, loopback, {cores} cores",
        header,
        "-" * len(header),
    ]
    for r in rows:
        lines.append(
            f"{r.target:<28} {r.config:<36} {r.rps:>6.0f} {r.p50_ms:>7.1f} {r.p99_ms:>7.1f} "
            f"{r.errors:>6} {r.server_cpu_ms:>7.2f} {_num(r.sql_per_msg):>7} {_num(r.commits_per_msg):>7} "
            f"{r.machine_busy:>7.0%}"
        )
    lines.append("")
    recommended = next((r for r in rows if r.target == LABELS[RECOMMENDED]), None)
    if recommended is not None:
        ok = recommended.p99_ms <= 100 and recommended.rps >= 300 and recommended.errors == 0
        lines.append(
            f"recommended layout ({recommended.target}): p99 <= 100 ms and >= 300 req/s with no "
            f"errors: {'met' if ok else 'MISSED'}"
        )
    for r in rows:
        if r.missing_rows:
            lines.append(f"  !! {r.target}: {r.missing_rows} answered messages have no finished inbound row")
    lines += [f"  first error on {r.target}: {r.first_error}" for r in rows if r.first_error]
    lines += [
        "srv CPU: CPU ms per request of the server processes; SQL/msg, commits: SQL statements and",
        "commits the workers sent per message (warm-up included; '-' where not counted); machine:",
        "share of all cores busy, whoever used them (the load generator, PostgreSQL, other processes).",
    ]
    return "\n".join(lines)
