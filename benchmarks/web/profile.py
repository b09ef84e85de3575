"""Profile the daily pages in one process with cProfile (docs/performance.md, "Profiling").

Run against a database that holds the demo county (`veiviser demo`), for example the one
`make bench-web` leaves:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/veiviser_bench_web \\
        VEIVISER_ALLOW_SYNTHETIC_FNR=1 VEIVISER_DEBUG=0 \\
        .venv/bin/python -m benchmarks.web.profile --repeat 20 --top 30

For each page (the worklist, the unit's worklist, a youth page, its contact form as htmx fetches
it when opened, the statistics page) it makes
one warm-up request through Django's test client, then `--repeat` requests under cProfile, and
prints the functions with the most cumulative and own time, plus the queries per request and
the median CPU time per request.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from functools import partial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="profiled requests per page")
    parser.add_argument("--top", type=int, default=25, help="functions to print per page")
    parser.add_argument("--page", action="append", help="only these pages (by name)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veiviser.config.settings")
    os.environ.setdefault("VEIVISER_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from veiviser.organisation.models import Role, User
    from veiviser.registry.models import Registration

    year = Registration.objects.order_by("-school_year").values_list("school_year", flat=True)[0]
    advisor = User.objects.filter(role=Role.ADVISOR, is_active=True).order_by("username").first()
    coordinator = (
        User.objects.filter(role=Role.UNIT_COORDINATOR, is_active=True).order_by("username").first()
    )
    person, registration = (
        Registration.objects.filter(advisor=advisor, school_year=year)
        .order_by("pk")
        .values_list("person_id", "pk")[0]
    )
    as_advisor, as_coordinator = Client(), Client()
    as_advisor.force_login(advisor)
    as_coordinator.force_login(coordinator)
    pages = {
        "worklist": (as_advisor, f"/ungdommer/?school_year={year}"),
        "worklist (unit)": (as_coordinator, f"/ungdommer/?school_year={year}&alle=1"),
        "youth page": (as_advisor, f"/ungdom/{person}/"),
        "open a form (contact)": (as_advisor, f"/ungdom/{person}/skjema/contact-{registration}/"),
        "statistics page": (as_coordinator, f"/statistikk/?school_year={year}"),
    }
    for name, (client, url) in pages.items():
        if args.page and name not in args.page:
            continue
        # A form of the youth page comes to htmx (the page fetches it when it is opened).
        headers = {"HX-Request": "true"} if "/skjema/" in url else {}
        get = partial(client.get, headers=headers)
        assert get(url).status_code == 200, url
        captured = []  # an execute wrapper: counts with DEBUG off and across reconnections

        def count(execute, sql, params, many, context, captured=captured):
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            get(url)
        times = []
        # CPU time, not wall time: on a shared machine the wall clock counts other work too.
        profile = cProfile.Profile(time.process_time)
        for _ in range(args.repeat):
            started = time.process_time()
            profile.enable()
            get(url)
            profile.disable()
            times.append(time.process_time() - started)
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(
            f"==== {name} {url}: {len(captured)} queries, "
            f"CPU median {statistics.median(times) * 1000:.1f} ms (under cProfile)"
        )
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
