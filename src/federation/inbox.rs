//! The inboxes (per centre and shared). Before the library parses anything or fetches the
//! sender, cheap checks refuse what can be refused: no signature, a signature for another host,
//! a stale date, an oversized body, a body that does not match its digest, a blocked domain.
//! An activity id already applied is acknowledged and not applied again.
//!
//! Two signature schemes: RFC 9421 (`Signature-Input`, read with `rfc9421.rs`) and
//! draft-cavage (read with `cavage.rs`). Either way the activity is then handled as the
//! library's `receive_activity` does (parsed, its id on its actor's host, the actor fetched or
//! read, the signature checked with the actor's key, the activity's `verify` and `receive`),
//! with the key checked on the blocking pool. The key, the origin rules and the replay window
//! are the same for both.

use std::sync::Arc;

use activitypub_federation::fetch::object_id::ObjectId;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use chrono::{Duration, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tracing::field::Empty;
use url::Url;

use super::activities::{HANDLED_TYPES, InboxActivity};
use super::cavage::Cavage;
use super::checks::check_domain;
use super::objects::centre::ApubCentre;
use super::rfc9421::{self, Signed};
use super::{Context, Federation, FederationError, authority};
use crate::storage::{delivery, now};

/// Largest activity accepted (the library stops reading there but answers 500; we answer 413).
pub const MAX_ACTIVITY_BYTES: usize = 1024 * 1024;

/// How far a request's `Date` (or an RFC 9421 signature's `created`) may be from our clock
/// (as Mastodon: 12 hours back, 1 ahead).
const MAX_AGE: Duration = Duration::hours(12);
const MAX_AHEAD: Duration = Duration::hours(1);

/// How a request is signed: its signature, read and checked against the rules, not yet
/// against a key.
enum Scheme {
    Rfc9421(Arc<Signed>),
    Cavage(Cavage),
}

impl Scheme {
    fn name(&self) -> &'static str {
        match self {
            Self::Rfc9421(_) => "rfc9421",
            Self::Cavage(_) => "draft-cavage",
        }
    }

    /// Checks the signature against the actor's key, on the blocking pool (an RSA
    /// verification would hold an async worker for a quarter of a millisecond).
    async fn verify(&self, public_key_pem: &str) -> Result<(), FederationError> {
        match self {
            Self::Rfc9421(signed) => {
                let (signed, pem) = (signed.clone(), public_key_pem.to_owned());
                tokio::task::spawn_blocking(move || signed.verify(&pem))
                    .await
                    .map_err(|e| FederationError::Internal(e.to_string()))?
            }
            Self::Cavage(signed) => signed
                .verify(public_key_pem)
                .await
                .map_err(|refused| refused.into_error("the actor's")),
        }
    }
}

/// One request to an inbox. Its span carries the activity's id, type, actor and the actor's
/// host as soon as the body is read (never the body itself).
#[tracing::instrument(
    name = "inbox",
    skip_all,
    fields(activity_id = Empty, kind = Empty, actor = Empty, host = Empty, signature = Empty)
)]
pub(crate) async fn receive(
    federation: &Federation,
    request: Request,
) -> Result<StatusCode, FederationError> {
    let data = federation.context();
    let (parts, body) = request.into_parts();
    let rfc9421 = rfc9421::is_rfc9421(&parts.headers);
    tracing::Span::current().record(
        "signature",
        if rfc9421 { "rfc9421" } else { "draft-cavage" },
    );
    check_headers(&parts.headers, &data, rfc9421)?;
    let bytes = axum::body::to_bytes(body, MAX_ACTIVITY_BYTES)
        .await
        .map_err(|_| FederationError::TooLarge)?;
    let scheme = if rfc9421 {
        Scheme::Rfc9421(Arc::new(check_rfc9421(&parts, &bytes, &data)?))
    } else {
        check_digest(&parts.headers, &bytes)?;
        Scheme::Cavage(Cavage::read(&parts).map_err(|refused| refused.into_error("the actor's"))?)
    };
    let (envelope, actor) = read_envelope(&bytes)?;
    if let Scheme::Rfc9421(signed) = &scheme {
        signed.check_origin(&actor)?;
    }
    check_domain(&data, &actor).await?;
    if let Err(wait) = data.inbox_limit.take(&authority(&actor)).await {
        return Err(FederationError::TooMany(wait));
    }
    if let Triage::Ignore(why) = triage(&envelope) {
        tracing::debug!("ignoring an activity from {actor}: {why}");
        revive_sender(&data, &actor).await?;
        return Ok(StatusCode::ACCEPTED);
    }
    // A relay's forward of another actor's activity (signed with the relay's key): taken
    // from the relays that accepted us only, never for its content (see `relays.rs`).
    if let Scheme::Cavage(signed) = &scheme
        && let Some(relay) = super::relays::forwarding_relay(signed, &actor, &data).await?
    {
        return super::relays::forwarded(signed, &envelope, relay, &federation.client, &data)
            .await
            .map(|()| StatusCode::ACCEPTED);
    }
    verify_and_apply(&scheme, bytes, &actor, &data)
        .await
        .map(|()| StatusCode::ACCEPTED)
}

