#!/usr/bin/env bash
# Coverage-guided fuzzing of the heap with libFuzzer, on stable Rust.
# Usage: bash fuzz/run.sh [seconds]   (default 20; CI runs a short smoke)
# cargo-fuzz needs nightly for its sanitizer flags; the SanitizerCoverage instrumentation
# libFuzzer needs is available on stable through these codegen options.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-20}"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps RUSTFLAGS off build scripts and proc-macros (as cargo-fuzz does).
target="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --quiet --target "$target" --target-dir ../target/fuzz
mkdir -p corpus artifacts
"../target/fuzz/$target/release/ops" corpus -artifact_prefix=artifacts/ -max_total_time="$secs" -max_len=400 -print_final_stats=1 2>&1 | tail -n 15
