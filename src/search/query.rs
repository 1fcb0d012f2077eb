//! From a request to a tantivy query, then to ranked keys and facet counts; "did you mean"
//! from the index's own terms; the mediators who know a software.
//!
//! Every concept of the query must match (an association typing "tableur collaboratif" wants
//! both), by its own words or by one of its alternatives (`understand`). A word typed matches
//! its folded form, its French and English stems, any longer name, product or topic word it
//! starts (from 3 letters: "visio" finds "visioconférence") and, from 5 letters, any such word
//! one typo away ("nextclod" finds Nextcloud). Alternatives match exactly or by their French
//! stem, in names, products and topics only (a group of synonyms stays fast). Filters do not
//! score.
//!
//! A match scores by where it is, not by how rare the word is: a name (the software's, an
//! alias) or a replaced product counts 8, a category or a role 3, a description 1; a prefix or
//! a typo less; an alternative half of what the words typed would, what a need relates to
//! ("médiateur" -> "conseiller numérique") less again. Each word counts once, by
//! its best field (a disjunction max, not a sum, so that a word written in five places does not
//! outrank a name); a phrase counts the mean of its words. (BM25 was tried first: its idf let
//! an alternative made of rare words, "conseiller numérique", outrank the very word typed,
//! "médiateur", when most cards say "médiateur".)
//!
//! Ranking multiplies that score by a popularity factor: more centres recommending the
//! software, and a recent update, come first; among equal matches, popularity decides.
//! Without words every document scores 1, so the order is the popularity factor alone.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Score, Searcher, SegmentReader, Term};

use super::analysis::Analyzers;
use super::facets::FacetCounts;
use super::schema::{FACETS, Fields};
use super::understand::{Concept, understand};
use super::{Found, Kind, Request, SearchError};

/// Weights of an exact match, by field.
const NAME: Score = 8.0;
const TOPIC: Score = 3.0;
const TEXT: Score = 1.0;
/// Prefixes and typos score a constant (automaton queries), times these.
const PREFIX_NAME: Score = 4.0;
const PREFIX_TOPIC: Score = 1.0;
const TYPO_NAME: Score = 2.5;
const TYPO_TOPIC: Score = 0.8;
/// An alternative from the lexicon counts this much of the words typed; what a need relates
/// to, less.
const ALTERNATIVE: Score = 0.5;
const RELATED: Score = 0.3;
/// A word's other fields add this much of their score to its best one.
const TIE: Score = 0.1;

/// Below this length a word matches only itself ("x" must not find every word starting with x).
const PREFIX_FROM: usize = 3;
/// From this length one typo is forgiven.
const TYPO_FROM: usize = 5;

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn boosted(query: Box<dyn Query>, boost: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

/// A filter: must match, adds nothing to the score.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn best_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match <[Box<dyn Query>; 1]>::try_from(queries) {
        Ok([one]) => one,
        Err(queries) => Box::new(DisjunctionMaxQuery::with_tie_breaker(queries, TIE)),
    }
}

/// Every query must match; the score is the mean of theirs.
fn all_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let share = 1.0 / queries.len().max(1) as Score;
    match <[Box<dyn Query>; 1]>::try_from(queries) {
        Ok([one]) => one,
        Err(queries) => Box::new(BooleanQuery::new(
            queries
                .into_iter()
                .map(|q| (Occur::Must, boosted(q, share)))
                .collect(),
        )),
    }
}

/// A match of `text` in `field`, scoring `weight`.
fn weighted(field: Field, text: &str, weight: Score) -> Box<dyn Query> {
    let term = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(term), weight))
}

/// The exact and stemmed matches of one folded word, each field at its weight.
fn exact_clauses(fields: &Fields, analyzers: &mut Analyzers, word: &str) -> Vec<Box<dyn Query>> {
    let french = analyzers.french(word);
    let english = analyzers.english(word);
    vec![
        weighted(fields.names, word, NAME),
        weighted(fields.products, word, NAME),
        weighted(fields.topics, word, TOPIC),
        weighted(fields.topics_fr, &french, TOPIC),
        weighted(fields.topics_en, &english, TOPIC),
        weighted(fields.text, word, TEXT),
        weighted(fields.text_fr, &french, TEXT),
        weighted(fields.text_en, &english, TEXT),
    ]
}

