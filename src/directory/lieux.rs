//! The CSV file of the national standard "Lieux de médiation numérique" v1.0.2, read and
//! written: 32 columns in the schema's order, UTF-8, lists joined with `|`, an empty cell for an
//! absent value.
//!
//! Reading recognises the file by its header (every column of the schema, in any order; `,` or
//! `;` between cells; a UTF-8 byte-order mark allowed) and checks every row before anything is
//! written: a fault is reported as `row N, column C` with rows counted as the Frictionless
//! validator counts them (the header is row 1).

use std::collections::{HashMap, HashSet};

use crate::domain::FieldError;
use crate::domain::place::{COLUMNS, LIST_FIELDS, PlaceDraft, PlaceInput};

use super::import::ImportRefused;

/// The format's name in `maillage export --format` and in import reports.
pub const FORMAT: &str = "lieux de médiation numérique (CSV, schema v1.0.2)";

/// Whether `text` starts with the schema's header.
pub(crate) fn recognise(text: &str) -> bool {
    header(text).is_some()
}

/// The delimiter and the column names of the first line, when they are the schema's.
fn header(text: &str) -> Option<(u8, Vec<String>)> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next()?;
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(first.as_bytes());
    let record = reader.records().next()?.ok()?;
    let names: Vec<String> = record.iter().map(|n| n.trim().to_owned()).collect();
    let wanted: HashSet<&str> = COLUMNS.into_iter().collect();
    let given: HashSet<&str> = names.iter().map(String::as_str).collect();
    (given == wanted && names.len() == COLUMNS.len()).then_some((delimiter, names))
}

/// Every row of a recognised file, validated; all faults are collected before refusing.
pub(crate) fn read(text: &str) -> Result<Vec<PlaceDraft>, ImportRefused> {
    let refused =
        |field: String, reason: String| ImportRefused(vec![FieldError::new(field, reason)]);
    let (delimiter, names) = header(text).ok_or_else(|| {
        refused(
            "row 1".into(),
            format!(
                "the header is not the schema's 32 columns ({})",
                COLUMNS.join(",")
            ),
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let mut drafts = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::new(format!("row {row}"), e.to_string()));
                continue;
            }
        };
        let cells: HashMap<&str, &str> = names
            .iter()
            .map(String::as_str)
            .zip(record.iter().map(str::trim))
            .collect();
        match row_input(&cells).and_then(|input| input.validate()) {
            Ok(draft) => {
                let id = draft.place().source_id.clone().unwrap_or_default();
                if let Some(first) = seen.insert(id.clone(), row) {
                    errors.push(FieldError::new(
                        format!("row {row}, column id"),
                        format!("`{id}` is already the id of row {first} (ids are unique)"),
                    ));
                }
                drafts.push(draft);
            }
            Err(e) => errors.push(at_row(row, e)),
        }
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(ImportRefused(errors))
    }
}

/// Names the row and the schema's column of a refused field (`services.2` is in `services`;
/// the input's `source_id` is the column `id`).
fn at_row(row: usize, mut error: FieldError) -> FieldError {
    let column = error.field.split('.').next().unwrap_or_default();
    let column = if column == "source_id" { "id" } else { column };
    error.field = format!("row {row}, column {column}");
    error
}

fn row_input(cells: &HashMap<&str, &str>) -> Result<PlaceInput, FieldError> {
    let text = |name: &str| cells.get(name).copied().unwrap_or_default().to_owned();
    let optional = |name: &str| Some(text(name)).filter(|v| !v.is_empty());
    let list = |name: &str| -> Vec<String> {
        let value = text(name);
        if value.is_empty() {
            Vec::new()
        } else {
            value.split('|').map(str::to_owned).collect()
        }
    };
    let number = |name: &str| -> Result<Option<f64>, FieldError> {
        match optional(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| {
                    FieldError::new(name, format!("`{v}` is not a number (write 45.4766)"))
                }),
        }
    };
    let id = text("id");
    if id.is_empty() {
        return Err(FieldError::new("id", "must not be empty"));
    }
    let mut input = PlaceInput {
        source_id: Some(id),
        pivot: text("pivot"),
        nom: text("nom"),
        commune: text("commune"),
        code_postal: text("code_postal"),
        code_insee: optional("code_insee"),
        adresse: text("adresse"),
        complement_adresse: optional("complement_adresse"),
        latitude: number("latitude")?,
        longitude: number("longitude")?,
        telephone: optional("telephone"),
        horaires: optional("horaires"),
        presentation_resume: optional("presentation_resume"),
        presentation_detail: optional("presentation_detail"),
        source: optional("source"),
        structure_parente: optional("structure_parente"),
        date_maj: text("date_maj"),
        autres_formations_labels: optional("autres_formations_labels"),
        fiche_acces_libre: optional("fiche_acces_libre"),
        prise_rdv: optional("prise_rdv"),
        ..Default::default()
    };
    let lists = LIST_FIELDS
        .into_iter()
        .map(|name| (name.to_owned(), list(name)))
        .collect();
    input.set_lists(lists)?;
    // An empty item (`Gratuit|` or `a||b`) is refused by the schema's patterns.
    for (name, values) in input.lists() {
        if values.iter().any(|v| v.trim().is_empty()) {
            return Err(FieldError::new(name, "has an empty item between `|`"));
        }
    }
    Ok(input)
}

