//! The RNCP export of France Compétences (early 2021), reduced to the titres
//! professionnels: their fiches, NSF codes and blocks.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::table::{Column, Encoding, Row, Table};
use super::{ImportError, ImportRemark, RemarkKind};

/// File names, as errors and remarks show them.
pub(super) const INFO_FILE: &str = "rncp_info.v1.4.csv";
pub(super) const NSF_FILE: &str = "rncp_nsf.v1.4.csv";
pub(super) const BLOCS_FILE: &str = "rncp_blocs_competences.v1.4.csv";
pub(super) const CERTIFICATEURS_FILE: &str = "rncp_certificateurs.v1.4.csv";

/// The `CodeTypeCertif` of a titre professionnel.
const TYPE_TITRE_PROFESSIONNEL: &str = "TP";

/// One fiche of a titre professionnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Titre {
    pub rncp: String,
    pub intitule: String,
    pub niveau: i64,
    pub actif: bool,
    pub date_fin_validite: Option<Date>,
    /// Former fiches; the export lists a fiche twice when it has two.
    pub anciennes_fiches: Vec<String>,
    /// Fiches that replace this one; a fiche can be split in two.
    pub nouvelles_fiches: Vec<String>,
}

/// One NSF code of a titre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Nsf {
    pub rncp: String,
    pub code: String,
    pub libelle: String,
}

/// Whether a block is a CCP or a CCS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlocKind {
    Ccp,
    Ccs,
}

impl BlocKind {
    /// The value stored in `titre_bloc.kind`.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            BlocKind::Ccp => "ccp",
            BlocKind::Ccs => "ccs",
        }
    }
}

/// One block of a titre (`RNCP399BC01`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bloc {
    pub code: String,
    pub rncp: String,
    pub intitule: String,
    pub kind: BlocKind,
    pub position: i64,
}

/// The titres professionnels of the export, in file order.
#[derive(Debug, Default)]
pub(super) struct RncpExport {
    pub titres: Vec<Titre>,
    pub nsf: Vec<Nsf>,
    pub blocs: Vec<Bloc>,
    /// Lines of `rncp_info` read as titres, before merging the fiches listed twice.
    pub info_lines: usize,
}

/// The four files of the export, as published.
#[derive(Debug, Clone, Copy)]
pub(super) struct RncpFiles<'a> {
    pub info: &'a [u8],
    pub nsf: &'a [u8],
    pub blocs: &'a [u8],
    pub certificateurs: &'a [u8],
}

/// Reads the export and keeps the titres professionnels (`CodeTypeCertif` = `TP`).
///
/// Only the kept lines are checked field by field; the other lines are only checked to be
/// well-formed CSV, so that a certification of another kind cannot block the import.
pub(super) fn parse(
    files: RncpFiles<'_>,
    remarks: &mut Vec<ImportRemark>,
) -> Result<RncpExport, ImportError> {
    let mut export = RncpExport::default();

    let info = Table::read(INFO_FILE, files.info, Encoding::Windows1252, b';')?;
    let info_rows = parse_info(&info, &mut export, remarks)?;

    let kept: HashSet<String> = export
        .titres
        .iter()
        .map(|titre| titre.rncp.clone())
        .collect();
    let nsf = Table::read(NSF_FILE, files.nsf, Encoding::Windows1252, b';')?;
    export.nsf = parse_nsf(&nsf, &kept, remarks)?;

    let blocs = Table::read(BLOCS_FILE, files.blocs, Encoding::Windows1252, b';')?;
    export.blocs = parse_blocs(&blocs, &kept, remarks)?;

    let certificateurs = Table::read(
        CERTIFICATEURS_FILE,
        files.certificateurs,
        Encoding::Windows1252,
        b';',
    )?;
    check_certificateurs(&certificateurs, &info_rows, &kept, remarks)?;

    Ok(export)
}

