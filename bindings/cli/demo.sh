#!/usr/bin/env bash
# The main job, offline: a replica is written with no network at all, queried,
# and its journal (what the next sync will push) and history are shown.
set -euo pipefail
bin=${1:-build/bin}
db=${HSE_DEMO_DB:-$(mktemp -d)/replica.db}
hs() { "$bin/hse-sync" --db "$db" "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

say "replica: $db (no remote configured: everything below works offline)"
project=$(hs create project '{"name":"Acme Construction Ltd","country":"IT"}' | field project_id)
office=$(hs create office "{\"project_id\":\"$project\",\"name\":\"Rome North Site\",\"street\":\"Via Salaria 1021\",\"locality\":\"Rome\",\"postal_code\":\"00138\",\"office_type_icon\":\"construction_site\"}" | field office_id)
incident=$(hs create incident "{\"name\":\"Slip on wet floor\",\"date_incident\":\"2026-11-27\",\"category\":\"ACCIDENTS_AND_MISSED_INJURIES\",\"tenant_id\":\"$project\",\"subtenant_id\":\"$office\",\"reported_by\":\"Mario Rossi\"}" | field office_incident_id)
say "created project $project, office $office, incident $incident"

say "a write the server would refuse is refused here too, naming the fields:"
hs update incident "$incident" '{"status":"closed"}' || echo "(exit code $?)" >&2

hs update incident "$incident" '{"status":"closed","date_closed":"2026-11-28"}' >/dev/null
say "query: open and closed incidents of the office, newest first"
hs query incident "{\"filter\":{\"subtenant_id\":\"$office\"},\"sort\":\"-date_incident\"}"
say "journal: what the next sync round will push (create+update collapsed into one create)"
hs journal
say "history of the incident"
hs history incident "$incident"
