//! Bounded free text, and the folding used to compare and search text
//! ("Médiation" and "mediation" are the same word for a person typing in a search box).

use super::FieldError;

/// Trims `value` and checks it is between `min` and `max` characters with no control characters
/// (line breaks and tabs are allowed only where `multiline` says so).
pub(crate) fn bounded(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, FieldError> {
    let trimmed = value.trim();
    let count = trimmed.chars().count();
    if count < min {
        return Err(if min == 1 {
            FieldError::coded(field, "empty", "must not be empty", &[])
        } else {
            FieldError::coded(
                field,
                "too-short",
                format!("must be at least {min} characters long"),
                &[("min", &min)],
            )
        });
    }
    if count > max {
        return Err(FieldError::coded(
            field,
            "too-long",
            format!("must be at most {max} characters long (got {count})"),
            &[("max", &max), ("count", &count)],
        ));
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\r' || c == '\t');
    if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::coded(
            field,
            "control-characters",
            "must not contain control characters",
            &[],
        ));
    }
    Ok(trimmed.to_owned())
}

/// Like [`bounded`] for an optional value: absent or blank becomes `None`.
pub(crate) fn optional(
    field: &str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, 1, max, multiline).map(Some),
    }
}

/// The refusal of a list longer than `max_items`.
pub(crate) fn too_many(field: &str, max_items: usize) -> FieldError {
    FieldError::coded(
        field,
        "too-many",
        format!("must have at most {max_items} items"),
        &[("max", &max_items)],
    )
}

/// A list of short labels (audience, skills...): each bounded, blanks and duplicates dropped.
pub(crate) fn label_list(
    field: &str,
    values: &[String],
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, FieldError> {
    if values.len() > max_items {
        return Err(too_many(field, max_items));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        if v.trim().is_empty() {
            continue;
        }
        let v = bounded(&format!("{field}.{i}"), v, 1, max_len, false)?;
        if !out.iter().any(|o| fold(o) == fold(&v)) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Lower case, accents removed, every run of non-alphanumeric characters turned into one space.
pub fn fold(value: &str) -> String {
    let ascii = deunicode::deunicode(value).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for word in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A URL-safe slug: the folded words joined by dashes.
pub(crate) fn slug(value: &str) -> String {
    fold(value).replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_case_accents_and_punctuation() {
        assert_eq!(fold("  Médiation  Numérique! "), "mediation numerique");
        assert_eq!(fold("Google Hangouts/Meet"), "google hangouts meet");
        assert_eq!(fold("Œuvre"), "oeuvre");
    }

    #[test]
    fn bounded_trims_and_names_the_field() {
        assert_eq!(
            bounded("name", "  Nextcloud ", 1, 10, false).unwrap(),
            "Nextcloud"
        );
        let err = bounded("summary", "   ", 1, 10, false).unwrap_err();
        assert_eq!(err.field, "summary");
        assert!(err.reason.contains("empty"));
        let err = bounded("name", "abcdefghijk", 1, 10, false).unwrap_err();
        assert!(err.reason.contains("at most 10"), "{}", err.reason);
        assert!(bounded("name", "a\u{7}b", 1, 10, false).is_err());
        assert!(bounded("name", "a\nb", 1, 10, false).is_err());
        assert!(bounded("rationale", "a\nb", 1, 10, true).is_ok());
    }

    #[test]
    fn label_list_drops_blanks_and_duplicates() {
        let got = label_list(
            "audience",
            &["associations".into(), " ".into(), "Associations".into()],
            5,
            20,
        )
        .unwrap();
        assert_eq!(got, vec!["associations"]);
        assert_eq!(
            label_list("audience", &["x".repeat(30)], 5, 20)
                .unwrap_err()
                .field,
            "audience.0"
        );
    }

    #[test]
    fn slug_is_url_safe() {
        assert_eq!(slug("Jitsi Meet"), "jitsi-meet");
        assert_eq!(slug("Galène"), "galene");
    }
}
