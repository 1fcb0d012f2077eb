//! The domain's enums (and the delivery queue's states) as text columns. Reading refuses a value the enum does not name (a
//! corrupt row is an error, never silently `Published` or `Hidden`). Rows carry the enums;
//! filters and inserts write the enum's own name, `as_str()`.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::sql_types::Text;

use super::delivery::DeliveryState;
use super::moderation::RuleKind;
use crate::domain::contact::Visibility;
use crate::domain::follow::{BackfillState, FollowState};
use crate::domain::recommendation::{Level, Status};
use crate::domain::staff::Role;

macro_rules! stored_as_text {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl<DB> FromSql<Text, DB> for $ty
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                <$ty>::parse(&text)
                    .ok_or_else(|| format!("unknown {} `{text}` in the database", $what).into())
            }
        }

        impl<DB> Queryable<Text, DB> for $ty
        where
            DB: Backend,
            Self: FromSql<Text, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )*};
}

stored_as_text!(
    Status => "recommendation status",
    Level => "recommendation level",
    Visibility => "contact visibility",
    FollowState => "follow state",
    BackfillState => "backfill state",
    DeliveryState => "delivery state",
    RuleKind => "domain rule",
    Role => "staff role",
);

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;

    fn read<T>(conn: &mut SqliteConnection, text: &str) -> QueryResult<T>
    where
        T: FromSql<Text, diesel::sqlite::Sqlite> + Queryable<Text, diesel::sqlite::Sqlite>,
        T: 'static,
    {
        diesel::select(sql::<Text>("").bind::<Text, _>(text)).get_result::<T>(conn)
    }

    #[test]
    fn stored_names_are_read_back_and_unknown_ones_refused() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        for status in [Status::Published, Status::Draft, Status::Withdrawn] {
            assert_eq!(read::<Status>(&mut conn, status.as_str()).unwrap(), status);
        }
        assert_eq!(read::<Level>(&mut conn, "avoid").unwrap(), Level::Avoid);
        assert_eq!(
            read::<Visibility>(&mut conn, "network").unwrap(),
            Visibility::Network
        );
        assert_eq!(
            read::<FollowState>(&mut conn, "pending").unwrap(),
            FollowState::Pending
        );
        // Once, an unknown status read as `Published` and an unknown visibility as `Hidden`.
        let error = format!("{:?}", read::<Status>(&mut conn, "publishd").unwrap_err());
        assert!(
            error.contains("unknown recommendation status `publishd`"),
            "{error}"
        );
        assert!(read::<Visibility>(&mut conn, "everyone").is_err());
        assert!(read::<Level>(&mut conn, "").is_err());
        assert!(read::<FollowState>(&mut conn, "Accepted").is_err());
        for state in DeliveryState::ALL {
            assert_eq!(
                read::<DeliveryState>(&mut conn, state.as_str()).unwrap(),
                state
            );
        }
        assert!(read::<DeliveryState>(&mut conn, "sent").is_err());
        assert_eq!(
            read::<RuleKind>(&mut conn, "block").unwrap(),
            RuleKind::Block
        );
        assert!(read::<RuleKind>(&mut conn, "Block").is_err());
    }
}
