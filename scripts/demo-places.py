#!/usr/bin/env python3
"""Writes the demo's places (crates/semey/demo/*.geojson) from the reference files beside the
repository: the outlines of Abai and East Kazakhstan regions and of their districts (geokz,
CC BY 4.0, Alexander Rodionov, from the Bureau of National Statistics), simplified with
Douglas-Peucker to about 1 km and rounded to 4 decimals, and a few settlements (GeoNames,
CC BY 4.0). The demo loads them through `semey import places`, as users load the full files.

Usage: scripts/demo-places.py [SHARED_GEO_DIR]   (default: ../shared/data/geo)
"""
import json
import math
import os
import sys

GEO = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../shared/data/geo")
OUT = os.path.join(os.path.dirname(__file__), "../crates/semey/demo")
REGIONS = ("10", "63")  # KATO prefixes: Abai, East Kazakhstan
TOLERANCE = 0.01  # degrees, about 1 km
ZH = {"100000000": "阿拜州", "630000000": "东哈萨克斯坦州"}
REGION_NAMES = {
    "100000000": ("Абай облысы", "Абайская область", "Abai Region"),
    "630000000": ("Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan Region"),
}
# The settlements the demo's programmes and survey refer to: English name, Kazakh, Russian.
SETTLEMENTS = {
    "Semey": ("Семей", "Семей"),
    "Kurchatov": ("Курчатов", "Курчатов"),
    "Karaaul": ("Қарауыл", "Караул"),
    "Ayagoz": ("Аягөз", "Аягоз"),
    "Besqaraghay": ("Бесқарағай", "Бескарагай"),
    "Borodulikha": ("Бородулиха", "Бородулиха"),
    "Ust-Kamenogorsk": ("Өскемен", "Усть-Каменогорск"),
}


def perpendicular(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points, tol):
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, index = 0.0, None
        for k in range(i + 1, j):
            d = perpendicular(points[k], points[i], points[j])
            if d > best:
                best, index = d, k
        if index is not None and best > tol:
            keep[index] = True
            stack.append((i, index))
            stack.append((index, j))
    return [p for p, k in zip(points, keep) if k]


def ring(r):
    out = [[round(x, 4), round(y, 4)] for x, y in simplify(r, TOLERANCE)]
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def geometry(g):
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    kept = []
    for poly in polys:
        rings = [ring(r) for r in poly]
        if rings[0] is None:
            continue
        kept.append([r for r in rings if r is not None])
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def collection(features, note):
    return {"type": "FeatureCollection", "semey_source": note, "features": features}


def main():
    os.makedirs(OUT, exist_ok=True)
    regions, districts = [], []
    for f in json.load(open(os.path.join(GEO, "kaz_adm1_2024.geojson"), encoding="utf-8"))["features"]:
        kato = f["properties"]["KATO"]
        if kato[:2] in REGIONS:
            kk, ru, en = REGION_NAMES[kato]
            regions.append({"type": "Feature", "geometry": geometry(f["geometry"]), "properties": {
                "kato": kato, "name_kk": kk, "name_ru": ru, "name_en": en, "name_zh": ZH[kato]}})
    for f in json.load(open(os.path.join(GEO, "kaz_adm2_2024.geojson"), encoding="utf-8"))["features"]:
        p = f["properties"]
        if p["KATO"][:2] in REGIONS:
            districts.append({"type": "Feature", "geometry": geometry(f["geometry"]), "properties": {
                "kato": p["KATO"], "name_kk": p["ADM2_KK"], "name_ru": p["ADM2_RU"], "name_en": p["ADM2_EN"]}})
    settlements = []
    for f in json.load(open(os.path.join(GEO, "places-abai-east-kazakhstan.geojson"), encoding="utf-8"))["features"]:
        name = f["properties"].get("name")
        if name in SETTLEMENTS and name not in [s["properties"]["name_en"] for s in settlements]:
            kk, ru = SETTLEMENTS[name]
            lon, lat = f["geometry"]["coordinates"][:2]
            settlements.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                                "properties": {"name_kk": kk, "name_ru": ru, "name_en": name}})
    missing = set(SETTLEMENTS) - {s["properties"]["name_en"] for s in settlements}
    if missing:
        sys.exit(f"settlements not found in the GeoNames file: {sorted(missing)}")
    geokz = "geokz (CC BY 4.0, Alexander Rodionov; Bureau of National Statistics), 2024 division, simplified to about 1 km"
    for name, feats, note in [
        ("regions", regions, geokz),
        ("districts", sorted(districts, key=lambda f: f["properties"]["kato"]), geokz),
        ("settlements", settlements, "GeoNames (CC BY 4.0)"),
    ]:
        path = os.path.join(OUT, f"{name}.geojson")
        with open(path, "w", encoding="utf-8") as out:
            json.dump(collection(feats, note), out, ensure_ascii=False, separators=(",", ":"))
            out.write("\n")
        print(f"{path}: {len(feats)} features, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
