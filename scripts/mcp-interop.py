#!/usr/bin/env python3
"""Drives every Vigil MCP server with the official Python MCP SDK client, over stdio and over
Streamable HTTP, and checks what a third-party client relies on:

- initialize succeeds and names the server;
- tools/list shows only read tools without the write grant, and the write tools with it;
- every tool has an input schema and an output schema that are valid JSON Schema (2020-12), and
  annotations that match what it does (read tools read-only, write tools not);
- every read tool answers valid arguments with structuredContent that validates against its
  declared output schema, and a text copy of it;
- invalid arguments (an unknown argument, a missing required one, a wrong type) give a tool result
  with isError true whose message names the argument;
- an unknown tool, and a write tool without the grant, give a JSON-RPC error;
- over HTTP, a request without the bearer token is refused with 401;
- over HTTPS (`--tls-cert`, `--tls-key`; a self-signed certificate made with the openssl command), the same, with
  the client trusting that certificate alone, and a plain-HTTP request to the port gets no answer;
- over mutual TLS (`--tls-client-ca`; a CA and a client certificate it issued, made the same way), the same with the
  client showing its certificate, and a client without one is refused in the handshake.

Usage: scripts/mcp-interop.py PATH/TO/vigil [--transport stdio|http|https|mtls|both] [--server NAME ...]
(`both` is stdio and http.)
Prints one line per check group and a summary; exits 1 if anything failed.
Needs `pip install mcp` (the official SDK) and jsonschema (installed with it).
"""

import argparse
import asyncio
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

try:
    import jsonschema
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.exceptions import MCPError
    import httpx2
except ImportError as error:  # a clear message instead of a skipped test
    sys.exit(f"mcp-interop: the official MCP Python SDK is missing ({error}); run `pip install mcp`")

SERVERS = ["siem", "identity", "cloud", "ticketing", "collaboration", "vulnerability", "endpoint"]
TOKEN = "interop-test-token-0123456789abcdef"
WRITE_TOOLS = {
    "siem": set(),
    "identity": {"suspend_user", "revoke_sessions", "reset_mfa"},
    "cloud": {"deactivate_access_key", "attach_deny_all_policy", "isolate_instance", "snapshot_volume", "learn_ip_baseline"},
    "ticketing": {"create_ticket", "add_comment", "update_status"},
    "collaboration": {"post_message", "request_approval"},
    "vulnerability": set(),
    "endpoint": {"isolate_device"},
}


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
        return condition


