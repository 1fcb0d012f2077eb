//! Search benchmark: 100,000 generated entries (95,000 recommendations by 12 centres of 2,000
//! software, 5,000 contact cards), French and English text with accents, replaced products
//! named by their aliases. Prints, for the tantivy index and for an SQLite FTS5 baseline over
//! the same text in the same database:
//!
//! - indexing time (tantivy: a full rebuild from the database; FTS5: filling its table);
//! - query latency p50/p99 over a fixed mix of queries, each run 100 times (1,000 samples: the
//!   p99 is the tenth slowest, not the third).
//!
//! The tantivy figure is the whole `SearchIndex::search`: the change-feed check (one
//! `SELECT max(seq)`), the query, ranking and the seven facet counts. The FTS5 figure is a
//! `MATCH` ranked by bm25 for one page plus a `count(*)`, without facets; FTS5 has prefixes but
//! no typo tolerance, so "nextclod" finds nothing there. Both index the same text: FTS5's
//! body holds every name of the replaced products (aliases included), as the node's index
//! does, and its category is an indexed column, filtered through `MATCH`.
//!
//! The result counts are checked before any figure counts (each query finds something in
//! the index, a category alone finds every recommendation of it, a typo finds the software);
//! a failed check or a missed target makes the process exit with status 1. `-- --smoke`
//! runs on 5,000 entries and checks the results only.
//!
//! Run: `cargo bench --bench search` (release build; about two minutes). Results and the
//! machine they were measured on are kept in docs/benchmarks.md.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use maillage::search::{Request, SearchIndex};
use maillage::storage::centres::{CentreRow, NewCentreRow};
use maillage::storage::contacts::{ContactFields, ContactIdentity, ContactRow};
use maillage::storage::recommendations::{
    RecommendationFields, RecommendationIdentity, RecommendationRow,
};
use maillage::storage::software::{SoftwareFacts, SoftwareRow};
use maillage::storage::{Conn, Database, DatabaseUrl, StorageError, products};

/// The generated directory: full size, or the smoke run's.
#[derive(Clone, Copy)]
struct Scale {
    recommendations: usize,
    contacts: usize,
    software: usize,
    rounds: usize,
}

const FULL: Scale = Scale {
    recommendations: 95_000,
    contacts: 5_000,
    software: 2_000,
    rounds: 100,
};
const SMOKE: Scale = Scale {
    recommendations: 4_750,
    contacts: 250,
    software: 200,
    rounds: 3,
};
const CENTRES: usize = 12;

const KNOWN_SOFTWARE: &[&str] = &[
    "Nextcloud",
    "Seafile",
    "Jitsi Meet",
    "BigBlueButton",
    "Galène",
    "CryptPad",
    "Mastodon",
    "PeerTube",
    "Mobilizon",
    "Framadate",
    "Element",
    "Matrix Synapse",
    "Zulip",
    "Mattermost",
    "Rocket.Chat",
    "Dolibarr",
    "Odoo Community",
    "Paheko",
    "Moodle",
    "Decidim",
    "LimeSurvey",
    "Collabora Online",
    "OnlyOffice Docs",
    "LibreOffice",
    "Etherpad",
    "HedgeDoc",
    "Thunderbird",
    "Proton Mail",
    "Signal",
    "Wire",
    "uMap",
    "OpenStreetMap",
    "Kanboard",
    "Wekan",
    "Nocodb",
    "Grist",
    "Baserow",
    "Listmonk",
    "Sympa",
    "Kresus",
    "Firefly III",
    "Pixelfed",
    "Lemmy",
    "Discourse",
    "Flarum",
    "WordPress",
    "Grav",
    "Ghost",
    "Matomo",
    "Plausible",
    "Kimai",
    "Invoice Ninja",
    "Penpot",
    "Inkscape",
    "GIMP",
    "Krita",
    "Scribus",
    "Audacity",
    "Kdenlive",
    "OBS Studio",
    "Framaforms",
    "Yakforms",
    "Bitwarden",
    "KeePassXC",
    "Syncthing",
];

