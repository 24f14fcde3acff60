"""Every sentence a person reads: plain mrkdwn text (Slack fallback, console, CLI), the digest's text,
the help generated from the command table, refusals worded from planner's decisions, and the picture.

Nothing here imports the Slack layer: the console and the CLI render without the Slack SDK.
"""