/// What the certificateur check needs to know of every fiche of the export.
struct InfoRow {
    line: u64,
    type_certif: String,
}

fn parse_info(
    table: &Table,
    export: &mut RncpExport,
    remarks: &mut Vec<ImportRemark>,
) -> Result<HashMap<String, InfoRow>, ImportError> {
    let code = table.column("CodeRNCP")?;
    let intitule = table.column("intituleDiplome")?;
    let date_fin = table.column("date_fin_validite_enregistrement")?;
    let active = table.column("ActiveInactive")?;
    let niveau = table.column("NiveauEurope")?;
    let type_certif = table.column("CodeTypeCertif")?;
    let ancienne = table.column("AncienneFiche")?;
    let nouvelle = table.column("NouvelleFiche")?;

    let mut fiches = HashMap::new();
    let mut first_line: HashMap<String, (usize, u64)> = HashMap::new();
    for row in table.rows() {
        fiches
            .entry(row.get(code).to_owned())
            .or_insert_with(|| InfoRow {
                line: row.line(),
                type_certif: row.get(type_certif).to_owned(),
            });
        if row.get(type_certif) != TYPE_TITRE_PROFESSIONNEL {
            continue;
        }
        export.info_lines += 1;

        let titre = Titre {
            rncp: rncp_number(&row, code)?.to_owned(),
            intitule: row.required(intitule)?.to_owned(),
            niveau: parse_niveau(&row, niveau)?,
            actif: match row.get(active) {
                "ACTIVE" => true,
                "INACTIVE" => false,
                other => return Err(row.error(active, format!("unknown state {other:?}"))),
            },
            date_fin_validite: parse_us_date(&row, date_fin)?,
            anciennes_fiches: optional_rncp_number(&row, ancienne)?.into_iter().collect(),
            nouvelles_fiches: optional_rncp_number(&row, nouvelle)?.into_iter().collect(),
        };

        // A fiche with two former or two new fiches is listed once per link.
        match first_line.get(&titre.rncp) {
            None => {
                first_line.insert(titre.rncp.clone(), (export.titres.len(), row.line()));
                export.titres.push(titre);
            }
            Some(&(index, line)) => {
                merge_fiche(&mut export.titres[index], titre, line, &row, remarks)
            }
        }
    }

    Ok(fiches)
}

/// Merges a second line of the same fiche into the first one.
fn merge_fiche(
    first: &mut Titre,
    again: Titre,
    first_line: u64,
    row: &Row<'_>,
    remarks: &mut Vec<ImportRemark>,
) {
    let same_fiche = Titre {
        anciennes_fiches: first.anciennes_fiches.clone(),
        nouvelles_fiches: first.nouvelles_fiches.clone(),
        ..again.clone()
    };
    if same_fiche != *first {
        remarks.push(ImportRemark::new(
            RemarkKind::DuplicateFiche,
            INFO_FILE,
            Some(row.line()),
            format!(
                "{} is listed again with other values than on line {first_line}; \
                 the first line is kept",
                first.rncp
            ),
        ));
        return;
    }

    for fiche in again.anciennes_fiches {
        if !first.anciennes_fiches.contains(&fiche) {
            first.anciennes_fiches.push(fiche);
        }
    }
    for fiche in again.nouvelles_fiches {
        if !first.nouvelles_fiches.contains(&fiche) {
            first.nouvelles_fiches.push(fiche);
        }
    }
    remarks.push(ImportRemark::new(
        RemarkKind::DuplicateFiche,
        INFO_FILE,
        Some(row.line()),
        format!(
            "{} is listed on lines {first_line} and {}, once per linked fiche \
             (former: {}; new: {}): merged into one titre",
            first.rncp,
            row.line(),
            list_or_none(&first.anciennes_fiches),
            list_or_none(&first.nouvelles_fiches),
        ),
    ));
}

