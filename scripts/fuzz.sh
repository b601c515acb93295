#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, cargo-fuzz with libFuzzer) and runs each for SECONDS
# (default 60), one after the other; exits non-zero on the first finding, which
# libFuzzer saves under fuzz/artifacts/TARGET/ (minimize it: cargo fuzz tmin TARGET FILE).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
#
# The toolchain: nightly when installed, else stable with RUSTC_BOOTSTRAP=1. Either
# way without a sanitizer: the code under test is safe Rust, where a panic, a hang or a
# blow-up needs none to be caught, and it runs twice as many inputs. Without cargo-fuzz
# (and when it cannot be installed) or when the build fails, it says so and exits 0:
# `.ci/run` calls it unconditionally. FUZZ_JOBS=N runs N libFuzzer workers (-fork) that
# go on past a finding, for long sessions; extra libFuzzer flags go in FUZZ_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(schema_bytes schema_structured)

# Per-input bounds: a slow or hungry input is a finding, not a stall.
MAX_LEN=24576
# -entropic=0: a run touches about 100,000 features (compile, generate, the jsonschema
# crate), and entropic scheduling's bookkeeping per feature was most of libFuzzer's time
# in a perf profile. With the in-place checking below: about 2,000 inputs/s against
# about 1,050 with neither (schema_structured, 30 s runs from one corpus, 3 December).
flags=(-max_len=$MAX_LEN -timeout=10 -rss_limit_mb=1024 -max_total_time="$seconds" -print_final_stats=1 -entropic=0)
# The stack the compiler needs (schema::limits::COMPILE_STACK_BYTES), for libFuzzer's own
# thread: each input is then checked in place, not handed to another thread and back.
ulimit -s 524288 2>/dev/null || echo "fuzz: the stack limit stays $(ulimit -s); inputs go to a thread of their own"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  # Like the other installs of .ci/run: once per machine, quick after.
  cargo install cargo-fuzz --locked --quiet || true
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "fuzz: skipped (cargo-fuzz is not installed and cannot be: cargo install cargo-fuzz)"
  exit 0
fi

# 16 codegen units: the build is most of a short run's cost on 2 cores.
sanitizer=(--sanitizer none --debug-assertions --codegen-units 16)
# FUZZ_NO_TRACE_COMPARES=1, for long runs: without libFuzzer's tracing of comparisons
# (a quarter of schema_bytes' time in a perf profile) it runs about 1.5 times the
# inputs per second (1,571/s in a 2-minute window against 1,046/s in a 1-minute one,
# idle machine, different builds and corpora, 6 December), at the cost of cracking fewer magic values (the dictionary and the
# grammar supply most of them).
[[ -n ${FUZZ_NO_TRACE_COMPARES:-} ]] && sanitizer+=(--no-trace-compares)
if cargo +nightly --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  # cargo-fuzz asks for nightly for its sanitizers only; the coverage flags are stable.
  export RUSTC_BOOTSTRAP=1
  toolchain=()
fi
if ! cargo "${toolchain[@]}" fuzz build "${sanitizer[@]}" >/dev/null 2>fuzz/build.log; then
  echo "fuzz: skipped (cargo ${toolchain[*]} fuzz build failed; see fuzz/build.log)"
  exit 0
fi

# Seeds: the bundled schemas, the test fixtures and a few small SchemaStore schemas
# (copied, not committed; libFuzzer keeps what it finds beside them).
seed_corpus() {
  local corpus=fuzz/corpus/schema_bytes
  mkdir -p "$corpus"
  local file
  for file in schemas/*.json tests/fixtures/*.json tests/fixtures/shared/*.json \
    .cache/schemastore/{readthedocs,codecov,changie,drone-ci,github-issue-config,github-discussion}.json; do
    [[ -f $file ]] || continue
    (($(stat -c %s "$file") <= MAX_LEN)) || continue
    cp -n "$file" "$corpus/seed-$(basename "$(dirname "$file")")-$(basename "$file")"
  done
  mkdir -p fuzz/corpus/schema_structured
}
seed_corpus

for target in "${targets[@]}"; do
  extra=()
  [[ $target == schema_bytes ]] && extra+=(-dict=fuzz/schema.dict)
  [[ -n ${FUZZ_JOBS:-} ]] && extra+=(-fork="$FUZZ_JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  echo "fuzz: $target for ${seconds}s"
  # shellcheck disable=SC2086
  if ! cargo "${toolchain[@]}" fuzz run "${sanitizer[@]}" "$target" -- \
    "${flags[@]}" "${extra[@]}" ${FUZZ_FLAGS:-} 2>"fuzz/$target.log"; then
    tail -n 40 "fuzz/$target.log"
    echo "fuzz: $target found a failing input (fuzz/artifacts/$target/); see fuzz/$target.log"
    exit 1
  fi
  grep -E '^(#[0-9]+\s+DONE|stat::number_of_executed_units)' "fuzz/$target.log" || true
done
