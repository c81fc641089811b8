#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    from config.env import MissingVariables

    try:
        execute_from_command_line(sys.argv)
    except MissingVariables as error:
        sys.exit(str(error))  # one line an operator can act on, not a traceback
