//! Sign-in attempts per address.

/// Sign-in attempts per address: at most `LIMIT` in `WINDOW`, whatever the accounts tried, so
/// one address cannot try many accounts quickly (each account also locks itself).
#[derive(Clone, Default)]
pub struct SignInLimiter {
    seen: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
    >,
}

impl SignInLimiter {
    pub const LIMIT: u32 = 20;
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(600);

    /// Counts an attempt from `address`; false when it is over the limit.
    pub fn allow(&self, address: &str) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        let now = std::time::Instant::now();
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < Self::WINDOW);
        }
        let entry = seen.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Self::WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= Self::LIMIT
    }
}
