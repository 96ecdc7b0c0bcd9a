//! INSEE geography: régions, départements and communes of the 2026 COG, the communes of
//! the past with their periods of validity (ASP table), and the countries and territories
//! since 1943.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::table::{Column, Encoding, Row, Table};
use super::{ImportError, ImportRemark, RemarkKind};

/// File names, as errors show them.
pub(super) const REGIONS_FILE: &str = "regions_2026.csv";
pub(super) const DEPARTEMENTS_FILE: &str = "departements_2026.csv";
pub(super) const COMMUNES_FILE: &str = "communes_2026.csv";
pub(super) const PAYS_FILE: &str = "pays_insee_depuis_1943.csv";
pub(super) const COMMUNES_HISTORIQUES_FILE: &str = "communes_historiques_asp.csv";

/// The day Corsica's codes 2A and 2B came into force (law of 15 May 1975).
const CORSICA_SPLIT: Date = Date::constant(1976, 1, 1);

/// How many line numbers a summary remark lists.
const LINES_SHOWN: usize = 10;

/// The zones of the COG: metropolitan France, overseas départements and régions, overseas
/// collectivities.
const ZONES: [&str; 3] = ["metro", "drom", "com"];

/// The kinds of commune of the COG.
const COMMUNE_TYPES: [&str; 4] = [
    "commune-actuelle",
    "commune-deleguee",
    "commune-associee",
    "arrondissement-municipal",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Region {
    pub code: String,
    pub nom: String,
    pub zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Departement {
    pub code: String,
    pub nom: String,
    pub region_code: String,
    pub zone: String,
    /// The commune code of its préfecture.
    pub chef_lieu: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Commune {
    pub code: String,
    pub kind: String,
    pub nom: String,
    pub departement_code: String,
    pub region_code: String,
    pub zone: String,
    pub parent_code: Option<String>,
    /// Separated by spaces.
    pub codes_postaux: String,
}

/// A former code of a commune (`20004` for Ajaccio, `2A004`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct AncienCode {
    pub ancien_code: String,
    pub code: String,
}

/// One period during which an INSEE code named a commune (ASP historical table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CommuneHistorique {
    /// Five characters, the leading zero the ASP strips put back (`08105`).
    pub code: String,
    pub date_debut: Date,
    pub date_fin: Option<Date>,
    /// As the ASP writes it: capitals, no accents, at most 26 characters.
    pub nom: String,
    /// [`ceres_domain::candidat::commune_name_key`] of the name.
    pub nom_cle: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pays {
    pub cog: String,
    /// The country this territory belonged to, when it did.
    pub rattachement: Option<String>,
    pub libelle: String,
    pub libelle_officiel: String,
    pub date_debut: Date,
    pub date_fin: Option<Date>,
}

/// The geography, checked for internal consistency (every département, région and parent
/// commune named exists).
#[derive(Debug, Default)]
pub(super) struct Geography {
    pub regions: Vec<Region>,
    pub departements: Vec<Departement>,
    pub communes: Vec<Commune>,
    pub anciens_codes: Vec<AncienCode>,
    pub communes_historiques: Vec<CommuneHistorique>,
    pub pays: Vec<Pays>,
}

/// The five files: the four of the COG UTF-8 and comma-separated, the ASP table ASCII
/// and `;`-separated.
#[derive(Debug, Clone, Copy)]
pub(super) struct GeoFiles<'a> {
    pub regions: &'a [u8],
    pub departements: &'a [u8],
    pub communes: &'a [u8],
    pub pays: &'a [u8],
    pub communes_historiques: &'a [u8],
}

/// Reads and checks the five files; oddities of the ASP table go to `remarks`.
pub(super) fn parse(
    files: GeoFiles<'_>,
    remarks: &mut Vec<ImportRemark>,
) -> Result<Geography, ImportError> {
    let regions = parse_regions(&Table::read(
        REGIONS_FILE,
        files.regions,
        Encoding::Utf8,
        b',',
    )?)?;
    let region_codes: HashSet<&str> = regions.iter().map(|region| region.code.as_str()).collect();

    let table = Table::read(DEPARTEMENTS_FILE, files.departements, Encoding::Utf8, b',')?;
    let departements = parse_departements(&table, &region_codes)?;
    let departement_codes: HashSet<&str> = departements
        .iter()
        .map(|departement| departement.code.as_str())
        .collect();

    let table = Table::read(COMMUNES_FILE, files.communes, Encoding::Utf8, b',')?;
    let (communes, anciens_codes) = parse_communes(&table, &region_codes, &departement_codes)?;

    let pays = parse_pays(&Table::read(PAYS_FILE, files.pays, Encoding::Utf8, b',')?)?;

    let historiques = without_trailing_separator(files.communes_historiques);
    let table = Table::read(
        COMMUNES_HISTORIQUES_FILE,
        &historiques,
        Encoding::Utf8,
        b';',
    )?;
    let communes_historiques = parse_communes_historiques(&table, remarks)?;

    Ok(Geography {
        regions,
        departements,
        communes,
        anciens_codes,
        communes_historiques,
        pays,
    })
}

fn parse_regions(table: &Table) -> Result<Vec<Region>, ImportError> {
    let code = table.column("code")?;
    let nom = table.column("nom")?;
    let zone = table.column("zone")?;

    let mut seen = HashSet::new();
    let mut regions = Vec::new();
    for row in table.rows() {
        let region = Region {
            code: digits(&row, code, 2..=3)?.to_owned(),
            nom: row.required(nom)?.to_owned(),
            zone: one_of(&row, zone, &ZONES)?.to_owned(),
        };
        if !seen.insert(region.code.clone()) {
            return Err(row.error(code, format!("région {} is listed twice", region.code)));
        }
        regions.push(region);
    }

    Ok(regions)
}

fn parse_departements(
    table: &Table,
    regions: &HashSet<&str>,
) -> Result<Vec<Departement>, ImportError> {
    let code = table.column("code")?;
    let nom = table.column("nom")?;
    let region = table.column("region")?;
    let zone = table.column("zone")?;
    let chef_lieu = table.column("chefLieu")?;

    let mut seen = HashSet::new();
    let mut departements = Vec::new();
    for row in table.rows() {
        let departement = Departement {
            code: departement_code(&row, code)?.to_owned(),
            nom: row.required(nom)?.to_owned(),
            region_code: known(&row, region, regions, "région")?.to_owned(),
            zone: one_of(&row, zone, &ZONES)?.to_owned(),
            chef_lieu: row.required(chef_lieu)?.to_owned(),
        };
        if !seen.insert(departement.code.clone()) {
            return Err(row.error(
                code,
                format!("département {} is listed twice", departement.code),
            ));
        }
        departements.push(departement);
    }

    Ok(departements)
}

fn parse_communes(
    table: &Table,
    regions: &HashSet<&str>,
    departements: &HashSet<&str>,
) -> Result<(Vec<Commune>, Vec<AncienCode>), ImportError> {
    let code = table.column("code")?;
    let nom = table.column("nom")?;
    let kind = table.column("type")?;
    let departement = table.column("departement")?;
    let region = table.column("region")?;
    let zone = table.column("zone")?;
    let parent = table.column("commune_parente")?;
    let codes_postaux = table.column("codesPostaux")?;
    let anciens = table.column("anciensCodes")?;

    let mut seen = HashSet::new();
    let mut communes = Vec::new();
    let mut anciens_codes = Vec::new();
    let mut seen_anciens = HashSet::new();
    let mut parents: Vec<(u64, String)> = Vec::new();
    for row in table.rows() {
        let commune = Commune {
            code: commune_code(&row, code, row.get(code))?.to_owned(),
            kind: one_of(&row, kind, &COMMUNE_TYPES)?.to_owned(),
            nom: row.required(nom)?.to_owned(),
            departement_code: known(&row, departement, departements, "département")?.to_owned(),
            region_code: known(&row, region, regions, "région")?.to_owned(),
            zone: one_of(&row, zone, &ZONES)?.to_owned(),
            parent_code: match row.get(parent) {
                "" => None,
                value => Some(commune_code(&row, parent, value)?.to_owned()),
            },
            codes_postaux: postcodes(&row, codes_postaux)?,
        };
        if !seen.insert((commune.code.clone(), commune.kind.clone())) {
            return Err(row.error(
                code,
                format!("{} {} is listed twice", commune.kind, commune.code),
            ));
        }

        for ancien in row
            .get(anciens)
            .split('|')
            .filter(|value| !value.is_empty())
        {
            let entry = AncienCode {
                ancien_code: commune_code(&row, anciens, ancien)?.to_owned(),
                code: commune.code.clone(),
            };
            if seen_anciens.insert(entry.clone()) {
                anciens_codes.push(entry);
            }
        }
        if let Some(parent) = &commune.parent_code {
            parents.push((row.line(), parent.clone()));
        }
        communes.push(commune);
    }

    // A parent is a commune of the file (Paris 75056 for its arrondissements).
    let codes: HashSet<&str> = communes
        .iter()
        .map(|commune| commune.code.as_str())
        .collect();
    if let Some((line, missing)) = parents
        .iter()
        .find(|(_, code)| !codes.contains(code.as_str()))
    {
        return Err(ImportError::Field {
            file: COMMUNES_FILE,
            line: *line,
            field: "commune_parente",
            message: format!("unknown commune {missing:?}"),
        });
    }

    Ok((communes, anciens_codes))
}

/// The ASP table, with two of its defects repaired and reported once each: a period that
/// ends before it begins is skipped (it holds on no day), and a `2A`/`2B` code is taken as
/// valid from 1 January 1976 only, the table starting them in 1900 alongside the `20xxx`
/// codes they replaced.
fn parse_communes_historiques(
    table: &Table,
    remarks: &mut Vec<ImportRemark>,
) -> Result<Vec<CommuneHistorique>, ImportError> {
    let code = table.column("code_com_insee")?;
    let nom = table.column("lib_com")?;
    let date_debut = table.column("date_deb_insee")?;
    let date_fin = table.column("date_fin_insee")?;

    let mut seen: HashMap<(String, Date), u64> = HashMap::new();
    let mut periods = Vec::new();
    let mut reversed = Vec::new();
    let mut corsica = Vec::new();
    for row in table.rows() {
        let padded = format!("{:0>5}", row.required(code)?);
        let mut period = CommuneHistorique {
            code: commune_code(&row, code, &padded)?.to_owned(),
            date_debut: french_date(&row, date_debut)?
                .ok_or_else(|| row.error(date_debut, "empty value"))?,
            date_fin: french_date(&row, date_fin)?,
            nom: row.required(nom)?.to_owned(),
            nom_cle: ceres_domain::candidat::commune_name_key(row.get(nom)),
        };
        if period.code.starts_with("2A") || period.code.starts_with("2B") {
            if period.date_debut < CORSICA_SPLIT {
                corsica.push(row.line());
                period.date_debut = CORSICA_SPLIT;
            }
        }
        if period.date_fin.is_some_and(|fin| fin < period.date_debut) {
            reversed.push(row.line());
            continue;
        }
        if let Some(first) = seen.insert((period.code.clone(), period.date_debut), row.line()) {
            return Err(row.error(
                date_debut,
                format!(
                    "{} from {} is already on line {first}",
                    period.code, period.date_debut
                ),
            ));
        }
        periods.push(period);
    }

    let summary = |lines: &[u64], what: &str| {
        let shown: Vec<String> = lines.iter().take(LINES_SHOWN).map(u64::to_string).collect();
        let more = if lines.len() > LINES_SHOWN {
            ", …"
        } else {
            ""
        };
        format!("{} {what} (lines {}{more})", lines.len(), shown.join(", "))
    };
    if !reversed.is_empty() {
        remarks.push(ImportRemark::new(
            RemarkKind::CommunePeriodSkipped,
            COMMUNES_HISTORIQUES_FILE,
            None,
            summary(&reversed, "periods end before they begin and were skipped"),
        ));
    }
    if !corsica.is_empty() {
        remarks.push(ImportRemark::new(
            RemarkKind::CommunePeriodAdjusted,
            COMMUNES_HISTORIQUES_FILE,
            None,
            summary(
                &corsica,
                "periods of 2A/2B codes start before 1976; read from 1976-01-01",
            ),
        ));
    }

    Ok(periods)
}

fn parse_pays(table: &Table) -> Result<Vec<Pays>, ImportError> {
    let cog = table.column("COG")?;
    let rattachement = table.column("CRPAY")?;
    let libelle = table.column("LIBCOG")?;
    let libelle_officiel = table.column("LIBENR")?;
    let date_debut = table.column("DATE_DEBUT")?;
    let date_fin = table.column("DATE_FIN")?;

    let mut seen: HashMap<(String, Date), u64> = HashMap::new();
    let mut pays = Vec::new();
    for row in table.rows() {
        let entry = Pays {
            cog: pays_code(&row, cog, row.get(cog))?.to_owned(),
            rattachement: match row.get(rattachement) {
                "" => None,
                value => Some(pays_code(&row, rattachement, value)?.to_owned()),
            },
            libelle: row.required(libelle)?.to_owned(),
            libelle_officiel: row.required(libelle_officiel)?.to_owned(),
            date_debut: iso_date(&row, date_debut)?
                .ok_or_else(|| row.error(date_debut, "empty value"))?,
            date_fin: iso_date(&row, date_fin)?,
        };
        if entry.date_fin.is_some_and(|fin| fin < entry.date_debut) {
            return Err(row.error(date_fin, "ends before it begins"));
        }
        if let Some(first) = seen.insert((entry.cog.clone(), entry.date_debut), row.line()) {
            return Err(row.error(
                date_debut,
                format!(
                    "{} from {} is already on line {first}",
                    entry.cog, entry.date_debut
                ),
            ));
        }
        pays.push(entry);
    }

    Ok(pays)
}

/// A value of `allowed`.
fn one_of<'t>(row: &Row<'t>, column: Column, allowed: &[&str]) -> Result<&'t str, ImportError> {
    let value = row.get(column);
    if !allowed.contains(&value) {
        return Err(row.error(
            column,
            format!(
                "unknown value {value:?} (expected one of {})",
                allowed.join(", ")
            ),
        ));
    }
    Ok(value)
}

