//! Login throttling: a token bucket per client address and one per user name. Every
//! attempt takes a token *before* the password is checked and a successful one gives it
//! back, so only failures count, and a burst of parallel guesses cannot slip through while
//! the first ones are still being verified. With a bucket empty, attempts are refused with
//! 429 and `Retry-After`, even with the right password, so guessing gains nothing. The
//! per-name bucket stops a distributed guess at one account; the per-address bucket stops
//! one client trying many accounts. Buckets live in memory (a restart forgets them).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Size and refill rate of one kind of bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Failures allowed in a burst.
    pub burst: u32,
    /// One more failure is allowed after each such period.
    pub refill: Duration,
}

/// Throttling rates for logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Per client address (IPv6 clients are grouped by /64).
    pub per_address: Rate,
    /// Per user name.
    pub per_name: Rate,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_address: Rate {
                burst: 20,
                refill: Duration::from_secs(6),
            },
            per_name: Rate {
                burst: 5,
                refill: Duration::from_secs(20),
            },
        }
    }
}

/// Buckets beyond this many are pruned (full ones first), so a flood of addresses or names
/// cannot grow memory without bound.
const MAX_BUCKETS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A set of token buckets of one [`Rate`], keyed by string.
#[derive(Debug)]
pub struct Buckets {
    rate: Rate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    /// Empty buckets of `rate`.
    #[must_use]
    pub fn new(rate: Rate) -> Self {
        Buckets {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refilled(&self, b: Bucket, now: Instant) -> f64 {
        let per_sec = 1.0 / self.rate.refill.as_secs_f64().max(1e-3);
        let gained = now.saturating_duration_since(b.at).as_secs_f64() * per_sec;
        (b.tokens + gained).min(f64::from(self.rate.burst))
    }

    /// Takes a token of `key` at `now`; `Err(wait)` (and nothing taken) when there is none.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_BUCKETS && !map.contains_key(key) {
            let burst = f64::from(self.rate.burst);
            map.retain(|_, b| self.refilled(*b, now) < burst);
            if map.len() >= MAX_BUCKETS {
                map.clear();
            }
        }
        let b = map.entry(key.to_string()).or_insert(Bucket {
            tokens: f64::from(self.rate.burst),
            at: now,
        });
        let tokens = self.refilled(*b, now);
        b.at = now;
        if tokens >= 1.0 {
            b.tokens = tokens - 1.0;
            Ok(())
        } else {
            b.tokens = tokens;
            Err(self.rate.refill.mul_f64(1.0 - tokens))
        }
    }

    /// Gives back a token taken for an attempt that succeeded.
    pub fn refund(&self, key: &str, now: Instant) {
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(b) = map.get_mut(key) {
            b.tokens = (self.refilled(*b, now) + 1.0).min(f64::from(self.rate.burst));
            b.at = now;
        }
    }
}

/// The key of a client address: the address itself, or its /64 for IPv6 (one host often
/// owns a whole /64). Unknown addresses share one bucket.
#[must_use]
pub fn address_key(addr: Option<IpAddr>) -> String {
    match addr {
        Some(IpAddr::V4(a)) => a.to_string(),
        Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 3,
        refill: Duration::from_secs(10),
    };

    #[test]
    fn a_burst_of_failures_then_refusal_until_refilled() {
        let b = Buckets::new(RATE);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take("u", t0).is_ok());
        }
        assert_eq!(b.take("u", t0).unwrap_err(), Duration::from_secs(10));
        assert!(b.take("other", t0).is_ok(), "keys are independent");
        let later = t0 + Duration::from_secs(4);
        assert_eq!(b.take("u", later).unwrap_err(), Duration::from_secs(6));
        let refilled = t0 + Duration::from_secs(10);
        assert!(b.take("u", refilled).is_ok());
        assert!(b.take("u", refilled).is_err());
    }

    #[test]
    fn successes_are_refunded() {
        let b = Buckets::new(RATE);
        let t0 = Instant::now();
        for _ in 0..10 {
            assert!(b.take("u", t0).is_ok());
            b.refund("u", t0);
        }
        b.refund("u", t0);
        for _ in 0..3 {
            assert!(b.take("u", t0).is_ok(), "never above the burst");
        }
        assert!(b.take("u", t0).is_err());
    }

    #[test]
    fn ipv6_clients_are_grouped_by_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(address_key(Some(a)), address_key(Some(b)));
        let v4: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(address_key(Some(v4)), "10.0.0.1");
        assert_eq!(address_key(None), "unknown");
    }
}
