//! How instants and dates are written as text in the database.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::StoreError;

/// An instant as stored: UTC, fixed width, microseconds, so that text order is time order.
pub fn timestamp_text(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A calendar date as stored: `YYYY-MM-DD`.
pub fn date_text(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

/// Reads a date written by [`date_text`].
pub fn parse_date(text: &str) -> Result<Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Invalid(format!("stored date is not ISO: {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_a_fixed_width_so_text_sorts_as_time() {
        let whole: Timestamp = "2022-11-29T10:00:00Z".parse().unwrap();
        let fraction: Timestamp = "2022-11-29T09:59:59.5Z".parse().unwrap();

        assert_eq!(timestamp_text(whole), "2022-11-29T10:00:00.000000Z");
        assert!(timestamp_text(fraction) < timestamp_text(whole));
    }
}
