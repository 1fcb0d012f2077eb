//! The interface's two languages. Strings live in Fluent files (`locales/*.ftl`), compiled into
//! the binary; the language comes from the `lang` cookie the switcher sets, else from
//! `Accept-Language`, else French (the users are French-speaking first).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The cookie the language switcher sets.
pub(crate) const LANG_COOKIE: &str = "maillage_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
}

impl Lang {
    pub(crate) const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    pub(crate) fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Self::Fr),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language's own name, as the switcher shows it.
    pub(crate) fn native_name(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
        }
    }

    /// The best of our languages for an `Accept-Language` header (RFC 4647 lookup, as Fluent's
    /// negotiation does it); French when nothing matches.
    pub(crate) fn negotiate(accept_language: &str) -> Self {
        let requested = fluent_langneg::accepted_languages::parse(accept_language);
        let available: Vec<LanguageIdentifier> = Self::ALL
            .iter()
            .filter_map(|l| l.code().parse().ok())
            .collect();
        let default: LanguageIdentifier = "fr".parse().expect("a valid language tag");
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(&default),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|l| Self::parse(l.language.as_str()))
            .unwrap_or(Self::Fr)
    }
}

/// Reads the language of a request: the switcher's cookie first, then `Accept-Language`.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_cookie =
            super::session::cookie(&parts.headers, LANG_COOKIE).and_then(|v| Lang::parse(&v));
        Ok(from_cookie.unwrap_or_else(|| {
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::negotiate)
                .unwrap_or(Lang::Fr)
        }))
    }
}

struct Catalog {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

/// Each language's messages: the site's, then those of the admin lists, labels and dates
/// (issue 12), kept in a file of their own.
const FR: &[&str] = &[
    include_str!("locales/fr.ftl"),
    include_str!("locales/lists-fr.ftl"),
    include_str!("locales/relays-fr.ftl"),
];
const EN: &[&str] = &[
    include_str!("locales/en.ftl"),
    include_str!("locales/lists-en.ftl"),
    include_str!("locales/relays-en.ftl"),
];

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let mut bundles = HashMap::new();
    for (lang, sources) in [(Lang::Fr, FR), (Lang::En, EN)] {
        let id: LanguageIdentifier = lang.code().parse().expect("a valid language tag");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Isolation marks (U+2068/2069) around placeables would end up inside HTML attributes.
        bundle.set_use_isolating(false);
        for source in sources {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("locales/{}: {errors:?}", lang.code()));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("locales/{}: {errors:?}", lang.code()));
        }
        bundles.insert(lang.code(), bundle);
    }
    Catalog { bundles }
});

/// Translations in one language, handed to every template as `t`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub(crate) fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The message `key`; the key itself when missing (a test checks none is missing).
    pub(crate) fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one variable.
    pub(crate) fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// The message `key` with named variables; `None` when there is no such message.
    pub(crate) fn with_args(&self, key: &str, vars: &[(&str, String)]) -> Option<String> {
        let bundle = &CATALOG.bundles[self.lang.code()];
        let pattern = bundle.get_message(key).and_then(|m| m.value())?;
        let mut args = FluentArgs::new();
        for (name, value) in vars {
            args.set(name.to_string(), FluentValue::from(value.clone()));
        }
        let mut errors = Vec::new();
        Some(
            bundle
                .format_pattern(pattern, Some(&args), &mut errors)
                .into_owned(),
        )
    }

    /// The message `key` with a count, for plural forms (`{ $count -> [one] … *[other] … }`).
    pub(crate) fn count(&self, key: &str, count: impl Into<i64>) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count.into()));
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &CATALOG.bundles[self.lang.code()];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

/// Every message key of a language file, for the completeness test.
#[cfg(test)]
fn keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '\t', '*', '[']) && l.contains(" ="))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_messages() {
        let mut fr: Vec<String> = FR.iter().flat_map(|s| keys(s)).collect();
        let mut en: Vec<String> = EN.iter().flat_map(|s| keys(s)).collect();
        fr.sort();
        en.sort();
        assert!(!fr.is_empty());
        assert_eq!(fr, en, "fr.ftl and en.ftl must define the same keys");
        for key in &fr {
            for lang in Lang::ALL {
                let bundle = &CATALOG.bundles[lang.code()];
                let message = bundle.get_message(key).and_then(|m| m.value());
                assert!(message.is_some(), "{}: {key} has no value", lang.code());
            }
        }
    }

    /// The refusals `domain` codes (`FieldError::coded`) and the forms' own, each with its
    /// message in both languages.
    #[test]
    fn every_coded_refusal_reads_in_both_languages() {
        let codes = [
            "empty",
            "too-short",
            "too-long",
            "control-characters",
            "too-many",
            "url",
            "url-scheme",
            "url-credentials",
            "category",
            "country",
            "consent-needed",
            "future",
            "withdrawn-before-given",
            "email",
            "phone",
            "licence",
            "replaces-needed",
            "language",
            "region",
            "consent-date",
        ];
        for code in codes {
            for lang in Lang::ALL {
                let text = Tr::new(lang).with_args(&format!("reason-{code}"), &[]);
                assert!(text.is_some(), "{}: reason-{code}", lang.code());
            }
        }
    }

    #[test]
    fn accept_language_picks_the_best_of_ours() {
        assert_eq!(Lang::negotiate("en-GB,en;q=0.9,fr;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate("fr-CH, fr;q=0.9, en;q=0.8"), Lang::Fr);
        assert_eq!(Lang::negotiate("de-DE,de;q=0.9,en;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate("de-DE"), Lang::Fr);
        assert_eq!(Lang::negotiate(""), Lang::Fr);
    }

    #[test]
    fn plurals_follow_each_language() {
        assert_eq!(Tr::new(Lang::Fr).count("n-centres", 1), "1 centre");
        assert_eq!(Tr::new(Lang::En).count("n-centres", 2), "2 centres");
        assert_eq!(Tr::new(Lang::En).count("n-results", 1), "1 result");
    }
}
