"""Filtered funding summaries through the API of a running server (bench/funding.sh): every
filter the portal's funding page and the API offer, alone and combined, each asked 20 times;
prints a Markdown table of median and 95th percentile and exits 1 when a median is 50 ms or more.
The first request of the run also reads the server's in-memory copy of the roll-ups (by year and
origin; the first filtered by provider reads the roll-up by provider too): the "first request"
column shows what a summary costs right after a restart or an import that changed everything.
"""
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request

base = sys.argv[1]


def get(path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.load(r)


org = get("/api/v1/organisations?q=" + urllib.parse.quote("Benchmark organisation 3") + "&limit=1")["items"][0]["id"]
district = get("/api/v1/places?level=district&q=" + urllib.parse.quote("Абай") + "&limit=1")["items"]
district = district[0]["id"] if district else get("/api/v1/places?level=district&limit=1")["items"][0]["id"]
cases = [
    ("area=health", "year"),
    ("year=2024", "area"),
    ("origin=external", "area,year"),
    (f"provider={org}", "year"),
    (f"organisation={org}", "area"),
    (f"place={district}", "area"),
    ("status=2", "area,year"),
    ("sdg_target=3.9", "year"),
    ("target_group=children", "area"),
    ("area=health&year=2024", "organisation"),
    (f"place={district}&year=2024", "organisation"),
    (f"provider={org}&area=governance", "place:district"),
    ("q=" + urllib.parse.quote("programme 12"), "year"),
]
print("| filter | grouping | groups | first request | median | 95th percentile |")
print("|---|---|---|---|---|---|")
slow = 0
for filt, group in cases:
    path = f"/api/v1/funding/summary?group_by={group}&{filt}"
    times = []
    groups = 0
    for _ in range(20):
        t0 = time.perf_counter()
        groups = len(get(path)["groups"])
        times.append((time.perf_counter() - t0) * 1000)
    first = times[0]
    times.sort()
    med, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    slow += med >= 50
    label = filt.replace(org, "ORG").replace(district, "DISTRICT")
    print(f"| {label} | {group} | {groups} | {first:.1f} ms | {med:.1f} ms | {p95:.1f} ms |")
sys.exit(1 if slow else 0)
