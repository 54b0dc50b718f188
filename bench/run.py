"""Pages side by side with a minimal Flask ceiling app, both under the same gunicorn settings.

    .venv/bin/python bench/run.py                      # SQLite, bench data built in a folder
    .venv/bin/python bench/run.py --workdir /tmp/b     # build once there, reuse next time
    DATABASE_URL=postgresql://…/empty_db .venv/bin/python bench/run.py --workdir /tmp/bpg

Builds (or reuses) the bench data (`flask --app forum bench-data`, then a timed
`search reindex`), serves the site and `bench/minimal_app.py` with `gunicorn.conf.py` and the
same worker count, production settings, and loads each page with `wrk` in bounded,
interleaved rounds: in each round, the ceiling then the page, `--seconds` each. It prints
requests per second, p50/p99 latency, the ratio to the ceiling in the same round (median
over the rounds), non-2xx responses, the page's size with and without compression, each
worker's RSS at the end, the median write time of a reply, a new discussion and a practice
through the services, and the time of `search reindex`. Figures, never assertions: speed is
measured here, not in the test suite.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Counts non-2xx responses over every wrk thread and prints the latency percentiles.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non2xx") end
  io.write(string.format("BENCH %d %d %f %f %f\\n", summary.requests, n,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""
# What a browser sends: the same for the ceiling and the site.
HEADERS = {"Accept-Language": "it-IT,it;q=0.9,en;q=0.8",
           "Accept": "text/html,application/xhtml+xml",
           "Accept-Encoding": "gzip, deflate, br"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} stopped at start-up")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not start")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install -y wrk)…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("wrk is needed: `sudo apt-get install wrk` (Debian/Ubuntu), "
                     "`brew install wrk` (macOS), then run this again.")


def run(command: list, env: dict, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          **kwargs)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(map(str, command))}")
    return done


def build(workdir: Path, env: dict, args) -> dict:
    """The bench data and its index, built once per folder; returns what the build measured."""
    stamp = workdir / "build.json"
    flask = [str(BIN / "flask"), "--app", "forum"]
    if stamp.exists() and not args.rebuild:
        # Reused data follows the code: migrations that landed since it was built.
        run([*flask, "db", "upgrade"], env)
        info = json.loads(stamp.read_text())
        if args.reindex:
            info["reindex_s"] = reindex(env)
            stamp.write_text(json.dumps(info))
        info["reused"] = True
        return info
    print(f"building the bench data in {workdir} (once; --workdir reuses it)…", flush=True)
    if "sqlite" in env["DATABASE_URL"]:
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    run([*flask, "db", "upgrade"], env)
    run([*flask, "bench-data", "--posts", str(args.posts), "--yes-i-know"], env)
    info = {"posts": args.posts, "reindex_s": reindex(env)}
    stamp.write_text(json.dumps(info))
    return info


def reindex(env: dict) -> float:
    started = time.perf_counter()
    run([str(BIN / "flask"), "--app", "forum", "search", "reindex"], env)
    return time.perf_counter() - started


def serve(target: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
               "-b", f"127.0.0.1:{port}", target]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"),
                               stderr=subprocess.STDOUT)
    wait_for(port, process)
    return process


def wrk(binary: str, url: str, args, script: Path) -> dict:
    command = [binary, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s",
               "--timeout", "10s", "-s", str(script)]
    for name, value in HEADERS.items():
        if name != "Accept-Encoding" or not args.no_compression:
            command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True).stdout
    found = re.search(r"^BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$", output, re.M)
    if not found:
        raise SystemExit(f"wrk gave no figures for {url}:\n{output}")
    requests, non2xx, seconds, p50, p99 = found.groups()
    return {"rps": int(requests) / float(seconds), "non2xx": int(non2xx),
            "p50": float(p50), "p99": float(p99)}


def drain(url: str) -> None:
    """Wait until the server has answered what wrk left queued, before the next measure."""
    urllib.request.urlopen(url, timeout=600).read()


def sizes(url: str) -> tuple[int, int]:
    """Bytes of the page as sent plain and with compression asked for."""
    out = []
    for encoding in ("identity", "gzip, deflate, br"):
        request = urllib.request.Request(url, headers={**HEADERS, "Accept-Encoding": encoding})
        with urllib.request.urlopen(request, timeout=120) as response:
            out.append(len(response.read()))
    return out[0], out[1]


def worker_rss(master: int) -> list[float]:
    """MB resident for each gunicorn worker (the master's children), from /proc."""
    children = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += (task / "children").read_text().split()
    rss = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if found:
            rss.append(int(found.group(1)) / 1024)
    return sorted(rss)


def load_average() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None,
                        help="folder for the SQLite database and index, kept and reused")
    parser.add_argument("--posts", type=int, default=50000)
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--reindex", action="store_true",
                        help="with reused data: time `search reindex` again")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3, help="per page and per round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both apps")
    parser.add_argument("--writes", type=int, default=15, help="writes of each kind timed")
    parser.add_argument("--only", default=None, help="pages whose name contains this")
    parser.add_argument("--no-compression", action="store_true",
                        help="load without Accept-Encoding (the issue's first figures)")
    args = parser.parse_args()

    binary = ensure_wrk()
    temporary = args.workdir is None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gemellaggi-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "FORUM_SECRET_KEY": "bench",
           "FORUM_ENV": "production", "FORUM_SEARCH_INDEX_DIR": str(workdir / "index"),
           "FORUM_UPLOAD_DIR": str(workdir / "uploads"), "WEB_CONCURRENCY": str(args.workers),
           # Its own content version: another site run from this checkout (a load test)
           # would otherwise empty this one's page cache and memos with every write.
           "FORUM_CONTENT_VERSION_FILE": str(workdir / "content-version"),
           "GUNICORN_ACCESS_LOG": "", "GUNICORN_LOG_LEVEL": "warning"}
    env.setdefault("FORUM_BASE_URL", "http://127.0.0.1")
    info = build(workdir, env, args)
    probe = [str(BIN / "python"), str(ROOT / "bench" / "site_probe.py")]
    pages = json.loads(run([*probe, "pages"], env).stdout)
    if args.only:
        pages = [(name, path) for name, path in pages if args.only in name]
    script = workdir / "count.lua"
    script.write_text(WRK_SCRIPT)
    log = workdir / "gunicorn.log"

    site_port, base_port = free_port(), free_port()
    # Production answers only its own address (any other Host is a 400).
    env["FORUM_BASE_URL"] = f"http://127.0.0.1:{site_port}"
    site = serve("wsgi:app", site_port, env, log)
    ceiling = serve("bench.minimal_app:app", base_port, env, log)
    results = {name: [] for name, _ in pages}
    try:
        site_url = f"http://127.0.0.1:{site_port}"
        base_url = f"http://127.0.0.1:{base_port}/"
        for _, path in pages:  # warm-up: templates compiled, searcher open, caches filled
            urllib.request.urlopen(site_url + path, timeout=60).read()
        page_sizes = {name: sizes(site_url + path) for name, path in pages}
        print(f"{'SQLite' if 'sqlite' in database_url else 'PostgreSQL'}, {info['posts']} "
              f"posts, gunicorn {args.workers} sync workers, wrk -t{args.threads} "
              f"-c{args.connections} {args.seconds}s x {args.rounds} rounds, "
              f"{'no compression' if args.no_compression else 'Accept-Encoding gzip/br'}, "
              f"load {load_average()}", flush=True)
        for round_number in range(args.rounds):
            for name, path in pages:
                base = wrk(binary, base_url, args, script)
                drain(base_url)
                page = wrk(binary, site_url + path, args, script)
                drain(site_url + "/healthz")
                page["ratio"] = page["rps"] / base["rps"] if base["rps"] else 0
                page["ceiling"] = base["rps"]
                results[name].append(page)
            print(f"round {round_number + 1} done, load {load_average()}", flush=True)
        rss = worker_rss(site.pid)
        ceiling_rss = worker_rss(ceiling.pid)
    finally:
        for process in (site, ceiling):
            process.terminate()
            process.wait(timeout=30)

    print()
    print(f"{'page':<38}{'ceiling':>8}{'req/s':>8}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'non2xx':>7}{'KB':>7}{'KB gz':>7}")
    for name, _path in pages:
        rows = results[name]

        def med(key, rows=rows):
            return statistics.median(r[key] for r in rows)

        plain, packed = page_sizes[name]
        print(f"{name[:37]:<38}{med('ceiling'):>8.0f}{med('rps'):>8.1f}{med('ratio'):>7.3f}"
              f"{med('p50'):>8.1f}{med('p99'):>8.1f}{sum(r['non2xx'] for r in rows):>7}"
              f"{plain / 1024:>7.1f}{packed / 1024:>7.1f}")
    print()
    print("RSS per worker after the run (MB): site "
          + ", ".join(f"{v:.0f}" for v in rss) + "; ceiling "
          + ", ".join(f"{v:.0f}" for v in ceiling_rss))
    writes = json.loads(run([*probe, "writes", str(args.writes)], env).stdout)
    print("median write through the services, ms (CPU ms): what the member waits (service and"
          " commit) / until search finds it (the index written after the response)")
    for name, ms in writes.items():
        print(f"  {name:<16}{ms['wait']:6.1f} ({ms['wait_cpu']:.1f}) / {ms['searchable']:6.1f}"
              f" ({ms['searchable_cpu']:.1f})")
    print(f"search reindex of the bench data: {info['reindex_s']:.1f} s"
          + (" (measured when the data was built; --reindex to measure again)"
             if info.get("reused") and not args.reindex else ""))
    print("pages:", ", ".join(path for _, path in pages))
    if temporary:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
