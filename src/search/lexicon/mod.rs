//! The vocabulary of queries, as reviewed data files compiled into the binary:
//!
//! - `intents.toml`: what visitors say around what they look for ("par quoi remplacer",
//!   "alternative to", articles), which never has to match;
//! - `synonyms.toml`: ways of saying one need, and the everyday products named for it
//!   ("tableur" = "Excel" = "spreadsheet"), and one-way needs ("messagerie" -> "courriel");
//! - `roles.toml`: gendered and inclusive forms of roles ("médiatrice" = "médiateur·rice" =
//!   "médiateur"), applied by the analyzers to documents and queries alike.
//!
//! The files are parsed once, the first time the index or a query needs them. Every entry is
//! folded by the index's own analyzer, so it matches a query however it is typed. A unit test
//! parses them and checks every rule below; an invalid file never reaches a running node.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::analysis::{self, RoleForms};

const INTENTS: &str = include_str!("intents.toml");
const SYNONYMS: &str = include_str!("synonyms.toml");
const ROLES: &str = include_str!("roles.toml");

/// The lexicon of this build.
pub(super) fn lexicon() -> &'static Lexicon {
    static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
        Lexicon::parse(INTENTS, SYNONYMS, ROLES).unwrap_or_else(|problems| {
            panic!("src/search/lexicon is invalid: {}", problems.join("; "))
        })
    });
    &LEXICON
}

