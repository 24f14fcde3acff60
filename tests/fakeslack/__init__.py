"""A fake Slack for offline tests (DESIGN.md section 7).

``FakeSlack`` serves, on 127.0.0.1 with an OS-chosen port:

* the Web API at ``slack.api_url`` (``http://127.0.0.1:PORT/api/``): auth.test, chat.postMessage,
  chat.postEphemeral, chat.update, chat.getPermalink, conversations.open, conversations.history and
  conversations.replies (metadata with include_all_metadata), users.info (with include_locale: a preset "locale", else "en-US"), reactions.add,
  views.open/push/update/publish, files.getUploadURLExternal, files.completeUploadExternal,
  apps.connections.open (and api.test). Anything else: ``{"ok": false, "error": "unknown_method"}``.
  Every call is recorded in ``slack.calls`` (``Call``), failed ones too (``call.failed``);
  ``fail(..., after=True | text=...)``, ``stall`` and ``kill_on`` make answers ambiguous (the work
  done, then a 5xx, an HTML page, a timeout, or the calling process SIGKILLed);
* the upload URLs handed out by files.getUploadURLExternal (bytes land in ``slack.uploads``);
* response_urls from ``slack.new_response_url()`` (posts land in ``slack.responses[id]``; five uses
  within 30 minutes, then 404 ``used_url`` / ``expired_url``);
* a Socket Mode WebSocket, issued by apps.connections.open to ``xapp-`` tokens.

Import it as ``from fakeslack import FakeSlack`` (``tests/`` is on ``sys.path`` through its
conftest) or as ``tests.fakeslack`` when the repository root is on the path.
"""

from .blocks import check_blocks, check_view
from .records import Call, ResponsePost, Upload
from .server import FakeSlack, SlackError

__all__ = ["Call", "FakeSlack", "ResponsePost", "SlackError", "Upload", "check_blocks", "check_view"]
