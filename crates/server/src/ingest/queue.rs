//! The single writer: every upload's writes go through one thread, which takes whatever
//! has queued up since its last commit and stores it as one batch with one fsync. Under
//! load many uploads share an fsync (group commit); each caller still gets its answer only
//! after its data is durable.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;
use crate::store::{Store, Write};

/// At most this many writes go into one batch.
const MAX_BATCH_WRITES: usize = 4_096;

struct Job {
    writes: Vec<Write>,
    done: oneshot::Sender<Result<(), String>>,
}

/// Handle to the writer thread; cloning shares it. The thread ends when every handle is
/// dropped, after finishing what was queued.
#[derive(Debug, Clone)]
pub struct WriteQueue {
    tx: mpsc::UnboundedSender<Job>,
}

impl WriteQueue {
    /// Starts the writer thread for `store`.
    #[must_use]
    pub fn start(store: Arc<Store>) -> WriteQueue {
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("cinder-writer".into())
            .spawn(move || run(&store, rx))
            .map_or_else(
                |e| tracing::error!(error = %e, "cannot start the writer thread"),
                |_| (),
            );
        WriteQueue { tx }
    }

    /// Stores `writes`; resolves once they are durable.
    pub async fn write(&self, writes: Vec<Write>) -> Result<(), AppError> {
        match self.submit(writes)? {
            Some(wait) => answer(wait.await),
            None => Ok(()),
        }
    }

    /// Like [`WriteQueue::write`], for threads outside the async runtime (background jobs):
    /// blocks until the writes are durable.
    pub fn write_blocking(&self, writes: Vec<Write>) -> Result<(), AppError> {
        match self.submit(writes)? {
            Some(wait) => answer(wait.blocking_recv()),
            None => Ok(()),
        }
    }

    /// Queues `writes` (nothing for none); the receiver gets the commit's outcome.
    fn submit(&self, writes: Vec<Write>) -> Result<Option<Outcome>, AppError> {
        if writes.is_empty() {
            return Ok(None);
        }
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job { writes, done })
            .map_err(|_| AppError::Unavailable)?;
        Ok(Some(wait))
    }
}

type Outcome = oneshot::Receiver<Result<(), String>>;

fn answer(r: Result<Result<(), String>, oneshot::error::RecvError>) -> Result<(), AppError> {
    match r {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(AppError::Ingest(e)),
        Err(_) => Err(AppError::Unavailable),
    }
}

fn run(store: &Store, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        let mut n = jobs[0].writes.len();
        while n < MAX_BATCH_WRITES {
            match rx.try_recv() {
                Ok(job) => {
                    n += job.writes.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let mut writes = Vec::with_capacity(n);
        let mut waiters = Vec::with_capacity(jobs.len());
        for job in jobs {
            writes.extend(job.writes);
            waiters.push(job.done);
        }
        let result = store.write(writes).map_err(|e| e.to_string());
        for w in waiters {
            let _ = w.send(result.clone());
        }
    }
}
