# Sourced library: runs one throw-away node of the real OpenSearch distribution (integ-test-zip, no bundled
# JDK) with a plugin installed, for the demo and for tests that want a real node. Needs JAVA_HOME set to a
# JDK 21+ (source src/scripts/jdk.sh first), curl and unzip.
#
#   source src/scripts/jdk.sh; source src/scripts/opensearch-node.sh
#   osn_unpack "$(osn_distribution_zip 3.8.0)" target/demo     # fresh copy, sets OSN_HOME
#   osn_install_plugin target/vector-scoring-0.1.0.zip
#   osn_ensure_user                                           # when root: the unprivileged user to run as
#   osn_configure 9200 9300                                   # 127.0.0.1 only, single node
#   trap osn_stop EXIT; osn_start; osn_wait_health 120
#   curl "$(osn_url)/_cat/plugins"; osn_stop
#
# The node is only ever stopped through the PID it was started with (never by name). Settings: OSN_HEAP
# (default 512m), OSN_RUN_AS (user to create and run as when root, default vectorscoring), VS_MAVEN_REPO
# (the local Maven repository that caches the distribution, default: settings.xml's or ~/.m2/repository).
# Functions print progress to stderr; they return non-zero (or exit, under set -e) on failure.

OSN_HOME=""           # the unpacked distribution
OSN_USER=""           # user the node runs as (empty: the current user)
OSN_HTTP_PORT=""
OSN_TRANSPORT_PORT=""
OSN_RUNNER_PID=""     # our child: runuser (as root) or the node's JVM itself
OSN_PID=""            # the node's JVM
OSN_SESSION=""        # the session (and process group) the runner leads, when setsid is available

osn_log() { echo "[node] $*" >&2; }

# Fails with an install hint when a command is missing.
osn_require_cmd() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "This needs '$1', which is not installed (e.g. apt-get install $1)." >&2
  return 1
}

# The local Maven repository: VS_MAVEN_REPO, else ~/.m2/settings.xml's <localRepository>, else ~/.m2/repository.
osn_maven_repo() {
  local repo="${VS_MAVEN_REPO:-}"
  if [ -z "$repo" ] && [ -f "$HOME/.m2/settings.xml" ]; then
    repo=$(sed -n 's:.*<localRepository>[[:space:]]*\([^<]*[^<[:space:]]\)[[:space:]]*</localRepository>.*:\1:p' \
      "$HOME/.m2/settings.xml" | head -n 1)
  fi
  echo "${repo:-$HOME/.m2/repository}"
}

# Prints the path of the distribution zip in the local Maven repository, resolving it from Maven Central
# (once, ~160 MB) when it is not there yet.
osn_distribution_zip() {
  local version="$1" repo zip
  repo=$(osn_maven_repo)
  zip="$repo/org/opensearch/distribution/integ-test-zip/opensearch/$version/opensearch-$version.zip"
  if [ ! -s "$zip" ]; then
    osn_require_cmd mvn || return 1
    osn_log "fetching the OpenSearch $version distribution from Maven Central into $repo (~160 MB, once)"
    local opts="${MAVEN_OPTS:-}"
    if [ "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')" -ge 24 ] 2>/dev/null; then
      opts="$opts --sun-misc-unsafe-memory-access=allow"  # Maven's Guava warns on JDK 24+
    fi
    MAVEN_OPTS="$opts" mvn -B -ntp -q -Dmaven.repo.local="$repo" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
      -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$version:zip" -Dtransitive=false >&2 || {
      echo "Could not resolve org.opensearch.distribution.integ-test-zip:opensearch:$version:zip (network? proxy settings in ~/.m2/settings.xml?)" >&2
      return 1
    }
    [ -s "$zip" ] || { echo "Maven resolved the distribution, but not to $zip" >&2; return 1; }
  fi
  echo "$zip"
}

