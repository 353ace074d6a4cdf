#!/usr/bin/env bash
# Feeds serving benchmark: a 50-item feed served by newswire-feeds and, side by side in
# the same run, the same bytes served by nginx as a static file with its production
# settings (sendfile on, tcp_nopush on; gzip_static for the precompressed path) — full
# 200, gzip 200, and 304 — with wrk on loopback at 100 and 1,000 connections. Both
# servers are pinned to the first K cores (K in $CORES, default "1 <all>"), wrk to the
# cores left (all of them when none is left). Each measurement is repeated $REPEAT
# times, the servers taking turns to go first; every run is printed. Prints a Markdown
# table for BENCHMARKS.md.
#
#   deploy/bench/feeds-serving.sh            (needs: apt-get install wrk nginx-light)
#   CORES="1 2 4" DURATION=10s REPEAT=3 deploy/bench/feeds-serving.sh
#   BIN=DIR      use the release binaries in DIR instead of building them
#   BEFORE=DIR   also run the feeds server of DIR (an older build) in the same run
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
REPEAT=${REPEAT:-3}
ALL=$(nproc)
TICKS=$(getconf CLK_TCK)
CORES=${CORES:-"1 $ALL"}
work=$(mktemp -d)
chmod 755 "$work"   # nginx's workers run unprivileged
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; sleep 0.5; rm -rf "$work"' EXIT

if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p newswire -p newswire-bench --bins
  BIN=${CARGO_TARGET_DIR:-target}/release
fi

# 50 wire stories of about 4 KB each, enriched by the real enricher.
python3 - "$work/articles.jsonl" <<'PY'
import json, random, sys
# Varied text, so compression ratios are those of real copy, not of one sentence repeated.
rng = random.Random(7)
words = ("the delegations met in capital on thursday to discuss trade transport energy security "
         "officials said adding that a joint statement would follow later day minister president "
         "government agreement talks border summit economy growth percent billion investment "
         "cooperation regional national international parliament committee report according "
         "sources statement week month year first second new old major agency spokesman").split()
def sentence():
    s = " ".join(rng.choice(words) for _ in range(rng.randint(8, 22)))
    return s[0].upper() + s[1:] + f" {rng.randint(1, 9999)}."
def paragraph():
    return " ".join(sentence() for _ in range(rng.randint(2, 4)))
with open(sys.argv[1], "w") as f:
    for i in range(50):
        f.write(json.dumps({
            "id": f"bench-{i}", "version": 1, "status": "usable",
            "headline": f"Talks on regional cooperation continue, day {i}",
            "summary": "Delegations discussed trade, transport and energy security.",
            "body": "".join(f"<p>{paragraph()}</p>" for _ in range(12)),
            "byline": "Newswire staff", "section": "world", "language": "en",
            "url": f"https://example.org/news/{i}",
            "first_created": f"2024-11-28T{8 + i // 60:02d}:{i % 60:02d}:00Z",
            "version_created": f"2024-11-28T{8 + i // 60:02d}:{i % 60:02d}:00Z"}) + "\n")
PY
"$BIN/newswire" enrich < "$work/articles.jsonl" > "$work/enriched.jsonl"

cpus() { # the first $1 cores, as taskset writes them
  echo "0-$(($1 - 1))"
}
wrk_cpus() { # the cores the servers do not use, or all of them
  if [ "$1" -lt "$ALL" ]; then echo "$1-$((ALL - 1))"; else echo "0-$((ALL - 1))"; fi
}

start_servers() { # K
  taskset -c "$(cpus "$1")" "$BIN/feeds-bench-server" 18300 "$work/enriched.jsonl" 2>/dev/null &
  ours=$!
  if [ -n "${BEFORE:-}" ]; then
    taskset -c "$(cpus "$1")" "$BEFORE/feeds-bench-server" 18302 "$work/enriched.jsonl" 2>/dev/null &
    before=$!
  fi
  for port in 18300 ${BEFORE:+18302}; do
    for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/feeds/all.rss" && break || sleep 0.1; done
  done
  cat > "$work/nginx.conf" <<NGINX
worker_processes $1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/rss+xml rss; }
  gzip_static on;
  etag on;
  server { listen 127.0.0.1:18301; root $work/www; }
}
NGINX
  taskset -c "$(cpus "$1")" nginx -c "$work/nginx.conf" -p "$work"
  sleep 0.5
}

stop_servers() {
  kill "$ours" ${before:-} 2>/dev/null || true
  wait "$ours" ${before:-} 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.5
}

# The bytes nginx serves are the ones we serve.
start_servers "$ALL"
mkdir -p "$work/www" && chmod 755 "$work/www"
curl -fs http://127.0.0.1:18300/feeds/all.rss -o "$work/www/all.rss"
curl -fs -H 'Accept-Encoding: gzip' http://127.0.0.1:18300/feeds/all.rss -o "$work/www/all.rss.gz"
stop_servers
size=$(stat -c %s "$work/www/all.rss"); gzsize=$(stat -c %s "$work/www/all.rss.gz")

