//! Text to terms: the analyzers of the index's text fields, used for queries too.
//!
//! Every analyzer splits on what is not a letter or a digit, drops overlong tokens, lower-cases,
//! folds accents, then reads the gendered and inclusive forms of roles as one form
//! ([`RoleForms`], from `lexicon/roles.toml`: "médiatrice", "médiateur·rice" and "médiateurs"
//! all become `mediateur`). The French and English analyzers then stem. Folding comes before
//! stemming so that a query typed without accents gives exactly the terms of an accented text
//! ("mediation" and "médiation" both stem to `mediat`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

use super::lexicon::lexicon;

pub(super) const PLAIN: &str = "maillage_plain";
pub(super) const FRENCH: &str = "maillage_fr";
pub(super) const ENGLISH: &str = "maillage_en";

/// Makes the analyzers known to an index (they are not stored in it).
pub(super) fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(PLAIN, analyzer(None));
    tokenizers.register(FRENCH, analyzer(Some(Language::French)));
    tokenizers.register(ENGLISH, analyzer(Some(Language::English)));
}

fn analyzer(language: Option<Language>) -> TextAnalyzer {
    with_roles(lexicon().roles().clone(), language)
}

/// Splitting, folding and role forms, then the stemmer of `language` if any.
pub(super) fn with_roles(roles: RoleForms, language: Option<Language>) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(roles)
        .dynamic();
    match language {
        Some(language) => builder.filter_dynamic(Stemmer::new(language)).build(),
        None => builder.build(),
    }
}

/// Splitting and folding only: what role forms and lexicon entries are compared by.
pub(super) fn folding() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzers, built once per search, to turn query words into the terms of each field.
#[derive(Clone)]
pub(super) struct Analyzers {
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
    /// Folded words, as the plain fields hold them.
    pub(super) fn words(&mut self, text: &str) -> Vec<String> {
        tokens(&mut self.plain, text)
    }

    /// The French stem of one folded word.
    pub(super) fn french(&mut self, word: &str) -> String {
        tokens(&mut self.french, word)
            .pop()
            .unwrap_or_else(|| word.to_owned())
    }

    /// The English stem of one folded word.
    pub(super) fn english(&mut self, word: &str) -> String {
        tokens(&mut self.english, word)
            .pop()
            .unwrap_or_else(|| word.to_owned())
    }
}

pub(super) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// A token filter reading every form of a role as its first form, and dropping the inclusive
/// ending cut off after it ("médiateur·rice" is tokenized `mediateur`, `rice`).
#[derive(Debug, Clone, Default)]
pub(super) struct RoleForms {
    /// Folded form -> folded first form of its role.
    forms: Arc<HashMap<String, String>>,
    /// Folded fragments dropped right after a role.
    endings: Arc<HashSet<String>>,
}

impl RoleForms {
    pub(super) fn new(forms: HashMap<String, String>, endings: HashSet<String>) -> Self {
        Self {
            forms: Arc::new(forms),
            endings: Arc::new(endings),
        }
    }

    /// The first form of the role `word` (folded) is a form of.
    #[cfg(test)]
    pub fn role_of(&self, word: &str) -> Option<&str> {
        self.forms.get(word).map(String::as_str)
    }
}

impl TokenFilter for RoleForms {
    type Tokenizer<T: Tokenizer> = RoleFormsTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> RoleFormsTokenizer<T> {
        RoleFormsTokenizer { roles: self, inner }
    }
}

#[derive(Clone)]
pub(super) struct RoleFormsTokenizer<T> {
    roles: RoleForms,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for RoleFormsTokenizer<T> {
    type TokenStream<'a> = RoleFormsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RoleFormsStream {
            roles: self.roles.clone(),
            tail: self.inner.token_stream(text),
            after_role: false,
        }
    }
}

pub(super) struct RoleFormsStream<S> {
    roles: RoleForms,
    tail: S,
    /// The previous token was a role (or an ending after one): an ending here is dropped.
    after_role: bool,
}

impl<S: TokenStream> TokenStream for RoleFormsStream<S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            if self.after_role && self.roles.endings.contains(&token.text) {
                continue;
            }
            match self.roles.forms.get(&token.text) {
                Some(first) => {
                    if *first != token.text {
                        token.text.clone_from(first);
                    }
                    self.after_role = true;
                }
                None => self.after_role = false,
            }
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
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

    #[test]
    fn gendered_and_inclusive_forms_of_a_role_are_one_term() {
        let mut a = Analyzers::default();
        let mediateur = vec!["mediateur", "numerique"];
        for written in [
            "médiateur numérique",
            "Médiatrice numérique",
            "médiateur·rice numérique",
            "médiateur.rice numérique",
            "médiateur-trice numérique",
            "médiateur(rice) numérique",
            "médiateur·ice·s numérique",
            "MÉDIATRICES numérique",
            "médiateurs numérique",
        ] {
            assert_eq!(a.words(written), mediateur, "{written}");
        }
        assert_eq!(
            a.words("conseillère·s numériques"),
            vec!["conseiller", "numeriques"]
        );
        assert_eq!(
            a.words("animateur / animatrice"),
            vec!["animateur", "animateur"]
        );
        assert_eq!(a.words("accompagnateur·rice"), vec!["accompagnateur"]);
        // An ending means nothing away from a role, and other words are untouched.
        assert_eq!(a.words("rice e s"), vec!["rice", "e", "s"]);
        assert_eq!(a.words("médiation"), vec!["mediation"]);
        // Stemmed fields see the same form.
        assert_eq!(a.french("médiatrices"), a.french("médiateur"));
    }
}
