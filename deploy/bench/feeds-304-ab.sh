#!/usr/bin/env bash
# A/B of the feeds' 304 path: this checkout against another commit, both servers up at
# once, wrk alternating between them round by round (so both see the same load), at 100
# and 1,000 connections. Prints each round and the medians.
#
#   deploy/bench/feeds-304-ab.sh BASE_COMMIT [ROUNDS]     (needs: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${1:?base commit}
ROUNDS=${2:-5}
DURATION=${DURATION:-5s}
TARGET=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release -q -p newswire -p newswire-bench --bins
# The base in a directory of its own, built in a target dir seeded with this one's
# dependencies (only the workspace's crates are rebuilt).
mkdir -p "$work/base" "$work/target"
git archive "$BASE" | tar -x -C "$work/base"
cp -r "$TARGET/release" "$work/target/"
# The server binary's package: newswire-bench, or newswire-tests before bench/ existed.
base_pkg=newswire-bench
[ -d "$work/base/bench" ] || base_pkg=newswire-tests
(cd "$work/base" && CARGO_TARGET_DIR="$work/target" cargo build --release -q -p "$base_pkg" --bin feeds-bench-server)

sed -n '/^python3 - "\$work\/articles.jsonl" <<.PY.$/,/^PY$/p' deploy/bench/feeds-serving.sh > "$work/gen.sh"
work="$work" bash "$work/gen.sh"
"$TARGET/release/newswire" enrich < "$work/articles.jsonl" > "$work/enriched.jsonl"
"$TARGET/release/feeds-bench-server" 18300 "$work/enriched.jsonl" 2>/dev/null &
"$work/target/release/feeds-bench-server" 18400 "$work/enriched.jsonl" 2>/dev/null &
for port in 18300 18400; do
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/feeds/all.rss" && break || sleep 0.1; done
done
etag() { curl -fsI "http://127.0.0.1:$1/feeds/all.rss" | tr -d '\r' | sed -n 's/^etag: //Ip'; }
declare -A tag=([this]=$(etag 18300) [base]=$(etag 18400)) port=([this]=18300 [base]=18400)
for round in $(seq 1 "$ROUNDS"); do
  for conns in 100 1000; do
    for side in this base; do
      rps=$(wrk -t2 -c"$conns" -d"$DURATION" -H "If-None-Match: ${tag[$side]}" \
        "http://127.0.0.1:${port[$side]}/feeds/all.rss" | sed -n 's/^Requests\/sec: *//p')
      echo "$round $conns $side ${rps%.*}"
    done
  done
done | tee "$work/rounds"
python3 - "$work/rounds" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for c in ("100", "1000"):
    this = [int(r[3]) for r in rows if r[1] == c and r[2] == "this"]
    base = [int(r[3]) for r in rows if r[1] == c and r[2] == "base"]
    paired = statistics.median(t / b for t, b in zip(this, base))
    print(f"{c} connections: this {statistics.median(this):,.0f}/s, base {statistics.median(base):,.0f}/s "
          f"(medians; ratio of medians {statistics.median(this) / statistics.median(base):.0%}, median of paired ratios {paired:.0%})")
PY
