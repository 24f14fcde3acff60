"""Alembic's script directory for the deliverybot schema (`env.py`, `versions/`).

Nothing here is imported by the bot: `storage.schema` points Alembic at this package
(`script_location = storage:migrations`) and runs the revisions under its lock.
"""
