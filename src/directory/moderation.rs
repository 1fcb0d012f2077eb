//! Moderation: hiding one remote item, blocking a domain, the allow list.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::storage::moderation::{self, RuleKind};

use super::{Directory, DirectoryError, now};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainRuleInput {
    /// A host (`example.org`) or host and port (`localhost:8081`).
    pub domain: String,
    /// `block` or `allow` (the allow list matters when `federation.allowlist_mode` is on).
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DomainRuleView {
    pub domain: String,
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HideInput {
    /// The id (URL) of a recommendation or contact received from a peer.
    pub object: String,
    /// false shows it again. Default true.
    #[serde(default = "yes")]
    pub hidden: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlockReport {
    pub domain: String,
    pub rule: String,
    /// Copies removed from this node's directory by a block.
    pub removed_recommendations: usize,
    pub removed_contacts: usize,
    pub removed_places: usize,
    /// Follows ended by a block (the domain's actors following this node's centres, and this
    /// node's centres following them).
    pub removed_follows: usize,
    /// Deliveries to the domain that were waiting and will not be sent.
    pub cancelled_deliveries: usize,
}

/// A rule's domain, normalised as every host this node compares (`Evil.Example.` is
/// `evil.example`, `évil.example` its IDNA form), so that no spelling gets around it.
fn parse_domain(value: &str) -> Result<String, FieldError> {
    match crate::domain::urls::parse_authority(value) {
        Some(domain) if domain.len() <= 255 => Ok(domain),
        _ => Err(FieldError::new(
            "domain",
            format!("`{}` is not a domain such as example.org", value.trim()),
        )),
    }
}

impl Directory {
    /// Blocks or allows a domain. A block also removes every copy received from it.
    #[tracing::instrument(skip(self, input), fields(domain = %input.domain, rule = %input.rule))]
    pub(crate) async fn set_domain_rule(
        &self,
        input: &DomainRuleInput,
    ) -> Result<BlockReport, DirectoryError> {
        let domain = parse_domain(&input.domain)?;
        let rule = RuleKind::parse(input.rule.trim()).ok_or_else(|| {
            FieldError::new(
                "rule",
                format!("`{}` is not one of block, allow", input.rule.trim()),
            )
        })?;
        if domain == self.urls().authority() {
            return Err(FieldError::new("domain", "is this node").into());
        }
        let d = domain.clone();
        let purged = self
            .db()
            .write(move |conn| {
                moderation::set_rule(conn, &d, rule, now())?;
                if rule == RuleKind::Block {
                    moderation::purge_domain(conn, &d)
                } else {
                    Ok(moderation::Purged::default())
                }
            })
            .await?;
        self.federation().rules_changed();
        Ok(BlockReport {
            domain,
            rule: rule.as_str().to_owned(),
            removed_recommendations: purged.recommendations,
            removed_contacts: purged.contacts,
            removed_places: purged.places,
            removed_follows: purged.follows,
            cancelled_deliveries: purged.deliveries,
        })
    }

    #[tracing::instrument(skip(self))]
    pub(crate) async fn remove_domain_rule(&self, domain: &str) -> Result<(), DirectoryError> {
        let domain = parse_domain(domain)?;
        let d = domain.clone();
        if self
            .db()
            .write(move |conn| moderation::remove_rule(conn, &d))
            .await?
        {
            Ok(())
        } else {
            Err(DirectoryError::NotFound(format!("rule for `{domain}`")))
        }
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn domain_rules(&self) -> Result<Vec<DomainRuleView>, DirectoryError> {
        Ok(self
            .db()
            .run(moderation::list_rules)
            .await?
            .into_iter()
            .map(|r| DomainRuleView {
                domain: r.domain,
                rule: r.rule.as_str().to_owned(),
            })
            .collect())
    }

    /// Hides (or shows again) one item received from a peer on this node.
    #[tracing::instrument(skip(self, input), fields(object = %input.object, hidden = input.hidden))]
    pub(crate) async fn hide(&self, input: &HideInput) -> Result<(), DirectoryError> {
        let (object, hidden) = (input.object.trim().to_owned(), input.hidden);
        let found = self
            .db()
            .write(move |conn| moderation::set_hidden(conn, &object, hidden))
            .await?;
        if found {
            Ok(())
        } else {
            Err(FieldError::new(
                "object",
                format!(
                    "no item received from a peer has the id `{}`",
                    input.object.trim()
                ),
            )
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised() {
        assert_eq!(
            parse_domain("https://Evil.Example/").unwrap(),
            "evil.example"
        );
        assert_eq!(parse_domain("localhost:8081").unwrap(), "localhost:8081");
        assert_eq!(parse_domain("localhost.:8081").unwrap(), "localhost:8081");
        assert_eq!(
            parse_domain("Évil.Example.").unwrap(),
            "xn--vil-9la.example"
        );
        assert!(parse_domain("evil example").is_err());
        assert!(parse_domain("").is_err());
    }
}
