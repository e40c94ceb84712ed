#!/usr/bin/env bash
# Command-line behaviour of the anguan binary: audit verify on an untouched and a tampered
# database, one clear line for bad configuration, user add, graceful shutdown on SIGTERM.
set -uo pipefail
BIN=${1:?usage: cli_test.sh path/to/anguan}
TMP=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
SERVER=0
pass=0
fail=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $name"; fail=$((fail + 1)); fi
}

"$BIN" demo --db "sqlite:$TMP/a.db" >/dev/null || { echo "FAIL: demo"; exit 1; }
out=$("$BIN" audit verify --db "sqlite:$TMP/a.db"); rc=$?
check "verify ok exits 0" test $rc -eq 0
check "verify ok says OK" grep -q "audit chain OK" <<<"$out"

sqlite3 "$TMP/a.db" "UPDATE audit_log SET after_json='{}' WHERE seq=42"
out=$("$BIN" audit verify --db "sqlite:$TMP/a.db"); rc=$?
check "tampered verify exits 2" test $rc -eq 2
check "tampered verify names entry 42" grep -q "entry #42" <<<"$out"

cp "$TMP/a.db" "$TMP/b.db" 2>/dev/null
"$BIN" demo --db "sqlite:$TMP/c.db" >/dev/null
sqlite3 "$TMP/c.db" "DELETE FROM audit_log WHERE seq=100"
out=$("$BIN" audit verify --db "sqlite:$TMP/c.db"); rc=$?
check "removed entry is found" grep -q "entry #100" <<<"$out"

# Broker files for the demo devices (the same text MonitorMqtt's tests feed a real Mosquitto).
out=$(ANGUAN_MQTT_PASSWORD= "$BIN" mqtt-files --db "sqlite:$TMP/a.db" --out "$TMP/mq" 2>&1); rc=$?
check "mqtt-files without a service password exits 1" test $rc -eq 1
check "mqtt-files says which password" grep -q "ANGUAN_MQTT_PASSWORD" <<<"$out"
out=$(ANGUAN_MQTT_PASSWORD=svc-secret "$BIN" mqtt-files --db "sqlite:$TMP/a.db" --out "$TMP/mq" 2>&1); rc=$?
check "mqtt-files exits 0" test $rc -eq 0
check "mqtt-files names the conf lines" grep -q "password_file $TMP/mq/passwd" <<<"$out"
check "passwd holds anguan" grep -q '^anguan:\$7\$' "$TMP/mq/passwd"
devices=$(grep -o '"token"' "$TMP/demo-devices.json" | wc -l)
check "passwd holds every demo device" test "$(grep -c ':\$7\$' "$TMP/mq/passwd")" -eq $((devices + 1))
check "acl lets anguan read every device topic" grep -qx 'topic read anguan/#' "$TMP/mq/acl"
check "passwd is private" test "$(stat -c %a "$TMP/mq/passwd")" = 600
check "acl is private" test "$(stat -c %a "$TMP/mq/acl")" = 600

out=$("$BIN" serve --db "mysql://x" 2>&1); rc=$?
check "bad db exits 1" test $rc -eq 1
check "bad db is one line" test "$(wc -l <<<"$out")" -eq 1
out=$("$BIN" serve --db "sqlite:$TMP/x.db" --http "nonsense" 2>&1); rc=$?
check "bad http exits 1" test $rc -eq 1
out=$("$BIN" serve --db "sqlite:$TMP/x.db" --timezone "Mars/Base" 2>&1); rc=$?
check "bad timezone named" grep -q "Mars/Base" <<<"$out"

out=$("$BIN" user add --db "sqlite:$TMP/u.db" --username firstadmin --password "Passw0rd1" 2>&1); rc=$?
check "user add on an empty database" test $rc -eq 0
out=$("$BIN" user add --db "sqlite:$TMP/u.db" --username firstadmin --password "Passw0rd1" 2>&1); rc=$?
check "duplicate user add fails" test $rc -ne 0
out=$("$BIN" user add --db "sqlite:$TMP/u.db" --username weak --password "short" 2>&1); rc=$?
check "weak password refused" test $rc -ne 0

"$BIN" serve --db "sqlite:$TMP/a.db" --http 127.0.0.1:0 --web-root "$TMP" >"$TMP/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do grep -q "listening on" "$TMP/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$TMP/serve.log" | head -1)
check "serve answers healthz" curl -sf "$url/healthz" -o /dev/null
kill -TERM $SERVER
for _ in $(seq 50); do kill -0 $SERVER 2>/dev/null || break; sleep 0.1; done
! kill -0 $SERVER 2>/dev/null; stopped=$?
check "SIGTERM stops the server within 5 s" test $stopped -eq 0
wait $SERVER; rc=$?
check "graceful exit code 0" test $rc -eq 0
check "stop is logged" grep -q "anguan: stopped" "$TMP/serve.log"

echo "$pass passed, $fail failed"
test $fail -eq 0
