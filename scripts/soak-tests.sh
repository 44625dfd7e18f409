#!/usr/bin/env bash
# Flake check: runs the whole Rust suite N times in a row (every database test on SQLite and
# PostgreSQL) and reports per run its wall time, failures and hangs (tests nextest killed at its
# time limit), then the slowest tests over all runs.
#   scripts/soak-tests.sh 5            five runs
#   scripts/soak-tests.sh 3 -E 'binary(server)'   extra arguments go to cargo nextest
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$ROOT/scripts/test-postgres.sh"
cd "$ROOT"
RUNS=${1:-5}
shift || true
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "usage: scripts/soak-tests.sh N [cargo nextest arguments]"
trap stop_test_postgres EXIT
ensure_test_postgres
OUT=$CARGO_TARGET_DIR/soak/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
say "building the tests once"
cargo nextest run --workspace --exclude frontend --no-run
bad_runs=0
summary=()
for run in $(seq 1 "$RUNS"); do
  say "run $run of $RUNS"
  t0=$(date +%s)
  status=0
  cargo nextest run --workspace --exclude frontend --no-fail-fast "$@" \
    >"$OUT/run-$run.log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - t0 ))
  cp "$NEXTEST_JUNIT" "$OUT/run-$run.xml" 2>/dev/null || true
  report=$(python3 "$ROOT/scripts/test-report.py" "$OUT/run-$run.xml" 0 | tail -n +2 || true)
  line="run $run: ${seconds}s, exit $status; $(echo "$report" | tail -n 1)"
  summary+=("$line")
  echo "$line"
  echo "$report" | grep -E '^(FAILED|TIMED OUT):' || true
  [ "$status" -eq 0 ] || bad_runs=$((bad_runs + 1))
done
say "slowest tests over all runs (each run's time)"
python3 - "$OUT" <<'PY'
import glob, sys, collections, xml.etree.ElementTree as ET
times = collections.defaultdict(list)
for path in sorted(glob.glob(f"{sys.argv[1]}/run-*.xml")):
    for case in ET.parse(path).getroot().iter("testcase"):
        times[f"{case.get('classname')} {case.get('name')}"].append(float(case.get("time") or 0))
for name, t in sorted(times.items(), key=lambda kv: -max(kv[1]))[:10]:
    print(f"  max {max(t):6.1f} s  " + " ".join(f"{x:.1f}" for x in t) + f"  {name}")
PY
say "soak summary ($OUT)"
printf '%s\n' "${summary[@]}"
echo "$((RUNS - bad_runs)) of $RUNS runs clean"
[ "$bad_runs" -eq 0 ]
