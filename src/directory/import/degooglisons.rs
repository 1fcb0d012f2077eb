//! The Dégooglisons Internet catalogue of Framasoft (`catalogue/degooglisons-services.yml`,
//! CC0): a YAML mapping from a proprietary service's key (`doodle`) to its free alternatives.
//!
//! Fields used: `gafam` (the products replaced), `S` (the software, an HTML link), `F` and `FL`
//! (the service Framasoft opened with it, or the alternative itself when `S` is absent),
//! `altOn` (hosted alternatives, links), `altOff` (other software to install, links), `CL`
//! (an installation guide), `FDate` (when Framasoft opened its service), `c1`/`c2` (the site's
//! categories). The HTML of every field is read with an HTML parser into plain text and links;
//! no markup reaches the directory.
//!
//! Each entry becomes one recommendation of the first link's software. An entry that names no
//! software (`S: divers`) or no product (`gafam: ['—']`) is left out and said so in the report;
//! a link that is not an http(s) URL, or a field of the wrong type, refuses the file.

use std::collections::BTreeMap;

use scraper::{Html, Selector};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::FieldError;
use crate::domain::recommendation::{Hosting, Level, RecommendationInput, Status};
use crate::domain::software::SoftwareInput;
use crate::domain::web_url::HttpUrl;

use super::{ImportRefused, Plan, refused_at};

/// Where the catalogue comes from, cited in every entry imported from it.
const SOURCE: &str = "https://framagit.org/framasoft/degooglisons";

/// Framasoft's placeholder for services that were planned, never opened.
const NOT_A_SERVICE: &str = "wip.framasoft.org";

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    gafam: Option<Vec<String>>,
    #[serde(rename = "S", default)]
    software: Option<String>,
    #[serde(rename = "F", default)]
    framasoft: Option<String>,
    #[serde(rename = "FL", default)]
    framasoft_url: Option<String>,
    #[serde(rename = "CL", default)]
    install_guide: Option<String>,
    #[serde(rename = "FDate", default)]
    since: Option<Value>,
    #[serde(rename = "altOn", default)]
    hosted: Option<Vec<String>>,
    #[serde(rename = "altOff", default)]
    self_hosted: Option<Vec<String>>,
    #[serde(default)]
    c1: Option<String>,
}

/// Whether a parsed YAML document looks like this catalogue: a mapping of entries that name
/// the products they replace.
pub(super) fn recognise(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.values().any(|e| e.get("gafam").is_some()))
}

/// The Dégooglisons key of a service, and the category it goes in. The site's own categories
/// (`c1`/`c2`: "social", "orga") are too broad for the directory's (a poll and a video call
/// are both "social/orga"); entries not listed fall back on `c1`.
const CATEGORIES: &[(&str, &str)] = &[
    ("airbnb", "social"),
    ("aweber", "mailing"),
    ("bitly", "utilities"),
    ("blablacar", "utilities"),
    ("blogger", "web"),
    ("bubblus", "knowledge"),
    ("change", "participation"),
    ("deezer", "media"),
    ("delicious", "knowledge"),
    ("doodle", "scheduling"),
    ("dropbox", "files"),
    ("evernote", "knowledge"),
    ("facebook", "social"),
    ("flickr", "photos"),
    ("gagenda", "scheduling"),
    ("ganalytics", "analytics"),
    ("gbooks", "media"),
    ("gchrome", "browser"),
    ("gdocs", "office"),
    ("gforms", "forms"),
    ("ggroups", "mailing"),
    ("github", "code"),
    ("gmail", "email"),
    ("gmaps", "maps"),
    ("greader", "knowledge"),
    ("gsearch", "search"),
    ("gslides", "office"),
    ("gspreadsheet", "tables"),
    ("imgur", "photos"),
    ("jsfiddle", "code"),
    ("loomio", "decision"),
    ("meetup", "events"),
    ("minecraft", "media"),
    ("orange", "utilities"),
    ("outlook", "email"),
    ("ovh", "web"),
    ("padlet", "utilities"),
    ("pastebin", "security"),
    ("patreon", "assoc-accounting"),
    ("paypal", "assoc-accounting"),
    ("pixlr", "design"),
    ("pocket", "knowledge"),
    ("routard", "knowledge"),
    ("scribd", "files"),
    ("skype", "videoconf"),
    ("slack", "team-chat"),
    ("transifex", "code"),
    ("trello", "project"),
    ("twitter", "social"),
    ("universalis", "knowledge"),
    ("wetransfer", "utilities"),
    ("whatsapp", "messaging"),
    ("youtube", "video"),
];

/// The directory's category for a site category, when the key is not listed above.
fn category_of_site(c1: Option<&str>) -> &'static str {
    match c1 {
        Some("office") => "office",
        Some("files") => "files",
        Some("social") => "social",
        Some("media") => "media",
        Some("dev") => "code",
        Some("geo") => "maps",
        Some("site") | Some("web") => "web",
        _ => "utilities",
    }
}