fn list_or_none(fiches: &[String]) -> String {
    if fiches.is_empty() {
        "none".to_owned()
    } else {
        fiches.join(", ")
    }
}

fn parse_nsf(
    table: &Table,
    kept: &HashSet<String>,
    remarks: &mut Vec<ImportRemark>,
) -> Result<Vec<Nsf>, ImportError> {
    let rncp = table.column("CodeRNCP")?;
    let code = table.column("code")?;
    let libelle = table.column("Libelle")?;

    let mut seen: HashMap<(String, String), String> = HashMap::new();
    let mut nsf = Vec::new();
    for row in table.rows() {
        if !kept.contains(row.get(rncp)) {
            continue;
        }

        let value = row.required(code)?;
        if !is_nsf_code(value) {
            return Err(row.error(code, format!("not an NSF code: {value:?}")));
        }
        let entry = Nsf {
            rncp: row.get(rncp).to_owned(),
            code: value.to_owned(),
            libelle: row.required(libelle)?.to_owned(),
        };

        // The export repeats some lines; a repeated code with another label is reported.
        let key = (entry.rncp.clone(), entry.code.clone());
        match seen.get(&key) {
            Some(libelle) if *libelle == entry.libelle => {}
            Some(_) => remarks.push(ImportRemark::new(
                RemarkKind::DuplicateLine,
                NSF_FILE,
                Some(row.line()),
                format!(
                    "{} {} is listed again with another label; the first is kept",
                    key.0, key.1
                ),
            )),
            None => {
                seen.insert(key, entry.libelle.clone());
                nsf.push(entry);
            }
        }
    }

    Ok(nsf)
}

/// `214`, `214s`: three digits and an optional letter.
fn is_nsf_code(code: &str) -> bool {
    let (digits, letter) = code.split_at(code.len().min(3));
    digits.len() == 3
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && letter.len() <= 1
        && letter.bytes().all(|byte| byte.is_ascii_lowercase())
}

fn parse_blocs(
    table: &Table,
    kept: &HashSet<String>,
    remarks: &mut Vec<ImportRemark>,
) -> Result<Vec<Bloc>, ImportError> {
    let rncp = table.column("CodeRNCP")?;
    let numero = table.column("numero_bloc")?;
    let intitule = table.column("intitule")?;

    let mut seen = HashSet::new();
    let mut blocs = Vec::new();
    for row in table.rows() {
        if !kept.contains(row.get(rncp)) {
            continue;
        }

        // RNCP399BC01: the fiche's number, BC, and the block's position.
        let code = row.required(numero)?;
        let position = code
            .strip_prefix(row.get(rncp))
            .and_then(|rest| rest.strip_prefix("BC"))
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<i64>().ok())
            .ok_or_else(|| {
                row.error(
                    numero,
                    format!("not a block of {}: {code:?}", row.get(rncp)),
                )
            })?;
        let label = row.required(intitule)?;

        if !seen.insert(code.to_owned()) {
            remarks.push(ImportRemark::new(
                RemarkKind::DuplicateLine,
                BLOCS_FILE,
                Some(row.line()),
                format!("block {code} is listed twice; the first line is kept"),
            ));
            continue;
        }

        let kind = bloc_kind(label);
        if kind == BlocKind::Ccs && !starts_as_ccs(label) {
            remarks.push(ImportRemark::new(
                RemarkKind::CcsFromLabel,
                BLOCS_FILE,
                Some(row.line()),
                format!(
                    "block {code} is read as a CCS: its label names one without starting \
                     with « Certificat complémentaire de spécialisation »"
                ),
            ));
        }
        blocs.push(Bloc {
            code: code.to_owned(),
            rncp: row.get(rncp).to_owned(),
            intitule: label.to_owned(),
            kind,
            position,
        });
    }

    Ok(blocs)
}

