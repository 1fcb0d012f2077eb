//! Opening the database: the URL, the connection pool, SQLite's pragmas, migrations, and the
//! write transaction that does not deadlock on SQLite.

use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    pub(crate) fn parse(value: &str) -> Result<Self, String> {
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

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A pooled connection, and what the pool knows of its health.
pub(super) struct Pooled {
    conn: AnyConnection,
    /// When it was last given back to the pool after a loan in which nothing failed.
    healthy_at: Option<Instant>,
    /// Something failed during the current loan: check it before lending it again.
    failed: bool,
}

impl Pooled {
    /// Marks the current loan as failed (whatever failed: the check afterwards is cheap).
    pub(super) fn failed(&mut self) {
        self.failed = true;
    }
}

impl std::ops::Deref for Pooled {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// A connection given back this recently, after a loan in which nothing failed, is lent again
/// without a check (HikariCP's `aliveBypassWindowMs`, same value). The check is a round trip
/// to the server; on PostgreSQL an inbox activity took two of its eighteen. A connection idle
/// longer, or whose last loan saw an error, is checked first: after a database restart only a
/// connection used in the last half second before it can fail a request, once.
const ALIVE_BYPASS: Duration = Duration::from_millis(500);

/// Opens connections of the backend the URL names, so the operator sees the real connection
/// error (diesel's own multi-backend connect tries each backend and hides it).
#[derive(Debug)]
pub(super) struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    fn open(&self) -> Result<AnyConnection, StorageError> {
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
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = StorageError;

    fn connect(&self) -> Result<Pooled, StorageError> {
        Ok(Pooled {
            conn: self.open()?,
            healthy_at: None,
            failed: false,
        })
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), StorageError> {
        if conn
            .healthy_at
            .is_some_and(|at| at.elapsed() < ALIVE_BYPASS)
        {
            return Ok(());
        }
        conn.conn
            .batch_execute("SELECT 1")
            .map_err(StorageError::from)
    }

    /// Called as the pool takes a connection back: it also notes whether the loan went well.
    fn has_broken(&self, conn: &mut Pooled) -> bool {
        let broken =
            <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(
                &mut conn.conn,
            );
        conn.healthy_at = (!broken && !conn.failed).then(Instant::now);
        conn.failed = false;
        broken
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
        if let DatabaseUrl::Sqlite(path) = url {
            prepare_sqlite_file(path)?;
        }
        let manager = Manager { url: url.clone() };
        let first = manager.open()?;
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

    pub(crate) fn backend(&self) -> Backend {
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
            f(&mut conn).inspect_err(|_| conn.failed())
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
    pub(crate) async fn write_grouped<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StorageError> + Send + 'static,
    {
        match &self.group {
            Some(group) => group.write(f).await,
            None => self.write(f).await,
        }
    }

    /// Applies pending migrations; returns the versions applied. Refuses a database that
    /// holds migrations this binary does not know: a newer version migrated it, and this one
    /// would misread what it stores.
    pub async fn migrate(&self) -> Result<Vec<String>, StorageError> {
        self.run(|conn| {
            let applied = match conn {
                AnyConnection::Sqlite(c) => {
                    refuse_newer(c, &SQLITE_MIGRATIONS)?;
                    c.run_pending_migrations(SQLITE_MIGRATIONS)
                        .map(|v| v.iter().map(ToString::to_string).collect())
                }
                AnyConnection::Postgresql(c) => {
                    // Replicas of one node starting together (a deployment, a rolling upgrade)
                    // would each apply the same pending migration, and all but one fail: the
                    // first holds this session lock while it migrates, the others then find
                    // nothing pending.
                    c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
                    let applied = refuse_newer(c, &POSTGRES_MIGRATIONS).and_then(|()| {
                        c.run_pending_migrations(POSTGRES_MIGRATIONS)
                            .map(|v| v.iter().map(ToString::to_string).collect())
                            .map_err(|e| StorageError::Migration(e.to_string()))
                    });
                    c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
                    return applied;
                }
            };
            applied.map_err(|e| StorageError::Migration(e.to_string()))
        })
        .await
    }
}

/// The PostgreSQL advisory lock held while migrating ("maillage" read as a number).
const MIGRATION_LOCK: i64 = 7_881_696_737_270_785_893;

fn refuse_newer<DB, C>(conn: &mut C, source: &EmbeddedMigrations) -> Result<(), StorageError>
where
    DB: diesel::backend::Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
{
    use diesel::migration::MigrationSource;
    let error =
        |e: Box<dyn std::error::Error + Send + Sync>| StorageError::Migration(e.to_string());
    let known: Vec<String> = MigrationSource::<DB>::migrations(source)
        .map_err(error)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let unknown: Vec<String> = conn
        .applied_migrations()
        .map_err(error)?
        .iter()
        .map(ToString::to_string)
        .filter(|v| !known.contains(v))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(StorageError::Migration(format!(
        "the database was migrated by a newer version of Maillage (migration(s) {} unknown to \
         version {}): run that version, or restore a backup made with this one",
        unknown.join(", "),
        env!("CARGO_PKG_VERSION")
    )))
}

/// Before SQLite opens the file: its directory is created if only that last level is missing
/// (a fresh node's `data/`), not a whole path (`sqlite:///nonexistent/dir/...` is a mistake to
/// report, not directories to make); the file and the directory (SQLite writes its journal
/// beside the file) must be writable, or the node would start and fail on its first write.
fn prepare_sqlite_file(path: &std::path::Path) -> Result<(), StorageError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let failed = |what: String, e: std::io::Error| {
        let cause = match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            std::io::ErrorKind::ReadOnlyFilesystem => "read-only file system".to_owned(),
            _ => e.to_string(),
        };
        StorageError::Connect(format!("{what}: {cause}"))
    };
    if !parent.exists() {
        let grandparent = parent
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !grandparent.is_dir() {
            return Err(StorageError::Connect(format!(
                "{}: the directory {} does not exist (only its last level is created); \
                 create it, or correct the path",
                path.display(),
                grandparent.display()
            )));
        }
        std::fs::create_dir(parent)
            .map_err(|e| failed(format!("cannot create {}", parent.display()), e))?;
    }
    if path.exists() {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| {
                failed(
                    format!("the database {} cannot be written", path.display()),
                    e,
                )
            })?;
    }
    let probe = parent.join(format!(".maillage-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| {
        failed(
            format!("the directory {} cannot be written", parent.display()),
            e,
        )
    })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Runs `f` in a savepoint of the current transaction and, if it broke a uniqueness rule, once
/// more: on PostgreSQL two transactions can both find a row missing and both insert it (the
/// second waits for the first to commit, then fails). Run again, `f` finds the row the other
/// stored. `f` must be a check-then-write that is right to repeat.
pub(crate) fn again_on_conflict<T, F>(conn: &mut AnyConnection, mut f: F) -> Result<T, StorageError>
where
    F: FnMut(&mut AnyConnection) -> Result<T, StorageError>,
{
    match write_transaction(conn, &mut f) {
        Err(StorageError::Conflict(constraint)) => {
            tracing::debug!("written concurrently ({constraint}): trying again");
            write_transaction(conn, f)
        }
        outcome => outcome,
    }
}

/// A transaction for work that writes. On SQLite it starts with `BEGIN IMMEDIATE`: a deferred
/// transaction that reads first and writes later fails at once with SQLITE_BUSY when another
/// writer got there in between, whatever the busy timeout; taking the write lock up front makes
/// it wait its turn instead.
pub(super) fn write_transaction<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, StorageError>
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

    #[tokio::test]
    async fn a_database_migrated_by_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::connect(&DatabaseUrl::Sqlite(dir.path().join("m.sqlite3")), 1).unwrap();
        assert!(!db.migrate().await.unwrap().is_empty());
        assert!(db.migrate().await.unwrap().is_empty(), "up to date");
        db.run(|conn| {
            conn.batch_execute(
                "INSERT INTO __diesel_schema_migrations (version) VALUES ('20991231000001')",
            )?;
            Ok(())
        })
        .await
        .unwrap();
        let err = db.migrate().await.unwrap_err().to_string();
        assert!(
            err.contains("newer version") && err.contains("20991231000001"),
            "{err}"
        );
    }

    #[test]
    fn only_the_last_directory_of_a_sqlite_path_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let deep = DatabaseUrl::Sqlite(dir.path().join("no/such/m.sqlite3"));
        let Err(err) = Database::connect(&deep, 1) else {
            panic!("a whole missing path was created");
        };
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(!dir.path().join("no").exists());
        let data = DatabaseUrl::Sqlite(dir.path().join("data/m.sqlite3"));
        assert!(Database::connect(&data, 1).is_ok());
        assert!(dir.path().join("data/m.sqlite3").is_file());
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
        let url = DatabaseUrl::Sqlite(dir.path().join("sub/m.sqlite3"));
        let db = Database::connect(&url, 2).unwrap();
        let mut conn = db.pool.get().unwrap();
        let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
            .get_result(&mut **conn)
            .unwrap();
        assert_eq!(mode.journal_mode, "wal");
        let fk: Flag = diesel::sql_query("SELECT foreign_keys AS value FROM pragma_foreign_keys")
            .get_result(&mut **conn)
            .unwrap();
        assert_eq!(fk.value, 1);
        let timeout: Flag = diesel::sql_query("SELECT timeout AS value FROM pragma_busy_timeout")
            .get_result(&mut **conn)
            .unwrap();
        assert_eq!(timeout.value, 10_000);
        // FULL (2): a commit reaches the disk before the node answers, so an acknowledged
        // write survives a power cut, not only a crash of the process.
        let synchronous: Flag =
            diesel::sql_query("SELECT synchronous AS value FROM pragma_synchronous")
                .get_result(&mut **conn)
                .unwrap();
        assert_eq!(synchronous.value, 2, "synchronous = FULL");
    }

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }

    /// Without the query planner stability guarantee, SQLite plans each run of a statement
    /// with its bound values and re-prepares a cached statement at every new binding of a
    /// `LIMIT ?`: the statement cache would save nothing (see `.cargo/config.toml`).
    #[test]
    fn the_bundled_sqlite_keeps_its_plans_whatever_the_bound_values() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::connect(&DatabaseUrl::Sqlite(dir.path().join("q.sqlite3")), 1).unwrap();
        let mut conn = db.pool.get().unwrap();
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut **conn)
            .unwrap();
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml \
             overridden?): {:?}",
            options
                .iter()
                .map(|o| o.compile_options.as_str())
                .collect::<Vec<_>>()
        );
    }
}
