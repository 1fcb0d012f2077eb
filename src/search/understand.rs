//! What a query asks for: its words grouped into concepts, with intent and grammar set aside
//! ("par quoi remplacer WhatsApp ?" asks for `whatsapp`), each concept with the other ways the
//! lexicon knows to say it ("visio" is also "visioconférence", "réunion en ligne", "Zoom").
//!
//! Every concept must match; a concept matches by its own words or by any of its alternatives.

use super::analysis::Analyzers;
use super::lexicon::{Meaning, lexicon};

/// At most this many concepts count; a pasted paragraph must not build a huge query.
pub(super) const MAX_CONCEPTS: usize = 12;
/// Words read from a query, before grouping.
const MAX_WORDS: usize = 40;

/// One thing the visitor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Concept {
    /// The words as typed (folded): matched exactly, stemmed, as prefixes and with typos.
    pub words: Vec<String>,
    /// Other ways of saying it (folded words each): matched exactly and stemmed, ranked below.
    pub alternatives: Vec<Vec<String>>,
    /// What a visitor asking it may also want (a need of the lexicon), ranked below those.
    pub related: Vec<Vec<String>>,
}

impl Concept {
    /// The words that must match for `words` to match: grammar left out unless that is all.
    pub(super) fn required(words: &[String]) -> Vec<&str> {
        let lexicon = lexicon();
        let meaningful: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| !lexicon.is_stop_word(w))
            .collect();
        if meaningful.is_empty() {
            words.iter().map(String::as_str).collect()
        } else {
            meaningful
        }
    }
}

/// The concepts of a query, in the order typed.
pub(super) fn understand(analyzers: &mut Analyzers, text: &str) -> Vec<Concept> {
    let lexicon = lexicon();
    let mut words = analyzers.words(text);
    words.truncate(MAX_WORDS);
    let mut concepts: Vec<Concept> = Vec::new();
    let mut set_aside: Vec<String> = Vec::new();
    let push = |concepts: &mut Vec<Concept>,
                words: &[String],
                alternatives: Vec<Vec<String>>,
                related: Vec<Vec<String>>| {
        if !concepts.iter().any(|c| c.words == words) {
            concepts.push(Concept {
                words: words.to_vec(),
                alternatives,
                related,
            });
        }
    };
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        if let Some((n, meaning)) = lexicon.phrase_at(rest) {
            match meaning {
                Meaning::Intent => set_aside.extend_from_slice(&rest[..n]),
                Meaning::Terms { same, related } => {
                    push(&mut concepts, &rest[..n], same.clone(), related.clone())
                }
            }
            i += n;
            continue;
        }
        let word = &rest[0];
        if lexicon.is_stop_word(word) || lexicon.is_intent_word(word) {
            set_aside.push(word.clone());
        } else {
            push(
                &mut concepts,
                std::slice::from_ref(word),
                Vec::new(),
                Vec::new(),
            );
        }
        i += 1;
    }
    if concepts.is_empty() {
        // "libre", "de la": what was set aside is all there is, so it is what is searched,
        // grammar only if nothing else was typed.
        let meaningful: Vec<String> = set_aside
            .iter()
            .filter(|w| !lexicon.is_stop_word(w))
            .cloned()
            .collect();
        let chosen = if meaningful.is_empty() {
            set_aside
        } else {
            meaningful
        };
        for word in chosen {
            push(
                &mut concepts,
                std::slice::from_ref(&word),
                Vec::new(),
                Vec::new(),
            );
        }
    }
    concepts.truncate(MAX_CONCEPTS);
    concepts
}

/// The words a query searches for, as typed: what "did you mean" corrects.
pub(super) fn typed_words(concepts: &[Concept]) -> Vec<&str> {
    concepts
        .iter()
        .flat_map(|c| Concept::required(&c.words))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(concepts: &[Concept]) -> Vec<String> {
        concepts.iter().map(|c| c.words.join(" ")).collect()
    }

    fn understood(text: &str) -> Vec<Concept> {
        understand(&mut Analyzers::default(), text)
    }

    #[test]
    fn intent_and_grammar_never_have_to_match() {
        for (query, expected) in [
            ("remplacer whatsapp", vec!["whatsapp"]),
            ("quitter facebook", vec!["facebook"]),
            ("Par quoi remplacer WhatsApp ?", vec!["whatsapp"]),
            (
                "une alternative libre à Google Drive",
                vec!["google", "drive"],
            ),
            ("au lieu de Doodle", vec!["doodle"]),
            ("équivalent de Slack", vec!["slack"]),
            ("logiciel libre visio", vec!["visio"]),
            ("faire un sondage", vec!["sondage"]),
            ("free alternative to Trello", vec!["trello"]),
            ("what can I use instead of Zoom?", vec!["zoom"]),
            ("replace Google Docs", vec!["google docs"]),
            ("Outil de VISIO", vec!["visio"]),
        ] {
            assert_eq!(words(&understood(query)), expected, "{query}");
        }
    }

    #[test]
    fn set_aside_words_are_searched_when_nothing_else_is_left() {
        assert_eq!(words(&understood("libre")), vec!["libre"]);
        assert_eq!(
            words(&understood("logiciel libre")),
            vec!["logiciel", "libre"]
        );
        assert_eq!(words(&understood("de la")), vec!["de", "la"]);
        assert!(understood("").is_empty());
        assert!(understood(" ?! ").is_empty());
    }

    #[test]
    fn lexicon_phrases_are_one_concept_with_their_alternatives() {
        let concepts = understood("réseaux sociaux professionnels");
        assert_eq!(words(&concepts), vec!["reseaux sociaux professionnels"]);
        assert!(
            concepts[0]
                .alternatives
                .contains(&vec!["linkedin".to_owned()])
        );
        let concepts = understood("tableur collaboratif");
        assert_eq!(words(&concepts), vec!["tableur", "collaboratif"]);
        assert!(concepts[0].alternatives.contains(&vec!["excel".to_owned()]));
        assert!(concepts[1].alternatives.is_empty());
        // Gendered forms are one word before the lexicon sees them.
        let concepts = understood("médiatrices numériques");
        assert_eq!(words(&concepts), vec!["mediateur numeriques"]);
        assert!(
            concepts[0]
                .alternatives
                .contains(&vec!["conseiller".to_owned(), "numerique".to_owned()])
        );
        // A need's finds are related, not the same.
        let concepts = understood("mediator");
        assert!(
            concepts[0]
                .alternatives
                .contains(&vec!["mediateur".to_owned()])
        );
        assert!(
            concepts[0]
                .related
                .contains(&vec!["accompagnateur".to_owned()])
        );
        assert_eq!(
            words(&understood("drive drive Drive")),
            vec!["drive"],
            "one concept per word"
        );
    }

    #[test]
    fn required_words_leave_grammar_out() {
        let words: Vec<String> = ["reunion", "en", "ligne"].map(String::from).to_vec();
        assert_eq!(Concept::required(&words), vec!["reunion", "ligne"]);
        let words: Vec<String> = ["de", "la"].map(String::from).to_vec();
        assert_eq!(Concept::required(&words), vec!["de", "la"]);
    }
}