/// Replaced products as people write them, aliases included.
const PRODUCTS: &[&str] = &[
    "Google Drive",
    "Dropbox",
    "Microsoft OneDrive",
    "Zoom",
    "Hangouts",
    "Google Meet",
    "Microsoft Teams",
    "Skype",
    "Slack",
    "WhatsApp",
    "Messenger",
    "Twitter",
    "X",
    "Facebook",
    "Instagram",
    "YouTube",
    "Google Docs",
    "Google Sheets",
    "Office 365",
    "Gmail",
    "Doodle",
    "Google Forms",
    "Typeform",
    "SurveyMonkey",
    "Trello",
    "Asana",
    "Notion",
    "Airtable",
    "Mailchimp",
    "Google Maps",
    "Eventbrite",
    "Meetup",
    "Salesforce",
    "LastPass",
    "Canva",
    "Google Analytics",
    "Medium",
    "Discord",
    "Telegram",
    "iCloud Drive",
];

/// (category id, French usage, English usage).
const USES: &[(&str, &str, &str)] = &[
    (
        "files",
        "le partage de fichiers et la synchronisation",
        "file sharing and sync",
    ),
    (
        "videoconf",
        "la visioconférence et les réunions à distance",
        "video conferencing",
    ),
    (
        "office",
        "le tableur collaboratif et l'édition de documents",
        "collaborative spreadsheets",
    ),
    ("team-chat", "la messagerie d'équipe", "team chat"),
    (
        "messaging",
        "la messagerie instantanée chiffrée",
        "encrypted instant messaging",
    ),
    (
        "social",
        "les réseaux sociaux décentralisés",
        "decentralised social networks",
    ),
    (
        "forms",
        "les formulaires et questionnaires",
        "forms and surveys",
    ),
    (
        "scheduling",
        "les sondages de dates et rendez-vous",
        "scheduling polls",
    ),
    (
        "crm-erp",
        "la gestion des adhérents et la comptabilité",
        "membership and accounting",
    ),
    (
        "events",
        "l'organisation d'événements",
        "event organisation",
    ),
    ("maps", "les cartes personnalisées", "custom maps"),
    ("mailing", "les lettres d'information", "newsletters"),
    ("video", "l'hébergement de vidéos", "video hosting"),
    ("elearning", "la formation en ligne", "e-learning"),
];

const ADJECTIVES_FR: &[&str] = &[
    "éthique",
    "hébergée en France",
    "sans publicité",
    "respectueuse de la vie privée",
    "facile à prendre en main",
    "adaptée aux associations",
    "libre et gratuite",
    "fédérée",
];
const AUDIENCES: &[&str] = &[
    "associations",
    "collectivités",
    "entreprises",
    "particuliers",
];
const REGIONS: &[&str] = &[
    "FR-ARA", "FR-BRE", "FR-IDF", "FR-NAQ", "FR-OCC", "FR-PDL", "CH-GE", "BE-WAL", "FR-HDF",
];
const LICENSES: &[&str] = &[
    "AGPL-3.0-or-later",
    "GPL-3.0-or-later",
    "MIT",
    "Apache-2.0",
    "MPL-2.0",
];
const FIRST_NAMES: &[&str] = &[
    "Camille", "Inès", "Léa", "Yanis", "Aïcha", "Théo", "Zoé", "Noé", "Chloé", "Jérôme",
];
const ROLES: &[&str] = &[
    "médiatrice numérique",
    "médiateur numérique",
    "conseiller en médiation numérique",
    "formatrice logiciels libres",
    "animateur d'atelier",
    "accompagnement à la dégooglisation",
];

/// The fixed query mix: words, and an optional category filter.
const QUERIES: &[(&str, Option<&str>)] = &[
    ("google drive", None),
    ("visio", None),
    ("nextclod", None),
    ("médiation", None),
    ("hangouts", None),
    ("tableur collaboratif", None),
    ("messagerie chiffrée", Some("messaging")),
    ("associations", Some("files")),
    ("twitter", None),
    ("", Some("videoconf")),
];

/// A small deterministic generator: the same data at every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn software_name(i: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "li", "bre", "cloud", "pad", "fé", "do", "net", "ra", "zo", "mé",
    ];
    if i < KNOWN_SOFTWARE.len() {
        return KNOWN_SOFTWARE[i].to_owned();
    }
    let mut name = String::new();
    let mut n = i;
    for _ in 0..3 {
        name.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap().to_uppercase().collect::<String>();
    format!("{first}{} {}", chars.as_str(), i / 1000)
}

