"""Data files (icons, templates, demo sources), read with importlib.resources so they load from a
checkout, an installed wheel and a frozen bundle alike."""

from importlib.resources import files


def resource_bytes(*parts: str) -> bytes:
    path = files(__name__)
    for part in parts:
        path = path / part
    return path.read_bytes()