pub(super) fn plan(value: Value) -> Result<Plan, ImportRefused> {
    let entries: BTreeMap<String, Entry> =
        serde_path_to_error::deserialize(value).map_err(refused_at)?;
    let mut errors = Vec::new();
    let mut recommendations = Vec::new();
    let mut left_out = Vec::new();
    for (key, entry) in &entries {
        match input(key, entry) {
            Ok(Some(input)) => match input.validate() {
                Ok(draft) => recommendations.push(draft),
                Err(e) => errors.push(file_field(e).inside(key)),
            },
            Ok(None) => left_out.push(key.as_str()),
            Err(e) => errors.push(e.inside(key)),
        }
    }
    if !errors.is_empty() {
        return Err(ImportRefused(errors));
    }
    let mut not_imported = Vec::new();
    if !left_out.is_empty() {
        not_imported.push(format!(
            "{} entr{} naming no software or no product: {}",
            left_out.len(),
            if left_out.len() == 1 { "y" } else { "ies" },
            left_out.join(", ")
        ));
    }
    Ok(Plan {
        format: "Dégooglisons Internet catalogue",
        recommendations,
        contacts: Vec::new(),
        places: Vec::new(),
        not_imported,
    })
}

/// The recommendation an entry makes, None when it names no software or no product.
fn input(key: &str, e: &Entry) -> Result<Option<RecommendationInput>, FieldError> {
    let replaces: Vec<String> = e
        .gafam
        .iter()
        .flatten()
        .map(|p| text_of(p))
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect();
    // With `S`, the software; `F` is then Framasoft's service. Without, `F` is the alternative.
    let (field, alternative) = match (&e.software, &e.framasoft) {
        (Some(s), _) => ("S", s),
        (None, Some(f)) => ("F", f),
        (None, None) => return Ok(None),
    };
    let mut links = links(field, alternative)?.into_iter();
    let Some(software) = links.next() else {
        return Ok(None);
    };
    if replaces.is_empty() {
        return Ok(None);
    }
    let with: Vec<Link> = links.collect();

    let mut hosting = Vec::new();
    let mut paragraphs = Vec::new();
    if field == "S"
        && let (Some(name), Some(url)) = (&e.framasoft, &e.framasoft_url)
        && !url.contains(NOT_A_SERVICE)
    {
        let name = text_of(name);
        let url = HttpUrl::parse("FL", url)?.to_string();
        let since = e.since.as_ref().map(since_text).unwrap_or_default();
        paragraphs.push(format!(
            "Framasoft l'a proposé sous le nom {name} ({url}{since}) dans sa campagne \
             Dégooglisons Internet. Vérifiez que le service est toujours ouvert : Framasoft en a \
             fermé plusieurs depuis."
        ));
        hosting.push(Hosting {
            name,
            url,
            provider: None,
        });
    }
    let hosted = listed_links("altOn", e.hosted.as_deref())?;
    hosting.extend(hosted.iter().map(|l| Hosting {
        name: l.text.clone(),
        url: l.url.clone(),
        provider: None,
    }));
    if !with.is_empty() {
        // "Thunderbird + Enigmail", "WebODF ou PDFy": the others the entry names with it.
        paragraphs.push(format!("Cité avec : {}.", joined(&with)));
    }
    let others = listed_links("altOff", e.self_hosted.as_deref())?;
    if !others.is_empty() {
        paragraphs.push(format!(
            "Autres logiciels libres à installer soi-même : {}.",
            joined(&others)
        ));
    }
    if let Some(guide) = e.install_guide.as_deref().filter(|g| !g.trim().is_empty()) {
        let guide = HttpUrl::parse("CL", guide)?;
        paragraphs.push(format!("Guide d'installation : {guide}"));
    }
    paragraphs.push(format!(
        "Source : catalogue Dégooglisons Internet de Framasoft (CC0), {SOURCE}"
    ));
    let category = CATEGORIES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| category_of_site(e.c1.as_deref()), |(_, c)| *c);
    Ok(Some(RecommendationInput {
        software: SoftwareInput {
            name: software.text.clone(),
            homepage: software.url.clone(),
            // A link to a code forge is the repository too, by which the software is matched
            // with the record other sources (the starter catalogue) give it.
            repository: on_a_forge(&software.url).then(|| software.url.clone()),
            license: None,
            wikidata: None,
        },
        summary: format!(
            "{}, alternative libre à {} retenue par Dégooglisons Internet.",
            software.text,
            products(&replaces)
        ),
        replaces,
        category: category.to_owned(),
        language: Some("fr".into()),
        rationale: Some(paragraphs.join("\n\n")),
        level: Level::Recommended,
        region: None,
        hosting,
        audience: Vec::new(),
        status: Status::Published,
    }))
}

/// Whether a URL is a project's page on a code forge.
fn on_a_forge(url: &str) -> bool {
    const FORGES: &[&str] = &[
        "github.com",
        "gitlab.com",
        "framagit.org",
        "git.framasoft.org",
        "codeberg.org",
    ];
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .is_some_and(|host| FORGES.contains(&host.as_str()))
}

