//! RFC 9421 HTTP Message Signatures on the inbox (`Signature-Input` + `Signature`), checked in
//! front of the library's draft-cavage check: Fedify and recent Mastodon sign this way first.
//!
//! The Structured Fields (RFC 9651) are parsed by `sfv`; this file builds the signature base
//! (RFC 9421 §2.5) from the request and holds the inbox's rules, the same as for draft-cavage:
//! the method, the target and the authority signed, the body signed through `Content-Digest`
//! (RFC 9530, checked against the body), `created` within the inbox's date window. The key is
//! the activity's actor's, as for draft-cavage; `keyid` must be on the actor's authority.
//! Verifying the signature with the key, and fetching the actor, is the inbox's part
//! (`inbox.rs`), after these checks.
//!
//! Accepted algorithms: `rsa-v1_5-sha256` (what Fedify and Mastodon send with RSA keys; also
//! assumed when `alg` is absent) and `rsa-pss-sha512`. Actors publish RSA keys (`publicKey`);
//! Ed25519 and ECDSA keys would need another key lookup and are not accepted.

use axum::http::{HeaderMap, Method};
use chrono::{DateTime, Duration, Utc};
use sfv::{BareItem, Dictionary, InnerList, ListEntry, ListSerializer, Parser};
use sha2::{Digest, Sha256, Sha512};
use url::Url;

use super::keys::{RsaScheme, VerifyError, verify_rsa};
use super::{FederationError, authority};

/// The header that says a request is signed with RFC 9421 rather than draft-cavage.
pub(crate) const SIGNATURE_INPUT: &str = "signature-input";

/// Most signatures one request may carry that are looked at (each costs a parse and a hash).
const MAX_SIGNATURES: usize = 4;

/// Whether a request carries an RFC 9421 signature.
pub(crate) fn is_rfc9421(headers: &HeaderMap) -> bool {
    headers.contains_key(SIGNATURE_INPUT)
}

/// A request as it arrived, with its target URI as the sender saw it (our scheme, the `Host`
/// it was sent to, the path and query).
pub(crate) struct Message<'a> {
    pub(crate) method: &'a Method,
    pub(crate) target_uri: &'a Url,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

/// The window `created` must fall in, as for the `Date` of draft-cavage requests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) now: DateTime<Utc>,
    pub(crate) max_age: Duration,
    pub(crate) max_ahead: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    RsaV15Sha256,
    RsaPssSha512,
}

impl Algorithm {
    fn parse(alg: Option<&str>) -> Result<Self, String> {
        match alg {
            None | Some("rsa-v1_5-sha256") => Ok(Self::RsaV15Sha256),
            Some("rsa-pss-sha512") => Ok(Self::RsaPssSha512),
            Some(other) => Err(format!(
                "alg \"{other}\" is not accepted (accepted: rsa-v1_5-sha256, rsa-pss-sha512)"
            )),
        }
    }
}

/// A signature that passed the rules, not yet checked against a key.
#[derive(Debug)]
pub(crate) struct Signed {
    pub(crate) label: String,
    pub(crate) key_id: Url,
    pub(crate) algorithm: Algorithm,
    /// The signature base rebuilt from the request (RFC 9421 §2.5).
    base: String,
    signature: Vec<u8>,
}

impl Signed {
    /// Refuses a signature whose key is not on the activity's actor's authority (host and
    /// port): a server signs for its own actors only.
    pub(crate) fn check_origin(&self, actor: &Url) -> Result<(), FederationError> {
        if authority(&self.key_id) == authority(actor) {
            Ok(())
        } else {
            Err(FederationError::Unauthorized(format!(
                "RFC 9421 signature {}: keyid {} is not on the actor's host ({})",
                self.label,
                self.key_id,
                authority(actor)
            )))
        }
    }

    /// Checks the signature against the actor's public key (PEM, SPKI or PKCS#1).
    pub(crate) fn verify(&self, public_key_pem: &str) -> Result<(), FederationError> {
        let scheme = match self.algorithm {
            Algorithm::RsaV15Sha256 => RsaScheme::Pkcs1Sha256,
            Algorithm::RsaPssSha512 => RsaScheme::PssSha512,
        };
        verify_rsa(
            public_key_pem,
            scheme,
            self.base.as_bytes(),
            &self.signature,
        )
        .map_err(|e| match e {
            VerifyError::Key(why) => FederationError::Unauthorized(format!(
                "RFC 9421 signature {}: the actor's public key is not an RSA key ({why})",
                self.label
            )),
            VerifyError::Mismatch => FederationError::BadSignature(format!(
                "RFC 9421 signature {} does not match the request (keyid {})",
                self.label, self.key_id
            )),
        })
    }
}

