"""Block Kit limits the SDK does not check for a whole payload.

`slack_sdk.models` validates one block at a time (a section's text, a button's value, ...);
Slack also refuses a message with more than 50 blocks (100 in a modal or App Home), and a
payload that is simply too big. `check_message` / `check_view` re-check every documented limit on
the final dicts, so a builder bug fails loudly in the tests instead of as `invalid_blocks` in
production. Each error names the limit and a JSON pointer to the offending part.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
CONTEXT_TEXT_MAX = 3000
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ID_MAX = 255  # block_id, action_id, callback_id
VIEW_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000
# Our own sanity bounds on the serialised payload (Slack documents no exact figure): a message
# this big is unreadable anyway, and a runaway list shows up here before Slack refuses it.
MESSAGE_JSON_MAX = 40_000
VIEW_JSON_MAX = 150_000

def check_message(blocks: list[dict]) -> list[dict]:
    """Raise ValueError when `blocks` would be refused as a message's blocks; return them unchanged."""
    _raise(_check_blocks(blocks, MESSAGE_BLOCKS_MAX, "/blocks"))
    size = len(json.dumps(blocks, ensure_ascii=False))
    if size > MESSAGE_JSON_MAX:
        raise ValueError(f"blocks serialise to {size} characters, over the {MESSAGE_JSON_MAX} sanity bound")
    return blocks


def check_view(view: dict) -> dict:
    """Raise ValueError when `view` (a modal or App Home) would be refused; return it unchanged."""
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append(f"/view/type: must be modal or home, not {kind!r}")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        errors.append("/view/blocks: missing")
    else:
        errors.extend(_check_blocks(blocks, VIEW_BLOCKS_MAX, "/view/blocks"))
    if kind == "modal":
        title = (view.get("title") or {}).get("text")
        if not title:
            errors.append("/view/title: a modal needs a title")
        for key in ("title", "submit", "close"):
            label = (view.get(key) or {}).get("text") or ""
            if len(label) > VIEW_TITLE_MAX:
                errors.append(_too_long(f"/view/{key}/text", len(label), VIEW_TITLE_MAX))
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > PRIVATE_METADATA_MAX:
        errors.append(_too_long("/view/private_metadata", len(metadata), PRIVATE_METADATA_MAX))
    callback = view.get("callback_id")
    if isinstance(callback, str) and len(callback) > ID_MAX:
        errors.append(_too_long("/view/callback_id", len(callback), ID_MAX))
    _raise(errors)
    size = len(json.dumps(view, ensure_ascii=False))
    if size > VIEW_JSON_MAX:
        raise ValueError(f"view serialises to {size} characters, over the {VIEW_JSON_MAX} sanity bound")
    return view


# -- the checks ------------------------------------------------------------------------------


def _raise(errors: list[str]) -> None:
    if errors:
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ValueError("Block Kit limit broken: " + "; ".join(errors[:5]) + more)


def _too_long(ptr: str, got: int, limit: int) -> str:
    return f"{ptr}: {got} characters, limit {limit}"


def _too_many(ptr: str, what: str, got: int, limit: int) -> str:
    return f"{ptr}: {got} {what}, limit {limit}"


def _check_blocks(blocks: object, limit: int, ptr: str) -> list[str]:
    if not isinstance(blocks, list):
        return [f"{ptr}: must be a list of blocks"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(_too_many(ptr, "blocks", len(blocks), limit))
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{ptr}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"{here}: not a block (no type)")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen:
                errors.append(f"{here}/block_id: duplicate block_id {block_id!r}")
            seen.add(block_id)
            if len(block_id) > ID_MAX:
                errors.append(_too_long(f"{here}/block_id", len(block_id), ID_MAX))
        errors.extend(_check_block(block, here))
    return errors


def _check_block(block: dict, here: str) -> list[str]:
    errors: list[str] = []
    kind = block["type"]
    if kind == "section":
        text = (block.get("text") or {}).get("text")
        fields = block.get("fields") or []
        if text is None and not fields:
            errors.append(f"{here}: a section needs text or fields")
        if text is not None:
            if not text.strip():
                errors.append(f"{here}/text/text: empty section text")
            if len(text) > SECTION_TEXT_MAX:
                errors.append(_too_long(f"{here}/text/text", len(text), SECTION_TEXT_MAX))
        if len(fields) > SECTION_FIELDS_MAX:
            errors.append(_too_many(f"{here}/fields", "fields", len(fields), SECTION_FIELDS_MAX))
        for j, f in enumerate(fields):
            if len(f.get("text", "")) > FIELD_TEXT_MAX:
                errors.append(_too_long(f"{here}/fields/{j}/text", len(f["text"]), FIELD_TEXT_MAX))
        if "accessory" in block:
            errors.extend(_check_elements([block["accessory"]], f"{here}/accessory"))
    elif kind == "header":
        text = (block.get("text") or {}).get("text") or ""
        if not text.strip():
            errors.append(f"{here}/text/text: empty header")
        if len(text) > HEADER_TEXT_MAX:
            errors.append(_too_long(f"{here}/text/text", len(text), HEADER_TEXT_MAX))
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements:
            errors.append(f"{here}/elements: a context block needs elements")
        if len(elements) > CONTEXT_ELEMENTS_MAX:
            errors.append(_too_many(f"{here}/elements", "elements", len(elements), CONTEXT_ELEMENTS_MAX))
        for j, el in enumerate(elements):
            if len(el.get("text", "")) > CONTEXT_TEXT_MAX:
                errors.append(_too_long(f"{here}/elements/{j}/text", len(el["text"]), CONTEXT_TEXT_MAX))
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements:
            errors.append(f"{here}/elements: an actions block needs elements")
        if len(elements) > ACTIONS_ELEMENTS_MAX:
            errors.append(_too_many(f"{here}/elements", "elements", len(elements), ACTIONS_ELEMENTS_MAX))
        errors.extend(_check_elements(elements, f"{here}/elements", indexed=True))
        errors.extend(_duplicate_action_ids(elements, f"{here}/elements"))
    elif kind == "input":
        element = block.get("element")
        if not isinstance(element, dict):
            errors.append(f"{here}/element: an input block needs an element")
    return errors


def _check_elements(elements: Iterable[dict], ptr: str, indexed: bool = False) -> list[str]:
    errors: list[str] = []
    for j, el in enumerate(elements):
        here = f"{ptr}/{j}" if indexed else ptr
        action_id = el.get("action_id")
        if isinstance(action_id, str) and len(action_id) > ID_MAX:
            errors.append(_too_long(f"{here}/action_id", len(action_id), ID_MAX))
        if el.get("type") != "button":
            continue
        text = (el.get("text") or {}).get("text") or ""
        if not text.strip():
            errors.append(f"{here}/text: a button needs a label")
        if len(text) > BUTTON_TEXT_MAX:
            errors.append(_too_long(f"{here}/text/text", len(text), BUTTON_TEXT_MAX))
        value = el.get("value")
        if isinstance(value, str) and len(value) > BUTTON_VALUE_MAX:
            errors.append(_too_long(f"{here}/value", len(value), BUTTON_VALUE_MAX))
    return errors


def _duplicate_action_ids(elements: list[dict], ptr: str) -> list[str]:
    """Slack wants action_ids unique within their block (two Start buttons go in two blocks)."""
    seen: set[str] = set()
    errors = []
    for j, el in enumerate(elements):
        action_id = el.get("action_id")
        if action_id is None:
            continue
        if action_id in seen:
            errors.append(f"{ptr}/{j}/action_id: duplicate action_id {action_id!r} in one block")
        seen.add(action_id)
    return errors
