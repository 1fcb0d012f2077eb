//! A mediation place as an ActivityPub object: the `Place` built from our row (Mobilizon's
//! shape, the national schema's fields in `maillage:place`), and a received `Place` checked as
//! hostile input (origins, HTML, every constraint of the schema, coordinates in range) and
//! stored as a remote copy that only its author can change.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDateTime;
use serde_json::Value;
use url::Url;

use super::centre::ApubCentre;
use super::html;
use crate::domain::place::{PlaceDraft, PlaceInput, field_names};
use crate::federation::activities::Tombstone;
use crate::federation::checks::{check_domain, verify_same_authority};
use crate::federation::protocol::place::{Place, PlaceType, PostalAddress};
use crate::federation::protocol::public_collection;
use crate::federation::routes::activity_json;
use crate::federation::{Federation, FederationData, FederationError};
use crate::storage::centres::CentreRow;
use crate::storage::places::{self as place_rows, PlaceIdentity, PlaceRow};
use crate::storage::{Conn, StorageError, activities, now};

/// A received place, validated and ready to store.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub id: Url,
    pub draft: PlaceDraft,
    pub updated: NaiveDateTime,
}

/// The `Place` of one of our places, addressed to everyone (places are public).
pub(crate) fn object(row: &PlaceRow, centre: &CentreRow) -> Result<Place, StorageError> {
    let actor =
        ApubCentre::new(centre.clone()).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let input = row.input()?;
    let id =
        Url::parse(&row.ap_id).map_err(|e| StorageError::Corrupt(format!("{}: {e}", row.ap_id)))?;
    let street = match &input.complement_adresse {
        Some(more) => format!("{}, {more}", input.adresse),
        None => input.adresse.clone(),
    };
    Ok(Place {
        kind: PlaceType::Place,
        attributed_to: actor.id.clone(),
        to: vec![public_collection()],
        cc: vec![actor.followers_url()],
        name: input.nom.clone(),
        latitude: input.latitude,
        longitude: input.longitude,
        address: Some(PostalAddress {
            kind: "PostalAddress".into(),
            street_address: Some(street),
            postal_code: Some(input.code_postal.clone()),
            address_locality: Some(input.commune.clone()),
            address_country: Some("FR".into()),
        }),
        url: Some(id.clone()),
        published: Some(row.created_at.and_utc()),
        // Only after an edit, as for Notes.
        updated: (row.updated_at > row.created_at).then(|| row.updated_at.and_utc()),
        place: Some(serde_json::to_value(&input)?),
        id,
    })
}

/// The checks that need no database: the place comes from its author's authority, names its
/// author, and is not from a blocked domain.
pub(crate) async fn verify(
    place: &Place,
    actor: &Url,
    data: &FederationData,
) -> Result<(), FederationError> {
    if place.attributed_to != *actor {
        return Err(FederationError::Forbidden(format!(
            "{} is attributed to {}, not to {actor}",
            place.id, place.attributed_to
        )));
    }
    verify_same_authority(&place.id, actor)?;
    check_domain(data, &place.id).await?;
    if place.place.is_none() {
        return Err(FederationError::BadRequest(format!(
            "{} is not a directory place (no maillage:place)",
            place.id
        )));
    }
    Ok(())
}

/// Validates a received place with the rules of local input, after reducing any HTML in its
/// texts to text. Members this version does not know are dropped (a newer peer may send more);
/// coordinates given twice must agree.
pub(crate) fn prepare(place: Place) -> Result<Prepared, FederationError> {
    let id = place.id.clone();
    let Some(Value::Object(mut fields)) = place.place else {
        return Err(FederationError::BadRequest(format!(
            "{id}: maillage:place is not an object"
        )));
    };
    fields.retain(|name, _| field_names().any(|known| known == name));
    for value in fields.values_mut() {
        untag(value);
    }
    let mut input: PlaceInput = serde_json::from_value(Value::Object(fields))
        .map_err(|e| FederationError::BadRequest(format!("{id}: maillage:place: {e}")))?;
    for (field, outer, inner) in [
        ("latitude", place.latitude, &mut input.latitude),
        ("longitude", place.longitude, &mut input.longitude),
    ] {
        match (outer, *inner) {
            (Some(a), Some(b)) if a != b => {
                return Err(FederationError::BadRequest(format!(
                    "{id}: {field} {a} and maillage:place's {b} differ"
                )));
            }
            (Some(a), None) => *inner = Some(a),
            _ => {}
        }
    }
    let draft = input.validate()?;
    let updated = place
        .updated
        .or(place.published)
        .map_or_else(now, |t| t.naive_utc());
    Ok(Prepared { id, draft, updated })
}

/// Remote strings holding markup become their text (lists too).
fn untag(value: &mut Value) {
    match value {
        Value::String(s) if s.contains('<') => *s = html::to_text(s),
        Value::Array(items) => items.iter_mut().for_each(untag),
        _ => {}
    }
}

