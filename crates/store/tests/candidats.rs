//! Candidate records on SQLite and PostgreSQL: the correction cycle of R4 (brouillon, draft
//! saved, validated again) with its audit trail (R13), and the import of candidates from
//! CSV and JSON files, all or nothing.

mod support;

use ceres_domain::candidat::Field;
use ceres_domain::candidat_data::CandidatInput;
use ceres_domain::perimetre::Perimetre;
use ceres_store::candidat_changes::{self, Author, ChangeOutcome};
use ceres_store::candidat_import::{ImportReport, ImportRequest, RowStatus, import_candidats};
use ceres_store::candidats::{self, NewCandidat};
use ceres_store::import::import_referentiel;
use ceres_store::sessions::{self, NewCentre, NewSession, SessionRow};
use ceres_store::{Db, referentiel};
use support::{real_data, scratch_databases};

const SESSION: &str = "TITRE_B_2023_470415";
const COLETTE: i64 = 2122560;

const GOOD_CSV: &[u8] = include_bytes!("../../../docs/exemples/import-candidats.csv");
const GOOD_JSON: &[u8] = include_bytes!("../../../docs/exemples/import-candidats.json");
const BAD_CSV: &[u8] = include_bytes!("../../../docs/exemples/import-candidats-refuse.csv");

fn author() -> Author<'static> {
    Author {
        actor: "agent-test",
        now: "2026-12-03T09:00:00Z".parse().unwrap(),
    }
}

/// A database with the reference data, the tutorial's session and Colette as the tutorial
/// shows her (FAURIEL1, born in 0970), validated.
async fn scene(db: &Db) -> SessionRow {
    import_referentiel(db, &real_data().files()).await.unwrap();
    let titre = referentiel::titre_version_id(db, "TP-00463", Some("2018-09-20"))
        .await
        .unwrap()
        .unwrap();
    sessions::insert_centre(
        db,
        &NewCentre {
            id: "klee-idf",
            nom: "KLEE - Île de France",
            commune_code: "75112",
            departement_code: "75",
            region_code: "11",
        },
    )
    .await
    .unwrap();
    sessions::insert_session(
        db,
        &NewSession {
            nature: "titre",
            id: SESSION,
            titre_version_id: &titre,
            centre_id: "klee-idf",
            departement_code: "75",
            region_code: "11",
            state: "validee",
            date_debut: "2022-11-07",
            date_fin: "2022-11-10",
            date_jury: Some("2022-11-10"),
            validated_on: Some("2022-11-16"),
            validated_by: Some("agent"),
            responsable_nom: "",
            responsable_courriel: "",
            updated_at: "2026-12-01T00:00:00.000000Z",
            updated_by: "seed",
        },
    )
    .await
    .unwrap();
    candidats::insert_candidat(
        db,
        &NewCandidat {
            id: COLETTE,
            civilite: Some("madame"),
            nom_naissance: "FAURIEL1",
            prenoms: "Colette",
            date_naissance: "0970-04-23",
            pays_naissance: "99100",
            commune_naissance: "11132",
            adresse_ligne: "10 rue des Lilas",
            code_postal: "75012",
            ville: "Paris",
            state: "valide",
            updated_at: "2026-12-01T00:00:00.000000Z",
            ..NewCandidat::default()
        },
    )
    .await
    .unwrap();
    candidats::insert_inscription(db, SESSION, COLETTE, Some("admis"), "")
        .await
        .unwrap();
    sessions::get_in_perimetre(db, &Perimetre::National, SESSION)
        .await
        .unwrap()
        .unwrap()
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.unwrap();
    n
}

async fn actions(db: &Db) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT action FROM audit_event ORDER BY at, id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    rows.into_iter().map(|(a,)| a).collect()
}

async fn import(db: &Db, session: &SessionRow, name: &str, bytes: &[u8]) -> ImportReport {
    import_candidats(
        db,
        &ImportRequest {
            session,
            perimetre: &Perimetre::National,
            file_name: name,
            bytes,
            author: author(),
        },
    )
    .await
    .unwrap()
}

fn statuses(report: &ImportReport) -> Vec<(u64, RowStatus)> {
    report.rows.iter().map(|r| (r.line, r.status)).collect()
}

fn errors_of(report: &ImportReport, line: u64) -> Vec<&'static str> {
    let row = report.rows.iter().find(|r| r.line == line).unwrap();
    row.errors.iter().map(|e| e.check).collect()
}