/// A code that an earlier file defines.
fn known<'t>(
    row: &Row<'t>,
    column: Column,
    codes: &HashSet<&str>,
    what: &str,
) -> Result<&'t str, ImportError> {
    let value = row.required(column)?;
    if !codes.contains(value) {
        return Err(row.error(column, format!("unknown {what} {value:?}")));
    }
    Ok(value)
}

fn digits<'t>(
    row: &Row<'t>,
    column: Column,
    lengths: std::ops::RangeInclusive<usize>,
) -> Result<&'t str, ImportError> {
    let value = row.get(column);
    if !lengths.contains(&value.len()) || !value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(row.error(column, format!("not a code: {value:?}")));
    }
    Ok(value)
}

/// `01`, `2A`, `974`.
fn departement_code<'t>(row: &Row<'t>, column: Column) -> Result<&'t str, ImportError> {
    let value = row.get(column);
    if value == "2A" || value == "2B" {
        return Ok(value);
    }
    digits(row, column, 2..=3)
}

/// `75107`, `2A004`: five characters, digits except Corsica's `2A`/`2B`.
fn commune_code<'t>(row: &Row<'t>, column: Column, value: &'t str) -> Result<&'t str, ImportError> {
    let corsica = value.starts_with("2A") || value.starts_with("2B");
    let digits_from = if corsica { 2 } else { 0 };
    if value.len() != 5
        || !value
            .bytes()
            .skip(digits_from)
            .all(|byte| byte.is_ascii_digit())
    {
        return Err(row.error(column, format!("not a commune code: {value:?}")));
    }
    Ok(value)
}

