//! After the send (issue 6): duplicatas with R6's delay in the Paris calendar, returned mail
//! (R9) through the provider's API and back to the agent, lost mail answered from the pli's
//! history (R10).

use ceres_store::ledger;
use ceres_web::pipeline;
use reqwest::StatusCode;

use super::{HENRI, TUTORIAL, TestApp};

const UD75: &str = "agent.ud75@demo.ceres.fr";
const TOKEN: &str = "jeton-de-test-du-prestataire-0123456789";

/// Sends the initial request as a freshly signed-in agent.
async fn send_initial(app: &TestApp, session: &str, candidat: i64) {
    let agent = app.signed_in(UD75).await;
    let token = app.csrf_token(&agent).await;
    let sent = agent
        .post(app.url(&format!(
            "/sessions/{session}/candidats/{candidat}/demande-impression"
        )))
        .form(&[("csrf_token", token.as_str()), ("verifie", "oui")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent.status(),
        StatusCode::SEE_OTHER,
        "initial request of {candidat}"
    );
    let location = sent.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("/sessions/{session}/candidats")),
        "{location}"
    );
}

/// Asks for a duplicata as a freshly signed-in agent (the clock jumps days: web sessions
/// expire in between). A success answers the redirect to the review screen.
async fn ask_duplicata(
    app: &TestApp,
    session: &str,
    candidat: i64,
    after: &str,
) -> (StatusCode, String) {
    let agent = app.signed_in(UD75).await;
    let token = app.csrf_token(&agent).await;
    let answer = agent
        .post(app.url(&format!(
            "/sessions/{session}/candidats/{candidat}/duplicata"
        )))
        .form(&[
            ("csrf_token", token.as_str()),
            ("verifie", "oui"),
            ("motif", "courrier_perdu"),
            ("apres", after),
        ])
        .send()
        .await
        .unwrap();
    let status = answer.status();
    if status == StatusCode::SEE_OTHER {
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(
            location,
            format!("/sessions/{session}/candidats/{candidat}")
        );
        return (status, location);
    }
    (status, unescape(&answer.text().await.unwrap()))
}

/// A page's text with askama's escaped apostrophes put back.
fn unescape(page: &str) -> String {
    page.replace("&#39;", "'")
}

fn at(instant: &str) -> jiff::Timestamp {
    instant.parse().unwrap()
}

