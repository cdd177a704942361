#!/usr/bin/env bash
# Checks contract §1 (the dense_vector field) over REST against the real OpenSearch distribution: every
# rejected document is a 400 mapper_parsing_exception and leaves nothing indexed; bad mappings are 400s; dims
# cannot change. Prints status and message per case; exits 1 if any case differs from what it expects.
# A stopgap until the Java REST test suite covers this. Usage: src/scripts/check-rest.sh [--port N]
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT_FROM=9200
[ "${1:-}" = --port ] && PORT_FROM="${2:?--port needs a number}"

source src/scripts/jdk.sh
source src/scripts/opensearch-node.sh
osn_require_cmd curl
osn_require_cmd python3

if [ "$(java_major "$JAVA_HOME")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"  # Maven's Guava warns on JDK 24+
fi
mvn -B -ntp -q -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
DIST_ZIP=$(osn_distribution_zip 3.8.0)
osn_unpack "$DIST_ZIP" target/check-rest
osn_install_plugin "$(ls target/vector-scoring-*.zip)"
osn_ensure_user
HTTP_PORT=$(osn_free_port "$PORT_FROM")
TRANSPORT_PORT=$(osn_free_port 9300)
osn_configure "$HTTP_PORT" "$TRANSPORT_PORT"
trap osn_stop EXIT
trap 'osn_stop; exit 130' INT
trap 'osn_stop; exit 143' TERM
trap 'osn_stop; exit 129' HUP
osn_start
osn_wait_health 180

FAILURES=0
STATUS=""
BODY=""
req() { # METHOD PATH [BODY]
  local out
  local -a args=(-s -X "$1" -w '\n%{http_code}' -H 'Content-Type: application/json' "$(osn_url)$2")
  [ $# -lt 3 ] || args+=(--data-binary "$3")
  out=$(curl "${args[@]}")
  STATUS="${out##*$'\n'}"
  BODY="${out%$'\n'*}"
}
# The error's type and the root cause's reason (the most specific message), on one line.
error_of() {
  python3 -c '
import json, sys
try:
    e = json.loads(sys.argv[1]).get("error", {})
except ValueError:
    print("(not JSON) " + sys.argv[1][:200]); sys.exit()
if not isinstance(e, dict): print(e); sys.exit()
root = (e.get("root_cause") or [e])[0]
reason = root.get("reason") or ""
if reason.startswith("failed to parse"):  # the generic wrapper: show the innermost cause too
    inner = e
    while isinstance(inner.get("caused_by"), dict): inner = inner["caused_by"]
    if inner is not e: reason += " <- " + inner.get("type") + ": " + inner.get("reason", "").splitlines()[0]
print(e.get("type"), "|", root.get("type"), "|", reason.replace("\n", " ").replace("\t", ""))
' "$1"
}
report() { # verdict case status message
  printf '%-4s %-44s %s  %s\n' "$1" "$2" "$3" "$4"
  [ "$1" = ok ] || FAILURES=$((FAILURES + 1))
}

req PUT /v '{ "mappings": { "properties": {
  "rgb": { "type": "dense_vector", "dims": 3 }, "tag": { "type": "keyword" } } } }'
[ "$STATUS" = 200 ] || { echo "creating index v: $STATUS $BODY" >&2; exit 1; }

# reject ID JSON-VALUE-OF-rgb: expects 400 mapper_parsing_exception and that nothing of the document was indexed.
reject() {
  local id="$1" value="$2" verdict=ok msg
  req PUT "/v/_doc/$id?refresh=true" "{ \"tag\": \"$id\", \"rgb\": $value }"
  msg=$(error_of "$BODY")
  [ "$STATUS" = 400 ] && [[ "$msg" == mapper_parsing_exception* ]] || verdict=FAIL
  local status="$STATUS"
  req GET "/v/_doc/$id"
  [ "$STATUS" = 404 ] || { verdict=FAIL; msg="$msg (BUT THE DOCUMENT WAS INDEXED)"; }
  report "$verdict" "rgb: $value" "$status" "$msg"
}
# accept ID JSON-DOCUMENT: expects 201.
accept() {
  req PUT "/v/_doc/$1?refresh=true" "$2"
  local verdict=ok
  [ "$STATUS" = 201 ] || verdict=FAIL
  report "$verdict" "$2" "$STATUS" "$( [ "$STATUS" = 201 ] && echo created || error_of "$BODY")"
}
# mapping CASE EXPECTED-STATUS METHOD PATH BODY
mapping() {
  req "$3" "$4" "$5"
  local verdict=ok
  [ "$STATUS" = "$2" ] || verdict=FAIL
  report "$verdict" "$1" "$STATUS" "$( [ "$STATUS" = 200 ] && echo acknowledged || error_of "$BODY")"
}

