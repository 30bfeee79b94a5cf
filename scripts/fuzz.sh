#!/usr/bin/env bash
# Builds CaseWatch's fuzz targets (Fuzz/Package.swift: libFuzzer, with AddressSanitizer) into .build-fuzz and runs
# each for a bounded time or number of runs, printing the executions each reached.
#
#   scripts/fuzz.sh [--build-only] [--time SECONDS] [--runs N] [TARGET…]
#
# Targets: case-yaml case-json subscribers configuration csv xlsx feed email-address headers (default: all).
# --time bounds each target's run (default 60 s), --runs its number of executions instead (then no time bound).
# Each target starts from a seed corpus made of the repository's own files (registry/, subscribers/,
# casewatch.yml, Tests/Fixtures, Fuzz/seeds/<target>) and its dictionary (Fuzz/dictionaries/<target>.dict).
# Corpora grow in .build-fuzz/corpus/<target>; the seed folders are only read. A crash leaves its input in
# .build-fuzz/artifacts/<target>/ and makes the script exit 1 once every target has run.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
scratch="$root/.build-fuzz"

all_targets=(case-yaml case-json subscribers configuration csv xlsx feed email-address headers)
build_only=0
seconds=60
runs=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1 ;;
    --time) seconds="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 64 ;;
    *)
      if [[ " ${all_targets[*]} " != *" $1 "* ]]; then
        echo "fuzz.sh: no fuzz target $1 (targets: ${all_targets[*]})" >&2
        exit 64
      fi
      targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# SwiftPM applies a sanitizer to the whole build, so the fuzzers and the CaseWatch modules they test are built
# here, apart from the normal build. Release, as fuzzing wants speed; AddressSanitizer stands in for the bounds
# checks of unsafe buffers that a release build leaves out.
swift build --package-path Fuzz --scratch-path "$scratch" -c release -Xswiftc -sanitize=fuzzer,address
bin="$(swift build --package-path Fuzz --scratch-path "$scratch" -c release --show-bin-path)"
[ "$build_only" -eq 0 ] || exit 0

# The seed files of a target: the repository's own inputs of that kind.
seeds() {
  case "$1" in
    case-yaml) ls registry/*.yaml ;;
    case-json) ls Fuzz/seeds/case-json/* ;;
    subscribers) ls subscribers/*.yaml Tests/Fixtures/release-1/subscribers/*.yaml ;;
    configuration) ls casewatch.yml ;;
    csv) ls Fuzz/seeds/csv/* ;;
    xlsx) ls Fuzz/seeds/xlsx/* ;;
    feed) ls Fuzz/seeds/case-json/* Fuzz/seeds/csv/* ;;
    email-address) ls Fuzz/seeds/email-address/* ;;
    headers) ls Fuzz/seeds/headers/* Tests/Fixtures/release-1/mail/*.eml ;;
  esac
}

failed=()
summary=()
for target in "${targets[@]}"; do
  corpus="$scratch/corpus/$target"
  artifacts="$scratch/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  for file in $(seeds "$target"); do
    # A copy named by its content: the seeds stay as they are, and a second copy is not added.
    cp "$file" "$corpus/seed-$(sha1sum "$file" | cut -c1-16)"
  done
  bound=(-max_total_time="$seconds")
  [ -z "$runs" ] || bound=(-runs="$runs")
  log="$scratch/fuzz-$target.log"
  echo "== $target (${bound[*]})"
  status=0
  ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1" "$bin/$target" "${bound[@]}" \
    -dict="Fuzz/dictionaries/$target.dict" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=25 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  executions="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  seconds_run="$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    summary+=("$target: FAILED after ${executions:-?} executions (exit $status); see $log and $artifacts/")
    grep -E '^==[0-9]+==ERROR|Fatal error|SUMMARY|Test unit written' "$log" | head -5 || true
  else
    summary+=("$target: ${executions:-?} executions in ${seconds_run:-?} s, no crash, corpus $(ls "$corpus" | wc -l) inputs")
  fi
done

echo
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "fuzz.sh: crashes in ${failed[*]}" >&2; exit 1; }
