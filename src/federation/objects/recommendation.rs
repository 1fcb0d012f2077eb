//! A recommendation as an ActivityPub object: the `Note` (content that reads well in
//! Mastodon, hashtags, the `maillage:recommendation` extension) built from our rows, and a
//! received extension validated and stored as a remote copy. `entry` dispatches here.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::NoteType;
use chrono::NaiveDateTime;
use serde_json::json;
use url::Url;

use super::centre::ApubCentre;
use super::html;
use crate::domain::provider::{HostedOffer, ProviderInput, ProviderKind, ProviderRef};
use crate::domain::recommendation::{
    Hosting, Level, RecommendationDraft, RecommendationInput, Status,
};
use crate::domain::software::SoftwareInput;
use crate::federation::FederationError;
use crate::federation::protocol::note::{
    HostingExt, Note, ProviderExt, RecommendationExt, SoftwareExt,
};
use crate::storage::centres::CentreRow;
use crate::storage::providers;
use crate::storage::recommendations::{self, RecommendationIdentity, RecommendationRow};
use crate::storage::software::{self as software_rows, SoftwareRow};
use crate::storage::{Conn, StorageError, now};

/// Validates a received `maillage:recommendation` with the rules of local input.
pub(super) fn prepare(ext: RecommendationExt) -> Result<RecommendationDraft, FederationError> {
    let input = RecommendationInput {
        software: SoftwareInput {
            name: ext.item_reviewed.name,
            homepage: ext.item_reviewed.url,
            repository: ext.item_reviewed.code_repository,
            license: ext.item_reviewed.license,
            wikidata: ext.item_reviewed.same_as,
        },
        replaces: ext.replaces,
        category: ext.category,
        summary: ext.review_body,
        language: Some(ext.in_language),
        rationale: ext.description,
        // A level this node does not know reads as the default, as it always has.
        level: Level::parse(&ext.level).unwrap_or_default(),
        region: ext.spatial_coverage,
        hosting: ext
            .hosting
            .into_iter()
            .map(|h| Hosting {
                name: h.name,
                url: h.url,
                // A kind this node does not know (a later version's) leaves the offer without
                // its provider rather than refusing the recommendation.
                provider: h.provider.and_then(|p| {
                    let kind = ProviderKind::parse("kind", &p.kind).ok()?;
                    Some(ProviderRef::Described(ProviderInput {
                        name: p.name,
                        website: p.url,
                        kind,
                        chatons: p.chatons,
                        country: p.country,
                    }))
                }),
            })
            .collect(),
        audience: ext.audience,
        status: Status::Published,
    };
    Ok(input.validate()?)
}

/// Stores or updates the copy of the received recommendation `id` by `author` (the caller
/// checked it is not tombstoned).
pub(super) fn apply(
    conn: &mut Conn,
    id: &Url,
    draft: &RecommendationDraft,
    updated: NaiveDateTime,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    let now = now();
    let existing = RecommendationRow::find_by_ap_id(conn, id.as_str())?;
    if let Some((rec, _, _)) = &existing {
        if rec.centre_id != author.id {
            return Ok(Err(FederationError::Forbidden(format!(
                "{id} belongs to another actor"
            ))));
        }
        if rec.remote_updated_at.is_some_and(|known| known >= updated) {
            return Ok(Ok(()));
        }
    }
    let software = software_rows::upsert(conn, &draft.software, false, now)?;
    let published_before = existing
        .as_ref()
        .and_then(|(r, _, _)| r.published_at)
        .or(Some(updated));
    let offers = providers::offers(conn, &draft.hosting, now)?;
    let fields = recommendations::fields(
        draft,
        author,
        &software,
        &offers,
        published_before,
        Some(updated),
        now,
    )?;
    let rec_id = match &existing {
        Some((rec, _, old_software)) => {
            RecommendationRow::update(conn, rec.id, &fields)?;
            if old_software.id != software.id {
                SoftwareRow::delete_if_unused(conn, old_software.id)?;
            }
            rec.id
        }
        None => {
            let identity = RecommendationIdentity {
                key: crate::storage::new_key(),
                ap_id: id.to_string(),
                centre_id: author.id,
                local: false,
                created_at: now,
            };
            RecommendationRow::insert(conn, &identity, &fields)?.id
        }
    };
    recommendations::link_products(conn, rec_id, draft)?;
    Ok(Ok(()))
}

/// `GoogleDrive` from "Google Drive": a hashtag Mastodon links.
pub(crate) fn hashtag(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn hashtag_link(base: &Url, tag: &str) -> (String, serde_json::Value) {
    let href = base
        .join(&format!("tags/{tag}"))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let html = format!(
        "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
        html::attr(&href),
        html::escape(tag)
    );
    (
        html,
        json!({"type": "Hashtag", "href": href, "name": format!("#{tag}")}),
    )
}

/// What a recommendation's Note is made of: the row, its software, the products it replaces.
pub(super) struct Recommended<'a> {
    pub rec: &'a RecommendationRow,
    pub software: &'a SoftwareRow,
    pub replaces: &'a [String],
}

