//! The fields of a search document and the analyzers that turn text into terms.
//!
//! Text goes into four fields: `names` (software and product names, a person's name; folded,
//! not stemmed, weighted most), `plain` (everything, folded, not stemmed: prefixes and typos are
//! matched here), and `french` and `english` (everything, folded then stemmed). Folding comes
//! before stemming so that a query typed without accents gives exactly the terms of an accented
//! text ("mediation" and "médiation" both stem to `mediat`).

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
};

/// Changes whenever the fields or the analyzers change: an index on disk with another version
/// is rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

const PLAIN: &str = "maillage_plain";
const FRENCH: &str = "maillage_fr";
const ENGLISH: &str = "maillage_en";

/// Facet fields, in the order the API lists them.
pub const FACETS: [&str; 7] = [
    "kind", "category", "replaces", "origin", "license", "region", "audience",
];

/// Handles on the fields of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// `recommendation:12`: what a change deletes by.
    pub uid: Field,
    /// The row id in its table; with `kind`, what a hit is loaded by.
    pub db_id: Field,
    pub kind: Field,
    pub names: Field,
    pub plain: Field,
    pub french: Field,
    pub english: Field,
    pub category: Field,
    pub replaces: Field,
    pub origin: Field,
    pub license: Field,
    pub region: Field,
    /// The region and its country (`FR-44` and `FR`): a country filter finds its regions.
    pub region_match: Field,
    pub audience: Field,
    /// 1 when the public may see the document, 0 when only staff may.
    pub public: Field,
    /// How many distinct centres recommend the software (ranking).
    pub centres: Field,
    /// Last update, in seconds since the epoch (ranking).
    pub updated: Field,
    /// Breaks ties between equal scores the same way in any index of the same records,
    /// so that pages are stable and a rebuilt index answers like the one it replaces.
    pub tiebreak: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let text = |analyzer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let facet = STRING | FAST;
        let fields = Self {
            uid: b.add_text_field("uid", STRING),
            db_id: b.add_u64_field("db_id", FAST),
            kind: b.add_text_field("kind", facet.clone()),
            names: b.add_text_field("names", text(PLAIN)),
            plain: b.add_text_field("plain", text(PLAIN)),
            french: b.add_text_field("french", text(FRENCH)),
            english: b.add_text_field("english", text(ENGLISH)),
            category: b.add_text_field("category", facet.clone()),
            replaces: b.add_text_field("replaces", facet.clone()),
            origin: b.add_text_field("origin", facet.clone()),
            license: b.add_text_field("license", facet.clone()),
            region: b.add_text_field("region", facet.clone()),
            region_match: b.add_text_field("region_match", STRING),
            audience: b.add_text_field("audience", facet),
            public: b.add_u64_field("public", INDEXED | FAST),
            centres: b.add_u64_field("centres", FAST),
            updated: b.add_i64_field("updated", FAST),
            tiebreak: b.add_u64_field("tiebreak", FAST),
        };
        (b.build(), fields)
    }
}

/// Makes the analyzers known to an index (they are not stored in it).
pub fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(PLAIN, analyzer(None));
    tokenizers.register(FRENCH, analyzer(Some(Language::French)));
    tokenizers.register(ENGLISH, analyzer(Some(Language::English)));
}

fn analyzer(language: Option<Language>) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .dynamic();
    match language {
        Some(language) => builder.filter_dynamic(Stemmer::new(language)).build(),
        None => builder.build(),
    }
}

/// The analyzers, built once, to turn query words into the terms of each field.
#[derive(Clone)]
pub struct Analyzers {
    plain: TextAnalyzer,
    french: TextAnalyzer,
    english: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Self {
            plain: analyzer(None),
            french: analyzer(Some(Language::French)),
            english: analyzer(Some(Language::English)),
        }
    }
}

impl Analyzers {
    /// Folded words, as the `plain` and `names` fields hold them.
    pub fn words(&mut self, text: &str) -> Vec<String> {
        tokens(&mut self.plain, text)
    }

    /// The French stem of one folded word.
    pub fn french(&mut self, word: &str) -> String {
        tokens(&mut self.french, word)
            .pop()
            .unwrap_or_else(|| word.to_owned())
    }

    /// The English stem of one folded word.
    pub fn english(&mut self, word: &str) -> String {
        tokens(&mut self.english, word)
            .pop()
            .unwrap_or_else(|| word.to_owned())
    }
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_in_any_case_and_accent() {
        let mut a = Analyzers::default();
        assert_eq!(
            a.words("Médiation NUMÉRIQUE, d'équipe — Œuvre"),
            vec!["mediation", "numerique", "d", "equipe", "oeuvre"]
        );
    }

    #[test]
    fn french_and_english_stems_ignore_accents() {
        let mut a = Analyzers::default();
        let accented = a.words("médiation").remove(0);
        assert_eq!(a.french("mediation"), a.french(&accented));
        assert_eq!(a.french("collaboratifs"), a.french("collaboratif"));
        assert_eq!(a.french("associations"), a.french("association"));
        assert_eq!(a.english("sharing"), a.english("share"));
        assert_eq!(a.english("recommended"), a.english("recommends"));
    }
}
