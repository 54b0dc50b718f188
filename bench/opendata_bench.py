"""Streaming a large open-data file: time, throughput and the worker's memory.

Usage: .venv/bin/python bench/opendata_bench.py [--rows 100000] [--format csv]
Builds a SQLite database with ROWS published practices (or reuses it with --keep DIR), serves
the site and the minimal Flask page under gunicorn (one sync worker each, same settings), then
prints the time to download /opendata/practices.<format> beside the bare page's latency
measured in the same run, and the worker's resident memory before the download and its peak
(VmHWM) after. A file that sat in memory would show as a peak growing with ROWS.
"""
import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORDS = ("illuminazione pubblica", "mobilità sostenibile", "open data", "sportello digitale",
         "partecipazione civica", "comunità energetica", "turismo lento", "mense scolastiche")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "--timeout", "300", target],
                               cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{target} did not start")


def worker_pid(master: subprocess.Popen) -> int:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return int(children[0])


def memory_mb(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: what the download cost, whatever the load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(port: int, path: str) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, size, response.status


def build(database: Path, rows: int, env: dict) -> None:
    flask = [str(BIN / "flask"), "--app", "forum"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    import sqlite3

    start = datetime(2026, 1, 1, tzinfo=UTC)
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO practices (kind, title, summary, body, body_html, language, status, "
            "themes, visibility, is_example, interest_count, adopter_count, match_terms, "
            "created_at) VALUES (?, ?, ?, '', '', 'it', 'open', 'open-data', 'published', 0, "
            "0, 0, '', ?)",
            ((("offer", "seek", "story")[i % 3], f"Pratica {i}: {WORDS[i % len(WORDS)]}",
              f"Una pratica di {WORDS[(i * 7) % len(WORDS)]}, con \"virgolette\", à è ì ò ù",
              (start + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S.%f"))
             for i in range(rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--keep", help="a folder to build the database in once and reuse")
    args = parser.parse_args()

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="gemellaggi-opendata-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / f"opendata-{args.rows}.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "FORUM_SECRET_KEY": "bench",
           "FORUM_SEARCH_INDEX_DIR": str(workdir / "index"), "FORUM_ENV": "development",
           "FORUM_UPLOAD_DIR": str(workdir / "uploads")}
    if not database.exists():
        print(f"building {args.rows:,} practices in {database} …", flush=True)
        build(database, args.rows, env)

    site, site_port = serve("wsgi:app", env)
    bare, bare_port = serve("bench.minimal_app:app", env)
    try:
        get(site_port, "/opendata/")  # warm the worker: imports, templates, connections
        bare_times = sorted(get(bare_port, "/")[0] for _ in range(200))
        pid = worker_pid(site)
        before, cpu_before = memory_mb(pid), cpu_seconds(pid)
        elapsed, size, status = get(site_port, f"/opendata/practices.{args.format}")
        after, cpu = memory_mb(pid), cpu_seconds(pid) - cpu_before
    finally:
        for process in (site, bare):
            process.terminate()
            process.wait(timeout=10)
    bare_ms = bare_times[len(bare_times) // 2] * 1000
    print(f"practices.{args.format}: {args.rows:,} rows, {size / 1e6:.1f} MB, status {status}")
    print(f"  download        {elapsed:8.2f} s   ({args.rows / elapsed:,.0f} rows/s, "
          f"{size / 1e6 / elapsed:.1f} MB/s)")
    print(f"  worker CPU      {cpu:8.2f} s   ({args.rows / cpu:,.0f} rows per CPU second)")
    print(f"  bare Flask page {bare_ms:8.2f} ms  (median of 200, same run; download = "
          f"{elapsed * 1000 / bare_ms:,.0f} bare pages)")
    print(f"  worker RSS      {before['VmRSS']:8.1f} MB before, {after['VmRSS']:.1f} MB after, "
          f"peak {after['VmHWM']:.1f} MB (growth {after['VmHWM'] - before['VmRSS']:+.1f} MB)")


if __name__ == "__main__":
    main()
