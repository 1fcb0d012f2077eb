//! The fields of a search document.
//!
//! Text is split by weight: `names` (the software's name, a person's, a centre's), `products`
//! (the products a software replaces, with every name each is known by), `topics` (categories,
//! a mediator's role and skills) and `text` (summaries, reasons, hosts, places). Each is held
//! folded (`plain`: exact words, prefixes, typos); `topics` and `text` also stemmed in French
//! and English. A match in a name or a replaced product ranks far above one in a description
//! (see `query`). Matches score by field, not by frequency, so postings keep no frequencies. Centres' names are only in their own documents, so that a centre called
//! "Zoomacom" does not make every entry it published match "zoom".

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analysis::{ENGLISH, FRENCH, PLAIN};

/// Changes whenever the fields, the analyzers or what documents hold change: an index on disk
/// with another version is rebuilt.
pub(super) const SCHEMA_VERSION: u32 = 2;

/// Facet fields, in the order the API lists them.
pub(super) const FACETS: [&str; 7] = [
    "kind", "category", "replaces", "origin", "license", "region", "audience",
];

/// Handles on the fields of the schema.
#[derive(Debug, Clone)]
pub(super) struct Fields {
    /// `software:12`: what a change deletes by (a software may have two documents, the
    /// public one and the staff one).
    pub uid: Field,
    /// The row id in its table; with `kind`, what a hit is loaded by.
    pub db_id: Field,
    pub kind: Field,
    pub names: Field,
    pub products: Field,
    pub topics: Field,
    pub topics_fr: Field,
    pub topics_en: Field,
    pub text: Field,
    pub text_fr: Field,
    pub text_en: Field,
    pub category: Field,
    pub replaces: Field,
    pub origin: Field,
    pub license: Field,
    pub region: Field,
    /// The region and its country (`FR-44` and `FR`): a country filter finds its regions.
    pub region_match: Field,
    pub audience: Field,
    /// A contact card: the folded names of the software the person knows; a software: its
    /// own folded name. What "mediators who know it" is looked up by.
    pub knows: Field,
    /// 1 when the public may find the document.
    pub public: Field,
    /// 1 when staff searches find the document (a software whose drafts differ from what the
    /// public sees has one document for each).
    pub staff: Field,
    /// How many distinct centres recommend the software (ranking).
    pub centres: Field,
    /// Last update, in seconds since the epoch (ranking).
    pub updated: Field,
    /// Breaks ties between equal scores the same way in any index of the same records,
    /// so that pages are stable and a rebuilt index answers like the one it replaces.
    pub tiebreak: Field,
    /// Software documents: what suggestions are made of (JSON, see `suggest`).
    pub card: Field,
}

impl Fields {
    pub(super) fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let text = |analyzer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::Basic),
            )
        };
        let facet = STRING | FAST;
        let fields = Self {
            uid: b.add_text_field("uid", STRING),
            db_id: b.add_u64_field("db_id", FAST),
            kind: b.add_text_field("kind", facet.clone()),
            names: b.add_text_field("names", text(PLAIN)),
            products: b.add_text_field("products", text(PLAIN)),
            topics: b.add_text_field("topics", text(PLAIN)),
            topics_fr: b.add_text_field("topics_fr", text(FRENCH)),
            topics_en: b.add_text_field("topics_en", text(ENGLISH)),
            text: b.add_text_field("text", text(PLAIN)),
            text_fr: b.add_text_field("text_fr", text(FRENCH)),
            text_en: b.add_text_field("text_en", text(ENGLISH)),
            category: b.add_text_field("category", facet.clone()),
            replaces: b.add_text_field("replaces", facet.clone()),
            origin: b.add_text_field("origin", facet.clone()),
            license: b.add_text_field("license", facet.clone()),
            region: b.add_text_field("region", facet.clone()),
            region_match: b.add_text_field("region_match", STRING),
            audience: b.add_text_field("audience", facet.clone()),
            knows: b.add_text_field("knows", facet),
            public: b.add_u64_field("public", INDEXED | FAST),
            staff: b.add_u64_field("staff", INDEXED | FAST),
            centres: b.add_u64_field("centres", FAST),
            updated: b.add_i64_field("updated", FAST),
            tiebreak: b.add_u64_field("tiebreak", FAST),
            card: b.add_text_field("card", STORED),
        };
        (b.build(), fields)
    }
}