/// Every way a word as typed can match: exactly, by stem, as a prefix, with a typo.
fn typed_word(fields: &Fields, analyzers: &mut Analyzers, word: &str) -> Box<dyn Query> {
    let len = word.chars().count();
    let mut clauses = exact_clauses(fields, analyzers, word);
    if len >= PREFIX_FROM {
        // Not in descriptions: "chat" must not find every software a "chatons" member hosts.
        for (field, weight) in [
            (fields.names, PREFIX_NAME),
            (fields.products, PREFIX_NAME),
            (fields.topics, PREFIX_TOPIC),
        ] {
            let prefix = FuzzyTermQuery::new_prefix(Term::from_field_text(field, word), 0, true);
            clauses.push(boosted(Box::new(prefix), weight));
        }
    }
    if len >= TYPO_FROM {
        for (field, weight) in [
            (fields.names, TYPO_NAME),
            (fields.products, TYPO_NAME),
            (fields.topics, TYPO_TOPIC),
        ] {
            let typo = FuzzyTermQuery::new(Term::from_field_text(field, word), 1, true);
            clauses.push(boosted(Box::new(typo), weight));
        }
    }
    best_of(clauses)
}

/// Where alternatives are looked for, and at what weight: names, products and topics as
/// written, and topics by their French stem. Not descriptions: the words of a large group of
/// synonyms ("vidéo", "réunion", "ligne") stand in most summaries, where a match would count
/// little and cost most of the search; the words typed are looked for there.
fn alternative_fields(fields: &Fields) -> [(Field, Stem, Score); 4] {
    [
        (fields.names, Stem::None, NAME),
        (fields.products, Stem::None, NAME),
        (fields.topics, Stem::None, TOPIC),
        (fields.topics_fr, Stem::French, TOPIC),
    ]
}

#[derive(Clone, Copy)]
enum Stem {
    None,
    French,
}

fn stemmed(analyzers: &mut Analyzers, stem: Stem, word: &str) -> String {
    match stem {
        Stem::None => word.to_owned(),
        Stem::French => analyzers.french(word),
    }
}

/// One concept: its words as typed, or one of its alternatives, or something related.
fn concept_query(fields: &Fields, analyzers: &mut Analyzers, concept: &Concept) -> Box<dyn Query> {
    let typed = Concept::required(&concept.words)
        .into_iter()
        .map(|w| typed_word(fields, analyzers, w))
        .collect();
    let mut ways = vec![all_of(typed)];
    for (others, weight) in [
        (&concept.alternatives, ALTERNATIVE),
        (&concept.related, RELATED),
    ] {
        for other in others {
            let words = Concept::required(other)
                .into_iter()
                .map(|word| {
                    let clauses = alternative_fields(fields)
                        .into_iter()
                        .map(|(field, stem, field_weight)| {
                            weighted(field, &stemmed(analyzers, stem, word), field_weight)
                        })
                        .collect();
                    best_of(clauses)
                })
                .collect();
            ways.push(boosted(all_of(words), weight));
        }
    }
    best_of(ways)
}

/// The whole query: every concept, then the filters.
pub(super) fn build(
    fields: &Fields,
    analyzers: &mut Analyzers,
    request: &Request,
) -> Box<dyn Query> {
    let concepts = understand(analyzers, &request.words);
    let mut must: Vec<(Occur, Box<dyn Query>)> = concepts
        .iter()
        .map(|c| (Occur::Must, concept_query(fields, analyzers, c)))
        .collect();
    if concepts.is_empty() {
        // Every match scores 1, so that popularity alone orders them.
        must.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
        ));
    }
    must.push(filter(Box::new(TermQuery::new(
        Term::from_field_u64(visibility_field(fields, request.public_only), 1),
        IndexRecordOption::Basic,
    ))));
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

fn visibility_field(fields: &Fields, public_only: bool) -> Field {
    if public_only {
        fields.public
    } else {
        fields.staff
    }
}

/// The popularity factor: 1 for nothing known, growing slowly with the number of centres, and
/// up to 1.5 times for an entry updated today (half of that after about eight months).
pub(super) fn popularity(centres: u64, age_seconds: i64) -> Score {
    let centres = (1.0 + centres as f64).ln();
    let age_days = (age_seconds.max(0) as f64) / 86_400.0;
    let recency = 1.0 + 0.5 * (-age_days / 365.0).exp();
    ((1.0 + centres) * recency) as Score
}

