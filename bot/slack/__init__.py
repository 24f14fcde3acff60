"""The Slack side of deliverybot: Bolt app, listeners, Block Kit builders and notification delivery.

Kept out of the CLI path: nothing here is imported by `deliverybot cmd` unless --json asks for
blocks. The contracts shared by blocks and listeners live here so they can't drift apart.
"""

from bot.service.table import slack_commands

# Every slash command the app registers, from the command table; manifest.yaml must list exactly
# these (a test checks).
COMMANDS = slack_commands()

# Interactive ids: buttons carry JSON values {"plan": slug, "story": id}; modals carry the same
# in private_metadata (plus "channel"), so every click becomes a service command with the plan.
ACTION_START = "start_story"  # button -> /start ID
ACTION_PREPARE = "prepare_story"  # button -> /prepare ID
ACTION_DONE = "done_story"  # button -> opens MODAL_DONE
ACTION_APPROVE = "approve_review"  # reviewer's DM button -> opens MODAL_DONE prefilled with the PR link
ACTION_CHANGES = "request_changes"  # reviewer's DM button -> opens MODAL_CHANGES
ACTION_REVIEW = "review_story"  # holder's button -> opens MODAL_REVIEW
MODAL_DONE = "done_modal"  # input block "evidence" / action "link" -> /done ID LINK
MODAL_CHANGES = "changes_modal"  # input block "reason" / action "text" -> /review ID changes TEXT
MODAL_REVIEW = "review_modal"  # blocks "evidence"/"link" and "reviewer"/"user" -> /review ID LINK @U