echo
echo "== Documents (index v: rgb dense_vector dims 3, cosine) =="
accept good '{ "tag": "good", "rgb": [1, 2.5, -3] }'
accept missing '{ "tag": "missing" }'
accept null '{ "tag": "null", "rgb": null }'
reject short '[1, 2]'
reject long '[1, 2, 3, 4]'
reject empty '[]'
reject nan-literal '[1, NaN, 3]'
reject nan-string '[1, "NaN", 3]'
reject inf-literal '[1, Infinity, 3]'
reject inf-string '[1, "Infinity", 3]'
reject float-overflow '[1, 1e39, 3]'
reject double-overflow '[1, 1e309, 3]'
reject string '[1, "a", 3]'
reject numeric-string '[1, "2", 3]'
reject null-element '[1, null, 3]'
reject boolean '[1, true, 3]'
reject nested '[[1, 2, 3]]'
reject two-vectors '[[1, 2, 3], [4, 5, 6]]'
reject object '{ "x": 1 }'
reject scalar '5'
reject string-value '"1,2,3"'
req PUT "/v/_doc/dup?refresh=true" '{ "tag": "dup", "rgb": [1, 2, 3], "rgb": [4, 5, 6] }'
report "$( [ "$STATUS" = 400 ] && echo ok || echo FAIL)" 'rgb twice in one document' "$STATUS" "$(error_of "$BODY")"
req POST "/v/_bulk?refresh=true" $'{"index":{"_id":"bulk-ok"}}\n{"rgb":[1,1,1]}\n{"index":{"_id":"bulk-bad"}}\n{"rgb":[1,1]}\n'
BULK=$(python3 -c 'import json,sys; print(" / ".join(str(i["index"]["status"]) + " " + i["index"].get("error", {}).get("type", "created") for i in json.loads(sys.argv[1])["items"]))' "$BODY")
report "$( [ "$BULK" = "201 created / 400 mapper_parsing_exception" ] && echo ok || echo FAIL)" '_bulk: one good, one short' "$STATUS" "$BULK"
req GET /v/_count
COUNT=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["count"])' "$BODY")
report "$( [ "$COUNT" = 4 ] && echo ok || echo FAIL)" 'documents in v (good, missing, null, bulk-ok)' "$STATUS" "count $COUNT"
req GET /v/_search '{ "query": { "exists": { "field": "rgb" } } }'
HITS=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hits"]["total"]["value"])' "$BODY")
report "$( [ "$HITS" = 2 ] && echo ok || echo FAIL)" 'exists query on rgb (good, bulk-ok)' "$STATUS" "hits $HITS"
req GET /v/_search '{ "query": { "term": { "rgb": 1 } } }'
report "$( [ "$STATUS" = 400 ] && echo ok || echo FAIL)" 'term query on rgb' "$STATUS" "$(error_of "$BODY")"

echo
echo "== Mappings =="
m() { echo "{ \"mappings\": { \"properties\": { \"f\": $1 } } }"; }
mapping 'missing dims' 400 PUT /m1 "$(m '{ "type": "dense_vector" }')"
mapping 'dims 0' 400 PUT /m2 "$(m '{ "type": "dense_vector", "dims": 0 }')"
mapping 'dims -1' 400 PUT /m3 "$(m '{ "type": "dense_vector", "dims": -1 }')"
mapping 'dims 16385' 400 PUT /m4 "$(m '{ "type": "dense_vector", "dims": 16385 }')"
mapping 'dims "abc"' 400 PUT /m5 "$(m '{ "type": "dense_vector", "dims": "abc" }')"
mapping 'dims 3.5' 400 PUT /m6 "$(m '{ "type": "dense_vector", "dims": 3.5 }')"
mapping 'unknown similarity' 400 PUT /m7 "$(m '{ "type": "dense_vector", "dims": 3, "similarity": "manhattan" }')"
mapping 'dims null' 400 PUT /m11 "$(m '{ "type": "dense_vector", "dims": null }')"
mapping 'unknown parameter foo' 400 PUT /m8 "$(m '{ "type": "dense_vector", "dims": 3, "foo": 1 }')"
# OpenSearch's legacy leniency: index/store/doc_values/... are ignored with a deprecation warning, not rejected.
mapping 'parameter index: true (deprecated, ignored)' 200 PUT /m12 "$(m '{ "type": "dense_vector", "dims": 3, "index": true }')"
mapping 'dims 16384, dot_product' 200 PUT /m9 "$(m '{ "type": "dense_vector", "dims": 16384, "similarity": "dot_product" }')"
mapping 'dims 1, l2' 200 PUT /m10 "$(m '{ "type": "dense_vector", "dims": 1, "similarity": "l2" }')"
mapping 'PUT _mapping: same field again' 200 PUT /v/_mapping '{ "properties": { "rgb": { "type": "dense_vector", "dims": 3 } } }'
mapping 'PUT _mapping: dims 3 -> 4' 400 PUT /v/_mapping '{ "properties": { "rgb": { "type": "dense_vector", "dims": 4 } } }'
mapping 'PUT _mapping: similarity -> l2' 400 PUT /v/_mapping '{ "properties": { "rgb": { "type": "dense_vector", "dims": 3, "similarity": "l2" } } }'
mapping 'PUT _mapping: new dense_vector field' 200 PUT /v/_mapping '{ "properties": { "other": { "type": "dense_vector", "dims": 2 } } }'
req GET /v/_mapping/field/rgb
echo "     GET /v/_mapping/field/rgb after the rejected updates: $(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])["v"]["mappings"]["rgb"]["mapping"]))' "$BODY")"

echo
if [ "$FAILURES" -eq 0 ]; then echo "All cases as expected."; else echo "$FAILURES case(s) not as expected."; fi
[ "$FAILURES" -eq 0 ]
