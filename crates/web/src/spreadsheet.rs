//! What every CSV the product writes for a spreadsheet shares.

/// A cell that a spreadsheet cannot run as a formula: text starting with `=`, `+`, `-`, `@`
/// (or a tab or carriage return, which some spreadsheets skip) gets a leading apostrophe.
pub fn inert(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+33 1"), "'+33 1");
        assert_eq!(inert("-1"), "'-1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("12 RUE DES LILAS"), "12 RUE DES LILAS");
        assert_eq!(inert(""), "");
    }
}
