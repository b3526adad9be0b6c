"""The `chiso` command: Django's manage.py, plus `chiso index ...` for the engine.

`chiso index` runs the Django-free scoring engine without configuring Django, so the
engine's command line works in a plain `pip install chiso` with no database.
"""

import os
import sys


def main() -> None:
    argv = sys.argv
    if len(argv) > 1 and argv[1] == "index":
        from chiso.index.cli import main as index_main

        sys.exit(index_main(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
