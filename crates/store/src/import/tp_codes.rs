//! `tp-codes-known.csv`: the few links between the ministry's TP codes and RNCP fiches
//! found in public material, written by hand in French, with comments inside the cells.
//!
//! A TP code is linked to a fiche only when its row is unambiguous: a verified code, one
//! RNCP number outside brackets, a fiche present in the export, and no other row claiming
//! the same code or the same fiche. Every other row becomes a remark.

use std::collections::HashMap;

use jiff::civil::Date;

use super::rncp::Titre;
use super::table::{Encoding, Table};
use super::{ImportError, ImportRemark, RemarkKind};

/// File name, as errors and remarks show it.
pub(super) const FILE: &str = "tp-codes-known.csv";

/// A TP code linked to its fiche, with the arrêté in force when the row states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TpLink {
    pub code_tp: String,
    pub rncp: String,
    pub arrete_date: Option<Date>,
    pub journal_officiel_date: Option<Date>,
}

/// A row that names one verified code and one RNCP number, before the cross-row checks.
struct Candidate {
    line: u64,
    link: TpLink,
}

/// Reads the file and returns the unambiguous links, in file order.
pub(super) fn parse(
    bytes: &[u8],
    titres: &[Titre],
    remarks: &mut Vec<ImportRemark>,
) -> Result<Vec<TpLink>, ImportError> {
    let table = Table::read(FILE, bytes, Encoding::Utf8, b';')?;
    let code_column = table.column("code_tp")?;
    let intitule_column = table.column("intitule")?;
    let rncp_column = table.column("rncp")?;
    let niveau_column = table.column("niveau")?;
    let dates_column = table.column("dates_arrete_millesime")?;

    let titres: HashMap<&str, &Titre> = titres
        .iter()
        .map(|titre| (titre.rncp.as_str(), titre))
        .collect();
    let mut remark = |line: u64, kind: RemarkKind, message: String| {
        remarks.push(ImportRemark::new(kind, FILE, Some(line), message));
    };

    let mut candidates = Vec::new();
    for row in table.rows() {
        let line = row.line();
        let cell = row.get(code_column);

        // « TP-00463 ? »: a code someone could not confirm.
        let (code, verified) = match cell.strip_suffix('?') {
            Some(code) => (code.trim_end(), false),
            None => (cell, true),
        };
        if !is_tp_code(code) {
            remark(
                line,
                RemarkKind::TpCodeUnreadable,
                format!("unreadable TP code {cell:?}"),
            );
            continue;
        }

        let (numbers, mentioned) = rncp_numbers(row.get(rncp_column));
        if !verified {
            remark(
                line,
                RemarkKind::TpCodeUnverified,
                format!(
                    "{code} is marked unverified (« ? ») for {}: not linked",
                    list_or(&numbers, "no RNCP number")
                ),
            );
            continue;
        }
        let rncp = match numbers.as_slice() {
            [] => {
                remark(
                    line,
                    RemarkKind::TpCodeWithoutRncp,
                    format!(
                        "{code} has no RNCP number ({:?}): not linked",
                        row.get(rncp_column)
                    ),
                );
                continue;
            }
            [rncp] => rncp.clone(),
            several => {
                remark(
                    line,
                    RemarkKind::TpCodeConflict,
                    format!(
                        "{code} names several RNCP numbers ({}): conflict, not linked",
                        several.join(", ")
                    ),
                );
                continue;
            }
        };
        let Some(titre) = titres.get(rncp.as_str()) else {
            let also = mentioned
                .iter()
                .filter(|number| titres.contains_key(number.as_str()))
                .map(|number| format!(" (the row also mentions {number}, which is)"))
                .collect::<String>();
            remark(
                line,
                RemarkKind::RncpNotInExport,
                format!("{code}: {rncp} is not a titre of the RNCP export{also}: not linked"),
            );
            continue;
        };

        // The row's intitulé and level are only checked against the export.
        let intitule = row.get(intitule_column);
        if !intitule.is_empty() && intitule.to_lowercase() != titre.intitule.to_lowercase() {
            remark(
                line,
                RemarkKind::TpRowMismatch,
                format!(
                    "{code}: intitulé « {intitule} » differs from {rncp}'s « {} »; \
                     the export's is kept",
                    titre.intitule
                ),
            );
        }
        let niveau = row.get(niveau_column);
        if niveau
            .parse::<i64>()
            .is_ok_and(|niveau| niveau != titre.niveau)
        {
            remark(
                line,
                RemarkKind::TpRowMismatch,
                format!(
                    "{code}: level {niveau} differs from {rncp}'s level {}; \
                     the export's is kept",
                    titre.niveau
                ),
            );
        }

        let dates = row.get(dates_column);
        let arretes = dates_after(dates, &["arrêté du ", "arrete du "]);
        let journaux = dates_after(dates, &["jo du ", "journal officiel du "]);
        let (arrete_date, journal_officiel_date) = match (arretes.as_slice(), journaux.as_slice()) {
            ([] | [_], [] | [_]) => (arretes.first().copied(), journaux.first().copied()),
            _ => {
                remark(
                    line,
                    RemarkKind::ArreteDatesAmbiguous,
                    format!("{code}: several arrêté or JO dates in {dates:?}; none is kept"),
                );
                (None, None)
            }
        };

        candidates.push(Candidate {
            line,
            link: TpLink {
                code_tp: code.to_owned(),
                rncp,
                arrete_date,
                journal_officiel_date,
            },
        });
    }

    Ok(keep_unambiguous(candidates, remarks))
}

