//! The exchange with the print provider (design brief §6, issue 5): from the print request
//! to the pli in a lot, through the provider's API, with R8's routing, idempotent writes and
//! jobs that may die half-way.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;

use ceres_domain::document::DocumentKind;
use ceres_store::ledger;
use ceres_store::print_requests::{self, InitialOutcome};
use ceres_web::pipeline;
use reqwest::StatusCode;
use serde_json::Value;

use super::{HENRI, TUTORIAL, TestApp};

/// La Réunion: the plis of this session go to the DEETS (R8).
const REUNION: &str = "TITRE_T_2026_512533";
const HOARAU: i64 = 2254401;
const TOKEN: &str = "jeton-de-test-du-prestataire-0123456789";

async fn request(app: &TestApp, session: &str, candidat: i64) -> String {
    let now = app.state.clock.now();
    let today = app.state.clock.today_in_paris();
    match print_requests::create_initial(&app.db, session, candidat, "agent-test", now, today)
        .await
        .unwrap()
    {
        InitialOutcome::Created { id, .. } => id,
        InitialOutcome::AlreadyExists { .. } => panic!("{candidat}: request already there"),
    }
}

/// The pages of a PDF, as `pdfinfo` (poppler-utils) reads them.
fn page_count(pdf: &[u8]) -> usize {
    let path = std::env::temp_dir().join(format!("ceres-pli-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    std::fs::remove_file(&path).ok();
    let info = String::from_utf8_lossy(&output.stdout);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    n
}

fn api(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
}

async fn json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.text().await.unwrap();
    let value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{status}: {body}"));
    (status, value)
}

#[tokio::test]
async fn r8_a_request_becomes_one_pli_in_one_lot_that_the_provider_takes_through_its_api() {
    let app = TestApp::spawn().await;
    let henri = request(&app, TUTORIAL, HENRI).await;
    let hoarau = request(&app, REUNION, HOARAU).await;

    // The jobs were written with the requests (outbox); the worker renders both.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM job WHERE state = 'pending'").await,
        2
    );
    let ran = pipeline::run_until_idle(&app.state, "worker-a")
        .await
        .unwrap();
    assert_eq!(ran, 2);

    // Henri, Admis: the cover letter, the diploma, the livret, each file matching its hash.
    let documents = ledger::documents_of(&app.db, &henri).await.unwrap();
    let kinds: Vec<&str> = documents.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, ["lettre-accompagnement", "diplome", "livret"]);
    for document in &documents {
        let pdf = app.state.files.get(&document.file_key).await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(ledger::sha256_hex(&pdf), document.sha256);
    }
    assert!(documents[1].numero.as_deref().unwrap().starts_with("DIP-"));

    // R8: mainland to the candidate, La Réunion to its DEETS.
    let paris = ledger::plis_of_candidat(&app.db, TUTORIAL, HENRI)
        .await
        .unwrap();
    let reunion = ledger::plis_of_candidat(&app.db, REUNION, HOARAU)
        .await
        .unwrap();
    assert_eq!((paris.len(), reunion.len()), (1, 1));
    assert_eq!(paris[0].destination, "candidat");
    assert!(
        paris[0].lines()[0].contains("BERTRAND"),
        "{:?}",
        paris[0].lines()
    );
    assert_eq!(reunion[0].destination, "deets");
    assert_eq!(reunion[0].territoire.as_deref(), Some("974"));
    assert_eq!(
        reunion[0].lines().last().map(String::as_str),
        Some("97400 Saint-Denis")
    );
    assert!(!reunion[0].adresse_lignes.contains("HOARAU"));

    // Rendering a request again changes nothing: same documents, same numbers, one pli.
    pipeline::render_request(&app.state, &henri).await.unwrap();
    let again = ledger::documents_of(&app.db, &henri).await.unwrap();
    assert_eq!(
        again
            .iter()
            .map(|d| (&d.kind, &d.numero, &d.sha256))
            .collect::<Vec<_>>(),
        documents
            .iter()
            .map(|d| (&d.kind, &d.numero, &d.sha256))
            .collect::<Vec<_>>()
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pli").await, 2);

    // An administrator asks for a lot: both plis, the DEETS's first.
    assert!(pipeline::request_lot_now(&app.state).await.unwrap());
    pipeline::run_until_idle(&app.state, "worker-a")
        .await
        .unwrap();
    let lots = ledger::lots_of(&app.db, ledger::DEFAULT_PROVIDER)
        .await
        .unwrap();
    assert_eq!(lots.len(), 1);
    assert_eq!(lots[0].pli_count, 2);
    let in_lot = ledger::plis_of_lot(&app.db, &lots[0].id).await.unwrap();
    assert_eq!(in_lot[0].destination, "deets");
    // Nothing left waiting: a second lot would be empty, so none is made.
    assert_eq!(pipeline::build_lots(&app.state).await.unwrap(), 0);

    // The provider's API.
    ledger::add_token(
        &app.db,
        ledger::DEFAULT_PROVIDER,
        "test",
        TOKEN,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    ledger::add_token(
        &app.db,
        "autre-prestataire",
        "test",
        "jeton-d-un-autre-0000000000",
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let lot_path = format!("/api/provider/v1/lots/{}", lots[0].id);

    let (status, listed) = json(
        api(&app, reqwest::Method::GET, "/api/provider/v1/lots", TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["lots"][0]["plis"], 2);

    let unauthenticated = reqwest::get(app.url("/api/provider/v1/lots"))
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
    let other = api(
        &app,
        reqwest::Method::GET,
        &lot_path,
        "jeton-d-un-autre-0000000000",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        other.status(),
        StatusCode::NOT_FOUND,
        "another provider's lot is not found"
    );

    let (status, manifest) = json(
        api(&app, reqwest::Method::GET, &lot_path, TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let manifest_text = manifest.to_string();
    // Data minimisation: no birth date, no candidate id, no result.
    for private in ["1981", "2122559", "admis", "Charleville"] {
        assert!(
            !manifest_text.contains(private),
            "{private} in {manifest_text}"
        );
    }
    let henri_pli = manifest["plis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["destination"] == "candidat")
        .unwrap()
        .clone();
    let pli_id = henri_pli["id"].as_str().unwrap().to_owned();
    let first = &henri_pli["documents"][0];
    let pdf = api(
        &app,
        reqwest::Method::GET,
        first["url"].as_str().unwrap(),
        TOKEN,
    )
    .send()
    .await
    .unwrap()
    .bytes()
    .await
    .unwrap();
    assert_eq!(ledger::sha256_hex(&pdf), first["sha256"].as_str().unwrap());

    // The pli's documents in one PDF, one page per page of its documents (the printed
    // livret has two), its hash as ETag; another provider's token does not reach it.
    let pli_pdf = api(
        &app,
        reqwest::Method::GET,
        henri_pli["pdf_url"].as_str().unwrap(),
        TOKEN,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(pli_pdf.status(), StatusCode::OK);
    let etag = pli_pdf.headers()["etag"].to_str().unwrap().to_owned();
    let pli_pdf = pli_pdf.bytes().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", ledger::sha256_hex(&pli_pdf)));
    let kinds: Vec<&str> = henri_pli["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    let pages: usize = kinds
        .iter()
        .map(|k| ceres_render::printed_pages(DocumentKind::from_slug(k).unwrap()))
        .sum();
    assert!(kinds.contains(&"livret"), "{kinds:?}");
    assert_eq!(pages, kinds.len() + 1);
    assert_eq!(page_count(&pli_pdf), pages);

    // The whole lot as a ZIP: the manifest CSV with its BOM, and every PDF.
    let zip_bytes = api(
        &app,
        reqwest::Method::GET,
        &format!("{lot_path}/archive.zip"),
        TOKEN,
    )
    .send()
    .await
    .unwrap()
    .bytes()
    .await
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).unwrap();
    let names: BTreeSet<String> = zip.file_names().map(str::to_owned).collect();
    let pdfs = names.iter().filter(|n| n.ends_with(".pdf")).count();
    assert_eq!(
        pdfs,
        3 + ledger::documents_of(&app.db, &hoarau).await.unwrap().len()
    );
    let mut csv = String::new();
    zip.by_name("manifeste.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains("Saint-Denis") || csv.contains("SAINT-DENIS"),
        "{csv}"
    );

    // Acknowledging twice: the second is a replay.
    let ack = format!("{lot_path}/acknowledgement");
    let (_, first_ack) = json(
        api(&app, reqwest::Method::POST, &ack, TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (_, second_ack) = json(
        api(&app, reqwest::Method::POST, &ack, TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (
            first_ack["replayed"].clone(),
            second_ack["replayed"].clone()
        ),
        (Value::Bool(false), Value::Bool(true))
    );
    assert_eq!(first_ack["acknowledged_at"], second_ack["acknowledged_at"]);

    // Events, idempotent by key; impossible transitions refused with their reason.
    let events = format!("/api/provider/v1/plis/{pli_id}/events");
    let post = |key: &'static str, body: Value| {
        api(&app, reqwest::Method::POST, &events, TOKEN)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let (status, refused) = json(
        post(
            "k0",
            serde_json::json!({"type": "poste", "date": "2026-12-04"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        refused["message"].as_str().unwrap().contains("printed"),
        "{refused}"
    );
    let (status, printed) = json(
        post("k1", serde_json::json!({"type": "imprime"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, printed["state"].as_str()),
        (StatusCode::CREATED, Some("imprime"))
    );
    let (status, replay) = json(
        post("k1", serde_json::json!({"type": "imprime"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, replay["replayed"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let (status, missing_date) = json(
        post("k2", serde_json::json!({"type": "poste"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_date["message"].as_str().unwrap().contains("date"));
    let (status, _) = json(post("k2", serde_json::json!({"type": "poste", "date": "2026-12-04", "tracking_number": "1A00000000001"})).await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, pnd) = json(
        post(
            "k3",
            serde_json::json!({"type": "pnd", "reason": "n_habite_pas"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, pnd["state"].as_str()),
        (StatusCode::CREATED, Some("pnd"))
    );
    let no_key = api(&app, reqwest::Method::POST, &events, TOKEN)
        .json(&serde_json::json!({"type": "imprime"}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::BAD_REQUEST);
    let unknown = api(
        &app,
        reqwest::Method::POST,
        "/api/provider/v1/plis/inconnu/events",
        TOKEN,
    )
    .header("Idempotency-Key", "k4")
    .json(&serde_json::json!({"type": "imprime"}))
    .send()
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let history = ledger::events_of(&app.db, &pli_id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["imprime", "poste", "pnd"]);
    assert_eq!(history[1].tracking_number.as_deref(), Some("1A00000000001"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_worker_that_dies_leaves_its_job_to_another_and_nothing_is_done_twice() {
    let app = TestApp::spawn().await;
    let henri = request(&app, TUTORIAL, HENRI).await;

    // Worker A claims the job and dies (it never completes it).
    let now = app.state.clock.now();
    let claimed = ceres_store::jobs::claim(&app.db, "worker-a", now)
        .await
        .unwrap();
    assert!(claimed.is_some());
    // Its lease holds: worker B finds nothing to do.
    assert_eq!(
        pipeline::run_until_idle(&app.state, "worker-b")
            .await
            .unwrap(),
        0
    );
    // Worker A had got as far as two documents before dying.
    pipeline::render_request(&app.state, &henri).await.unwrap();
    sqlx::query("DELETE FROM pli")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM print_document WHERE kind = 'livret'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let before = ledger::documents_of(&app.db, &henri).await.unwrap();

    // Once the lease has run out, B takes the job over and finishes it.
    app.clock
        .set(now + ceres_store::jobs::LEASE + jiff::SignedDuration::from_secs(1));
    assert_eq!(
        pipeline::run_until_idle(&app.state, "worker-b")
            .await
            .unwrap(),
        1
    );
    let after = ledger::documents_of(&app.db, &henri).await.unwrap();
    assert_eq!(after.len(), 3);
    for document in &before {
        let same = after.iter().find(|d| d.kind == document.kind).unwrap();
        assert_eq!(
            (&same.numero, &same.sha256),
            (&document.numero, &document.sha256)
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pli").await, 1);
    // The livret kept the number it was given the first time.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM issued_document WHERE kind = 'livret'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM job WHERE state = 'done'").await,
        1,
        "A's late completion would not count: the job is B's"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn two_workers_share_the_jobs_and_every_request_ends_as_one_pli_in_one_lot() {
    let app = TestApp::spawn().await;
    let admis: Vec<(String, i64)> = sqlx::query_as(
        "SELECT i.session_id, i.candidat_id FROM inscription i \
         JOIN exam_session s ON s.id = i.session_id \
         WHERE s.state = 'validee' AND i.resultat IS NOT NULL ORDER BY i.candidat_id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(admis.len() >= 8, "{}", admis.len());
    for (session, candidat) in &admis {
        request(&app, session, *candidat).await;
    }

    let (a, b) = tokio::join!(
        pipeline::run_until_idle(&app.state, "worker-a"),
        pipeline::run_until_idle(&app.state, "worker-b"),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, admis.len(), "each job ran once");
    // Two lot builders at once: every pli in exactly one lot.
    let (x, y) = tokio::join!(
        pipeline::build_lots(&app.state),
        pipeline::build_lots(&app.state)
    );
    x.unwrap();
    y.unwrap();

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pli").await,
        admis.len() as i64
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pli WHERE lot_id IS NULL").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COALESCE(SUM(pli_count), 0) AS BIGINT) FROM lot"
        )
        .await,
        admis.len() as i64
    );
    let numbers: Vec<(String,)> =
        sqlx::query_as("SELECT numero FROM print_document WHERE numero IS NOT NULL")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let unique: HashSet<&String> = numbers.iter().map(|(n,)| n).collect();
    assert_eq!(
        unique.len(),
        numbers.len(),
        "no document number issued twice"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_providers_operator_takes_a_lot_and_records_events_in_the_console() {
    let app = TestApp::spawn().await;
    request(&app, TUTORIAL, HENRI).await;
    pipeline::run_until_idle(&app.state, "worker")
        .await
        .unwrap();
    pipeline::build_lots(&app.state).await.unwrap();
    let lot = ledger::lots_of(&app.db, ledger::DEFAULT_PROVIDER)
        .await
        .unwrap()
        .remove(0);
    let pli = ledger::plis_of_lot(&app.db, &lot.id)
        .await
        .unwrap()
        .remove(0);
    super::perimetre::add_provider_operator(&app).await;
    let operator = app.signed_in(super::perimetre::PROVIDER_EMAIL).await;

    let lots = operator
        .get(app.url("/prestataire/lots"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(lots.contains(&lot.id), "{lots}");
    let page_path = format!("/prestataire/lots/{}", lot.id);
    let page = operator
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("BERTRAND"));
    assert!(page.contains("01-lettre-accompagnement.pdf"));
    assert!(
        !page.contains("23/04/1981") && !page.contains("1981-04-23"),
        "no birth date"
    );
    // The lot's ZIP from the console, with the operator's session (no API token).
    let zip_path = format!("/prestataire/lots/{}/lot.zip", lot.id);
    assert!(page.contains(&zip_path), "{page}");
    let zip = operator.get(app.url(&zip_path)).send().await.unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let zip = zip.bytes().await.unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert!(
        archive.file_names().any(|name| name == "manifeste.csv"),
        "{:?}",
        archive.file_names().collect::<Vec<_>>()
    );
    assert!(archive.file_names().any(|name| name.ends_with(".pdf")));

    let token = app.csrf_token(&operator).await;
    let events = app.url(&format!("/prestataire/plis/{}/evenements", pli.id));
    let send = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = fields;
        form.push(("csrf_token", token.as_str()));
        operator.post(&events).form(&form).send()
    };
    let missing_date = send(vec![("type", "poste"), ("key", "f0")]).await.unwrap();
    assert_eq!(missing_date.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing_date
            .text()
            .await
            .unwrap()
            .contains("Date de dépôt : à renseigner")
    );

    let printed = send(vec![("type", "imprime"), ("key", "f1")])
        .await
        .unwrap();
    assert_eq!(printed.status(), StatusCode::SEE_OTHER);
    let first = operator
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(first.contains("Pli enregistré : Imprimé."), "{first}");
    // The same form sent twice (a double click): recorded once.
    send(vec![("type", "imprime"), ("key", "f1")])
        .await
        .unwrap();
    let second = operator
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(second.contains("déjà enregistré"), "{second}");
    let posted = send(vec![
        ("type", "poste"),
        ("date", "2026-12-04"),
        ("key", "f2"),
    ])
    .await
    .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);

    let history = ledger::events_of(&app.db, &pli.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].occurred_on.as_deref(), Some("2026-12-04"));

    // An agent does not reach the console: the 404 of a page that does not exist.
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    let refused = agent.get(app.url(&page_path)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    app.cleanup().await;
}

/// Crash safety (issue 5): processes are killed (SIGKILL) at a sweep of moments through
/// the pipeline, again and again — `ceres work`, `ceres work --lot` and `ceres serve`
/// (whose worker runs the same jobs) in turn — then one `ceres work --lot` runs to the
/// end. Every request ends as exactly one pli in exactly one lot, no document number is
/// issued twice, and every recorded PDF is in the file store with its SHA-256.
#[tokio::test]
async fn killing_the_worker_at_any_moment_loses_nothing_and_does_nothing_twice() {
    let app = TestApp::spawn().await;
    let registered: Vec<(String, i64)> = sqlx::query_as(
        "SELECT i.session_id, i.candidat_id FROM inscription i \
         WHERE i.resultat IS NOT NULL ORDER BY i.session_id, i.candidat_id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    for (session, candidat) in &registered {
        request(&app, session, *candidat).await;
    }
    let data_dir = std::env::temp_dir().join(format!("ceres-crash-{}", ceres_store::new_id()));
    std::fs::create_dir_all(&data_dir).unwrap();
    // The same key as the test app's state: the seed [42; 32], in base64.
    let key = ceres_domain::verification::SigningSecret::from_seed([42; 32]).to_base64();

    let worker = |kind: usize| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ceres"));
        match kind {
            0 => command.arg("work"),
            1 => command.args(["work", "--lot"]),
            _ => command.args(["serve", "--listen", "127.0.0.1:0"]),
        };
        command
            .env("DATABASE_URL", &app.database_url)
            .env("CERES_DATA_DIR", &data_dir)
            .env("CERES_FILES_DIR", &app.files_dir)
            .env("CERES_FILES_URL", app.files_url.as_deref().unwrap_or(""))
            .env("CERES_SIGNING_KEY", &key)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command.spawn().expect("ceres starts")
    };

    // Each worker lives a little longer than the one before, until one finishes on its
    // own: the kills sweep the whole pipeline, from start-up to the lot.
    let mut kills = 0;
    let mut delay_ms = 40_u64;
    loop {
        let mut child = worker(kills % 3);
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        delay_ms += 20;
        if finished || kills >= 60 {
            break;
        }
        // The dead worker's lease would expire in two minutes; the test does not wait.
        sqlx::query(
            "UPDATE job SET lease_owner = NULL, lease_until = NULL WHERE state = 'pending'",
        )
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let status = worker(1).wait().unwrap();
    assert!(status.success());
    assert!(
        kills >= 3,
        "only {kills} workers were killed before they finished"
    );
    eprintln!(
        "crash sweep: {kills} workers killed, {} requests",
        registered.len()
    );

    let requests = registered.len() as i64;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM job WHERE kind = 'render_request' AND state = 'done'"
        )
        .await,
        requests
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pli").await, requests);
    assert_eq!(
        count(&app, "SELECT COUNT(DISTINCT print_request_id) FROM pli").await,
        requests
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM pli WHERE lot_id IS NULL").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COALESCE(SUM(pli_count), 0) AS BIGINT) FROM lot"
        )
        .await,
        requests
    );
    // One number per numbered document: none issued twice, none left over.
    let issued = count(&app, "SELECT COUNT(*) FROM issued_document").await;
    let recorded = count(
        &app,
        "SELECT COUNT(*) FROM print_document WHERE numero IS NOT NULL",
    )
    .await;
    assert_eq!(issued, recorded);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(DISTINCT numero) FROM print_document WHERE numero IS NOT NULL"
        )
        .await,
        recorded
    );
    let documents: Vec<(String, String)> =
        sqlx::query_as("SELECT file_key, sha256 FROM print_document")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    for (key, sha) in documents {
        let pdf = app.state.files.get(&key).await.unwrap();
        assert_eq!(ledger::sha256_hex(&pdf), sha, "{key}");
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    app.cleanup().await;
}

/// R8 for every kind of territory: a session held in Corsica posts to the candidate like the
/// mainland; sessions held in Mayotte (a DROM) and in Saint-Pierre-et-Miquelon (a COM) go to
/// the DEETS of the territory, with the office's address lines, grouped first in the lot.
#[tokio::test]
async fn r8_corsica_posts_to_the_candidate_mayotte_and_saint_pierre_to_their_deets() {
    use ceres_store::candidats::{self, NewCandidat};
    use ceres_store::sessions::{self, NewCentre, NewSession};
    use ceres_store::structures::{self, Structure};

    let app = TestApp::spawn().await;
    let titre = ceres_store::referentiel::titre_version_id(&app.db, "TP-00463", Some("2018-09-20"))
        .await
        .unwrap()
        .unwrap();
    // The offices that issue the documents and receive the overseas plis.
    let dreets_corse = ["DREETS de Corse", "2 chemin du Loretto", "20000 AJACCIO"];
    let places = [
        ("2A", "94", "2A004", "20000", "Ajaccio", Some(dreets_corse)),
        (
            "976",
            "06",
            "97611",
            "97600",
            "Mamoudzou",
            Some(["DEETS de Mayotte", "BP 174", "97600 MAMOUDZOU"]),
        ),
        (
            "975",
            "975",
            "97502",
            "97500",
            "Saint-Pierre",
            Some([
                "DCS de Saint-Pierre-et-Miquelon",
                "BP 4217",
                "97500 SAINT PIERRE",
            ]),
        ),
    ];
    for (index, (departement, region, commune, postcode, ville, office)) in
        places.iter().enumerate()
    {
        if let Some(lines) = office {
            structures::insert_if_absent(
                &app.db,
                &Structure {
                    id: format!("office-{departement}"),
                    kind: if *departement == "2A" {
                        "dreets"
                    } else {
                        "deets"
                    }
                    .into(),
                    nom: lines[0].into(),
                    region_code: (*region).into(),
                    departement_code: (*departement != "2A").then(|| (*departement).into()),
                    adresse_lignes: serde_json::to_string(lines).unwrap(),
                    lieu_etablissement_commune: Some((*commune).into()),
                    signataire_nom: "Camille Durand".into(),
                    signataire_titre: "Directrice".into(),
                    contact_nom: String::new(),
                    telephone: String::new(),
                    courriel: String::new(),
                    entete_lignes: serde_json::to_string(&structures::DEFAULT_ENTETE).unwrap(),
                },
            )
            .await
            .unwrap();
        }
        let centre = format!("centre-{departement}");
        sessions::insert_centre(
            &app.db,
            &NewCentre {
                id: &centre,
                nom: "Centre de formation",
                commune_code: commune,
                departement_code: departement,
                region_code: region,
            },
        )
        .await
        .unwrap();
        let session = format!("TITRE_R_2026_{departement}");
        sessions::insert_session(
            &app.db,
            &NewSession {
                id: &session,
                titre_version_id: &titre,
                centre_id: &centre,
                departement_code: departement,
                region_code: region,
                state: "validee",
                nature: "titre",
                date_debut: "2026-11-02",
                date_fin: "2026-11-05",
                date_jury: Some("2026-11-05"),
                validated_on: Some("2026-11-10"),
                validated_by: Some("agent"),
                responsable_nom: "Claude Bernard",
                responsable_courriel: "responsable@demo.ceres.fr",
                updated_at: "2026-11-10T09:00:00.000000Z",
                updated_by: "agent",
            },
        )
        .await
        .unwrap();
        let candidat = 3_100_000 + index as i64;
        candidats::insert_candidat(
            &app.db,
            &NewCandidat {
                id: candidat,
                civilite: Some("madame"),
                nom_naissance: "ROSSI",
                prenoms: "Maria",
                date_naissance: "1990-05-12",
                pays_naissance: ceres_domain::candidat::FRANCE,
                commune_naissance: commune,
                adresse_ligne: "4 rue du Port",
                code_postal: postcode,
                ville,
                state: "valide",
                updated_at: "2026-11-10T09:00:00.000000Z",
                ..NewCandidat::default()
            },
        )
        .await
        .unwrap();
        candidats::insert_inscription(&app.db, &session, candidat, Some("admis"), "")
            .await
            .unwrap();
        request(&app, &session, candidat).await;
    }
    pipeline::run_until_idle(&app.state, "worker")
        .await
        .unwrap();
    let failed = ceres_store::jobs::unfinished(&app.db).await.unwrap();
    assert!(
        failed.is_empty(),
        "{:?}",
        failed.iter().map(|j| &j.last_error).collect::<Vec<_>>()
    );
    pipeline::build_lots(&app.state).await.unwrap();

    let pli_of = |departement: &str, index: i64| {
        let session = format!("TITRE_R_2026_{departement}");
        let app = &app;
        async move {
            ledger::plis_of_candidat(&app.db, &session, 3_100_000 + index)
                .await
                .unwrap()
                .remove(0)
        }
    };
    let corsica = pli_of("2A", 0).await;
    assert_eq!(
        (corsica.destination.as_str(), corsica.territoire.as_deref()),
        ("candidat", None)
    );
    assert!(
        corsica.lines().iter().any(|l| l.contains("AJACCIO")),
        "{:?}",
        corsica.lines()
    );
    let mayotte = pli_of("976", 1).await;
    assert_eq!(
        (mayotte.destination.as_str(), mayotte.territoire.as_deref()),
        ("deets", Some("976"))
    );
    assert_eq!(
        mayotte.lines().last().map(String::as_str),
        Some("97600 MAMOUDZOU")
    );
    let saint_pierre = pli_of("975", 2).await;
    assert_eq!(
        (
            saint_pierre.destination.as_str(),
            saint_pierre.territoire.as_deref()
        ),
        ("deets", Some("975"))
    );
    assert_eq!(saint_pierre.lines()[0], "DCS de Saint-Pierre-et-Miquelon");
    // In the lot, the DEETS plis come first, by territory, then the candidates'.
    let lot = ledger::plis_of_lot(&app.db, mayotte.lot_id.as_deref().unwrap())
        .await
        .unwrap();
    let order: Vec<(&str, Option<&str>)> = lot
        .iter()
        .map(|p| (p.destination.as_str(), p.territoire.as_deref()))
        .collect();
    assert_eq!(
        order,
        [
            ("deets", Some("975")),
            ("deets", Some("976")),
            ("candidat", None)
        ]
    );
    app.cleanup().await;
}
