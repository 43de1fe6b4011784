"""Locust users for `bench/pipeline_load.py`: each is one logged-in cadre opening the project list, a project page
or the workbench (equally often), pausing ``PIPELINE_BENCH_THINK`` seconds on average between clicks. Started by pipeline_load.py, which passes the
sessions (cookie + the user's project ids) in the JSON file named by ``PIPELINE_BENCH_SESSIONS``.

    locust -f bench/pipeline_locustfile.py --headless -u 20 -r 20 -t 30s --host http://127.0.0.1:8765
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, between, constant, task

with open(os.environ["PIPELINE_BENCH_SESSIONS"], encoding="utf-8") as handle:
    SESSIONS = json.load(handle)
_NEXT = itertools.count()
THINK = float(os.environ.get("PIPELINE_BENCH_THINK", "0"))


class Cadre(FastHttpUser):  # geventhttpclient: less client CPU on a 2-core machine
    # A cadre reads each page before the next click: THINK seconds on average (0: no pause, a saturation test).
    wait_time = between(0.5 * THINK, 1.5 * THINK) if THINK else constant(0)

    def on_start(self) -> None:
        n = next(_NEXT)
        session = SESSIONS[n % len(SESSIONS)]
        self.rng = random.Random(n)
        self.ids = session["ids"]
        self.headers = {"Cookie": f"sessionid={session['key']}", "Accept-Language": "zh-hans"}

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def project_list(self) -> None:
        self._get(f"/pipeline/?page={self.rng.randint(1, 20)}", "project list")

    @task
    def project_page(self) -> None:
        self._get(f"/pipeline/{self.rng.choice(self.ids)}/", "project page")

    @task
    def workbench(self) -> None:
        self._get("/", "workbench")
