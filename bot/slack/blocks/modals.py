"""Modals opened by buttons (`views.open` payloads): evidence for done, a reason for changes,
the pull request and reviewer for review. Pure functions.

Every modal carries private_metadata JSON {"plan", "story", "channel"} and the block/action ids
that bot.slack documents, so the submission listener turns it into the same command a person
would type.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import _
from bot.render import text as T
from bot.render.mrkdwn import truncate
from bot.slack import MODAL_CHANGES, MODAL_DONE, MODAL_REVIEW
from bot.slack.blocks.limits import check_view
from bot.slack.payloads import ModalMetadata

LINK_MAX = 2000  # characters a link field accepts
REASON_MAX = 1000


def done_modal(
    plan: str | None, story_label: str, story_id: str, channel: str | None, initial_link: str | None = None
) -> dict:
    """Approve a story in review: input block "evidence", action "link" (-> /done ID LINK)."""
    return _modal(
        MODAL_DONE,
        _("Mark done"),
        _("Done"),
        plan,
        story_id,
        channel,
        [
            _about(
                story_label,
                _("Approve it with the evidence that it works: the merged pull request, "
                  "the pipeline run or the document."),
            ),
            _link_input(_("Evidence link"), initial_link),
        ],
    )


def changes_modal(
    plan: str | None, story_label: str, story_id: str, channel: str | None, initial_link: str | None = None
) -> dict:
    """Send a story in review back: input block "reason", action "text", multiline
    (-> /review ID changes TEXT). `initial_link` is accepted for a uniform call and unused."""
    reason = InputBlock(
        block_id="reason",
        label=PlainTextObject(text=_("What should change?")),
        element=PlainTextInputElement(
            action_id="text",
            multiline=True,
            max_length=REASON_MAX,
            placeholder=PlainTextObject(text=_("The tests miss the failover case…")),
        ),
    )
    return _modal(
        MODAL_CHANGES,
        _("Request changes"),
        _("Send back"),
        plan,
        story_id,
        channel,
        [_about(story_label, _("It goes back to in progress; its holder gets your words.")), reason],
    )


def review_modal(
    plan: str | None, story_label: str, story_id: str, channel: str | None, initial_link: str | None = None
) -> dict:
    """Send a story to review: blocks "evidence"/"link" and optional "reviewer"/"user"
    (-> /review ID LINK @U)."""
    reviewer = InputBlock(
        block_id="reviewer",
        label=PlainTextObject(text=_("Reviewer")),
        optional=True,
        element=UserSelectElement(
            action_id="user", placeholder=PlainTextObject(text=_("Who should review it?"))
        ),
        hint=PlainTextObject(text=_("They get a DM with Approve and Request changes buttons.")),
    )
    return _modal(
        MODAL_REVIEW,
        _("Send to review"),
        _("Send"),
        plan,
        story_id,
        channel,
        [
            _about(story_label, _("Attach the pull request to review.")),
            _link_input(_("Pull request link"), initial_link),
            reviewer,
        ],
    )


def _modal(
    callback_id: str,
    title: str,
    submit: str,
    plan: str | None,
    story_id: str,
    channel: str | None,
    blocks: list[Block],
) -> dict:
    view = View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text=_("Cancel")),
        private_metadata=ModalMetadata(story=story_id, plan=plan, channel=channel).encode(),
        blocks=blocks,
    ).to_dict()
    return check_view(view)


def _about(story_label: str, what: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=f"*{T.esc(truncate(story_label, 300))}*\n{what}"))


def _link_input(label: str, initial_link: str | None) -> InputBlock:
    return InputBlock(
        block_id="evidence",
        label=PlainTextObject(text=label),
        element=PlainTextInputElement(
            action_id="link",
            placeholder=PlainTextObject(text="https://…"),
            initial_value=initial_link[:LINK_MAX] if initial_link else None,
            max_length=LINK_MAX,
        ),
    )
