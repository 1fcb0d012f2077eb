#!/usr/bin/env python3
"""Checks catalogue/starter.json and prints which alternatives cover which product.

Usage: python3 catalogue/check.py [path/to/starter.json]

Standard library only (Python 3.11). Categories and product aliases are read from the Rust
sources (src/domain/category.rs, src/domain/product.rs) so that the file is checked against
what the program accepts. Exits 1 and lists every problem when the file is not valid.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FORMAT = "maillage-catalogue"
MIN_RECOMMENDATIONS = 130
MIN_REASON_CHARS = 60
MIN_LONG_REASON_SHARE = 0.90
# Limits of the program's validation (src/domain/recommendation.rs, src/domain/text.rs).
MAX_SUMMARY = 500
MAX_REASON = 5000
MAX_REPLACES = 20
MAX_PRODUCT_CHARS = 100
MAX_AUDIENCE = 20
MAX_AUDIENCE_CHARS = 60
MAX_OFFERS = 20
LEVELS = ("recommended", "usable", "avoid")
CODE_SETS = ("audience", "effort", "level", "price", "registration", "kind")

# Products that must be found by their usual name, and how many alternatives at least.
# Each name is matched as whole words inside a `replaces` entry (or one of its known aliases),
# the way the program's search matches words.
REQUIRED = {
    "Word": 2, "Excel": 2, "PowerPoint": 2, "Microsoft Office": 2, "Microsoft 365": 2,
    "Google Docs": 2, "Google Sheets": 2, "Google Forms": 2, "Google Drive": 2,
    "Google Agenda": 1, "Google Calendar": 1, "Google Maps": 2, "Google Photos": 2,
    "Gmail": 2, "Outlook": 2, "WhatsApp": 2, "Messenger": 2, "Facebook Pages": 1,
    "Facebook Groups": 2, "Facebook Events": 2, "Instagram": 1, "LinkedIn": 1,
    "X": 1, "Twitter": 2, "YouTube": 2, "Zoom": 2, "Teams": 2, "Skype": 2, "Slack": 2,
    "Discord": 2, "Canva": 2, "Doodle": 2, "WeTransfer": 2, "Dropbox": 2, "Trello": 2,
    "Notion": 2, "Mailchimp": 2, "SurveyMonkey": 2, "Chrome": 2, "Google Search": 2,
    "Windows": 2, "Android": 2, "Salesforce": 2,
    # Other everyday tools people ask a mediator about.
    "Google Keep": 2, "Google Translate": 2, "Bitly": 2, "Typeform": 2, "Eventbrite": 2,
    "Photoshop": 1, "Illustrator": 1, "Premiere": 1, "Acrobat": 2, "Spotify": 1,
    "Evernote": 1, "Calendly": 2, "Miro": 1, "Asana": 2, "Jira": 2, "GitHub": 2,
    "WordPress.com": 1, "Wix": 2, "Google Analytics": 2, "iCloud": 1, "OneDrive": 1,
    "Telegram": 2, "Google Meet": 2, "Webex": 2, "Loom": 2, "Google Classroom": 2,
    "Padlet": 1, "Airtable": 2, "Zapier": 2,
}

# SPDX identifiers this file may use. A real identifier missing here can be added (see
# https://spdx.org/licenses/); deprecated bare GNU ids (GPL-3.0…) are refused on purpose.
KNOWN_SPDX = {
    "0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0", "Artistic-2.0",
    "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0",
    "CDDL-1.0", "CECILL-2.1", "CECILL-B", "CECILL-C", "CPAL-1.0", "EPL-2.0", "EUPL-1.2",
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT",
    "MPL-2.0", "ODbL-1.0", "OSL-3.0", "PostgreSQL", "Unlicense", "WTFPL", "Zlib",
}
SPDX_EXCEPTIONS = {"Classpath-exception-2.0", "LLVM-exception", "OpenSSL-exception"}


def fold(text: str) -> str:
    """Lower case, accents removed, runs of other characters turned into one space."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def categories() -> list[str]:
    source = (ROOT / "src/domain/category.rs").read_text(encoding="utf-8")
    block = source.split("pub const CATEGORIES", 1)[1].split("];", 1)[0]
    return re.findall(r'id:\s*"([^"]+)"', block)


def aliases() -> dict[str, list[str]]:
    """Canonical product name -> every name it is known by (itself first)."""
    source = (ROOT / "src/domain/product.rs").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for canonical, others in re.findall(
        r'canonical:\s*"([^"]+)",\s*others:\s*&\[(.*?)\]', source, re.S
    ):
        out[canonical] = [canonical, *re.findall(r'"([^"]+)"', others)]
    return out