/// Reads the request's RFC 9421 signatures and returns the first that follows the inbox's
/// rules; when none does, the reason the first was refused. Nothing is fetched.
pub(crate) fn check(message: &Message<'_>, window: Window) -> Result<Signed, FederationError> {
    let refuse = |why: String| FederationError::Unauthorized(format!("RFC 9421 signature: {why}"));
    let inputs = dictionary(message.headers, SIGNATURE_INPUT).map_err(refuse)?;
    let signatures = dictionary(message.headers, "signature").map_err(refuse)?;
    if inputs.is_empty() {
        return Err(refuse("Signature-Input names no signature".into()));
    }
    let mut first_refusal = None;
    for (label, input) in inputs.iter().take(MAX_SIGNATURES) {
        let label = label.as_str();
        match candidate(message, window, label, input, &signatures) {
            Ok(signed) => return Ok(signed),
            Err(why) => {
                first_refusal.get_or_insert_with(|| {
                    FederationError::Unauthorized(format!("RFC 9421 signature {label}: {why}"))
                });
            }
        }
    }
    Err(first_refusal.expect("at least one signature was looked at"))
}

fn dictionary(headers: &HeaderMap, name: &str) -> Result<Dictionary, String> {
    let value = joined_field(headers, name)?.ok_or_else(|| format!("no {name} header"))?;
    Parser::new(&value)
        .parse::<Dictionary>()
        .map_err(|e| format!("{name} is not a Structured Field dictionary: {e}"))
}

/// The signature labelled `label`, checked against the rules.
fn candidate(
    message: &Message<'_>,
    window: Window,
    label: &str,
    input: &ListEntry,
    signatures: &Dictionary,
) -> Result<Signed, String> {
    let ListEntry::InnerList(input) = input else {
        return Err("its Signature-Input member is not an inner list".into());
    };
    let signature = match signatures.iter().find(|(name, _)| name.as_str() == label) {
        Some((_, ListEntry::Item(item))) => item
            .bare_item
            .as_byte_sequence()
            .ok_or("its Signature member is not a byte sequence")?
            .to_vec(),
        Some(_) => return Err("its Signature member is not a byte sequence".into()),
        None => return Err("no Signature member has this label".into()),
    };
    let params = Params::read(input)?;
    let algorithm = Algorithm::parse(params.alg.as_deref())?;
    check_time(&params, window)?;
    let components = component_names(input)?;
    check_coverage(&components)?;
    if components.iter().any(|c| c == "content-digest") {
        check_content_digest(message.headers, message.body)?;
    }
    let base = signature_base(message, &components, input)?;
    Ok(Signed {
        label: label.to_owned(),
        key_id: params.key_id,
        algorithm,
        base,
        signature,
    })
}

/// The signature parameters the rules look at (`nonce`, `tag` and others are signed, and
/// otherwise ignored).
struct Params {
    alg: Option<String>,
    key_id: Url,
    created: i64,
    expires: Option<i64>,
}

impl Params {
    fn read(input: &InnerList) -> Result<Self, String> {
        let get = |name: &str| {
            input
                .params
                .iter()
                .find(|(key, _)| key.as_str() == name)
                .map(|(_, value)| value)
        };
        let string = |name: &str| -> Result<Option<String>, String> {
            get(name)
                .map(|v| {
                    v.as_string()
                        .map(|s| s.as_str().to_owned())
                        .ok_or_else(|| format!("{name} is not a string"))
                })
                .transpose()
        };
        let integer = |name: &str| -> Result<Option<i64>, String> {
            get(name)
                .map(|v| {
                    v.as_integer()
                        .map(i64::from)
                        .ok_or_else(|| format!("{name} is not an integer"))
                })
                .transpose()
        };
        let key_id = string("keyid")?.ok_or("keyid is required")?;
        let key_id = Url::parse(&key_id)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| format!("keyid {key_id:?} is not an http(s) URL"))?;
        Ok(Self {
            alg: string("alg")?,
            key_id,
            created: integer("created")?.ok_or("created is required")?,
            expires: integer("expires")?,
        })
    }
}

