#!/usr/bin/env bash
# Feeds serving benchmark: a 50-item feed served by newswire-feeds and, side by side in
# the same run, the same bytes served by nginx as a static file (gzip_static for the
# precompressed path) — full 200, gzip 200, and 304 — with wrk on loopback at 100 and
# 1,000 connections. Prints a Markdown table for BENCHMARKS.md.
#
#   deploy/bench/feeds-serving.sh            (needs: apt-get install wrk nginx-light)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
work=$(mktemp -d)
chmod 755 "$work"   # nginx's workers run unprivileged
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true' EXIT

cargo build --release -q -p newswire -p newswire-tests --bins
BIN=${CARGO_TARGET_DIR:-target}/release

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

"$BIN/feeds-bench-server" 18300 "$work/enriched.jsonl" &
for _ in $(seq 1 50); do curl -fs -o /dev/null http://127.0.0.1:18300/healthz 2>/dev/null && break || sleep 0.1; done 2>/dev/null || true
sleep 0.5
mkdir -p "$work/www" && chmod 755 "$work/www"
curl -fs http://127.0.0.1:18300/feeds/all.rss -o "$work/www/all.rss"
curl -fs -H 'Accept-Encoding: gzip' http://127.0.0.1:18300/feeds/all.rss -o "$work/www/all.rss.gz"
size=$(stat -c %s "$work/www/all.rss"); gzsize=$(stat -c %s "$work/www/all.rss.gz")
ours_etag=$(curl -fsI http://127.0.0.1:18300/feeds/all.rss | tr -d '\r' | sed -n 's/^etag: //Ip')

cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { application/rss+xml rss; }
  gzip_static on;
  etag on;
  server { listen 127.0.0.1:18301; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.5
nginx_etag=$(curl -fsI http://127.0.0.1:18301/all.rss | tr -d '\r' | sed -n 's/^etag: //Ip')

run() { # name url conns headers...
  local name=$1 url=$2 conns=$3; shift 3
  local args=(); for h in "$@"; do args+=(-H "$h"); done
  local out; out=$(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency "${args[@]}" "$url")
  local rps p99 non2xx
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
  p99=$(echo "$out" | sed -n 's/^ *99% *//p')
  non2xx=$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *//p')
  echo "| $name | $conns | ${rps%.*} | $p99 | ${non2xx:-0} |"
}

echo "Feed: 50 items, $size bytes ($gzsize gzip). wrk -t$THREADS -d$DURATION on loopback, same 2 cores as the servers."
echo
echo "| server and path | connections | requests/s | p99 latency | non-2xx/3xx |"
echo "|---|---:|---:|---:|---:|"
for conns in 100 1000; do
  run "newswire-feeds, full 200" http://127.0.0.1:18300/feeds/all.rss "$conns"
  run "nginx static, full 200" http://127.0.0.1:18301/all.rss "$conns"
  run "newswire-feeds, gzip 200" http://127.0.0.1:18300/feeds/all.rss "$conns" "Accept-Encoding: gzip"
  run "nginx gzip_static, gzip 200" http://127.0.0.1:18301/all.rss "$conns" "Accept-Encoding: gzip"
  run "newswire-feeds, 304" http://127.0.0.1:18300/feeds/all.rss "$conns" "If-None-Match: $ours_etag"
  run "nginx static, 304" http://127.0.0.1:18301/all.rss "$conns" "If-None-Match: $nginx_etag"
done