/// Runs the query: one page of keys in rank order, the total and the facet counts.
pub(super) fn run(
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
        did_you_mean: None,
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

/// The words of a query that found nothing, each replaced by the closest word the index holds
/// (in names, products, topics or text; one edit away, two from 6 letters; the most frequent
/// among the closest). None when no word could be replaced.
pub(super) fn closest_words(
    searcher: &Searcher,
    fields: &Fields,
    words: &[&str],
) -> Result<Option<Vec<String>>, SearchError> {
    let searched = [fields.names, fields.products, fields.topics, fields.text];
    let mut changed = false;
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let known = searched.iter().try_fold(false, |found, field| {
            Ok::<_, SearchError>(
                found || searcher.doc_freq(&Term::from_field_text(*field, word))? > 0,
            )
        })?;
        let len = word.chars().count();
        if known || len < 3 {
            out.push((*word).to_owned());
            continue;
        }
        let max_distance: u8 = if len >= 6 { 2 } else { 1 };
        let mut best: Option<(u8, u64, String)> = None;
        for distance in 1..=max_distance {
            let mut frequencies: HashMap<String, u64> = HashMap::new();
            for field in searched {
                let automaton =
                    FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true)
                        .automaton()?;
                for reader in searcher.segment_readers() {
                    let index = reader.inverted_index(field)?;
                    let mut stream = index.terms().search(&automaton).into_stream()?;
                    while stream.advance() {
                        if let Ok(term) = std::str::from_utf8(stream.key()) {
                            *frequencies.entry(term.to_owned()).or_default() +=
                                u64::from(stream.value().doc_freq);
                        }
                    }
                }
            }
            if let Some((term, frequency)) = frequencies
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            {
                best = Some((distance, frequency, term));
                break;
            }
        }
        match best {
            Some((_, _, term)) => {
                changed = true;
                out.push(term);
            }
            None => out.push((*word).to_owned()),
        }
    }
    Ok(changed.then_some(out))
}

