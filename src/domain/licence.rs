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

/// What a visitor reads for a licence expression, rather than SPDX identifiers: each licence's
/// usual short name, how they combine, and whether the whole is libre and copyleft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// Short names in the expression's order (`GNU GPL v3`, `Apache 2.0`), each with whether a
    /// later version may be chosen (`…-or-later`, `+`).
    pub names: Vec<(String, bool)>,
    /// Whether one of them may be chosen (`OR`) rather than all applying (`AND`).
    pub any_of: bool,
    /// Free software by the FSF or open source by the OSI.
    pub libre: bool,
    /// Modified versions must stay under the same terms.
    pub copyleft: bool,
}

/// Short names of the licences the directory's software mostly uses; others read as SPDX's
/// full name.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("AGPL-3.0", "GNU AGPL v3"),
    ("GPL-2.0", "GNU GPL v2"),
    ("GPL-3.0", "GNU GPL v3"),
    ("LGPL-2.1", "GNU LGPL v2.1"),
    ("LGPL-3.0", "GNU LGPL v3"),
    ("GFDL-1.3", "GNU FDL 1.3"),
    ("MPL-2.0", "Mozilla Public License 2.0"),
    ("Apache-2.0", "Apache 2.0"),
    ("MIT", "MIT"),
    ("BSD-2-Clause", "BSD 2-Clause"),
    ("BSD-3-Clause", "BSD 3-Clause"),
    ("ISC", "ISC"),
    ("EUPL-1.2", "EUPL 1.2"),
    ("CECILL-2.1", "CeCILL 2.1"),
    ("CECILL-B", "CeCILL-B"),
    ("CECILL-C", "CeCILL-C"),
    ("EPL-2.0", "Eclipse Public License 2.0"),
    ("CC0-1.0", "CC0"),
    ("CC-BY-SA-4.0", "CC BY-SA 4.0"),
    ("Unlicense", "Unlicense"),
    ("Zlib", "zlib"),
];

/// The licences a form offers by name, most used in the directory first; any other SPDX
/// expression can still be typed.
pub const COMMON: &[&str] = &[
    "AGPL-3.0-or-later",
    "AGPL-3.0-only",
    "GPL-3.0-or-later",
    "GPL-3.0-only",
    "GPL-2.0-or-later",
    "GPL-2.0-only",
    "LGPL-3.0-or-later",
    "LGPL-2.1-or-later",
    "MPL-2.0",
    "EUPL-1.2",
    "CECILL-2.1",
    "Apache-2.0",
    "MIT",
    "BSD-3-Clause",
    "BSD-2-Clause",
    "ISC",
    "EPL-2.0",
    "CC0-1.0",
    "Unlicense",
];

/// Describes a stored expression; `None` when it does not parse (it is then shown as written).
pub(crate) fn describe(expression: &str) -> Option<Described> {
    let parsed = spdx::Expression::parse_mode(expression, spdx::ParseMode::LAX).ok()?;
    let any_of = parsed.iter().any(|n| {
        matches!(
            n,
            spdx::expression::ExprNode::Op(spdx::expression::Operator::Or)
        )
    });
    let mut names = Vec::new();
    let (mut libre, mut copyleft) = (Vec::new(), Vec::new());
    for req in parsed.requirements() {
        let spdx::LicenseItem::Spdx { id, or_later } = &req.req.license else {
            return None;
        };
        let (base, later) = match id.name.strip_suffix("-or-later") {
            Some(base) => (base, true),
            None => (id.name.strip_suffix("-only").unwrap_or(id.name), *or_later),
        };
        let name = SHORT_NAMES
            .iter()
            .find(|(spdx, _)| *spdx == base)
            .map_or(id.full_name, |(_, short)| short);
        if !names.iter().any(|(n, l)| n == name && *l == later) {
            names.push((name.to_owned(), later));
        }
        libre.push(id.is_fsf_free_libre() || id.is_osi_approved());
        copyleft.push(id.is_copyleft());
    }
    // All apply: libre if each is, copyleft if one is. One to choose: libre if one is, and
    // copyleft only if no choice escapes it.
    let (libre, copyleft) = if any_of {
        (libre.iter().any(|l| *l), copyleft.iter().all(|c| *c))
    } else {
        (libre.iter().all(|l| *l), copyleft.iter().any(|c| *c))
    };
    Some(Described {
        names,
        any_of,
        libre,
        copyleft,
    })
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

    #[test]
    fn expressions_read_as_short_names_with_their_kind() {
        let d = describe("GPL-2.0-only AND GPL-3.0-only AND AGPL-3.0-only AND Apache-2.0").unwrap();
        let names: Vec<&str> = d.names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["GNU GPL v2", "GNU GPL v3", "GNU AGPL v3", "Apache 2.0"]
        );
        assert!(!d.any_of && d.libre && d.copyleft);

        let d = describe("AGPL-3.0-or-later").unwrap();
        assert_eq!(d.names, [("GNU AGPL v3".to_owned(), true)]);
        assert!(d.libre && d.copyleft);

        let d = describe("MIT OR Apache-2.0").unwrap();
        assert!(d.any_of && d.libre && !d.copyleft, "{d:?}");
        let d = describe("MPL-2.0 OR MIT").unwrap();
        assert!(!d.copyleft, "a permissive choice escapes the copyleft");

        let d = describe("CC-BY-NC-4.0").unwrap();
        assert!(!d.libre, "non-commercial is not libre");
        assert_eq!(
            d.names[0].0,
            "Creative Commons Attribution Non Commercial 4.0 International"
        );
        assert_eq!(describe("not an expression ((("), None);
    }
}
