//! The import of the reference data, on SQLite (a temporary file) and, when `DATABASE_URL`
//! points at a PostgreSQL server, on a scratch database created and dropped by each test.

mod support;

use ceres_domain::candidat::{CandidatRecord, Civilite, FRANCE, check};
use ceres_store::Db;
use ceres_store::import::{
    ImportError, ImportSummary, ReferentielFiles, RemarkKind, import_referentiel,
    referentiel_is_loaded,
};
use ceres_store::referentiel::birth_place_reference;
use sqlx::AssertSqlSafe;
use support::{real_data, scratch_databases};

/// The tables the import fills.
const TABLES: [&str; 11] = [
    "region",
    "departement",
    "commune",
    "commune_ancien_code",
    "commune_historique",
    "pays",
    "titre",
    "titre_nsf",
    "titre_bloc",
    "titre_version",
    "import_report",
];

#[tokio::test]
async fn the_real_files_load_with_titres_blocks_tp_codes_and_communes() {
    let data = real_data();
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        assert!(!referentiel_is_loaded(&db).await.unwrap());

        let summary = import_referentiel(&db, &data.files()).await.unwrap();

        assert!(referentiel_is_loaded(&db).await.unwrap());
        check_real_summary(&summary);
        check_real_titres(&db).await;
        check_real_geography(&db).await;
    }
}

fn check_real_summary(summary: &ImportSummary) {
    // 581 lines are TP fiches; three fiches are listed twice (once per new fiche).
    assert_eq!(summary.rncp_lines, 581);
    assert_eq!(summary.titres, 578);
    assert_eq!(summary.titre_versions, 578);
    assert_eq!(summary.tp_codes, 1);
    assert_eq!(summary.regions, 26);
    assert_eq!(summary.departements, 109);
    assert_eq!(summary.communes, 37_590);
    assert_eq!(summary.pays, 468);
    // 77,204 periods, less 152 that end before they begin.
    assert_eq!(summary.communes_historiques, 77_052);

    let remarks_of = |kind| summary.remarks.iter().filter(|r| r.kind == kind).count();
    assert_eq!(remarks_of(RemarkKind::CommunePeriodSkipped), 1);
    assert_eq!(remarks_of(RemarkKind::CommunePeriodAdjusted), 1);
    assert_eq!(remarks_of(RemarkKind::DuplicateFiche), 3);
    assert_eq!(remarks_of(RemarkKind::CertificateurNotEmployment), 3);
    let conflict = summary
        .remarks
        .iter()
        .find(|remark| remark.kind == RemarkKind::TpCodeConflict)
        .expect("TP-00391 is reported");
    assert!(conflict.message.starts_with("TP-00391"), "{conflict:?}");
    assert_eq!(conflict.source, "tp-codes-known.csv");
    assert_eq!(conflict.line, Some(5));
}

