#!/usr/bin/env bash
# Portal benchmark: the home page and the programme list with 10 000 programmes (and 200 000
# transactions) on SQLite or PostgreSQL, served by the release binary, loaded with wrk over
# loopback (2 threads, 32 connections, 15 s, gzip accepted as browsers do). In the same run nginx
# serves saved copies of the same two pages from disk (gzip on), and our throughput is reported as
# a ratio of nginx's. Target: each page at least 2 000 requests/s with p99 under 50 ms.
# With SERVERS=2 (or more), that many `semey serve` processes share the database behind nginx as
# a reverse proxy (the scale-out of README's "Several servers behind a proxy"), and wrk loads the
# proxy.
# Usage: [BACKEND=sqlite|postgres] [SERVERS=1] bench/portal.sh [PROGRAMMES] [TRANSACTIONS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
programmes=${1:-10000}
transactions=${2:-200000}
seconds=${3:-15}
servers=${SERVERS:-1}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
cargo build --release --locked -p semey >&2
bin=$PWD/target/release/semey
work=$(mktemp -d)
chmod 755 "$work"
pids=(); nginx_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  bench_stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
bench_database "$work" bench
export SEMEY_DATABASE="$db"

"$bin" generate --programmes "$programmes" --transactions "$transactions" --out "$work/data" >&2
"$bin" demo >&2
"$bin" import organisations "$work/data/organisations.csv" >&2
"$bin" import programmes "$work/data/programmes.csv" >&2
"$bin" import exchange-rates "$work/data/exchange-rates.csv" >&2
"$bin" import transactions "$work/data/transactions.csv" >&2

upstreams=""
for i in $(seq "$servers"); do
  port=$(free_port)
  SEMEY_LOG=warn "$bin" serve --addr "127.0.0.1:$port" >"$work/server-$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  upstreams="$upstreams server 127.0.0.1:$port;"
done
# Saved copies of the same pages, in English (the language wrk's requests get by cookie).
mkdir -p "$work/www/programmes"
curl -fs -H 'Cookie: lang=en' "http://127.0.0.1:$port/" -o "$work/www/index.html"
curl -fs -H 'Cookie: lang=en' "http://127.0.0.1:$port/programmes" -o "$work/www/programmes/index.html"
chmod -R a+rX "$work/www"
nport=$(free_port)
pport=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  gzip on;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    location = /programmes { try_files /programmes/index.html =404; }
  }
  upstream semey { least_conn; $upstreams keepalive 64; }
  server {
    listen 127.0.0.1:$pport;
    location / {
      proxy_pass http://semey;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
mkdir -p "$work/nginx-tmp"
"$nginx_bin" -c "$work/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$nport/" >/dev/null && break; sleep 0.1; done

bytes() { curl -fs -H 'Cookie: lang=en' -H 'Accept-Encoding: gzip' "$1" | wc -c; }
# wrk's latency report: requests/s and the 99th percentile in ms.
load() {
  local out
  out=$(wrk -t2 -c32 -d"${seconds}s" --latency -H 'Cookie: lang=en' -H 'Accept-Encoding: gzip' "$1")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -z "$errors" ] || echo "wrk reported: $errors" >&2
  echo "$rps $p99"
}
results=()
# One server is loaded directly; several through the proxy.
[ "$servers" = 1 ] && front=$port || front=$pport
for page in / /programmes; do
  ours="http://127.0.0.1:$front$page"; theirs="http://127.0.0.1:$nport$page"
  wrk -t2 -c32 -d3s -H 'Cookie: lang=en' -H 'Accept-Encoding: gzip' "$ours" >/dev/null   # warm-up
  read -r s_rps s_p99 < <(load "$ours")
  read -r n_rps n_p99 < <(load "$theirs")
  results+=("$page $s_rps $s_p99 $n_rps $n_p99 $(bytes "$ours") $(bytes "$theirs")")
done
python3 - "$programmes" "$transactions" "$seconds" "$backend" "$servers" "${results[@]}" <<'PY'
import sys
programmes, transactions, seconds, backend, servers = sys.argv[1:6]
front = "directly" if servers == "1" else "behind nginx"
print(f"{backend}, {servers} server(s) {front}; {int(programmes):,} programmes, {int(transactions):,} transactions; wrk -t2 -c32 -d{seconds}s, gzip")
print("| page | Semey req/s | Semey p99 | nginx (saved copy) req/s | nginx p99 | Semey ÷ nginx | gzip bytes (Semey / nginx) | target |")
print("|---|---|---|---|---|---|---|---|")
ok = True
for row in sys.argv[6:]:
    page, s_rps, s_p99, n_rps, n_p99, s_b, n_b = row.split()
    s_rps, s_p99, n_rps, n_p99 = map(float, (s_rps, s_p99, n_rps, n_p99))
    met = s_rps >= 2000 and s_p99 < 50
    ok &= met
    print(f"| {page} | {s_rps:,.0f} | {s_p99:.1f} ms | {n_rps:,.0f} | {n_p99:.1f} ms | {s_rps / n_rps:.2f} | {s_b} / {n_b} | ≥ 2 000 req/s, p99 < 50 ms: {'met' if met else 'MISSED'} |")
print("targets met" if ok else "TARGETS MISSED")
sys.exit(0 if ok else 1)
PY
