#!/usr/bin/env bash
# The README's main command: builds the plugin, installs it into the real OpenSearch 3.8.0 distribution, starts
# one node on 127.0.0.1 and shows the plugin at work over REST. Then leaves the node up until Ctrl-C, or with
# --no-wait stops it at once. The node is always stopped (by its PID) when this script ends.
#
# Usage: src/scripts/demo.sh [--no-wait] [--port N]
#   --no-wait   stop the node as soon as the demo has run
#   --port N    HTTP port (default 9200; when 9200 is taken the next free port is used; an explicit N must be free)
# Environment: OSN_HEAP (node heap, default 512m), OSN_RUN_AS (user to run as when root, default vectorscoring),
#   VS_MAVEN_REPO (local Maven repository caching the distribution).
set -euo pipefail
cd "$(dirname "$0")/../.."

OPENSEARCH_VERSION=3.8.0
INDEX=colors
WAIT=true
PORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-wait) WAIT=false ;;
    --port) PORT="${2:?--port needs a number}"; shift ;;
    --port=*) PORT="${1#--port=}" ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

source src/scripts/jdk.sh
source src/scripts/opensearch-node.sh
osn_require_cmd curl
osn_require_cmd mvn
osn_require_cmd unzip
if command -v python3 >/dev/null 2>&1; then HAVE_PYTHON=true; else HAVE_PYTHON=false; fi

# Ports first, to fail before the build when an explicit one is taken.
if [ -z "$PORT" ]; then
  PORT=$(osn_free_port 9200)
  [ "$PORT" = 9200 ] || echo "Port 9200 is taken on 127.0.0.1: using $PORT instead."
elif ! [[ "$PORT" =~ ^[0-9]+$ ]]; then
  echo "--port needs a number, not '$PORT'" >&2
  exit 2
elif ! osn_port_free "$PORT"; then
  echo "Port $PORT is taken on 127.0.0.1; free it or pick another with --port." >&2
  exit 1
fi
TRANSPORT_PORT=$(osn_free_port 9300)

# ---------------------------------------------------------------------------------------------------------------
# Output helpers

# Bold headers and coloured requests only on a terminal.
if [ -t 1 ]; then BOLD=$'\033[1m' CYAN=$'\033[36m' PLAIN=$'\033[0m'; else BOLD="" CYAN="" PLAIN=""; fi
section() { printf '\n%s== %s ==%s\n' "$BOLD" "$*" "$PLAIN"; }

# Pretty JSON with short arrays of numbers/strings on one line (vectors stay readable); raw text if not JSON.
pretty() {
  if [ "$HAVE_PYTHON" = true ]; then
    python3 -c '
import json, sys
text = sys.stdin.read()
def fmt(v, ind=0):
    pad, inner = "  " * ind, "  " * (ind + 1)
    if isinstance(v, dict):
        if not v: return "{}"
        if all(not isinstance(x, (dict, list)) for x in v.values()):
            flat = json.dumps(v, separators=(", ", ": "))
            if len(flat) <= 80: return flat
        return "{\n" + ",\n".join(inner + json.dumps(k) + ": " + fmt(x, ind + 1) for k, x in v.items()) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v):
            flat = "[" + ", ".join(json.dumps(x) for x in v) + "]"
            if len(flat) <= 220: return flat
        if not v: return "[]"
        return "[\n" + ",\n".join(inner + fmt(x, ind + 1) for x in v) + "\n" + pad + "]"
    return json.dumps(v)
try:
    print(fmt(json.loads(text)))
except ValueError:
    print(text.rstrip())
'
  else
    cat; echo
  fi
}

# call METHOD PATH [BODY]: shows the request and the response; leaves STATUS and BODY for the caller.
STATUS=""
BODY=""
call() {
  local method="$1" path="$2" data="${3:-}" out
  local -a args=(-s -X "$method" -w '\n%{http_code}' "$(osn_url)$path")
  printf '\n%s> %s %s%s\n' "$CYAN" "$method" "$path" "$PLAIN"
  if [ -n "$data" ]; then
    printf '%s' "$data" | pretty | sed 's/^/  /'
    args+=(-H 'Content-Type: application/json' --data-binary "$data")
  fi
  out=$(curl "${args[@]}")
  STATUS="${out##*$'\n'}"
  BODY="${out%$'\n'*}"
  printf '%s< HTTP %s%s\n' "$CYAN" "$STATUS" "$PLAIN"
  printf '%s' "$BODY" | pretty | sed 's/^/  /'
}

# ---------------------------------------------------------------------------------------------------------------
section "Build the plugin (Maven, tests skipped) with the JDK at $JAVA_HOME"
if [ "$(java_major "$JAVA_HOME")" -ge 24 ]; then
  # Maven's own Guava warns about sun.misc.Unsafe on JDK 24+; not our code, so keep the output clean.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
# (Maven 3.8 prints colour resets even in batch mode; drop them.)
mvn -B -ntp -q -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
PLUGIN_ZIP=$(ls target/vector-scoring-*.zip)
echo "built $PLUGIN_ZIP"