/// Stores or updates the copy of a received place by `author`. A deleted id stays deleted
/// (`Gone`); an edit older than the copy changes nothing; a place of another actor, or of this
/// node, is refused.
pub(crate) fn apply(
    conn: &mut Conn,
    prepared: &Prepared,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    let Prepared { id, draft, updated } = prepared;
    if activities::is_tombstoned(conn, id.as_str())? {
        return Ok(Err(FederationError::Gone(id.to_string())));
    }
    let existing = PlaceRow::find_by_ap_id(conn, id.as_str())?;
    if let Some((row, _)) = &existing {
        if row.centre_id != author.id || row.local {
            return Ok(Err(FederationError::Forbidden(format!(
                "{id} belongs to another actor"
            ))));
        }
        if row.remote_updated_at.is_some_and(|known| known >= *updated) {
            return Ok(Ok(()));
        }
    }
    let now = now();
    let fields = place_rows::fields(draft, author, Some(*updated), now)?;
    if let Some(source_id) = &fields.source_id
        && let Some(other) = PlaceRow::find_by_source_id(conn, author.id, source_id)?
        && existing.as_ref().is_none_or(|(row, _)| row.id != other.id)
    {
        return Ok(Err(FederationError::BadRequest(format!(
            "{id}: another place of this centre has the source_id `{source_id}`"
        ))));
    }
    match existing {
        Some((row, _)) => {
            PlaceRow::update(conn, row.id, &fields)?;
        }
        None => {
            let identity = PlaceIdentity {
                key: crate::storage::new_key(),
                ap_id: id.to_string(),
                centre_id: author.id,
                local: false,
                created_at: now,
            };
            PlaceRow::insert(conn, &identity, &fields)?;
        }
    }
    Ok(Ok(()))
}

/// A local place at its id: the `Place`; 410 with a Tombstone once deleted (browsers get the
/// website's page at the same URL).
pub(crate) async fn serve(
    State(fed): State<Federation>,
    Path(key): Path<String>,
) -> Result<Response, FederationError> {
    let id = fed.data().urls.place(&key);
    let ap_id = id.to_string();
    let found = fed
        .data()
        .db
        .run(move |conn| {
            let place = PlaceRow::find_by_ap_id(conn, &ap_id)?
                .filter(|(row, _)| row.local)
                .map(|(row, centre)| object(&row, &centre))
                .transpose()?;
            Ok((place, activities::is_tombstoned(conn, &ap_id)?))
        })
        .await?;
    match found {
        (Some(place), _) => Ok(activity_json(place)),
        (None, true) => {
            let mut res = activity_json(Tombstone::new(id));
            *res.status_mut() = StatusCode::GONE;
            Ok(res)
        }
        (None, false) => Err(FederationError::NotFound(id.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of FEDERATION.md, parsed and validated as a received place.
    fn documented() -> Place {
        let doc = include_str!("../../../FEDERATION.md");
        let section = &doc[doc.find("### Place").expect("a Place section")..];
        let start = section.find("```json\n").expect("an example") + "```json\n".len();
        let end = start + section[start..].find("```").expect("the example's end");
        serde_json::from_str(&section[start..end]).expect("the example parses")
    }

    #[test]
    fn the_documented_place_is_valid() {
        let place = documented();
        assert_eq!(place.latitude, Some(45.4766));
        let prepared = prepare(place).expect("the example is a valid place");
        assert_eq!(prepared.draft.place().nom, "Médiathèque Louise Michel");
        assert_eq!(
            prepared.draft.place().complement_adresse.as_deref(),
            Some("2e étage")
        );
    }

    #[test]
    fn received_places_are_cleaned_and_checked() {
        let mut place = documented();
        let ext = place.place.as_mut().unwrap();
        ext["nom"] = "<b>Médiathèque</b><script>alert(1)</script>".into();
        ext["services"] = serde_json::json!(["<i>Aide aux démarches administratives</i>"]);
        ext["a_future_field"] = "kept out".into();
        let prepared = prepare(place).expect("cleaned, then valid");
        assert_eq!(prepared.draft.place().nom, "Médiathèque");
        assert_eq!(
            prepared.draft.place().services,
            ["Aide aux démarches administratives"]
        );

        let mut place = documented();
        place.latitude = Some(45.0);
        assert!(prepare(place).is_err(), "coordinates that disagree");
        let mut place = documented();
        place.place.as_mut().unwrap()["longitude"] = 181.0.into();
        place.longitude = None;
        assert!(prepare(place).is_err(), "a longitude out of range");
        let mut place = documented();
        place.place = Some("not an object".into());
        assert!(prepare(place).is_err());
        let text = r#"{"type": "Place", "id": "https://a.example/places/1",
            "attributedTo": "https://a.example/centres/x", "latitude": "north"}"#;
        assert!(
            serde_json::from_str::<Place>(text).is_err(),
            "a coordinate that is no number"
        );
        let text = r#"{"type": "Place", "id": "https://a.example/places/1",
            "attributedTo": "https://a.example/centres/x", "latitude": "51.100000"}"#;
        let pixelfed: Place = serde_json::from_str(text).expect("coordinates as strings");
        assert_eq!(pixelfed.latitude, Some(51.1));
    }
}
