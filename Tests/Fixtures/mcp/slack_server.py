#!/usr/bin/env python3
"""A chat server shaped like the reference Slack MCP server (modelcontextprotocol/servers, src/slack), written
with the official MCP Python SDK, that Vigil's tests use as `guard.announce`'s server over stdio. Its
`slack_post_message` takes `channel_id` and `text` and answers, as that server does, with Slack's
`chat.postMessage` response as text (not as structured content, and not as a tool error when Slack refuses):
`{"ok": true, "channel": …, "ts": …, "message": {…}}`, or `{"ok": false, "error": "channel_not_found"}` for a
channel it does not have. Each post it accepts is appended, as one JSON line, to the file named by
SLACK_STANDIN_LOG. With SLACK_STANDIN_HANG set it never answers a post and ignores SIGTERM, as a server stuck in a
call to Slack may; with SLACK_STANDIN_RATELIMITED it answers every post with the body of Slack's 429,
`{"ok": false, "error": "ratelimited"}`, as that server relays it (set to `raise`, it raises the message of the error
slack_sdk raises for that answer as a ToolError, which the SDK returns as a tool error); with SLACK_STANDIN_INT_CHANNEL its tool declares
`channel_id` as an integer."""

import json
import os
import signal
import time

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("slack")
if os.environ.get("SLACK_STANDIN_HANG"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

CHANNELS = {"C0123456789": "security", "C0987654321": "general"}
counter = 0


def post(channel_id: str, text: str) -> str:
    global counter
    if os.environ.get("SLACK_STANDIN_HANG"):
        time.sleep(3600)
    if os.environ.get("SLACK_STANDIN_RATELIMITED") == "raise":
        # As a server built on slack_sdk answers: its SlackApiError's message, raised as the SDK's ToolError (which
        # keeps the message; any other exception reaches the client as "Error executing tool …" alone).
        raise ToolError(
            "The request to the Slack API failed. (url: https://slack.com/api/chat.postMessage)\n"
            "The server responded with: {'ok': False, 'error': 'ratelimited'}"
        )
    if os.environ.get("SLACK_STANDIN_RATELIMITED"):
        return json.dumps({"ok": False, "error": "ratelimited"})
    if channel_id not in CHANNELS:
        return json.dumps({"ok": False, "error": "channel_not_found"})
    counter += 1
    ts = f"{int(time.time())}.{counter:06d}"
    log = os.environ.get("SLACK_STANDIN_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"channel_id": channel_id, "text": text, "ts": ts}) + "\n")
    return json.dumps({"ok": True, "channel": channel_id, "ts": ts, "message": {"type": "message", "text": text, "ts": ts}})


if os.environ.get("SLACK_STANDIN_INT_CHANNEL"):

    @server.tool(description="Post a new message to a Slack channel.")
    def slack_post_message(channel_id: int, text: str) -> str:
        return post(str(channel_id), text)

else:

    @server.tool(description="Post a new message to a Slack channel.")
    def slack_post_message(channel_id: str, text: str) -> str:
        return post(channel_id, text)


@server.tool(description="List public channels in the workspace.")
def slack_list_channels(limit: int = 100) -> str:
    return json.dumps({"ok": True, "channels": [{"id": k, "name": v} for k, v in CHANNELS.items()][:limit]})


if __name__ == "__main__":
    server.run("stdio")