/// A block is a CCS when its label starts with « Certificat complémentaire(s) de
/// spécialisation », or ends with the same words in brackets (one fiche does, RNCP35026).
fn bloc_kind(label: &str) -> BlocKind {
    let lower = label.to_lowercase();
    if starts_as_ccs(label)
        || lower.contains("(certificat complémentaire de spécialisation")
        || lower.contains("(certificats complémentaires de spécialisation")
    {
        BlocKind::Ccs
    } else {
        BlocKind::Ccp
    }
}

fn starts_as_ccs(label: &str) -> bool {
    let lower = label.to_lowercase();
    lower.starts_with("certificat complémentaire de spécialisation")
        || lower.starts_with("certificat complémentaires de spécialisation")
        || lower.starts_with("certificats complémentaires de spécialisation")
}

/// Reports the titres not certified by the ministry in charge of employment, and the
/// fiches of other kinds that it certifies: the titres are chosen by `CodeTypeCertif`, and
/// the two criteria should agree.
fn check_certificateurs(
    table: &Table,
    info: &HashMap<String, InfoRow>,
    kept: &HashSet<String>,
    remarks: &mut Vec<ImportRemark>,
) -> Result<(), ImportError> {
    let rncp = table.column("CodeRNCP")?;
    let certificateur = table.column("Certificateur")?;

    // Each fiche's certificateurs, and the line of the first one.
    let mut by_fiche: HashMap<&str, (u64, Vec<&str>)> = HashMap::new();
    for row in table.rows() {
        let name = row.get(certificateur);
        if !name.is_empty() {
            let entry = by_fiche
                .entry(row.get(rncp))
                .or_insert_with(|| (row.line(), Vec::new()));
            entry.1.push(name);
        }
    }
    let employment = |rncp: &str| {
        by_fiche
            .get(rncp)
            .is_some_and(|(_, names)| names.iter().any(|n| is_employment_ministry(n)))
    };

    let mut titres: Vec<&String> = kept.iter().filter(|rncp| !employment(rncp)).collect();
    titres.sort_by_key(|rncp| info.get(*rncp).map(|row| row.line));
    for titre in titres {
        let remark = match by_fiche.get(titre.as_str()) {
            None => ImportRemark::new(
                RemarkKind::CertificateurNotEmployment,
                INFO_FILE,
                info.get(titre.as_str()).map(|row| row.line),
                format!("{titre} is a TP fiche with no certificateur; imported"),
            ),
            Some((line, names)) => ImportRemark::new(
                RemarkKind::CertificateurNotEmployment,
                CERTIFICATEURS_FILE,
                Some(*line),
                format!(
                    "{titre} is a TP fiche certified by {}, not by the ministry in charge of \
                     employment; imported",
                    quoted(names)
                ),
            ),
        };
        remarks.push(remark);
    }

    let mut others: Vec<(&String, &InfoRow)> = info
        .iter()
        .filter(|(rncp, row)| row.type_certif != TYPE_TITRE_PROFESSIONNEL && employment(rncp))
        .collect();
    others.sort_by_key(|(_, row)| row.line);
    for (rncp, row) in others {
        remarks.push(ImportRemark::new(
            RemarkKind::EmploymentFicheNotTp,
            INFO_FILE,
            Some(row.line),
            format!(
                "{rncp} is certified by {} but its CodeTypeCertif is {:?}: not imported",
                quoted(&by_fiche[rncp.as_str()].1),
                row.type_certif
            ),
        ));
    }

    Ok(())
}

/// « Ministère chargé de l'Emploi », « Ministère du travail », « MINISTERE DU TRAVAIL… ».
fn is_employment_ministry(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("minist") && (lower.contains("emploi") || lower.contains("travail"))
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("« {name} »"))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// `RNCP399`.
fn is_rncp_number(value: &str) -> bool {
    value
        .strip_prefix("RNCP")
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

fn rncp_number<'t>(row: &Row<'t>, column: Column) -> Result<&'t str, ImportError> {
    let value = row.required(column)?;
    if !is_rncp_number(value) {
        return Err(row.error(column, format!("not an RNCP number: {value:?}")));
    }
    Ok(value)
}

