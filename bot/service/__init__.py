"""The one service every way in calls (Slack, console, CLI), and the command table it dispatches from.

`delivery.py` holds `DeliveryService`; `table.py` declares every command once; one module per
group of commands holds their handlers (`queries`, `transitions`, `team`, `digest`).
"""
