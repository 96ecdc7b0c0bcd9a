//! The clock, injected everywhere time matters (R6's 7 days, request dates).

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// Today's date in Europe/Paris, the calendar of every date the product writes.
    fn today_in_paris(&self) -> Date {
        self.now().to_zoned_datetime(paris()).date()
    }
}

/// The Europe/Paris time zone (bundled tz database: no system files needed).
pub fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").expect("the bundled tz database has Europe/Paris")
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The machine's clock moved by a fixed number of days: for demonstrations and browser tests
/// of what happens days after a request (R6's delay), set by `CERES_CLOCK_OFFSET_DAYS`.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    pub days: i64,
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        Timestamp::now() + jiff::SignedDuration::from_hours(24 * self.days)
    }
}

/// A clock that tells the time it is set to, for tests and demos.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<Timestamp>>);

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: Timestamp) -> Self {
        FixedClock(Arc::new(Mutex::new(at)))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: Timestamp) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}