async fn check_real_titres(db: &Db) {
    let titre: (Option<String>, String, i64, i64, Option<String>) = sqlx::query_as(
        "SELECT code_tp, intitule, niveau, actif, date_fin_validite FROM titre \
         WHERE rncp = 'RNCP399'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        titre,
        (
            Some("TP-00463".to_owned()),
            "Ouvrier du paysage".to_owned(),
            3,
            1,
            Some("2023-10-28".to_owned())
        )
    );

    let nsf: Vec<(String,)> =
        sqlx::query_as("SELECT code FROM titre_nsf WHERE rncp = 'RNCP399' ORDER BY code")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(nsf, [("214r".to_owned(),), ("214s".to_owned(),)]);

    let blocs: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT code, kind, position FROM titre_bloc WHERE rncp = 'RNCP399' ORDER BY position",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let expected = [("RNCP399BC01", 1), ("RNCP399BC02", 2), ("RNCP399BC03", 3)]
        .map(|(code, position)| (code.to_owned(), "ccp".to_owned(), position));
    assert_eq!(blocs, expected);

    let versions: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, arrete_date, journal_officiel_date FROM titre_version WHERE rncp = 'RNCP399'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        versions,
        [(
            "RNCP399@2018-09-20".to_owned(),
            Some("2018-09-20".to_owned()),
            Some("2018-09-26".to_owned())
        )]
    );

    // TP-00391 names three fiches: none gets the code, and the report says why.
    let (linked,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM titre WHERE code_tp = 'TP-00391'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(linked, 0);
    let (kind, source, line): (String, String, Option<i64>) = sqlx::query_as(
        "SELECT kind, source, line FROM import_report WHERE message LIKE 'TP-00391%'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        (kind.as_str(), source.as_str(), line),
        ("tp_code_conflict", "tp-codes-known.csv", Some(5))
    );

    let (undated,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM titre_version WHERE arrete_date IS NULL AND id LIKE '%@inconnu'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(undated, 577);
}

async fn check_real_geography(db: &Db) {
    let paris_7e: (String, Option<String>, String) = sqlx::query_as(
        "SELECT nom, parent_code, codes_postaux FROM commune \
         WHERE code = '75107' AND type = 'arrondissement-municipal'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        paris_7e,
        (
            "Paris 7e Arrondissement".to_owned(),
            Some("75056".to_owned()),
            "75007".to_owned()
        )
    );

    let ajaccio: Vec<(String,)> =
        sqlx::query_as("SELECT ancien_code FROM commune_ancien_code WHERE code = '2A004'")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(ajaccio, [("20004".to_owned(),)]);

    let algerie: (String, Option<String>) =
        sqlx::query_as("SELECT date_debut, date_fin FROM pays WHERE cog = '99352'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(algerie, ("1962-07-05".to_owned(), None));
}

#[tokio::test]
async fn an_unknown_level_names_file_line_and_field_and_nothing_is_written() {
    let data = real_data();
    let mut info = data.files().rncp_info.to_vec();
    let line = replace_in_line(&mut info, b"RNCP399;", b";niveau3;", b";niveauX;");

    let files = ReferentielFiles {
        rncp_info: &info,
        ..data.files()
    };
    let expected =
        format!("rncp_info.v1.4.csv line {line}, field NiveauEurope: unknown level \"niveauX\"");
    check_refused(&files, &expected).await;
}

#[tokio::test]
async fn a_truncated_line_names_file_and_line_and_nothing_is_written() {
    let data = real_data();
    let communes = data.files().communes;
    let cut = communes.len() / 2;
    let cut = cut
        + communes[cut..]
            .iter()
            .position(|byte| *byte == b',')
            .unwrap();
    let line = 1 + communes[..cut]
        .iter()
        .filter(|byte| **byte == b'\n')
        .count();
    let fields = 1 + communes[..cut]
        .rsplit(|byte| *byte == b'\n')
        .next()
        .unwrap()
        .iter()
        .filter(|byte| **byte == b',')
        .count();

    let files = ReferentielFiles {
        communes: &communes[..cut],
        ..data.files()
    };
    let expected = format!(
        "communes_2026.csv line {line}: expected 10 fields, found {fields} \
         (truncated or broken line)"
    );
    check_refused(&files, &expected).await;
}

#[tokio::test]
async fn a_file_in_the_wrong_encoding_is_refused_and_nothing_is_written() {
    let data = real_data();

    // A UTF-8 file saved as Latin-1: the first accent is refused.
    let regions = String::from_utf8(data.files().regions.to_vec()).unwrap();
    let (line, accent) = regions
        .lines()
        .enumerate()
        .find_map(|(index, text)| Some((index + 1, text.chars().find(|c| !c.is_ascii())?)))
        .unwrap();
    let latin1: Vec<u8> = regions
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let files = ReferentielFiles {
        regions: &latin1,
        ..data.files()
    };
    let expected = format!(
        "regions_2026.csv line {line}: invalid UTF-8 (byte 0x{:02X})",
        u32::from(accent)
    );
    check_refused(&files, &expected).await;

    // The RNCP export re-encoded as UTF-8 would turn every accent into mojibake.
    let (utf8, _, _) = encoding_rs::WINDOWS_1252.decode(data.files().rncp_nsf);
    let files = ReferentielFiles {
        rncp_nsf: utf8.as_bytes(),
        ..data.files()
    };
    check_refused(
        &files,
        "rncp_nsf.v1.4.csv: the file is UTF-8; the RNCP export is read as Windows-1252",
    )
    .await;
}

#[tokio::test]
async fn a_database_error_half_way_rolls_back_everything() {
    let data = real_data();

    // On an empty database: nothing stays.
    for scratch in scratch_databases().await {
        let db = scratch.db().await;

        // The blocks are written after the communes and titres: without their table, the
        // import fails half-way.
        sqlx::query("DROP TABLE titre_bloc")
            .execute(db.pool())
            .await
            .unwrap();
        let error = import_referentiel(&db, &data.files()).await.unwrap_err();

        assert!(matches!(error, ImportError::Database(_)), "{error:?}");
        for table in [
            "region",
            "commune",
            "commune_ancien_code",
            "titre",
            "titre_nsf",
        ] {
            assert_eq!(count(&db, table).await, 0, "{table} on {:?}", db.backend());
        }
    }

    // On a loaded database: the upserts and replacements are undone.
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        import_referentiel(&db, &data.files()).await.unwrap();
        sqlx::query("UPDATE titre SET intitule = 'x' WHERE rncp = 'RNCP399'")
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM commune WHERE code = '75107'")
            .execute(db.pool())
            .await
            .unwrap();
        let kept: Vec<&str> = TABLES
            .into_iter()
            .filter(|table| *table != "titre_bloc")
            .collect();
        let before = counts(&db, &kept).await;

        sqlx::query("DROP TABLE titre_bloc")
            .execute(db.pool())
            .await
            .unwrap();
        import_referentiel(&db, &data.files()).await.unwrap_err();

        let (intitule,): (String,) =
            sqlx::query_as("SELECT intitule FROM titre WHERE rncp = 'RNCP399'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(intitule, "x", "on {:?}", db.backend());
        assert_eq!(counts(&db, &kept).await, before, "on {:?}", db.backend());
    }
}

#[tokio::test]
async fn importing_twice_gives_the_same_tables_and_repairs_edits() {
    let data = real_data();
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        import_referentiel(&db, &data.files()).await.unwrap();
        let first = counts(&db, &TABLES).await;

        sqlx::query("UPDATE titre SET intitule = 'x', code_tp = NULL WHERE rncp = 'RNCP399'")
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM commune WHERE code = '75107'")
            .execute(db.pool())
            .await
            .unwrap();
        let summary = import_referentiel(&db, &data.files()).await.unwrap();

        assert_eq!(counts(&db, &TABLES).await, first, "on {:?}", db.backend());
        assert_eq!(
            count(&db, "import_report").await,
            summary.remarks.len() as i64
        );
        let (intitule, code_tp): (String, Option<String>) =
            sqlx::query_as("SELECT intitule, code_tp FROM titre WHERE rncp = 'RNCP399'")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(
            (intitule.as_str(), code_tp.as_deref()),
            ("Ouvrier du paysage", Some("TP-00463"))
        );
    }
}

/// Checks that `files` are refused with `expected`, on an empty database and on one that
/// holds a previous import, which stays as it was.
async fn check_refused(files: &ReferentielFiles<'_>, expected: &str) {
    let data = real_data();
    for scratch in scratch_databases().await {
        let db = scratch.db().await;

        let error = import_referentiel(&db, files).await.unwrap_err();
        assert_eq!(error.to_string(), expected);
        for table in TABLES {
            assert_eq!(count(&db, table).await, 0, "{table} on {:?}", db.backend());
        }

        import_referentiel(&db, &data.files()).await.unwrap();
        let before = counts(&db, &TABLES).await;
        let error = import_referentiel(&db, files).await.unwrap_err();
        assert_eq!(error.to_string(), expected);
        assert_eq!(counts(&db, &TABLES).await, before, "on {:?}", db.backend());
    }
}

/// Replaces `from` by `to` in the line that starts with `start`, and returns its number.
fn replace_in_line(bytes: &mut Vec<u8>, start: &[u8], from: &[u8], to: &[u8]) -> usize {
    let begin = bytes
        .windows(start.len() + 1)
        .position(|window| window[0] == b'\n' && &window[1..] == start)
        .expect("the line exists")
        + 1;
    let end = begin
        + bytes[begin..]
            .iter()
            .position(|byte| *byte == b'\n')
            .unwrap();
    let at = begin
        + bytes[begin..end]
            .windows(from.len())
            .position(|window| window == from)
            .unwrap();
    bytes.splice(at..at + from.len(), to.iter().copied());
    1 + bytes[..begin].iter().filter(|byte| **byte == b'\n').count()
}

/// The number of rows of `table`.
async fn count(db: &Db, table: &str) -> i64 {
    let (count,): (i64,) = sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(db.pool())
        .await
        .unwrap();
    count
}

/// The number of rows of each of `tables`.
async fn counts(db: &Db, tables: &[&str]) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in tables {
        counts.push(count(db, table).await);
    }
    counts
}

