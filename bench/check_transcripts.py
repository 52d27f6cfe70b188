#!/usr/bin/env python3
"""Checks `headroom transcript` output against its input, file by file.

usage: check_transcripts.py IN_FILE OUT_FILE [IN_FILE OUT_FILE ...]

For each pair: same number of lines; every output line that was JSON still parses;
record types, uuids, parent links, tool_use ids and tool_result pairings unchanged;
the bytes outside JSON string literals identical, and every string literal that
changed is a tool output (a tool_result's content, toolUseResult copy, Codex output)
whose new text carries a headroom marker. Prints one line per file; exits 1 on any
failure.
"""
import json
import re
import sys

STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
ALLOWED = re.compile(r"^(message\.content\[\d+\]\.content(\[\d+\]\.text)?|toolUseResult(\..*)?|payload\.(output|stdout|stderr|aggregated_output|formatted_output))$")


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
        for k in ("uuid", "parentUuid", "type", "id", "tool_use_id", "call_id", "sessionId"):
            if k in v and not isinstance(v[k], (dict, list)):
                out.append((k, v[k]))
        for x in v.values():
            out += ids(x)
    elif isinstance(v, list):
        for x in v:
            out += ids(x)
    return out


def check(inp, outp):
    a = open(inp, "rb").read().split(b"\n")
    b = open(outp, "rb").read().split(b"\n")
    if len(a) != len(b):
        return f"line count {len(a)} -> {len(b)}"
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
            if s != t and (not ALLOWED.match(p) or "headroom-cat" not in t):
                return f"line {n}: {p} changed"
    return f"ok ({changed} records rewritten)"


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
