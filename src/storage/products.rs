//! Replaced products and their links to recommendations.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::domain::recommendation::Status;

use super::ids::{ProductId, RecommendationId};
use super::schema::{products, recommendation_products};
use super::{Conn, StorageError};

/// The id of the product with this canonical name, created if new.
pub fn ensure(conn: &mut Conn, name: &str, match_key: &str) -> Result<ProductId, StorageError> {
    let find = |conn: &mut Conn| {
        products::table
            .filter(products::match_key.eq(match_key))
            .select(products::id)
            .first::<i64>(conn)
            .optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(ProductId(id));
    }
    // Two writers may name a new product at once (they do not wait for each other on
    // PostgreSQL): the second inserts nothing, and reads the first's once it is committed.
    // A unique violation instead would abort the whole transaction.
    let values = (products::name.eq(name), products::match_key.eq(match_key));
    match conn {
        Conn::Sqlite(c) => diesel::insert_into(products::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        Conn::Postgresql(c) => diesel::insert_into(products::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    find(conn)?.map(ProductId).ok_or_else(|| {
        StorageError::Corrupt(format!(
            "the product {match_key:?} was created but cannot be read"
        ))
    })
}

/// Replaces the products a recommendation replaces, keeping their order.
pub fn set_for_recommendation(
    conn: &mut Conn,
    RecommendationId(recommendation_id): RecommendationId,
    product_ids: &[ProductId],
) -> Result<(), StorageError> {
    diesel::delete(
        recommendation_products::table
            .filter(recommendation_products::recommendation_id.eq(recommendation_id)),
    )
    .execute(conn)?;
    for (position, ProductId(product_id)) in product_ids.iter().enumerate() {
        diesel::insert_into(recommendation_products::table)
            .values((
                recommendation_products::recommendation_id.eq(recommendation_id),
                recommendation_products::product_id.eq(product_id),
                recommendation_products::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Product names per recommendation, in the order they were given.
pub(crate) fn names_for(
    conn: &mut Conn,
    recommendation_ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StorageError> {
    let rows: Vec<(i64, String)> = recommendation_products::table
        .inner_join(products::table)
        .filter(recommendation_products::recommendation_id.eq_any(recommendation_ids))
        .order((
            recommendation_products::recommendation_id,
            recommendation_products::position,
        ))
        .select((recommendation_products::recommendation_id, products::name))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, name) in rows {
        out.entry(id).or_default().push(name);
    }
    Ok(out)
}

/// Product names of one recommendation, in the order they were given. Not `names_for` with
/// one id: an `IN` list is prepared anew at each run on SQLite (its length may vary), this
/// statement is prepared once per connection (every received edit reads it).
pub(crate) fn names_of(
    conn: &mut Conn,
    recommendation_id: i64,
) -> Result<Vec<String>, StorageError> {
    Ok(recommendation_products::table
        .inner_join(products::table)
        .filter(recommendation_products::recommendation_id.eq(recommendation_id))
        .order(recommendation_products::position)
        .select(products::name)
        .load(conn)?)
}

/// The replaced products with the most published, visible recommendations: the home page's
/// "what do you use today?" shortcuts.
pub(crate) fn most_replaced(
    conn: &mut Conn,
    limit: i64,
) -> Result<Vec<(String, i64)>, StorageError> {
    use super::schema::recommendations;
    use diesel::dsl::count_star;
    Ok(recommendation_products::table
        .inner_join(products::table)
        .inner_join(recommendations::table)
        .filter(recommendations::status.eq(Status::Published.as_str()))
        .filter(recommendations::hidden.eq(false))
        .group_by(products::name)
        .select((products::name, count_star()))
        .order((count_star().desc(), products::name.asc()))
        .limit(limit)
        .load(conn)?)
}

/// Every product name, in name order (what the hashtags of recommendations are made of).
pub(crate) fn all_names(conn: &mut Conn) -> Result<Vec<String>, StorageError> {
    Ok(products::table
        .order(products::name.asc())
        .select(products::name)
        .load(conn)?)
}
