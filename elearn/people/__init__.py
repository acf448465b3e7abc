"""Administering people and units in the browser: search, create, edit, reset, deactivate, import; the unit tree."""
