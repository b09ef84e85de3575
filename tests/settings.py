"""Settings for the test suite: the project's settings with synthetic identity numbers allowed
(tests, like the demo, use only synthetic persons) and a fast password hasher."""

import os

os.environ.setdefault("VEIVISER_ALLOW_SYNTHETIC_FNR", "1")

from veiviser.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
