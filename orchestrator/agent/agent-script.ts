/**
 * The node agent (docs/provisioning.md "Agent API"), served by the provisioner
 * at `B/boot/agent.sh` and installed as a boot-time service. POSIX sh plus
 * curl, base64, od, sed, tail, timeout: no bash, no JSON parser. It takes the work
 * item's `id` and `shellBase64` (both plain [A-Za-z0-9+/=-] text) out of the
 * JSON with sed, and posts its output base64-encoded, so no byte of either
 * needs escaping. Written without `${…}` and backquotes so it can sit in this
 * template literal verbatim.
 */
export const AGENT_SCRIPT = String.raw`#!/bin/sh
# drill node agent: polls the orchestrator for work items, runs each with sh -e,
# posts its exit status and output, and repeats. A boot-time service: a reboot
# in the middle of an item loses only that item, which the orchestrator hands
# out again. Exits 0 when the orchestrator refuses its token (401): the node
# was decommissioned.
#
# Configuration, from the environment or sh assignments in $DRILL_AGENT_CONFIG
# (default /etc/drill/agent.conf):
#   DRILL_API                   the orchestrator API, e.g. https://10.0.0.1:8443
#   DRILL_TOKEN                 this node's agent token (or DRILL_TOKEN_FILE, a file holding it)
#   DRILL_CA                    the orchestrator's CA certificate, a PEM file
#   DRILL_AGENT_DIR             scratch directory (default /var/lib/drill-agent)
#   DRILL_AGENT_BACKOFF_MIN_MS  first delay after a failed call (default 1000)
#   DRILL_AGENT_BACKOFF_MAX_MS  longest delay (default 60000)
#   DRILL_AGENT_POLL_MS         delay between polls when idle (default: the server's Retry-After)
#   DRILL_AGENT_WAIT_S          how long the orchestrator may hold a poll until there is work (default 25; 0: answer at once)
#   DRILL_AGENT_ITEM_TIMEOUT_S  a work item still running after this is stopped, status 124 (default 3600)

[ -n "$DRILL_AGENT_CONFIG" ] || DRILL_AGENT_CONFIG=/etc/drill/agent.conf
if [ -r "$DRILL_AGENT_CONFIG" ]; then . "$DRILL_AGENT_CONFIG"; fi
[ -n "$DRILL_TOKEN" ] || { [ -z "$DRILL_TOKEN_FILE" ] || DRILL_TOKEN=$(cat "$DRILL_TOKEN_FILE"); }
[ -n "$DRILL_AGENT_DIR" ] || DRILL_AGENT_DIR=/var/lib/drill-agent
[ -n "$DRILL_AGENT_BACKOFF_MIN_MS" ] || DRILL_AGENT_BACKOFF_MIN_MS=1000
[ -n "$DRILL_AGENT_BACKOFF_MAX_MS" ] || DRILL_AGENT_BACKOFF_MAX_MS=60000
[ -n "$DRILL_AGENT_ITEM_TIMEOUT_S" ] || DRILL_AGENT_ITEM_TIMEOUT_S=3600
[ -n "$DRILL_AGENT_WAIT_S" ] || DRILL_AGENT_WAIT_S=25

log() { printf 'drill-agent: %s\n' "$*" >&2; }
if [ -z "$DRILL_API" ] || [ -z "$DRILL_TOKEN" ]; then
  log "DRILL_API and DRILL_TOKEN (or DRILL_TOKEN_FILE) must be set, in the environment or in $DRILL_AGENT_CONFIG"
  exit 2
fi

dir=$DRILL_AGENT_DIR
umask 077
mkdir -p "$dir" || exit 2
# The token goes to curl in a header file, never on a command line where ps would show it.
printf 'Authorization: Bearer %s\n' "$DRILL_TOKEN" > "$dir/auth"
backoff_ms=$DRILL_AGENT_BACKOFF_MIN_MS

sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

# After a failure: sleep between half and all of the current delay (jitter keeps
# a rack of agents from calling back in step), then double it up to the maximum.
backoff() {
  log "$1; retrying in at most $backoff_ms ms"
  r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' \n')
  half=$((backoff_ms / 2))
  sleep_ms $((half + r % (half + 1)))
  backoff_ms=$((backoff_ms * 2))
  [ "$backoff_ms" -le "$DRILL_AGENT_BACKOFF_MAX_MS" ] || backoff_ms=$DRILL_AGENT_BACKOFF_MAX_MS
}

# api METHOD PATH [JSONFILE]: prints the HTTP status (000: no answer); the body lands in $dir/body.
api() {
  set -- "$1" "$2" "$3" -sS -X "$1" -o "$dir/body" -D "$dir/headers" -w '%{http_code}' -H "@$dir/auth"
  if [ -n "$3" ]; then set -- "$@" -H 'Content-Type: application/json' --data-binary "@$3"; fi
  if [ -n "$DRILL_CA" ]; then set -- "$@" --cacert "$DRILL_CA"; fi
  url=$DRILL_API$2
  shift 3
  code=$(curl "$@" "$url" 2>"$dir/curl.err")
  # curl writes 000 when nothing answered; nothing at all when it could not even try.
  [ -n "$code" ] || code=000
  printf '%s' "$code"
}

refused() {
  log "the orchestrator refused this node's token (401): the node was decommissioned; exiting"
  exit 0
}

field() { sed -n "s|.*\"$1\":\"\([A-Za-z0-9+/=-]*\)\".*|\1|p" "$dir/body"; }

post_result() {
  while :; do
    code=$(api POST "/api/v1/agent/work/$1/result" "$dir/result.json")
    case $code in
      204) backoff_ms=$DRILL_AGENT_BACKOFF_MIN_MS; return ;;
      401) refused ;;
      409) log "the orchestrator no longer waits for $1 (409): dropping its result"; return ;;
      4??) log "the orchestrator refused the result of $1 ($code): $(head -c 300 "$dir/body")"; return ;;
      000) backoff "could not post the result of $1: $(head -c 200 "$dir/curl.err")" ;;
      *) backoff "could not post the result of $1: the orchestrator answered $code" ;;
    esac
  done
}

run_item() {
  id=$(field id)
  if [ -z "$id" ]; then backoff "the work item has no id: $(head -c 200 "$dir/body")"; return; fi
  field shellBase64 | base64 -d > "$dir/item.sh"
  log "running $id"
  (cd / && timeout "$DRILL_AGENT_ITEM_TIMEOUT_S" sh -e "$dir/item.sh") > "$dir/output" 2>&1
  status=$?
  [ "$status" != 124 ] || printf 'drill-agent: stopped after %s s (DRILL_AGENT_ITEM_TIMEOUT_S)\n' "$DRILL_AGENT_ITEM_TIMEOUT_S" >> "$dir/output"
  if grep -q '^drill: changed ' "$dir/output"; then changed=true; else changed=false; fi
  printf '{"exitStatus":%d,"changed":%s,"outputBase64":"%s"}' "$status" "$changed" "$(tail -c 65536 "$dir/output" | base64 | tr -d '\n')" > "$dir/result.json"
  log "$id exited with status $status"
  post_result "$id"
}

while :; do
  # A long poll: the orchestrator answers as soon as there is work, or after the wait with Retry-After: 0.
  code=$(api GET "/api/v1/agent/work?waitS=$DRILL_AGENT_WAIT_S")
  case $code in
    200) backoff_ms=$DRILL_AGENT_BACKOFF_MIN_MS; run_item ;;
    204)
      backoff_ms=$DRILL_AGENT_BACKOFF_MIN_MS
      wait_ms=$DRILL_AGENT_POLL_MS
      if [ -z "$wait_ms" ]; then
        retry_after=$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9][0-9]*\).*/\1/p' "$dir/headers" | head -n 1)
        [ -n "$retry_after" ] || retry_after=5
        wait_ms=$((retry_after * 1000))
      fi
      sleep_ms "$wait_ms"
      ;;
    401) refused ;;
    000) backoff "the orchestrator is unreachable: $(head -c 200 "$dir/curl.err")" ;;
    *) backoff "the orchestrator answered $code" ;;
  esac
done
`;
