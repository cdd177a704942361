#!/usr/bin/env bash
# Runs every test of the project (unit, Lucene, in-JVM OpenSearch, and the kernel without the Vector API),
# then builds the plugin zip and the Lucene library jar. Usage: src/scripts/test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/scripts/jdk.sh
echo "Using JDK at $JAVA_HOME" >&2
exec mvn -B -ntp verify "$@"
