"""Top-level CLI commands of each area (see AREAS in app/cli.py); their shared helpers are in common.py."""