/// A validation error of the model, renamed to the field of the file it came from.
fn file_field(mut e: FieldError) -> FieldError {
    let (model, file) = [
        ("replaces", "gafam"),
        ("software.name", "S"),
        ("software.homepage", "S"),
        ("hosting", "altOn"),
        ("summary", "S"),
    ]
    .into_iter()
    .find(|(model, _)| e.field.starts_with(model))
    .unwrap_or(("", ""));
    if !model.is_empty() {
        e.field = format!("{file}{}", &e.field[model.len()..]);
    }
    e
}

/// A link of the file: its text and its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    text: String,
    url: String,
}

/// The links of an HTML fragment, in order; a link without text is named by its URL.
fn links(field: &str, html: &str) -> Result<Vec<Link>, FieldError> {
    let fragment = Html::parse_fragment(html);
    let anchors = Selector::parse("a[href]").expect("a valid selector");
    fragment
        .select(&anchors)
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default();
            let url = HttpUrl::parse(field, href)?.to_string();
            let text = collapse(&a.text().collect::<String>());
            Ok(Link {
                text: if text.is_empty() { url.clone() } else { text },
                url,
            })
        })
        .collect()
}

/// The links of a list field (`altOn`, `altOff`), each item's field named by its index.
fn listed_links(field: &str, items: Option<&[String]>) -> Result<Vec<Link>, FieldError> {
    let mut out = Vec::new();
    for (i, item) in items.unwrap_or_default().iter().enumerate() {
        out.extend(links(&format!("{field}.{i}"), item)?);
    }
    Ok(out)
}

/// The plain text of an HTML fragment: tags dropped, entities decoded, spaces collapsed.
fn text_of(html: &str) -> String {
    collapse(
        &Html::parse_fragment(html)
            .root_element()
            .text()
            .collect::<String>(),
    )
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `FDate` as written after the service's URL: `, 2015`.
fn since_text(value: &Value) -> String {
    let text = match value {
        Value::String(s) => text_of(s),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    if text.is_empty() {
        text
    } else {
        format!(", {text}")
    }
}

fn joined(links: &[Link]) -> String {
    links
        .iter()
        .map(|l| format!("{} ({})", l.text, l.url))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "A", "A et B", "A, B et C".
fn products(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::DEGOOGLISONS;
    use super::*;

    fn file() -> Value {
        serde_saphyr::from_str(DEGOOGLISONS).unwrap()
    }

    #[test]
    fn the_catalogue_plans_with_plain_text_and_links() {
        let value = file();
        assert!(recognise(&value));
        let plan = plan(value).unwrap();
        assert!(
            plan.recommendations.len() >= 40,
            "{}",
            plan.recommendations.len()
        );
        for r in &plan.recommendations {
            let texts = [
                r.summary.as_str(),
                r.rationale.as_deref().unwrap(),
                r.software.name.as_str(),
            ];
            for text in texts
                .into_iter()
                .chain(r.replaces.iter().map(String::as_str))
            {
                assert!(!text.contains('<') && !text.contains('>'), "{text}");
            }
        }
        let framadate = plan
            .recommendations
            .iter()
            .find(|r| r.software.name == "Framadate")
            .unwrap();
        assert_eq!(framadate.category.id, "scheduling");
        assert_eq!(framadate.replaces, vec!["Doodle"]);
        assert_eq!(framadate.hosting[0].name, "Framadate");
        assert_eq!(
            framadate.hosting[0].url.to_string(),
            "https://framadate.org/"
        );
        let thunderbird = plan
            .recommendations
            .iter()
            .find(|r| r.software.name == "Thunderbird")
            .unwrap();
        assert!(
            thunderbird
                .rationale
                .as_deref()
                .unwrap()
                .contains("Cité avec : Enigmail (https://enigmail.net/)")
        );
        assert_eq!(plan.not_imported.len(), 1, "{:?}", plan.not_imported);
        assert!(plan.not_imported[0].contains("kongregate"));
        assert!(plan.not_imported[0].contains("maestro"));
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            text_of("<b class=\"violet\">Frama</b><b class=\"vert\">date</b></a>"),
            "Framadate"
        );
        assert_eq!(text_of("Caf&eacute; &amp; <i>th&eacute;</i>"), "Café & thé");
        assert_eq!(
            links(
                "S",
                "<a href=\"https://x.org\"><abbr>X</abbr></a> ou <a href=\"https://y.org/\">Y</a>"
            )
            .unwrap(),
            vec![
                Link {
                    text: "X".into(),
                    url: "https://x.org/".into()
                },
                Link {
                    text: "Y".into(),
                    url: "https://y.org/".into()
                },
            ]
        );
    }

    #[test]
    fn a_bad_link_or_type_refuses_the_file_naming_entry_and_field() {
        let mut value = file();
        value["doodle"]["altOn"] = serde_json::json!(["<a href=\"javascript:alert(1)\">x</a>"]);
        value["skype"]["S"] = Value::String("<a href=\"ftp://jitsi.org\">Jitsi</a>".into());
        let err = plan(value).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["doodle.altOn.0", "skype.S"]);
        let mut value = file();
        value["trello"]["gafam"] = serde_json::json!({"not": "a list"});
        assert_eq!(plan(value).unwrap_err().0[0].field, "trello.gafam");
    }
}