/// The RFC 9421 signature's rules (coverage, `created`, `Content-Digest` against the body),
/// with the target URI rebuilt as the sender saw it: this node's scheme, the `Host` it was
/// sent to (checked to be this node), the path and query it asked for.
fn check_rfc9421(parts: &Parts, body: &[u8], data: &Context) -> Result<Signed, FederationError> {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let target_uri = Url::parse(&format!("{}://{host}{path}", data.urls.base().scheme()))
        .map_err(|e| FederationError::BadRequest(format!("the request's target: {e}")))?;
    rfc9421::check(
        &rfc9421::Message {
            method: &parts.method,
            target_uri: &target_uri,
            headers: &parts.headers,
            body,
        },
        rfc9421::Window {
            now: Utc::now(),
            max_age: MAX_AGE,
            max_ahead: MAX_AHEAD,
        },
    )
}

/// The body as JSON and its actor, both recorded in the `inbox` span (with the activity's id
/// and type, when it names them).
fn read_envelope(bytes: &[u8]) -> Result<(Value, Url), FederationError> {
    let envelope: Value = serde_json::from_slice(bytes)
        .map_err(|e| FederationError::BadRequest(format!("not JSON: {e}")))?;
    let actor = envelope
        .get("actor")
        .and_then(|a| a.as_str().or_else(|| a.get("id").and_then(Value::as_str)))
        .and_then(|a| Url::parse(a).ok())
        .ok_or_else(|| FederationError::BadRequest("the activity has no actor".into()))?;
    let span = tracing::Span::current();
    span.record("actor", actor.as_str());
    span.record("host", authority(&actor));
    if let Some(id) = envelope.get("id").and_then(Value::as_str) {
        span.record("activity_id", id);
    }
    if let Some(kind) = envelope.get("type").and_then(Value::as_str) {
        span.record("kind", kind);
    }
    Ok((envelope, actor))
}

/// Whatever it sends, the sender's server is up: what we had queued for it may go now.
async fn revive_sender(data: &Context, actor: &Url) -> Result<(), FederationError> {
    let host = authority(actor);
    let waiting = {
        let host = host.clone();
        data.db
            .run(move |conn| delivery::is_waiting(conn, &host, now()))
            .await?
    };
    if waiting {
        data.db
            .write(move |conn| delivery::revive(conn, &host, now()))
            .await?;
        data.wake.notify_one();
    }
    Ok(())
}

/// Verifies the signature (fetching the actor if need be) and applies the activity; a bad
/// signature from a known actor is retried once with its document fetched again.
async fn verify_and_apply(
    scheme: &Scheme,
    bytes: Bytes,
    actor: &Url,
    data: &Context,
) -> Result<(), FederationError> {
    // The activity id is recorded as received (applied once) only once its signature and its
    // origins are verified: see `activities::InboxActivity::receive`. A forged copy of a
    // real activity cannot make the real one be dropped as a duplicate.
    let mut outcome = apply(scheme, &bytes, data).await;
    if is_bad_signature(&outcome) && may_refetch(data, actor).await {
        // The sender may have rotated its key since we stored it: fetch its actor again,
        // once, and retry. Never more: a bad signature stays bad. And at most once per actor
        // per interval: forged requests in its name do not each cost a fetch.
        let refreshed = ObjectId::<ApubCentre>::from(actor.clone())
            .dereference_forced(data)
            .await;
        if refreshed.is_ok() {
            outcome = apply(scheme, &bytes, &data.reset_request_count()).await;
        }
    }
    if outcome.is_ok() {
        tracing::debug!("signature verified ({})", scheme.name());
    }
    outcome
}

