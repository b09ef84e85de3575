"""The simulated users of the web load test (run by benchmarks/web/run.py, not by hand).

The plan (a JSON file named by BENCH_WEB_PLAN, written by run.py from the loaded database)
lists the demo advisors with the registrations in their caseload, the coordinators, the
password and the school year. Each simulated user logs in once, when it starts, as one demo
user (round robin, so 50 simulated users share the demo's ten advisors, each with their own
session): that is the morning's log-in, made while the users are being started (the ramp-up).

- `Baseline`: the minimal view /bench/ping/, nothing else (the baseline phase);
- `Advisor` (4 of 5 users): the worklist, a youth page from the caseload, and recording a
  contact there (opening the form, which the page fetches when it is opened, then posting it);
- `Coordinator` (1 of 5): the unit's worklist and the statistics page.

Wait times between two requests of one user are BENCH_WEB_WAIT ("min,max" seconds), the same
in both phases.

Every request is also written, with when it started, to BENCH_WEB_RECORD (JSON, when locust
quits), with the moment the last user was started and the moment the test began to stop:
run.py takes the log-ins and the steady state (after the ramp-up and a warm-up) from it.
"""

import itertools
import json
import os
import random
import time
from datetime import datetime
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["BENCH_WEB_PLAN"]).read_text())
WAIT = between(*(float(x) for x in os.environ.get("BENCH_WEB_WAIT", "5,15").split(",")))
YEAR = PLAN["school_year"]
LOG_IN, LOG_IN_FORM = "log in", "log in (form)"
_advisors = itertools.cycle(PLAN["advisors"])
_coordinators = itertools.cycle(PLAN["coordinators"])

# -- the record of every request ------------------------------------------------------------

RECORD = {"requests": [], "spawning_complete": None, "stopping": None, "started": time.time()}


@events.request.add_listener
def _record(name, response_time, exception=None, start_time=None, **_kw):
    started = start_time if start_time is not None else time.time() - response_time / 1000
    RECORD["requests"].append([name, started, response_time, exception is not None])


@events.spawning_complete.add_listener
def _spawned(user_count, **_kw):
    RECORD["spawning_complete"] = time.time()


@events.test_stopping.add_listener
def _stopping(**_kw):
    RECORD["stopping"] = time.time()


@events.quitting.add_listener
def _write(**_kw):
    path = os.environ.get("BENCH_WEB_RECORD")
    if path:
        Path(path).write_text(json.dumps(RECORD))


# -- the users ------------------------------------------------------------------------------


def log_in(user: HttpUser, username: str) -> None:
    user.client.get("/logg-inn/", name=LOG_IN_FORM)
    token = user.client.cookies.get("csrftoken", "")
    with user.client.post(
        "/logg-inn/",
        data={"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": token},
        name=LOG_IN,
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
        with self.client.get(
            f"/ungdom/{person}/skjema/contact-{registration}/",
            headers={"HX-Request": "true"},
            name="open a form (contact)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "<form" not in response.text:
                response.failure(f"no contact form ({response.status_code})")
                return
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
