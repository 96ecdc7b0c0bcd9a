//! Every office address of the DDETS list (2022) comes out as valid lines or a precise
//! complaint, and never as a line over 38 characters.

use ceres_domain::adresse::{self, AddressIssue, MAX_LINE_CHARS};

const OFFICES: &str = include_str!("../../../data/offices/ddets_addresses_2022.csv");

/// The structure, département and raw address of each row, quotes removed.
fn rows() -> Vec<(String, String, String)> {
    OFFICES
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(';').map(|f| f.trim_matches('"')).collect();
            (
                fields[1].to_string(),
                fields[2].to_string(),
                fields[3].to_string(),
            )
        })
        .collect()
}

/// The lines of one office, or why it cannot be written.
fn office_lines(
    structure: &str,
    departement: &str,
    raw: &str,
) -> Result<Vec<String>, Vec<AddressIssue>> {
    let mut address = adresse::parse_raw_office(raw)?;
    address.destinataire = format!("{structure} {departement}");
    adresse::format(&address)
}

#[test]
fn every_office_address_gives_lines_within_the_norm_or_issues() {
    let rows = rows();
    assert_eq!(rows.len(), 100);

    let mut clean = 0;
    for (structure, departement, raw) in &rows {
        match office_lines(structure, departement, raw) {
            Ok(lines) => {
                clean += 1;
                assert!(lines.len() <= 6, "{raw}: {lines:?}");
                for line in &lines {
                    assert!(line.chars().count() <= MAX_LINE_CHARS, "{raw}: « {line} »");
                    assert!(!line.is_empty(), "{raw}: {lines:?}");
                }
            }
            Err(issues) => {
                assert!(!issues.is_empty(), "{raw}");
                for issue in &issues {
                    assert!(issue.check.starts_with("R4.address."), "{raw}: {issue:?}");
                    assert!(!issue.message.is_empty(), "{raw}: {issue:?}");
                }
            }
        }
    }

    // A regression guard: the share of offices written cleanly only grows.
    assert!(
        clean >= 94,
        "only {clean} offices formatted cleanly, 94 did"
    );
}
