"""Block Kit limits the fake enforces, the way Slack refuses a message or a view.

Only documented limits are checked, so the fake is never stricter than Slack: a payload refused
here would be refused by Slack too. (Slack checks more than this; passing here proves less.)

Each function returns a list of error strings shaped like Slack's, e.g.
``"must be less than 51 items [json-pointer:/blocks]"``; an empty list means accepted.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
MESSAGE_TEXT_MAX = 40_000

SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000
ID_MAX = 255  # block_id, action_id, callback_id
VIEW_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000


def _too_long(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _too_many(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} items [json-pointer:{pointer}]"


def _text_of(obj: Any) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        return obj["text"]
    return None


def _check_element(el: Any, ptr: str, errors: list[str]) -> None:
    if not isinstance(el, dict) or "type" not in el:
        errors.append(f"missing required field: type [json-pointer:{ptr}]")
        return
    action_id = el.get("action_id")
    if isinstance(action_id, str) and len(action_id) > ID_MAX:
        errors.append(_too_long(ID_MAX, f"{ptr}/action_id"))
    if el["type"] == "button":
        text = _text_of(el.get("text"))
        if text is None:
            errors.append(f"missing required field: text [json-pointer:{ptr}]")
        elif len(text) > BUTTON_TEXT_MAX:
            errors.append(_too_long(BUTTON_TEXT_MAX, f"{ptr}/text"))
        value = el.get("value")
        if isinstance(value, str) and len(value) > BUTTON_VALUE_MAX:
            errors.append(_too_long(BUTTON_VALUE_MAX, f"{ptr}/value"))
        url = el.get("url")
        if isinstance(url, str) and len(url) > URL_MAX:
            errors.append(_too_long(URL_MAX, f"{ptr}/url"))


def _check_block(block: Any, ptr: str, errors: list[str]) -> None:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        errors.append(f"missing required field: type [json-pointer:{ptr}]")
        return
    block_id = block.get("block_id")
    if isinstance(block_id, str) and len(block_id) > ID_MAX:
        errors.append(_too_long(ID_MAX, f"{ptr}/block_id"))
    kind = block["type"]
    if kind == "section":
        text = _text_of(block.get("text"))
        fields = block.get("fields")
        if text is None and not fields:
            errors.append(f"must provide either text or fields [json-pointer:{ptr}]")
        if text is not None and len(text) > SECTION_TEXT_MAX:
            errors.append(_too_long(SECTION_TEXT_MAX, f"{ptr}/text/text"))
        if text is not None and len(text) == 0:
            errors.append(f"must be more than 0 characters [json-pointer:{ptr}/text/text]")
        if isinstance(fields, list):
            if len(fields) > SECTION_FIELDS_MAX:
                errors.append(_too_many(SECTION_FIELDS_MAX, f"{ptr}/fields"))
            for j, field in enumerate(fields):
                ftext = _text_of(field)
                if ftext is not None and len(ftext) > SECTION_FIELD_TEXT_MAX:
                    errors.append(_too_long(SECTION_FIELD_TEXT_MAX, f"{ptr}/fields/{j}/text"))
        if "accessory" in block:
            _check_element(block["accessory"], f"{ptr}/accessory", errors)
    elif kind == "header":
        text_obj = block.get("text")
        text = _text_of(text_obj)
        if text is None:
            errors.append(f"missing required field: text [json-pointer:{ptr}]")
        else:
            if text_obj.get("type") != "plain_text":
                errors.append(f"must be a plain_text object [json-pointer:{ptr}/text]")
            if len(text) > HEADER_TEXT_MAX:
                errors.append(_too_long(HEADER_TEXT_MAX, f"{ptr}/text/text"))
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            errors.append(f"missing required field: elements [json-pointer:{ptr}]")
        elif len(elements) > CONTEXT_ELEMENTS_MAX:
            errors.append(_too_many(CONTEXT_ELEMENTS_MAX, f"{ptr}/elements"))
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            errors.append(f"missing required field: elements [json-pointer:{ptr}]")
        else:
            if len(elements) > ACTIONS_ELEMENTS_MAX:
                errors.append(_too_many(ACTIONS_ELEMENTS_MAX, f"{ptr}/elements"))
            for j, el in enumerate(elements):
                _check_element(el, f"{ptr}/elements/{j}", errors)


def check_blocks(blocks: Any, limit: int, pointer: str = "/blocks") -> list[str]:
    """Errors for a ``blocks`` array (``limit`` = 50 in a message, 100 in a view)."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(_too_many(limit, pointer))
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        _check_block(block, f"{pointer}/{i}", errors)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen_ids:
                errors.append(f"duplicate block_id [json-pointer:{pointer}/{i}/block_id]")
            seen_ids.add(block_id)
    return errors


def check_view(view: Any, allowed_types: tuple[str, ...]) -> list[str]:
    """Errors for a ``view`` argument of views.open/push/update/publish."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    errors: list[str] = []
    if view.get("type") not in allowed_types:
        errors.append(f"must be one of {', '.join(allowed_types)} [json-pointer:/view/type]")
    if "blocks" not in view:
        errors.append("missing required field: blocks [json-pointer:/view]")
    else:
        errors.extend(check_blocks(view["blocks"], VIEW_BLOCKS_MAX, "/view/blocks"))
    if view.get("type") == "modal":
        title = _text_of(view.get("title"))
        if title is None:
            errors.append("missing required field: title [json-pointer:/view]")
        elif len(title) > VIEW_TITLE_MAX:
            errors.append(_too_long(VIEW_TITLE_MAX, "/view/title/text"))
        for key in ("submit", "close"):
            label = _text_of(view.get(key))
            if label is not None and len(label) > VIEW_TITLE_MAX:
                errors.append(_too_long(VIEW_TITLE_MAX, f"/view/{key}/text"))
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > PRIVATE_METADATA_MAX:
        errors.append(_too_long(PRIVATE_METADATA_MAX, "/view/private_metadata"))
    callback_id = view.get("callback_id")
    if isinstance(callback_id, str) and len(callback_id) > ID_MAX:
        errors.append(_too_long(ID_MAX, "/view/callback_id"))
    return errors