#[tokio::test]
async fn r4_r13_the_tutorials_correction_goes_through_brouillon_and_is_audited() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        scene(&db).await;
        let read = || async { candidats::get(&db, COLETTE).await.unwrap().unwrap() };
        let before = read().await;

        // A validated record is not edited in place.
        let corrected = CandidatInput {
            nom_naissance: "FAURIEL".into(),
            date_naissance: "23/04/1970".into(),
            ..before.data.to_input()
        }
        .parse()
        .unwrap();
        let refused =
            candidat_changes::save_draft(&db, COLETTE, before.revision, &corrected, author())
                .await
                .unwrap();
        assert_eq!(refused, ChangeOutcome::WrongState);

        // Back to brouillon, then saved, then validated.
        let draft = candidat_changes::return_to_draft(&db, COLETTE, author())
            .await
            .unwrap();
        assert!(matches!(draft, ChangeOutcome::Done { .. }));
        let in_draft = read().await;
        assert_eq!(in_draft.state, "brouillon");
        let stale =
            candidat_changes::save_draft(&db, COLETTE, before.revision, &corrected, author())
                .await
                .unwrap();
        assert_eq!(
            stale,
            ChangeOutcome::Stale,
            "the form was older than the draft"
        );
        let saved =
            candidat_changes::save_draft(&db, COLETTE, in_draft.revision, &corrected, author())
                .await
                .unwrap();
        let ChangeOutcome::Done { revision } = saved else {
            panic!("{saved:?}");
        };
        let again = candidat_changes::save_draft(&db, COLETTE, revision, &corrected, author())
            .await
            .unwrap();
        assert_eq!(again, ChangeOutcome::Unchanged);
        let validated = candidat_changes::validate(&db, COLETTE, revision, author())
            .await
            .unwrap();
        assert!(matches!(validated, ChangeOutcome::Done { .. }));

        let after = read().await;
        assert_eq!(after.state, "valide");
        assert_eq!(after.data.nom_naissance, "FAURIEL");
        assert_eq!(after.data.date_naissance, "1970-04-23");
        assert_eq!(
            actions(&db).await,
            [
                "candidat.returned_to_draft",
                "candidat.updated",
                "candidat.validated"
            ]
        );
        let (before_json, after_json): (String, String) = sqlx::query_as(
            "SELECT before_json, after_json FROM audit_event WHERE action = 'candidat.updated'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(
            before_json,
            r#"{"date_naissance":"0970-04-23","nom_naissance":"FAURIEL1"}"#
        );
        assert_eq!(
            after_json,
            r#"{"date_naissance":"1970-04-23","nom_naissance":"FAURIEL"}"#
        );
        let events = ceres_store::audit::list_for_candidat(&db, &Perimetre::National, COLETTE)
            .await
            .unwrap();
        assert_eq!(events.len(), 3);
        let outside = ceres_store::audit::list_for_candidat(
            &db,
            &Perimetre::Departement("93".into()),
            COLETTE,
        )
        .await
        .unwrap();
        assert_eq!(
            outside.len(),
            3,
            "changes to the record itself belong to no session"
        );
    }
}

#[tokio::test]
async fn r12_a_candidate_is_read_only_through_a_session_of_the_perimetre() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        scene(&db).await;

        let paris = candidats::get_in_perimetre(&db, &Perimetre::Departement("75".into()), COLETTE)
            .await
            .unwrap();
        let idf = candidats::get_in_perimetre(&db, &Perimetre::Region("11".into()), COLETTE)
            .await
            .unwrap();
        let seine_saint_denis =
            candidats::get_in_perimetre(&db, &Perimetre::Departement("93".into()), COLETTE)
                .await
                .unwrap();
        let parcours =
            candidats::parcours_in_perimetre(&db, &Perimetre::Departement("75".into()), COLETTE)
                .await
                .unwrap();

        assert!(paris.is_some() && idf.is_some());
        assert!(seine_saint_denis.is_none());
        assert_eq!(parcours.len(), 1);
        assert_eq!(parcours[0].session_id, SESSION);
        assert_eq!(parcours[0].resultat.as_deref(), Some("admis"));
    }
}

#[tokio::test]
async fn a_good_csv_file_creates_and_registers_every_candidate_and_a_second_import_changes_nothing()
{
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        let session = scene(&db).await;

        let report = import(&db, &session, "import-candidats.csv", GOOD_CSV).await;

        assert!(report.imported, "{report:#?}");
        assert_eq!(report.file_issue, None);
        assert_eq!(
            statuses(&report),
            [
                (2, RowStatus::Created),
                (3, RowStatus::Created),
                (4, RowStatus::Created)
            ]
        );
        let munoz = &report.rows[2];
        let warned: Vec<&str> = munoz.warnings.iter().map(|w| w.check).collect();
        assert_eq!(warned, ["R4.name.foreign_letter", "R4.name.foreign_letter"]);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM inscription WHERE session_id = 'TITRE_B_2023_470415'"
            )
            .await,
            4
        );
        let koffi = candidats::get(&db, 3100002).await.unwrap().unwrap();
        assert_eq!(koffi.state, "valide");
        assert_eq!(
            koffi.data.pays_naissance, "99326",
            "Côte d'Ivoire by its name"
        );
        assert_eq!(koffi.data.date_naissance, "1979-00-00");
        assert_eq!(koffi.data.value(Field::VoieAcces), "vae");
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_event WHERE action = 'candidat.imported'"
            )
            .await,
            3
        );

        let again = import(&db, &session, "import-candidats.csv", GOOD_CSV).await;
        assert!(again.imported);
        assert_eq!(again.unchanged(), 3, "{again:#?}");
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM candidat").await,
            4,
            "nothing created twice"
        );
    }
}

