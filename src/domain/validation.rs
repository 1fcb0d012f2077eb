//! The one error every parser in `domain` returns: which field, and why.

use std::fmt;

/// A refused input value. `field` is a dotted path from the document's root
/// (`software.homepage`, `hosting.1.url`), so a client can put the message next to the input.
///
/// `reason` is English, for the API and logs. The common refusals also carry a `code` and its
/// `args`, so an interface can say the same in its visitor's language (the website's
/// `reason-{code}` messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
    pub code: Option<&'static str>,
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
            code: None,
            args: Vec::new(),
        }
    }

    /// A refusal an interface can translate: `code` names it, `args` fill its message.
    pub(crate) fn coded(
        field: impl Into<String>,
        code: &'static str,
        reason: impl Into<String>,
        args: &[(&'static str, &dyn fmt::Display)],
    ) -> Self {
        Self {
            code: Some(code),
            args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            ..Self::new(field, reason)
        }
    }

    /// Prefixes the field path, for errors found inside a nested object or a list item.
    pub(crate) fn inside(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            // A problem with the whole document (not JSON at all): no field to name.
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.field, self.reason)
        }
    }
}

impl std::error::Error for FieldError {}
