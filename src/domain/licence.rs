//! Software licences as SPDX expressions, the way the sources actually write them.
//!
//! Sources still use deprecated identifiers (`AGPL-3.0`, `GPL-2.0`) and loose names (`apache`):
//! those are normalised to their current identifiers. A single word that is no licence at all
//! (`DISPUTED`, `unknown`) means "we do not know": it is kept empty rather than refused, because
//! refusing would lose the rest of the record. A malformed expression is refused.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// A valid, canonical SPDX licence expression such as `AGPL-3.0-only` or `MIT OR Apache-2.0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Licence(String);

impl Licence {
    /// `Ok(None)` when the value is blank or a single unknown word.
    pub(crate) fn parse(field: &str, value: &str) -> Result<Option<Self>, FieldError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.len() > 200 {
            return Err(FieldError::new(
                field,
                "must be at most 200 characters long",
            ));
        }
        let single_word = !value.contains(|c: char| c.is_whitespace() || c == '(' || c == ')');
        let canonical = match spdx::Expression::canonicalize(value) {
            Ok(c) => c.unwrap_or_else(|| value.to_owned()),
            Err(e) if single_word && is_unknown_term(&e.reason) => return Ok(None),
            Err(e) => return Err(invalid(field, value, &e)),
        };
        match spdx::Expression::parse(&canonical) {
            Ok(expression) => Ok(Some(Self(expression.to_string()))),
            Err(e) if single_word && is_unknown_term(&e.reason) => Ok(None),
            Err(e) => Err(invalid(field, value, &e)),
        }
    }

    pub(crate) fn optional(field: &str, value: Option<&str>) -> Result<Option<Self>, FieldError> {
        value.map_or(Ok(None), |v| Self::parse(field, v))
    }
}

fn is_unknown_term(reason: &spdx::error::Reason) -> bool {
    use spdx::error::Reason;
    matches!(reason, Reason::UnknownTerm | Reason::UnknownLicense)
}

fn invalid(field: &str, value: &str, error: &spdx::error::ParseError) -> FieldError {
    FieldError::coded(
        field,
        "licence",
        format!(
            "`{value}` is not a valid SPDX licence expression ({})",
            error.reason
        ),
        &[("value", &value)],
    )
}

impl fmt::Display for Licence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &str) -> Option<String> {
        Licence::parse("software.license", v)
            .unwrap()
            .map(|l| l.to_string())
    }

    #[test]
    fn deprecated_identifiers_are_normalised() {
        assert_eq!(parse("AGPL-3.0").as_deref(), Some("AGPL-3.0-only"));
        assert_eq!(parse("GPL-2.0").as_deref(), Some("GPL-2.0-only"));
        assert_eq!(
            parse("GPL-3.0-or-later").as_deref(),
            Some("GPL-3.0-or-later")
        );
        assert_eq!(parse("MIT").as_deref(), Some("MIT"));
        assert_eq!(parse("CECILL-B").as_deref(), Some("CECILL-B"));
        assert_eq!(
            parse("MIT OR Apache-2.0").as_deref(),
            Some("MIT OR Apache-2.0")
        );
    }

    #[test]
    fn unknown_single_word_stays_empty() {
        assert_eq!(parse("DISPUTED"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("   "), None);
    }

    #[test]
    fn malformed_expression_is_refused_with_its_field() {
        for bad in [
            "MIT AND (",
            "MIT AND Nonsense-Licence",
            "MIT OR OR Apache-2.0",
        ] {
            let err = Licence::parse("software.license", bad).unwrap_err();
            assert_eq!(err.field, "software.license", "{bad}");
            assert!(err.reason.contains("SPDX"), "{bad}: {}", err.reason);
        }
    }
}
