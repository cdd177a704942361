#!/usr/bin/env bash
# Builds the JMH benchmarks jar and runs it with the Vector API enabled; arguments go to JMH.
# Usage: src/scripts/bench.sh [JMH args], e.g. src/scripts/bench.sh KernelBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
#        src/scripts/bench.sh --round-robin <Benchmark> [-p name=value]... [-rounds n] [-time ms] method...
#                                                    the methods in turn in one JVM, median ratios per round (RoundRobin)
#        src/scripts/bench.sh --numpy [rows dims]   single-thread OpenBLAS on MatrixBenchmark's shape (needs numpy)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--numpy" ]; then
  shift
  if ! python3 -c 'import numpy' 2>/dev/null; then
    echo "numpy is not installed (Debian: apt-get install python3-numpy)." >&2
    exit 1
  fi
  OPENBLAS_NUM_THREADS=1 exec python3 src/jmh/python/numpy_matmul.py "$@"
fi
source src/scripts/jdk.sh
echo "Using JDK at $JAVA_HOME" >&2
mvn -B -ntp -q -Pjmh -DskipTests package
if [ "${1:-}" = "--round-robin" ]; then
  shift
  # The same JVM flags as the benchmarks' @Fork; -XX:+AlwaysPreTouch as OpenSearch's launcher always passes it (a
  # heap whose pages are touched the first time by a 4 MB result pays a page fault per 4 KB, 5 % of a matrix product).
  exec java --add-modules jdk.incubator.vector -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp target/benchmarks.jar org.vectorscoring.bench.RoundRobin "$@"
fi
# The host JVM only lists and launches benchmarks; each @Fork passes the module flag to the measured JVM itself.
exec java --add-modules jdk.incubator.vector -jar target/benchmarks.jar "$@"
