"""Kept for ``engine.understand.language``'s import only: the screen moved.

The cue book's and the linter's literal screens are one module now,
``engine.literal_screen``; import ``Screen`` from there.
"""

from roundwise.engine.literal_screen import Screen as Screen