/// `created` within the window (12 hours back, 1 ahead, as `Date`); `expires` not passed.
fn check_time(params: &Params, window: Window) -> Result<(), String> {
    let created = DateTime::<Utc>::from_timestamp(params.created, 0)
        .ok_or_else(|| format!("created {} is not a time", params.created))?;
    if created < window.now - window.max_age || created > window.now + window.max_ahead {
        return Err(format!(
            "created ({created}) is outside the accepted window ({} hours back, {} ahead)",
            window.max_age.num_hours(),
            window.max_ahead.num_hours()
        ));
    }
    if let Some(expires) = params.expires
        && expires < window.now.timestamp()
    {
        return Err(format!("it expired (expires={expires})"));
    }
    Ok(())
}

/// The covered components' names, in order: strings, lower case, without parameters (`;sf`,
/// `;key`, `;bs`, `;req`, `;tr`, `;name` are not supported), each once.
fn component_names(input: &InnerList) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::with_capacity(input.items.len());
    for item in &input.items {
        let BareItem::String(name) = &item.bare_item else {
            return Err("a covered component is not a string".into());
        };
        let name = name.as_str();
        if !item.params.is_empty() {
            return Err(format!(
                "component parameters are not supported (on \"{name}\")"
            ));
        }
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(format!("component \"{name}\" must be a lower-case name"));
        }
        if names.iter().any(|n| n == name) {
            return Err(format!("component \"{name}\" is covered twice"));
        }
        names.push(name.to_owned());
    }
    Ok(names)
}

/// What an inbox POST must sign, as with draft-cavage: the method and the target (not
/// replayable at another path), the authority (nor on another node), and the body (through
/// `Content-Digest`). `created` is always signed (it is a parameter).
fn check_coverage(components: &[String]) -> Result<(), String> {
    let has = |c: &str| components.iter().any(|x| x == c);
    let mut missing = Vec::new();
    if !has("@method") {
        missing.push("@method");
    }
    if !has("@target-uri") && !has("@request-target") && !has("@path") {
        missing.push("@target-uri (or @path, or @request-target)");
    }
    if !has("@target-uri") && !has("@authority") && !has("host") {
        missing.push("@authority (or host, or @target-uri)");
    }
    if !has("content-digest") {
        missing.push("content-digest");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "it {}",
            super::inbox::must_cover(&missing, components)
        ))
    }
}

/// `Content-Digest` (RFC 9530) against the body: `sha-256` and `sha-512` are read, others
/// ignored; at least one must be there and each one read must match.
fn check_content_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
    let digests = dictionary(headers, "content-digest")?;
    let mut checked = 0;
    for (algorithm, entry) in &digests {
        let expected: Vec<u8> = match algorithm.as_str() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        let given = match entry {
            ListEntry::Item(item) => item.bare_item.as_byte_sequence(),
            ListEntry::InnerList(_) => None,
        }
        .ok_or_else(|| {
            format!(
                "Content-Digest {} is not a byte sequence",
                algorithm.as_str()
            )
        })?;
        if given != expected.as_slice() {
            return Err(format!(
                "the body does not match its Content-Digest ({})",
                algorithm.as_str()
            ));
        }
        checked += 1;
    }
    if checked == 0 {
        return Err("Content-Digest has neither sha-256 nor sha-512".into());
    }
    Ok(())
}

/// The signature base (RFC 9421 §2.5): one line per covered component, then
/// `@signature-params` (the inner list and its parameters, serialized again: the same bytes
/// as received when the sender serialized them canonically, as RFC 9651 asks).
fn signature_base(
    message: &Message<'_>,
    components: &[String],
    input: &InnerList,
) -> Result<String, String> {
    let mut base = String::new();
    for name in components {
        let value = component_value(message, name)?;
        if value.contains(['\n', '\r']) {
            return Err(format!("component \"{name}\" holds a line break"));
        }
        base.push_str(&format!("\"{name}\": {value}\n"));
    }
    let mut params = ListSerializer::new();
    params.members([&ListEntry::InnerList(input.clone())]);
    let params = params.finish().unwrap_or_default();
    base.push_str(&format!("\"@signature-params\": {params}"));
    Ok(base)
}

