#!/usr/bin/env bash
# Installs the hsesync and java components into a scratch prefix and runs the Java
# example from there, as an app would: the jar from share/java, the shim found on
# java.library.path and libhsesync beside it through the shim's RUNPATH ($ORIGIN).
#   java_install_test.sh BUILD_DIR JAVA EXAMPLE_JAR
set -euo pipefail
build=$1 java=$2 example=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" --component hsesync >/dev/null
cmake --install "$build" --prefix "$prefix" --component java >/dev/null
shim=$(find "$prefix" -name libhsesync_jni.so | head -1)
jar=$(find "$prefix" -name hsesync.jar | head -1)
test -n "$shim" && test -n "$jar"
readelf -d "$shim" | grep -q 'RUNPATH.*\$ORIGIN'
# Only the JNI entry points are exported.
others=$(nm -D --defined-only "$shim" | awk '$2 ~ /[TDBRW]/ && $3 !~ /^(Java_org_hsesync_|JNI_OnLoad)/ {print $3}')
if [ -n "$others" ]; then
  echo "exported beyond the JNI entry points:" $others >&2
  exit 1
fi
out=$(env -u LD_LIBRARY_PATH -u HSESYNC_JNI_LIB "$java" -Djava.library.path="$(dirname "$shim")" \
      -cp "$example:$jar" Example "$tmp/example.db")
echo "$out"
grep -q '^refused: name ' <<<"$out"
