//! From a request to a tantivy query, then to ranked keys and facet counts.
//!
//! Every word must match (an association typing "tableur collaboratif" wants both). A word
//! matches its folded form in the names and the plain text, its French and English stems, any
//! longer word it starts (from 3 letters: "visio" finds "visioconférence") and, from 5 letters,
//! any word one typo away ("nextclod" finds Nextcloud). Filters do not score.
//!
//! Ranking multiplies BM25 by a popularity factor: more centres recommending the software, and
//! a recent update, come first. Without words every document scores 1, so the order is the
//! popularity factor alone.

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Score, Searcher, SegmentReader, Term};

use super::facets::FacetCounts;
use super::schema::{Analyzers, FACETS, Fields};
use super::{Found, Kind, Request, SearchError};

/// Words too common to require: "outil de visio" must not need a "de".
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "de", "des", "du", "en", "et", "l", "la", "le", "les", "d", "ou", "pour",
    "un", "une", "sur", "avec", "the", "an", "and", "of", "or", "for", "to", "with", "in", "on",
];

/// At most this many words count; a pasted paragraph must not build a huge query.
const MAX_WORDS: usize = 12;

/// Below this length a word matches only itself ("x" must not find every word starting with x).
const PREFIX_FROM: usize = 3;
/// From this length one typo is forgiven.
const TYPO_FROM: usize = 5;

/// The words of a query that must match: folded, without stop words unless nothing else is left.
pub fn query_words(analyzers: &mut Analyzers, text: &str) -> Vec<String> {
    let mut words = analyzers.words(text);
    words.dedup();
    let meaningful: Vec<String> = words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    let mut out = if meaningful.is_empty() {
        words
    } else {
        meaningful
    };
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|w| seen.insert(w.clone()));
    out.truncate(MAX_WORDS);
    out
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(query: Box<dyn Query>, boost: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

/// A filter: must match, adds nothing to the score.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

/// The ways one folded word can match.
fn word_query(fields: &Fields, analyzers: &mut Analyzers, word: &str) -> Box<dyn Query> {
    let len = word.chars().count();
    let mut should: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Should, boosted(term_query(fields.names, word), 3.0)),
        (Occur::Should, term_query(fields.plain, word)),
        (
            Occur::Should,
            term_query(fields.french, &analyzers.french(word)),
        ),
        (
            Occur::Should,
            term_query(fields.english, &analyzers.english(word)),
        ),
    ];
    if len >= PREFIX_FROM {
        // Automaton queries score a constant: below an exact match of the word itself.
        let prefix = FuzzyTermQuery::new_prefix(Term::from_field_text(fields.plain, word), 0, true);
        should.push((Occur::Should, boosted(Box::new(prefix), 0.5)));
    }
    if len >= TYPO_FROM {
        let typo = FuzzyTermQuery::new(Term::from_field_text(fields.plain, word), 1, true);
        should.push((Occur::Should, boosted(Box::new(typo), 0.3)));
    }
    Box::new(BooleanQuery::new(should))
}

/// The whole query: every word, then the filters.
pub fn build(fields: &Fields, analyzers: &mut Analyzers, request: &Request) -> Box<dyn Query> {
    let words = query_words(analyzers, &request.words);
    let mut must: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|w| (Occur::Must, word_query(fields, analyzers, w)))
        .collect();
    if words.is_empty() {
        // Every match scores 1, so that popularity alone orders them.
        must.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
        ));
    }
    if request.public_only {
        must.push(filter(Box::new(TermQuery::new(
            Term::from_field_u64(fields.public, 1),
            IndexRecordOption::Basic,
        ))));
    }
    if let Some(kind) = request.kind {
        must.push(filter(term_query(fields.kind, kind.as_str())));
    }
    let exact = [
        (fields.category, &request.category),
        (fields.replaces, &request.replaces),
        (fields.origin, &request.origin),
        (fields.license, &request.license),
        (fields.region_match, &request.region),
        (fields.audience, &request.audience),
    ];
    for (field, value) in exact {
        if let Some(value) = value {
            must.push(filter(term_query(field, value)));
        }
    }
    Box::new(BooleanQuery::new(must))
}

/// The popularity factor: 1 for nothing known, growing slowly with the number of centres, and
/// up to 1.5 times for an entry updated today (half of that after about eight months).
pub fn popularity(centres: u64, age_seconds: i64) -> Score {
    let centres = (1.0 + centres as f64).ln();
    let age_days = (age_seconds.max(0) as f64) / 86_400.0;
    let recency = 1.0 + 0.5 * (-age_days / 365.0).exp();
    ((1.0 + centres) * recency) as Score
}

/// Runs the query: one page of keys in rank order, the total and the facet counts.
pub fn run(
    searcher: &Searcher,
    query: &dyn Query,
    request: &Request,
) -> Result<Found, SearchError> {
    let now = chrono::Utc::now().timestamp();
    let top = TopDocs::with_limit(request.limit.max(1))
        .and_offset(request.offset)
        .tweak_score(move |reader: &SegmentReader| {
            let fast = reader.fast_fields();
            let centres = fast.u64("centres").ok().map(|c| c.first_or_default_col(0));
            let updated = fast.i64("updated").ok().map(|c| c.first_or_default_col(0));
            let tiebreak = fast.u64("tiebreak").ok().map(|c| c.first_or_default_col(0));
            move |doc: tantivy::DocId, score: Score| {
                let centres = centres.as_ref().map_or(0, |c| c.get_val(doc));
                let updated = updated.as_ref().map_or(now, |c| c.get_val(doc));
                let tiebreak = tiebreak.as_ref().map_or(0, |c| c.get_val(doc));
                (score * popularity(centres, now - updated), tiebreak)
            }
        });
    let (top, (total, per_field)) = searcher.search(query, &(top, FacetCounts::new(&FACETS)))?;
    let hits = top
        .into_iter()
        .filter_map(|(_, address)| key_of(searcher, address))
        .collect();
    let facets = FACETS
        .iter()
        .zip(per_field)
        .map(|(name, counts)| {
            let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            ((*name).to_owned(), counts)
        })
        .collect::<BTreeMap<_, _>>();
    Ok(Found {
        total,
        hits,
        facets,
    })
}

