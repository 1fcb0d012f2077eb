//! Regions as ISO 3166 codes: a country (`CH`) or a subdivision (`FR-ARA`, `CH-GE`).

use super::FieldError;

/// Checks the shape of an ISO 3166-1 alpha-2 or ISO 3166-2 code and returns it upper-cased.
/// The list of subdivisions changes over time, so only the shape is checked.
pub(crate) fn parse(field: &str, value: &str) -> Result<String, FieldError> {
    let code = value.trim().to_uppercase();
    let (country, subdivision) = match code.split_once('-') {
        Some((c, s)) => (c, Some(s)),
        None => (code.as_str(), None),
    };
    let country_ok = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    let subdivision_ok = subdivision
        .is_none_or(|s| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if country_ok && subdivision_ok {
        Ok(code)
    } else {
        Err(FieldError::coded(
            field,
            "region",
            format!(
                "`{}` is not an ISO 3166 code such as FR, FR-ARA or CH-GE",
                value.trim()
            ),
            &[("value", &value.trim())],
        ))
    }
}

pub(crate) fn optional(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(field, v).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_countries_and_subdivisions() {
        assert_eq!(parse("region", "fr-ara").unwrap(), "FR-ARA");
        assert_eq!(parse("region", "CH").unwrap(), "CH");
        assert_eq!(parse("region", "FR-42").unwrap(), "FR-42");
        for bad in ["France", "F-ARA", "FR-ARAX", "FR-", "12"] {
            assert_eq!(
                parse("area.region", bad).unwrap_err().field,
                "area.region",
                "{bad}"
            );
        }
    }
}
