# Sourced by the project's scripts: points JAVA_HOME (and PATH) at a JDK 21 or newer, searching the usual
# places, because OpenSearch 3.8 needs 21+ while a machine's default java may be older.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit }'
}

find_jdk() {
  local best="" best_major=0 candidate major
  local on_path=""
  if command -v javac >/dev/null 2>&1; then
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  fi
  # JAVA_HOME wins when it is new enough; otherwise the newest JDK found.
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  for candidate in "$on_path" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ "${major:-0}" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ "$best_major" -ge 21 ]; then
    echo "$best"
    return 0
  fi
  return 1
}

if ! JAVA_HOME=$(find_jdk); then
  echo "vector-scoring needs a JDK 21 or newer (OpenSearch 3.8 runs on 21+); none found in JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk-headless, or Temurin 21/25) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