/// The Note: the text in the recommendation's language (software, what it replaces, the
/// summary, who hosts it, its homepage, hashtags) and the structured `recommendation`.
pub(super) fn note(
    id: &Url,
    centre: &ApubCentre,
    what: Recommended<'_>,
    base: &Url,
    to: Vec<Url>,
    cc: Vec<Url>,
) -> Result<Note, FederationError> {
    let Recommended { rec, software, .. } = what;
    let english = rec.language.starts_with("en");
    let hosting: Vec<HostedOffer> = serde_json::from_str(&rec.hosting).unwrap_or_default();
    let audience: Vec<String> = serde_json::from_str(&rec.audience).unwrap_or_default();
    let mut content = text(&what, &hosting, english);
    let (links, tag_objects): (Vec<String>, Vec<serde_json::Value>) = hashtags(&what, english)
        .iter()
        .map(|t| hashtag_link(base, t))
        .unzip();
    content.push_str(&format!("<p>{}</p>", links.join(" ")));
    let ext = structured(&what, hosting, audience);
    let homepage = json!({"type": "Link", "href": software.homepage, "name": software.name});
    Ok(Note {
        kind: NoteType::Note,
        id: ObjectId::from(id.clone()),
        attributed_to: centre.id.clone().into(),
        to,
        cc,
        content_map: Some(
            [(rec.language.clone(), content.clone())]
                .into_iter()
                .collect(),
        ),
        content,
        published: rec.published_at.map(|t| t.and_utc()),
        // Only after an edit: Mastodon shows a post with `updated` as edited.
        updated: rec
            .published_at
            .is_none_or(|published| rec.updated_at > published)
            .then(|| rec.updated_at.and_utc()),
        url: Some(id.clone()),
        tag: tag_objects,
        attachment: vec![homepage],
        recommendation: Some(ext),
        contact: None,
    })
}

/// The Note's HTML before its hashtags: the software and what it replaces, the summary, who
/// hosts it, its homepage.
fn text(what: &Recommended<'_>, hosting: &[HostedOffer], english: bool) -> String {
    let Recommended {
        rec,
        software,
        replaces,
    } = what;
    let products = list_words(replaces, if english { "and" } else { "et" });
    let mut content = format!(
        "<p><strong>{}</strong>{}{}.</p>{}",
        html::escape(&software.name),
        if english {
            ", a free alternative to "
        } else {
            ", alternative libre à "
        },
        html::escape(&products),
        html::paragraphs(&rec.summary),
    );
    if !hosting.is_empty() {
        let links: Vec<String> = hosting
            .iter()
            .map(|h| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    html::attr(&h.url),
                    html::escape(&h.name)
                )
            })
            .collect();
        content.push_str(&format!(
            "<p>{} {}</p>",
            if english {
                "Hosted by:"
            } else {
                "Hébergement :"
            },
            links.join(", ")
        ));
    }
    content.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        html::attr(&software.homepage),
        html::escape(&software.homepage)
    ));
    content
}

/// The software's hashtag, free software's, and one `Alternative…` per product replaced.
fn hashtags(what: &Recommended<'_>, english: bool) -> Vec<String> {
    let mut tags = vec![
        hashtag(&what.software.name),
        (if english {
            "FreeSoftware"
        } else {
            "LogicielLibre"
        })
        .to_owned(),
    ];
    for name in what.replaces {
        tags.push(format!("Alternative{}", hashtag(name)));
    }
    tags.dedup();
    tags
}

/// The structured recommendation other directories read (schema.org terms).
fn structured(
    what: &Recommended<'_>,
    hosting: Vec<HostedOffer>,
    audience: Vec<String>,
) -> RecommendationExt {
    let Recommended {
        rec,
        software,
        replaces,
    } = what;
    RecommendationExt {
        item_reviewed: SoftwareExt {
            name: software.name.clone(),
            url: software.homepage.clone(),
            code_repository: software.repository.clone(),
            license: software.license.clone(),
            same_as: software
                .wikidata
                .as_ref()
                .map(|w| format!("https://www.wikidata.org/wiki/{w}")),
        },
        category: rec.category.clone(),
        replaces: replaces.to_vec(),
        review_body: rec.summary.clone(),
        description: rec.rationale.clone(),
        in_language: rec.language.clone(),
        level: rec.level.as_str().to_owned(),
        spatial_coverage: rec.region.clone(),
        audience,
        hosting: hosting
            .into_iter()
            .map(|h| HostingExt {
                name: h.name,
                url: h.url,
                provider: h.provider.map(|p| ProviderExt {
                    name: p.name,
                    url: p.website,
                    kind: p.kind.as_str().to_owned(),
                    chatons: p.chatons,
                    country: p.country,
                }),
            })
            .collect(),
    }
}

fn list_words(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_camel_case() {
        assert_eq!(hashtag("Google Drive"), "GoogleDrive");
        assert_eq!(hashtag("X (Twitter)"), "XTwitter");
        assert_eq!(hashtag("Jitsi Meet"), "JitsiMeet");
        assert_eq!(hashtag("Galène"), "Galène");
    }
}
