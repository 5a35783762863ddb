"""Mixed load for bench/soak.sh: portal pages, API reads and writes, exports and command-line
imports against one running server, for a number of minutes. Standard library only.

Prints a line a minute (requests, errors, p50 and p99 in ms, the server's resident memory) and
a closing summary; exits 1 when any request failed (a 5xx, an unexpected status, a refused
connection) or an import failed.
"""
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

base, minutes, pid, semey, database, token, work = sys.argv[1:8]
minutes = float(minutes)
pid = int(pid)
rng = random.Random(20261203)
lock = threading.Lock()
stop = time.monotonic() + minutes * 60

samples = []  # (minute, ms)
errors = []
counts = {}

PAGES = ["/?lang=kk", "/programmes?lang=ru", "/funding?lang=en", "/stakeholders?lang=zh",
         "/radiation?lang=en", "/map?lang=ru", "/documents?lang=en", "/search?q=radiation&lang=en",
         "/services?lang=kk", "/resolutions?lang=en", "/coordination?lang=ru", "/data?lang=zh"]
API = ["/api/v1/programmes?limit=50", "/api/v1/funding/summary?group_by=area,year",
       "/api/v1/funding/summary?group_by=organisation&limit=20", "/api/v1/search?q=health",
       "/api/v1/organisations?limit=100", "/api/v1/places?level=district",
       "/api/v1/radiation/risk?lat=50.4&lon=80.2"]
EXPORTS = ["/api/v1/data/programmes.csv", "/api/v1/data/organisations.xlsx",
           "/api/v1/data/transactions.csv?year=2024"]


def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(kind, method, path, body=None, expect=(200,)):
    headers = {"Accept-Encoding": "gzip"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except Exception as e:  # refused, reset, timed out
        status = f"{type(e).__name__}: {e}"
    ms = (time.monotonic() - t0) * 1000
    minute = int((time.monotonic() - started) // 60)
    with lock:
        samples.append((minute, ms))
        counts[kind] = counts.get(kind, 0) + 1
        if status not in expect:
            errors.append(f"{method} {path}: {status}")


def worker(n):
    r = random.Random(n)
    i = 0
    while time.monotonic() < stop:
        i += 1
        roll = r.random()
        if roll < 0.5:
            request("page", "GET", r.choice(PAGES))
        elif roll < 0.85:
            request("api read", "GET", r.choice(API))
        elif roll < 0.97:
            name = f"Soak organisation {n}-{i}-{r.randrange(10**9)}"
            request("api write", "POST", "/api/v1/organisations",
                    {"name": {"en": name, "ru": name}, "org_type": 22, "country": "KZ"},
                    expect=(201,))
        else:
            request("export", "GET", r.choice(EXPORTS))


def importer():
    """A small new file of exchange rates and organisations every 20 s, on the command line."""
    n = 0
    while time.monotonic() < stop:
        n += 1
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        rates = os.path.join(work, f"rates{n}.csv")
        with open(rates, "w") as f:
            f.write("currency,date,per_usd,source\n")
            f.write(f"EUR,{2030 + n // 336}-{month:02d}-{day:02d},0.9{n % 10},soak\n")
        orgs = os.path.join(work, f"orgs{n}.csv")
        with open(orgs, "w") as f:
            f.write("name_en,name_ru,name_kk,name_zh,org_type,country\n")
            f.write(f"Soak import {n},Импорт {n},,,22,KZ\n")
        for kind, path in (("exchange-rates", rates), ("organisations", orgs)):
            t0 = time.monotonic()
            r = subprocess.run([semey, "--database", database, "import", kind, path],
                               capture_output=True, text=True)
            with lock:
                counts["import"] = counts.get("import", 0) + 1
                if r.returncode != 0:
                    errors.append(f"import {kind}: {r.stderr.strip()[:300]}")
        time.sleep(max(0.0, 20 - (time.monotonic() - t0)))


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


started = time.monotonic()
threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
threads.append(threading.Thread(target=importer))
for t in threads:
    t.start()
memory = []
reported = 0
while any(t.is_alive() for t in threads):
    time.sleep(5)
    memory.append((time.monotonic() - started, rss_kib()))
    minute = int((time.monotonic() - started) // 60)
    if minute > reported:
        with lock:
            ms = [m for (mi, m) in samples if mi == reported]
            errs = len(errors)
        print(f"minute {reported + 1}: {len(ms)} requests, p50 {pct(ms, 0.5):.1f} ms, "
              f"p99 {pct(ms, 0.99):.1f} ms, errors so far {errs}, rss {memory[-1][1] / 1024:.1f} MiB",
              flush=True)
        reported = minute

# The last whole minute (requests still finishing after the end fall into a short one).
last = max(0, min(max(mi for (mi, _) in samples), int(minutes) - 1))
first_ms = [m for (mi, m) in samples if mi == 0]
last_ms = [m for (mi, m) in samples if mi == last]
# Memory after the first two minutes (caches filled) against the last sample.
warm = next((kib for (t, kib) in memory if t >= 120), memory[0][1])
end = memory[-1][1]
growth = (end - warm) / warm * 100 if warm else 0.0
print(f"requests: {len(samples)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
print(f"errors: {len(errors)}")
for e in errors[:20]:
    print(f"  {e}")
print(f"first minute: p50 {pct(first_ms, 0.5):.1f} ms, p99 {pct(first_ms, 0.99):.1f} ms; "
      f"last minute: p50 {pct(last_ms, 0.5):.1f} ms, p99 {pct(last_ms, 0.99):.1f} ms")
print(f"memory: {warm / 1024:.1f} MiB after two minutes, {end / 1024:.1f} MiB at the end "
      f"({growth:+.1f} %), peak {max(k for _, k in memory) / 1024:.1f} MiB")
sys.exit(1 if errors else 0)
