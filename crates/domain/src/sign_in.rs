//! The rules of signing in: how long a web session lives, and the growing delay that
//! follows failed attempts on local accounts.

use jiff::{SignedDuration, Timestamp};

/// Failed attempts allowed in a row before the delay starts.
pub const FREE_ATTEMPTS: i64 = 5;

/// The first delay, after the last free attempt; it doubles with each further failure.
pub const FIRST_DELAY: SignedDuration = SignedDuration::from_mins(1);

/// The longest delay: an account is never locked for more than this at a time.
pub const MAX_DELAY: SignedDuration = SignedDuration::from_hours(1);

/// Failures older than this are forgotten.
pub const FAILURE_MEMORY: SignedDuration = SignedDuration::from_hours(24);

/// A web session ends this long after sign-in, whatever the activity.
pub const SESSION_MAX_AGE: SignedDuration = SignedDuration::from_hours(12);

/// A web session ends after this long without a request.
pub const SESSION_IDLE_TIMEOUT: SignedDuration = SignedDuration::from_hours(1);

/// The failed attempts recorded for one sign-in name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Failures in a row, counting every attempt not yet proven right.
    pub count: i64,
    /// When the last one was made.
    pub last_at: Timestamp,
}

impl Failures {
    /// The failures that still count at `now`: none once [`FAILURE_MEMORY`] has passed.
    pub fn still_counted(self, now: Timestamp) -> i64 {
        if now.duration_since(self.last_at) > FAILURE_MEMORY {
            0
        } else {
            self.count
        }
    }

    /// Until when a new attempt is refused, if it is at `now`.
    ///
    /// The first [`FREE_ATTEMPTS`] failures cost nothing; then each attempt must wait
    /// [`FIRST_DELAY`] after the previous one, doubled with each further failure, up to
    /// [`MAX_DELAY`].
    pub fn locked_until(self, now: Timestamp) -> Option<Timestamp> {
        let count = self.still_counted(now);
        if count < FREE_ATTEMPTS {
            return None;
        }
        let doublings = (count - FREE_ATTEMPTS).min(16) as u32;
        let delay = FIRST_DELAY
            .checked_mul(1 << doublings)
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY);
        let until = self.last_at.checked_add(delay).ok()?;
        (now < until).then_some(until)
    }
}

/// Whether a web session signed in at `signed_in_at` and last used at `last_seen_at` has
/// ended at `now`.
pub fn session_has_expired(
    signed_in_at: Timestamp,
    last_seen_at: Timestamp,
    now: Timestamp,
) -> bool {
    now.duration_since(signed_in_at) > SESSION_MAX_AGE
        || now.duration_since(last_seen_at) > SESSION_IDLE_TIMEOUT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn five_failures_cost_nothing_then_the_delay_doubles_up_to_an_hour() {
        let last_at = at("2026-12-03T09:00:00Z");
        let after = |count, minutes: i64| {
            let failures = Failures { count, last_at };
            failures.locked_until(
                last_at
                    .checked_add(SignedDuration::from_mins(minutes))
                    .unwrap(),
            )
        };

        assert_eq!(after(4, 0), None);
        assert_eq!(after(5, 0), Some(at("2026-12-03T09:01:00Z")));
        assert_eq!(after(5, 1), None);
        assert_eq!(after(6, 1), Some(at("2026-12-03T09:02:00Z")));
        assert_eq!(after(8, 0), Some(at("2026-12-03T09:08:00Z")));
        assert_eq!(after(40, 59), Some(at("2026-12-03T10:00:00Z")));
        assert_eq!(after(40, 60), None);
    }

    #[test]
    fn failures_are_forgotten_after_a_day() {
        let failures = Failures {
            count: 9,
            last_at: at("2026-12-03T09:00:00Z"),
        };

        assert_eq!(failures.still_counted(at("2026-12-04T09:00:00Z")), 9);
        assert_eq!(failures.still_counted(at("2026-12-04T09:00:01Z")), 0);
    }

    #[test]
    fn a_session_ends_after_an_idle_hour_or_twelve_hours_in_all() {
        let signed_in = at("2026-12-03T08:00:00Z");

        assert!(!session_has_expired(
            signed_in,
            at("2026-12-03T19:30:00Z"),
            at("2026-12-03T19:59:00Z")
        ));
        assert!(session_has_expired(
            signed_in,
            at("2026-12-03T19:30:00Z"),
            at("2026-12-03T20:00:01Z")
        ));
        assert!(session_has_expired(
            signed_in,
            at("2026-12-03T09:00:00Z"),
            at("2026-12-03T10:00:01Z")
        ));
    }
}
