//! The `@context` of everything we publish: ActivityStreams, the security vocabulary, and the
//! few terms from schema.org, Mastodon and Maillage's own namespace that our documents use.

use serde_json::{Value, json};

use crate::domain::urls::NAMESPACE;

pub(crate) fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "maillage": NAMESPACE,
            "schema": "http://schema.org#",
            "toot": "http://joinmastodon.org/ns#",
            "Hashtag": "as:Hashtag",
            "sensitive": "as:sensitive",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
            "movedTo": {"@id": "as:movedTo", "@type": "@id"},
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "PostalAddress": "schema:PostalAddress",
            "address": "schema:address",
            "streetAddress": "schema:streetAddress",
            "postalCode": "schema:postalCode",
            "addressLocality": "schema:addressLocality",
            "addressCountry": "schema:addressCountry",
        }
    ])
}
