//! Group commit for SQLite: writes that arrive together share one transaction, so one commit
//! (one fsync) serves several of them.
//!
//! SQLite has one writer at a time, and each commit waits for the disk. When many peers deliver
//! at once, the inbox's writes queue behind each other's commits; here a dedicated thread
//! takes every write waiting, runs each in its own savepoint (one failing does not undo the
//! others), commits once, and only then answers each caller. A caller never hears "done" for
//! a write that was not committed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use diesel::r2d2::Pool;

use super::StorageError;
use super::connection::{AnyConnection, Manager, write_transaction};

/// At most this many writes share a transaction, so one batch never holds the lock long.
const MAX_BATCH: usize = 64;

/// A write as the batch thread runs it: its outcome is kept until the batch commits.
type Job = Box<dyn FnOnce(&mut AnyConnection) -> Pending + Send>;
/// Answers the caller once the batch's fate is known: `None` committed, `Some` failed.
type Pending = Box<dyn FnOnce(Option<&StorageError>) + Send>;

pub(super) struct GroupCommit {
    jobs: mpsc::Sender<Job>,
    /// Grouped transactions run so far (one commit each): what the sharing saves shows here.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "counted for the tests of grouping")
    )]
    transactions: Arc<AtomicU64>,
}

impl GroupCommit {
    /// Starts the batch thread; it ends when the last handle is dropped.
    pub(super) fn start(pool: Pool<Manager>) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let transactions = Arc::new(AtomicU64::new(0));
        let counted = transactions.clone();
        std::thread::Builder::new()
            .name("maillage-group-commit".into())
            .spawn(move || run(&pool, &queue, &counted))
            .expect("starting the group-commit thread");
        Self { jobs, transactions }
    }

    /// How many grouped transactions have run.
    #[cfg(test)]
    pub(crate) fn transactions(&self) -> u64 {
        self.transactions.load(Ordering::Relaxed)
    }

    /// Runs `f` in a savepoint of the next batch; answers once that batch has committed.
    pub(super) async fn write<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StorageError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let outcome = catch_unwind(AssertUnwindSafe(|| write_transaction(conn, f)))
                .unwrap_or_else(|_| Err(StorageError::Task("a write panicked".into())));
            Box::new(move |batch: Option<&StorageError>| {
                let outcome = match (outcome, batch) {
                    (Ok(_), Some(failed)) => Err(StorageError::Task(format!(
                        "the grouped transaction failed: {failed}"
                    ))),
                    (outcome, _) => outcome,
                };
                let _ = answer.send(outcome);
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| StorageError::Task("the group-commit thread has stopped".into()))?;
        answered
            .await
            .map_err(|_| StorageError::Task("the group-commit thread dropped a write".into()))?
    }
}

fn run(pool: &Pool<Manager>, queue: &mpsc::Receiver<Job>, transactions: &AtomicU64) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut pending: Vec<Pending> = Vec::with_capacity(batch.len());
        let committed = match pool.get() {
            Err(e) => Err(StorageError::Pool(e.to_string())),
            Ok(mut conn) => write_transaction(&mut conn, |conn| {
                for job in batch.drain(..) {
                    pending.push(job(conn));
                }
                Ok(())
            })
            .inspect_err(|_| conn.failed()),
        };
        transactions.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = &committed {
            tracing::warn!("a grouped write transaction failed: {e}");
        }
        // Jobs never run (no connection) are dropped here: their callers get an error.
        drop(batch);
        for answer in pending {
            answer(committed.as_ref().err());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Waker};

    use crate::storage::activities::record_received;
    use crate::storage::connection::{Database, DatabaseUrl};
    use crate::storage::{StorageError, now};

    type Write = Pin<Box<dyn Future<Output = (i32, bool)> + Send>>;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_waiting_together_share_one_commit_and_a_failure_undoes_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("g.sqlite3"));
        let db = Database::connect(&url, 4).unwrap();
        db.migrate().await.unwrap();
        let before = db.grouped_transactions().expect("SQLite groups its writes");
        // A first write holds the batch thread until the others are waiting behind it.
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (inside, is_inside) = tokio::sync::oneshot::channel::<()>();
        let first = {
            let db = db.clone();
            tokio::spawn(async move {
                db.write_grouped(move |conn| {
                    inside.send(()).unwrap();
                    hold.recv().unwrap();
                    record_received(conn, "https://peer.example/a/first", now())
                })
                .await
            })
        };
        is_inside.await.unwrap();
        let mut writes: Vec<Write> = (0..49)
            .map(|i| {
                let db = db.clone();
                Box::pin(async move {
                    let id = format!("https://peer.example/a/{i}");
                    let outcome = db
                        .write_grouped(move |conn| {
                            record_received(conn, &id, now())?;
                            if i == 7 {
                                // Written, then refused: only this write is undone.
                                return Err(StorageError::Corrupt("refused on purpose".into()));
                            }
                            Ok(i)
                        })
                        .await;
                    (i, outcome.is_ok())
                }) as Write
            })
            .collect();
        // Polled once each: each has handed its write to the batch thread, and waits.
        let mut cx = Context::from_waker(Waker::noop());
        for write in &mut writes {
            assert!(write.as_mut().poll(&mut cx).is_pending());
        }
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap());
        for write in writes {
            let (i, ok) = write.await;
            assert_eq!(ok, i != 7, "write {i}");
        }
        assert_eq!(
            db.grouped_transactions().unwrap() - before,
            2,
            "the first write alone, then the 49 that waited behind it in one transaction"
        );
        for i in 0..49 {
            let id = format!("https://peer.example/a/{i}");
            let new = db
                .write(move |conn| record_received(conn, &id, now()))
                .await
                .unwrap();
            assert_eq!(new, i == 7, "write {i} is stored unless it failed");
        }
    }
}