/// `99352`.
fn pays_code<'t>(row: &Row<'t>, column: Column, value: &'t str) -> Result<&'t str, ImportError> {
    if value.len() != 5 || !value.starts_with("99") || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(row.error(column, format!("not a country code: {value:?}")));
    }
    Ok(value)
}

/// `75001|75002` in the file, `75001 75002` in the database.
fn postcodes(row: &Row<'_>, column: Column) -> Result<String, ImportError> {
    let mut codes = Vec::new();
    for code in row.get(column).split('|').filter(|code| !code.is_empty()) {
        if code.len() != 5 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(row.error(column, format!("not a postcode: {code:?}")));
        }
        codes.push(code);
    }
    Ok(codes.join(" "))
}

/// The ASP table ends most lines, and its header, with an extra `;` (five fields, the last
/// empty), but not the lines holding an apostrophe (« VILLENEUVE-D'ASCQ », four fields):
/// the extra `;` is dropped, so that every line has four fields.
fn without_trailing_separator(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&byte| byte == b'\n') {
        let (text, end) = match line.strip_suffix(b"\r\n") {
            Some(text) => (text, &b"\r\n"[..]),
            None => match line.strip_suffix(b"\n") {
                Some(text) => (text, &b"\n"[..]),
                None => (line, &b""[..]),
            },
        };
        let separators = text.iter().filter(|&&byte| byte == b';').count();
        let text = match text.strip_suffix(b";") {
            Some(shorter) if separators == 4 => shorter,
            _ => text,
        };
        out.extend_from_slice(text);
        out.extend_from_slice(end);
    }
    out
}

