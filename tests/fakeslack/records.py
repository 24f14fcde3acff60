"""What the fake remembers: Web API calls, uploads, response_url posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One Web API request, as the fake received it.

    ``args`` merges query string, form and JSON body; ``token`` is taken out of it (header or
    ``token`` argument) and kept in ``token``. JSON-encoded ``blocks``/``attachments``/``view``/
    ``files``/``metadata`` sent in forms or query strings are decoded into lists/dicts.
    ``failed`` is True whenever the answer had ``ok: false`` (injected faults, ``not_authed``,
    validation errors, ``unknown_method``); ``error`` and ``status`` say what was answered.
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    failed: bool = False
    error: str | None = None
    status: int = 200
    token: str | None = None
    response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class Upload:
    """A file announced by files.getUploadURLExternal.

    ``length`` is what the client declared; ``data`` is what it POSTed to the upload URL (None until
    then); ``completed`` holds the files.completeUploadExternal arguments once completed
    (``channel_id``, ``channels``, ``thread_ts``, ``initial_comment``, ``title``).
    """

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    data: bytes | None = None
    completed: dict[str, Any] | None = None

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


@dataclass
class ResponsePost:
    """One POST to a response_url; ``refused`` ones got an error (``error``, HTTP ``status``)."""

    body: dict[str, Any] | None
    at: float
    refused: bool = False
    error: str | None = None
    status: int = 200
    # The message came in the command's own HTTP response (or Socket Mode ack), not as a POST:
    # Slack shows it the same way (``FakeSlack.immediate_response``).
    immediate: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return (self.body or {}).get(key, default)

    @property
    def text(self) -> str | None:
        return self.get("text")

    @property
    def blocks(self) -> list[dict[str, Any]] | None:
        return self.get("blocks")

    @property
    def response_type(self) -> str:
        return self.get("response_type", "ephemeral")

    @property
    def replace_original(self) -> bool:
        return bool(self.get("replace_original", False))

    @property
    def delete_original(self) -> bool:
        return bool(self.get("delete_original", False))


@dataclass
class Fault:
    error: str
    status: int
    retry_after: int | None
    remaining: int
    #: Ambiguous faults: the method does its work first (the message is posted), then answers the
    #: error (``after``), after ``delay`` seconds (a client timeout), or with a non-JSON ``text`` body.
    after: bool = False
    delay: float = 0.0
    text: str | None = None
    #: A process to SIGKILL when the call arrives (before or ``after`` the work is done).
    kill: int | None = None
    match: Any = None  # a predicate on the call's args; the fault applies only to matching calls


@dataclass
class ResponseUrl:
    rid: str
    issued_at: float
    uses: int = 0
    posts: list[ResponsePost] = field(default_factory=list)
