"""Throughput and latency of key pages against a minimal Flask page, both under gunicorn.

Usage: .venv/bin/python bench/run.py [--requests 400] [--concurrency 8] [--workers 2]
Prints requests per second and p50/p95/p99 latency per page. Figures, not assertions:
speed is measured here, never in the test suite.
"""
import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = ["/", "/members/", "/twinnings/", "/cities/lecce", "/healthz"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def serve(target: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", target]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    wait_for(port)
    return process


def measure(port: int, path: str, requests: int, concurrency: int) -> dict:
    latencies, errors, lock = [], [], threading.Lock()
    per_thread = requests // concurrency

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_thread):
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status >= 400:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.perf_counter() - started
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / total, "p50": quantiles[49] * 1000,
            "p95": quantiles[94] * 1000, "p99": quantiles[98] * 1000, "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gemellaggi-bench-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
           "FORUM_SECRET_KEY": "bench", "FORUM_SEARCH_INDEX_DIR": str(workdir / "index"),
           "FORUM_UPLOAD_DIR": str(workdir / "uploads"), "FORUM_ENV": "development"}
    flask = [str(BIN / "flask"), "--app", "forum"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)

    site_port, base_port = free_port(), free_port()
    site = serve("wsgi:app", site_port, args.workers, env)
    baseline = serve("bench.minimal_app:app", base_port, args.workers, env)
    try:
        print(f"{args.requests} requests, {args.concurrency} concurrent, "
              f"{args.workers} gunicorn workers, SQLite demo data")
        print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        rows = [("minimal Flask page", measure(base_port, "/", args.requests, args.concurrency))]
        rows += [(page, measure(site_port, page, args.requests, args.concurrency))
                 for page in PAGES]
        for name, r in rows:
            print(f"{name:<22}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
                  f"{r['p99']:>9.1f}{r['errors']:>8}")
    finally:
        for process in (site, baseline):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
