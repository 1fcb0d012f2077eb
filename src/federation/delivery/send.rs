//! Signing and sending one stored activity to one inbox, and what the answer means.
//! draft-cavage signatures over `(request-target) content-type date digest host` (as Mastodon
//! reads them: no `(created)`, the same settings as the library's signed fetches, see
//! FEDERATION.md) made with http-signature-normalization, as the ActivityPub library does, but
//! sent here so the status and `Retry-After` of each answer are seen.

use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine as _;
use http_signature_normalization_reqwest::prelude::{Config, SignExt};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, DATE, HeaderValue, RETRY_AFTER};
use sha2::{Digest, Sha256};

use crate::federation::keys::{SignError, SigningKey};

/// What an inbox answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Delivered,
    /// Try again later (network error, 5xx, 408, 429); `Some` delay when the peer said.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// A final refusal (4xx other than 408/429/410): do not retry.
    Rejected(String),
    /// 410 Gone: this inbox does not exist any more.
    Gone,
}

static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    Config::new()
        .mastodon_compat()
        .set_expiration(Duration::from_secs(3600))
});

pub(crate) async fn send(
    client: &reqwest::Client,
    inbox: &str,
    actor_id: &str,
    private_key_pem: &str,
    body: String,
) -> Outcome {
    let key = match SigningKey::from_pem(private_key_pem) {
        Ok(key) => key,
        Err(e) => return Outcome::Rejected(e.to_string()),
    };
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let Ok(url) = url::Url::parse(inbox) else {
        return Outcome::Rejected(format!("`{inbox}` is not a URL"));
    };
    let host = crate::federation::authority(&url);
    let request = client
        .post(inbox)
        .header(reqwest::header::HOST, host)
        .header(
            CONTENT_TYPE,
            HeaderValue::from_static("application/activity+json"),
        )
        .header(DATE, date)
        .signature_with_digest(
            CONFIG.clone(),
            format!("{actor_id}#main-key"),
            Sha256::new(),
            body,
            move |signing_string| {
                key.sign(signing_string.as_bytes())
                    .map(|s| base64::engine::general_purpose::STANDARD.encode(s))
                    .map_err(SignFailure::from)
            },
        )
        .await;
    let request = match request {
        Ok(r) => r,
        Err(e) => return Outcome::Rejected(format!("cannot sign: {e}")),
    };
    match client.execute(request).await {
        Ok(response) => classify(response.status(), response.headers().get(RETRY_AFTER)),
        Err(e) => Outcome::Retry {
            error: e.to_string(),
            after: None,
        },
    }
}

/// What can go wrong while signing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignFailure {
    #[error("{0}")]
    Key(#[from] SignError),
    #[error("{0}")]
    Sign(#[from] http_signature_normalization_reqwest::SignError),
    #[error("{0}")]
    Request(#[from] reqwest::Error),
}

pub(crate) fn classify(status: StatusCode, retry_after: Option<&HeaderValue>) -> Outcome {
    if status.is_success() {
        return Outcome::Delivered;
    }
    if status == StatusCode::GONE {
        return Outcome::Gone;
    }
    if status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
    {
        return Outcome::Retry {
            error: format!("the inbox answered {status}"),
            after: retry_after.and_then(parse_retry_after),
        };
    }
    Outcome::Rejected(format!("the inbox answered {status}"))
}

/// `Retry-After: 120` or an HTTP date.
fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified() {
        assert_eq!(classify(StatusCode::ACCEPTED, None), Outcome::Delivered);
        assert_eq!(classify(StatusCode::GONE, None), Outcome::Gone);
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, None),
            Outcome::Rejected(_)
        ));
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, None),
            Outcome::Retry { after: None, .. }
        ));
        let after = HeaderValue::from_static("120");
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, Some(&after)),
            Outcome::Retry {
                error: "the inbox answered 429 Too Many Requests".into(),
                after: Some(Duration::from_secs(120))
            }
        );
        assert!(matches!(
            classify(StatusCode::REQUEST_TIMEOUT, None),
            Outcome::Retry { .. }
        ));
    }
}
