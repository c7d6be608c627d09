#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan, only the code
# they reach) and runs each for SECONDS (default 30), starting from the committed
# corpus in tests/fuzz/corpus/<target>/. New inputs go to a scratch directory, not
# into the repository. Exits non-zero when a target crashes; the reproducer is left
# in the scratch directory (printed): add it to the target's corpus with a fix.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(record index_query answer url row_text)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"

scratch=${HSE_FUZZ_SCRATCH:-$(mktemp -d /tmp/hse-fuzz.XXXXXX)}
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t/corpus" "$scratch/$t/artifacts"
  echo "== fuzz_$t for ${seconds} s"
  # -rss_limit_mb and -timeout turn an OOM or a hang into a failure with a reproducer.
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      build-fuzz/bin/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$scratch/$t/artifacts/" \
      "$scratch/$t/corpus" "tests/fuzz/corpus/$t" 2>"$scratch/$t/log"; then
    failed+=("$t")
    tail -40 "$scratch/$t/log"
    echo "fuzz_$t FAILED: reproducer(s) in $scratch/$t/artifacts/"
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$scratch/$t/log" | tr '\n' ' '
    echo
  fi
done
echo "scratch: $scratch"
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashed: ${failed[*]}"
  exit 1
fi
