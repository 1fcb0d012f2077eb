//! Opening the database: the URL, the connection pool, SQLite's pragmas, migrations, and the
//! write transaction that does not deadlock on SQLite.

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::StorageError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; every query in `storage` is written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, parsed from `sqlite://PATH` or a libpq `postgres://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if let Some(path) = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err("sqlite:// URL has no file path".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Self::Postgres(value.to_owned()));
        }
        Err(format!(
            "unsupported database URL `{value}`: use sqlite://PATH or postgres://..."
        ))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Opens connections of the backend the URL names, so the operator sees the real connection
/// error (diesel's own multi-backend connect tries each backend and hides it).
#[derive(Debug)]
pub(super) struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = StorageError;

    fn connect(&self) -> Result<AnyConnection, StorageError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let path_str = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path_str)
                    .map_err(|e| StorageError::Connect(format!("{}: {e}", path.display())))?;
                // The busy timeout first, so that even switching to WAL waits for a writer
                // instead of failing; WAL lets readers run beside the writer; FULL makes every
                // acknowledged commit durable.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| StorageError::Connect(e.to_string()))?;
                Ok(AnyConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(&with_connect_timeout(url))
                .map(AnyConnection::Postgresql)
                .map_err(|e| StorageError::Connect(e.to_string())),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), StorageError> {
        conn.batch_execute("SELECT 1").map_err(StorageError::from)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// libpq waits forever for an unreachable host by default; an operator wants the error.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&connect_timeout=10")
    } else {
        format!("{url}?connect_timeout=10")
    }
}

/// The node's database: a pool of connections and the backend they speak.
#[derive(Clone)]
pub struct Database {
    pool: Pool<Manager>,
    backend: Backend,
    /// SQLite only: concurrent writes that may share a commit go through it.
    group: Option<std::sync::Arc<super::group_commit::GroupCommit>>,
}

impl Database {
    /// Connects once directly (so a wrong URL or a server that is down gives its own error at
    /// once), then builds the pool. Blocking: call before serving or inside `spawn_blocking`.
    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> Result<Self, StorageError> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                StorageError::Connect(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let manager = Manager { url: url.clone() };
        let first = manager.connect()?;
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build_unchecked(manager);
        drop(first);
        let group = matches!(url, DatabaseUrl::Sqlite(_))
            .then(|| std::sync::Arc::new(super::group_commit::GroupCommit::start(pool.clone())));
        Ok(Self {
            pool,
            backend: url.backend(),
            group,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many grouped write transactions have run (SQLite only): what tests of group
    /// commit count.
    #[cfg(test)]
    pub(crate) fn grouped_transactions(&self) -> Option<u64> {
        self.group.as_ref().map(|g| g.transactions())
    }

    /// Runs `f` with a pooled connection on tokio's blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StorageError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(|e| StorageError::Pool(e.to_string()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StorageError::Task(e.to_string()))?
    }

    /// Runs `f` in one write transaction (see [`write_transaction`]).
    pub async fn write<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StorageError> + Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, f)).await
    }

    /// Like [`Database::write`], for writes that often come many at once (activities from
    /// peers): on SQLite they share a transaction and its commit with the writes waiting beside
    /// them, each in its own savepoint (see `group_commit`). Answers after the commit.
    pub async fn write_grouped<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StorageError> + Send + 'static,
    {
        match &self.group {
            Some(group) => group.write(f).await,
            None => self.write(f).await,
        }
    }

    /// Applies pending migrations; returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<String>, StorageError> {
        self.run(|conn| {
            let applied = match conn {
                AnyConnection::Sqlite(c) => c
                    .run_pending_migrations(SQLITE_MIGRATIONS)
                    .map(|v| v.iter().map(ToString::to_string).collect()),
                AnyConnection::Postgresql(c) => c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.iter().map(ToString::to_string).collect()),
            };
            applied.map_err(|e| StorageError::Migration(e.to_string()))
        })
        .await
    }
}

/// A transaction for work that writes. On SQLite it starts with `BEGIN IMMEDIATE`: a deferred
/// transaction that reads first and writes later fails at once with SQLITE_BUSY when another
/// writer got there in between, whatever the busy timeout; taking the write lock up front makes
/// it wait its turn instead.
pub fn write_transaction<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, StorageError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, StorageError>,
{
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let outermost_sqlite = match &mut *conn {
        AnyConnection::Sqlite(sqlite) => {
            let depth = AnsiTransactionManager::transaction_manager_status_mut(sqlite)
                .transaction_depth()?;
            depth.is_none()
        }
        AnyConnection::Postgresql(_) => false,
    };
    if !outermost_sqlite {
        return conn.transaction(f);
    }
    if let AnyConnection::Sqlite(sqlite) = &mut *conn {
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    }
    match f(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = Manager::rollback_transaction(conn);
                Err(e.into())
            }
        },
        Err(e) => {
            Manager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/maillage.sqlite3").unwrap(),
            DatabaseUrl::Sqlite("data/maillage.sqlite3".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/m.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/m.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@/db?host=/tmp/pg")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert_eq!(
            with_connect_timeout("postgres://u@/db?host=/tmp"),
            "postgres://u@/db?host=/tmp&connect_timeout=10"
        );
    }
}

#[cfg(test)]
mod sqlite_tests {
    use diesel::sql_types::{BigInt, Text};
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;

    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }

    #[derive(QueryableByName)]
    struct Flag {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }

    #[test]
    fn sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("sub/dir/m.sqlite3"));
        let db = Database::connect(&url, 2).unwrap();
        let mut conn = db.pool.get().unwrap();
        let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(mode.journal_mode, "wal");
        let fk: Flag = diesel::sql_query("SELECT foreign_keys AS value FROM pragma_foreign_keys")
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(fk.value, 1);
        let timeout: Flag = diesel::sql_query("SELECT timeout AS value FROM pragma_busy_timeout")
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(timeout.value, 10_000);
        // FULL (2): a commit reaches the disk before the node answers, so an acknowledged
        // write survives a power cut, not only a crash of the process.
        let synchronous: Flag =
            diesel::sql_query("SELECT synchronous AS value FROM pragma_synchronous")
                .get_result(&mut *conn)
                .unwrap();
        assert_eq!(synchronous.value, 2, "synchronous = FULL");
    }
}