def canonical(name: str, known: dict[str, list[str]]) -> str:
    key = fold(name)
    for canon, names in known.items():
        if any(fold(n) == key for n in names):
            return canon
    return name.strip()


def spdx_problem(expression: str) -> str | None:
    """None when `expression` is a well-formed SPDX expression over known identifiers."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    if not tokens:
        return "is empty"
    depth, expect_id = 0, True
    after_with = False
    for token in tokens:
        if token == "(":
            if not expect_id:
                return "has `(` where an operator is expected"
            depth += 1
        elif token == ")":
            if expect_id:
                return "has `)` where a licence is expected"
            depth -= 1
            if depth < 0:
                return "has an unbalanced `)`"
        elif token in ("AND", "OR", "WITH"):
            if expect_id:
                return f"has `{token}` where a licence is expected"
            expect_id, after_with = True, token == "WITH"
        else:
            if not expect_id:
                return f"has `{token}` where an operator is expected"
            if after_with:
                if token not in SPDX_EXCEPTIONS:
                    return f"uses the unknown exception `{token}`"
            else:
                ident = token.removesuffix("+")
                if not (ident in KNOWN_SPDX or ident.startswith("LicenseRef-")):
                    return f"uses `{token}`, not a current SPDX identifier known to check.py"
            expect_id, after_with = False, False
    if expect_id or depth:
        return "ends before it is complete"
    return None


def is_url(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"https?://[^\s/]+\.[^\s]+", value) is not None


class Checker:
    def __init__(self, doc: dict):
        self.doc = doc
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(self, where: str, value: object, max_len: int | None = None) -> None:
        """A {fr, en} pair of non-empty, different strings."""
        if not isinstance(value, dict) or set(value) != {"fr", "en"}:
            self.error(where, "must be an object with exactly `fr` and `en`")
            return
        for lang in ("fr", "en"):
            v = value[lang]
            if not isinstance(v, str) or not v.strip():
                self.error(f"{where}.{lang}", "must be a non-empty string")
            elif v != v.strip() or "  " in v:
                self.error(f"{where}.{lang}", "has stray spaces")
            elif max_len and len(v) > max_len:
                self.error(f"{where}.{lang}", f"is {len(v)} characters long, at most {max_len}")
        if value.get("fr") == value.get("en"):
            self.error(where, "French and English texts are identical (translate it)")

    def sources(self, where: str, value: object) -> None:
        if not isinstance(value, list) or not value:
            self.error(f"{where}.sources", "must be a non-empty list of URLs")
            return
        for i, url in enumerate(value):
            if not is_url(url):
                self.error(f"{where}.sources.{i}", f"`{url}` is not an http(s) URL")
        if len(set(value)) != len(value):
            self.error(f"{where}.sources", "lists a URL twice")

    def records(self, key: str, required: set[str], optional: set[str]) -> dict[str, dict]:
        items = self.doc.get(key)
        if not isinstance(items, list) or not items:
            self.error(key, "must be a non-empty list")
            return {}
        by_id: dict[str, dict] = {}
        for i, item in enumerate(items):
            where = f"{key}.{i}"
            if not isinstance(item, dict):
                self.error(where, "must be an object")
                continue
            rid = item.get("id")
            if isinstance(rid, str):
                where = f"{key}[{rid}]"
            missing = required - set(item)
            if missing:
                self.error(where, f"misses {', '.join(sorted(missing))}")
            unknown = set(item) - required - optional
            if unknown:
                self.error(where, f"has unknown fields {', '.join(sorted(unknown))}")
            if not isinstance(rid, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid):
                self.error(where, "`id` must be a lower-case slug")
                continue
            if rid in by_id:
                self.error(where, "`id` is used twice")
            by_id[rid] = item
        ids = [item.get("id") for item in items if isinstance(item, dict)]
        if ids != sorted(ids) and key != "recommendations":
            self.error(key, "must be sorted by id (stable order)")
        return by_id

    def codes(self, name: str) -> dict:
        return self.doc.get("codes", {}).get(name, {})

    def run(self) -> None:
        doc = self.doc
        if doc.get("format") != FORMAT:
            self.error("format", f"must be `{FORMAT}`")
        if doc.get("format_version") != 1:
            self.error("format_version", "must be 1")
        meta = doc.get("meta", {})
        for field in ("title", "cite", "disclaimer"):
            self.text(f"meta.{field}", meta.get(field))
        if meta.get("license") not in ("CC0-1.0", "CC-BY-SA-4.0"):
            self.error("meta.license", "must be CC0-1.0 or CC-BY-SA-4.0")
        if not re.fullmatch(r"\d+\.\d+\.\d+", str(meta.get("version", ""))):
            self.error("meta.version", "must look like 1.2.3")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta.get("date", ""))):
            self.error("meta.date", "must be an ISO date (YYYY-MM-DD)")

        codes = doc.get("codes")
        if not isinstance(codes, dict) or set(codes) != set(CODE_SETS):
            self.error("codes", f"must define exactly {', '.join(CODE_SETS)}")
            codes = {}
        readme = (HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else ""
        for name, entries in codes.items():
            for code, label in entries.items():
                self.text(f"codes.{name}.{code}", label)
                if f"`{code}`" not in readme:
                    self.error(f"codes.{name}.{code}", "is not documented in catalogue/README.md")
        if set(self.codes("level")) != set(LEVELS):
            self.error("codes.level", f"must be exactly {', '.join(LEVELS)}")

        software = self.records(
            "software",
            {"id", "name", "licenses", "website", "sources"},
            {"source_code", "wikidata", "license_note"},
        )
        for sid, s in software.items():
            where = f"software[{sid}]"
            licences = s.get("licenses")
            if not isinstance(licences, list) or not licences:
                self.error(f"{where}.licenses", "must be a non-empty list of SPDX expressions")
            else:
                for i, expression in enumerate(licences):
                    problem = spdx_problem(expression) if isinstance(expression, str) else "is not a string"
                    if problem:
                        self.error(f"{where}.licenses.{i}", f"`{expression}` {problem}")
            for field in ("website", "source_code"):
                if field in s and not is_url(s[field]):
                    self.error(f"{where}.{field}", "must be an http(s) URL")
            if "wikidata" in s and not re.fullmatch(r"Q[1-9]\d*", str(s["wikidata"])):
                self.error(f"{where}.wikidata", "must be a Wikidata item id such as Q10135")
            if "license_note" in s:
                self.text(f"{where}.license_note", s["license_note"])
            self.sources(where, s.get("sources"))

        providers = self.records(
            "providers",
            {"id", "name", "website", "kind", "chatons", "country", "sources"},
            {"note"},
        )
        for pid, p in providers.items():
            where = f"providers[{pid}]"
            if p.get("kind") not in self.codes("kind"):
                self.error(f"{where}.kind", f"`{p.get('kind')}` is not a kind code")
            if p.get("chatons") not in (True, False, None):
                self.error(f"{where}.chatons", "must be true, false or null (not verified)")
            if not re.fullmatch(r"[A-Z]{2}", str(p.get("country"))):
                self.error(f"{where}.country", "must be an ISO 3166-1 alpha-2 code")
            if not is_url(p.get("website")):
                self.error(f"{where}.website", "must be an http(s) URL")
            if "note" in p:
                self.text(f"{where}.note", p["note"])
            self.sources(where, p.get("sources"))

        offers = self.records(
            "offers",
            {"id", "provider", "software", "name", "url", "price", "registration", "sources"},
            {"docs", "note"},
        )
        for oid, o in offers.items():
            where = f"offers[{oid}]"
            if o.get("provider") not in providers:
                self.error(f"{where}.provider", f"`{o.get('provider')}` is not a provider id")
            if o.get("software") not in software:
                self.error(f"{where}.software", f"`{o.get('software')}` is not a software id")
            for field in ("url", "docs"):
                if field in o and not is_url(o[field]):
                    self.error(f"{where}.{field}", "must be an http(s) URL")
            if o.get("price") not in self.codes("price"):
                self.error(f"{where}.price", f"`{o.get('price')}` is not a price code")
            if o.get("registration") not in self.codes("registration"):
                self.error(f"{where}.registration", f"`{o.get('registration')}` is not a registration code")
            if "note" in o:
                self.text(f"{where}.note", o["note"])
            self.sources(where, o.get("sources"))

        known_categories = categories()
        if len(known_categories) != 35:
            self.error("src/domain/category.rs", f"read {len(known_categories)} categories, expected 35")
        recs = self.records(
            "recommendations",
            {"id", "software", "replaces", "category", "summary", "reason", "audience",
             "effort", "level", "offers", "sources"},
            set(),
        )
        pairs: dict[tuple[str, str], str] = {}
        known_names = {fold(n) for names in aliases().values() for n in names}
        for rid, r in recs.items():
            where = f"recommendations[{rid}]"
            sid = r.get("software")
            if sid not in software:
                self.error(f"{where}.software", f"`{sid}` is not a software id")
            if r.get("category") not in known_categories:
                self.error(f"{where}.category", f"`{r.get('category')}` is not one of the 35 categories")
            pair = (sid, r.get("category"))
            if pair in pairs:
                # The database keeps one recommendation per (centre, software, category).
                self.error(where, f"same software and category as {pairs[pair]}")
            pairs[pair] = rid
            replaces = r.get("replaces")
            if not isinstance(replaces, list) or not replaces:
                self.error(f"{where}.replaces", "must name at least one product")
            else:
                if len(replaces) > MAX_REPLACES:
                    self.error(f"{where}.replaces", f"has {len(replaces)} products, at most {MAX_REPLACES}")
                for i, name in enumerate(replaces):
                    if not isinstance(name, str) or not name.strip() or len(name) > MAX_PRODUCT_CHARS:
                        self.error(f"{where}.replaces.{i}", f"must be 1 to {MAX_PRODUCT_CHARS} characters")
                    elif "(" in name and fold(name) not in known_names:
                        # "Doodle (polls)" would be a product of its own in the `replaces` facet.
                        self.error(f"{where}.replaces.{i}", f"`{name}`: name the product alone, without a qualifier")
                if len({fold(n) for n in replaces if isinstance(n, str)}) != len(replaces):
                    self.error(f"{where}.replaces", "names a product twice")
            self.text(f"{where}.summary", r.get("summary"), MAX_SUMMARY)
            self.text(f"{where}.reason", r.get("reason"), MAX_REASON)
            audience = r.get("audience")
            if not isinstance(audience, list) or not audience or len(audience) > MAX_AUDIENCE:
                self.error(f"{where}.audience", f"must list 1 to {MAX_AUDIENCE} audience codes")
            else:
                for code in audience:
                    if code not in self.codes("audience") or len(code) > MAX_AUDIENCE_CHARS:
                        self.error(f"{where}.audience", f"`{code}` is not an audience code")
                if len(set(audience)) != len(audience):
                    self.error(f"{where}.audience", "lists a code twice")
            effort = r.get("effort")
            if not isinstance(effort, dict) or set(effort) != {"level", "note"}:
                self.error(f"{where}.effort", "must be {level, note}")
            else:
                if effort["level"] not in self.codes("effort"):
                    self.error(f"{where}.effort.level", f"`{effort['level']}` is not an effort code")
                self.text(f"{where}.effort.note", effort["note"])
            if r.get("level") not in LEVELS:
                self.error(f"{where}.level", f"must be one of {', '.join(LEVELS)}")
            rec_offers = r.get("offers")
            if not isinstance(rec_offers, list) or len(rec_offers) > MAX_OFFERS:
                self.error(f"{where}.offers", f"must be a list of at most {MAX_OFFERS} offer ids")
            else:
                for oid in rec_offers:
                    if oid not in offers:
                        self.error(f"{where}.offers", f"`{oid}` is not an offer id")
                    elif offers[oid].get("software") != sid:
                        self.error(f"{where}.offers", f"`{oid}` offers {offers[oid].get('software')}, not {sid}")
                if len(set(rec_offers)) != len(rec_offers):
                    self.error(f"{where}.offers", "lists an offer twice")
            self.sources(where, r.get("sources"))

        order = [r.get("id") for r in doc.get("recommendations", [])]
        expected = sorted(
            recs.values(),
            key=lambda r: (
                known_categories.index(r["category"]) if r.get("category") in known_categories else 99,
                LEVELS.index(r["level"]) if r.get("level") in LEVELS else 9,
                r["id"],
            ),
        )
        if order != [r["id"] for r in expected]:
            self.error("recommendations", "must be sorted by category (category.rs order), level, then id")

        used_software = {r.get("software") for r in recs.values()}
        for sid in software:
            if sid not in used_software:
                self.error(f"software[{sid}]", "is recommended nowhere")
        used_providers = {o.get("provider") for o in offers.values()}
        for pid in providers:
            if pid not in used_providers:
                self.error(f"providers[{pid}]", "has no offer")
        used_offers = {oid for r in recs.values() for oid in r.get("offers", [])}
        for oid in offers:
            if oid not in used_offers:
                self.error(f"offers[{oid}]", "is referenced by no recommendation")

        if len(recs) < MIN_RECOMMENDATIONS:
            self.error("recommendations", f"has {len(recs)} entries, at least {MIN_RECOMMENDATIONS}")
        levels = Counter(r.get("level") for r in recs.values())
        for level in LEVELS:
            if not levels[level]:
                self.error("recommendations", f"no entry has level `{level}`")
        for lang in ("fr", "en"):
            summaries: dict[str, str] = {}
            for rid, r in recs.items():
                s = fold(r.get("summary", {}).get(lang, ""))
                if s in summaries:
                    self.error(f"recommendations[{rid}].summary.{lang}", f"is the same as in {summaries[s]}")
                summaries[s] = rid
            lengths = [len(r.get("reason", {}).get(lang, "")) for r in recs.values()]
            long_share = sum(n >= MIN_REASON_CHARS for n in lengths) / max(len(lengths), 1)
            if long_share < MIN_LONG_REASON_SHARE:
                self.error(
                    "recommendations",
                    f"only {long_share:.0%} of {lang} reasons have {MIN_REASON_CHARS}+ characters",
                )

        self.coverage = self.covered(recs, software)
        for product, minimum in REQUIRED.items():
            found = self.coverage[product]
            if len(found) < minimum:
                self.error(
                    "coverage",
                    f"`{product}` is found by {len(found)} recommendation(s), at least {minimum} wanted",
                )

    def covered(self, recs: dict, software: dict) -> dict[str, list[tuple[str, str]]]:
        """Required product -> [(software name, level)], matching words like the search does."""
        known = aliases()
        out: dict[str, list[tuple[str, str]]] = {}
        for product in REQUIRED:
            query = fold(product).split()
            hits: dict[str, tuple[str, str]] = {}  # software id -> (name, best level)
            for rid, r in recs.items():
                names: list[str] = []
                for name in r.get("replaces", []):
                    names.append(name)
                    names.extend(known.get(canonical(name, known), []))
                for name in names:
                    words = fold(name).split()
                    if any(words[i:i + len(query)] == query for i in range(len(words))):
                        sid = r.get("software")
                        sw = software.get(sid, {}).get("name", sid)
                        level = r.get("level")
                        best = hits.get(sid)
                        if best is None or LEVELS.index(level) < LEVELS.index(best[1]):
                            hits[sid] = (sw, level)
                        break
            out[product] = sorted(hits.values(), key=lambda h: (LEVELS.index(h[1]) if h[1] in LEVELS else 9, h[0]))
        return out


def report(doc: dict, checker: Checker) -> None:
    recs = doc.get("recommendations", [])
    levels = Counter(r.get("level") for r in recs)
    print(
        f"{len(doc.get('software', []))} software, {len(doc.get('providers', []))} providers, "
        f"{len(doc.get('offers', []))} offers, {len(recs)} recommendations "
        f"({', '.join(f'{levels[l]} {l}' for l in LEVELS)})"
    )
    with_offer = sum(bool(r.get("offers")) for r in recs)
    print(f"{with_offer} recommendations name at least one hosted offer")
    for lang in ("fr", "en"):
        lengths = [len(r.get("reason", {}).get(lang, "")) for r in recs]
        if lengths:
            short = sum(n < MIN_REASON_CHARS for n in lengths)
            print(
                f"reason.{lang}: min {min(lengths)}, median {int(statistics.median(lengths))}, "
                f"max {max(lengths)} characters; {short} under {MIN_REASON_CHARS}"
            )
    categories_used = Counter(r.get("category") for r in recs)
    print(f"{len(categories_used)} of 35 categories used")
    print()
    print("Coverage (product -> alternatives, R recommended / U usable / A avoid):")
    mark = {"recommended": "R", "usable": "U", "avoid": "A"}
    for product, hits in getattr(checker, "coverage", {}).items():
        alts = ", ".join(f"{name} ({mark.get(level, '?')})" for name, level in hits) or "NOTHING"
        print(f"  {product:<18} {alts}")


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "starter.json"
    raw = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as e:
        print(f"{path}: not valid JSON: {e}", file=sys.stderr)
        return 1
    checker = Checker(doc)
    checker.run()
    expected = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if raw != expected:
        checker.error(str(path), "is not in canonical form (UTF-8, 2-space indent, no escaped accents, final newline)")
    report(doc, checker)
    if checker.errors:
        print(f"\n{len(checker.errors)} problem(s):", file=sys.stderr)
        for e in checker.errors:
            print(f"  - {e}", file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
