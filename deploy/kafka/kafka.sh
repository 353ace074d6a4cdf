#!/usr/bin/env bash
# Apache Kafka without Docker: a single KRaft node on 127.0.0.1 for development and CI.
#
#   deploy/kafka/kafka.sh fetch    # jars from Maven Central (cached in ~/.m2 and $STATE/lib)
#   deploy/kafka/kafka.sh start    # fetch if needed, format storage once, start, wait until it answers
#   deploy/kafka/kafka.sh stop     # stop cleanly (SIGTERM, then SIGKILL after 30 s)
#   deploy/kafka/kafka.sh restart  # stop and start again, keeping the data
#   deploy/kafka/kafka.sh status
#   deploy/kafka/kafka.sh wipe     # stop and delete the data
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# KAFKA_STATE (deploy/kafka/.cache), KAFKA_HEAP (512m). Requires Java 17 and Maven.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
STATE=${KAFKA_STATE:-$HERE/.cache}
HEAP=${KAFKA_HEAP:-512m}
LIB=$STATE/lib
DATA=$STATE/data
PIDFILE=$STATE/kafka.pid
LOG=$STATE/kafka.log

say() { printf 'kafka.sh: %s\n' "$*" >&2; }

fetch() {
  local version
  version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/pom.xml")
  if [ -f "$LIB/.complete-$version" ]; then return 0; fi
  say "fetching Apache Kafka $version jars with Maven into $LIB"
  rm -rf "$LIB" && mkdir -p "$LIB"
  mvn -B -q -f "$HERE/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$LIB" -DincludeScope=runtime
  touch "$LIB/.complete-$version"
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start() {
  if running; then say "already running (pid $(cat "$PIDFILE"))"; return 0; fi
  fetch
  mkdir -p "$DATA"
  sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA@|$DATA|g" \
    "$HERE/server.properties.template" > "$STATE/server.properties"
  if [ ! -f "$DATA/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$LIB/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$STATE/server.properties" --standalone >/dev/null
  fi
  say "starting on 127.0.0.1:$PORT (log: $LOG)"
  nohup java "-Xmx$HEAP" "-Xms$HEAP" -cp "$LIB/*" \
    -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    kafka.Kafka "$STATE/server.properties" >"$LOG" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if ! running; then say "the broker exited; last lines of $LOG:"; tail -n 30 "$LOG" >&2; return 1; fi
    if answers; then say "ready (pid $(cat "$PIDFILE"))"; return 0; fi
    sleep 0.5
  done
  say "no answer on port $PORT within 60 s"; tail -n 30 "$LOG" >&2; return 1
}

stop() {
  if ! running; then rm -f "$PIDFILE"; return 0; fi
  local pid; pid=$(cat "$PIDFILE")
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then rm -f "$PIDFILE"; say "stopped"; return 0; fi
    sleep 0.5
  done
  say "did not stop within 30 s; killing"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"; else echo "stopped"; exit 3; fi ;;
  wipe) stop; rm -rf "$DATA" "$STATE/server.properties" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
