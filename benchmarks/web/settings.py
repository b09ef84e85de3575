"""Veiviser's own settings, with a URLconf that adds the baseline view. Benchmark-only: the
production URLconf (veiviser.config.urls) never has it."""

from veiviser.config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.web.urls"
