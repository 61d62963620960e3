#!/usr/bin/env python3
"""The comparison server for `vigil-bench-mcp`: the official Python MCP SDK (MCPServer) serving one
tool, `get_cve`, that returns the same document Vigil's vulnerability server returns (read from
RESULT_JSON), so both sides do the same protocol work for the same payload.

Usage: bench-python-mcp-server.py RESULT_JSON [--http PORT]
"""
import json
import sys
from typing import Any

from mcp.server.mcpserver import MCPServer

document = json.load(open(sys.argv[1]))
server = MCPServer("python-vulnerability")


@server.tool()
def get_cve(cve_id: str) -> dict[str, Any]:
    """A CVE: product, summary, CVSS, known-exploited status and affected assets."""
    return document


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[2] == "--http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[3]))
    else:
        server.run("stdio")