/// The text FTS5 indexes for a replaced product: every name the node knows it by.
fn product_names(product: &str) -> String {
    let canonical = maillage::domain::product::canonical_name(product);
    let mut names = maillage::domain::product::known_names(&canonical);
    if names.is_empty() {
        names.push(product);
    }
    names.join(" ")
}

fn populate(conn: &mut Conn, scale: Scale) -> Result<(), StorageError> {
    let Scale {
        recommendations,
        contacts,
        software: software_count,
        ..
    } = scale;
    let now = maillage::storage::now();
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mut centres = Vec::new();
    for c in 0..CENTRES {
        centres.push(CentreRow::insert(
            conn,
            &NewCentreRow {
                actor_id: format!("https://centre{c}.example/centres/c{c}"),
                username: format!("c{c}"),
                domain: format!("centre{c}.example"),
                name: format!("Annuaire libre n°{c}"),
                summary: None,
                website: None,
                region: Some(REGIONS[c % REGIONS.len()].to_owned()),
                icon: None,
                local: c == 0,
                public_key: "bench".into(),
                private_key: None,
                inbox_url: format!("https://centre{c}.example/inbox"),
                shared_inbox_url: None,
                created_at: now,
                updated_at: now,
                actor_type: "Organization".into(),
                is_directory: true,
                manually_approves: false,
                outbox_url: None,
                last_refreshed_at: None,
                header: None,
                contact: None,
            },
        )?);
    }
    let mut software = Vec::new();
    for s in 0..software_count {
        let name = software_name(s);
        let homepage = format!("https://software{s}.example/");
        software.push(SoftwareRow::insert(
            conn,
            &format!("software-{s}"),
            &SoftwareFacts {
                name,
                homepage_key: homepage.clone(),
                homepage,
                repository: None,
                repository_key: None,
                license: Some((*rng.pick(LICENSES)).to_owned()),
                wikidata: None,
            },
            now,
        )?);
    }
    let product_ids: Vec<i64> = PRODUCTS
        .iter()
        .map(|p| products::ensure(conn, p, &maillage::domain::text::fold(p)))
        .collect::<Result<_, _>>()?;
    for i in 0..recommendations {
        let s = i % software_count;
        let c = (i / software_count) % CENTRES;
        let round = i / (software_count * CENTRES);
        let (category, use_fr, use_en) = USES[(s + round * 5) % USES.len()];
        let p1 = (s * 7 + round) % PRODUCTS.len();
        let p2 = (s * 3 + 11) % PRODUCTS.len();
        let english = rng.next().is_multiple_of(4);
        let summary = if english {
            format!(
                "{} is a free alternative to {} for {use_en}, easy to adopt.",
                software[s].name, PRODUCTS[p1]
            )
        } else {
            format!(
                "{} remplace {} pour {use_fr} : une solution {}.",
                software[s].name,
                PRODUCTS[p1],
                rng.pick(ADJECTIVES_FR)
            )
        };
        let audience = *rng.pick(AUDIENCES);
        let region = *rng.pick(REGIONS);
        // What the index holds too (names, every name of the products, category, texts,
        // centre), for FTS5.
        let text = format!(
            "{} {} {} {} {summary} {audience} {region} {}",
            software[s].name,
            product_names(PRODUCTS[p1]),
            product_names(PRODUCTS[p2]),
            category,
            centres[c].name
        );
        let rec = RecommendationRow::insert(
            conn,
            &RecommendationIdentity {
                key: format!("rec{i}"),
                ap_id: format!("https://centre{c}.example/recommendations/rec{i}"),
                centre_id: centres[c].id,
                local: c == 0,
                created_at: now,
            },
            &RecommendationFields {
                software_id: software[s].id,
                category: category.to_owned(),
                summary,
                rationale: None,
                language: if english { "en" } else { "fr" }.into(),
                level: "recommended".into(),
                region: Some(region.to_owned()),
                audience: format!("[\"{audience}\"]"),
                hosting: "[]".into(),
                status: "published".into(),
                search_text: text,
                published_at: Some(now),
                updated_at: now - chrono::TimeDelta::days((rng.next() % 700) as i64),
                remote_updated_at: None,
            },
        )?;
        let linked = if p1 == p2 {
            vec![product_ids[p1]]
        } else {
            vec![product_ids[p1], product_ids[p2]]
        };
        products::set_for_recommendation(conn, rec.id, &linked)?;
    }
    for i in 0..contacts {
        let c = i % CENTRES;
        let name = format!("{} Exemple-{i}", rng.pick(FIRST_NAMES));
        let role = *rng.pick(ROLES);
        let skill = software_name(i % KNOWN_SOFTWARE.len());
        ContactRow::insert(
            conn,
            &ContactIdentity {
                key: format!("card{i}"),
                ap_id: format!("https://centre{c}.example/contacts/card{i}"),
                centre_id: centres[c].id,
                import_ref: None,
                local: c == 0,
                created_at: now,
            },
            &ContactFields {
                search_text: format!("{name} {role} {skill} {}", centres[c].name),
                name,
                role: Some(role.to_owned()),
                area: format!("{{\"region\":\"{}\"}}", rng.pick(REGIONS)),
                skills: format!("[\"{skill}\"]"),
                languages: "[\"fr\"]".into(),
                email: None,
                phone: None,
                website: None,
                contact_form: None,
                visibility: "public".into(),
                consent: Some("{\"given_at\":\"2026-01-12T15:30:00Z\"}".into()),
                updated_at: now,
                remote_updated_at: None,
            },
        )?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    #[expect(dead_code, reason = "loaded as a search would, never read")]
    rowid: i64,
}

/// FTS5 over the same text, accents removed by its tokenizer; the category an indexed
/// column. Contacts get rowids after the recommendations'.
fn fill_fts(conn: &mut Conn) -> Result<(), StorageError> {
    conn.batch_execute(
        "CREATE VIRTUAL TABLE bench_fts USING fts5(body, category, \
             tokenize = 'unicode61 remove_diacritics 2');
         INSERT INTO bench_fts (rowid, body, category)
             SELECT id, search_text, category FROM recommendations;
         INSERT INTO bench_fts (rowid, body, category)
             SELECT id + 1000000, search_text, '' FROM contacts;",
    )?;
    Ok(())
}

/// The FTS5 expression of a query: every word, as a prefix, in the body; the category as a
/// phrase in its column.
fn fts_expression(words: &str, category: Option<&str>) -> String {
    let mut terms: Vec<String> = maillage::domain::text::fold(words)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| format!("body : \"{w}\"*"))
        .collect();
    if let Some(category) = category {
        terms.push(format!("category : \"{}\"", category.replace('-', " ")));
    }
    terms.join(" AND ")
}