/// What the library's `receive_activity` does, with our check of the signature in place of its
/// own: the activity parsed, its id on its actor's host, not ours and one we may contact, the
/// actor fetched (or read from the database), the signature checked with its key, then the
/// activity's own `verify` and `receive`.
async fn apply(scheme: &Scheme, bytes: &[u8], data: &Context) -> Result<(), FederationError> {
    use activitypub_federation::error::Error as Lib;
    use activitypub_federation::protocol::verification::verify_domains_match;
    use activitypub_federation::traits::{Activity, Actor};
    let activity: InboxActivity = serde_json::from_slice(bytes)
        .map_err(|err| Lib::ParseReceivedActivity { err, id: None })?;
    verify_domains_match(activity.id(), activity.actor())?;
    if authority(activity.id()) == data.urls.authority() {
        return Err(Lib::UrlVerificationError("Activity was sent from local instance").into());
    }
    data.may_contact(activity.id()).await.map_err(|refusal| {
        FederationError::Library(Lib::UrlVerificationError(refusal.summary()))
    })?;
    let actor = ObjectId::<ApubCentre>::from(activity.actor().clone())
        .dereference(data)
        .await?;
    scheme.verify(actor.public_key_pem()).await?;
    activity.verify(data).await?;
    activity.receive(data).await
}

/// Whether a known actor's document may be fetched again after a failed signature: not if it
/// was, lately.
async fn may_refetch(data: &Context, actor: &Url) -> bool {
    let key = actor.to_string();
    let fresh = data.refetched.entry(key).or_insert(()).await.is_fresh();
    if !fresh {
        tracing::info!("not fetching {actor} again: it was fetched after a bad signature lately");
    }
    fresh
}

fn is_bad_signature(outcome: &Result<(), FederationError>) -> bool {
    matches!(
        outcome,
        Err(FederationError::BadSignature(_)
            | FederationError::Library(
                activitypub_federation::error::Error::ActivitySignatureInvalid
            ))
    )
}

/// Whether a Note has a `Mention` tag.
fn mentions_someone(note: &Value) -> bool {
    let mention = |t: &Value| t.get("type").and_then(Value::as_str) == Some("Mention");
    match note.get("tag") {
        Some(Value::Array(tags)) => tags.iter().any(mention),
        Some(tag @ Value::Object(_)) => mention(tag),
        _ => false,
    }
}

/// What the inbox does with an activity, decided from its JSON alone (before any fetch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    Handle,
    /// Acknowledged (202) and dropped, on purpose: the reason is logged.
    Ignore(&'static str),
}

pub fn triage(activity: &Value) -> Triage {
    let kind = activity
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !HANDLED_TYPES.contains(&kind) {
        return Triage::Ignore("an activity type the directory does not use");
    }
    let actor = activity
        .get("actor")
        .and_then(|a| a.as_str().or_else(|| a.get("id").and_then(Value::as_str)));
    let object = activity.get("object");
    let object_id = object.and_then(|o| o.as_str().or_else(|| o.get("id").and_then(Value::as_str)));
    if kind == "Delete" && object_id.is_some() && object_id == actor {
        return Triage::Ignore("an account deleting itself");
    }
    if kind == "Update" && object_id.is_some() && object_id == actor {
        // A profile change (Mastodon sends one on every save): refreshes the actor if we know
        // it (see `activities::update_actor`).
        return Triage::Handle;
    }
    if kind == "Create" || kind == "Update" {
        let Some(object) = object.filter(|o| o.is_object()) else {
            return Triage::Ignore("a Create or Update without an embedded object");
        };
        match object.get("type").and_then(Value::as_str) {
            Some("Note") => {
                let entry = object.get("maillage:recommendation").is_some()
                    || object.get("maillage:contact").is_some();
                // A message to a centre (a help request, a mention): see
                // `activities::help_message`.
                let message = kind == "Create"
                    && (object.get("maillage:helpRequest").is_some() || mentions_someone(object));
                if !entry && !message {
                    return Triage::Ignore(
                        "a Note that is neither a directory entry nor a message to someone",
                    );
                }
            }
            Some("Place") if object.get("maillage:place").is_none() => {
                return Triage::Ignore("a Place that is not a directory place");
            }
            Some("Place") => {}
            Some("Event") if object.get("maillage:event").is_none() => {
                return Triage::Ignore("an Event not from a directory");
            }
            Some("Event") => {}
            _ => {
                return Triage::Ignore(
                    "not a Note, a Place or an Event (directory entries are Notes, places \
                     Places, workshops Events)",
                );
            }
        }
    }
    Triage::Handle
}

