"""The query plans of the main pages on PostgreSQL (docs/performance.md, "Query plans").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/veiviser_bench_web \\
        python -m benchmarks.plans --out benchmarks/results/plans.txt

Run it on a loaded database (after `make bench-web`, which leaves the demo county in
`veiviser_bench_web`). It requests the worklist, a youth page, the unit's worklist, the
statistics page and a statistics drill-down through Django's test client as the demo users,
captures every SQL statement, and runs `EXPLAIN (ANALYZE, BUFFERS)` on each SELECT. It writes
all plans to --out and prints, per page, the statements that read a table of more than
--rows rows with a sequential scan, which is where an index may be missing. The pages are
only read: the EXPLAIN ANALYZE of a SELECT writes nothing (the youth page's audit event is
written by the request itself, as in production).
"""

import argparse
import os
import re
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plans", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1000, help="a 'big' table (1000 rows)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veiviser.config.settings")
    os.environ.setdefault("VEIVISER_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from veiviser.organisation.models import User
    from veiviser.registry.models import Registration

    year = Registration.objects.order_by("-school_year").values_list("school_year", flat=True)[0]
    advisor = User.objects.get(username="silje")
    coordinator = User.objects.get(username="koordinator-tonsberg")
    person = Registration.objects.filter(advisor=advisor, school_year=year).first().person_id
    pages = [
        ("worklist", advisor, f"/ungdommer/?school_year={year}"),
        ("youth page", advisor, f"/ungdom/{person}/"),
        ("worklist (unit)", coordinator, f"/ungdommer/?school_year={year}&alle=1"),
        ("statistics page", coordinator, f"/statistikk/?school_year={year}"),
        (
            "statistics drill-down",
            coordinator,
            f"/statistikk/ungdommer/?school_year={year}&date={year + 1}-06-15&cell=table1.total",
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE n_live_tup > %s",
            [args.rows],
        )
        big = dict(cursor.fetchall())
    report = []
    findings = []
    for name, user, url in pages:
        client = Client()
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        report.append(f"#### {name}: {url} ({len(captured)} statements)\n")
        for n, query in enumerate(captured, start=1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            report.append(f"-- statement {n}\n{sql}\n{plan}\n")
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table in big:
                    findings.append(
                        f"{name}: statement {n}: Seq Scan on {table} ({big[table]:,} rows)"
                    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report))
    print(
        f"tables over {args.rows} rows: {', '.join(f'{t} {n:,}' for t, n in sorted(big.items()))}"
    )
    print("\n".join(findings) or "no sequential scan of a big table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
