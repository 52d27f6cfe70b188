#!/usr/bin/env python3
"""Checks `headroom transcript` output against its input, file by file.

usage: check_transcripts.py IN_FILE OUT_FILE [IN_FILE OUT_FILE ...]

For each pair: same number of lines; every output line that was JSON still parses;
record types, roles, uuids, parent links, tool call ids and their pairings unchanged;
the bytes outside JSON string literals identical, and every string literal that
changed is a tool output (a tool_result's content, toolUseResult copy, Codex output,
an OpenAI `tool` message or `function_call_output`) whose new text carries a headroom
marker. A file whose first line is not JSON but whose whole text is (a pretty-printed
message array) is checked as one record. Prints one line per file; exits 1 on any
failure.
"""
import json
import re
import sys

STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
ALLOWED = re.compile(r"^(message\.content\[\d+\]\.content(\[\d+\]\.text)?|toolUseResult(\..*)?|payload\.(output|stdout|stderr|aggregated_output|formatted_output))$")


# In a JSON message array: a message's path, then the tool output inside it.
MESSAGE = re.compile(r"^((messages|input)?\[\d+\])\.(.*)$")


def message_output(doc, path):
    """True when `path` in a JSON message array is a tool output."""
    m = MESSAGE.match(path)
    if not m:
        return False
    at, rest = m.group(1), m.group(3)
    key, index = (at.split("[")[0] or None), int(at.split("[")[1][:-1])
    try:
        msg = (doc[key] if key else doc)[index]
    except (KeyError, IndexError, TypeError):
        return False
    if msg.get("role") == "tool":
        return re.match(r"^content(\[\d+\]\.text)?$", rest) is not None
    if str(msg.get("type", "")).endswith("_output"):
        return re.match(r"^output(\[\d+\]\.text)?$", rest) is not None
    block = re.match(r"^content\[(\d+)\]\.content(\[\d+\]\.text)?$", rest)
    return block is not None and msg["content"][int(block.group(1))].get("type") == "tool_result"


def is_document(data):
    """A JSON document over several lines rather than JSON Lines."""
    lines = [l for l in data.split(b"\n") if l.strip()]
    try:
        json.loads(lines[0])
        return False
    except (ValueError, IndexError):
        pass
    try:
        json.loads(data)
        return True
    except ValueError:
        return False


def strings(v, path=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x, f"{path}.{k}" if path else k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from strings(x, f"{path}[{i}]")
    elif isinstance(v, str):
        yield path, v


def ids(v):
    out = []
    if isinstance(v, dict):
        for k in ("uuid", "parentUuid", "type", "role", "id", "tool_use_id", "tool_call_id", "call_id", "sessionId"):
            if k in v and not isinstance(v[k], (dict, list)):
                out.append((k, v[k]))
        for x in v.values():
            out += ids(x)
    elif isinstance(v, list):
        for x in v:
            out += ids(x)
    return out


def check(inp, outp):
    a, b = open(inp, "rb").read(), open(outp, "rb").read()
    na, nb = a.count(b"\n"), b.count(b"\n")
    if na != nb:
        return f"line count {na} -> {nb}"
    document = is_document(a)
    a, b = ([a], [b]) if document else (a.split(b"\n"), b.split(b"\n"))
    changed = 0
    for n, (x, y) in enumerate(zip(a, b), 1):
        if x == y:
            continue
        changed += 1
        try:
            vx, vy = json.loads(x), json.loads(y)
        except ValueError as e:
            return f"line {n}: {e}"
        if STRING.split(x) != STRING.split(y):
            return f"line {n}: bytes outside strings differ"
        if ids(vx) != ids(vy):
            return f"line {n}: ids or pairing differ"
        sx, sy = list(strings(vx)), list(strings(vy))
        if [p for p, _ in sx] != [p for p, _ in sy]:
            return f"line {n}: structure differs"
        for (p, s), (_, t) in zip(sx, sy):
            allowed = ALLOWED.match(p) or message_output(vx, p)
            if s != t and (not allowed or "headroom-cat" not in t):
                return f"line {n}: {p} changed"
    return f"ok ({changed} {'documents' if document else 'records'} rewritten)"


def main():
    args = sys.argv[1:]
    bad = False
    for inp, outp in zip(args[::2], args[1::2]):
        verdict = check(inp, outp)
        bad |= not verdict.startswith("ok")
        print(f"{inp}: {verdict}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
