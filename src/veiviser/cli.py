"""The `veiviser` command: Django's management commands plus Veiviser's own.

`veiviser demo`, `veiviser import`, `veiviser export` … are management commands of the apps;
`veiviser help` lists them all.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veiviser.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "veiviser"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
