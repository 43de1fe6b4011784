"""Write load under an import: do API writes wait instead of failing while a big registry import runs?

    .venv/bin/python bench/write_load.py [--rows 300000] [--users 20] [--think 0.5] [--workdir DIR]

1. Builds a fresh SQLite database in ``--workdir`` (migrate, one city, a bureau, ``--users`` park officers with API
   tokens and one project each) and a registry CSV of ``--rows`` firms.
2. Starts ``zhaoshang serve`` (waitress, 8 threads) on a free port against that database.
3. Baseline (in the same run): ``--users`` users for 15 s, each in a loop: a read (GET /api/projects/) then a
   write (POST /api/followups/), pausing ``--think`` s on average.
4. Under load: the same users while ``zhaoshang firms import`` of the CSV runs in another process, until the import
   ends. Prints requests, errors (must be 0) and p50/p95/max per kind, and the import's time and rows/s.

A run fails (exit 1) on any error. SQLite: every transaction begins IMMEDIATE with a 60 s busy timeout
(zhaoshang.env.SQLITE_OPTIONS), so a write waits for the import's transaction instead of failing; an import commits
in batches of about 0.5 s (registry/importing.py, ``COMMIT_SECONDS``), so a write waits for one batch, not for the
whole import (see bench/README.md). The import's CPU time is printed too (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZHAOSHANG = [sys.executable, "-m", "zhaoshang"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(env: dict[str, str], users: int) -> list[tuple[str, int]]:
    """Migrate and create the users (token, project id) through the services, in a child process."""
    subprocess.run([*ZHAOSHANG, "migrate", "-v", "0"], env=env, check=True)
    script = f"""
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
django.setup()
from rest_framework.authtoken.models import Token
from zhaoshang.accounts.services import ensure_organisation, ensure_user
from zhaoshang.pipeline.services import create_project
city = ensure_organisation(None, code="b-city", name="基准市", kind="city", region_code="430200")
ensure_organisation(None, code="b-bureau", name="基准招商局", kind="bureau", parent=city)
out = []
for i in range({users}):
    park = ensure_organisation(None, code=f"b-park{{i}}", name=f"基准园区{{i}}", kind="park", parent=city)
    user = ensure_user(None, username=f"bench{{i}}", password="bench-password-123", organisation=park, role="park_admin")
    project = create_project(user, name=f"基准项目{{i}}", organisation=park, owner=user, investor_name=f"基准投资方{{i}}有限公司")
    out.append((Token.objects.get_or_create(user=user)[0].key, project.pk))
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    return [tuple(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("企业名称,住所,经营范围\n")
        for i in range(rows):
            handle.write(f"株洲基准{i}科技有限公司,湖南省株洲市天元区{i}号,电子元器件制造与销售\n")


class Load:
    def __init__(self, base: str, users: list[tuple[str, int]], think: float) -> None:
        self.base, self.users, self.think = base, users, think
        self.times: dict[str, list[float]] = {"read": [], "write": []}
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def call(self, kind: str, token: str, url: str, body: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + url,
            data=data,
            method="POST" if body else "GET",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                ok = response.status < 400
                status = response.status
        except urllib.error.HTTPError as exc:
            ok, status = False, exc.code
        except OSError as exc:
            ok, status = False, str(exc)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[kind].append(elapsed)
            if not ok:
                self.errors.append(f"{kind} {url}: {status}")

    def user(self, token: str, project: int) -> None:
        rnd = random.Random(project)
        n = 0
        while not self.stop.is_set():
            self.call("read", token, "/api/projects/")
            n += 1
            body = {"project": project, "date": "2026-03-06", "way": "call", "content": f"基准跟进{n}"}
            self.call("write", token, "/api/followups/", body)
            time.sleep(rnd.expovariate(1 / self.think) if self.think else 0)

    def run(self, until) -> None:  # noqa: ANN001
        threads = [threading.Thread(target=self.user, args=u, daemon=True) for u in self.users]
        for t in threads:
            t.start()
        until()
        self.stop.set()
        for t in threads:
            t.join(timeout=180)

    def report(self, title: str) -> None:
        print(f"\n{title}")
        for kind, times in self.times.items():
            if not times:
                continue
            q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
            print(
                f"  {kind:5}  {len(times):6} requests  p50 {q[49]:8.0f} ms  p95 {q[94]:8.0f} ms  max {max(times):8.0f} ms"
            )
        print(f"  errors: {len(self.errors)}" + (f" (first: {self.errors[0]})" if self.errors else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.5)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="zhaoshang-write-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "ZHAOSHANG_VAR_DIR": str(workdir),
        "ZHAOSHANG_ENV": "development",
        "ZHAOSHANG_DEBUG": "0",
        "ZHAOSHANG_LOGIN_THROTTLING": "0",
    }
    users = build(env, args.users)
    csv_path = workdir / "firms.csv"
    write_csv(csv_path, args.rows)
    port = free_port()
    server = subprocess.Popen(
        [*ZHAOSHANG, "serve", "--port", str(port), "--threads", "8"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        baseline = Load(base, users, args.think)
        baseline.run(lambda: time.sleep(args.baseline_seconds))
        baseline.report(f"baseline: {args.users} users, no import, {args.baseline_seconds:.0f} s")

        under = Load(base, users, args.think)
        started = time.perf_counter()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        importer = subprocess.Popen(
            [*ZHAOSHANG, "firms", "import", str(csv_path), "--org", "b-bureau", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        under.run(importer.wait)
        seconds = time.perf_counter() - started
        cpu_after = resource.getrusage(
            resource.RUSAGE_CHILDREN
        )  # the import only: the server is not reaped yet
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        result = json.loads(importer.stdout.read() or "{}")
        under.report(f"under load: {args.users} users while importing {args.rows:,} rows")
        print(
            f"  import: exit {importer.returncode}, {result.get('created', 0):,} created in {seconds:.0f} s "
            f"({args.rows / seconds:,.0f} rows/s), CPU {cpu:.1f} s"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 1 if baseline.errors or under.errors or importer.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
