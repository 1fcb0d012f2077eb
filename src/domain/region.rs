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

/// The French regions (ISO 3166-2:FR since 2016) and France itself: the name, and how a
/// sentence says "in" it ("en Bretagne", "dans le Grand Est", "à La Réunion").
const FRENCH: &[(&str, &str, &str)] = &[
    ("FR", "France", "en France"),
    ("FR-ARA", "Auvergne-Rhône-Alpes", "en Auvergne-Rhône-Alpes"),
    (
        "FR-BFC",
        "Bourgogne-Franche-Comté",
        "en Bourgogne-Franche-Comté",
    ),
    ("FR-BRE", "Bretagne", "en Bretagne"),
    ("FR-CVL", "Centre-Val de Loire", "en Centre-Val de Loire"),
    ("FR-20R", "Corse", "en Corse"),
    ("FR-GES", "Grand Est", "dans le Grand Est"),
    ("FR-HDF", "Hauts-de-France", "dans les Hauts-de-France"),
    ("FR-IDF", "Île-de-France", "en Île-de-France"),
    ("FR-NOR", "Normandie", "en Normandie"),
    ("FR-NAQ", "Nouvelle-Aquitaine", "en Nouvelle-Aquitaine"),
    ("FR-OCC", "Occitanie", "en Occitanie"),
    ("FR-PDL", "Pays de la Loire", "en Pays de la Loire"),
    (
        "FR-PAC",
        "Provence-Alpes-Côte d’Azur",
        "en Provence-Alpes-Côte d’Azur",
    ),
    ("FR-971", "Guadeloupe", "en Guadeloupe"),
    ("FR-972", "Martinique", "en Martinique"),
    ("FR-973", "Guyane", "en Guyane"),
    ("FR-974", "La Réunion", "à La Réunion"),
    ("FR-976", "Mayotte", "à Mayotte"),
];

/// "en Bretagne" for `FR-BRE`: the phrase a French sentence uses for a known region.
pub fn in_french(code: &str) -> Option<&'static str> {
    FRENCH
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(.., phrase)| *phrase)
}

/// Neighbouring French-speaking countries a centre may be in: the code, the name in French
/// and in English.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("BE", "Belgique", "Belgium"),
    ("CH", "Suisse", "Switzerland"),
    ("LU", "Luxembourg", "Luxembourg"),
    ("MC", "Monaco", "Monaco"),
    ("CA", "Canada", "Canada"),
];

/// The name a visitor reads for a region code (`FR-ARA` -> "Auvergne-Rhône-Alpes"), in French
/// (`english` false) or English; `None` for a code this list does not know, shown as written.
/// French regions keep their French names in English, as English texts write them.
pub fn name(code: &str, english: bool) -> Option<&'static str> {
    if let Some((_, name, _)) = FRENCH.iter().find(|(c, ..)| c.eq_ignore_ascii_case(code)) {
        return Some(*name);
    }
    COUNTRIES
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(_, fr, en)| if english { *en } else { *fr })
}

/// Every region this list names, French regions first: the code and the name.
pub fn known(english: bool) -> Vec<(&'static str, &'static str)> {
    FRENCH
        .iter()
        .map(|(code, name, _)| (*code, *name))
        .chain(
            COUNTRIES
                .iter()
                .map(|(code, fr, en)| (*code, if english { *en } else { *fr })),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_regions_read_as_a_sentence_says_them() {
        assert_eq!(in_french("FR-BRE"), Some("en Bretagne"));
        assert_eq!(in_french("fr-ges"), Some("dans le Grand Est"));
        assert_eq!(in_french("CH-GE"), None);
        for (code, ..) in FRENCH {
            assert_eq!(parse("region", code).as_deref(), Ok(*code));
        }
    }

    #[test]
    fn codes_read_as_names() {
        assert_eq!(name("FR-ARA", false), Some("Auvergne-Rhône-Alpes"));
        assert_eq!(name("fr-idf", true), Some("Île-de-France"));
        assert_eq!(name("CH", false), Some("Suisse"));
        assert_eq!(name("CH", true), Some("Switzerland"));
        assert_eq!(name("CH-GE", false), None);
    }

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
