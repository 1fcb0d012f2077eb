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
pub(crate) fn in_french(code: &str) -> Option<&'static str> {
    FRENCH
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(.., phrase)| *phrase)
}

/// The departments of each French region (ISO 3166-2:FR), by the first characters of their
/// communes' INSEE codes: what "the region of this postcode" means.
const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "FR-ARA",
        &[
            "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
        ],
    ),
    ("FR-BFC", &["21", "25", "39", "58", "70", "71", "89", "90"]),
    ("FR-BRE", &["22", "29", "35", "56"]),
    ("FR-CVL", &["18", "28", "36", "37", "41", "45"]),
    ("FR-20R", &["2A", "2B"]),
    (
        "FR-GES",
        &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    ),
    ("FR-HDF", &["02", "59", "60", "62", "80"]),
    ("FR-IDF", &["75", "77", "78", "91", "92", "93", "94", "95"]),
    ("FR-NOR", &["14", "27", "50", "61", "76"]),
    (
        "FR-NAQ",
        &[
            "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87",
        ],
    ),
    (
        "FR-OCC",
        &[
            "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
        ],
    ),
    ("FR-PDL", &["44", "49", "53", "72", "85"]),
    ("FR-PAC", &["04", "05", "06", "13", "83", "84"]),
    ("FR-971", &["971"]),
    ("FR-972", &["972"]),
    ("FR-973", &["973"]),
    ("FR-974", &["974"]),
    ("FR-976", &["976"]),
];

/// The region (`FR-ARA`) of a commune of France, by its INSEE code (`42218`); None for the
/// overseas collectivities, which are in no region.
pub(crate) fn of_commune(insee: &str) -> Option<&'static str> {
    let department = if insee.starts_with("97") {
        insee.get(..3)?
    } else {
        insee.get(..2)?
    };
    DEPARTMENTS
        .iter()
        .find(|(_, departments)| departments.contains(&department))
        .map(|(region, _)| *region)
}

/// The regions a form offers by name, France first: `(code, name)`. The code is what is
/// stored and federated; people pick the name.
pub(crate) fn named() -> impl Iterator<Item = (&'static str, &'static str)> {
    FRENCH.iter().map(|(code, name, _)| (*code, *name))
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
pub(crate) fn name(code: &str, english: bool) -> Option<&'static str> {
    if let Some((_, name, _)) = FRENCH.iter().find(|(c, ..)| c.eq_ignore_ascii_case(code)) {
        return Some(*name);
    }
    COUNTRIES
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(_, fr, en)| if english { *en } else { *fr })
}

/// Every region this list names, French regions first: the code and the name.
pub(crate) fn known(english: bool) -> Vec<(&'static str, &'static str)> {
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
    fn every_metropolitan_department_is_in_one_region() {
        let all: Vec<&str> = DEPARTMENTS
            .iter()
            .flat_map(|(_, d)| d.iter().copied())
            .collect();
        assert_eq!(all.len(), 96 + 5);
        let unique: std::collections::BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len());
        assert_eq!(of_commune("42218"), Some("FR-ARA"));
        assert_eq!(of_commune("2A004"), Some("FR-20R"));
        assert_eq!(of_commune("97411"), Some("FR-974"));
        assert_eq!(of_commune("35238"), Some("FR-BRE"));
        assert_eq!(of_commune("98735"), None);
        for (code, ..) in FRENCH.iter().skip(1) {
            assert!(
                DEPARTMENTS.iter().any(|(r, _)| r == code),
                "{code} has departments"
            );
        }
    }

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
