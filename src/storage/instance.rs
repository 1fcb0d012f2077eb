//! The instance actor's key pair: one per node, made on first use.

use diesel::prelude::*;

use super::schema::instance_keys;
use super::{Conn, StorageError};

/// `(public PEM, private PEM)`, created with `generate` if the node has none yet.
pub(crate) fn get_or_create(
    conn: &mut Conn,
    generate: impl FnOnce() -> Result<(String, String), StorageError>,
) -> Result<(String, String), StorageError> {
    if let Some(keys) = instance_keys::table
        .find(1)
        .select((instance_keys::public_key, instance_keys::private_key))
        .first::<(String, String)>(conn)
        .optional()?
    {
        return Ok(keys);
    }
    let (public_key, private_key) = generate()?;
    diesel::insert_into(instance_keys::table)
        .values((
            instance_keys::id.eq(1),
            instance_keys::public_key.eq(&public_key),
            instance_keys::private_key.eq(&private_key),
            instance_keys::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok((public_key, private_key))
}
