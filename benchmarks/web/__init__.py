"""The web load test (`make bench-web`, docs/performance.md): Veiviser under gunicorn and
PostgreSQL with the demo county, driven by locust's simulated advisors, against a minimal
Django view on the same server as the baseline. Benchmark-only: nothing here is imported by
the application."""
