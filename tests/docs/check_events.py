#!/usr/bin/env python3
"""Fails when the event list at hse_event_fn in bindings/c/include/hsesync.h (the one
list every binding points to) and the events the engine emits disagree: an event
emitted but not documented, or documented but never emitted (issue 14)."""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
EMIT = re.compile(r'\{"type",\s*"([a-z_]+)"\}')


def emitted():
    types = set()
    for path in (ROOT / "engine").rglob("*.cpp"):
        types.update(EMIT.findall(path.read_text()))
    return types


def documented():
    header = (ROOT / "bindings/c/include/hsesync.h").read_text()
    start = header.index("/* Receives the engine's events")
    block = header[start:header.index("typedef void (*hse_event_fn)", start)]
    types = set()
    # Entries start with " *   "; their continuation lines are indented further.
    for line in block.splitlines():
        m = re.match(r"^ \*   (\S.*)$", line)
        if not m:
            continue
        entry = re.sub(r"\{[^}]*\}|\([^)]*\)?", "", m.group(1))
        for piece in entry.split(","):
            word = piece.split()[0] if piece.split() else ""
            if re.fullmatch(r"[a-z_]+", word):
                types.add(word)
    return types


def main():
    did, doc = emitted(), documented()
    bad = [f"emitted but not listed in hsesync.h: {t}" for t in sorted(did - doc)]
    bad += [f"listed in hsesync.h but never emitted: {t}" for t in sorted(doc - did)]
    for line in bad:
        print(line)
    print(f"{len(did)} event types emitted, {len(doc)} listed")
    return 1 if bad or not did else 0


if __name__ == "__main__":
    sys.exit(main())
