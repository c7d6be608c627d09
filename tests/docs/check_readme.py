#!/usr/bin/env python3
"""Fails when README.md falls behind the tree (issue 14): a top-level folder or a
binding missing from its folder table, a benchmark (bench/<name>.cmake) missing from
its benchmark table, or a pointer to a document outside the repository."""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()


def tracked():
    """The repository's files (git's list, so that build trees and venvs do not count)."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True)
        return out.stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                if p.is_file() and not p.relative_to(ROOT).parts[0].startswith((".", "build"))]


def folders_of(path):
    """The folders README must list for `path`: its top-level one, and bindings/<x>/."""
    parts = path.split("/")
    if len(parts) < 2 or parts[0].startswith("."):
        return []
    if parts[0] == "bindings":
        return [f"bindings/{parts[1]}/"] if len(parts) > 2 else []
    return [parts[0] + "/"]


def main():
    readme = (ROOT / "README.md").read_text()
    rows = set(re.findall(r"^\| `([^`]+)` \|", readme, re.M))
    bad = []
    folders = sorted({f for path in tracked() for f in folders_of(path)})
    for f in sorted(folders):
        if f not in rows:
            bad.append(f"README.md: the folder table has no row for {f}")
    for name in sorted(p.stem for p in (ROOT / "bench").glob("*.cmake")):
        if name not in rows:
            bad.append(f"README.md: the benchmark table has no row for {name}")
    if "../shared" in readme or "shared/DESIGN" in readme:
        bad.append("README.md: points to a document outside the repository")
    for line in bad:
        print(line)
    print(f"{len(folders)} folders, {len(rows)} table rows checked")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
