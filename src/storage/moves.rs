//! Moves of centres (ActivityPub `Move`): a local centre's aliases (`alsoKnownAs`) and new
//! actor (`movedTo`); for a remote centre, the actor a verified `Move` took it to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::CentreId;
use super::schema::centre_moves;
use super::{Conn, StorageError};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CentreMove {
    /// Actor ids, in the order given.
    pub also_known_as: Vec<String>,
    pub moved_to: Option<String>,
}

impl CentreMove {
    pub(crate) fn find(conn: &mut Conn, centre: CentreId) -> Result<Option<Self>, StorageError> {
        let row = centre_moves::table
            .find(centre.0)
            .select((centre_moves::also_known_as, centre_moves::moved_to))
            .first::<(String, Option<String>)>(conn)
            .optional()?;
        row.map(|(aliases, moved_to)| {
            let also_known_as = serde_json::from_str(&aliases)
                .map_err(|e| StorageError::Corrupt(format!("centre_moves.also_known_as: {e}")))?;
            Ok(Self {
                also_known_as,
                moved_to,
            })
        })
        .transpose()
    }

    /// Replaces what is recorded for `centre`.
    pub(crate) fn save(
        conn: &mut Conn,
        centre: CentreId,
        value: &Self,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let aliases = serde_json::to_string(&value.also_known_as)?;
        diesel::delete(centre_moves::table.find(centre.0)).execute(conn)?;
        diesel::insert_into(centre_moves::table)
            .values((
                centre_moves::centre_id.eq(centre.0),
                centre_moves::also_known_as.eq(aliases),
                centre_moves::moved_to.eq(&value.moved_to),
                centre_moves::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }
}