section "Unpack OpenSearch $OPENSEARCH_VERSION (integ-test-zip from Maven Central) and install the plugin"
DIST_ZIP=$(osn_distribution_zip "$OPENSEARCH_VERSION")
osn_unpack "$DIST_ZIP" target/demo
osn_install_plugin "$PLUGIN_ZIP"
osn_ensure_user

osn_configure "$PORT" "$TRANSPORT_PORT"

section "Start the node"
on_exit() { osn_stop; }
on_signal() { echo; osn_stop; exit "$1"; }
trap on_exit EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP
osn_start
osn_wait_health 180

call GET "/_cat/plugins?v"
if ! grep -q 'vector-scoring' <<<"$BODY"; then
  echo "The node did not load the vector-scoring plugin." >&2
  exit 1
fi

# ---------------------------------------------------------------------------------------------------------------
section "A dense_vector field: colours as RGB vectors (3 dims, cosine)"
call PUT "/$INDEX" '{
  "settings": { "number_of_shards": 1, "number_of_replicas": 0 },
  "mappings": { "properties": {
    "rgb":  { "type": "dense_vector", "dims": 3, "similarity": "cosine" },
    "name": { "type": "keyword" },
    "tag":  { "type": "keyword" } } } }'
[ "$STATUS" = 200 ] || { echo "Creating the index failed." >&2; exit 1; }
call GET "/$INDEX/_mapping"

section "Index a few colours (and one document without a vector, which is allowed)"
BULK=$(cat <<'EOF'
{ "index": { "_id": "red" } }
{ "name": "red", "tag": "warm", "rgb": [1.0, 0.0, 0.0] }
{ "index": { "_id": "dark_red" } }
{ "name": "dark red", "tag": "warm", "rgb": [0.5, 0.0, 0.0] }
{ "index": { "_id": "orange" } }
{ "name": "orange", "tag": "warm", "rgb": [1.0, 0.5, 0.0] }
{ "index": { "_id": "yellow" } }
{ "name": "yellow", "tag": "warm", "rgb": [1.0, 1.0, 0.0] }
{ "index": { "_id": "green" } }
{ "name": "green", "tag": "cool", "rgb": [0.0, 1.0, 0.0] }
{ "index": { "_id": "teal" } }
{ "name": "teal", "tag": "cool", "rgb": [0.0, 0.5, 0.5] }
{ "index": { "_id": "blue" } }
{ "name": "blue", "tag": "cool", "rgb": [0.0, 0.0, 1.0] }
{ "index": { "_id": "unnamed" } }
{ "name": "a colour nobody measured", "tag": "cool" }
EOF
)
printf '\n%s> POST /%s/_bulk?refresh=true%s  (8 documents)\n' "$CYAN" "$INDEX" "$PLAIN"
out=$(curl -s -w '\n%{http_code}' -X POST "$(osn_url)/$INDEX/_bulk?refresh=true" \
  -H 'Content-Type: application/x-ndjson' --data-binary "$BULK"$'\n')
STATUS="${out##*$'\n'}"
BODY="${out%$'\n'*}"
printf '%s< HTTP %s%s  errors: %s\n' "$CYAN" "$STATUS" "$PLAIN" "$(grep -o '"errors":[a-z]*' <<<"$BODY" | cut -d: -f2)"
if [ "$STATUS" != 200 ] || grep -q '"errors":true' <<<"$BODY"; then
  printf '%s' "$BODY" | pretty
  echo "Indexing the example documents failed." >&2
  exit 1
fi

section "Search: every document with its _source"
call GET "/$INDEX/_search" '{ "query": { "match_all": {} }, "size": 20, "sort": [ { "name": "asc" } ] }'

# ---------------------------------------------------------------------------------------------------------------
# The contract's examples, each must answer 200: the demo stops on the first that does not.
expect_ok() { [ "$STATUS" = 200 ] || { echo "Expected HTTP 200, got $STATUS." >&2; exit 1; }; }

section "Score by similarity: vector_similarity query (contract §3), warm colours closest to a reddish orange"
call GET "/$INDEX/_search" '{
  "query": { "vector_similarity": {
    "field": "rgb", "query_vector": [0.9, 0.3, 0.1],
    "filter": { "term": { "tag": "warm" } },
    "min_similarity": 0.5 } },
  "_source": ["name"] }'
expect_ok

section "Rescore the cool colours by similarity to a sea green (contract §3)"
call GET "/$INDEX/_search" '{
  "query": { "term": { "tag": "cool" } },
  "rescore": { "window_size": 10, "query": {
    "rescore_query": { "vector_similarity": { "field": "rgb", "query_vector": [0.0, 0.6, 0.4] } },
    "query_weight": 0.1, "rescore_query_weight": 1.0 } },
  "_source": ["name"] }'
expect_ok

section "The vector_scoring script engine in script_score (contract §4): l2 to a dark blue"
call GET "/$INDEX/_search" '{
  "query": { "script_score": { "query": { "match_all": {} },
    "script": { "lang": "vector_scoring", "source": "l2",
                "params": { "field": "rgb", "query_vector": [0.0, 0.0, 0.6] } } } },
  "size": 3, "_source": ["name"] }'
