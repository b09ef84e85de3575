"""The simulated users of the web load test (run by benchmarks/web/run.py, not by hand).

The plan (a JSON file named by BENCH_WEB_PLAN, written by run.py from the loaded database)
lists the demo advisors with the registrations in their caseload, the coordinators, the
password and the school year. Each simulated user logs in as one demo user, round robin, so
50 simulated users share the demo's ten advisors, each with their own session.

- `Baseline`: the minimal view /bench/ping/, nothing else (the baseline phase);
- `Advisor` (4 of 5 users): worklist, a youth page from the caseload, a contact recorded;
- `Coordinator` (1 of 5): the unit's worklist and the statistics page.

Wait times between two requests of one user are BENCH_WEB_WAIT ("min,max" seconds), the same
in both phases.
"""

import itertools
import json
import os
import random
from datetime import datetime
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_WEB_PLAN"]).read_text())
WAIT = between(*(float(x) for x in os.environ.get("BENCH_WEB_WAIT", "5,15").split(",")))
YEAR = PLAN["school_year"]
_advisors = itertools.cycle(PLAN["advisors"])
_coordinators = itertools.cycle(PLAN["coordinators"])


def log_in(user: HttpUser, username: str) -> None:
    user.client.get("/logg-inn/", name="log in (form)")
    token = user.client.cookies.get("csrftoken", "")
    with user.client.post(
        "/logg-inn/",
        data={"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": token},
        name="log in",
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302 or "/logg-inn/" in response.headers.get("Location", ""):
            response.failure(f"login as {username} refused ({response.status_code})")


class Baseline(HttpUser):
    wait_time = WAIT

    @task
    def ping(self):
        self.client.get("/bench/ping/", name="baseline: minimal view")


class Advisor(HttpUser):
    wait_time = WAIT
    weight = 4

    def on_start(self):
        me = next(_advisors)
        self.caseload = me["caseload"]
        log_in(self, me["username"])

    @task(4)
    def worklist(self):
        self.client.get(f"/ungdommer/?school_year={YEAR}", name="worklist")

    @task(4)
    def youth_page(self):
        person, _registration = random.choice(self.caseload)
        self.client.get(f"/ungdom/{person}/", name="youth page")

    @task(1)
    def record_contact(self):
        person, registration = random.choice(self.caseload)
        token = self.client.cookies.get("csrftoken", "")
        prefix = f"c{registration}"
        with self.client.post(
            f"/tilmelding/{registration}/kontakt/",
            data={
                "csrfmiddlewaretoken": token,
                f"{prefix}-at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
                f"{prefix}-channel": "phone",
                f"{prefix}-outcome": "no_answer",
                f"{prefix}-note": "Belastningstest",
            },
            headers={"Referer": f"{self.host}/ungdom/{person}/"},
            name="record contact",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"contact not recorded ({response.status_code})")


class Coordinator(HttpUser):
    wait_time = WAIT
    weight = 1

    def on_start(self):
        log_in(self, next(_coordinators))

    @task(3)
    def unit_worklist(self):
        self.client.get(f"/ungdommer/?school_year={YEAR}&alle=1", name="worklist (unit)")

    @task(1)
    def statistics(self):
        self.client.get(f"/statistikk/?school_year={YEAR}", name="statistics page")
