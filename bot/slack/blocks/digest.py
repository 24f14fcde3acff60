"""Block Kit for the daily digest: a short channel message and the details as its thread reply.

Pure functions of `planner.digest.build_digest`'s data, worded by bot/digest_text.py (the same
lines as the text fallback), built with the shared helpers of blocks.py and checked as whole
messages by `limits.check_message`. A 2,000-story plan stays readable and within Slack's
limits: the main message has one line per section; the thread splits each section over as many
section blocks as it needs, gives every section a fair share of the message's room (50 blocks,
our payload bound), and says how many items it left out.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import Block, DividerBlock

from bot.i18n import N_, _
from bot.render import digest_text as D
from bot.render import text as T
from bot.render.mrkdwn import truncate
from bot.slack.blocks.limits import MESSAGE_BLOCKS_MAX, MESSAGE_JSON_MAX, SECTION_TEXT_MAX
from bot.slack.blocks.replies import context, finish, header, section

THREAD_LINES = 15  # items per section in the thread
ROW_MAX = 280  # one item's line
MORE = N_("the full digest: `deliverybot digest --json`")  # said inside "…and N more (…)"
_SECTION_ROOM = SECTION_TEXT_MAX - 200  # a section's text, leaving room for its "…and N more" row
_BLOCK_COST = 80  # JSON around one section's text
_RESERVED_CHARS = 2_000  # the opening and closing context blocks, and slack in the estimates
_RESERVED_BLOCKS = 2


def digest_main_blocks(data: dict) -> list[dict]:
    """The channel message: a header, the headline, one context line per section."""
    blocks: list[Block] = [
        header(_("Daily digest — {plan}", plan=data["plan"])),
        section(f"*{T.esc(D.headline_text(data))}*"),
    ]
    lines = D.summary_lines(data)
    room = MESSAGE_BLOCKS_MAX - len(blocks) - 1
    blocks.extend(context(line) for _key, line in lines[:room])
    blocks.append(
        context(_("Nothing waits: no details today.") if data["quiet"] else _("Details in the thread 🧵"))
    )
    return finish(blocks)


def digest_thread_blocks(data: dict, lines_per_section: int = THREAD_LINES) -> list[dict]:
    """The thread reply: every section with up to `lines_per_section` items, "…and N more"
    for the rest. Each section gets an equal share of the room the earlier ones left."""
    blocks: list[Block] = [context(_("*Digest details* — {plan} · {day}", plan=T.esc(data["plan"]),
                                     day=D.digest_day(data)))]
    sections = D.detail_sections(data)
    chars_left = MESSAGE_JSON_MAX - _RESERVED_CHARS
    blocks_left = MESSAGE_BLOCKS_MAX - _RESERVED_BLOCKS
    for i, (_key, title, lines) in enumerate(sections):
        share_chars = chars_left // (len(sections) - i)
        share_blocks = blocks_left // (len(sections) - i)
        texts, used = _section_texts(
            title, lines, lines_per_section, share_chars, share_blocks - (1 if i else 0)
        )
        if i:
            blocks.append(DividerBlock())
        blocks.extend(section(t) for t in texts)
        chars_left -= used
        blocks_left -= len(texts) + (1 if i else 0)
    return finish(blocks)


def _section_texts(
    title: str, lines: list[str], cap: int, chars: int, max_blocks: int
) -> tuple[list[str], int]:
    """`title` and "• line" rows split into section texts of at most 3,000 characters, within
    `chars` of JSON and `max_blocks` blocks; returns the texts and the JSON characters used."""
    chunks: list[list[str]] = [[title]]
    size = len(title)
    used = _BLOCK_COST + _json_len(title) + 200  # + the "…and N more" row
    shown = 0
    for line in lines[:cap]:
        row = "• " + truncate(line, ROW_MAX)
        cost = _json_len(row) + 2
        new_block = size + 1 + len(row) > _SECTION_ROOM
        extra = _BLOCK_COST if new_block else 0
        if used + cost + extra > chars or (new_block and len(chunks) >= max_blocks):
            break
        if new_block:
            chunks.append([])
            size = -1
        chunks[-1].append(row)
        size += len(row) + 1
        used += cost + extra
        shown += 1
    if shown < len(lines):
        chunks[-1].append(_("…and {n} more ({more})", n=D.num(len(lines) - shown), more=_(MORE)))
    return ["\n".join(c) for c in chunks], used


def _json_len(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False)) - 2
