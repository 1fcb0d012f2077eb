//! Per-host rate limits: how many requests one peer host may send to our inboxes, and how many
//! fetches this node makes from one host, per second (token buckets: a steady rate and a
//! burst). A flood from one host, or activities that would have us fetch from one host again
//! and again, slow that host down and nobody else.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One bucket per host, forgotten after a minute without use.
#[derive(Clone)]
pub struct HostLimiter {
    /// Tokens added per second; 0 turns the limit off.
    rate: f64,
    burst: f64,
    buckets: moka::future::Cache<String, Arc<Mutex<Bucket>>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl HostLimiter {
    pub(crate) fn new(per_second: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(per_second),
            burst: f64::from(burst.max(1)),
            buckets: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(Duration::from_secs(60))
                .build(),
        }
    }

    /// Takes one token from `host`'s bucket; when it is empty, how long until the next one.
    pub(crate) async fn take(&self, host: &str) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let burst = self.burst;
        let bucket = self
            .buckets
            .get_with_by_ref(host, async move {
                Arc::new(Mutex::new(Bucket {
                    tokens: burst,
                    at: Instant::now(),
                }))
            })
            .await;
        let mut bucket = bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let earned = now.duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + earned).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate))
        }
    }
}

impl HostLimiter {
    /// Like [`take`](Self::take), but waits for a token rather than be refused, up to
    /// `patience`: fetches are paced, not dropped, unless a host is asked far too much.
    pub(crate) async fn take_or_wait(
        &self,
        host: &str,
        patience: Duration,
    ) -> Result<(), Duration> {
        let mut waited = Duration::ZERO;
        loop {
            match self.take(host).await {
                Ok(()) => return Ok(()),
                Err(wait) if waited + wait <= patience => {
                    tokio::time::sleep(wait).await;
                    waited += wait;
                }
                Err(wait) => return Err(wait),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_host_gets_its_burst_then_its_rate_and_others_are_not_affected() {
        let limiter = HostLimiter::new(10, 5);
        for _ in 0..5 {
            assert!(limiter.take("a.example").await.is_ok());
        }
        let wait = limiter.take("a.example").await.unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        assert!(limiter.take("b.example").await.is_ok());
        assert!(HostLimiter::new(0, 0).take("a.example").await.is_ok());
        // Paced: the next token comes within a tenth of a second.
        let started = Instant::now();
        assert!(
            limiter
                .take_or_wait("a.example", Duration::from_secs(1))
                .await
                .is_ok()
        );
        assert!(started.elapsed() <= Duration::from_millis(500));
        assert!(
            limiter
                .take_or_wait("a.example", Duration::ZERO)
                .await
                .is_err()
        );
    }
}
