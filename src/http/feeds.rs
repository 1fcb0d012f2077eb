//! Atom feeds: one per centre, for people who follow a centre with a feed reader, and one per
//! hashtag of our Notes (`/tags/{name}/feed.atom`).

use atom_syndication::{
    CategoryBuilder, ContentBuilder, EntryBuilder, FeedBuilder, FixedDateTime, LinkBuilder,
    PersonBuilder, Text,
};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::directory::Access;
use crate::directory::recommendations::RecommendationQuery;
use crate::directory::views::RecommendationView;
use crate::domain::Window;

use super::error::ApiError;
use crate::state::AppState;

/// Entries in a feed: the most recent recommendations.
const FEED_SIZE: i64 = 50;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/centres/{username}/feed.atom", get(centre_feed))
        .route("/tags/{name}/feed.atom", get(tag_feed))
}

async fn centre_feed(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let centre = state.directory.get_centre(&username).await?;
    let query = RecommendationQuery {
        origin: Some(centre.id.clone()),
        ..Default::default()
    };
    let window = Window {
        offset: 0,
        limit: FEED_SIZE,
    };
    let recs = state
        .directory
        .list_recommendations(&query, window, Access::Public)
        .await?
        .results;
    let feed_url = format!("{}/feed.atom", centre.id);
    let updated = recs
        .first()
        .map_or(centre.updated, |r| r.updated)
        .fixed_offset();
    let feed = FeedBuilder::default()
        .title(Text::plain(format!("{} – recommandations", centre.name)))
        .id(feed_url.clone())
        .updated(updated)
        .subtitle(centre.summary.clone().map(Text::plain))
        .links(links(feed_url, centre.id.clone()))
        .author(
            PersonBuilder::default()
                .name(centre.name.clone())
                .uri(Some(centre.id.clone()))
                .build(),
        )
        .lang(Some("fr".to_owned()))
        .entries(recs.iter().map(entry).collect::<Vec<_>>())
        .build();
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    ))
}

/// The recommendations of a hashtag (see `directory::tags`), the most recent first.
async fn tag_feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let window = Window {
        offset: 0,
        limit: FEED_SIZE,
    };
    let tagged = state.directory.tagged(&name, window).await?;
    let encoded: String = url::form_urlencoded::byte_serialize(tagged.tag.as_bytes()).collect();
    let page = state
        .directory
        .urls()
        .base()
        .join(&format!("tags/{encoded}"));
    let page = page.map(|u| u.to_string()).unwrap_or_default();
    let feed_url = format!("{page}/feed.atom");
    let updated = tagged
        .recommendations
        .first()
        .map_or_else(chrono::Utc::now, |r| r.updated)
        .fixed_offset();
    let feed = FeedBuilder::default()
        .title(Text::plain(format!("#{} – Maillage", tagged.tag)))
        .id(feed_url.clone())
        .updated(updated)
        .links(links(feed_url, page))
        .entries(tagged.recommendations.iter().map(entry).collect::<Vec<_>>())
        .build();
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    ))
}

/// A feed's links: itself, and the page it follows.
fn links(feed_url: String, page: String) -> Vec<atom_syndication::Link> {
    vec![
        LinkBuilder::default()
            .href(feed_url)
            .rel("self")
            .mime_type(Some("application/atom+xml".into()))
            .build(),
        LinkBuilder::default()
            .href(page)
            .rel("alternate")
            .mime_type(Some("text/html".into()))
            .build(),
    ]
}

fn entry(rec: &RecommendationView) -> atom_syndication::Entry {
    let english = rec.language.starts_with("en");
    let title = format!(
        "{} {} {}",
        rec.software.name,
        if english {
            "instead of"
        } else {
            "à la place de"
        },
        rec.replaces.join(", ")
    );
    let mut html = format!("<p>{}</p>", html_escape::encode_text(&rec.summary));
    if let Some(rationale) = &rec.rationale {
        html.push_str(&format!("<p>{}</p>", html_escape::encode_text(rationale)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        html_escape::encode_double_quoted_attribute(&rec.software.homepage),
        html_escape::encode_text(&rec.software.homepage)
    ));
    let published: Option<FixedDateTime> = rec.published.map(|p| p.fixed_offset());
    EntryBuilder::default()
        .title(Text::plain(title))
        .id(rec.id.clone())
        .updated(rec.updated.fixed_offset())
        .published(published)
        .link(
            LinkBuilder::default()
                .href(rec.id.clone())
                .rel("alternate")
                .build(),
        )
        .summary(Some(Text::plain(rec.summary.clone())))
        .content(Some(
            ContentBuilder::default()
                .value(Some(html))
                .content_type(Some("html".into()))
                .lang(Some(rec.language.clone()))
                .build(),
        ))
        .category(
            CategoryBuilder::default()
                .term(rec.category.clone())
                .build(),
        )
        .build()
}
