#!/bin/sh
# A jobd worker in plain shell: curl for HTTP, jq for JSON. See docs/workers.md.
#
# It leases one job at a time, works it in three steps (a heartbeat with progress after each, which
# is also where it learns of a cancel), asks "Carry on?" half way, and completes the job with a
# result, or fails it when told to stop.
#
#   JOBD_TYPES=shell_demo sh examples/worker.sh
#
# Environment: JOBD_URL (default http://127.0.0.1:8080), JOBD_TYPES (comma-separated, required),
# JOBD_WORKER (default sh-<pid>), JOBD_TOKEN (sent as a Bearer token when set), JOBD_ONCE=1 (exit
# after one job).
set -eu

API="${JOBD_URL:-http://127.0.0.1:8080}/api/v1/workers"
WORKER="${JOBD_WORKER:-sh-$$}"
TYPES=$(printf '%s' "${JOBD_TYPES:?set JOBD_TYPES to the job types this worker does}" | jq -Rc 'split(",")')
LEASE_MS=30000

log() { echo "$WORKER: $*" >&2; }

# call PATH JSON: POSTs JSON, prints the answer. Fails (status 22) on an HTTP error, after printing
# jobd's error body to stderr; a 409 LEASE_EXPIRED means the job is no longer ours.
call() {
  if ! out=$(curl -sS --fail-with-body -X POST "$API$1" \
      -H 'content-type: application/json' ${JOBD_TOKEN:+-H "authorization: Bearer $JOBD_TOKEN"} \
      --data-binary "$2"); then
    log "POST $1 failed: $out"
    return 22
  fi
  printf '%s\n' "$out"
}

# beat PERCENT MESSAGE: heartbeat with progress; fails when the lease is lost, prints cancelRequested.
beat() {
  body=$(jq -nc --arg l "$lease" --argjson p "$1" --arg m "$2" --argjson ms "$LEASE_MS" \
    '{lease: $l, progress: $p, message: $m, leaseMs: $ms}')
  call "/jobs/$id/heartbeat" "$body" | jq -r .cancelRequested
}

# ask MESSAGE BUTTONS_JSON: opens a prompt and long-polls until it is answered; prints the button.
# Prints "cancel" when a cancel arrives meanwhile.
ask() {
  body=$(jq -nc --arg l "$lease" --arg m "$1" --argjson b "$2" --argjson ms "$LEASE_MS" \
    '{lease: $l, message: $m, buttons: $b, waitMs: 20000, leaseMs: $ms}')
  answer=$(call "/jobs/$id/prompt" "$body") || return 22
  while [ "$(printf '%s' "$answer" | jq -r .answered)" != true ]; do
    if [ "$(printf '%s' "$answer" | jq -r .cancelRequested)" = true ]; then echo cancel; return 0; fi
    if [ "$(printf '%s' "$answer" | jq -r .state)" != waiting ]; then return 22; fi
    body=$(jq -nc --arg l "$lease" --argjson i "$(printf '%s' "$answer" | jq .index)" --argjson ms "$LEASE_MS" \
      '{lease: $l, index: $i, waitMs: 20000, leaseMs: $ms}')
    answer=$(call "/jobs/$id/prompt/wait" "$body") || return 22
  done
  printf '%s' "$answer" | jq -r .button
}

stopped() {
  call "/jobs/$id/stopped" "$(jq -nc --arg l "$lease" '{lease: $l}')" >/dev/null || true
  log "job $id: stopped after a cancel"
}

# work: one leased job. Returns non-zero when the lease was lost (the job is someone else's now).
work() {
  for step in 1 2 3; do
    sleep 0.2 # the real work of this step goes here
    percent=$((step * 25))
    cancel=$(beat "$percent" "step $step of 3") || return 22
    if [ "$cancel" = true ]; then stopped; return 0; fi
    if [ "$step" = 2 ]; then
      button=$(ask "Carry on with $(printf '%s' "$input" | jq -c .)?" '["Go on","Stop"]') || return 22
      if [ "$button" = cancel ]; then stopped; return 0; fi
      if [ "$button" = 1 ]; then
        call "/jobs/$id/fail" "$(jq -nc --arg l "$lease" \
          '{lease: $l, error: {code: "DECLINED", message: "told to stop"}, retryable: false}')" >/dev/null
        log "job $id: failed, told to stop"
        return 0
      fi
    fi
  done
  result=$(jq -nc --argjson input "$input" --arg w "$WORKER" '{input: $input, answer: "Go on", worker: $w}')
  call "/jobs/$id/complete" "$(jq -nc --arg l "$lease" --argjson r "$result" '{lease: $l, result: $r}')" >/dev/null
  log "job $id: completed"
}

log "leasing $TYPES from $API"
while :; do
  request=$(jq -nc --arg w "$WORKER" --argjson t "$TYPES" --argjson ms "$LEASE_MS" \
    '{worker: $w, types: $t, max: 1, waitMs: 30000, leaseMs: $ms}')
  if ! leased=$(call /lease "$request"); then sleep 1; continue; fi
  id=$(printf '%s' "$leased" | jq -r '.jobs[0].id // empty')
  [ -n "$id" ] || continue
  lease=$(printf '%s' "$leased" | jq -r '.jobs[0].lease.id')
  input=$(printf '%s' "$leased" | jq -c '.jobs[0].input')
  log "job $id: leased"
  work || log "job $id: lease lost, work dropped"
  if [ "${JOBD_ONCE:-}" = 1 ]; then exit 0; fi
done
