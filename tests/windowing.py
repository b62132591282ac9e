"""Making a test's window the active one, for keys that go to window or widget shortcuts."""

from __future__ import annotations

SETTLE_MS = 200


def show_active(qtbot, widget) -> None:
    """Show the top-level widget and make it the active window, and keep it so once the window system has had
    its say. Offscreen, activation is immediate and final. With Qt's windows platform under Wine it comes in
    steps: active at once, then a deactivation and a new activation as the window system's own messages
    arrive; a key sent in between reaches no shortcut (Enter, Delete, Ctrl+S did nothing)."""
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
    qtbot.wait(SETTLE_MS)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=3000)
