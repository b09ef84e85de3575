"""Production settings: unsafe defaults refused, `check --deploy` clean."""

import os
import secrets
import subprocess
import sys

import pytest


def run(tmp_path, *args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VEIVISER_")
        and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(VEIVISER_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "veiviser", *args], env=environment, capture_output=True, text=True
    )


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        VEIVISER_ENV="production",
        VEIVISER_SECRET_KEY=secrets.token_urlsafe(50),
        VEIVISER_ALLOWED_HOSTS="ot.example.no",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "VEIVISER_SECRET_KEY"),
        ({"VEIVISER_SECRET_KEY": "x" * 50, "VEIVISER_DEBUG": "1"}, "VEIVISER_DEBUG"),
        (
            {"VEIVISER_SECRET_KEY": "x" * 50, "VEIVISER_ALLOW_SYNTHETIC_FNR": "1"},
            "VEIVISER_ALLOW_SYNTHETIC_FNR",
        ),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, env, message):
    result = run(tmp_path, "check", VEIVISER_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_an_unknown_environment_name_is_refused(tmp_path):
    result = run(tmp_path, "check", VEIVISER_ENV="prod")
    assert result.returncode != 0
    assert "VEIVISER_ENV" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VEIVISER_REMINDER_TIME": "7am"}, "VEIVISER_REMINDER_TIME must be HH:MM"),
        ({"VEIVISER_REMINDER_DAYS": "mon,tue"}, "VEIVISER_REMINDER_DAYS must be weekday"),
        ({"VEIVISER_TWO_FACTOR_ROLES": "boss"}, "VEIVISER_TWO_FACTOR_ROLES names unknown roles"),
    ],
)
def test_a_bad_schedule_or_role_setting_is_refused_with_its_name(tmp_path, env, message):
    result = run(tmp_path, "check", **env)
    assert result.returncode != 0
    assert message in result.stderr