/// The headers every signed request needs: a signature (for draft-cavage, covering enough),
/// `Host` this node, `Date` within the window (for RFC 9421, whose `created` is checked
/// instead, only when it is sent).
fn check_headers(
    headers: &HeaderMap,
    data: &Context,
    rfc9421: bool,
) -> Result<(), FederationError> {
    let Some(signature) = headers.get("signature") else {
        return Err(FederationError::Unauthorized(
            "an HTTP signature is required".into(),
        ));
    };
    if !rfc9421 {
        check_signed_headers(signature.to_str().unwrap_or_default())?;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !host.eq_ignore_ascii_case(&data.urls.authority()) {
        return Err(FederationError::Unauthorized(format!(
            "this request is for {host}, not for this node"
        )));
    }
    if rfc9421 && !headers.contains_key(header::DATE) {
        return Ok(());
    }
    let date = headers
        .get(header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .ok_or_else(|| FederationError::Unauthorized("a valid Date header is required".into()))?;
    let date: chrono::DateTime<Utc> = date.into();
    let now = Utc::now();
    if date < now - MAX_AGE || date > now + MAX_AHEAD {
        return Err(FederationError::Unauthorized(format!(
            "the request's Date ({date}) is outside the accepted window"
        )));
    }
    Ok(())
}

/// The headers a signature covers, from its `headers` parameter (draft-cavage); `None` when it
/// does not say (the default, `(created)` alone, is not enough for us anyway).
pub(crate) fn signed_headers(signature: &str) -> Option<Vec<String>> {
    let start = signature.find("headers=\"")? + "headers=\"".len();
    let end = signature[start..].find('"')? + start;
    Some(
        signature[start..end]
            .split_ascii_whitespace()
            .map(str::to_ascii_lowercase)
            .collect(),
    )
}

/// A signature must cover what makes a request impossible to replay elsewhere or later:
/// `(request-target)` (method and path), `host` (this node), `date` or `(created)` (when),
/// and `digest` (the body). Mastodon, GoToSocial, Misskey, Pleroma, Lemmy and Fedify sign all
/// of them.
fn check_signed_headers(signature: &str) -> Result<(), FederationError> {
    let covered = signed_headers(signature).unwrap_or_default();
    let has = |h: &str| covered.iter().any(|c| c == h);
    let mut missing = Vec::new();
    for required in ["(request-target)", "host", "digest"] {
        if !has(required) {
            missing.push(required);
        }
    }
    if !has("date") && !has("(created)") {
        missing.push("date");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(FederationError::Unauthorized(format!(
            "the signature {}",
            must_cover(&missing, &covered)
        )))
    }
}

/// What a signature failed to cover, and what it covers: both schemes say it alike.
pub(super) fn must_cover(missing: &[&str], covered: &[String]) -> String {
    format!(
        "must cover {} (it covers: {})",
        missing.join(", "),
        if covered.is_empty() {
            "nothing".to_owned()
        } else {
            covered.join(" ")
        }
    )
}

/// `Digest: SHA-256=...` (any case of the algorithm name) must match the body.
fn check_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), FederationError> {
    let header = headers
        .get("digest")
        .and_then(|d| d.to_str().ok())
        .ok_or_else(|| FederationError::Unauthorized("a Digest header is required".into()))?;
    let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
    let matches = header.split(',').any(|part| {
        part.trim()
            .split_once('=')
            .is_some_and(|(alg, value)| alg.eq_ignore_ascii_case("sha-256") && value == expected)
    });
    if matches {
        Ok(())
    } else {
        Err(FederationError::Unauthorized(
            "the body does not match its Digest".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_must_cover_target_host_date_and_digest() {
        let sig = |headers: &str| {
            format!(
                "keyId=\"https://a.example/u#main-key\",algorithm=\"rsa-sha256\",headers=\"{headers}\",signature=\"abc\""
            )
        };
        for ok in [
            "(request-target) host date digest",
            "(request-target) host date digest content-type",
            "(request-target) (created) (expires) content-type date digest host",
            "(request-target) (created) host digest",
            "(Request-Target) Host Date Digest",
        ] {
            assert!(check_signed_headers(&sig(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "digest",
            "host date digest",
            "(request-target) date digest",
            "(request-target) host digest",
            "(request-target) host date",
            "",
        ] {
            assert!(check_signed_headers(&sig(bad)).is_err(), "{bad}");
        }
        assert!(check_signed_headers("keyId=\"x\",signature=\"abc\"").is_err());
    }

    #[test]
    fn digest_accepts_any_case_of_the_algorithm() {
        let body = b"{\"a\":1}";
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
        for name in ["SHA-256", "sha-256", "Sha-256"] {
            let mut headers = HeaderMap::new();
            headers.insert("digest", format!("{name}={digest}").parse().unwrap());
            assert!(check_digest(&headers, body).is_ok(), "{name}");
        }
        let mut headers = HeaderMap::new();
        headers.insert("digest", format!("SHA-256={digest}").parse().unwrap());
        assert!(check_digest(&headers, b"{\"a\":2}").is_err());
        assert!(check_digest(&HeaderMap::new(), body).is_err());
    }
}

/// Fuzzing of what the inbox does with a body before and after the signature (see
/// `crate::fuzzing`): parsing as JSON, triage, parsing as one of the activities we handle,
/// and, for a Create or Update, validating the entry. Nothing panics, whatever arrives.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;
    use crate::federation::activities::object_id;
    use crate::federation::objects::entry;
    use crate::fuzzing;

    fn seeds() -> Vec<Value> {
        let mut seeds = fuzzing::fediverse_fixtures();
        seeds.extend(fuzzing::maillage_activities());
        seeds
    }

    /// The inbox's path for one body, minus the network and the database.
    fn receive(body: &[u8]) {
        let Ok(envelope) = serde_json::from_slice::<Value>(body) else {
            return;
        };
        let _ = triage(&envelope);
        let _ = envelope.get("object").and_then(object_id);
        let _ = envelope.get("object").and_then(implicit_delete_id_of);
        if let Ok(activity) = serde_json::from_value::<InboxActivity>(envelope)
            && let InboxActivity::CreateOrUpdate(create) = activity
        {
            let _ = entry::prepare(create.object);
        }
    }

    fn implicit_delete_id_of(object: &Value) -> Option<Url> {
        crate::federation::activities::delete::implicit_delete_id(object)
    }

    #[test]
    fn the_maillage_seeds_are_handled_and_valid() {
        for seed in fuzzing::maillage_activities() {
            assert_eq!(triage(&seed), Triage::Handle);
            let Ok(InboxActivity::CreateOrUpdate(create)) = serde_json::from_value(seed) else {
                panic!("a Create");
            };
            assert!(entry::prepare(create.object).is_ok());
        }
    }

    proptest! {
        #![proptest_config(fuzzing::config())]

        #[test]
        fn mutated_activities_never_panic(activity in fuzzing::mutated(seeds())) {
            receive(activity.to_string().as_bytes());
        }

        #[test]
        fn garbled_bodies_never_panic(
            body in fuzzing::garbled(seeds().iter().map(Value::to_string).collect())
        ) {
            receive(&body);
        }

        #[test]
        fn signature_headers_never_panic(header in any::<String>()) {
            let _ = signed_headers(&header);
            let _ = check_signed_headers(&header);
        }
    }
}
