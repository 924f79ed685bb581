#!/usr/bin/env bash
# Fuzzes the SDK's untrusted-input parsers with AFL++ and SharpFuzz (docs/reliability.md).
#
#   fuzz/run.sh [target|all] [executions]        e.g. fuzz/run.sh jinja 100000;  fuzz/run.sh all 10000
#
# Targets: safetensors config tokenizer jinja png jpeg (all: each in turn). Executions: per target (default 100000).
# Installs what is missing (afl++ from apt, the SharpFuzz.CommandLine tool from fuzz/dotnet-tools.json), builds the
# harness, instruments a copy of DeepSeek.Sdk.Core.dll, writes the seed corpora, runs afl-fuzz, then replays every
# crash and hang on the uninstrumented build, keeps one input per distinct failure (minimised with afl-tmin when it
# can) and copies it to $FUZZ_FINDINGS_DIR/<target>/. Prints executions, exec/s, crashes and hangs per target.
#
# Settings (environment):
#   FUZZ_TIMEOUT_MS=2000        a run over this is a hang (afl-fuzz -t)
#   FUZZ_MAX_SECONDS=7200       wall-clock cap per target (afl-fuzz -V), whatever the executions
#   FUZZ_HEAP_LIMIT=0x60000000  .NET GC heap hard limit per process (1.5 GiB): an oversized allocation is an
#                               OutOfMemoryException, i.e. a crash, instead of a machine that swaps
#   FUZZ_FINDINGS_DIR=tests/Fixtures/fuzz   where distinct findings go (CI replays that folder; point it at
#                               fuzz/findings while the parsers are not fixed yet)
#   FUZZ_TMIN=1                 minimise crashing inputs with afl-tmin (0: keep them as found)
#   FUZZ_MAX_HANGS=5            hangs kept per target (smallest first; a hang has no stack trace to tell causes apart)
#   FUZZ_KEEP_QUEUE=0           also copy this many of AFL's new-coverage inputs that pass (smallest first) to
#                               $FUZZ_CORPUS_DIR/<target>/ (default tests/Fixtures/fuzz), as regression inputs for CI
#   FUZZ_IN_PROCESS=0           1: SharpFuzz's in-process loop (faster; a stack overflow or hang ends the campaign)
#   FUZZ_RESUME=0               1: continue the previous campaign in fuzz/out/afl/<target> instead of starting fresh
#   FUZZ_SKIP_BUILD=0           1: reuse fuzz/out/plain and fuzz/out/instrumented from the previous run
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
targets_all=(safetensors config tokenizer jinja png jpeg)
target=${1:-all}
executions=${2:-100000}
timeout_ms=${FUZZ_TIMEOUT_MS:-2000}
max_seconds=${FUZZ_MAX_SECONDS:-7200}
heap_limit=${FUZZ_HEAP_LIMIT:-0x60000000}
findings_dir=${FUZZ_FINDINGS_DIR:-tests/Fixtures/fuzz}
corpus_dir=${FUZZ_CORPUS_DIR:-tests/Fixtures/fuzz}
keep_queue=${FUZZ_KEEP_QUEUE:-0}
max_hangs=${FUZZ_MAX_HANGS:-5}
out=fuzz/out

if [[ $target == all ]]; then
  targets=("${targets_all[@]}")
elif [[ " ${targets_all[*]} " == *" $target "* ]]; then
  targets=("$target")
else
  echo "unknown target '$target' (expected: all ${targets_all[*]})" >&2
  exit 64
fi
if ! [[ $executions =~ ^[0-9]+$ ]] || ((executions < 1)); then
  echo "executions must be a positive number, got '$executions'" >&2
  exit 64
fi

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v afl-fuzz >/dev/null 2>&1; then
  log "installing afl++ (apt)"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >/dev/null
fi
(cd fuzz && dotnet tool restore >/dev/null)

# --- build and instrument --------------------------------------------------------------------------------------------
if [[ ${FUZZ_SKIP_BUILD:-0} != 1 || ! -f $out/instrumented/DeepSeek.Sdk.Fuzz.dll ]]; then
  log "building the harness"
  rm -rf "$out/plain" "$out/instrumented"
  dotnet build fuzz/DeepSeek.Sdk.Fuzz -c Release -o "$out/plain" -v quiet -nologo | { grep -E "error|warn" || true; }
  cp -r "$out/plain" "$out/instrumented"
  log "instrumenting DeepSeek.Sdk.Core.dll (parser namespaces)"
  # Only the parsers' namespaces: fewer edges from unrelated code keep AFL's 64 KB map meaningful.
  (cd fuzz && dotnet tool run sharpfuzz "$root/$out/instrumented/DeepSeek.Sdk.Core.dll" \
    DeepSeek.Sdk.Checkpoints DeepSeek.Sdk.Configs DeepSeek.Sdk.Tokenization DeepSeek.Sdk.Imaging DeepSeek.Sdk.Tensors >/dev/null)