fn optional_rncp_number(row: &Row<'_>, column: Column) -> Result<Option<String>, ImportError> {
    if row.get(column).is_empty() {
        return Ok(None);
    }
    rncp_number(row, column).map(|value| Some(value.to_owned()))
}

/// `niveau3` … `niveau8`, the levels of the cadre national des certifications.
///
/// Titres registered before the décret n° 2019-14 carry the former nomenclature in roman
/// numerals (`niveauV`, `niveau V` or `V`); they are read through the décret's
/// correspondence table: V → 3, IV → 4, III → 5, II → 6, I → 7.
fn parse_niveau(row: &Row<'_>, column: Column) -> Result<i64, ImportError> {
    let value = row.get(column);
    niveau_of(value).ok_or_else(|| row.error(column, format!("unknown level {value:?}")))
}

fn niveau_of(value: &str) -> Option<i64> {
    let level = value.trim();
    let level = level.strip_prefix("niveau").unwrap_or(level).trim();
    match level {
        "V" => Some(3),
        "IV" => Some(4),
        "III" => Some(5),
        "II" => Some(6),
        "I" => Some(7),
        digit => match digit.parse::<i64>() {
            Ok(niveau @ 3..=8) => Some(niveau),
            _ => None,
        },
    }
}

/// `8/31/16` is 31 August 2016.
///
/// Known limit: a two-digit year is read as 20YY, which holds for the RNCP (created in
/// 2002); an export with dates before 2000 would need four-digit years.
fn parse_us_date(row: &Row<'_>, column: Column) -> Result<Option<Date>, ImportError> {
    let value = row.get(column);
    if value.is_empty() {
        return Ok(None);
    }

    let parts: Vec<&str> = value.split('/').collect();
    let numbers: Option<Vec<i16>> = match parts.as_slice() {
        [month, day, year] if year.len() == 2 && month.len() <= 2 && day.len() <= 2 => {
            [month, day, year]
                .iter()
                .map(|part| part.parse::<i16>().ok())
                .collect()
        }
        _ => None,
    };
    let date = numbers.and_then(|numbers| {
        let (month, day, year) = (numbers[0], numbers[1], numbers[2]);
        Date::new(
            2000 + year,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()
    });
    match date {
        Some(date) => Ok(Some(date)),
        None => Err(row.error(column, format!("not a date M/D/YY: {value:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO_HEADER: &str = "CodeRNCP;intituleDiplome;date_fin_validite_enregistrement;\
        ActiveInactive;EtatFiche;NiveauEurope;CodeTypeCertif;TypeCertif;AncienneFiche;\
        NouvelleFiche;TypeEnregistrement\r\n";

    fn info(lines: &str) -> Vec<u8> {
        let text = format!("{INFO_HEADER}{lines}");
        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
    }

    /// RNCP1, certified by the ministry.
    const CERTIFICATEURS: &[u8] =
        b"CodeRNCP;Certificateur;siret;\nRNCP1;Minist\xE8re du travail;;\n";

    fn files<'a>(info: &'a [u8], nsf: &'a [u8], blocs: &'a [u8]) -> RncpFiles<'a> {
        RncpFiles {
            info,
            nsf,
            blocs,
            certificateurs: CERTIFICATEURS,
        }
    }

    const NO_NSF: &[u8] = b"CodeRNCP;code;Libelle;;\n";
    const NO_BLOCS: &[u8] = b"CodeRNCP;numero_bloc;intitule;;\n";

    #[test]
    fn only_titres_professionnels_are_kept_with_level_dates_and_fiches() {
        let info = info(
            "RNCP1;Maçon;8/31/16;INACTIVE;Publiée;niveau3;TP;Titre professionnel;RNCP9;;x\n\
             RNCP2;Master;;ACTIVE;Publiée;niveau7;MASTER;Master;;;x\n",
        );
        let mut remarks = Vec::new();

        let export = parse(files(&info, NO_NSF, NO_BLOCS), &mut remarks).unwrap();

        assert_eq!(
            export.titres,
            [Titre {
                rncp: "RNCP1".into(),
                intitule: "Maçon".into(),
                niveau: 3,
                actif: false,
                date_fin_validite: Some(Date::constant(2016, 8, 31)),
                anciennes_fiches: vec!["RNCP9".into()],
                nouvelles_fiches: vec![],
            }]
        );
    }

    #[test]
    fn an_unknown_level_names_file_line_and_field() {
        let info = info(
            "RNCP1;Maçon;8/31/16;INACTIVE;Publiée;niveau3;TP;Titre professionnel;;;x\n\
             RNCP2;Plaquiste;;ACTIVE;Publiée;niveauX;TP;Titre professionnel;;;x\n",
        );

        let error = parse(files(&info, NO_NSF, NO_BLOCS), &mut Vec::new()).unwrap_err();

        assert_eq!(
            error.to_string(),
            "rncp_info.v1.4.csv line 3, field NiveauEurope: unknown level \"niveauX\""
        );
    }

    #[test]
    fn a_day_that_does_not_exist_is_refused() {
        let info = info("RNCP1;Maçon;2/30/16;ACTIVE;Publiée;niveau3;TP;Titre professionnel;;;x\n");

        let error = parse(files(&info, NO_NSF, NO_BLOCS), &mut Vec::new()).unwrap_err();

        assert_eq!(
            error.to_string(),
            "rncp_info.v1.4.csv line 2, field date_fin_validite_enregistrement: \
             not a date M/D/YY: \"2/30/16\""
        );
    }

    #[test]
    fn a_fiche_listed_twice_is_merged_and_reported() {
        let info = info(
            "RNCP1;Maçon;;INACTIVE;Publiée;niveau3;TP;Titre professionnel;;RNCP7;x\n\
             RNCP1;Maçon;;INACTIVE;Publiée;niveau3;TP;Titre professionnel;;RNCP8;x\n",
        );
        let mut remarks = Vec::new();

        let export = parse(files(&info, NO_NSF, NO_BLOCS), &mut remarks).unwrap();

        assert_eq!(export.titres.len(), 1);
        assert_eq!(export.info_lines, 2);
        assert_eq!(export.titres[0].nouvelles_fiches, ["RNCP7", "RNCP8"]);
        assert_eq!(remarks.len(), 1);
        assert_eq!(remarks[0].kind, RemarkKind::DuplicateFiche);
    }

    #[test]
    fn blocks_are_ccps_unless_their_label_names_a_ccs() {
        let info = info("RNCP1;Maçon;;ACTIVE;Publiée;niveau3;TP;Titre professionnel;;;x\n");
        let blocs = encoding_rs::WINDOWS_1252
            .encode(
                "CodeRNCP;numero_bloc;intitule;;\n\
                 RNCP1;RNCP1BC01;Monter des murs;;\n\
                 RNCP1;RNCP1BC02;Certificat complémentaire de spécialisation : Voûtes;;\n\
                 RNCP1;RNCP1BC03;Certificat complémentaires de spécialisation (CCS) : Arcs;;\n\
                 RNCP1;RNCP1BC04;Désamianter (Certificats complémentaires de spécialisation \
                 (CCS));;\n",
            )
            .0
            .into_owned();
        let mut remarks = Vec::new();

        let export = parse(files(&info, NO_NSF, &blocs), &mut remarks).unwrap();

        let kinds: Vec<_> = export.blocs.iter().map(|b| (b.position, b.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, BlocKind::Ccp),
                (2, BlocKind::Ccs),
                (3, BlocKind::Ccs),
                (4, BlocKind::Ccs)
            ]
        );
        assert_eq!(remarks.len(), 1, "{remarks:?}");
        assert_eq!(remarks[0].kind, RemarkKind::CcsFromLabel);
    }

    #[test]
    fn a_block_of_another_fiche_is_refused() {
        let info = info("RNCP1;Maçon;;ACTIVE;Publiée;niveau3;TP;Titre professionnel;;;x\n");
        let blocs = b"CodeRNCP;numero_bloc;intitule;;\nRNCP1;RNCP2BC01;Murs;;\n";

        let error = parse(files(&info, NO_NSF, blocs), &mut Vec::new()).unwrap_err();

        assert_eq!(
            error.to_string(),
            "rncp_blocs_competences.v1.4.csv line 2, field numero_bloc: \
             not a block of RNCP1: \"RNCP2BC01\""
        );
    }

    #[test]
    fn a_titre_certified_by_another_ministry_is_kept_and_reported() {
        let info = info(
            "RNCP1;Maçon;;ACTIVE;Publiée;niveau3;TP;Titre professionnel;;;x\n\
             RNCP2;Pilote;;ACTIVE;Publiée;niveau6;TP;Titre professionnel;;;x\n\
             RNCP3;Technicien;;ACTIVE;Publiée;niveau4;Autre;Autre;;;x\n",
        );
        let certificateurs = b"CodeRNCP;Certificateur;siret;\n\
            RNCP1;Minist\xE8re du travail;;\n\
            RNCP2;DGAC;;\n\
            RNCP3;Minist\xE8re charg\xE9 de l'Emploi;;\n";
        let files = RncpFiles {
            certificateurs,
            ..files(&info, NO_NSF, NO_BLOCS)
        };
        let mut remarks = Vec::new();

        let export = parse(files, &mut remarks).unwrap();

        assert_eq!(export.titres.len(), 2);
        let found: Vec<_> = remarks.iter().map(|r| (r.kind, r.source, r.line)).collect();
        assert_eq!(
            found,
            [
                (
                    RemarkKind::CertificateurNotEmployment,
                    CERTIFICATEURS_FILE,
                    Some(3)
                ),
                (RemarkKind::EmploymentFicheNotTp, INFO_FILE, Some(4)),
            ]
        );
    }

    #[test]
    fn nsf_codes_are_three_digits_and_an_optional_letter() {
        assert!(is_nsf_code("214s"));
        assert!(is_nsf_code("214"));
        assert!(!is_nsf_code("21"));
        assert!(!is_nsf_code("214S"));
        assert!(!is_nsf_code("214st"));
        assert!(!is_nsf_code("é14"));
    }

    #[test]
    fn employment_ministries_are_recognised_by_name() {
        assert!(is_employment_ministry("Ministère chargé de l'Emploi"));
        assert!(is_employment_ministry("Ministère du travail"));
        assert!(!is_employment_ministry(
            "MINISTERE DE LA TRANSITION ECOLOGIQUE ET SOLIDAIRE"
        ));
        assert!(!is_employment_ministry("Retravailler dans l'ouest"));
    }

    #[test]
    fn former_roman_levels_read_through_the_2019_correspondence() {
        assert_eq!(niveau_of("niveau3"), Some(3));
        assert_eq!(niveau_of("niveau8"), Some(8));
        assert_eq!(niveau_of("niveauV"), Some(3));
        assert_eq!(niveau_of("niveau V"), Some(3));
        assert_eq!(niveau_of("IV"), Some(4));
        assert_eq!(niveau_of("niveauIII"), Some(5));
        assert_eq!(niveau_of("niveauII"), Some(6));
        assert_eq!(niveau_of("niveauI"), Some(7));
        assert_eq!(niveau_of("niveau2"), None);
        assert_eq!(niveau_of("niveauVI"), None);
        assert_eq!(niveau_of(""), None);
    }
}
