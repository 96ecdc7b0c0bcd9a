//! How long personal data is kept (`docs/retention.md`), as dates before which
//! `ceres purge` removes it. What the traçabilité ledger (R13) and the public verification
//! page need is never purged: the chain of audit entries, the état civil and results of
//! candidates, and what the printed documents print.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use crate::clock::paris;
use crate::sign_in::FAILURE_MEMORY;

/// Years a candidate's postal address, e-mail and telephone are kept after the candidate's
/// last activity (the end of the last session, or the last print request): the time for a
/// pli to come back undelivered, be re-posted, or be reported lost (R9, R10).
pub const CONTACT_YEARS: i16 = 2;

/// Years the before and after values of an audit entry are kept; the entry itself (who,
/// when, what, digests and chain) is kept for good.
pub const AUDIT_PAYLOAD_YEARS: i16 = 5;

/// Years the name and e-mail address of a deactivated account are kept; the account's id
/// stays, so that the ledger still says who acted.
pub const DISABLED_ACCOUNT_YEARS: i16 = 5;

/// The limits of a purge run at a given instant: what is older is purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// Candidates whose last activity is before this date lose their contact data.
    pub contact_before: Date,
    /// Audit entries made before this instant lose their before and after values.
    pub audit_payload_before: Timestamp,
    /// Accounts deactivated before this instant are pseudonymised.
    pub disabled_account_before: Timestamp,
    /// Sign-in failures older than this are forgotten.
    pub sign_in_failures_before: Timestamp,
}

impl Cutoffs {
    /// The limits at `now`, counted in the Europe/Paris calendar.
    pub fn at(now: Timestamp) -> Cutoffs {
        let zoned = now.to_zoned_datetime(paris());
        let years_ago = |years: i16| {
            zoned
                .checked_sub(years.years())
                .map(|z| z.timestamp())
                .unwrap_or(Timestamp::MIN)
        };
        Cutoffs {
            contact_before: zoned
                .date()
                .checked_sub(CONTACT_YEARS.years())
                .unwrap_or(Date::MIN),
            audit_payload_before: years_ago(AUDIT_PAYLOAD_YEARS),
            disabled_account_before: years_ago(DISABLED_ACCOUNT_YEARS),
            sign_in_failures_before: now.checked_sub(FAILURE_MEMORY).unwrap_or(Timestamp::MIN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_count_calendar_years_in_paris() {
        let cutoffs = Cutoffs::at("2026-12-03T09:00:00Z".parse().unwrap());

        assert_eq!(cutoffs.contact_before, jiff::civil::date(2024, 12, 3));
        assert_eq!(
            cutoffs.audit_payload_before,
            "2021-12-03T09:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            cutoffs.sign_in_failures_before,
            "2026-12-02T09:00:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
