//! The app, started for real on a random port with a fresh migrated database: SQLite by
//! default, PostgreSQL when `DATABASE_URL` points at one (each test then creates and drops
//! its own database).

use std::sync::Arc;

use ceres::render_command::{self, RenderRequest};
use ceres_domain::FixedClock;
use ceres_domain::candidat_data::CandidatInput;
use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_domain::verification::{DocumentNumber, SigningSecret};
use ceres_store::Db;
use ceres_web::AppState;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use sqlx::Executor;

#[path = "app/after_send.rs"]
mod after_send;
#[path = "app/audit.rs"]
mod audit;
#[path = "app/board.rs"]
mod board;
#[path = "app/oidc.rs"]
mod oidc;
#[path = "app/perimetre.rs"]
mod perimetre;
#[path = "app/pipeline.rs"]
mod pipeline;
#[path = "app/security.rs"]
mod security;

/// 3 December 2026, 10:00 in Paris.
const NOW: &str = "2026-12-03T09:00:00Z";
const TUTORIAL: &str = "TITRE_B_2023_470415";
const HENRI: i64 = 2122559;
const COLETTE: i64 = 2122560;

struct TestApp {
    base: String,
    db: Db,
    /// Where the database is, for a `ceres` process started by a test.
    database_url: String,
    state: AppState,
    /// The app's clock, which tests move.
    clock: FixedClock,
    /// The scratch PostgreSQL database to drop at the end, with the admin URL.
    postgres: Option<(String, String)>,
    sqlite_dir: Option<std::path::PathBuf>,
    /// The file store's folder.
    files_dir: std::path::PathBuf,
    /// The bucket folder of this app's files when the tests run against an object storage.
    files_url: Option<String>,
    /// Where the notifications are written.
    mail_dir: std::path::PathBuf,
}

impl TestApp {
    async fn spawn() -> TestApp {
        Self::spawn_with(NOW, |state, _base| state).await
    }