expect_ok

section "Painless with Elasticsearch names (contract §5): cosineSimilarity(params.qv, 'rgb') + 1.0"
call GET "/$INDEX/_search" '{
  "query": { "script_score": { "query": { "exists": { "field": "rgb" } },
    "script": { "source": "cosineSimilarity(params.qv, '"'"'rgb'"'"') + 1.0", "params": { "qv": [1.0, 1.0, 0.0] } } } },
  "size": 3, "_source": ["name"] }'
expect_ok

section "A similarity matrix per tag (contract §6): warm colours against themselves, cool ones too"
call GET "/$INDEX/_search" '{
  "size": 0,
  "aggs": { "by_tag": { "terms": { "field": "tag" },
    "aggs": { "sims": { "similarity_matrix": { "field": "rgb", "size": 4, "key": "name" } } } } } }'
expect_ok

section "Colours against given vectors, as scikit-learn cosine_similarity(A, B) (contract §6)"
call GET "/$INDEX/_search" '{
  "size": 0,
  "aggs": { "sims": { "similarity_matrix": { "field": "rgb", "size": 3, "key": "name",
    "columns": { "vectors": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]] } } } } }'
expect_ok

# ---------------------------------------------------------------------------------------------------------------
section "Real data: 1797 handwritten digits (UCI, via scikit-learn; src/demo/digits/README.md), 8x8 pixels as 64-dim vectors"
call PUT "/digits" '{
  "settings": { "number_of_shards": 2, "number_of_replicas": 0 },
  "mappings": { "properties": {
    "pixels": { "type": "dense_vector", "dims": 64, "similarity": "cosine" },
    "digit":  { "type": "keyword" } } } }'
expect_ok
# One bulk request (from a file: too large for a command line): the 64 pixels as the vector, the 65th column the digit.
DIGITS_BULK=target/demo/digits.ndjson
gzip -dc src/demo/digits/digits.csv.gz | awk -F, '{
  printf "{\"index\":{\"_id\":\"%d\"}}\n{\"digit\":\"%s\",\"pixels\":[", NR - 1, $65
  for (i = 1; i <= 64; i++) printf "%s%s", $i, (i < 64 ? "," : "")
  printf "]}\n" }' > "$DIGITS_BULK"
printf '\n%s> POST /digits/_bulk?refresh=true%s  (1797 documents)\n' "$CYAN" "$PLAIN"
out=$(curl -s -w '\n%{http_code}' -X POST "$(osn_url)/digits/_bulk?refresh=true" -H 'Content-Type: application/x-ndjson' \
  --data-binary "@$DIGITS_BULK")
STATUS="${out##*$'\n'}"
printf '%s< HTTP %s%s  errors: %s\n' "$CYAN" "$STATUS" "$PLAIN" "$(grep -o '"errors":[a-z]*' <<<"${out%$'\n'*}" | cut -d: -f2)"
expect_ok
call GET "/digits/_count"

section "The 8 images most like image 0 (a handwritten 0), by cosine: they should be zeros too"
# (awk reads to the end: stopping early would kill gzip with SIGPIPE, which pipefail reports as a failure.)
IMAGE0=$(gzip -dc src/demo/digits/digits.csv.gz | awk -F, 'NR == 1 { NF = 64; OFS = ","; $1 = $1; print }')
call GET "/digits/_search?filter_path=hits.hits._id,hits.hits._score,hits.hits._source" '{
  "size": 8, "_source": ["digit"],
  "query": { "vector_similarity": { "field": "pixels", "query_vector": ['"$IMAGE0"'] } } }'
expect_ok

section "How alike are the first three images of each digit? One similarity matrix per digit"
call GET "/digits/_search?filter_path=aggregations" '{
  "size": 0,
  "aggs": { "by_digit": { "terms": { "field": "digit", "size": 10, "order": { "_key": "asc" } },
    "aggs": { "sims": { "similarity_matrix": { "field": "pixels", "size": 3 } } } } } }'
expect_ok

section "Per-node stats (contract §7): kernel and counters"
call GET "/_plugins/vector_scoring/stats"
expect_ok

# ---------------------------------------------------------------------------------------------------------------
section "An invalid document: 2 numbers for a 3-dimensional field"
call PUT "/$INDEX/_doc/bad?refresh=true" '{ "name": "too short", "tag": "warm", "rgb": [1.0, 0.0] }'
[ "$STATUS" = 400 ] || echo "(expected HTTP 400, got $STATUS)" >&2
call GET "/$INDEX/_count"
echo "(8 documents: the invalid one was not indexed.)"

# ---------------------------------------------------------------------------------------------------------------
if [ "$WAIT" = true ]; then
  section "Node is up"
  echo "node is up at $(osn_url), Ctrl-C to stop   (try: curl '$(osn_url)/$INDEX/_search?pretty')"
  wait "$OSN_RUNNER_PID" || true
  echo "The node exited by itself; the end of $OSN_HOME/logs/console.log:" >&2
  tail -n 20 "$OSN_HOME/logs/console.log" >&2
  exit 1
fi
section "Done"
