#!/bin/sh
# Builds the benchmarks with the peers and runs them, with -prof gc, saving JSON results.
#   lb-benchmarks/bench.sh quick   about 2 minutes: 16 endpoints, the main pickers, every peer, the floors
#   lb-benchmarks/bench.sh full    everything at every size (about 50 minutes)
#   lb-benchmarks/bench.sh compare [rounds] [sizes]   ours, the peers and the floors in alternating
#                                  rounds, each ratio with its spread (3 rounds of 16,256: about 25 minutes)
# Extra arguments go to JMH, e.g. lb-benchmarks/bench.sh quick -p endpoints=256
set -eu
cd "$(dirname "$0")/.."
mode=${1:-quick}
[ $# -gt 0 ] && shift
./mvnw -B -q -Ppeers -pl lb-benchmarks -am package -DskipTests
jar=lb-benchmarks/target/benchmarks.jar
case "$mode" in
  quick)
    exec java -jar "$jar" 'PickBenchmark\.pick(_2threads)?$|PeerPickBenchmark|FloorBenchmark' \
      -p endpoints=16 -p picker=roundRobin,weightedRoundRobin,leastConnections,powerOfTwoChoices,ringHash,maglev \
      -wi 1 -w 1 -i 2 -r 1 -f 1 -prof gc -rf json -rff lb-benchmarks/target/quick.json "$@" ;;
  full)
    exec java -jar "$jar" -prof gc -rf json -rff lb-benchmarks/target/full.json "$@" ;;
  compare)
    exec java -cp "$jar" dev.roundabout.lb.benchmarks.Compare "$@" ;;
  *)
    echo "usage: $0 quick|full [JMH options] | compare [rounds] [sizes]" >&2
    exit 2 ;;
esac
