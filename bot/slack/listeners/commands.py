"""Slash commands: acknowledge at once, then answer through the command's response_url.

`/done ID` without a link opens the evidence modal instead, since the rules need one.
"""

from __future__ import annotations

from bot.slack import COMMANDS
from bot.slack.blocks.modals import done_modal


def register(app, gateway) -> None:
    async def on_command(ack, command, client):
        await ack()
        name, text = command["command"], (command.get("text") or "").strip()
        user, channel = command["user_id"], command.get("channel_id")
        words = text.split()
        if name == "/done" and len(words) == 1 and command.get("trigger_id"):
            view = done_modal(plan=None, story_id=words[0][:20], story_label=words[0][:20], channel=channel)
            await client.views_open(trigger_id=command["trigger_id"], view=view)
            return
        answer = await gateway.run(user, f"{name} {text}", channel=channel)
        reply = answer.reply
        await gateway.respond(command.get("response_url"), answer)
        if reply.kind == "graph" and channel:
            await gateway.post_graph(reply.data["plan"], channel, user)
        await gateway.deliver(reply, channel)

    for name in COMMANDS:
        app.command(name)(on_command)