#[tokio::test]
async fn a_good_json_file_is_imported_with_the_same_checks() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        let session = scene(&db).await;

        let report = import(&db, &session, "import-candidats.json", GOOD_JSON).await;

        assert!(report.imported, "{report:#?}");
        assert_eq!(
            statuses(&report),
            [(3, RowStatus::Created), (16, RowStatus::Created)]
        );
        let hoarau = candidats::get(&db, 3200002).await.unwrap().unwrap();
        assert_eq!(hoarau.data.adresse_pays, "La Réunion");
        let (ccps,): (String,) =
            sqlx::query_as("SELECT ccps_obtenus FROM inscription WHERE candidat_id = 3200002")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(ccps, "RNCP399BC03");
    }
}

#[tokio::test]
async fn a_file_with_bad_rows_is_refused_whole_with_the_line_and_reasons_of_each() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        let session = scene(&db).await;
        let candidates_before = count(&db, "SELECT COUNT(*) FROM candidat").await;

        let report = import(&db, &session, "import-candidats-refuse.csv", BAD_CSV).await;

        assert!(!report.imported);
        assert_eq!(report.refused(), 4);
        assert_eq!(
            errors_of(&report, 2),
            [
                "R4.name.forbidden_character",
                "R4.birth_date.incoherent_year"
            ]
        );
        assert_eq!(errors_of(&report, 3), ["R4.birth_date.no_such_day"]);
        assert_eq!(
            errors_of(&report, 4),
            [
                "R4.birth_place.ambiguous_commune_name",
                "R4.address.postcode_invalid"
            ]
        );
        assert_eq!(errors_of(&report, 5), ["import.id_duplicate"]);
        assert!(report.rows[3].errors[0].message.contains("ligne 2"));
        assert_eq!(report.rows[4].status, RowStatus::NotImported);
        assert!(report.summary().contains("rien n'a été importé"));
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM candidat").await,
            candidates_before,
            "nothing half-applied"
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_event").await, 0);
    }
}

#[tokio::test]
async fn an_import_never_changes_a_known_record_and_says_which_fields_differ() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        let session = scene(&db).await;
        let file = "id_ceres;civilite;nom_naissance;prenoms;date_naissance;commune_naissance;\
                    adresse_ligne;code_postal;ville\n\
                    2122560;Madame;FAURIEL;Colette;23/04/1970;11132;10 rue des Lilas;75012;Paris\n";

        let report = import(&db, &session, "colette.csv", file.as_bytes()).await;

        assert_eq!(errors_of(&report, 2), ["import.candidat_differs"]);
        let message = &report.rows[0].errors[0].message;
        assert!(
            message.contains("(Nom de naissance, Date de naissance)"),
            "{message}"
        );
        let colette = candidats::get(&db, COLETTE).await.unwrap().unwrap();
        assert_eq!(colette.data.nom_naissance, "FAURIEL1");
    }
}

#[tokio::test]
async fn a_file_with_an_unknown_column_or_in_windows_1252_is_refused_before_any_row() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        let session = scene(&db).await;
        let typo = "id_ceres;civilite;nom_naisance;prenoms;date_naissance;adresse_ligne;\
                    code_postal;ville\n1;Madame;X;Y;01/01/1990;1 rue A;75012;Paris\n";
        let latin1 = encoding_rs::WINDOWS_1252.encode(
            "id_ceres;civilite;nom_naissance;prenoms;date_naissance;adresse_ligne;code_postal;\
             ville\n1;Madame;LEFÈVRE;Anne;01/01/1990;1 rue A;75012;Paris\n",
        );

        let columns = import(&db, &session, "typo.csv", typo.as_bytes()).await;
        let encoding = import(&db, &session, "excel.csv", &latin1.0).await;

        let issue = columns.file_issue.unwrap();
        assert_eq!(issue.check, "import.columns");
        assert!(
            issue.message.contains("« nom_naisance »"),
            "{}",
            issue.message
        );
        assert!(
            issue.message.contains("« nom_naissance »"),
            "{}",
            issue.message
        );
        let issue = encoding.file_issue.unwrap();
        assert_eq!(issue.check, "import.encoding");
        assert!(issue.message.contains("ligne 2"), "{}", issue.message);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM candidat").await, 1);
    }
}

#[tokio::test]
async fn two_imports_of_one_file_at_once_create_each_candidate_once() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        let session = scene(&db).await;

        let (first, second) = tokio::join!(
            import(&db, &session, "a.csv", GOOD_CSV),
            import(&db, &session, "b.csv", GOOD_CSV)
        );

        assert_eq!(count(&db, "SELECT COUNT(*) FROM candidat").await, 4);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_event WHERE action = 'candidat.imported'"
            )
            .await,
            3
        );
        let mut created = 0;
        for report in [&first, &second] {
            if report.imported {
                created += report.created();
                assert_eq!(report.created() + report.unchanged(), 3, "{report:#?}");
            } else {
                let reasons: Vec<&str> = report
                    .rows
                    .iter()
                    .flat_map(|row| row.errors.iter().map(|e| e.check))
                    .collect();
                assert_eq!(reasons, ["import.candidat_differs"], "{report:#?}");
            }
        }
        assert_eq!(created, 3);
    }
}
