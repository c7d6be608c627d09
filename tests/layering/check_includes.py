#!/usr/bin/env python3
"""Fails on an #include that points up a layer (issue 14). Layers, bottom first:
core <- schema <- engine/{store,journal,merge,query} <- engine/sync <- engine (the
Engine, local writes, config) <- bindings. Adapters implement engine/sync/remote.hpp
and see nothing else of the engine. SQLite is reached only through engine/store
(the bundled emulator, a server with its own database, has its own)."""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)

# (folder, what its files may include from the project's own folders)
RULES = [
    ("core/", ["core/"]),
    ("schema/", ["core/", "schema/"]),
    ("engine/store/", ["core/", "schema/", "engine/store/"]),
    ("engine/merge/", ["core/", "schema/", "engine/merge/", "engine/store/"]),
    ("engine/journal/", ["core/", "schema/", "engine/journal/", "engine/store/"]),
    ("engine/query/", ["core/", "schema/", "engine/query/", "engine/store/"]),
    ("engine/sync/", ["core/", "schema/", "engine/store/", "engine/journal/", "engine/merge/", "engine/query/",
                      "engine/sync/", "engine/config/"]),
    ("engine/config/", ["core/", "schema/", "engine/config/", "engine/merge/"]),
    ("engine/", ["core/", "schema/", "engine/"]),
    ("adapters/", ["core/", "schema/", "adapters/", "engine/sync/remote.hpp"]),
]
PROJECT = ("core/", "schema/", "engine/", "adapters/", "bindings/", "tests/", "bench/")
SQLITE = ("SQLiteCpp/", "sqlite3.h")
SQLITE_ALLOWED = ("engine/store/", "adapters/emulator/")


def main():
    bad = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h", ".c") or "build" in path.relative_to(ROOT).parts[0]:
            continue
        rel = path.relative_to(ROOT).as_posix()
        rule = next((allowed for folder, allowed in RULES if rel.startswith(folder)), None)
        for inc in INCLUDE.findall(path.read_text(errors="replace")):
            if inc.startswith(SQLITE) and not rel.startswith(SQLITE_ALLOWED) and rel.startswith(("core/", "schema/", "engine/", "adapters/")):
                bad.append(f"{rel}: includes {inc}: SQLite belongs to engine/store")
            if rule is None or not inc.startswith(PROJECT):
                continue
            if not any(inc == a or (a.endswith("/") and inc.startswith(a)) for a in rule):
                bad.append(f"{rel}: includes {inc}, a layer it must not see")
    for line in bad:
        print(line)
    print(f"{len(bad)} forbidden includes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