/// The value of one covered component: a derived component (RFC 9421 §2.2) or a header
/// field, its lines joined by `, ` (§2.1).
fn component_value(message: &Message<'_>, name: &str) -> Result<String, String> {
    let url = message.target_uri;
    Ok(match name {
        "@method" => message.method.as_str().to_owned(),
        "@target-uri" => url.as_str().to_owned(),
        "@authority" => authority_of(url),
        "@scheme" => url.scheme().to_owned(),
        "@path" => url.path().to_owned(),
        "@query" => format!("?{}", url.query().unwrap_or_default()),
        "@request-target" => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        derived if derived.starts_with('@') => {
            return Err(format!(
                "component \"{derived}\" is not supported on a request"
            ));
        }
        header => joined_field(message.headers, header)?
            .ok_or_else(|| format!("covered header {header} is missing"))?,
    })
}

/// `host[:port]` as RFC 9421 §2.2.3 wants it: lower case, no default port.
fn authority_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// A header's field lines, each trimmed, joined by `, `; `None` when absent.
fn joined_field(headers: &HeaderMap, name: &str) -> Result<Option<String>, String> {
    let mut values = Vec::new();
    for value in headers.get_all(name) {
        let value = value
            .to_str()
            .map_err(|_| format!("header {name} is not visible ASCII"))?;
        values.push(value.trim());
    }
    Ok((!values.is_empty()).then(|| values.join(", ")))
}