/// The places as the schema's CSV: the header, then one row per place, in the given order.
pub(crate) fn write(places: &[PlaceInput]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for p in places {
        let number = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let list = |v: &[String]| v.join("|");
        let record: [String; 32] = [
            opt(&p.source_id),
            p.pivot.clone(),
            p.nom.clone(),
            p.commune.clone(),
            p.code_postal.clone(),
            opt(&p.code_insee),
            p.adresse.clone(),
            opt(&p.complement_adresse),
            number(p.latitude),
            number(p.longitude),
            list(&p.typologie),
            opt(&p.telephone),
            list(&p.courriels),
            list(&p.site_web),
            opt(&p.horaires),
            opt(&p.presentation_resume),
            opt(&p.presentation_detail),
            opt(&p.source),
            list(&p.itinerance),
            opt(&p.structure_parente),
            p.date_maj.clone(),
            list(&p.services),
            list(&p.publics_specifiquement_adresses),
            list(&p.prise_en_charge_specifique),
            list(&p.frais_a_charge),
            list(&p.dispositif_programmes_nationaux),
            list(&p.formations_labels),
            opt(&p.autres_formations_labels),
            list(&p.modalites_acces),
            list(&p.modalites_accompagnement),
            opt(&p.fiche_acces_libre),
            opt(&p.prise_rdv),
        ];
        writer.write_record(&record)?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example file of the standard (LaMednum/standard-mediation-num, Licence Ouverte 2.0).
    const EXAMPLE: &str =
        include_str!("../../tests/fixtures/lieux-mediation-numerique/exemple-valide.csv");
    /// Rows of our own: accents, quotes, lists, no coordinates, an itinerant bus.
    const TRICKY: &str =
        include_str!("../../tests/fixtures/lieux-mediation-numerique/lieux-difficiles.csv");

    #[test]
    fn the_standards_example_reads() {
        assert!(recognise(EXAMPLE));
        let places = read(EXAMPLE).unwrap();
        assert_eq!(places.len(), 1);
        let p = places[0].place();
        assert_eq!(p.source_id.as_deref(), Some("structure-1"));
        assert_eq!(p.latitude, Some(43.52609));
        assert_eq!(p.modalites_accompagnement.len(), 4);
        assert_eq!(p.formations_labels[0], "Formé à « Mon Espace Santé »");
    }

    #[test]
    fn tricky_rows_read_and_write_back_the_same() {
        let places = read(TRICKY).unwrap();
        assert!(places.len() >= 5);
        let bus = places
            .iter()
            .find(|p| p.place().itinerance == ["Itinérant"])
            .expect("a bus");
        assert_eq!((bus.place().latitude, bus.place().longitude), (None, None));
        let inputs: Vec<PlaceInput> = places.iter().map(|p| p.place().clone()).collect();
        let written = String::from_utf8(write(&inputs).unwrap()).unwrap();
        let again: Vec<PlaceInput> = read(&written)
            .unwrap()
            .into_iter()
            .map(|p| p.place().clone())
            .collect();
        assert_eq!(again, inputs);
        assert_eq!(String::from_utf8(write(&again).unwrap()).unwrap(), written);
    }

    #[test]
    fn semicolons_and_a_byte_order_mark_are_read() {
        let mut reader = csv::Reader::from_reader(EXAMPLE.as_bytes());
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        writer.write_record(reader.headers().unwrap()).unwrap();
        for record in reader.records() {
            writer.write_record(&record.unwrap()).unwrap();
        }
        let semi = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let semi = format!("\u{feff}{semi}");
        assert!(recognise(&semi), "{semi}");
        assert_eq!(read(&semi).unwrap(), read(EXAMPLE).unwrap());
    }

    #[test]
    fn a_bad_row_is_refused_with_its_row_and_column() {
        let mut lines: Vec<String> = EXAMPLE.lines().map(str::to_owned).collect();
        let second = lines[1]
            .replace("\"structure-1\"", "\"structure-2\"")
            .replace("\"51100\"", "\"4240\"");
        lines.push(second);
        let text = lines.join("\n");
        let refused = read(&text).unwrap_err();
        assert_eq!(refused.0.len(), 1, "{refused}");
        assert_eq!(refused.0[0].field, "row 3, column code_postal");
        assert!(refused.0[0].reason.contains("4240"), "{refused}");

        let duplicate = format!("{}\n{}", EXAMPLE.trim_end(), lines[1]);
        let refused = read(&duplicate).unwrap_err();
        assert_eq!(refused.0[0].field, "row 3, column id", "{refused}");

        let empty_item = EXAMPLE.replace("\"Gratuit sous condition|Payant\"", "\"Gratuit|\"");
        assert_eq!(
            read(&empty_item).unwrap_err().0[0].field,
            "row 2, column frais_a_charge"
        );
        let comma = EXAMPLE.replace("\"43.52609\"", "\"43,52609\"");
        assert_eq!(
            read(&comma).unwrap_err().0[0].field,
            "row 2, column latitude"
        );
    }

    #[test]
    fn other_files_are_not_recognised() {
        assert!(!recognise("id,nom\n1,x\n"));
        assert!(!recognise("{\"format\": \"maillage-export\"}"));
        let extra = EXAMPLE.replacen("\"prise_rdv\"", "\"prise_rdv\",\"autre\"", 1);
        assert!(!recognise(&extra));
    }
}
