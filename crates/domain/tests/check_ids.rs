//! Every check of R4 has a stable id, and each id has at least one test named after it
//! (`R4.birth_date.no_such_day` → a test whose name starts with `r4_birth_date_no_such_day`),
//! so that a reader finds the test of a message an agent reports.

const SOURCES: [&str; 3] = [
    include_str!("../src/candidat.rs"),
    include_str!("../src/adresse.rs"),
    include_str!("../src/candidat_data.rs"),
];

const TESTS: [&str; 2] = [
    include_str!("r4_real_data.rs"),
    include_str!("adresse_offices.rs"),
];

/// The check ids written as string literals (`"R4.…"`) in a source.
fn check_ids(source: &str) -> Vec<String> {
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|literal| {
            literal.starts_with("R4.")
                && literal.len() > 3
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c == 'R' || c == '4')
        })
        .map(str::to_owned)
        .collect()
}

/// The names of the test functions of a source.
fn test_names(source: &str) -> Vec<&str> {
    source
        .split("fn ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .filter(|name| name.starts_with("r4_"))
        .collect()
}

#[test]
fn every_check_id_has_a_test_named_after_it() {
    let mut ids: Vec<String> = SOURCES.iter().flat_map(|s| check_ids(s)).collect();
    ids.sort();
    ids.dedup();
    let names: Vec<&str> = SOURCES
        .iter()
        .chain(TESTS.iter())
        .flat_map(|s| test_names(s))
        .collect();

    let untested: Vec<&String> = ids
        .iter()
        .filter(|id| {
            let prefix = id.to_lowercase().replace('.', "_");
            !names.iter().any(|name| name.starts_with(&prefix))
        })
        .collect();

    // The scanner must find them: 39 when this test was written.
    assert!(
        ids.len() >= 30,
        "only {} check ids found: {ids:?}",
        ids.len()
    );
    assert!(
        untested.is_empty(),
        "check ids without a test: {untested:?}"
    );
}

#[test]
fn check_ids_are_dotted_lower_case_under_r4() {
    for source in SOURCES {
        for id in check_ids(source) {
            let parts: Vec<&str> = id.split('.').collect();
            assert_eq!(parts.len(), 3, "{id}");
            assert_eq!(parts[0], "R4", "{id}");
            assert!(parts[1..].iter().all(|p| !p.is_empty()), "{id}");
        }
    }
}