    /// The app at `now`, its state changed by `configure` (given the app's base URL) before
    /// it serves.
    async fn spawn_with(now: &str, configure: impl FnOnce(AppState, &str) -> AppState) -> TestApp {
        let unique = uuid::Uuid::now_v7().simple().to_string();
        let (url, postgres, sqlite_dir) = match std::env::var("DATABASE_URL") {
            Ok(admin) if admin.starts_with("postgres") => {
                let name = format!("ceres_test_{unique}");
                let admin_db = Db::connect(&admin).await.expect("PostgreSQL answers");
                admin_db
                    .pool()
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("scratch database created");
                let base = admin.rsplit_once('/').expect("a database in the URL").0;
                (format!("{base}/{name}"), Some((admin, name)), None)
            }
            _ => {
                let dir = std::env::temp_dir().join(format!("ceres-test-{unique}"));
                std::fs::create_dir_all(&dir).unwrap();
                (
                    format!("sqlite://{}", dir.join("ceres.sqlite").display()),
                    None,
                    Some(dir),
                )
            }
        };

        let db = Db::connect(&url).await.expect("database opens");
        db.migrate().await.expect("migrations apply");
        ceres::refdata::import(&db, None)
            .await
            .expect("reference data imports");
        let clock = FixedClock::new(now.parse().unwrap());
        ceres::demo::load(&db, &clock).await.expect("demo loads");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let base = format!("http://{address}");
        let files_dir = std::env::temp_dir().join(format!("ceres-files-{unique}"));
        // `CERES_TEST_FILES_URL=s3://bucket` (with the `AWS_*` variables) runs the tests
        // against an S3-compatible storage, one folder per app; scripts/test.sh does so
        // with a local server.
        let files_url = std::env::var("CERES_TEST_FILES_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .map(|url| format!("{}/{unique}", url.trim_end_matches('/')));
        let files = match &files_url {
            Some(url) => ceres_web::files::FileStore::s3(url).expect("object storage"),
            None => ceres_web::files::FileStore::local(&files_dir).expect("file store"),
        };
        let mail_dir = std::env::temp_dir().join(format!("ceres-mail-{unique}"));
        let state = ceres::app_state(
            db.clone(),
            Arc::new(clock.clone()),
            false,
            SigningSecret::from_seed([42; 32]),
            "http://ceres.test",
            files,
            ceres_web::mail::Mailer::folder(&mail_dir, "CERES <ceres@example.test>")
                .expect("mail folder"),
        );
        let state = configure(state, &base);
        let app = ceres_web::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        TestApp {
            base,
            database_url: url,
            db,
            state,
            clock,
            postgres,
            sqlite_dir,
            files_dir,
            files_url,
            mail_dir,
        }
    }

    /// A browser-like client with its own cookies, signed in as `email`.
    async fn signed_in(&self, email: &str) -> reqwest::Client {
        let client = browser();
        let response = self
            .sign_in(&client, email, ceres::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
        client
    }

    /// Posts the sign-in form as a browser does, with the token of the page it shows.
    async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf_token(client).await;
        client
            .post(self.url("/connexion"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token of the client's web session, read from a page's form.
    async fn csrf_token(&self, client: &reqwest::Client) -> String {
        let page = client
            .get(self.url("/connexion"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_token_in(&page).expect("the sign-in page has a CSRF field")
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn print_requests(&self, candidat_id: i64) -> i64 {
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM print_request WHERE candidat_id = $1")
                .bind(candidat_id)
                .fetch_one(self.db.pool())
                .await
                .unwrap();
        count
    }

    async fn issued_documents(&self) -> i64 {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM issued_document")
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        count
    }

    /// Renders with `ceres render`'s code into a scratch folder.
    async fn render(
        &self,
        candidat: Option<i64>,
        version: DocumentVersion,
        kinds: &[DocumentKind],
    ) -> render_command::RenderReport {
        let out = std::env::temp_dir().join(format!("ceres-render-{}", uuid::Uuid::now_v7()));
        let request = RenderRequest {
            session_id: TUTORIAL.to_owned(),
            candidat_id: candidat,
            version,
            kinds: kinds.to_vec(),
            out: out.clone(),
        };
        let report = render_command::render(&self.state, &request)
            .await
            .expect("render");
        for file in &report.rendered {
            let bytes = std::fs::read(&file.path).expect("rendered file");
            assert!(bytes.starts_with(b"%PDF"), "{}", file.path.display());
        }
        std::fs::remove_dir_all(out).ok();
        report
    }

    /// The public verification page for a number, signed with the app's key.
    async fn verify(&self, numero: &str) -> String {
        let code = self
            .state
            .signing
            .code_for(&DocumentNumber::parse(numero).unwrap());
        self.verify_code(&code).await
    }

    async fn verify_code(&self, code: &str) -> String {
        let response = reqwest::get(self.url(&format!("/verifier/{code}")))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    async fn cleanup(self) {
        self.db.pool().close().await;
        if let Some((admin, name)) = self.postgres {
            let admin_db = Db::connect(&admin).await.unwrap();
            admin_db
                .pool()
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name}"
                )))
                .await
                .unwrap();
        }
        if let Some(dir) = self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        let _ = std::fs::remove_dir_all(self.files_dir);
        let _ = std::fs::remove_dir_all(self.mail_dir);
    }
}

/// A client that keeps cookies and shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of the first CSRF field of a page.
fn csrf_token_in(page: &str) -> Option<String> {
    let start = page.find(r#"name="csrf_token" value=""#)? + r#"name="csrf_token" value=""#.len();
    let length = page[start..].find('"')?;
    Some(page[start..start + length].to_owned())
}

async fn send(
    client: &reqwest::Client,
    app: &TestApp,
    candidat: i64,
    ticked: bool,
) -> reqwest::Response {
    let token = app.csrf_token(client).await;
    let mut form = vec![("csrf_token", token.as_str())];
    if ticked {
        form.push(("verifie", "oui"));
    }
    client
        .post(app.url(&format!(
            "/sessions/{TUTORIAL}/candidats/{candidat}/demande-impression"
        )))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn health_answers_and_pages_need_a_signed_in_agent() {
    let app = TestApp::spawn().await;
    let anonymous = browser();

    let health = anonymous.get(app.url("/healthz")).send().await.unwrap();
    let sessions = anonymous.get(app.url("/sessions")).send().await.unwrap();
    let wrong = app
        .sign_in(&anonymous, "agent.ud75@demo.ceres.fr", "nope")
        .await;

    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(sessions.status(), StatusCode::SEE_OTHER);
    assert_eq!(sessions.headers()["location"], "/connexion");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Adresse électronique ou mot de passe incorrect")
    );
    app.cleanup().await;
}

#[tokio::test]
async fn r12_a_session_outside_the_perimetre_answers_like_a_missing_one() {
    let app = TestApp::spawn().await;
    let ud93 = app.signed_in("agent.ud93@demo.ceres.fr").await;
    let drieets = app.signed_in("agent.drieets-idf@demo.ceres.fr").await;

    let outside = ud93
        .get(app.url(&format!("/sessions/{TUTORIAL}")))
        .send()
        .await
        .unwrap();
    let missing = ud93
        .get(app.url("/sessions/TITRE_X_0000_000000"))
        .send()
        .await
        .unwrap();
    let outside_pdf = ud93
        .get(app.url(&format!(
            "/sessions/{TUTORIAL}/candidats/{HENRI}/apercu/diplome.pdf"
        )))
        .send()
        .await
        .unwrap();
    let outside_send = send(&ud93, &app, HENRI, true).await;
    let region_list = drieets
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(outside_pdf.status(), StatusCode::NOT_FOUND);
    assert_eq!(outside_send.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.print_requests(HENRI).await, 0);
    assert!(region_list.contains(TUTORIAL) && region_list.contains("TITRE_T_2026_512377"));
    assert!(
        !region_list.contains("TITRE_T_2026_512533"),
        "La Réunion is not in Île-de-France"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn r3_r5_two_simultaneous_clicks_make_one_initial_request() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let other_agent = app.signed_in("agent.drieets-idf@demo.ceres.fr").await;

    let (first, second) = tokio::join!(
        send(&agent, &app, HENRI, true),
        send(&other_agent, &app, HENRI, true)
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    let list = agent
        .get(app.url(&format!("/sessions/{TUTORIAL}/candidats")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    assert_eq!(app.print_requests(HENRI).await, 1);
    assert!(
        list.contains("Demande d&#39;impression initiale transmise le 03/12/2026")
            || list.contains("Demande d'impression initiale transmise le 03/12/2026"),
        "{list}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn r3_a_request_is_refused_until_the_box_is_ticked_and_the_data_are_valid() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;

    let unticked = send(&agent, &app, HENRI, false).await;
    let unticked_status = unticked.status();
    let unticked_body = unticked.text().await.unwrap();
    let colette = send(&agent, &app, COLETTE, true).await;
    let colette_status = colette.status();
    let colette_body = colette.text().await.unwrap();

    assert_eq!(unticked_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked_body.contains("Données vérifiées et conformes"));
    assert_eq!(colette_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(colette_body.contains(
        "Les informations du candidat sont invalides : Date de naissance, Nom de naissance"
    ));
    assert_eq!(app.print_requests(HENRI).await, 0);
    assert_eq!(app.print_requests(COLETTE).await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn r1_a_session_awaiting_validation_edits_no_document() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud93@demo.ceres.fr").await;
    let base = "/sessions/TITRE_T_2026_512450/candidats/2254301";

    let review = agent.get(app.url(base)).send().await.unwrap();
    let preview = agent
        .get(app.url(&format!("{base}/apercu/diplome.pdf")))
        .send()
        .await
        .unwrap();
    let token = app.csrf_token(&agent).await;
    let sent = agent
        .post(app.url(&format!("{base}/demande-impression")))
        .form(&[("verifie", "oui"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    let sent_status = sent.status();
    let sent_body = sent.text().await.unwrap();

    assert_eq!(review.status(), StatusCode::NOT_FOUND);
    assert_eq!(preview.status(), StatusCode::NOT_FOUND);
    assert_eq!(sent_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sent_body.contains("En attente de validation"));
    assert_eq!(app.print_requests(2254301).await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn r2_previews_are_pdfs_of_the_documents_the_candidate_receives_and_leave_nothing() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let preview = |candidat: i64, kind: &str| {
        app.url(&format!(
            "/sessions/TITRE_T_2026_512204/candidats/{candidat}/apercu/{kind}.pdf"
        ))
    };

    let diplome = agent.get(preview(2254101, "diplome")).send().await.unwrap();
    let diplome_type = diplome.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let diplome_bytes = diplome.bytes().await.unwrap();
    let echec = agent
        .get(preview(2254103, "notification-echec"))
        .send()
        .await
        .unwrap();
    let not_for_her = agent.get(preview(2254103, "diplome")).send().await.unwrap();
    let livret = agent.get(preview(2254101, "livret")).send().await.unwrap();

    assert_eq!(diplome_type, "application/pdf");
    assert!(diplome_bytes.starts_with(b"%PDF"));
    assert_eq!(echec.status(), StatusCode::OK);
    assert_eq!(not_for_her.status(), StatusCode::NOT_FOUND);
    assert_eq!(livret.status(), StatusCode::OK);
    assert_eq!(app.print_requests(2254101).await, 0);
    assert_eq!(
        app.issued_documents().await,
        0,
        "a preview is never numbered"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn r7_the_attestation_is_downloaded_for_an_admis_candidate_after_the_first_request() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let attestation = |candidat: i64| {
        app.url(&format!(
            "/sessions/{TUTORIAL}/candidats/{candidat}/attestation-reussite.pdf"
        ))
    };
    let list_path = format!("/sessions/{TUTORIAL}/candidats");

    let before = agent.get(attestation(HENRI)).send().await.unwrap();
    let (_, list_before) = get_page(&agent, &app, &list_path).await;
    assert_eq!(
        send(&agent, &app, HENRI, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, list_after) = get_page(&agent, &app, &list_path).await;
    let after = agent.get(attestation(HENRI)).send().await.unwrap();
    let after_type = after.headers()["content-type"].to_str().unwrap().to_owned();
    let after_disposition = after.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let after_status = after.status();
    let pdf = after.bytes().await.unwrap();
    // Colette is Admis too, but nothing was requested for her yet.
    let colette = agent.get(attestation(COLETTE)).send().await.unwrap();
    let (_, trail) = get_page(&agent, &app, &format!("/sessions/{TUTORIAL}/tracabilite")).await;

    assert_eq!(before.status(), StatusCode::NOT_FOUND);
    let link = format!("/candidats/{HENRI}/attestation-reussite.pdf");
    assert!(!list_before.contains(&link), "{list_before}");
    assert!(list_after.contains(&link), "{list_after}");
    assert!(!list_after.contains(&format!("/candidats/{COLETTE}/attestation-reussite.pdf")));
    assert_eq!(after_status, StatusCode::OK);
    assert_eq!(after_type, "application/pdf");
    assert!(
        after_disposition.starts_with("attachment"),
        "{after_disposition}"
    );
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(colette.status(), StatusCode::NOT_FOUND);
    assert!(
        trail.contains("Attestation de réussite téléchargée"),
        "{trail}"
    );
    app.cleanup().await;
}

fn numero_of(report: &render_command::RenderReport, kind: DocumentKind) -> String {
    let file = report.rendered.iter().find(|f| f.kind == kind);
    file.and_then(|f| f.numero.clone())
        .expect("a numbered document")
}

#[tokio::test]
async fn print_versions_are_numbered_once_and_skipped_for_invalid_data() {
    let app = TestApp::spawn().await;

    let first = app.render(None, DocumentVersion::Impression, &[]).await;
    let again = app
        .render(Some(HENRI), DocumentVersion::Impression, &[])
        .await;

    let kinds: Vec<DocumentKind> = first.rendered.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            DocumentKind::LettreAccompagnement,
            DocumentKind::Diplome,
            DocumentKind::Livret
        ]
    );
    assert!(first.rendered.iter().all(|f| f.candidat_id == HENRI));
    let diplome = numero_of(&first, DocumentKind::Diplome);
    let livret = numero_of(&first, DocumentKind::Livret);
    assert!(diplome.starts_with("DIP-2026-"), "{diplome}");
    assert!(livret.starts_with("LIV-2026-"), "{livret}");
    assert_eq!(numero_of(&again, DocumentKind::Diplome), diplome);
    assert_eq!(numero_of(&again, DocumentKind::Livret), livret);
    assert_eq!(app.issued_documents().await, 2, "letters are not numbered");
    assert_eq!(
        first.skipped,
        vec![(
            COLETTE,
            "Les informations du candidat sont invalides : Date de naissance, Nom de naissance"
                .to_owned()
        )]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_verification_page_tells_genuine_superseded_and_forged_codes_apart() {
    let app = TestApp::spawn().await;
    let initial = app
        .render(
            Some(HENRI),
            DocumentVersion::Impression,
            &[DocumentKind::Diplome],
        )
        .await;
    let original = numero_of(&initial, DocumentKind::Diplome);

    let genuine = app.verify(&original).await;
    assert!(genuine.contains("Ce document est authentique"), "{genuine}");
    for printed in [
        "Monsieur BERTRAND Henri, né le 23/04/1981 à Charleville-Mézières (FRANCE)",
        "Ouvrier du paysage (RNCP",
        TUTORIAL,
        "le 03/12/2026",
    ] {
        assert!(genuine.contains(printed), "{printed} in {genuine}");
    }
    assert!(
        !genuine.contains("RUE"),
        "the address is not printed on a diploma"
    );

    let duplicata = app
        .render(
            Some(HENRI),
            DocumentVersion::Duplicata,
            &[DocumentKind::Diplome],
        )
        .await;
    let replacement = numero_of(&duplicata, DocumentKind::Diplome);
    assert_ne!(replacement, original);
    let superseded = app.verify(&original).await;
    assert!(
        superseded.contains("Ce document a été remplacé par un duplicata")
            && superseded.contains(&replacement),
        "{superseded}"
    );
    let current = app.verify(&replacement).await;
    assert!(current.contains("Ce document est authentique"), "{current}");
    assert!(
        current.contains("duplicata délivré le 3 décembre 2026"),
        "{current}"
    );

    // A code signed by another key, a genuine signature moved to another number, garbage.
    let number = DocumentNumber::parse(&original).unwrap();
    let other_key = SigningSecret::from_seed([7; 32]).code_for(&number);
    let signature = app.state.signing.code_for(&number);
    let moved = format!("DIP-2026-999999.{}", signature.split_once('.').unwrap().1);
    for forged in [other_key, moved] {
        let page = app.verify_code(&forged).await;
        assert!(
            page.contains("Ce code n'a pas été émis par CERES"),
            "{page}"
        );
        assert!(!page.contains("BERTRAND"), "{page}");
    }
    let garbage = app.verify_code("hello").await;
    assert!(garbage.contains("Ce texte n'est pas un code de vérification"));
    let unknown = app.verify("DIP-2026-999999").await;
    assert!(unknown.contains("Aucun document n'est enregistré sous ce numéro"));
    app.cleanup().await;
}

#[tokio::test]
async fn two_processes_printing_the_same_diploma_at_once_give_it_one_number() {
    let app = TestApp::spawn().await;
    let kinds = [DocumentKind::Diplome];

    let (first, second) = tokio::join!(
        app.render(Some(HENRI), DocumentVersion::Impression, &kinds),
        app.render(Some(HENRI), DocumentVersion::Impression, &kinds)
    );

    assert_eq!(
        numero_of(&first, DocumentKind::Diplome),
        numero_of(&second, DocumentKind::Diplome)
    );
    assert_eq!(app.issued_documents().await, 1);
    app.cleanup().await;
}

// The candidate module (R4) and the import of candidates.

const GOOD_CSV: &[u8] = include_bytes!("../../../docs/exemples/import-candidats.csv");
const BAD_CSV: &[u8] = include_bytes!("../../../docs/exemples/import-candidats-refuse.csv");

impl TestApp {
    async fn candidat(&self, id: i64) -> ceres_store::candidats::CandidatRow {
        ceres_store::candidats::get(&self.db, id)
            .await
            .unwrap()
            .expect("the candidate exists")
    }

    async fn count(&self, sql: &'static str) -> i64 {
        let (count,): (i64,) = sqlx::query_as(sql).fetch_one(self.db.pool()).await.unwrap();
        count
    }
}

/// The edit form's fields for `input`, with the revision the form was shown.
fn edit_form(input: &CandidatInput, revision: i64) -> Vec<(String, String)> {
    let serde_json::Value::Object(fields) = serde_json::to_value(input).unwrap() else {
        panic!("an input is an object");
    };
    let mut form: Vec<(String, String)> = fields
        .into_iter()
        .map(|(key, value)| (key, value.as_str().unwrap_or_default().to_owned()))
        .collect();
    form.push(("revision".into(), revision.to_string()));
    form.push(("session".into(), TUTORIAL.into()));
    form
}

/// Posts a form as the browser does, with the CSRF token of the client's web session.
async fn post_form(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(String, String)],
) -> (StatusCode, String, String) {
    let mut form = form.to_vec();
    form.push(("csrf_token".into(), app.csrf_token(client).await));
    let response = client.post(app.url(path)).form(&form).send().await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, unescaped(response.text().await.unwrap()))
}

/// A page's text with the apostrophes askama escapes written back, so that tests read the
/// French as agents do.
fn unescaped(html: String) -> String {
    html.replace("&#39;", "'")
}

async fn get_page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    (response.status(), unescaped(response.text().await.unwrap()))
}

/// What the tutorial's corrected Colette holds: the stored record with her birth name and
/// date fixed.
async fn corrected_colette(app: &TestApp) -> CandidatInput {
    CandidatInput {
        nom_naissance: "FAURIEL".into(),
        date_naissance: "23/04/1970".into(),
        ..app.candidat(COLETTE).await.data.to_input()
    }
}

#[tokio::test]
async fn r4_the_tutorials_correction_goes_from_the_candidate_module_to_the_print_request() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let page = format!("/candidats/{COLETTE}?session={TUTORIAL}");
    let form_path = format!("/candidats/{COLETTE}/modifier");

    // The record, as the tutorial shows it: validated, with its sections and its menu.
    let (status, body) = get_page(&agent, &app, &page).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Identification du candidat",
        "Coordonnées",
        "Formation et emploi",
        "Parcours de certification",
        "Traçabilité du candidat",
        "FAURIEL1",
        "Revenir à l'état brouillon",
        "Validé ✓",
        "Date de naissance : année de naissance incohérente",
    ] {
        assert!(body.contains(text), "{text} in the record page");
    }
    let validated_edit = corrected_colette(&app).await;
    let (status, _, _) = post_form(
        &agent,
        &app,
        &form_path,
        &edit_form(&validated_edit, app.candidat(COLETTE).await.revision),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a validated record is not edited"
    );
    assert_eq!(app.candidat(COLETTE).await.data.nom_naissance, "FAURIEL1");

    // « Revenir à l'état brouillon », then the form with the errors beside their fields.
    let (status, location, _) = post_form(
        &agent,
        &app,
        &format!("/candidats/{COLETTE}/brouillon"),
        &[("session".into(), TUTORIAL.into())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{form_path}?session={TUTORIAL}"));
    let (status, form) = get_page(&agent, &app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(form.matches("fr-input-group--error").count(), 2, "{form}");
    assert!(form.contains(r#"id="nom_naissance" name="nom_naissance" value="FAURIEL1""#));
    assert!(form.contains("revenue à l'état brouillon"));
    let refused = send(&agent, &app, COLETTE, true).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("à l'état brouillon"));

    // An unreadable date saves nothing and keeps every value typed.
    let revision = app.candidat(COLETTE).await.revision;
    let typo = CandidatInput {
        date_naissance: "23 avril 1970".into(),
        ..corrected_colette(&app).await
    };
    let (status, _, body) = post_form(&agent, &app, &form_path, &edit_form(&typo, revision)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Rien n'a été enregistré"));
    assert!(body.contains(r#"value="23 avril 1970""#));
    assert!(body.contains(r#"value="FAURIEL""#));
    assert!(body.contains("fr-input-group--error"));
    assert_eq!(app.candidat(COLETTE).await.data.nom_naissance, "FAURIEL1");

    // The correction saved, validated, then seen at once on the review screen.
    let corrected = corrected_colette(&app).await;
    let (status, location, _) =
        post_form(&agent, &app, &form_path, &edit_form(&corrected, revision)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, page);
    let saved = app.candidat(COLETTE).await;
    assert_eq!(saved.state, "brouillon");
    let (status, location, _) = post_form(
        &agent,
        &app,
        &format!("/candidats/{COLETTE}/valider"),
        &[
            ("revision".into(), saved.revision.to_string()),
            ("session".into(), TUTORIAL.into()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, page);
    assert_eq!(app.candidat(COLETTE).await.state, "valide");
    let (_, review) = get_page(
        &agent,
        &app,
        &format!("/sessions/{TUTORIAL}/candidats/{COLETTE}"),
    )
    .await;
    assert!(review.contains("Madame FAURIEL Colette"), "{review}");
    assert!(review.contains("Née le 23/04/1970"), "{review}");
    assert!(!review.contains("FAURIEL1"));
    assert!(!review.contains("Les informations du candidat sont invalides"));
    let sent = send(&agent, &app, COLETTE, true).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.print_requests(COLETTE).await, 1);

    // Every step is in the candidate's Traçabilité, in French, before and after.
    let (_, record) = get_page(&agent, &app, &page).await;
    for text in [
        "Retour à l'état brouillon",
        "<li>Nom de naissance : FAURIEL1 → FAURIEL</li>",
        "<li>Date de naissance : 23/04/0970 → 23/04/1970</li>",
        "<li>État de la fiche : Brouillon → Validé</li>",
        "Validation des informations du candidat",
        "Demande d'impression initiale transmise",
        "Agent UD 75",
    ] {
        assert!(record.contains(text), "{text} in {record}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn r4_validation_is_refused_while_an_error_remains_and_a_warning_does_not_block_it() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let valider = format!("/candidats/{COLETTE}/valider");
    let (status, _, _) = post_form(
        &agent,
        &app,
        &format!("/candidats/{COLETTE}/brouillon"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let revision = app.candidat(COLETTE).await.revision;
    let (status, _, body) = post_form(
        &agent,
        &app,
        &valider,
        &[("revision".into(), revision.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("La fiche ne peut pas être validée"), "{body}");
    assert_eq!(app.candidat(COLETTE).await.state, "brouillon");

    // Fixed, with a letter outside the civil-status list in her first name: a warning.
    let input = CandidatInput {
        prenoms: "Colette Łucja".into(),
        ..corrected_colette(&app).await
    };
    let (status, _, _) = post_form(
        &agent,
        &app,
        &format!("/candidats/{COLETTE}/modifier"),
        &edit_form(&input, revision),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stale = post_form(
        &agent,
        &app,
        &valider,
        &[("revision".into(), revision.to_string())],
    )
    .await;
    assert_eq!(stale.0, StatusCode::CONFLICT, "the record changed since");
    let revision = app.candidat(COLETTE).await.revision;
    let (status, _, _) = post_form(
        &agent,
        &app,
        &valider,
        &[("revision".into(), revision.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, record) = get_page(&agent, &app, &format!("/candidats/{COLETTE}")).await;
    assert!(record.contains("Points à vérifier"));
    assert!(record.contains("« Ł »"));
    assert_eq!(app.candidat(COLETTE).await.state, "valide");
    app.cleanup().await;
}

#[tokio::test]
async fn r12_a_candidate_outside_the_perimetre_answers_like_a_missing_one() {
    let app = TestApp::spawn().await;
    let ud93 = app.signed_in("agent.ud93@demo.ceres.fr").await;
    let before = app.candidat(COLETTE).await;

    let outside = get_page(&ud93, &app, &format!("/candidats/{COLETTE}")).await;
    let missing = get_page(&ud93, &app, "/candidats/99999999").await;
    let form = get_page(&ud93, &app, &format!("/candidats/{COLETTE}/modifier")).await;
    let draft = post_form(&ud93, &app, &format!("/candidats/{COLETTE}/brouillon"), &[]).await;
    let save = post_form(
        &ud93,
        &app,
        &format!("/candidats/{COLETTE}/modifier"),
        &edit_form(&corrected_colette(&app).await, before.revision),
    )
    .await;
    let validate = post_form(&ud93, &app, &format!("/candidats/{COLETTE}/valider"), &[]).await;
    let import = upload(&ud93, &app, TUTORIAL, "import-candidats.csv", GOOD_CSV).await;

    for status in [
        outside.0, missing.0, form.0, draft.0, save.0, validate.0, import.0,
    ] {
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let after = app.candidat(COLETTE).await;
    assert_eq!(
        (after.state, after.revision),
        (before.state, before.revision)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_event").await, 0);
    app.cleanup().await;
}

/// Sends a file through the upload form of the candidate list, as a browser does: the
/// CSRF token as a field of the multipart body, then the file.
async fn upload(
    client: &reqwest::Client,
    app: &TestApp,
    session: &str,
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, String) {
    let token = app.csrf_token(client).await;
    upload_with_token(client, app, session, file_name, bytes, Some(&token)).await
}

async fn upload_with_token(
    client: &reqwest::Client,
    app: &TestApp,
    session: &str,
    file_name: &str,
    bytes: &[u8],
    token: Option<&str>,
) -> (StatusCode, String) {
    let (content_type, body) = upload_body(token, file_name, bytes);
    let response = client
        .post(app.url(&format!("/sessions/{session}/candidats/import")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), unescaped(response.text().await.unwrap()))
}

/// The content type and multipart body of the upload form: the CSRF token's field (when
/// given), then the file.
fn upload_body(token: Option<&str>, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "ceres-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(token) = token {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\
                 {token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; \
             filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn candidates_are_imported_from_the_upload_form_whole_or_not_at_all() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let candidates = || app.count("SELECT COUNT(*) FROM candidat");
    let before = candidates().await;

    let (status, _) = upload_with_token(
        &agent,
        &app,
        TUTORIAL,
        "import-candidats.csv",
        GOOD_CSV,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an upload without the token");
    assert_eq!(candidates().await, before);

    let (status, bad) = upload(&agent, &app, TUTORIAL, "refuse.csv", BAD_CSV).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("rien n'a été importé"), "{bad}");
    for reason in [
        "Nom de naissance : caractère non admis par l'état civil : « 1 ».",
        "Date de naissance : le 31/02/1990 n'existe pas dans le calendrier.",
        "le candidat 3300001 figure déjà à la ligne 2",
    ] {
        assert!(bad.contains(reason), "{reason} in {bad}");
    }
    assert_eq!(candidates().await, before);

    let latin1 = encoding_rs_free_latin1(GOOD_CSV);
    let (status, encoding) = upload(&agent, &app, TUTORIAL, "excel.csv", &latin1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(encoding.contains("n'est pas encodé en UTF-8"), "{encoding}");

    let (status, good) = upload(&agent, &app, TUTORIAL, "import-candidats.csv", GOOD_CSV).await;
    assert_eq!(status, StatusCode::OK, "{good}");
    assert!(good.contains("Import réussi"), "{good}");
    assert_eq!(candidates().await, before + 3);
    let (_, list) = get_page(&agent, &app, &format!("/sessions/{TUTORIAL}/candidats")).await;
    assert!(list.contains("5 candidats inscrits à la session"), "{list}");
    assert!(list.contains("LEFÈVRE"));
    let (_, trail) = get_page(&agent, &app, &format!("/sessions/{TUTORIAL}/tracabilite")).await;
    assert!(trail.contains("Import de candidats"), "{trail}");
    app.cleanup().await;
}

/// The bytes of a UTF-8 text re-encoded in Latin-1, as Excel saves a CSV.
fn encoding_rs_free_latin1(utf8: &[u8]) -> Vec<u8> {
    std::str::from_utf8(utf8)
        .unwrap()
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

#[tokio::test]
async fn the_import_command_prints_the_report_and_fails_on_a_refused_file() {
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("ceres-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("import-candidats.csv");
    let bad = dir.join("refuse.csv");
    std::fs::write(&good, GOOD_CSV).unwrap();
    std::fs::write(&bad, BAD_CSV).unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ceres"))
            .args(["import", "candidats", "--session", TUTORIAL])
            .arg(file)
            .env("DATABASE_URL", &app.database_url)
            .env("CERES_DATA_DIR", &dir)
            .output()
            .unwrap()
    };

    let refused = run(&bad);
    let imported = run(&good);

    let refused_out = String::from_utf8_lossy(&refused.stdout);
    assert!(!refused.status.success());
    assert!(
        refused_out.contains("line    5    3300001  Madame FAURIEL Colette: Refusée"),
        "{refused_out}"
    );
    assert!(
        refused_out.contains("error   import.id_duplicate"),
        "{refused_out}"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("import refused: 4 row(s)"));
    let imported_out = String::from_utf8_lossy(&imported.stdout);
    assert!(imported.status.success(), "{imported_out}");
    assert!(imported_out.contains("Import réussi"), "{imported_out}");
    assert!(imported_out.contains("warning R4.name.foreign_letter"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_event WHERE actor = 'cli'")
            .await,
        4,
        "three candidates and the import itself"
    );
    std::fs::remove_dir_all(dir).ok();
    app.cleanup().await;
}