/// A fingerprint of the role forms, which the analyzers apply to documents: an index built
/// with other forms is rebuilt. (Intents and synonyms only change how queries are read.)
pub(super) fn roles_fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(ROLES.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a phrase of the lexicon means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Meaning {
    /// Intent: never has to match.
    Intent,
    /// A need: other terms that find it too (folded words each): `same`, the terms of its
    /// `[[same]]` group; `related`, what a `[[need]]` adds (ranked below).
    Terms {
        same: Vec<Vec<String>>,
        related: Vec<Vec<String>>,
    },
}

#[derive(Debug)]
struct Phrase {
    /// The keys of its words (see [`key`]).
    keys: Vec<String>,
    meaning: Meaning,
}

/// The parsed lexicon.
#[derive(Debug)]
pub(super) struct Lexicon {
    roles: RoleForms,
    stop_words: HashSet<String>,
    intent_words: HashSet<String>,
    /// Phrases (intents of several words, synonym terms), by the key of their first word.
    phrases: HashMap<String, Vec<Phrase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentsFile {
    fr: IntentList,
    en: IntentList,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentList {
    phrases: Vec<String>,
    words: Vec<String>,
    stop_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    same: Vec<Same>,
    need: Vec<Need>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Same {
    terms: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Need {
    asked: Vec<String>,
    finds: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    inclusive_endings: Vec<String>,
    role: Vec<Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Role {
    forms: Vec<String>,
}

/// How lexicon phrases and query words are compared: folded, and singular ("réseaux sociaux"
/// is "réseau social", "visios" is "visio").
pub(super) fn key(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("eaux") {
        return format!("{stem}eau");
    }
    if word.len() > 4
        && let Some(stem) = word.strip_suffix("aux")
    {
        return format!("{stem}al");
    }
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

impl Lexicon {
    /// Parses the three files and checks them; every problem is listed, with the entry.
    pub(super) fn parse(intents: &str, synonyms: &str, roles: &str) -> Result<Self, Vec<String>> {
        let mut problems = Vec::new();
        let intents: IntentsFile =
            toml::from_str(intents).map_err(|e| vec![format!("intents.toml: {e}")])?;
        let synonyms: SynonymsFile =
            toml::from_str(synonyms).map_err(|e| vec![format!("synonyms.toml: {e}")])?;
        let roles_file: RolesFile =
            toml::from_str(roles).map_err(|e| vec![format!("roles.toml: {e}")])?;

        let roles = parse_roles(&roles_file, &mut problems);
        let mut folding = analysis::folding();
        let mut analyzer = analysis::with_roles(roles.clone(), None);
        let mut words_of = |file: &str, entry: &str, problems: &mut Vec<String>| {
            let words = analysis::tokens(&mut analyzer, entry);
            if words.is_empty() {
                problems.push(format!("{file}: `{entry}` has no word"));
            }
            words
        };

        let mut stop_words = HashSet::new();
        let mut intent_words = HashSet::new();
        let mut intent_phrases = Vec::new();
        for list in [&intents.fr, &intents.en] {
            for (entries, set) in [
                (&list.stop_words, &mut stop_words),
                (&list.words, &mut intent_words),
            ] {
                for entry in entries {
                    let words = analysis::tokens(&mut folding, entry);
                    match words.as_slice() {
                        [word] => {
                            set.insert(word.clone());
                        }
                        _ => problems.push(format!(
                            "intents.toml: `{entry}` is not one word (put it in `phrases`)"
                        )),
                    }
                }
            }
            for entry in &list.phrases {
                let words = words_of("intents.toml", entry, &mut problems);
                if words.len() < 2 {
                    problems.push(format!(
                        "intents.toml: phrase `{entry}` is one word (put it in `words`)"
                    ));
                }
                intent_phrases.push((entry.clone(), words));
            }
        }
        let noise = |word: &str| stop_words.contains(word) || intent_words.contains(word);

        // Each synonym term and asked need, with its group's other terms and what it is
        // related to.
        type Finds = (Vec<Vec<String>>, Vec<Vec<String>>);
        let mut terms: HashMap<Vec<String>, Finds> = HashMap::new();
        let mut in_group: HashMap<Vec<String>, usize> = HashMap::new();
        let check_term = |entry: &str, words: &[String], problems: &mut Vec<String>| {
            if let [word] = words
                && noise(word)
            {
                problems.push(format!(
                    "synonyms.toml: `{entry}` is a word of intents.toml, so it is never searched"
                ));
            }
            if !words.is_empty() && words.iter().all(|w| stop_words.contains(w)) {
                problems.push(format!("synonyms.toml: `{entry}` is only stop words"));
            }
        };
        for (g, group) in synonyms.same.iter().enumerate() {
            if group.terms.len() < 2 {
                problems.push(format!(
                    "synonyms.toml: group {} ({}) needs at least two terms",
                    g + 1,
                    group.terms.join(", ")
                ));
            }
            let parsed: Vec<(String, Vec<String>)> = group
                .terms
                .iter()
                .map(|t| (t.clone(), words_of("synonyms.toml", t, &mut problems)))
                .collect();
            let mut seen = BTreeSet::new();
            for (entry, words) in &parsed {
                check_term(entry, words, &mut problems);
                let keys = keys(words);
                if !seen.insert(keys.clone()) {
                    problems.push(format!(
                        "synonyms.toml: `{entry}` is twice in group {}",
                        g + 1
                    ));
                    continue;
                }
                if let Some(other) = in_group.insert(keys.clone(), g) {
                    problems.push(format!(
                        "synonyms.toml: `{entry}` is in groups {} and {}",
                        other + 1,
                        g + 1
                    ));
                }
                let others = parsed
                    .iter()
                    .filter(|(_, w)| self::keys(w) != keys)
                    .map(|(_, w)| w.clone())
                    .collect();
                terms.insert(keys, (others, Vec::new()));
            }
        }
        for (n, need) in synonyms.need.iter().enumerate() {
            if need.asked.is_empty() || need.finds.is_empty() {
                problems.push(format!(
                    "synonyms.toml: need {} needs `asked` and `finds`",
                    n + 1
                ));
            }
            let finds: Vec<Vec<String>> = need
                .finds
                .iter()
                .map(|t| {
                    let words = words_of("synonyms.toml", t, &mut problems);
                    check_term(t, &words, &mut problems);
                    words
                })
                .collect();
            let mut seen = BTreeSet::new();
            for entry in &need.asked {
                let words = words_of("synonyms.toml", entry, &mut problems);
                check_term(entry, &words, &mut problems);
                let keys = keys(&words);
                if !seen.insert(keys.clone()) {
                    problems.push(format!(
                        "synonyms.toml: `{entry}` is twice in need {}",
                        n + 1
                    ));
                }
                let (same, related) = terms.entry(keys.clone()).or_default();
                for found in &finds {
                    let known = same.iter().chain(related.iter()).any(|k| k == found);
                    if self::keys(found) != keys && !known {
                        related.push(found.clone());
                    }
                }
            }
        }

        let mut phrases: HashMap<String, Vec<Phrase>> = HashMap::new();
        for (entry, words) in intent_phrases {
            let keys = keys(&words);
            if terms.contains_key(&keys) {
                problems.push(format!(
                    "intents.toml: phrase `{entry}` is also a term of synonyms.toml"
                ));
            }
            if let Some(first) = keys.first() {
                phrases.entry(first.clone()).or_default().push(Phrase {
                    keys,
                    meaning: Meaning::Intent,
                });
            }
        }
        for (keys, (same, related)) in terms {
            if let Some(first) = keys.first() {
                phrases.entry(first.clone()).or_default().push(Phrase {
                    keys,
                    meaning: Meaning::Terms { same, related },
                });
            }
        }
        // Longest first, so that the first match at a position is the longest.
        for list in phrases.values_mut() {
            list.sort_by(|a, b| b.keys.len().cmp(&a.keys.len()).then(a.keys.cmp(&b.keys)));
        }
        if problems.is_empty() {
            Ok(Self {
                roles,
                stop_words,
                intent_words,
                phrases,
            })
        } else {
            Err(problems)
        }
    }

    pub(super) fn roles(&self) -> &RoleForms {
        &self.roles
    }

    pub(super) fn is_stop_word(&self, word: &str) -> bool {
        self.stop_words.contains(word)
    }

    pub(super) fn is_intent_word(&self, word: &str) -> bool {
        self.intent_words.contains(word)
    }

    /// The longest lexicon phrase at the start of `words` (folded), with its length.
    pub(super) fn phrase_at(&self, words: &[String]) -> Option<(usize, &Meaning)> {
        let first = key(words.first()?);
        self.phrases.get(&first)?.iter().find_map(|phrase| {
            let n = phrase.keys.len();
            (n <= words.len() && phrase.keys.iter().zip(words).all(|(k, w)| *k == key(w)))
                .then_some((n, &phrase.meaning))
        })
    }
}

fn keys(words: &[String]) -> Vec<String> {
    words.iter().map(|w| key(w)).collect()
}

fn parse_roles(file: &RolesFile, problems: &mut Vec<String>) -> RoleForms {
    let mut folding = analysis::folding();
    let mut one_word = |entry: &str, problems: &mut Vec<String>| {
        let words = analysis::tokens(&mut folding, entry);
        match <[String; 1]>::try_from(words) {
            Ok([word]) => Some(word),
            Err(_) => {
                problems.push(format!("roles.toml: `{entry}` is not one word"));
                None
            }
        }
    };
    let mut forms: HashMap<String, String> = HashMap::new();
    for role in &file.role {
        let folded: Vec<String> = role
            .forms
            .iter()
            .filter_map(|f| one_word(f, problems))
            .collect();
        let Some(first) = folded.first().cloned() else {
            problems.push("roles.toml: a role without forms".into());
            continue;
        };
        for form in &folded {
            let mut variants = vec![form.clone()];
            if !form.ends_with('s') && !form.ends_with('x') {
                variants.push(format!("{form}s"));
            }
            for variant in variants {
                if let Some(other) = forms.insert(variant.clone(), first.clone())
                    && other != first
                {
                    problems.push(format!(
                        "roles.toml: `{variant}` is a form of both `{other}` and `{first}`"
                    ));
                }
            }
        }
    }
    let mut endings = HashSet::new();
    for ending in &file.inclusive_endings {
        if let Some(word) = one_word(ending, problems) {
            if forms.contains_key(&word) {
                problems.push(format!("roles.toml: ending `{ending}` is also a role"));
            }
            endings.insert(word);
        }
    }
    RoleForms::new(forms, endings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicon_of_this_build_parses_and_keeps_its_rules() {
        if let Err(problems) = Lexicon::parse(INTENTS, SYNONYMS, ROLES) {
            panic!("{}", problems.join("\n"));
        }
        // Enough to be worth reviewing: every file has entries in both languages.
        let l = lexicon();
        assert!(l.is_intent_word("remplacer") && l.is_intent_word("replace"));
        assert!(l.is_stop_word("les") && l.is_stop_word("the"));
        assert_eq!(l.roles().role_of("mediatrice"), Some("mediateur"));
        assert_eq!(l.roles().role_of("conseilleres"), Some("conseiller"));
    }

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn phrases_match_longest_first_in_any_number() {
        let l = lexicon();
        let (n, meaning) = l
            .phrase_at(&words("reseaux sociaux professionnels"))
            .unwrap();
        assert_eq!(n, 3);
        let Meaning::Terms { same, related } = meaning else {
            panic!("{meaning:?}")
        };
        assert!(same.contains(&words("linkedin")), "{same:?}");
        assert!(related.is_empty());
        let (n, _) = l.phrase_at(&words("reseau social libre")).unwrap();
        assert_eq!(n, 2);
        assert_eq!(
            l.phrase_at(&words("par quoi remplacer whatsapp")),
            Some((3, &Meaning::Intent))
        );
        assert_eq!(l.phrase_at(&words("nextcloud")), None);
        // A need is one way: "messagerie" finds e-mail, "courriel" does not find chats.
        let Some((1, Meaning::Terms { related, .. })) = l.phrase_at(&words("messagerie")) else {
            panic!()
        };
        assert!(related.contains(&words("courriel")));
        let Some((1, Meaning::Terms { same, related })) = l.phrase_at(&words("courriel")) else {
            panic!()
        };
        assert!(!same.contains(&words("messagerie")) && !related.contains(&words("messagerie")));
        assert!(same.contains(&words("e mail")));
        // A need adds to a group: "médiateur" is "mediator", and leads to conseillers.
        let Some((1, Meaning::Terms { same, related })) = l.phrase_at(&words("mediateur")) else {
            panic!()
        };
        assert!(same.contains(&words("mediator")));
        assert!(related.contains(&words("conseiller numerique")));
    }

    const ROLES_OK: &str = "inclusive_endings = [\"rice\"]\n[[role]]\nforms = [\"médiateur\"]";
    const INTENTS_OK: &str = "[fr]\nphrases = []\nwords = [\"remplacer\"]\nstop_words = [\"le\"]\n\
                              [en]\nphrases = []\nwords = []\nstop_words = []";

    fn problems(intents: &str, synonyms: &str, roles: &str) -> String {
        Lexicon::parse(intents, synonyms, roles)
            .err()
            .unwrap_or_default()
            .join("\n")
    }

    #[test]
    fn empty_duplicated_and_overlapping_groups_are_refused() {
        let need = "\n[[need]]\nasked = [\"a\"]\nfinds = [\"b c\"]";
        let found = problems(
            INTENTS_OK,
            &format!("[[same]]\nterms = [\"tableur\"]{need}"),
            ROLES_OK,
        );
        assert!(found.contains("at least two terms"), "{found}");
        let found = problems(INTENTS_OK, &format!("[[same]]\nterms = []{need}"), ROLES_OK);
        assert!(found.contains("at least two terms"), "{found}");
        let found = problems(
            INTENTS_OK,
            &format!("[[same]]\nterms = [\"Tableur\", \"tableurs\", \"Excel\"]{need}"),
            ROLES_OK,
        );
        assert!(found.contains("`tableurs` is twice"), "{found}");
        let found = problems(
            INTENTS_OK,
            &format!(
                "[[same]]\nterms = [\"tableur\", \"Excel\"]\n[[same]]\nterms = [\"excel\", \"calc\"]{need}"
            ),
            ROLES_OK,
        );
        assert!(found.contains("`excel` is in groups 1 and 2"), "{found}");
        let found = problems(
            INTENTS_OK,
            &format!("[[same]]\nterms = [\"remplacer\", \"Excel\"]{need}"),
            ROLES_OK,
        );
        assert!(found.contains("never searched"), "{found}");
        let found = problems(
            INTENTS_OK,
            "[[same]]\nterms = [\"a\", \"b\"]\n[[need]]\nasked = []\nfinds = [\"b\"]",
            ROLES_OK,
        );
        assert!(found.contains("needs `asked` and `finds`"), "{found}");
        let found = problems(
            INTENTS_OK,
            "[[same]]\nterms = [\"a\", \"?\"]\n[[need]]\nasked = [\"x\"]\nfinds = [\"y\"]",
            ROLES_OK,
        );
        assert!(found.contains("has no word"), "{found}");
        let found = problems(
            INTENTS_OK,
            "[[same]]\nterms = [\"a\", \"b\"]\n[[need]]\nasked = [\"x\"]\nfinds = [\"y\"]\nextra = 1",
            ROLES_OK,
        );
        assert!(found.contains("unknown field"), "{found}");
    }

    #[test]
    fn roles_are_one_word_and_belong_to_one_role() {
        let synonyms =
            "[[same]]\nterms = [\"a\", \"b\"]\n[[need]]\nasked = [\"x\"]\nfinds = [\"y\"]";
        let found = problems(
            INTENTS_OK,
            synonyms,
            "inclusive_endings = []\n[[role]]\nforms = [\"médiateur\", \"médiatrice\"]\n\
             [[role]]\nforms = [\"Médiatrice\"]",
        );
        assert!(found.contains("`mediatrice` is a form of both"), "{found}");
        let found = problems(
            INTENTS_OK,
            synonyms,
            "inclusive_endings = []\n[[role]]\nforms = [\"écrivain public\"]",
        );
        assert!(found.contains("not one word"), "{found}");
        assert!(problems(INTENTS_OK, synonyms, ROLES_OK).is_empty());
    }

    #[test]
    fn words_compare_in_the_singular() {
        assert_eq!(key("reseaux"), "reseau");
        assert_eq!(key("sociaux"), "social");
        assert_eq!(key("visios"), "visio");
        assert_eq!(key("access"), "access");
        assert_eq!(key("os"), "os");
        assert_eq!(key("aux"), "aux");
    }
}