#[tokio::test]
async fn r6_a_duplicata_waits_seven_paris_days_across_the_spring_change_and_two_clicks_make_one() {
    let app = TestApp::spawn().await;
    // Thursday 25 March 2027, 23:30 in Paris (UTC+1); clocks go forward on Sunday the 28th.
    app.clock.set(at("2027-03-25T22:30:00Z"));
    send_initial(&app, TUTORIAL, HENRI).await;

    // Wednesday 31 March, 23:59 in Paris (UTC+2): the 6th day, refused, naming the date.
    app.clock.set(at("2027-03-31T21:59:00Z"));
    let (status, page) = ask_duplicata(&app, TUTORIAL, HENRI, "0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Un duplicata ne peut être demandé qu'à partir du 01/04/2027"),
        "{page}"
    );

    // Thursday 1 April, 00:01 in Paris: the 7th day, accepted (only 166 hours later).
    app.clock.set(at("2027-03-31T22:01:00Z"));
    let (status, _) = ask_duplicata(&app, TUTORIAL, HENRI, "0").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The same page sent again (a second click): no second duplicata.
    let (status, page) = ask_duplicata(&app, TUTORIAL, HENRI, "0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("aucun nouveau duplicata"), "{page}");

    let list = app
        .signed_in(UD75)
        .await
        .get(app.url(&format!("/sessions/{TUTORIAL}/candidats")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let list = unescape(&list);
    assert!(
        list.contains("Demande d'impression initiale transmise le 25/03/2027"),
        "{list}"
    );
    assert!(
        list.contains("Dernière demande de duplicatas transmise le 01/04/2027 (1)"),
        "{list}"
    );

    // A second duplicata counts its 7 days from the first one's date.
    app.clock.set(at("2027-04-07T10:00:00Z"));
    let (status, page) = ask_duplicata(&app, TUTORIAL, HENRI, "1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("à partir du 08/04/2027"), "{page}");
    // On the 8th day it is accepted too.
    app.clock.set(at("2027-04-09T08:00:00Z"));
    let (status, _) = ask_duplicata(&app, TUTORIAL, HENRI, "1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The duplicatas go through the ledger: new diploma numbers, each superseding the last;
    // the livret is reprinted under its number.
    pipeline::run_until_idle(&app.state, "worker")
        .await
        .unwrap();
    let diplomas: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT numero, sequence, superseded_by FROM issued_document \
         WHERE kind = 'diplome' AND candidat_id = $1 ORDER BY sequence",
    )
    .bind(HENRI)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(diplomas.len(), 3);
    assert_eq!(diplomas[0].2.as_deref(), Some(diplomas[1].0.as_str()));
    assert_eq!(diplomas[1].2.as_deref(), Some(diplomas[2].0.as_str()));
    assert_eq!(diplomas[2].2, None);
    let livrets: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM issued_document WHERE kind = 'livret' AND candidat_id = $1",
    )
    .bind(HENRI)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(livrets.0, 1);
    assert_eq!(
        ledger::plis_of_candidat(&app.db, TUTORIAL, HENRI)
            .await
            .unwrap()
            .len(),
        3
    );

    // The verification page of the first diploma says a duplicata superseded it.
    let code = app
        .state
        .signing
        .code_for(&ceres_domain::verification::DocumentNumber::parse(&diplomas[0].0).unwrap());
    let verification = reqwest::get(app.url(&format!("/verifier/{code}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(verification.contains(&diplomas[1].0), "{verification}");
    app.cleanup().await;
}

#[tokio::test]
async fn r9_a_returned_pli_goes_to_the_agent_then_the_same_pli_is_posted_again() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(UD75).await;
    send_initial(&app, TUTORIAL, HENRI).await;
    pipeline::run_until_idle(&app.state, "worker")
        .await
        .unwrap();
    pipeline::build_lots(&app.state).await.unwrap();
    let pli = ledger::plis_of_candidat(&app.db, TUTORIAL, HENRI)
        .await
        .unwrap()
        .remove(0);
    let first_lot = pli.lot_id.clone().unwrap();

    // R10 before any return: the screen answers at once.
    let review = format!("/sessions/{TUTORIAL}/candidats/{HENRI}");
    let page = agent
        .get(app.url(&review))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        unescape(&page).contains("Aucun retour de pli non distribué (PND) n'a été enregistré"),
        "{page}"
    );

    // The provider prints, posts, and the post returns it.
    ledger::add_token(
        &app.db,
        ledger::DEFAULT_PROVIDER,
        "test",
        TOKEN,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let events = app.url(&format!("/api/provider/v1/plis/{}/events", pli.id));
    let client = reqwest::Client::new();
    for (key, body) in [
        ("e1", serde_json::json!({"type": "imprime"})),
        (
            "e2",
            serde_json::json!({"type": "poste", "date": "2026-12-03"}),
        ),
        (
            "e3",
            serde_json::json!({"type": "pnd", "reason": "n_habite_pas"}),
        ),
    ] {
        let answer = client
            .post(&events)
            .bearer_auth(TOKEN)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::CREATED, "{key}");
    }

    // The agents of the périmètre are told by e-mail (here written to the mail folder):
    // the UD 75 and the DRIEETS, not the UD 93; no address in the message.
    pipeline::run_until_idle(&app.state, "worker")
        .await
        .unwrap();
    let mut recipients = Vec::new();
    for entry in std::fs::read_dir(&app.mail_dir).unwrap() {
        let message = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let to = message
            .lines()
            .find_map(|line| line.strip_prefix("To: "))
            .unwrap()
            .to_owned();
        assert!(message.contains(&HENRI.to_string()), "{message}");
        assert!(
            !message.contains("Lilas") && !message.contains("LILAS"),
            "{message}"
        );
        recipients.push(to);
    }
    recipients.sort();
    assert!(
        recipients
            .iter()
            .any(|r| r.contains("agent.ud75@demo.ceres.fr")),
        "{recipients:?}"
    );
    assert!(
        recipients
            .iter()
            .any(|r| r.contains("agent.drieets-idf@demo.ceres.fr")),
        "{recipients:?}"
    );
    assert!(
        !recipients.iter().any(|r| r.contains("ud93")),
        "{recipients:?}"
    );

    // The agent sees it: the counter, the list, the history and the R10 answer.
    let home = agent
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("1 pli(s) non distribué(s) à traiter"),
        "{home}"
    );
    let list = agent
        .get(app.url("/plis-non-distribues"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("BERTRAND Henri"), "{list}");
    let page = agent
        .get(app.url(&review))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Un retour de pli non distribué (PND) a été enregistré le 03/12/2026"),
        "{page}"
    );
    assert!(page.contains("Informer l"), "{page}");
    // Another département's agent sees no such pli.
    let other = app.signed_in("agent.ud93@demo.ceres.fr").await;
    let other_home = other
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!other_home.contains("non distribué(s) à traiter"));

    // Informing the Afpa before correcting the address is refused.
    let inform = app.url(&format!("{review}/plis/{}/informer-prestataire", pli.id));
    let token = app.csrf_token(&agent).await;
    let refused = agent
        .post(&inform)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unescape(&refused.text().await.unwrap()).contains("L'adresse n'a pas changé"));

    // The address corrected (the candidate module's cycle is tested elsewhere), then the
    // Afpa informed: the same pli waits for a lot with its new lines.
    sqlx::query("UPDATE candidat SET adresse_ligne = '5 rue des Roses' WHERE id = $1")
        .bind(HENRI)
        .execute(app.db.pool())
        .await
        .unwrap();
    let informed = agent
        .post(&inform)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(informed.status(), StatusCode::SEE_OTHER);
    pipeline::build_lots(&app.state).await.unwrap();
    let again = ledger::plis_of_candidat(&app.db, TUTORIAL, HENRI)
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "the same pli, no new one");
    assert_eq!(again[0].id, pli.id);
    assert_eq!(again[0].state, "a_reposter");
    assert_ne!(again[0].lot_id.as_deref(), Some(first_lot.as_str()));
    assert!(
        again[0]
            .lines()
            .iter()
            .any(|l| l.contains("5 RUE DES ROSES") || l.contains("5 rue des Roses")),
        "{:?}",
        again[0].lines()
    );

    // The provider sees it in its new lot and posts it again.
    let manifest: serde_json::Value = client
        .get(app.url(&format!(
            "/api/provider/v1/lots/{}",
            again[0].lot_id.as_deref().unwrap()
        )))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(manifest["plis"][0]["state"], "a_reposter");
    let reposted = client
        .post(&events)
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", "e4")
        .json(&serde_json::json!({"type": "poste", "date": "2026-12-10"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reposted.status(), StatusCode::CREATED);

    // No new request, no new number, no duplicata.
    let requests: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM print_request WHERE candidat_id = $1")
            .bind(HENRI)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let numbers: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM issued_document WHERE candidat_id = $1")
            .bind(HENRI)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((requests.0, numbers.0), (1, 2));
    let home = agent
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("non distribué(s) à traiter"));
    app.cleanup().await;
}
