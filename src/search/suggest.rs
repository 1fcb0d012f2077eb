//! Suggestions as a visitor types: the replaced products, software and categories with a word
//! starting with what was typed ("goo" -> Google Drive, Google Docs; "visio" ->
//! Visioconférence). Made from the public software documents (their stored `card`), so they
//! only name what a search finds, and rebuilt once after each change of the index.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::domain::category::Category;
use crate::domain::product;
use crate::domain::text::fold;

use super::SearchError;
use super::documents::Card;
use super::schema::Fields;

/// What a suggestion names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuggestionKind {
    /// A replaced product: what people type first.
    Product,
    Software,
    Category,
}

impl SuggestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Software => "software",
            Self::Category => "category",
        }
    }
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// The product's canonical name, the software's slug, the category's id.
    pub value: String,
    /// The product's or software's name, the category's French label.
    pub label: String,
    /// How many software replace the product or are filed in the category; how many centres
    /// recommend the software.
    pub count: u64,
}

struct Entry {
    suggestion: Suggestion,
    /// Folded names it is found by (a product's aliases, a category's two labels).
    keys: Vec<String>,
}

/// Every suggestion a node can make, at one state of its index.
#[derive(Default)]
pub(super) struct Suggestions {
    entries: Vec<Entry>,
}

impl Suggestions {
    /// Reads the cards of the public software documents.
    pub(super) fn read(searcher: &Searcher, fields: &Fields) -> Result<Self, SearchError> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(fields.kind, "software"),
                    IndexRecordOption::Basic,
                )),
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(fields.public, 1),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let mut cards = Vec::new();
        for address in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(card) = doc
                .get_first(fields.card)
                .and_then(|v| v.as_str())
                .and_then(|json| serde_json::from_str::<Card>(json).ok())
            {
                cards.push(card);
            }
        }
        Ok(Self::from_cards(cards))
    }

    pub(super) fn from_cards(cards: Vec<Card>) -> Self {
        let mut products: BTreeMap<String, u64> = BTreeMap::new();
        let mut categories: BTreeMap<String, u64> = BTreeMap::new();
        let mut entries = Vec::new();
        for card in cards {
            for name in card.products.iter().collect::<BTreeSet<_>>() {
                *products.entry(name.clone()).or_default() += 1;
            }
            for id in card.categories.iter().collect::<BTreeSet<_>>() {
                *categories.entry(id.clone()).or_default() += 1;
            }
            entries.push(Entry {
                keys: vec![fold(&card.name)],
                suggestion: Suggestion {
                    kind: SuggestionKind::Software,
                    value: card.slug,
                    label: card.name,
                    count: card.centres,
                },
            });
        }
        for (name, count) in products {
            entries.push(Entry {
                keys: product::known_names(&name).into_iter().map(fold).collect(),
                suggestion: Suggestion {
                    kind: SuggestionKind::Product,
                    label: name.clone(),
                    value: name,
                    count,
                },
            });
        }
        for (id, count) in categories {
            let Some(category) = Category::find(&id) else {
                continue;
            };
            entries.push(Entry {
                keys: vec![fold(category.fr), fold(category.en)],
                suggestion: Suggestion {
                    kind: SuggestionKind::Category,
                    value: id,
                    label: category.fr.to_owned(),
                    count,
                },
            });
        }
        Self { entries }
    }

    /// At most `limit` suggestions for what was typed: names starting with it first, then
    /// names with a later word starting with it; products, then software, then categories;
    /// the most common first.
    pub(super) fn find(&self, typed: &str, limit: usize) -> Vec<Suggestion> {
        let typed = fold(typed);
        if typed.is_empty() {
            return Vec::new();
        }
        let inner = format!(" {typed}");
        let mut found: Vec<(u8, &Suggestion)> = self
            .entries
            .iter()
            .filter_map(|entry| {
                let quality = entry
                    .keys
                    .iter()
                    .filter_map(|key| {
                        if key.starts_with(&typed) {
                            Some(0)
                        } else if key.contains(&inner) {
                            Some(1)
                        } else {
                            None
                        }
                    })
                    .min()?;
                Some((quality, &entry.suggestion))
            })
            .collect();
        found.sort_by(|(qa, a), (qb, b)| {
            qa.cmp(qb)
                .then(a.kind.cmp(&b.kind))
                .then(b.count.cmp(&a.count))
                .then_with(|| a.label.cmp(&b.label))
        });
        found
            .into_iter()
            .take(limit)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(name: &str, products: &[&str], categories: &[&str], centres: u64) -> Card {
        Card {
            name: name.into(),
            slug: fold(name).replace(' ', "-"),
            products: products.iter().map(|p| (*p).to_owned()).collect(),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            centres,
        }
    }

    fn labels(found: &[Suggestion]) -> Vec<(&str, &str)> {
        found
            .iter()
            .map(|s| (s.kind.as_str(), s.label.as_str()))
            .collect()
    }

    #[test]
    fn names_starting_with_the_typed_letters_come_first() {
        let s = Suggestions::from_cards(vec![
            card("Nextcloud", &["Google Drive", "Dropbox"], &["files"], 3),
            card("Seafile", &["Google Drive"], &["files"], 1),
            card("Jitsi Meet", &["Zoom", "Google Meet"], &["videoconf"], 2),
            card("Grist", &["Airtable"], &["tables"], 1),
        ]);
        assert_eq!(
            labels(&s.find("goo", 8)),
            vec![("product", "Google Drive"), ("product", "Google Meet")]
        );
        // Accents and case do not matter; a later word counts too.
        assert_eq!(labels(&s.find("DRI", 8)), vec![("product", "Google Drive")]);
        assert_eq!(
            labels(&s.find("visio", 8)),
            vec![("category", "Visioconférence")]
        );
        assert_eq!(
            labels(&s.find("vidéo", 8)),
            vec![("category", "Visioconférence")]
        );
        assert_eq!(labels(&s.find("nex", 8)), vec![("software", "Nextcloud")]);
        // An alias finds its product.
        assert_eq!(
            labels(&s.find("hango", 8)),
            vec![("product", "Google Meet")]
        );
        let drive = &s.find("google d", 8)[0];
        assert_eq!((drive.value.as_str(), drive.count), ("Google Drive", 2));
        assert!(s.find("", 8).is_empty());
        assert!(s.find("zzz", 8).is_empty());
        assert_eq!(s.find("g", 1).len(), 1);
    }
}
