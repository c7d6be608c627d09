#!/usr/bin/env bash
# Installs bindings/python into a fresh venv as an app would, offline
# (pip install --no-build-isolation --no-index), and runs the Python suite through
# that installed package, never through the source tree or PYTHONPATH. Checks too
# that the installed package, without HSESYNC_LIB, loads the libhsesync installed in
# its own prefix.
#   python_venv_test.sh PYTHON3 SOURCE_DIR BUILD_DIR
set -euo pipefail
python=$1 src=$2 build=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

# The system's site-packages lend the venv Debian's pytest and wheel: nothing is downloaded.
"$python" -m venv --system-site-packages "$tmp/venv"
py=$tmp/venv/bin/python
# Built from a copy: setuptools writes build/ and *.egg-info beside the sources.
cp -r "$src/bindings/python" "$tmp/pkg"
rm -rf "$tmp/pkg/tests"
"$py" -m pip install -q --no-build-isolation --no-index "$tmp/pkg"
rm -rf "$tmp/pkg"
cd "$tmp"  # the source tree is nowhere on sys.path

echo "== installed in the venv, with its type information"
"$py" - <<'PY'
import os, sys
import hsesync
assert hsesync.__file__.startswith(sys.prefix + os.sep), hsesync.__file__
assert os.path.exists(os.path.join(os.path.dirname(hsesync.__file__), "py.typed"))
print("hsesync", hsesync.__version__, "from", os.path.dirname(hsesync.__file__))
PY

echo "== without HSESYNC_LIB, it loads the libhsesync installed in its prefix"
cmake --install "$build" --prefix "$tmp/venv" --component hsesync >/dev/null
env -u HSESYNC_LIB -u LD_LIBRARY_PATH "$py" - <<'PY'
import os, sys
import hsesync
expected = os.path.join(sys.prefix, "lib", "libhsesync.so.0")
assert hsesync.library_path == expected, (hsesync.library_path, expected)
with hsesync.Engine(os.path.join(os.getcwd(), "smoke.db")) as db:
    row = db.create("project", {"name": "Installed", "country": "IT"})
    assert db.get("project", row["project_id"])["name"] == "Installed"
print("loaded", hsesync.library_path)
PY

echo "== the suite, through the installed package"
"$py" -m pytest -q -p no:cacheprovider "$src/bindings/python/tests"
