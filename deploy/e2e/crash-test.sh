#!/usr/bin/env bash
# Crash test on Apache Kafka: the pipeline as separate processes, 10,000 articles through
# the ingest API, the enrichers and feeds SIGKILLed at random moments and restarted, once
# per seed, then once more with the broker stopped for 20 s mid-stream and started again.
# Each run ends with a line
#   crash-test seed=S published=N delivered=N lost=0 duplicated=0 regressed=0 deadlettered=0 ...
# and this script exits non-zero if any run lost, doubled, regressed or dead-lettered an
# article (a broker outage or a killed process is transient: nothing is set aside for it).
#
#   deploy/e2e/crash-test.sh                 # seeds 1 2 3, broker on 127.0.0.1:9092 (started if needed)
#   SEEDS="7 8" deploy/e2e/crash-test.sh
#   BROKERS=host:9092 deploy/e2e/crash-test.sh   # an already running Kafka (no broker restart run)
set -euo pipefail
cd "$(dirname "$0")/../.."

SEEDS=${SEEDS:-1 2 3}
KAFKA=deploy/kafka/kafka.sh
cargo build --release -q -p newswire-ingest -p newswire-enricher -p newswire-feeds -p newswire-bench --bins
BIN_DIR=${CARGO_TARGET_DIR:-target}/release

started_here=false
if [ -z "${BROKERS:-}" ]; then
  BROKERS=127.0.0.1:${KAFKA_PORT:-9092}
  if ! $KAFKA status >/dev/null 2>&1; then $KAFKA start; started_here=true; fi
fi
cleanup() { if $started_here; then $KAFKA stop || true; fi; }
trap cleanup EXIT

failed=0
for seed in $SEEDS; do
  "$BIN_DIR/crash-test" --brokers "$BROKERS" --bin-dir "$BIN_DIR" --seed "$seed" || failed=1
done
if [ "$BROKERS" = "127.0.0.1:${KAFKA_PORT:-9092}" ]; then
  "$BIN_DIR/crash-test" --brokers "$BROKERS" --bin-dir "$BIN_DIR" --seed 100 --restart-broker "$PWD/$KAFKA" --broker-down-secs 20 || failed=1
fi
exit $failed