/// R4 on the real referentials: a birth place as it was at the birth date, through the
/// store's look-up and the domain's check.
#[tokio::test]
async fn r4_birth_places_of_the_real_referentials_are_checked_at_the_birth_date() {
    // (birth date, country, commune or town, errors expected, warnings expected)
    let cases: [(&str, &str, &str, &[&str], &[&str]); 31] = [
        ("1981-04-23", FRANCE, "08105", &[], &[]),
        ("1970-03-12", FRANCE, "20004", &[], &[]),
        ("1980-03-12", FRANCE, "20004", &[NOT_VALID], &[]),
        ("1980-03-12", FRANCE, "2A004", &[], &[]),
        ("1970-03-12", FRANCE, "2A004", &[NOT_VALID], &[]),
        ("1975-00-00", FRANCE, "2B033", &[NOT_VALID], &[]),
        ("1976-00-00", FRANCE, "2B033", &[], &[]),
        ("2000-06-01", FRANCE, "98511", &[], &[]),
        ("2010-06-01", FRANCE, "98511", &[NOT_VALID], &[]),
        ("2010-06-01", FRANCE, "97611", &[], &[]),
        ("2000-06-01", FRANCE, "97611", &[NOT_VALID], &[]),
        ("1960-01-10", FRANCE, "91803", &[], &[]),
        ("1963-01-10", FRANCE, "91803", &[NOT_VALID], &[]),
        ("1970-01-10", FRANCE, "91228", &[], &[]),
        ("1960-01-10", FRANCE, "91228", &[NOT_VALID], &[]),
        ("1999-00-00", FRANCE, "93066", &[], &[]),
        ("1950-05-05", FRANCE, "93066", &[NOT_VALID], &[]),
        ("1990-02-11", FRANCE, "75115", &[], &[]),
        ("1969-03-04", FRANCE, "13055", &[], &[]),
        ("1983-05-22", FRANCE, "97411", &[], &[]),
        (
            "1985-06-30",
            FRANCE,
            "Charleville-Mézières",
            &[],
            &[BY_NAME],
        ),
        ("1985-06-30", FRANCE, "Strasbourg", &[AMBIGUOUS], &[]),
        ("1981-04-23", FRANCE, "Saint-Denis", &[AMBIGUOUS], &[]),
        ("1981-04-23", FRANCE, "Sainte-Marie", &[AMBIGUOUS], &[]),
        (
            "1981-04-23",
            FRANCE,
            "08999",
            &["R4.birth_place.unknown_commune"],
            &[],
        ),
        ("1960-03-01", "99352", "Alger", &[COUNTRY_NOT_VALID], &[]),
        ("1963-03-01", "99352", "Alger", &[], &[]),
        ("1962-00-00", "99352", "Oran", &[], &[]),
        ("1970-01-01", "99109", "Berlin", &[COUNTRY_NOT_VALID], &[]),
        ("1970-01-01", "99142", "Bonn", &[], &[]),
        (
            "1995-01-01",
            "99999",
            "Nulle part",
            &["R4.birth_place.unknown_country"],
            &[],
        ),
    ];
    const NOT_VALID: &str = "R4.birth_place.commune_not_valid_at_birth";
    const COUNTRY_NOT_VALID: &str = "R4.birth_place.country_not_valid_at_birth";
    const BY_NAME: &str = "R4.birth_place.commune_by_name";
    const AMBIGUOUS: &str = "R4.birth_place.ambiguous_commune_name";

    let data = real_data();
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        import_referentiel(&db, &data.files()).await.unwrap();

        for (born, pays, place, errors, warnings) in cases {
            let (commune, town) = if pays == FRANCE {
                (place, "")
            } else {
                ("", place)
            };
            let reference = birth_place_reference(&db, pays, commune).await.unwrap();
            let record = CandidatRecord {
                civilite: Some(Civilite::Madame),
                genre: None,
                nom_naissance: "MARTIN",
                nom_usage: "",
                prenoms: "Claire",
                date_naissance: born,
                pays_naissance: pays,
                commune_naissance: commune,
                ville_naissance_etranger: town,
                birth_place: &reference,
                adresse_complement: "",
                adresse_ligne: "3 rue des Lilas",
                code_postal: "75012",
                ville: "Paris",
                adresse_pays: "",
                courriel: "",
                telephone: "",
            };

            let report = check(&record, jiff::civil::date(2026, 1, 15));

            let found: Vec<&str> = report.errors.iter().map(|i| i.check).collect();
            let warned: Vec<&str> = report.warnings.iter().map(|i| i.check).collect();
            assert_eq!(found, errors, "{born} {pays} {place} on {:?}", db.backend());
            assert_eq!(
                warned,
                warnings,
                "{born} {pays} {place} on {:?}",
                db.backend()
            );
        }
    }
}