/// Up to `per_software` contact cards (row ids) of people who know each software (folded
/// names), the most recently updated first.
pub(super) fn knowing(
    searcher: &Searcher,
    fields: &Fields,
    software: &[String],
    public_only: bool,
    per_software: usize,
) -> Result<HashMap<String, Vec<i64>>, SearchError> {
    let mut out = HashMap::new();
    for name in software {
        let query = BooleanQuery::new(vec![
            (Occur::Must, term_query(fields.kind, Kind::Contact.as_str())),
            (Occur::Must, term_query(fields.knows, name)),
            filter(Box::new(TermQuery::new(
                Term::from_field_u64(visibility_field(fields, public_only), 1),
                IndexRecordOption::Basic,
            ))),
        ]);
        let top =
            TopDocs::with_limit(per_software.max(1)).tweak_score(move |reader: &SegmentReader| {
                let updated = reader
                    .fast_fields()
                    .i64("updated")
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                move |doc: tantivy::DocId, _: Score| updated.as_ref().map_or(0, |c| c.get_val(doc))
            });
        let ids: Vec<i64> = searcher
            .search(&query, &top)?
            .into_iter()
            .filter_map(|(_, address)| key_of(searcher, address).map(|(_, id)| id))
            .collect();
        if !ids.is_empty() {
            out.insert(name.clone(), ids);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::search::analysis::register;
    use crate::search::documents;

    /// Id, names, replaced products, text, centres.
    type TestDoc<'a> = (i64, &'a [&'a str], &'a [&'a str], &'a str, u64);

    /// A small index in RAM.
    fn index_of(docs: Vec<TantivyDocument>) -> (Index, Fields) {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        register(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for doc in docs {
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, fields)
    }

    fn index(docs: &[TestDoc<'_>]) -> (Index, Fields) {
        let (_, fields) = Fields::schema();
        index_of(
            docs.iter()
                .map(|(id, names, replaces, text, centres)| {
                    documents::for_test(&fields, *id, names, replaces, text, *centres)
                })
                .collect(),
        )
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
        // Every word must match; intent and grammar need not.
        assert!(ids(&index, &fields, "nextcloud mastodon").is_empty());
        assert_eq!(ids(&index, &fields, "de la visio"), vec![2]);
        assert_eq!(
            ids(&index, &fields, "par quoi remplacer Twitter ?"),
            vec![4]
        );
    }

    #[test]
    fn a_name_or_a_replaced_product_ranks_above_a_description() {
        let (index, fields) = index(&[
            (1, &["Agenda Libre"], &[], "Tableau de bord", 1),
            (
                2,
                &["Rallly"],
                &["Doodle"],
                "Un sondage pour trouver une date",
                1,
            ),
            (3, &["Framadate"], &["Doodle"], "Sondages", 1),
            (
                4,
                &["Notes"],
                &[],
                "Mentionne Doodle et Zoom dans sa description",
                1,
            ),
            (5, &["Zoomable"], &[], "Cartes", 1),
            (6, &["Jitsi Meet"], &["Zoom"], "Réunions", 1),
        ]);
        let found = ids(&index, &fields, "doodle");
        assert_eq!(found.len(), 3);
        assert_eq!(found[2], 4, "the description last: {found:?}");
        // A product's own name first; then a name it starts and a description naming it.
        let found = ids(&index, &fields, "zoom");
        assert_eq!(found[0], 6, "{found:?}");
        assert_eq!(found.len(), 3, "{found:?}");
        // "sondage" is Doodle (synonyms.toml): what replaces Doodle is found; an alternative is
        // not looked for in descriptions, so what only names Doodle there is not.
        let mut found = ids(&index, &fields, "faire un sondage");
        found.sort_unstable();
        assert_eq!(found, vec![2, 3]);
    }

    #[test]
    fn gendered_forms_of_a_role_find_each_other() {
        let (_, fields) = Fields::schema();
        let (index, fields) = index_of(vec![
            documents::contact_for_test(&fields, 1, "Camille", "médiatrice numérique"),
            documents::contact_for_test(&fields, 2, "Dominique", "médiateur numérique"),
            documents::contact_for_test(&fields, 3, "Sacha", "médiateur·rice numérique"),
            documents::contact_for_test(&fields, 4, "Yanis", "conseillère numérique"),
            documents::contact_for_test(&fields, 5, "Noé", "animateur fablab"),
        ]);
        for query in [
            "médiateur",
            "médiatrice",
            "mediatrices",
            "médiateur·rice",
            "médiateur.rice",
            "médiateurs numériques",
        ] {
            let mut found = ids(&index, &fields, query);
            // Conseillers numériques are mediators too, after them.
            assert_eq!(found.pop(), Some(4), "{query}");
            found.sort_unstable();
            assert_eq!(found, vec![1, 2, 3], "{query}");
        }
        assert_eq!(ids(&index, &fields, "animatrice")[0], 5);
        assert_eq!(ids(&index, &fields, "conseiller numérique")[0], 4);
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
    fn the_closest_words_come_from_the_index() {
        let (index, fields) = index(&[
            (
                1,
                &["Nextcloud"],
                &["Google Drive"],
                "Partage de fichiers",
                3,
            ),
            (2, &["Mastodon"], &["Twitter"], "Réseau social", 1),
        ]);
        let searcher = index.reader().unwrap().searcher();
        let closest = |words: &[&str]| closest_words(&searcher, &fields, words).unwrap();
        assert_eq!(
            closest(&["nexcloud", "drive"]),
            Some(vec!["nextcloud".to_owned(), "drive".to_owned()])
        );
        assert_eq!(closest(&["mastodonn"]), Some(vec!["mastodon".to_owned()]));
        assert_eq!(closest(&["twiter"]), Some(vec!["twitter".to_owned()]));
        assert_eq!(closest(&["nextcloud"]), None, "known words stay");
        assert_eq!(closest(&["zzzzqqqq"]), None, "nothing close");
    }

    #[test]
    fn more_centres_and_recent_updates_rank_higher() {
        let day = 86_400;
        assert!(popularity(3, day) > popularity(1, day));
        assert!(popularity(1, day) > popularity(1, 400 * day));
        assert!(popularity(0, 0) >= 1.0);
    }
}
