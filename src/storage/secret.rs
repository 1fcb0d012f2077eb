//! Reading and writing [`Secret`]s as text columns: rows holding private keys or password
//! hashes carry them as secrets, which never print.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::secret::Secret;

impl<DB> FromSql<Text, DB> for Secret
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(Secret::from)
    }
}

impl<DB> Queryable<Text, DB> for Secret
where
    DB: Backend,
    Self: FromSql<Text, DB>,
{
    type Row = Self;

    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}

impl<DB> ToSql<Text, DB> for Secret
where
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.expose().to_sql(out)
    }
}
