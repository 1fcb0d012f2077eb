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

/// Every problem of an input, collected while its fields are checked one by one, so that a form
/// can show them all at once (the API answers with the same list).
///
/// A field whose check failed takes a stand-in value (`check`) or none (`keep`); `finish` throws
/// the stand-ins away with the problems, so a refused input never leaks a half-checked value.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    /// The checked value, or its type's default while the problem is recorded.
    pub(crate) fn check<T: Default>(&mut self, result: Result<T, FieldError>) -> T {
        self.keep(result).unwrap_or_default()
    }

    /// The checked value, or `None` while the problem is recorded.
    pub(crate) fn keep<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// The value of a nested input checked as a whole; its problems are placed under `parent`.
    pub(crate) fn nested<T>(
        &mut self,
        parent: &str,
        result: Result<T, Vec<FieldError>>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problems) => {
                self.0
                    .extend(problems.into_iter().map(|e| e.inside(parent)));
                None
            }
        }
    }

    pub(crate) fn push(&mut self, problem: FieldError) {
        self.0.push(problem);
    }

    /// Whether a problem was already recorded at `field`, so a rule that depends on the field
    /// does not report it twice.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The input's value when no check failed: `build` then has every value it asks for.
    pub(crate) fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        if !self.0.is_empty() {
            return Err(self.0);
        }
        Ok(build().expect("a check without a problem leaves its value"))
    }
}

/// The first of an input's problems: what a caller that stops at one refusal reports.
pub(crate) fn first(problems: Vec<FieldError>) -> FieldError {
    problems
        .into_iter()
        .next()
        .expect("a refused input has at least one problem")
}
