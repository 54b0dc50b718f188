"""Search benchmark: index build time, index size, and /search latency in a running server.

Usage:
    .venv/bin/python bench/search_bench.py [--posts 50000] [--rounds 10] [--workers 2]
        [--database-url postgresql://…] [--workdir DIR --reuse] [--max-seconds 900]

Steps: a temp folder with a SQLite database (or DATABASE_URL given, which must be empty),
`db upgrade` (falling back to create_all when `db check` says the migrations lag behind the
models), `bench-data`, a timed `search reindex`, then gunicorn (2 workers) on a free
127.0.0.1 port, and the fixed query mix of issue 6 through the real /search page: one
untimed warm-up round, then --rounds timed rounds, one request at a time, with the page
cache off (--page-cache keeps it: then the rounds after the first read cached pages).
Besides each request's wall time, the workers' CPU time per request (from /proc), which a
busy machine changes much less. Figures, not assertions: speed is measured here, never in
the test suite.

Queries come from the generated vocabulary by frequency rank (bench/wordlist/, stop words
excluded: the analysers drop them, so rank 10 is the tenth commonest *searchable* word).
"""
import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import BIN, ROOT, free_port, wait_for

WORDLISTS = ROOT / "bench" / "wordlist"


def words(lang: str) -> list[str]:
    return (WORDLISTS / f"{lang}.txt").read_text(encoding="utf-8").split()


def query_mix() -> list[tuple[str, dict]]:
    """(class, query-string parameters): the fixed mix of the issue."""
    it, en = words("it"), words("en")

    def r(rank, lang=it):
        return lang[rank - 1]

    def prefix(word, n):
        return word[:max(4, n)] + "*"

    mix = [("single", {"q": r(rank)}) for rank in (10, 100, 1000, 5000, 20000)]
    mix += [("two words", {"q": f"{r(a, lang)} {r(b, lang)}"}) for a, b, lang in
            ((10, 100, it), (50, 500, it), (200, 2000, it), (1000, 3000, it), (10, 100, en))]
    mix += [("phrase", {"q": q}) for q in
            (f'"{r(1)} {r(2)}"', '"pubblica amministrazione"', '"citizen engagement"')]
    mix += [("prefix", {"q": q}) for q in
            (prefix(r(10), 4), prefix(r(300), 5), prefix(r(40, en), 4))]
    mix += [("filtered", {"q": r(100), "type": "post", "city": "lecce"}),
            ("filtered", {"q": r(1000), "type": "practice", "city": "bergamo"})]
    mix += [("no hits", {"q": "zqxwvutbench"}), ("no hits", {"q": "qwertzuiop asdfghjkl"})]
    return mix


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=ROOT, env=env, **kwargs)
    if done.returncode:
        sys.stderr.write(str(done.stderr or ""))
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command[1:])}")
    return done


def prepare_schema(flask: list[str], env: dict, sqlite_path: Path | None) -> str:
    run([*flask, "db", "upgrade"], env, capture_output=True)
    check = subprocess.run([*flask, "db", "check"], cwd=ROOT, env=env, capture_output=True)
    if check.returncode == 0:
        return "db upgrade"
    # The migrations lag behind the models (the lead writes revisions last): build the
    # schema from the models instead, on a fresh database.
    if sqlite_path is None:
        raise SystemExit("the migrations lag behind the models; use SQLite or an upgraded DB")
    sqlite_path.unlink(missing_ok=True)
    run([str(BIN / "python"), "-c",
         "from forum import create_app\nfrom forum.extensions import db\n"
         "app = create_app()\nwith app.app_context(): db.create_all()"], env)
    return "create_all (migrations lag behind the models)"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def current_generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    return time.perf_counter() - start, response.status, body