fi
plain=(dotnet "$out/plain/DeepSeek.Sdk.Fuzz.dll")
instrumented=(dotnet "$out/instrumented/DeepSeek.Sdk.Fuzz.dll")

rm -rf "$out/seeds"
"${plain[@]}" seeds "$root" "$out/seeds" >/dev/null

# --- afl-fuzz settings -------------------------------------------------------------------------------------------------
export DOTNET_GCHeapHardLimit=$heap_limit
export AFL_SKIP_BIN_CHECK=1            # the target binary is dotnet; the instrumentation is in the managed code
export AFL_NO_UI=1 AFL_QUIET=1
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1   # shared machines: no CPU pinning, no governor check
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_CRASHES=1              # a seed that already fails on this build is a finding, not a reason to stop
export AFL_FORKSRV_INIT_TMOUT=60000    # dotnet start-up and JIT under load
[[ -d /dev/shm ]] && export AFL_TMPDIR=/dev/shm
mode=()
[[ ${FUZZ_IN_PROCESS:-0} == 1 ]] && mode=(--in-process)

stat_of() { awk -F' *: *' -v key="$2" '$1 == key { print $2 }' "$1/default/fuzzer_stats" 2>/dev/null || true; }

# Replays one input on the uninstrumented build and prints "<kind>\t<signature>\t<first line>"; kind is
# crash, hang, slow, overflow, died or pass (the input no longer fails); the signature (exception type and first SDK
# frame) tells distinct failures apart.
classify() {
  local t=$1 file=$2 output rc
  set +e
  output=$(timeout 60 "${plain[@]}" replay "$t" "$file" --timeout-ms 10000 --slow-ms "$timeout_ms" 2>&1)
  rc=$?
  set -e
  local first frame
  # Here-strings, not pipes: with pipefail, grep -m1 leaving early would fail the pipeline.
  first=$(grep -m1 -E '^(FAILED|HANG|SLOW|Stack overflow|Unhandled|Out of memory)' <<<"$output" || true)
  [[ -n $first ]] || first=${output%%$'\n'*}
  frame=$(grep -m1 -E '^ +at DeepSeek\.Sdk\.' <<<"$output" || true)
  frame=${frame#"${frame%%[! ]*}"}
  frame=${frame#at }
  frame=${frame%%(*}
  case $rc in
    0) printf 'pass\t-\t%s\n' "$first" ;;
    1) local type
       read -r _ _ type _ <<<"$first"
       printf 'crash\t%s|%s\t%s\n' "${type%:}" "$frame" "$first" ;;
    2) if [[ $first == HANG* ]]; then printf 'hang\thang\t%s\n' "$first"; else printf 'slow\tslow\t%s\n' "$first"; fi ;;
    124) printf 'hang\thang\tthe replay did not end in 60 s\n' ;;
    *) if [[ $output == *"Stack overflow"* ]]; then
         printf 'overflow\tStackOverflow|%s\tstack overflow (process ended, exit %s)\n' "$frame" "$rc"
       else
         printf 'died\tdied-%s|%s\tprocess ended with exit code %s: %s\n' "$rc" "$frame" "$rc" "$first"
       fi ;;
  esac
}