/// `DD/MM/YYYY`, as the ASP writes dates.
fn french_date(row: &Row<'_>, column: Column) -> Result<Option<Date>, ImportError> {
    let value = row.get(column);
    if value.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = value.split('/').collect();
    let parsed = match parts.as_slice() {
        [day, month, year] if day.len() == 2 && month.len() == 2 && year.len() == 4 => {
            match (day.parse(), month.parse(), year.parse()) {
                (Ok(day), Ok(month), Ok(year)) => Date::new(year, month, day).ok(),
                _ => None,
            }
        }
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| row.error(column, format!("not a date DD/MM/YYYY: {value:?}")))
}

fn iso_date(row: &Row<'_>, column: Column) -> Result<Option<Date>, ImportError> {
    match row.get(column) {
        "" => Ok(None),
        value => value
            .parse::<Date>()
            .ok()
            .filter(|_| value.len() == 10)
            .map(Some)
            .ok_or_else(|| row.error(column, format!("not a date YYYY-MM-DD: {value:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGIONS: &[u8] =
        b"code,nom,zone,chefLieu\n94,Corse,metro,2A004\n11,\xC3\x8Ele-de-France,metro,75056\n";
    const DEPARTEMENTS: &[u8] =
        b"code,nom,region,zone,chefLieu\n2A,Corse-du-Sud,94,metro,2A004\n75,Paris,11,metro,75056\n";
    const PAYS: &[u8] = b"COG,CRPAY,LIBCOG,LIBENR,DATE_DEBUT,DATE_FIN\n\
        99352,,Alg\xC3\xA9rie,R\xC3\xA9publique alg\xC3\xA9rienne,1962-07-05,\n";
    const HISTORIQUES: &[u8] = b"code_com_insee;lib_com;date_deb_insee;date_fin_insee;\n\
        8105;CHARLEVILLE-MEZIERES;01/01/2000;;\n\
        20004;AJACCIO;01/01/1900;31/12/1975;\n\
        2A004;AJACCIO;01/01/1900;31/12/1999;\n\
        2300;FARGNIERS/TERGNIER;01/01/2000;31/12/1973;\n\
        59009;VILLENEUVE-D'ASCQ;01/01/2000;\n";
    const COMMUNES_HEADER: &str = "code,nom,type,departement,region,zone,commune_parente,\
        codesPostaux,anciensCodes,population\n";

    fn geo(communes: &str) -> Result<Geography, ImportError> {
        let communes = format!("{COMMUNES_HEADER}{communes}");
        parse(
            GeoFiles {
                regions: REGIONS,
                departements: DEPARTEMENTS,
                communes: communes.as_bytes(),
                pays: PAYS,
                communes_historiques: HISTORIQUES,
            },
            &mut Vec::new(),
        )
    }

    #[test]
    fn communes_keep_their_postcodes_former_codes_and_parent() {
        let geography = geo(
            "2A004,Ajaccio,commune-actuelle,2A,94,metro,,20000|20090,20004,76320\n\
             75056,Paris,commune-actuelle,75,11,metro,,75001,,2100000\n\
             75107,Paris 7e,arrondissement-municipal,75,11,metro,75056,75007,,48015\n",
        )
        .unwrap();

        assert_eq!(geography.communes[0].codes_postaux, "20000 20090");
        assert_eq!(
            geography.anciens_codes,
            [AncienCode {
                ancien_code: "20004".into(),
                code: "2A004".into()
            }]
        );
        assert_eq!(geography.communes[2].parent_code.as_deref(), Some("75056"));
        assert_eq!(geography.pays[0].date_debut, Date::constant(1962, 7, 5));
    }

    #[test]
    fn historical_communes_get_their_zeros_back_and_corsica_starts_in_1976() {
        let mut remarks = Vec::new();
        let bytes = without_trailing_separator(HISTORIQUES);
        let table = Table::read("h.csv", &bytes, Encoding::Utf8, b';').unwrap();

        let periods = parse_communes_historiques(&table, &mut remarks).unwrap();

        assert_eq!(periods.len(), 4, "the reversed FARGNIERS period is skipped");
        assert_eq!(periods[3].nom_cle, "VILLENEUVE D ASCQ");
        assert_eq!(periods[0].code, "08105");
        assert_eq!(periods[0].nom_cle, "CHARLEVILLE MEZIERES");
        assert_eq!(periods[0].date_fin, None);
        assert_eq!(periods[1].date_fin, Some(Date::constant(1975, 12, 31)));
        assert_eq!(periods[2].date_debut, CORSICA_SPLIT);
        let kinds: Vec<RemarkKind> = remarks.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                RemarkKind::CommunePeriodSkipped,
                RemarkKind::CommunePeriodAdjusted
            ]
        );
        assert_eq!(
            remarks[0].message,
            "1 periods end before they begin and were skipped (lines 5)"
        );
    }

    #[test]
    fn a_historical_date_that_does_not_exist_is_refused() {
        let bytes = b"code_com_insee;lib_com;date_deb_insee;date_fin_insee\n\
            8105;CHARLEVILLE-MEZIERES;31/02/2000;\n";
        let table = Table::read("h.csv", bytes, Encoding::Utf8, b';').unwrap();

        let error = parse_communes_historiques(&table, &mut Vec::new()).unwrap_err();

        assert_eq!(
            error.to_string(),
            "h.csv line 2, field date_deb_insee: not a date DD/MM/YYYY: \"31/02/2000\""
        );
    }

    #[test]
    fn an_unknown_departement_names_file_line_and_field() {
        let error = geo("2A004,Ajaccio,commune-actuelle,2C,94,metro,,20000,,1\n").unwrap_err();

        assert_eq!(
            error.to_string(),
            "communes_2026.csv line 2, field departement: unknown département \"2C\""
        );
    }

    #[test]
    fn an_unknown_parent_commune_is_refused() {
        let error = geo("75107,Paris 7e,arrondissement-municipal,75,11,metro,75056,75007,,1\n")
            .unwrap_err();

        assert_eq!(
            error.to_string(),
            "communes_2026.csv line 2, field commune_parente: unknown commune \"75056\""
        );
    }

    #[test]
    fn a_bad_postcode_is_refused() {
        let error = geo("2A004,Ajaccio,commune-actuelle,2A,94,metro,,2000,,1\n").unwrap_err();

        assert_eq!(
            error.to_string(),
            "communes_2026.csv line 2, field codesPostaux: not a postcode: \"2000\""
        );
    }
}
