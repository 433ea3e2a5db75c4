#!/usr/bin/env bash
# Flowroute CNAM walk-through over plain HTTP with curl and jq, against a
# running simulator: create a caller-ID record, let the approval workflow run
# by moving the clock, attach the record to a number, survive an injected
# 503, and read the journal. Any language that speaks HTTP does the same.
#
#   go run ./cmd/simulator &
#   BASE=http://127.0.0.1:8080 ./examples/curl/flowroute.sh
#
# It works in its own tenant (TENANT, default curl-<pid>), so it never
# disturbs anyone else using the simulator, and removes that tenant at the
# end unless TENANT was given.
set -euo pipefail

: "${BASE:?set BASE to the simulator, e.g. BASE=http://127.0.0.1:8080}"
OWN_TENANT=0
if [ -z "${TENANT:-}" ]; then TENANT="curl-$$"; OWN_TENANT=1; fi
SIM="$BASE/t/$TENANT"            # the tenant's root
FR="$SIM/flowroute/v2"           # like https://api.flowroute.com/v2
AUTH="${FLOWROUTE_AUTH:-demo-access-key:demo-secret-key}"
NUMBER="${NUMBER:-12065550101}"  # a number of the default scenario's account
JSON=(-H 'Content-Type: application/json')

fail() { echo "flowroute.sh: $*" >&2; exit 1; }

# A fresh tenant from the scenario, its clock frozen so only we move it.
curl -fsS -X POST "$SIM/__sim/reset" >/dev/null
curl -fsS -X POST "${JSON[@]}" -d '{"mode":"frozen"}' "$SIM/__sim/clock/mode" >/dev/null

# 1. Create a record: the value is upper-cased and the record is pending.
ID=$(curl -fsS -u "$AUTH" "${JSON[@]}" -d '{"value":"Acme Labs"}' "$FR/cnams" | jq -r .data.id)
echo "created CNAM record $ID"
[ "$(curl -fsS -u "$AUTH" "$FR/cnams/$ID" | jq -r .data.attributes.is_approved)" = false ] || fail "record $ID is already approved"

# 2. Attaching a pending record is refused with Flowroute's 422 envelope.
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' -u "$AUTH" -X PATCH "$FR/numbers/$NUMBER/relationships/cnams/$ID")
[ "$STATUS" = 422 ] || fail "attaching a pending record answered $STATUS, want 422"

# 3. Move the clock past the approval delay (4 hours in the default scenario).
curl -fsS -X POST "${JSON[@]}" -d '{"by":"4h"}' "$SIM/__sim/clock/advance" | jq -r '"clock is now " + .now'
RECORD=$(curl -fsS -u "$AUTH" "$FR/cnams/$ID")
[ "$(jq -r .data.attributes.is_approved <<<"$RECORD")" = true ] || fail "record $ID is not approved: $RECORD"
echo "approved $(jq -r .data.attributes.value <<<"$RECORD") at $(jq -r .data.attributes.approval_datetime <<<"$RECORD")"

# 4. Attach it to the number and read it back.
curl -fsS -u "$AUTH" -X PATCH "$FR/numbers/$NUMBER/relationships/cnams/$ID" >/dev/null
ATTACHED=$(curl -fsS -u "$AUTH" "$FR/numbers/$NUMBER" | jq -r .data.relationships.cnam.data.id)
[ "$ATTACHED" = "$ID" ] || fail "$NUMBER shows CNAM $ATTACHED, want $ID"
echo "$NUMBER now uses CNAM record $ID"

# 5. Make the next list call fail with 503 and retry like a careful client.
curl -fsS -X POST "${JSON[@]}" -d '{"provider":"flowroute","route":"GET /cnams","status":503,"times":1}' \
  "$SIM/__sim/faults" | jq -r '"fault " + .id + " added"'
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT
for attempt in 1 2 3; do
  STATUS=$(curl -sS -o "$BODY" -w '%{http_code}' -u "$AUTH" "$FR/cnams?is_approved=true")
  [ "$STATUS" = 200 ] && break
  echo "attempt $attempt: $STATUS $(jq -r '.errors[0].title' "$BODY")"
  sleep 0.2
done
[ "$STATUS" = 200 ] || fail "list still failing: $STATUS"
echo "approved records: $(jq -r '[.data[].attributes.value] | join(", ")' "$BODY")"

# 6. What the simulator saw, newest first.
curl -fsS "$SIM/__sim/journal?provider=flowroute&limit=4" | jq -r '.entries[] | "\(.method) \(.path) -> \(.status)"'

if [ "$OWN_TENANT" = 1 ]; then curl -fsS -X DELETE "$BASE/__sim/tenants/$TENANT"; fi
echo ok