fn fts_query(conn: &mut Conn, words: &str, category: Option<&str>) -> Result<i64, StorageError> {
    let expression = fts_expression(words, category);
    let _page: Vec<Id> = diesel::sql_query(
        "SELECT rowid FROM bench_fts WHERE bench_fts MATCH ?1 ORDER BY rank LIMIT 20",
    )
    .bind::<Text, _>(&expression)
    .load(conn)?;
    let count: Count =
        diesel::sql_query("SELECT count(*) AS n FROM bench_fts WHERE bench_fts MATCH ?1")
            .bind::<Text, _>(&expression)
            .get_result(conn)?;
    Ok(count.n)
}

/// Recommendations of a category, counted in the database itself.
fn recommendations_in(conn: &mut Conn, category: &str) -> Result<i64, StorageError> {
    let count: Count =
        diesel::sql_query("SELECT count(*) AS n FROM recommendations WHERE category = ?1")
            .bind::<Text, _>(category)
            .get_result(conn)?;
    Ok(count.n)
}

/// A check of the results; a failed one voids the figures.
fn check(failed: &mut bool, what: &str, ok: bool, detail: impl std::fmt::Display) {
    if !ok {
        *failed = true;
        println!("CHECK FAILED: {what}: {detail}");
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let scale = if smoke { SMOKE } else { FULL };
    let entries = scale.recommendations + scale.contacts;
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.sqlite3"));
    let db = Database::connect(&url, 4).unwrap();
    db.migrate().await.unwrap();

    let started = Instant::now();
    db.write(move |conn| populate(conn, scale)).await.unwrap();
    println!(
        "generated {} recommendations of {} software by {CENTRES} centres and {} contacts in \
         {:.1} s{}",
        scale.recommendations,
        scale.software,
        scale.contacts,
        started.elapsed().as_secs_f64(),
        if smoke {
            " (smoke run: results checked, targets not)"
        } else {
            ""
        }
    );

    let started = Instant::now();
    let index = SearchIndex::open(db.clone(), Some(dir.path().join("search-index")))
        .await
        .unwrap();
    let tantivy_indexing = started.elapsed();
    drop(index);
    let started = Instant::now();
    let index = SearchIndex::open(db.clone(), Some(dir.path().join("search-index")))
        .await
        .unwrap();
    let reopening = started.elapsed();
    assert!(index.is_persistent());

    let started = Instant::now();
    db.run(fill_fts).await.unwrap();
    let fts_indexing = started.elapsed();

    let mut failed = false;
    let mut tantivy = Vec::new();
    let mut fts = Vec::new();
    println!("\nquery                                 tantivy total  p50        FTS5 total  p50");
    for (words, category) in QUERIES {
        let request = Request {
            words: (*words).to_owned(),
            category: category.map(str::to_owned),
            public_only: true,
            limit: 20,
            ..Default::default()
        };
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut totals = (0, 0);
        let mut first_page = Vec::new();
        for _ in 0..scale.rounds {
            let started = Instant::now();
            let found = index.search(request.clone()).await.unwrap();
            ours.push(started.elapsed());
            totals.0 = found.total;
            first_page = found.hits;
            let (w, c) = ((*words).to_owned(), category.map(str::to_owned));
            let started = Instant::now();
            totals.1 = db
                .run(move |conn| fts_query(conn, &w, c.as_deref()))
                .await
                .unwrap();
            theirs.push(started.elapsed());
        }
        let label = match category {
            Some(c) => format!("{words:?} in {c}"),
            None => format!("{words:?}"),
        };
        // What was found, before how fast: an index answering nothing would be quick.
        check(
            &mut failed,
            &format!("{label}: the index finds it, a page of it"),
            totals.0 > 0 && !first_page.is_empty(),
            format!("{} found, {} on the page", totals.0, first_page.len()),
        );
        if *words == "nextclod" {
            check(
                &mut failed,
                "\"nextclod\": one typo forgiven",
                totals.1 == 0 && totals.0 > 0,
                format!("tantivy {}, FTS5 {}", totals.0, totals.1),
            );
        } else {
            check(
                &mut failed,
                &format!("{label}: FTS5 finds it too"),
                totals.1 > 0,
                totals.1,
            );
        }
        if let (true, Some(c)) = (words.is_empty(), category) {
            let c = (*c).to_owned();
            let expected = db
                .run(move |conn| recommendations_in(conn, &c))
                .await
                .unwrap();
            check(
                &mut failed,
                &format!("{label}: every recommendation of the category"),
                totals.0 >= expected as u64 && totals.1 == expected,
                format!(
                    "{expected} in the database, tantivy {}, FTS5 {}",
                    totals.0, totals.1
                ),
            );
        }
        ours.sort();
        theirs.sort();
        println!(
            "{label:<38}{:>13}  {:<11}{:>10}  {}",
            totals.0,
            ms(percentile(&ours, 0.5)),
            totals.1,
            ms(percentile(&theirs, 0.5))
        );
        tantivy.extend(ours);
        fts.extend(theirs);
    }
    tantivy.sort();
    fts.sort();
    let (p50, p99) = (percentile(&tantivy, 0.5), percentile(&tantivy, 0.99));
    let (f50, f99) = (percentile(&fts, 0.5), percentile(&fts, 0.99));
    println!();
    println!(
        "indexing {entries} entries: tantivy {:.1} s (reopening without rebuild {}), FTS5 {:.1} s",
        tantivy_indexing.as_secs_f64(),
        ms(reopening),
        fts_indexing.as_secs_f64()
    );
    println!(
        "query latency over {} queries: tantivy p50 {} p99 {}; FTS5 baseline p50 {} p99 {}",
        tantivy.len(),
        ms(p50),
        ms(p99),
        ms(f50),
        ms(f99)
    );
    let met = p99 < Duration::from_millis(10) && p99 < f99;
    println!(
        "target: p99 under 10 ms and faster than FTS5: {}",
        if smoke {
            "(smoke: not checked)"
        } else if met {
            "met"
        } else {
            "MISSED"
        }
    );
    if failed || (!smoke && !met) {
        println!("search benchmark: a check failed or the target was missed (see above)");
        std::process::exit(1);
    }
}