/// `Content-Digest: sha-256=:…:` for a body (what a sender puts; used by the tests).
#[cfg(test)]
fn content_digest(body: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))
    )
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use base64::Engine as _;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
    use serde_json::Value;

    use super::*;

    fn window_at(now: DateTime<Utc>) -> Window {
        Window {
            now,
            max_age: Duration::hours(12),
            max_ahead: Duration::hours(1),
        }
    }

    /// A request Fedify 2.3.6 signed (tests/peers/fedify/capture-rfc9421.mjs): its method, URL,
    /// headers, body, the public key, and a time just after it was signed.
    struct Captured {
        url: Url,
        headers: HeaderMap,
        body: Vec<u8>,
        public_key_pem: String,
        now: DateTime<Utc>,
    }

    fn fedify() -> Captured {
        let json: Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/rfc9421/fedify-delivery.json"
        ))
        .unwrap();
        let mut headers = HeaderMap::new();
        for (name, value) in json["headers"].as_object().unwrap() {
            headers.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
            );
        }
        let signed_at: DateTime<Utc> = json["signed_at"].as_str().unwrap().parse().unwrap();
        Captured {
            url: Url::parse(json["url"].as_str().unwrap()).unwrap(),
            headers,
            body: json["body"].as_str().unwrap().as_bytes().to_vec(),
            public_key_pem: json["public_key_pem"].as_str().unwrap().to_owned(),
            now: signed_at + Duration::seconds(30),
        }
    }

    impl Captured {
        fn check(&self) -> Result<Signed, FederationError> {
            check(
                &Message {
                    method: &Method::POST,
                    target_uri: &self.url,
                    headers: &self.headers,
                    body: &self.body,
                },
                window_at(self.now),
            )
        }

        fn verify(&self) -> Result<(), FederationError> {
            self.check()?.verify(&self.public_key_pem)
        }
    }

    fn actor(url: &str) -> Url {
        Url::parse(url).unwrap()
    }

    #[test]
    fn a_delivery_signed_by_fedify_verifies() {
        let captured = fedify();
        let signed = captured.check().unwrap();
        assert_eq!(signed.label, "sig1");
        assert_eq!(signed.algorithm, Algorithm::RsaV15Sha256);
        assert_eq!(
            signed.key_id.as_str(),
            "https://fedify.example/users/peer#main-key"
        );
        signed.verify(&captured.public_key_pem).unwrap();
        signed
            .check_origin(&actor("https://fedify.example/users/peer"))
            .unwrap();
    }

    #[test]
    fn a_key_on_another_host_than_the_actor_is_refused() {
        let signed = fedify().check().unwrap();
        for other in [
            "https://elsewhere.example/users/peer",
            "https://fedify.example:8443/users/peer",
        ] {
            let err = signed.check_origin(&actor(other)).unwrap_err();
            assert!(
                matches!(&err, FederationError::Unauthorized(m) if m.contains("not on the actor's host")),
                "{err}"
            );
        }
    }

    #[test]
    fn a_body_changed_after_signing_is_refused() {
        let mut captured = fedify();
        captured.body = captured
            .body
            .iter()
            .map(|&b| if b == b'1' { b'2' } else { b })
            .collect();
        let err = captured.check().unwrap_err();
        assert!(err.to_string().contains("Content-Digest"), "{err}");
        assert_eq!(err.status(), axum::http::StatusCode::UNAUTHORIZED);

        // Even with its digest made right again: the digest is signed.
        let digest = content_digest(&captured.body);
        captured
            .headers
            .insert("content-digest", HeaderValue::from_str(&digest).unwrap());
        let err = captured.verify().unwrap_err();
        assert!(matches!(err, FederationError::BadSignature(_)), "{err}");
        assert_eq!(err.status(), axum::http::StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn a_covered_header_or_target_changed_after_signing_is_refused() {
        let captured = fedify();
        assert!(captured.verify().is_ok());
        let mut date = fedify();
        date.headers.insert(
            "date",
            HeaderValue::from_static("Wed, 02 Dec 2026 10:00:01 GMT"),
        );
        assert!(matches!(
            date.verify(),
            Err(FederationError::BadSignature(_))
        ));
        let mut host = fedify();
        host.headers
            .insert("host", HeaderValue::from_static("other.example"));
        assert!(matches!(
            host.verify(),
            Err(FederationError::BadSignature(_))
        ));
        let mut path = fedify();
        path.url = Url::parse("https://maillage.example/centres/other/inbox").unwrap();
        assert!(matches!(
            path.verify(),
            Err(FederationError::BadSignature(_))
        ));
        let mut key = fedify();
        let other = RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
        key.public_key_pem = other
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        assert!(matches!(
            key.verify(),
            Err(FederationError::BadSignature(_))
        ));
    }

    #[test]
    fn created_must_be_in_the_window() {
        let mut captured = fedify();
        captured.now += Duration::hours(13);
        let err = captured.check().unwrap_err();
        assert!(
            err.to_string().contains("outside the accepted window"),
            "{err}"
        );
        captured.now -= Duration::hours(15);
        let err = captured.check().unwrap_err();
        assert!(
            err.to_string().contains("outside the accepted window"),
            "{err}"
        );
        captured.now += Duration::hours(2) + Duration::minutes(30);
        assert!(captured.check().is_ok());
    }

    /// A request signed here by hand, the signature base written out in full as RFC 9421
    /// §2.5 spells it: `check` must rebuild the same base from the request.
    struct Handmade {
        key: RsaPrivateKey,
        url: Url,
        body: Vec<u8>,
        created: i64,
    }

    impl Handmade {
        fn new() -> Self {
            Self {
                key: RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
                url: Url::parse("http://localhost:8081/inbox?x=1").unwrap(),
                body: br#"{"type":"Follow"}"#.to_vec(),
                created: 1_796_205_600,
            }
        }

        /// Headers for `input` (the Signature-Input member without its label) and the base
        /// it stands for.
        fn sign(&self, input: &str, base: &str, alg: Algorithm) -> HeaderMap {
            let signature = match alg {
                Algorithm::RsaV15Sha256 => self
                    .key
                    .sign(
                        Pkcs1v15Sign::new::<Sha256>(),
                        &Sha256::digest(base.as_bytes()),
                    )
                    .unwrap(),
                Algorithm::RsaPssSha512 => self
                    .key
                    .sign_with_rng(
                        &mut rand::thread_rng(),
                        Pss::new::<Sha512>(),
                        &Sha512::digest(base.as_bytes()),
                    )
                    .unwrap(),
            };
            let mut headers = HeaderMap::new();
            headers.insert("host", HeaderValue::from_static("localhost:8081"));
            headers.insert(
                "content-digest",
                HeaderValue::from_str(&content_digest(&self.body)).unwrap(),
            );
            headers.append("x-list", HeaderValue::from_static(" a "));
            headers.append("x-list", HeaderValue::from_static("b"));
            headers.insert(
                "signature-input",
                HeaderValue::from_str(&format!("sig1={input}")).unwrap(),
            );
            headers.insert(
                "signature",
                HeaderValue::from_str(&format!(
                    "sig1=:{}:",
                    base64::engine::general_purpose::STANDARD.encode(signature)
                ))
                .unwrap(),
            );
            headers
        }

        fn check(&self, headers: &HeaderMap) -> Result<Signed, FederationError> {
            check(
                &Message {
                    method: &Method::POST,
                    target_uri: &self.url,
                    headers,
                    body: &self.body,
                },
                window_at(DateTime::from_timestamp(self.created, 0).unwrap()),
            )
        }

        fn public_key_pem(&self) -> String {
            self.key
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .unwrap()
        }
    }

    #[test]
    fn a_signature_base_written_by_hand_is_the_one_rebuilt() {
        let made = Handmade::new();
        let digest = content_digest(&made.body);
        for (alg, name) in [
            (Algorithm::RsaV15Sha256, "rsa-v1_5-sha256"),
            (Algorithm::RsaPssSha512, "rsa-pss-sha512"),
        ] {
            let params = format!(
                r#"("@method" "@target-uri" "@authority" "@path" "@query" "@request-target" "@scheme" "host" "x-list" "content-digest");created={};keyid="http://localhost:8081/actor#main-key";alg="{name}";nonce="n""#,
                made.created
            );
            let base = format!(
                "\"@method\": POST\n\
                 \"@target-uri\": http://localhost:8081/inbox?x=1\n\
                 \"@authority\": localhost:8081\n\
                 \"@path\": /inbox\n\
                 \"@query\": ?x=1\n\
                 \"@request-target\": /inbox?x=1\n\
                 \"@scheme\": http\n\
                 \"host\": localhost:8081\n\
                 \"x-list\": a, b\n\
                 \"content-digest\": {digest}\n\
                 \"@signature-params\": {params}"
            );
            let headers = made.sign(&params, &base, alg);
            let signed = made.check(&headers).unwrap();
            assert_eq!(signed.base, base);
            assert_eq!(signed.algorithm, alg);
            signed.verify(&made.public_key_pem()).unwrap();
        }
    }

    #[test]
    fn the_rules_of_the_inbox_apply() {
        let made = Handmade::new();
        let created = made.created;
        let refused = |input: String, why: &str| {
            // Signed correctly: the refusal comes from the rules, not the signature.
            let headers = made.sign(&input, "", Algorithm::RsaV15Sha256);
            let err = made.check(&headers).unwrap_err();
            assert!(
                matches!(&err, FederationError::Unauthorized(m) if m.contains(why)),
                "{input}: {err}"
            );
        };
        let key = r#"keyid="http://localhost:8081/actor#main-key""#;
        refused(
            format!(r#"("@target-uri" "content-digest");created={created};{key}"#),
            "must cover @method",
        );
        refused(
            format!(r#"("@method" "@authority" "content-digest");created={created};{key}"#),
            "@target-uri (or @path",
        );
        refused(
            format!(r#"("@method" "@path" "content-digest");created={created};{key}"#),
            "@authority (or host",
        );
        refused(
            format!(r#"("@method" "@target-uri");created={created};{key}"#),
            "content-digest",
        );
        refused(
            format!(r#"("@method" "@target-uri" "content-digest");{key}"#),
            "created is required",
        );
        refused(
            format!(r#"("@method" "@target-uri" "content-digest");created={created}"#),
            "keyid is required",
        );
        refused(
            format!(r#"("@method" "@target-uri" "content-digest");created={created};keyid="k1""#),
            "not an http(s) URL",
        );
        refused(
            format!(
                r#"("@method" "@target-uri" "content-digest");created={created};expires={};{key}"#,
                created - 1
            ),
            "expired",
        );
        refused(
            format!(
                r#"("@method" "@target-uri" "content-digest");created={created};alg="ed25519";{key}"#
            ),
            "alg \"ed25519\" is not accepted",
        );
        refused(
            format!(r#"("@method" "@target-uri" "content-digest";sf);created={created};{key}"#),
            "component parameters are not supported",
        );
        refused(
            format!(
                r#"("@method" "@target-uri" "@method" "content-digest");created={created};{key}"#
            ),
            "covered twice",
        );
        refused(
            format!(
                r#"("@method" "@target-uri" "content-digest" "@status");created={created};{key}"#
            ),
            "\"@status\" is not supported",
        );
        refused(
            format!(
                r#"("@method" "@target-uri" "content-digest" "x-absent");created={created};{key}"#
            ),
            "covered header x-absent is missing",
        );
    }

    #[test]
    fn content_digest_reads_sha_256_and_sha_512() {
        let body = b"{}";
        let sha512 = format!(
            "sha-512=:{}:",
            base64::engine::general_purpose::STANDARD.encode(Sha512::digest(body))
        );
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("content-digest", HeaderValue::from_str(value).unwrap());
            check_content_digest(&headers, body)
        };
        assert!(with(&content_digest(body)).is_ok());
        assert!(with(&sha512).is_ok());
        assert!(with(&format!("md5=:AAAA:, {sha512}")).is_ok());
        assert!(with(&format!("{}, {sha512}", content_digest(b"other"))).is_err());
        assert!(with("md5=:AAAA:").is_err());
        assert!(with("sha-256=abc").is_err());
        assert!(check_content_digest(&HeaderMap::new(), body).is_err());
    }

    /// RFC 9421 Appendix B.2.1 (rsa-pss-sha512, no component covered), with the RFC's test
    /// key `test-key-rsa-pss` (B.1.2): the `@signature-params` line rebuilt from the received
    /// `Signature-Input` keeps the parameters' order, and the RFC's signature verifies.
    #[test]
    fn rfc_9421_appendix_b_2_1() {
        const PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----";
        const SIGNATURE: &str = "d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==";
        let input: Dictionary = Parser::new(
            r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
        )
        .parse()
        .unwrap();
        let ListEntry::InnerList(input) = &input[0] else {
            panic!("an inner list");
        };
        let url = Url::parse("https://example.com/foo?param=Value&Pet=dog").unwrap();
        let headers = HeaderMap::new();
        let message = Message {
            method: &Method::POST,
            target_uri: &url,
            headers: &headers,
            body: b"",
        };
        let base = signature_base(&message, &[], input).unwrap();
        assert_eq!(
            base,
            r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
        );
        let signature = base64::engine::general_purpose::STANDARD
            .decode(SIGNATURE)
            .unwrap();
        let verify =
            |scheme, base: &str| verify_rsa(PUBLIC_KEY, scheme, base.as_bytes(), &signature);
        assert_eq!(verify(RsaScheme::PssSha512, &base), Ok(()));
        assert_eq!(
            verify(RsaScheme::Pkcs1Sha256, &base),
            Err(VerifyError::Mismatch)
        );
        let other = base.replace("1618884473", "1618884474");
        assert_eq!(
            verify(RsaScheme::PssSha512, &other),
            Err(VerifyError::Mismatch)
        );
    }

    mod fuzz {
        use proptest::prelude::*;

        use super::*;
        use crate::fuzzing;

        proptest! {
            #![proptest_config(fuzzing::config())]

            #[test]
            fn signature_headers_never_panic(input in any::<String>(), signature in any::<String>(), digest in any::<String>()) {
                let mut headers = HeaderMap::new();
                for (name, value) in [("signature-input", &input), ("signature", &signature), ("content-digest", &digest)] {
                    if let Ok(value) = HeaderValue::from_str(value) {
                        headers.insert(name, value);
                    }
                }
                let url = Url::parse("http://localhost:8081/inbox").unwrap();
                let message = Message { method: &Method::POST, target_uri: &url, headers: &headers, body: b"{}" };
                let _ = check(&message, window_at(Utc::now()));
            }

            #[test]
            fn signature_inputs_that_parse_never_panic(
                components in proptest::collection::vec("\"@?[a-z-]{0,12}\"(;[a-z]{1,3})?", 0..6),
                created in any::<i64>(),
                expires in proptest::option::of(any::<i64>()),
            ) {
                let made = format!(
                    "sig1=({});created={created}{};keyid=\"http://localhost:8081/a\", sig2=:AAAA:",
                    components.join(" "),
                    expires.map(|e| format!(";expires={e}")).unwrap_or_default(),
                );
                let mut headers = HeaderMap::new();
                if let Ok(value) = HeaderValue::from_str(&made) {
                    headers.insert("signature-input", value);
                }
                headers.insert("signature", HeaderValue::from_static("sig1=:AAAA:"));
                let url = Url::parse("http://localhost:8081/inbox").unwrap();
                let message = Message { method: &Method::POST, target_uri: &url, headers: &headers, body: b"{}" };
                let _ = check(&message, window_at(Utc::now()));
            }
        }
    }
}