def workers_cpu(master: int) -> float:
    """CPU seconds the server's workers have used (user + system, from /proc): on a shared
    machine, what a request costs, where its wall time also counts the other programs."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=50000)
    parser.add_argument("--discussions", type=int, default=2000)
    parser.add_argument("--practices", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None,
                        help="an empty database to fill instead of a temp SQLite file")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="folder for the database and index (default: a temp folder)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --workdir: keep its data and index, measure queries only")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--max-seconds", type=float, default=900,
                        help="stop the timed rounds after this long")
    parser.add_argument("--page-cache", action="store_true",
                        help="keep production's page cache for visitors (by default it is off: "
                             "with it, every round after the first reads cached pages)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gemellaggi-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sqlite_path = None if args.database_url else workdir / "bench.db"
    database_url = args.database_url or f"sqlite:///{sqlite_path}"
    index_dir = workdir / "index"
    env = {**os.environ, "DATABASE_URL": database_url, "FORUM_SECRET_KEY": "bench",
           "FORUM_SEARCH_INDEX_DIR": str(index_dir), "FORUM_UPLOAD_DIR": str(workdir / "up"),
           "FORUM_ENV": "development"}
    flask = [str(BIN / "flask"), "--app", "forum"]
    print(f"folder {workdir}, database {'SQLite' if sqlite_path else 'DATABASE_URL'}, "
          f"{os.cpu_count()} cores")
    try:
        if not (args.reuse and (index_dir / "CURRENT").exists()):
            schema = prepare_schema(flask, env, sqlite_path)
            print(f"schema: {schema}")
            started = time.perf_counter()
            out = run([*flask, "bench-data", "--posts", str(args.posts), "--discussions",
                       str(args.discussions), "--practices", str(args.practices), "--calls",
                       str(args.calls), "--members", str(args.members)], env,
                      capture_output=True, text=True).stdout
            print(f"bench-data: {time.perf_counter() - started:.1f} s; "
                  + ", ".join(line for line in out.splitlines() if ":" in line
                              and not line.startswith("The search")))
            started = time.perf_counter()
            run([*flask, "search", "reindex"], env, capture_output=True)
            build = time.perf_counter() - started
            print(f"index build (search reindex, whole command): {build:.1f} s")
        generation = current_generation(index_dir)
        print(f"index size on disk: {folder_size(generation) / 2**20:.1f} MiB "
              f"({generation.name})")
        measure(args, env)
    finally:
        if not (args.keep or args.workdir):
            shutil.rmtree(workdir, ignore_errors=True)


def measure(args, env: dict) -> None:
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "--timeout", "60", "wsgi:app"]
    # Served as in production; the data was made in development (bench-data refuses
    # production without --yes-i-know).
    # (gunicorn reads ./gunicorn.conf.py too: its access log would drown the figures.)
    served = {**env, "FORUM_ENV": "production", "FORUM_BASE_URL": f"http://127.0.0.1:{port}",
              "GUNICORN_ACCESS_LOG": ""}
    if not args.page_cache:
        # The same query within FORUM_PAGE_CACHE_SECONDS is a cached page, not a search; a
        # member signed in, or any new query, never is.
        served["FORUM_PAGE_CACHE_SECONDS"] = "0"
    server = subprocess.Popen(command, cwd=ROOT, env=served)
    try:
        wait_for(port, server)
        mix = query_mix()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        samples: dict[str, list[float]] = {}
        errors: list[str] = []
        per_query: dict[str, list[float]] = {}
        cpu_samples: dict[str, list[float]] = {}
        deadline = time.monotonic() + args.max_seconds
        rounds_done = 0
        # Round 0 warms both workers' caches and is not counted.
        for round_no in range(args.rounds + 1):
            if time.monotonic() > deadline:
                print(f"time limit reached after {rounds_done} timed rounds")
                break
            for cls, params in mix:
                path = "/search?" + urlencode(params)
                cpu = workers_cpu(server.pid)
                elapsed, status, body = fetch(conn, path)
                cpu = workers_cpu(server.pid) - cpu
                if status != 200 or b"search-results" not in body and cls != "no hits":
                    errors.append(f"{status} {path}")
                if round_no:
                    samples.setdefault(cls, []).append(elapsed)
                    per_query.setdefault(path, []).append(elapsed)
                    cpu_samples.setdefault(cls, []).append(cpu)
            rounds_done = round_no
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    report(samples, per_query, errors, rounds_done, args.workers, args.page_cache)
    report_cpu(cpu_samples)


def report(samples, per_query, errors, rounds, workers, page_cache=False) -> None:
    print(f"\n{rounds} timed rounds of {sum(len(v) for v in samples.values()) // max(rounds, 1)} "
          f"queries, one at a time, gunicorn {workers} workers (after 1 warm-up round), "
          f"page cache {'on' if page_cache else 'off'}; "
          f"load average now {os.getloadavg()[0]:.1f} (other work on the machine slows "
          f"every figure)")
    print(f"{'class':<12}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    everything = []
    for cls, values in samples.items():
        everything += values
        ms = [v * 1000 for v in values]
        print(f"{cls:<12}{len(ms):>5}{pct(ms, 50):>9.0f}{pct(ms, 95):>9.0f}{pct(ms, 99):>9.0f}"
              f"{max(ms):>9.0f}")
    if everything:
        ms = [v * 1000 for v in everything]
        print(f"{'overall':<12}{len(ms):>5}{pct(ms, 50):>9.0f}{pct(ms, 95):>9.0f}"
              f"{pct(ms, 99):>9.0f}{max(ms):>9.0f}")
    print("\nslowest queries (median ms):")
    for path, values in sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:6]:
        print(f"  {statistics.median(values) * 1000:7.0f}  {path}")
    if errors:
        print(f"\n{len(errors)} bad responses, e.g. {errors[:3]}")


def report_cpu(cpu_samples) -> None:
    """The workers' CPU time per request, by class: steadier than wall time on a busy machine
    (the kernel counts it in ticks, usually 10 ms, hence the mean beside the median)."""
    print("\nserver CPU per request (workers' user + system time, ms):")
    print(f"{'class':<12}{'mean':>7}{'p50':>7}{'p95':>7}{'max':>7}")
    everything = []
    for cls, values in cpu_samples.items():
        everything += values
        ms = [v * 1000 for v in values]
        print(f"{cls:<12}{statistics.mean(ms):>7.0f}{pct(ms, 50):>7.0f}{pct(ms, 95):>7.0f}"
              f"{max(ms):>7.0f}")
    if everything:
        ms = [v * 1000 for v in everything]
        print(f"{'overall':<12}{statistics.mean(ms):>7.0f}{pct(ms, 50):>7.0f}"
              f"{pct(ms, 95):>7.0f}{max(ms):>7.0f}")


if __name__ == "__main__":
    main()