/// The kind and row id of a hit, read from its fast fields.
fn key_of(searcher: &Searcher, address: DocAddress) -> Option<(Kind, i64)> {
    let reader = searcher.segment_reader(address.segment_ord);
    let fast = reader.fast_fields();
    let id = fast.u64("db_id").ok()?.first(address.doc_id)?;
    let kinds = fast.str("kind").ok()??;
    let ord = kinds.term_ords(address.doc_id).next()?;
    let mut kind = String::new();
    kinds.ord_to_str(ord, &mut kind).ok()?;
    Some((Kind::parse(&kind)?, i64::try_from(id).ok()?))
}

#[cfg(test)]
mod tests {
    use tantivy::Index;

    use super::*;
    use crate::search::documents;
    use crate::search::schema::register_analyzers;

    /// Id, names, replaced products, text, centres.
    type TestDoc<'a> = (i64, &'a [&'a str], &'a [&'a str], &'a str, u64);

    /// A small index in RAM.
    fn index(docs: &[TestDoc<'_>]) -> (Index, Fields) {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (id, names, replaces, text, centres) in docs {
            writer
                .add_document(documents::for_test(
                    &fields, *id, names, replaces, text, *centres,
                ))
                .unwrap();
        }
        writer.commit().unwrap();
        (index, fields)
    }

    fn ids(index: &Index, fields: &Fields, words: &str) -> Vec<i64> {
        let request = Request {
            words: words.into(),
            public_only: true,
            limit: 10,
            ..Default::default()
        };
        let query = build(fields, &mut Analyzers::default(), &request);
        let searcher = index.reader().unwrap().searcher();
        run(&searcher, &*query, &request)
            .unwrap()
            .hits
            .into_iter()
            .map(|(_, id)| id)
            .collect()
    }

    #[test]
    fn words_match_across_accents_stems_prefixes_typos_and_aliases() {
        let (index, fields) = index(&[
            (
                1,
                &["Nextcloud"],
                &["Google Drive"],
                "Partage de fichiers collaboratif",
                1,
            ),
            (
                2,
                &["Jitsi Meet"],
                &["Hangouts"],
                "Visioconférence sans compte",
                1,
            ),
            (
                3,
                &["Camille"],
                &[],
                "Médiation numérique pour les associations",
                0,
            ),
            (4, &["Mastodon"], &["Twitter"], "Microblogging sharing", 1),
            (5, &["Prosody"], &[], "Serveur XMPP", 1),
        ]);
        // Accents and case, both ways.
        assert_eq!(ids(&index, &fields, "mediation"), vec![3]);
        assert_eq!(ids(&index, &fields, "VISIOCONFERENCE"), vec![2]);
        assert_eq!(ids(&index, &fields, "fichiers collaboratifs"), vec![1]);
        // French and English stems.
        assert_eq!(ids(&index, &fields, "association"), vec![3]);
        assert_eq!(ids(&index, &fields, "share"), vec![4]);
        // A prefix from 3 letters; one typo from 5.
        assert_eq!(ids(&index, &fields, "visio"), vec![2]);
        assert_eq!(ids(&index, &fields, "nextclod"), vec![1]);
        assert_eq!(ids(&index, &fields, "mastdon"), vec![4]);
        assert!(
            ids(&index, &fields, "meat").is_empty(),
            "no typo under 5 letters"
        );
        // Every name of a replaced product: Hangouts is Google Meet, Twitter is X.
        assert_eq!(ids(&index, &fields, "google meet"), vec![2]);
        assert_eq!(ids(&index, &fields, "meet"), vec![2]);
        assert_eq!(ids(&index, &fields, "x"), vec![4]);
        assert_eq!(ids(&index, &fields, "gdrive"), vec![1]);
        // Every word must match; stop words need not.
        assert!(ids(&index, &fields, "nextcloud mastodon").is_empty());
        assert_eq!(ids(&index, &fields, "de la visio"), vec![2]);
    }

    #[test]
    fn software_recommended_by_more_centres_ranks_first() {
        let (index, fields) = index(&[
            (1, &["Alpha"], &[], "tableur collaboratif", 1),
            (2, &["Beta"], &[], "tableur collaboratif", 4),
            (3, &["Gamma"], &[], "tableur collaboratif", 2),
        ]);
        assert_eq!(ids(&index, &fields, "tableur"), vec![2, 3, 1]);
        assert_eq!(ids(&index, &fields, ""), vec![2, 3, 1]);
    }

    #[test]
    fn stop_words_are_dropped_unless_nothing_else_is_left() {
        let mut a = Analyzers::default();
        assert_eq!(
            query_words(&mut a, "Outil de VISIO"),
            vec!["outil", "visio"]
        );
        assert_eq!(query_words(&mut a, "de la"), vec!["de", "la"]);
        assert_eq!(query_words(&mut a, "drive drive"), vec!["drive"]);
    }

    #[test]
    fn more_centres_and_recent_updates_rank_higher() {
        let day = 86_400;
        assert!(popularity(3, day) > popularity(1, day));
        assert!(popularity(1, day) > popularity(1, 400 * day));
        assert!(popularity(0, 0) >= 1.0);
    }
}
