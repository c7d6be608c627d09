#!/usr/bin/env bash
# The main job: the hse-sync daemon keeps a local replica in sync with the bundled
# hse-emulator (a 4HSE v2 server on 127.0.0.1). It shows the initial sync, an
# incident reported while the network is down, and that incident reaching the
# server once the network is back. Then a second replica, of the status-page
# Incident API the same emulator serves, where the server picks the ids: an incident
# and its comment written offline get their server ids when pushed. Everything it
# starts, it stops.
set -euo pipefail
bin=${1:-build/bin}
work=$(mktemp -d)
db=$work/replica.db
say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
hs() { "$bin/hse-sync" --db "$db" "$@"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

say "starting hse-emulator with demo data (2 companies, their sites, actions and incidents)"
printf 'demo-token' > "$work/token"
"$bin/hse-emulator" --port 0 --demo --demo-size "${HSE_DEMO_SIZE:-20000}" --token demo-token --admin > "$work/emulator.out" &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening on' "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' "$work/emulator.out")"
api() {  # api METHOD PATH [BODY]: talk to the server directly, as another user would
  python3 - "$url" "$@" <<'PY'
import json, sys, urllib.request
url, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
sep = '&' if '?' in path else '?'
req = urllib.request.Request(url + path + sep + 'access-token=demo-token', data=body, method=method,
                             headers={'Content-Type': 'application/json', 'Authorization': 'Bearer demo-token'})
print(urllib.request.urlopen(req).read().decode() or '{}')
PY
}
say "server at $url"

say "hse-sync init: a replica of every project the account sees (the token comes from a file, never echoed)"
hs init --remote "$url" --token-file "$work/token" --config '{"sync":{"interval_s":2,"backoff_max_s":2}}'

say "hse-sync run: the daemon (its log below; a progress line shows on a terminal)"
"$bin/hse-sync" --db "$db" run > "$work/daemon.out" &
pids+=($!)
daemon=$!
for _ in $(seq 300); do [ "$(hs status | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_sync"] is not None)')" = True ] && break; sleep 0.2; done
hs query incident '{"per-page":1}' | python3 -c 'import json,sys; print("replica holds", json.load(sys.stdin)["_meta"]["totalCount"], "active incidents", file=sys.stderr)'

say "the network goes down (the emulator now drops every connection)"
api POST /_admin/faults '{"drop_rate":1.0}' > /dev/null
read -r office project < <(hs query office '{"per-page":1,"sort":"name"}' | python3 -c 'import json,sys; r=json.load(sys.stdin)["items"][0]; print(r["office_id"], r["project_id"])')
incident=$(hs create incident "{\"name\":\"Scaffold plank cracked\",\"date_incident\":\"2026-11-28\",\"category\":\"REPORT_FAILURE\",\"tenant_id\":\"$project\",\"subtenant_id\":\"$office\",\"reported_by\":\"Giulia Neri\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["office_incident_id"])')
say "reported offline: incident $incident; the journal holds it until the server can take it"
hs journal
sleep 3

say "the network is back: the daemon retries on its own"
api POST /_admin/faults '{}' > /dev/null
for _ in $(seq 100); do [ "$(hs status | python3 -c 'import json,sys; print(json.load(sys.stdin)["pending"])')" = 0 ] && break; sleep 0.2; done
say "the server has it now:"
api GET "/v2/incident/view/$incident" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({k: r[k] for k in ("office_incident_id","name","office_name","project_name","status","created_by")}, indent=2))'

say "stopping the daemon (SIGTERM: it ends after the current page)"
kill -TERM "$daemon"
wait "$daemon" || true
cat "$work/daemon.out" >&2 || true
hs status

say "a second remote: the status-page Incident API (paths /incident on the same emulator), whose ids the server picks"
sp() { "$bin/hse-sync" --db "$work/statuspage.db" "$@"; }
sp init --kind statuspage --remote "$url" --token-file "$work/token"
api POST /_admin/faults '{"drop_rate":1.0}' > /dev/null
local_id=$(sp create statuspage_incident '{"scope":1,"service":1,"name":"Lift 3 out of service","severity":"moderate","start_impact_date":"2026-11-28T08:30"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sp create statuspage_comment "{\"incident\":\"$local_id\",\"comment\":\"Technician on the way\",\"internal\":false}" > /dev/null
say "written offline: incident $local_id (a local id until the server gives one) and a comment on it"
sp sync > /dev/null 2>&1 || echo "sync while offline: the server cannot be reached; both wait in the journal" >&2
sp journal | python3 -c 'import json,sys; [print(" ", e["op"], e["entity"], e["id"], e["state"], file=sys.stderr) for e in json.load(sys.stdin)]'

api POST /_admin/faults '{}' > /dev/null
sp sync > /dev/null
server_id=$(sp get statuspage_incident "$local_id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
say "the network is back and one round pushed both: local id $local_id is now server id $server_id, and the server shows the comment on it:"
api GET "/incident/$server_id" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({k: r.get(k) for k in ("id","name","status","external_reference","comments")}, indent=2))'
