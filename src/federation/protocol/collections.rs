//! Ordered collections and their pages (outbox, followers, following).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub total_items: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Url>,
    /// Small collections (followers of a centre) list their items inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<Value>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub part_of: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Url>,
    #[serde(default)]
    pub ordered_items: Vec<Value>,
}

/// A collection or page of another server as backfill reads it, whatever its style: items
/// inline (`orderedItems`, or `items` for an unordered one), or paged through `first` (a URL
/// or an embedded page) and `next`; `totalItems` optional (some servers leave it out).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteCollection {
    #[serde(default)]
    pub id: Option<Url>,
    #[serde(default, alias = "items")]
    pub ordered_items: Vec<Value>,
    #[serde(default)]
    pub first: Option<PageRef>,
    #[serde(default)]
    pub next: Option<PageRef>,
    /// The last page: when it and the pages are numbered (`?page=N`), backfill fetches the
    /// pages ahead of need.
    #[serde(default)]
    pub last: Option<PageRef>,
}

/// `first` or `next`: a page's URL, or the page itself.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum PageRef {
    Url(Url),
    Page(Box<RemoteCollection>),
    /// Anything else (an id-only object…) leads nowhere.
    Other(Value),
}
