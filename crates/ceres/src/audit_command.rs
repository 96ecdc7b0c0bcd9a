//! `ceres audit verify` and `ceres purge`: the traçabilité chain checked from end to end, and
//! personal data past its retention purged.

use ceres_store::Db;
use ceres_store::audit::{self, ChainReport};
use ceres_store::retention::{self, PurgeReport};
use jiff::Timestamp;

/// A point of the chain noted outside the database: `SEQ:HASH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;

    fn from_str(text: &str) -> Result<Anchor, String> {
        let (seq, hash) = text
            .split_once(':')
            .ok_or_else(|| format!("{text:?} is not SEQ:HASH"))?;
        let seq = seq
            .parse()
            .map_err(|_| format!("{seq:?} is not an entry number"))?;
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!("{hash:?} is not a SHA-256 in hexadecimal"));
        }
        Ok(Anchor {
            seq,
            hash: hash.to_lowercase(),
        })
    }
}

/// Checks the chain; the text to print, and whether it holds.
pub async fn verify(db: &Db, anchor: Option<&Anchor>) -> anyhow::Result<(String, bool)> {
    let report: ChainReport = audit::verify(db, anchor.map(|a| (a.seq, a.hash.as_str()))).await?;
    let text = match &report.broken {
        None => format!(
            "audit chain intact: {} entries ({} with values redacted by retention); head #{} {}\n\
             note the head outside the database and check it later with --anchor {}:{}",
            report.entries,
            report.redacted,
            report.entries,
            report.head_hash,
            report.entries,
            report.head_hash
        ),
        Some(broken) => format!(
            "audit chain BROKEN: {broken}\n{} entries before it verify",
            report.entries
        ),
    };
    Ok((text, report.broken.is_none()))
}

/// Purges (or counts, with `dry_run`) what is past its retention at `now`.
pub async fn purge(db: &Db, now: Timestamp, dry_run: bool) -> anyhow::Result<String> {
    let report: PurgeReport = retention::purge(db, now, dry_run).await?;
    let verb = if dry_run { "would purge" } else { "purged" };
    Ok(format!(
        "{verb}: {} expired web sessions, {} sign-in failure records, contact data of {} \
         candidates, before/after values of {} audit entries, {} deactivated accounts",
        report.web_sessions,
        report.sign_in_failures,
        report.candidats_contact,
        report.audit_values,
        report.accounts
    ))
}