# The seeds that fail on this build: afl-fuzz skips them (AFL_SKIP_CRASHES, -t), so triage looks at them itself.
failing_seeds() {
  local t=$1
  if ! timeout 300 "${plain[@]}" replay "$t" "$out/seeds/$t" --timeout-ms 10000 --slow-ms "$timeout_ms" >/dev/null 2>&1; then
    ls -1S -r "$out/seeds/$t"/*
  fi
}

extension() {
  case $1 in
    safetensors) echo safetensors ;; config) echo json ;; tokenizer) echo bin ;; jinja) echo jinja ;; png) echo png ;; jpeg) echo jpg ;;
  esac
}

summary=()
for t in "${targets[@]}"; do
  afl_out=$out/afl/$t
  input=(-i "$out/seeds/$t")
  if [[ ${FUZZ_RESUME:-0} == 1 && -d $afl_out/default ]]; then
    input=(-i -)
  else
    rm -rf "$afl_out"
  fi
  mkdir -p "$afl_out"
  log "fuzzing $t: $executions executions (at most ${max_seconds} s, -t $timeout_ms ms)"
  start=$(date +%s)
  set +e
  afl-fuzz "${input[@]}" -o "$afl_out" -x "fuzz/dictionaries/$t.dict" -t "$timeout_ms" -m none \
    -E "$executions" -V "$max_seconds" -- "${instrumented[@]}" "$t" "${mode[@]}" >"$afl_out/afl-fuzz.log" 2>&1
  rc=$?
  set -e
  elapsed=$(($(date +%s) - start))
  if [[ ! -f $afl_out/default/fuzzer_stats ]]; then
    echo "afl-fuzz failed for $t (exit $rc); the end of $afl_out/afl-fuzz.log:" >&2
    tail -20 "$afl_out/afl-fuzz.log" >&2
    summary+=("$(printf '%-12s %10s %8s %8s %8s %8s %9s  %s' "$t" - - "$elapsed" - - - "afl-fuzz failed (exit $rc)")")
    continue
  fi
  execs=$(stat_of "$afl_out" execs_done)
  crashes=$(stat_of "$afl_out" saved_crashes)
  hangs=$(stat_of "$afl_out" saved_hangs)
  speed=$(stat_of "$afl_out" execs_per_sec)

  # Triage: one input per distinct failure, smallest first.
  declare -A seen=()
  distinct=0 passing=0 hang_count=0
  report=$afl_out/triage.txt
  : >"$report"
  while IFS= read -r file; do
    [[ -f $file ]] || continue
    IFS=$'\t' read -r kind signature first < <(classify "$t" "$file")
    if [[ $kind == pass ]]; then
      [[ $file == "$out/seeds/"* ]] || passing=$((passing + 1))
      continue
    fi
    # A hang has no stack trace to tell causes apart: keep the few smallest, each as its own finding.
    if [[ $kind == hang || $kind == slow ]]; then
      hang_count=$((hang_count + 1))
      ((hang_count > max_hangs)) && continue
      signature="$signature-$hang_count"
    fi
    [[ -n ${seen[$signature]:-} ]] && continue
    seen[$signature]=1
    distinct=$((distinct + 1))
    keep=$file
    if [[ ${FUZZ_TMIN:-1} == 1 && $kind == crash ]]; then
      minimized=$afl_out/tmin-$distinct
      if timeout 120 afl-tmin -i "$file" -o "$minimized" -t 10000 -m none -- "${instrumented[@]}" "$t" >/dev/null 2>&1 &&
        [[ -s $minimized ]] && [[ $(classify "$t" "$minimized" | cut -f2) == "$signature" ]]; then
        keep=$minimized
      fi
    fi
    hash=$(sha1sum "$keep" | cut -c1-10)
    name="$kind-$hash.$(extension "$t")"
    mkdir -p "$findings_dir/$t"
    install -m 644 "$keep" "$findings_dir/$t/$name"
    printf '%s/%s/%s (%s bytes)\n  %s\n  %s\n' "$findings_dir" "$t" "$name" "$(stat -c %s "$keep")" "$signature" "$first" | tee -a "$report" >&2
  done < <(failing_seeds "$t"; ls -1S -r "$afl_out"/default/crashes/id:* "$afl_out"/default/hangs/id:* 2>/dev/null || true)
  unset seen

  kept=0
  if ((keep_queue > 0)); then
    while IFS= read -r file && ((kept < keep_queue)); do
      [[ $(classify "$t" "$file" | cut -f1) == pass ]] || continue
      mkdir -p "$corpus_dir/$t"
      install -m 644 "$file" "$corpus_dir/$t/queue-$(sha1sum "$file" | cut -c1-10).$(extension "$t")"
      kept=$((kept + 1))
    done < <(ls -1S -r "$afl_out"/default/queue/id:*+cov* 2>/dev/null || true)
  fi
  note=""
  ((execs < executions)) && note="stopped at the ${max_seconds} s cap"
  ((passing > 0)) && note="$note${note:+; }$passing saved inputs did not fail on replay"
  ((kept > 0)) && note="$note${note:+; }$kept queue inputs kept in $corpus_dir/$t"
  summary+=("$(printf '%-12s %10s %8s %8s %8s %8s %9s  %s' "$t" "$execs" "$speed" "$elapsed" "$crashes" "$hangs" "$distinct" "$note")")
done

echo
printf '%-12s %10s %8s %8s %8s %8s %9s  %s\n' target executions "exec/s" seconds crashes hangs distinct notes
printf '%s\n' "${summary[@]}"
echo "(exec/s: afl-fuzz's average; seconds: wall time of afl-fuzz, start-up and calibration included; crashes, hangs: saved by afl-fuzz; distinct: failures that replay on the uninstrumented build, copied to $findings_dir/<target>/;"
echo " $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), afl++ $(dpkg-query -W -f='${Version}' afl++ 2>/dev/null || echo '?'), command: fuzz/run.sh $target $executions)"