/// Drops the candidates whose code or fiche another row links differently; each
/// conflicting row is reported.
fn keep_unambiguous(candidates: Vec<Candidate>, remarks: &mut Vec<ImportRemark>) -> Vec<TpLink> {
    let mut links: Vec<TpLink> = Vec::new();
    for candidate in &candidates {
        let link = &candidate.link;
        let rivals: Vec<u64> = candidates
            .iter()
            .filter(|other| other.link.code_tp == link.code_tp || other.link.rncp == link.rncp)
            .filter(|other| other.link != *link)
            .map(|other| other.line)
            .collect();

        if rivals.is_empty() {
            // A row repeated word for word gives one link.
            if !links.contains(link) {
                links.push(link.clone());
            }
            continue;
        }
        let lines = rivals
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        remarks.push(ImportRemark::new(
            RemarkKind::TpCodeConflict,
            FILE,
            Some(candidate.line),
            format!(
                "{} → {} is contradicted by line {lines}: conflict, not linked",
                link.code_tp, link.rncp
            ),
        ));
    }

    links
}

/// `TP-00463`.
fn is_tp_code(code: &str) -> bool {
    code.strip_prefix("TP-")
        .is_some_and(|digits| digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The RNCP numbers of a cell: those outside brackets, which the row asserts, and those
/// inside, which are comments (« RNCP41366 (ex-RNCP35030) »), each list without repeats.
fn rncp_numbers(cell: &str) -> (Vec<String>, Vec<String>) {
    let mut asserted = Vec::new();
    let mut mentioned = Vec::new();
    let mut depth = 0_usize;
    let mut rest = cell;
    while let Some(next) = rest.chars().next() {
        match next {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            'R' if rest.starts_with("RNCP") => {
                let digits: String = rest[4..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if !digits.is_empty() {
                    let number = format!("RNCP{digits}");
                    let list = if depth == 0 {
                        &mut asserted
                    } else {
                        &mut mentioned
                    };
                    if !list.contains(&number) {
                        list.push(number);
                    }
                    rest = &rest[4 + digits.len()..];
                    continue;
                }
            }
            _ => {}
        }
        rest = &rest[next.len_utf8()..];
    }
    (asserted, mentioned)
}

/// The distinct dates `DD/MM/YYYY` that follow one of `markers` (matched without case).
fn dates_after(text: &str, markers: &[&str]) -> Vec<Date> {
    let lower = text.to_lowercase();
    let mut dates = Vec::new();
    for marker in markers {
        for (start, _) in lower.match_indices(marker) {
            let after = &lower[start + marker.len()..];
            if let Some(date) = after.get(..10).and_then(parse_french_date)
                && !dates.contains(&date)
            {
                dates.push(date);
            }
        }
    }
    dates
}

/// `20/09/2018`.
fn parse_french_date(text: &str) -> Option<Date> {
    let mut parts = text.split('/');
    let day = parts.next().filter(|part| part.len() == 2)?.parse().ok()?;
    let month = parts.next().filter(|part| part.len() == 2)?.parse().ok()?;
    let year = parts.next().filter(|part| part.len() == 4)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

fn list_or(numbers: &[String], empty: &str) -> String {
    if numbers.is_empty() {
        empty.to_owned()
    } else {
        numbers.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "code_tp;intitule;rncp;niveau;dates_arrete_millesime;ccp_blocs;source;confiance\n";

    fn titre(rncp: &str, intitule: &str) -> Titre {
        Titre {
            rncp: rncp.into(),
            intitule: intitule.into(),
            niveau: 3,
            actif: true,
            date_fin_validite: None,
            anciennes_fiches: vec![],
            nouvelles_fiches: vec![],
        }
    }

    fn parse_rows(rows: &str, titres: &[Titre]) -> (Vec<TpLink>, Vec<ImportRemark>) {
        let mut remarks = Vec::new();
        let links = parse(format!("{HEADER}{rows}").as_bytes(), titres, &mut remarks).unwrap();
        (links, remarks)
    }

    #[test]
    fn an_unambiguous_row_links_its_code_with_the_arrete_and_jo_dates() {
        let rows = "TP-00463;Ouvrier du paysage;RNCP399 (flouté « RNCP300 »);3;\
            \"diplôme : arrêté du 20/09/2018 (JO du 26/09/2018) ; attestation : (11/09/2003) \
            = arrêté de création\";;;haute\n";

        let (links, remarks) = parse_rows(rows, &[titre("RNCP399", "Ouvrier du paysage")]);

        assert_eq!(
            links,
            [TpLink {
                code_tp: "TP-00463".into(),
                rncp: "RNCP399".into(),
                arrete_date: Some(Date::constant(2018, 9, 20)),
                journal_officiel_date: Some(Date::constant(2018, 9, 26)),
            }]
        );
        assert!(remarks.is_empty(), "{remarks:?}");
    }

    #[test]
    fn several_rncp_numbers_in_one_cell_are_a_conflict() {
        let rows = "TP-00391;AVF;RNCP35506 (une source) / RNCP4821 (export 2021);3;;;;\n";

        let (links, remarks) = parse_rows(rows, &[titre("RNCP4821", "AVF")]);

        assert!(links.is_empty());
        assert_eq!(remarks[0].kind, RemarkKind::TpCodeConflict);
        assert!(
            remarks[0].message.contains("RNCP35506, RNCP4821"),
            "{remarks:?}"
        );
    }

    #[test]
    fn an_unverified_code_or_a_missing_fiche_is_not_linked() {
        let rows = "TP-00463 ?;Ouvrier paysagiste;RNCP399;3;;;;\n\
            TP-01345;Insuffler;?;?;04/08/2022;?;;\n\
            TP-01284;ARH;RNCP41366 (ex-RNCP35030);5;;;;\n";
        let titres = [
            titre("RNCP399", "Ouvrier paysagiste"),
            titre("RNCP35030", "ARH"),
        ];

        let (links, remarks) = parse_rows(rows, &titres);

        assert!(links.is_empty());
        let kinds: Vec<_> = remarks.iter().map(|remark| remark.kind).collect();
        assert_eq!(
            kinds,
            [
                RemarkKind::TpCodeUnverified,
                RemarkKind::TpCodeWithoutRncp,
                RemarkKind::RncpNotInExport
            ]
        );
        assert!(
            remarks[2].message.contains("also mentions RNCP35030"),
            "{remarks:?}"
        );
    }

    #[test]
    fn two_rows_claiming_one_fiche_are_a_conflict() {
        let rows = "TP-00001;A;RNCP1;3;;;;\nTP-00002;A;RNCP1;3;;;;\n";

        let (links, remarks) = parse_rows(rows, &[titre("RNCP1", "A")]);

        assert!(links.is_empty());
        assert_eq!(remarks.len(), 2);
        assert!(
            remarks
                .iter()
                .all(|remark| remark.kind == RemarkKind::TpCodeConflict)
        );
    }

    #[test]
    fn bracketed_numbers_are_comments() {
        let (asserted, mentioned) = rncp_numbers("RNCP41366 (ex-RNCP35030, voir (RNCP1))");

        assert_eq!(asserted, ["RNCP41366"]);
        assert_eq!(mentioned, ["RNCP35030", "RNCP1"]);
    }
}
