//! Web hygiene and accounts: CSRF, cookies and headers, the growing delay after failed
//! sign-ins, session expiry and sign-out, and the administration of structures and accounts.

use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_store::{candidats, sessions, users};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;

use super::{HENRI, NOW, TUTORIAL, TestApp, browser, csrf_token_in, send};

const UD75: &str = "agent.ud75@demo.ceres.fr";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[tokio::test]
async fn csrf_a_form_without_the_session_token_is_refused_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(UD75).await;
    let path = app.url(&format!(
        "/sessions/{TUTORIAL}/candidats/{HENRI}/demande-impression"
    ));

    let without = agent
        .post(&path)
        .form(&[("verifie", "oui")])
        .send()
        .await
        .unwrap();
    let wrong = agent
        .post(&path)
        .form(&[("verifie", "oui"), ("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    // Another user's token is no better than none.
    let other_token = app
        .csrf_token(&app.signed_in("agent.drieets-idf@demo.ceres.fr").await)
        .await;
    let foreign = agent
        .post(&path)
        .form(&[("verifie", "oui"), ("csrf_token", other_token.as_str())])
        .send()
        .await
        .unwrap();
    let foreign_status = foreign.status();
    let foreign_body = foreign.text().await.unwrap();
    let requests_after_refusals = app.print_requests(HENRI).await;
    let header = agent
        .post(&path)
        .header("x-csrf-token", app.csrf_token(&agent).await)
        .form(&[("verifie", "oui")])
        .send()
        .await
        .unwrap();

    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert_eq!(foreign_status, StatusCode::FORBIDDEN);
    assert!(foreign_body.contains("Formulaire expiré"), "{foreign_body}");
    assert_eq!(requests_after_refusals, 0);
    assert_eq!(header.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.print_requests(HENRI).await, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn session_cookies_and_security_headers_are_set_on_every_answer() {
    let app = TestApp::spawn_with(NOW, |mut state, _| {
        state.secure_cookies = true;
        state
    })
    .await;

    let page = reqwest::get(app.url("/connexion")).await.unwrap();
    let headers = page.headers().clone();
    let cookie = headers["set-cookie"].to_str().unwrap().to_owned();
    let css = reqwest::get(app.url("/static/ceres.css")).await.unwrap();

    assert!(cookie.starts_with("__Host-ceres_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'self'") && csp.contains("form-action 'self'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "SAMEORIGIN");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.contains_key("strict-transport-security"));
    assert_eq!(css.headers()["cache-control"], "public, max-age=86400");
    assert!(css.headers().contains_key("content-security-policy"));
    app.cleanup().await;
}

#[tokio::test]
async fn sign_in_is_delayed_after_five_failures_whether_the_account_exists_or_not() {
    let app = TestApp::spawn().await;
    let client = browser();
    let failure = |email: &'static str| {
        let (app, client) = (&app, &client);
        async move { app.sign_in(client, email, "wrong password").await.status() }
    };

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(failure(UD75).await);
    }
    let locked = app.sign_in(&client, UD75, ceres::demo::DEMO_PASSWORD).await;
    let locked_status = locked.status();
    let locked_page = locked.text().await.unwrap();
    let mut nobody = Vec::new();
    for _ in 0..6 {
        nobody.push(failure("nobody@demo.ceres.fr").await);
    }
    app.clock
        .set(at(NOW).checked_add(SignedDuration::from_secs(61)).unwrap());
    let after_the_delay = app.sign_in(&client, UD75, ceres::demo::DEMO_PASSWORD).await;

    assert_eq!(statuses, [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(locked_status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        locked_page.contains("réessayez à partir de 10:01"),
        "{locked_page}"
    );
    assert_eq!(&nobody[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(
        nobody[5],
        StatusCode::TOO_MANY_REQUESTS,
        "unknown addresses are slowed alike"
    );
    assert_eq!(after_the_delay.status(), StatusCode::SEE_OTHER);
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sign_in_failure")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        rows, 1,
        "a success forgets its failures; the table holds no address"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_web_session_ends_after_an_idle_hour_at_sign_out_and_with_its_account() {
    let app = TestApp::spawn().await;
    let (agent, cookie) = sign_in_keeping_cookie(&app, UD75).await;

    app.clock.set(at("2026-12-03T09:59:00Z"));
    let still = agent
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .status();
    app.clock.set(at("2026-12-03T11:00:00Z"));
    let expired = agent.get(app.url("/sessions")).send().await.unwrap();

    let (again, again_cookie) = sign_in_keeping_cookie(&app, UD75).await;
    let token = app.csrf_token(&again).await;
    let out = again
        .post(app.url("/deconnexion"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    let replayed = browser()
        .get(app.url("/sessions"))
        .header("cookie", again_cookie)
        .send()
        .await
        .unwrap();
    let old = browser()
        .get(app.url("/sessions"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();

    assert_eq!(still, StatusCode::OK);
    assert_eq!(expired.headers()["location"], "/connexion?session=expiree");
    assert_eq!(out.headers()["location"], "/connexion");
    assert_eq!(
        replayed.headers()["location"],
        "/connexion",
        "sign-out ends it on the server"
    );
    assert_eq!(old.headers()["location"], "/connexion");

    // Deactivating an account ends its sessions at their next request.
    let third = app.signed_in(UD75).await;
    let mut account = users::find_by_email(&app.db, UD75).await.unwrap().unwrap();
    account.disabled_at = Some(NOW.to_owned());
    let change = users::Change {
        actor: "test",
        at: NOW,
    };
    users::update(&app.db, &account, change).await.unwrap();
    let refused = third.get(app.url("/sessions")).send().await.unwrap();
    assert_eq!(refused.headers()["location"], "/connexion");
    let sign_in = app
        .sign_in(&browser(), UD75, ceres::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(sign_in.status(), StatusCode::UNAUTHORIZED);
    app.cleanup().await;
}

/// A signed-in client, and the `Cookie` header it sends: what a thief of the cookie would
/// replay.
async fn sign_in_keeping_cookie(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let client = browser();
    let response = app
        .sign_in(&client, email, ceres::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    (client, cookie)
}

#[tokio::test]
async fn an_administrator_sets_what_the_letters_print_and_the_change_is_traced() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@demo.ceres.fr").await;
    let form_page = admin
        .get(app.url("/admin/structures/drieets-idf"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token_in(&form_page).unwrap();
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("kind", "dreets"),
        ("nom", "DRIEETS Île-de-France"),
        ("region_code", "11"),
        ("departement_code", ""),
        ("lieu_etablissement_commune", "75107"),
        ("signataire_nom", "Alix Martin"),
        ("signataire_titre", "Directrice régionale"),
        ("contact_nom", "Pôle certification"),
        ("telephone", "01 70 96 20 00"),
        ("courriel", "certification.idf@demo.ceres.fr"),
        ("entete", "MINISTÈRE\nDU TRAVAIL ET\nDES SOLIDARITÉS"),
    ];
    let long_line =
        "DRIEETS Île-de-France, Unité régionale des certifications\n93300 Aubervilliers";
    fields.push(("adresse", long_line));

    let refused = admin
        .post(app.url("/admin/structures/drieets-idf"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let refused_status = refused.status();
    let refused_page = refused.text().await.unwrap();
    fields.pop();
    fields.push((
        "adresse",
        "DRIEETS Île-de-France\n19-21 rue Madeleine Vionnet\n93300 Aubervilliers",
    ));
    let saved = admin
        .post(app.url("/admin/structures/drieets-idf"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let saved_status = saved.status();
    let saved_page = saved.text().await.unwrap();

    assert_eq!(refused_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused_page.contains("Adresse postale, ligne 1 : 57 caractères, 38 au plus"),
        "{refused_page}"
    );
    assert_eq!(saved_status, StatusCode::OK);
    assert!(saved_page.contains("Les paramètres de la structure sont enregistrés."));
    assert!(
        saved_page.contains("Camille Durand → Alix Martin"),
        "{saved_page}"
    );

    // The documents read the structure's settings at their next rendering.
    let session = sessions::get_in_perimetre(
        &app.db,
        &ceres_domain::perimetre::Perimetre::National,
        TUTORIAL,
    )
    .await
    .unwrap()
    .unwrap();
    let rows = candidats::list_for_session(&app.db, TUTORIAL)
        .await
        .unwrap();
    let henri = rows.iter().find(|r| r.id == HENRI).unwrap();
    let model = ceres_web::documents::build_model(
        &app.state,
        &session,
        henri,
        DocumentKind::LettreAccompagnement,
        DocumentVersion::Apercu,
    )
    .await
    .unwrap();
    assert_eq!(model.emetteur.signataire_nom, "Alix Martin");
    assert_eq!(model.emetteur.contact_nom, "Pôle certification");
    assert_eq!(model.emetteur.courriel, "certification.idf@demo.ceres.fr");
    assert_eq!(
        model.emetteur.ministere,
        ["MINISTÈRE", "DU TRAVAIL ET", "DES SOLIDARITÉS"]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_administrator_opens_an_account_which_signs_in_and_can_be_deactivated() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@demo.ceres.fr").await;
    let token = app.csrf_token(&admin).await;
    let account = [
        ("csrf_token", token.as_str()),
        ("email", "Nouvel.Agent@demo.ceres.fr"),
        ("display_name", "Nouvel agent"),
        ("role", "agent"),
        ("structure_id", "ud-93"),
        ("actif", "oui"),
        ("password", "un mot de passe assez long"),
    ];

    let short = admin
        .post(app.url("/admin/utilisateurs"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "x"),
            ("role", "agent"),
            ("password", "court"),
        ])
        .send()
        .await
        .unwrap();
    let short_page = short.text().await.unwrap();
    let created = admin
        .post(app.url("/admin/utilisateurs"))
        .form(&account)
        .send()
        .await
        .unwrap();
    let created_status = created.status();
    let duplicate = admin
        .post(app.url("/admin/utilisateurs"))
        .form(&account)
        .send()
        .await
        .unwrap();
    let duplicate_status = duplicate.status();
    let duplicate_page = duplicate.text().await.unwrap();
    let newcomer = browser();
    let signed_in = app
        .sign_in(
            &newcomer,
            "nouvel.agent@demo.ceres.fr",
            "un mot de passe assez long",
        )
        .await;
    let list = newcomer
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let admin_page = newcomer
        .get(app.url("/admin/utilisateurs"))
        .send()
        .await
        .unwrap();

    assert!(
        short_page.contains("Adresse électronique : ce n&#39;est pas une adresse"),
        "{short_page}"
    );
    assert!(short_page.contains("Mot de passe : 12 caractères au moins."));
    assert!(short_page.contains("Structure : un agent appartient à une structure"));
    assert_eq!(created_status, StatusCode::SEE_OTHER);
    assert_eq!(duplicate_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate_page.contains("un autre compte l&#39;utilise déjà"));
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert!(
        list.contains("TITRE_T_2026_512377") && !list.contains(TUTORIAL),
        "UD 93 périmètre"
    );
    assert_eq!(admin_page.status(), StatusCode::NOT_FOUND);
    let (traced,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'app_user.created' AND after_json NOT LIKE '%argon2%'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        traced, 1,
        "the creation is traced, without the password hash"
    );
    let _ = send;
    app.cleanup().await;
}