cpu_ticks() { # PIDS... -> CPU time (user + system) of every thread so far, in clock ticks
  local sum=0 p t f
  for p in "$@"; do
    for t in /proc/"$p"/task/*/stat; do
      f=$(sed 's/.*) //' "$t" 2>/dev/null) || continue
      set -- $f
      sum=$(( sum + ${12} + ${13} ))
    done
  done
  echo "$sum"
}

measure() { # K url conns "server pids" headers... -> "requests/s p99 errors µs/response"
  local k=$1 url=$2 conns=$3 pids=$4; shift 4
  local args=(); for h in "$@"; do args+=(-H "$h"); done
  local threads; threads=$(( ALL - k )); [ "$threads" -lt 1 ] && threads=$ALL
  local before after out
  before=$(cpu_ticks $pids)
  out=$(taskset -c "$(wrk_cpus "$k")" wrk -t"$threads" -c"$conns" -d"$DURATION" --latency "${args[@]}" "$url")
  after=$(cpu_ticks $pids)
  local rps p99 errors count
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
  p99=$(echo "$out" | sed -n 's/^ *99% *//p')
  errors=$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *//p')
  count=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in .*/\1/p')
  echo "${rps%.*} $p99 ${errors:-0} $(awk -v t=$(( after - before )) -v hz="$TICKS" -v n="${count:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}

cell() { # "requests/s p99 errors µs/response"
  set -- $1
  local errors=""; [ "$3" != 0 ] && errors=", $3 errors"
  echo "$1 ($2$errors) · $4 µs"
}

echo "Feed: 50 items, $size bytes ($gzsize gzip). wrk -d$DURATION on loopback, $REPEAT runs; servers on the first K of $ALL cores, wrk on the rest (or on all when K = $ALL); load before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "Requests/s (p99 latency) · the server's CPU time (user + system, all its threads or worker processes) per response."
echo
if [ -n "${BEFORE:-}" ]; then
  echo "| cores | path | connections | run | newswire-feeds | nginx | newswire / nginx | newswire-feeds before | before / nginx |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
else
  echo "| cores | path | connections | run | newswire-feeds | nginx | newswire / nginx |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
fi
for k in $CORES; do
  start_servers "$k"
  ours_etag=$(curl -fsI http://127.0.0.1:18300/feeds/all.rss | tr -d '\r' | sed -n 's/^etag: //Ip')
  nginx_etag=$(curl -fsI http://127.0.0.1:18301/all.rss | tr -d '\r' | sed -n 's/^etag: //Ip')
  nginx_pids="$(cat "$work/nginx.pid") $(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')"
  [ -n "${BEFORE:-}" ] && before_etag=$(curl -fsI http://127.0.0.1:18302/feeds/all.rss | tr -d '\r' | sed -n 's/^etag: //Ip')
  for conns in 100 1000; do
    for path in "full 200" "gzip 200" "304"; do
      case $path in
        "full 200") ours_h=(); nginx_h=(); before_h=() ;;
        "gzip 200") ours_h=("Accept-Encoding: gzip"); nginx_h=("Accept-Encoding: gzip"); before_h=("Accept-Encoding: gzip") ;;
        "304") ours_h=("If-None-Match: $ours_etag"); nginx_h=("If-None-Match: $nginx_etag"); before_h=("If-None-Match: ${before_etag:-}") ;;
      esac
      for run in $(seq 1 "$REPEAT"); do
        # Who goes first changes each run, so a load that comes and goes favours nobody.
        sides=(ours nginx ${BEFORE:+before})
        declare -A got=()
        for i in $(seq 0 $(( ${#sides[@]} - 1 ))); do
          side=${sides[$(( (i + run - 1) % ${#sides[@]} ))]}
          case $side in
            ours) got[ours]=$(measure "$k" http://127.0.0.1:18300/feeds/all.rss "$conns" "$ours" "${ours_h[@]}") ;;
            nginx) got[nginx]=$(measure "$k" http://127.0.0.1:18301/all.rss "$conns" "$nginx_pids" "${nginx_h[@]}") ;;
            before) got[before]=$(measure "$k" http://127.0.0.1:18302/feeds/all.rss "$conns" "$before" "${before_h[@]}") ;;
          esac
        done
        n=${got[nginx]%% *}
        row="| $k | $path | $conns | $run | $(cell "${got[ours]}") | $(cell "${got[nginx]}") | $(( 100 * ${got[ours]%% *} / n ))% |"
        if [ -n "${BEFORE:-}" ]; then
          row="$row $(cell "${got[before]}") | $(( 100 * ${got[before]%% *} / n ))% |"
        fi
        echo "$row"
        unset got
      done
    done
  done
  stop_servers
done
