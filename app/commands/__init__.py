"""Top-level CLI commands of each area (see AREA_COMMANDS in app/cli.py)."""
