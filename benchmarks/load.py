"""Load against one and against two app servers: locust, headless, bounded in time, loopback only.

    bin/cluster start --seed                    # PostgreSQL, Redis, worker, 2 gunicorn, nginx
    .venv/bin/python benchmarks/load.py         # -u 20 -t 20s per run (see --help)
    bin/cluster stop

Runs the mix of benchmarks/locustfile.py (anonymous pages, API lists, search, 界别组长 wizard steps)
twice: straight at one app server (127.0.0.1:8001), then at nginx (127.0.0.1:8080), which spreads the
same load over both. Prints, for each request kind, requests per second and p50 / p95 latency (ms),
one server beside two. Two servers on one machine share its cores: the figure that should improve is
the logged-in (uncached) latency under load, not the cached pages, which are a Redis read either way.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGETS = [("一台", "http://127.0.0.1:8001"), ("两台（nginx）", "http://127.0.0.1:8080")]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def run_locust(host, users, seconds, out):
    if urlsplit(host).hostname not in LOOPBACK:
        sys.exit(f"只对本机施压：{host} 不是 127.0.0.1。")
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless", "--only-summary", "--host", host,
        "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s", "--stop-timeout", "5",
        "--csv", str(out), "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env={**os.environ}, check=False, stdout=subprocess.DEVNULL)
    with open(f"{out}_stats.csv", newline="", encoding="utf-8") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def figure(row, column, digits=0):
    value = float(row.get(column) or 0)
    return f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-u", "--users", type=int, default=20)
    parser.add_argument("-t", "--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=15, help="untimed seconds first (0: none)")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory(prefix="lianxin-load-") as folder:
        # A fresh cluster has an empty page cache and no renditions yet: the first run would pay for
        # both and the second would not. One untimed run through both servers fills them first.
        if args.warmup:
            print(f"==> 预热 {args.warmup} 秒（不计入）", flush=True)
            run_locust(TARGETS[1][1], args.users, args.warmup, Path(folder) / "warmup")
        for label, host in TARGETS:
            print(f"==> {label}：{host}，{args.users} 个用户，{args.seconds} 秒", flush=True)
            results[label] = run_locust(host, args.users, args.seconds, Path(folder) / f"run{len(results)}")

    names = [name for name in results[TARGETS[0][0]] if name != "Aggregated"] + ["Aggregated"]
    header = f"{'请求':<14}" + "".join(
        f"{label + ' 次/秒':>14}{'p50 ms':>9}{'p95 ms':>9}{'失败':>6}" for label, _ in TARGETS
    )
    print()
    print(header)
    for name in names:
        line = f"{'合计' if name == 'Aggregated' else name:<14}"
        for label, _ in TARGETS:
            row = results[label].get(name, {})
            line += f"{figure(row, 'Requests/s', 1):>16}{figure(row, '50%'):>9}{figure(row, '95%'):>9}"
            line += f"{figure(row, 'Failure Count'):>6}"
        print(line)


if __name__ == "__main__":
    main()