# Is a node (started by anyone) still running from this home? Prints its PID if so.
osn_running_pid_in() {
  local home="$1" pid
  [ -f "$home/opensearch.pid" ] || return 1
  pid=$(cat "$home/opensearch.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Dopensearch.path.home=$home" || return 1
  echo "$pid"
}

# Unpacks the distribution afresh into <parent>/opensearch-<version>; sets OSN_HOME.
osn_unpack() {
  local zip="$1" parent="$2" name pid
  osn_require_cmd unzip || return 1
  name=$(basename "$zip" .zip)
  mkdir -p "$parent"
  parent=$(cd "$parent" && pwd)
  if pid=$(osn_running_pid_in "$parent/$name"); then
    echo "A node from an earlier run is still running from $parent/$name (PID $pid); stop it first (kill $pid)." >&2
    return 1
  fi
  rm -rf "${parent:?}/$name"
  osn_log "unpacking $(basename "$zip") into $parent/$name"
  unzip -q "$zip" -d "$parent"
  OSN_HOME="$parent/$name"
  [ -x "$OSN_HOME/bin/opensearch" ] || { echo "$zip did not unpack to $OSN_HOME" >&2; return 1; }
  mkdir -p "$OSN_HOME/tmp" "$OSN_HOME/logs"
}

# Installs a plugin zip into OSN_HOME (before the node starts).
osn_install_plugin() {
  local zip
  zip=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  [ -f "$zip" ] || { echo "No plugin zip at $zip" >&2; return 1; }
  osn_log "installing plugin $(basename "$zip")"
  OPENSEARCH_JAVA_HOME="$JAVA_HOME" "$OSN_HOME/bin/opensearch-plugin" install --batch "file://$zip" 2>&1 |
    grep -v 'no-jdk distributions' >&2
}

# OpenSearch refuses to run as root: when root, makes sure an unprivileged system user exists and sets
# OSN_USER to it. Otherwise the node runs as the current user.
osn_ensure_user() {
  local user="${1:-${OSN_RUN_AS:-vectorscoring}}"
  OSN_USER=""
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id -u "$user" >/dev/null 2>&1; then
    osn_require_cmd useradd || return 1
    osn_log "creating system user '$user' to run OpenSearch (it refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  fi
  osn_require_cmd runuser || return 1
  OSN_USER="$user"
}

# Is a TCP port on 127.0.0.1 free (nothing accepts connections on it)?
osn_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the first free port from <start> on (at most <count>, default 100, tried).
osn_free_port() {
  local port="$1" last=$(($1 + ${2:-100} - 1))
  while [ "$port" -le "$last" ]; do
    osn_port_free "$port" && { echo "$port"; return 0; }
    port=$((port + 1))
  done
  echo "No free port in $1-$last on 127.0.0.1" >&2
  return 1
}

# Writes a single-node, loopback-only configuration.
osn_configure() {
  OSN_HTTP_PORT="$1"
  OSN_TRANSPORT_PORT="$2"
  cat >>"$OSN_HOME/config/opensearch.yml" <<EOF

# --- written by src/scripts/opensearch-node.sh: a throw-away single node on the loopback interface ---
cluster.name: vector-scoring-demo
node.name: demo
network.host: 127.0.0.1
http.port: $OSN_HTTP_PORT
transport.port: $OSN_TRANSPORT_PORT
discovery.type: single-node
# A nearly full disk must not turn the demo's index read-only.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
}

osn_url() { echo "http://127.0.0.1:$OSN_HTTP_PORT"; }

# Starts the node in the background (as OSN_USER when set), in a session of its own. Must not run in a
# subshell: the caller's shell becomes the parent that later waits for it. Sets OSN_RUNNER_PID. The caller
# should trap EXIT, INT, TERM and HUP to call osn_stop.
osn_start() {
  local heap="${OSN_HEAP:-512m}"
  local -a as_user=()
  if [ -n "$OSN_USER" ]; then
    chown -R "$OSN_USER:" "$OSN_HOME"
    if ! runuser -u "$OSN_USER" -- test -x "$OSN_HOME/bin/opensearch" -a -w "$OSN_HOME/logs"; then
      echo "User '$OSN_USER' cannot reach $OSN_HOME: a parent directory is not searchable by others (chmod o+x?)" >&2
      return 1
    fi
    as_user=(runuser -u "$OSN_USER" --)
  fi
  # Its own session: a Ctrl-C on the terminal reaches only the caller, whose trap stops the node by PID
  # (runuser would otherwise catch SIGINT itself and SIGKILL the node 2 s after a SIGTERM).
  OSN_SESSION=""
  if command -v setsid >/dev/null 2>&1; then
    as_user=(setsid "${as_user[@]}")
  fi
  osn_log "starting OpenSearch on $(osn_url) (heap $heap${OSN_USER:+, as user $OSN_USER}); log: $OSN_HOME/logs/console.log"
  (cd "$OSN_HOME" && exec "${as_user[@]}" env \
    OPENSEARCH_JAVA_HOME="$JAVA_HOME" JAVA_HOME="$JAVA_HOME" \
    OPENSEARCH_JAVA_OPTS="-Xms$heap -Xmx$heap" OPENSEARCH_TMPDIR="$OSN_HOME/tmp" \
    "$OSN_HOME/bin/opensearch" -p "$OSN_HOME/opensearch.pid" >"$OSN_HOME/logs/console.log" 2>&1 </dev/null) &
  OSN_RUNNER_PID=$!
  OSN_PID=""
  # setsid execs in place (a background job is no group leader), so the runner leads the new session.
  [ "${as_user[0]:-}" != setsid ] || OSN_SESSION="$OSN_RUNNER_PID"
}

# The node's JVM PID: from its pidfile, or (before it has written one) the runner's child / the runner itself.
osn_pid() {
  local pid=""
  [ -n "$OSN_RUNNER_PID" ] || return 1
  if [ -s "$OSN_HOME/opensearch.pid" ]; then
    pid=$(cat "$OSN_HOME/opensearch.pid")
  elif [ -n "$OSN_USER" ]; then
    pid=$(ps -o pid= --ppid "$OSN_RUNNER_PID" 2>/dev/null | head -n 1 | tr -d ' ')
  else
    pid="$OSN_RUNNER_PID"
  fi
  [ -n "$pid" ] && echo "$pid"
}

osn_runner_alive() { [ -n "$OSN_RUNNER_PID" ] && kill -0 "$OSN_RUNNER_PID" 2>/dev/null; }

# Waits until the cluster is at least yellow, failing after <timeout> seconds or as soon as the node dies.
osn_wait_health() {
  local timeout="${1:-120}" start=$SECONDS
  osn_log "waiting up to ${timeout}s for cluster health yellow"
  while :; do
    if ! osn_runner_alive; then
      echo "OpenSearch exited during startup; the end of $OSN_HOME/logs/console.log:" >&2
      tail -n 40 "$OSN_HOME/logs/console.log" >&2
      return 1
    fi
    if curl -sf "$(osn_url)/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      OSN_PID=$(osn_pid)
      osn_log "up after $((SECONDS - start))s, PID $OSN_PID"
      return 0
    fi
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      echo "OpenSearch was not healthy after ${timeout}s; the end of $OSN_HOME/logs/console.log:" >&2
      tail -n 40 "$OSN_HOME/logs/console.log" >&2
      return 1
    fi
    sleep 1
  done
}

# Stops the node started by osn_start, by its PID only: SIGTERM, then SIGKILL after <grace> seconds (default
# 60). Safe to call twice, and from a trap.
osn_stop() {
  local grace="${1:-60}" pid waited=0
  [ -n "$OSN_RUNNER_PID" ] || return 0
  if osn_runner_alive; then
    # Just started: the JVM may not have written its pidfile yet, nor the runner forked it.
    while ! pid=$(osn_pid) && [ "$waited" -lt 10 ] && osn_runner_alive; do sleep 0.5; waited=$((waited + 1)); done
    pid="${pid:-$OSN_RUNNER_PID}"
    osn_log "stopping OpenSearch (PID $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while osn_runner_alive && [ "$waited" -lt "$grace" ]; do sleep 1; waited=$((waited + 1)); done
    if osn_runner_alive; then
      osn_log "PID $pid still running after ${grace}s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$OSN_RUNNER_PID" 2>/dev/null || true
  # Stopped during startup, bin/opensearch may leave its helper JVMs (options parser, keystore tool) behind:
  # end whatever is left of the session we started.
  if [ -n "$OSN_SESSION" ] && [ -n "$(ps -o pid= -s "$OSN_SESSION" 2>/dev/null)" ]; then
    kill -TERM -- "-$OSN_SESSION" 2>/dev/null || true
    waited=0
    while [ -n "$(ps -o pid= -s "$OSN_SESSION" 2>/dev/null)" ] && [ "$waited" -lt 10 ]; do sleep 1; waited=$((waited + 1)); done
    [ -z "$(ps -o pid= -s "$OSN_SESSION" 2>/dev/null)" ] || kill -KILL -- "-$OSN_SESSION" 2>/dev/null || true
  fi
  OSN_SESSION=""
  OSN_RUNNER_PID=""
  OSN_PID=""
  osn_log "stopped"
}
