//! The memory that uploads in flight may hold, all together. Every upload takes a [`Lease`]
//! on the server's one [`MemoryBudget`] and grows it before it allocates: for the body it
//! reads, for every buffer a gzip stream inflates into, for the copies multipart and push
//! decoding make. The lease is returned when the upload is answered. When the budget is
//! spent, an upload waits a little for others to finish, then is refused with 503 and
//! `Retry-After` (never dropped silently); an upload that alone needs more than the budget
//! is a 413.
//!
//! The budget counts buffers, not the parsers' own structures: parsing is synchronous and
//! runs on the async workers, so at most one parse per worker thread is alive at a time,
//! while buffers wait across `.await`s and so add up with concurrency.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// How long an upload waits for its share of a spent budget before it is refused.
pub const WAIT: Duration = Duration::from_secs(1);

/// What a refused upload is told to wait before retrying, in seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The shared byte budget of all uploads in flight. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    semaphore: Arc<Semaphore>,
    total: usize,
    wait: Duration,
}

impl MemoryBudget {
    /// A budget of `total` bytes; an upload waits at most `wait` for its share.
    #[must_use]
    pub fn new(total: usize, wait: Duration) -> Self {
        let total = total.clamp(1, Semaphore::MAX_PERMITS);
        MemoryBudget {
            semaphore: Arc::new(Semaphore::new(total)),
            total,
            wait,
        }
    }

    /// The budget's size in bytes.
    #[must_use]
    pub fn total(&self) -> usize {
        self.total
    }

    /// Bytes not held by any upload right now.
    #[must_use]
    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }

    /// A lease for one upload, which may decompress to at most `max_decompressed` bytes in
    /// total (every gzip stream of the upload counts: body, parts, nested profiles).
    #[must_use]
    pub fn lease(&self, max_decompressed: usize) -> Lease {
        Lease {
            budget: self.clone(),
            permit: None,
            decompressed_left: max_decompressed,
            max_decompressed,
        }
    }
}

/// One upload's share of the [`MemoryBudget`]; returned when dropped.
#[derive(Debug)]
pub struct Lease {
    budget: MemoryBudget,
    permit: Option<OwnedSemaphorePermit>,
    decompressed_left: usize,
    max_decompressed: usize,
}

impl Lease {
    /// Takes `bytes` more from the budget, waiting up to the budget's wait time.
    pub async fn grow(&mut self, bytes: usize) -> Result<(), AppError> {
        if bytes == 0 {
            return Ok(());
        }
        let wanted = self.held().saturating_add(bytes);
        if wanted > self.budget.total {
            return Err(AppError::TooLarge(format!(
                "this upload needs more than the server's upload memory budget of {} bytes",
                self.budget.total
            )));
        }
        let n = u32::try_from(bytes).map_err(|_| AppError::TooLarge("upload too large".into()))?;
        let sem = Arc::clone(&self.budget.semaphore);
        let permit = match sem.clone().try_acquire_many_owned(n) {
            Ok(p) => p,
            Err(_) => match tokio::time::timeout(self.budget.wait, sem.acquire_many_owned(n)).await
            {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => return Err(AppError::Unavailable),
                Err(_) => {
                    tracing::warn!(
                        held = self.held(),
                        wanted = bytes,
                        budget = self.budget.total,
                        "upload refused: the upload memory budget is spent"
                    );
                    return Err(AppError::Busy {
                        retry_after: RETRY_AFTER_SECS,
                    });
                }
            },
        };
        match &mut self.permit {
            Some(held) => held.merge(permit),
            None => self.permit = Some(permit),
        }
        Ok(())
    }

    /// Gives `bytes` back to the budget (a buffer was dropped before the upload ends).
    pub fn shrink(&mut self, bytes: usize) {
        if let Some(held) = &mut self.permit {
            let n = bytes.min(held.num_permits());
            drop(held.split(n));
        }
    }

    /// Bytes held by this lease.
    #[must_use]
    pub fn held(&self) -> usize {
        self.permit
            .as_ref()
            .map_or(0, OwnedSemaphorePermit::num_permits)
    }

    /// How many more bytes the upload may decompress to.
    #[must_use]
    pub fn decompressed_left(&self) -> usize {
        self.decompressed_left
    }

    /// The upload's whole decompression allowance (for error messages).
    #[must_use]
    pub fn max_decompressed(&self) -> usize {
        self.max_decompressed
    }

    /// Records `bytes` of decompressed output against the upload's allowance.
    pub(super) fn spend_decompressed(&mut self, bytes: usize) {
        self.decompressed_left = self.decompressed_left.saturating_sub(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn leases_share_the_budget_and_give_it_back() {
        let budget = MemoryBudget::new(1000, Duration::from_millis(20));
        let mut a = budget.lease(10);
        a.grow(600).await.unwrap();
        a.grow(100).await.unwrap();
        assert_eq!((a.held(), budget.available()), (700, 300));
        let mut b = budget.lease(10);
        let e = b.grow(400).await.unwrap_err();
        assert!(matches!(e, AppError::Busy { retry_after: 5 }), "{e:?}");
        assert_eq!(b.held(), 0);
        a.shrink(200);
        assert_eq!(budget.available(), 500);
        b.grow(400).await.unwrap();
        drop(a);
        drop(b);
        assert_eq!(budget.available(), 1000);
    }

    #[tokio::test]
    async fn a_waiting_upload_gets_what_another_returns() {
        let budget = MemoryBudget::new(100, Duration::from_secs(5));
        let mut a = budget.lease(10);
        a.grow(100).await.unwrap();
        let waiter = {
            let budget = budget.clone();
            tokio::spawn(async move {
                let mut b = budget.lease(10);
                b.grow(50).await.map(|()| b.held())
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(a);
        assert_eq!(waiter.await.unwrap().unwrap(), 50);
    }

    #[tokio::test]
    async fn more_than_the_whole_budget_is_413() {
        let budget = MemoryBudget::new(100, Duration::from_millis(1));
        let mut a = budget.lease(10);
        a.grow(60).await.unwrap();
        let e = a.grow(41).await.unwrap_err();
        assert!(matches!(e, AppError::TooLarge(_)), "{e:?}");
        assert_eq!(a.held(), 60);
    }
}
