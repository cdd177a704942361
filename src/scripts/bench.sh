#!/usr/bin/env bash
# Builds the JMH benchmarks jar and runs it with the Vector API enabled; arguments go to JMH.
# Usage: src/scripts/bench.sh [JMH args], e.g. src/scripts/bench.sh KernelBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/scripts/jdk.sh
echo "Using JDK at $JAVA_HOME" >&2
mvn -B -ntp -q -Pjmh -DskipTests package
# The host JVM only lists and launches benchmarks; each @Fork passes the module flag to the measured JVM itself.
exec java --add-modules jdk.incubator.vector -jar target/benchmarks.jar "$@"