def lab_show(vigil, kind):
    out = subprocess.run([vigil, "lab", "show", kind, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def fixtures(vigil):
    """Valid arguments for every read tool, taken from the lab the servers serve."""
    users = lab_show(vigil, "users")
    accounts = lab_show(vigil, "accounts")
    roles = lab_show(vigil, "roles")
    devices = lab_show(vigil, "devices")
    tickets = lab_show(vigil, "tickets")
    assets = lab_show(vigil, "assets")
    cves = lab_show(vigil, "cves")
    alert = json.loads(
        subprocess.run([vigil, "lab", "alerts", "--count", "1"], check=True, capture_output=True, text=True).stdout)
    owner = next(d for d in devices if d.get("owner"))
    login = owner["owner"]
    role_arn = roles[0]["role"]["arn"]
    resource = next(r for a in accounts for r in a.get("resources", [])) if accounts[0].get("resources") else None
    return {
        "siem": {
            "get_alert": {"alert_id": alert["id"]},
            "search_events": {"filters": {"log_type": "AWS.CloudTrail"}, "limit": 3},
            "entity_activity": {"kind": "user", "entity": login},
            "first_seen": {"kind": "user", "entity": login, "source_ip": "203.0.113.9"},
            "related_alerts": {"alert_id": alert["id"], "limit": 5},
        },
        "identity": {
            "get_user": {"login": users[0]["login"]},
            "get_mfa_factors": {"login": users[0]["login"]},
            "list_sessions": {"login": users[0]["login"]},
            "recent_changes": {"login": users[0]["login"]},
            "get_groups": {"login": users[0]["login"]},
        },
        "cloud": {
            "get_account": {"account_id": accounts[0]["id"]},
            "get_principal": {"principal": role_arn},
            "describe_resource": {"resource": resource["arn"] if resource else "meridian-prod-customer-data"},
            "principal_activity_summary": {"principal": role_arn},
            "check_ip_baseline": {"entity": login, "ip": "198.51.100.7"},
        },
        "ticketing": {
            "search_tickets": {"text": "terraform", "limit": 5},
            "get_ticket": {"key": tickets[0]["key"]},
        },
        "collaboration": {
            "lookup_person": {"login": login},
            "get_approval": {"approval_id": "APR-1001"},  # created by request_approval first (write grant)
        },
        "vulnerability": {
            "asset_vulnerabilities": {"asset": assets[0]["hostname"]},
            "get_cve": {"cve_id": cves[0]["id"]},
            "exposed_assets": {"min_cvss": 7.0},
        },
        "endpoint": {
            "get_device": {"device": owner["id"]},
            "devices_for_user": {"login": login},
            "installed_software": {"device": owner["hostname"], "limit": 10},
            "recent_processes": {"device": owner["id"]},
        },
    }


def invalid_calls(tool, valid):
    """Argument sets that must be rejected, each with the argument the error must name."""
    schema = tool.input_schema
    calls = [(dict(valid, bogus_argument=1), "bogus_argument")]
    for name in schema.get("required", []):
        without = {k: v for k, v in valid.items() if k != name}
        calls.append((without, name))
        break
    properties = schema.get("properties", {})
    if "limit" in properties:
        calls.append((dict(valid, limit="many"), "limit"))
    elif properties:
        name = next(iter(properties))
        wrong = 12345 if properties[name].get("type") == "string" else "not-a-number"
        calls.append((dict(valid, **{name: wrong}), name))
    return calls


async def exercise(session, server, write, args, checks, label):
    init = await session.initialize()
    checks.check(init.server_info.name == f"vigil-{server}", f"{label}: server name {init.server_info.name}")
    listed = (await session.list_tools()).tools
    by_name = {t.name: t for t in listed}
    read_tools = set(args[server])
    for tool in listed:
        annotations = tool.annotations
        read_only = bool(annotations and annotations.read_only_hint)
        checks.check(tool.output_schema is not None, f"{label}: {tool.name} has no output schema")
        for schema in (tool.input_schema, tool.output_schema or {}):
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
                checks.check(True, "")
            except jsonschema.SchemaError as error:
                checks.check(False, f"{label}: {tool.name} schema invalid: {error.message}")
        if tool.name in read_tools:
            checks.check(read_only, f"{label}: read tool {tool.name} not marked read-only")
        else:
            checks.check(write, f"{label}: write tool {tool.name} listed without the grant")
            checks.check(not read_only, f"{label}: write tool {tool.name} marked read-only")
    checks.check(read_tools <= set(by_name), f"{label}: read tools missing: {read_tools - set(by_name)}")
    expected = read_tools | (WRITE_TOOLS[server] if write else set())
    checks.check(set(by_name) == expected, f"{label}: listed {sorted(by_name)}, expected {sorted(expected)}")

    if server == "collaboration" and write:
        created = await session.call_tool(
            "request_approval",
            {"action": "suspend_user someone", "reason": "interop test", "approvers": "#security"})
        checks.check(not created.is_error, f"{label}: request_approval failed: {created.content}")
        args[server]["get_approval"] = {"approval_id": created.structured_content["approval"]["id"]}

    for name, valid in args[server].items():
        tool = by_name.get(name)
        if tool is None:
            continue
        result = await session.call_tool(name, valid)
        if name == "get_approval" and not write:
            checks.check(result.is_error and "not found" in result.content[0].text,
                         f"{label}: get_approval of an unknown id: {result.content}")
            continue
        if not checks.check(not result.is_error, f"{label}: {name}{valid} failed: {result.content}"):
            continue
        try:
            jsonschema.validate(result.structured_content, tool.output_schema,
                                cls=jsonschema.Draft202012Validator)
            checks.check(True, "")
        except jsonschema.ValidationError as error:
            checks.check(False, f"{label}: {name} structuredContent does not match its schema: {error.message}")
        text = "".join(c.text for c in result.content if getattr(c, "type", "") == "text")
        checks.check(json.loads(text) == result.structured_content, f"{label}: {name} text differs from structured")
        for bad, argument in invalid_calls(tool, valid):
            rejected = await session.call_tool(name, bad)
            message = " ".join(c.text for c in rejected.content if getattr(c, "type", "") == "text")
            checks.check(rejected.is_error and f"'{argument}'" in message,
                         f"{label}: {name} with bad '{argument}' was not rejected by name: {message}")

    for name in ["no_such_tool"] + ([] if write else ["suspend_user", "isolate_device", "post_message"]):
        try:
            await session.call_tool(name, {})
            checks.check(name not in by_name and False, f"{label}: call to {name} did not raise a JSON-RPC error")
        except MCPError as error:
            checks.check(error.code == -32602, f"{label}: {name} gave error code {error.code}")


async def over_stdio(vigil, server, write, args, checks):
    command = [vigil, "mcp", server] + (["--allow-write"] if write else [])
    params = StdioServerParameters(command=command[0], args=command[1:])
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write_stream):
            async with ClientSession(read, write_stream) as session:
                await exercise(session, server, write, args, checks, f"stdio {server}{' +write' if write else ''}")


def self_signed(directory):
    """A certificate for 127.0.0.1 and its key, made with the openssl command; returns their paths."""
    certificate, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(key, 0o600)
    return certificate, key


def client_certificate(directory):
    """A CA and a client certificate it issued (OpenSSL 3's `req -x509 -CA`); returns the CA's path and the client's
    certificate and key."""
    authority, authority_key = os.path.join(directory, "ca.pem"), os.path.join(directory, "ca-key.pem")
    certificate, key = os.path.join(directory, "client.pem"), os.path.join(directory, "client-key.pem")
    common = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"]
    subprocess.run(
        common + ["-keyout", authority_key, "-out", authority, "-subj", "/CN=interop CA",
                  "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(
        common + ["-CA", authority, "-CAkey", authority_key, "-keyout", key, "-out", certificate, "-subj", "/CN=client",
                  "-addext", "extendedKeyUsage=clientAuth"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return authority, (certificate, key)


async def over_https(vigil, server, write, args, checks):
    with tempfile.TemporaryDirectory() as directory:
        certificate, key = self_signed(directory)
        await over_http(vigil, server, write, args, checks, tls=(certificate, key))


async def over_mtls(vigil, server, write, args, checks):
    with tempfile.TemporaryDirectory() as directory:
        certificate, key = self_signed(directory)
        authority, client = client_certificate(directory)
        await over_http(vigil, server, write, args, checks, tls=(certificate, key), client_ca=authority, client=client)


async def over_http(vigil, server, write, args, checks, tls=None, client_ca=None, client=None):
    command = [vigil, "mcp", server, "--http", "127.0.0.1:0"] + (["--allow-write"] if write else [])
    if tls:
        command += ["--tls-cert", tls[0], "--tls-key", tls[1]]
    if client_ca:
        command += ["--tls-client-ca", client_ca]
    env = dict(os.environ, VIGIL_MCP_TOKEN=TOKEN)
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    label = f"{'mtls' if client_ca else 'https' if tls else 'http'} {server}{' +write' if write else ''}"
    # Trusting the test's certificate alone: the server must present it, for 127.0.0.1.
    context = ssl.create_default_context(cafile=tls[0]) if tls else None
    bare = context
    if client:
        # Mutual TLS: the client shows the certificate the test's CA issued; without it, it is not let in.
        context = ssl.create_default_context(cafile=tls[0])
        context.load_cert_chain(client[0], client[1])
    try:
        url = None
        while url is None:
            line = await asyncio.wait_for(process.stderr.readline(), timeout=60)
            if not line:
                raise RuntimeError(f"{label}: server exited before listening")
            found = re.search(rb"listening on (https?://\S+)", line)
            if found:
                url = found.group(1).decode()
        checks.check(url.startswith("https://" if tls else "http://"), f"{label}: listening on {url}")
        drain = asyncio.create_task(process.stderr.read())
        if client:
            try:
                urllib.request.urlopen(
                    urllib.request.Request(url, data=b"{}", method="POST",
                                           headers={"Authorization": f"Bearer {TOKEN}"}), timeout=10, context=bare)
                checks.check(False, f"{label}: a client without a certificate was answered")
            except urllib.error.HTTPError as error:
                checks.check(False, f"{label}: a client without a certificate got HTTP {error.code}")
            except (urllib.error.URLError, ConnectionError, OSError):
                checks.check(True, "")
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"), timeout=10, context=context)
            checks.check(False, f"{label}: request without a token was accepted")
        except urllib.error.HTTPError as error:
            checks.check(error.code == 401, f"{label}: request without a token gave HTTP {error.code}")
        if tls:
            plain = "http://" + url[len("https://"):]
            try:
                urllib.request.urlopen(urllib.request.Request(plain, data=b"{}", method="POST"), timeout=10)
                checks.check(False, f"{label}: a plain-HTTP request was answered")
            except urllib.error.HTTPError as error:
                checks.check(False, f"{label}: a plain-HTTP request got HTTP {error.code}")
            except (urllib.error.URLError, ConnectionError, OSError):
                checks.check(True, "")
        async with httpx2.AsyncClient(
                headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, verify=context or True) as client:
            async with streamable_http_client(url, http_client=client) as (read, write_stream):
                async with ClientSession(read, write_stream) as session:
                    await exercise(session, server, write, args, checks, label)
    finally:
        process.terminate()
        await process.wait()
        if "drain" in locals():
            drain.cancel()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vigil")
    parser.add_argument("--transport", choices=["stdio", "http", "https", "mtls", "both"], default="both")
    parser.add_argument("--server", action="append", choices=SERVERS)
    options = parser.parse_args()
    vigil = os.path.abspath(options.vigil)
    checks = Checks()
    servers = options.server or SERVERS
    transports = ["stdio", "http"] if options.transport == "both" else [options.transport]
    for transport in transports:
        for server in servers:
            for write in (False, True):
                args = fixtures(vigil) if server == servers[0] or "cached" not in locals() else cached
                cached = args
                before = (checks.passed, len(checks.failures))
                runner = {"stdio": over_stdio, "http": over_http, "https": over_https, "mtls": over_mtls}[transport]
                try:
                    await runner(vigil, server, write, json.loads(json.dumps(args)), checks)
                except Exception as error:  # a crash of the session is a failure, reported by name
                    checks.failures.append(f"{transport} {server}: {type(error).__name__}: {error}")
                passed = checks.passed - before[0]
                failed = len(checks.failures) - before[1]
                print(f"{transport:5} {server:13} {'write' if write else 'read ':5}  {passed:4} passed  {failed} failed",
                      flush=True)
    for failure in checks.failures:
        print(f"FAIL {failure}")
    print(f"mcp-interop: {checks.passed} checks passed, {len(checks.failures)} failed")
    sys.exit(1 if checks.failures else 0)


if __name__ == "__main__":
    asyncio.run(main())
