//! Sign-in through OpenID Connect against a real provider: `tests/oidc/provider.mjs`
//! (the npm package `oidc-provider`, installed by `npm ci` in `tests/oidc`), shaped like
//! ProConnect: authorization code with PKCE, nonce, state, signed userinfo.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use ceres_store::users;
use reqwest::StatusCode;
use reqwest::Url;

use super::{TestApp, browser};

const CLIENT_ID: &str = "ceres-test";
const CLIENT_SECRET: &str = "a secret shared with the provider";
const PASSWORD: &str = "secret";

/// The provider, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider for a ceres listening at `base`, with its agents' accounts: the UD 75
/// agent, and an agent that has no ceres account.
fn start_provider(base: &str) -> Provider {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    assert!(
        folder.join("node_modules/oidc-provider").exists(),
        "the OIDC test provider is not installed: run `npm ci` in {} (scripts/test.sh does)",
        folder.display()
    );
    let accounts = r#"{
        "sub-ud75": {"email": "agent.ud75@demo.ceres.fr", "given_name": "Camille", "usual_name": "Agent"},
        "sub-stranger": {"email": "inconnu@travail.gouv.fr", "given_name": "Sam", "usual_name": "Inconnu"}
    }"#;
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .current_dir(&folder)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_REDIRECT_URI", format!("{base}/connexion/oidc/retour"))
        .env("OIDC_POST_LOGOUT_REDIRECT_URI", format!("{base}/connexion"))
        .env("OIDC_ACCOUNTS", accounts)
        .env("OIDC_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts the OIDC provider");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("the provider says where it listens");
    let ready: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|_| panic!("the provider did not start: {line:?}"));
    Provider {
        issuer: ready["issuer"].as_str().unwrap().to_owned(),
        child,
    }
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Plays the browser's part at the provider: from the authorization URL to ceres's callback
/// URL, signing in as `email` on the provider's own form unless the provider's session
/// remembers the browser (single sign-on).
async fn sign_in_at_provider(client: &reqwest::Client, authorize: &str, email: &str) -> String {
    let issuer: Url = authorize.parse().unwrap();
    let absolute = |location: String| issuer.join(&location).unwrap().to_string();

    let to_interaction = client.get(authorize).send().await.unwrap();
    assert_eq!(to_interaction.status(), StatusCode::SEE_OTHER);
    if !location(&to_interaction).starts_with("/interaction/") {
        return location(&to_interaction);
    }
    let interaction = absolute(location(&to_interaction));
    let form = client.get(&interaction).send().await.unwrap();
    let status = form.status();
    let form = form.text().await.unwrap();
    assert!(
        form.contains("Fournisseur d'identité de test"),
        "{interaction}: {status} {form}"
    );
    let logged_in = client
        .post(format!("{interaction}/login"))
        .form(&[("login", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let resumed = client
        .get(absolute(location(&logged_in)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resumed.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        resumed.text().await
    );
    location(&resumed)
}

#[tokio::test]
async fn oidc_sign_in_maps_the_agent_by_email_then_by_subject_and_refuses_strangers() {
    let mut provider = None;
    let now = jiff::Timestamp::now().to_string();
    let app = TestApp::spawn_with(&now, |state, base| {
        let started = start_provider(base);
        let settings = ceres_web::oidc::OidcSettings {
            issuer: started.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            redirect_url: format!("{base}/connexion/oidc/retour"),
            post_logout_redirect_url: format!("{base}/connexion"),
            scopes: vec!["email".into(), "given_name".into(), "usual_name".into()],
            button_label: "S'identifier avec ProConnect".into(),
        };
        provider = Some(started);
        ceres::with_oidc(state, settings).unwrap()
    })
    .await;
    let provider = provider.unwrap();
    let client = browser();

    // The sign-in page offers the provider; the button starts a code flow with PKCE.
    let page = client
        .get(app.url("/connexion"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("S&#39;identifier avec ProConnect"), "{page}");
    let start = client.get(app.url("/connexion/oidc")).send().await.unwrap();
    let authorize = location(&start);
    assert!(authorize.starts_with(&provider.issuer), "{authorize}");
    for parameter in [
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "state=",
        "scope=openid+email",
    ] {
        assert!(
            authorize.contains(parameter),
            "{parameter} missing from {authorize}"
        );
    }

    // A forged state is refused, and the real answer cannot be replayed afterwards.
    let callback = sign_in_at_provider(&client, &authorize, "agent.ud75@demo.ceres.fr").await;
    let forged = callback.replace("state=", "state=x");
    let refused = client.get(&forged).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let replayed = client.get(&callback).send().await.unwrap();
    assert_eq!(
        replayed.status(),
        StatusCode::BAD_REQUEST,
        "the pending sign-in is one-shot"
    );

    // Matched by e-mail address, then bound to the subject.
    let start = client.get(app.url("/connexion/oidc")).send().await.unwrap();
    let callback =
        sign_in_at_provider(&client, &location(&start), "agent.ud75@demo.ceres.fr").await;
    let signed_in = client.get(&callback).send().await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&signed_in), "/");
    let list = client
        .get(app.url("/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Agent UD 75"), "{list}");
    let account = users::find_by_email(&app.db, "agent.ud75@demo.ceres.fr")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.oidc_subject.as_deref(), Some("sub-ud75"));

    // Sign-out ends the provider's session too.
    let token = app.csrf_token(&client).await;
    let out = client
        .post(app.url("/deconnexion"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    let end_session = location(&out);
    assert!(end_session.starts_with(&provider.issuer), "{end_session}");
    assert!(end_session.contains("id_token_hint="), "{end_session}");
    let after = client.get(app.url("/sessions")).send().await.unwrap();
    assert_eq!(location(&after), "/connexion");

    // Once bound, the subject finds the account even after its address changed.
    let mut renamed = account.clone();
    renamed.email = "agent.paris@demo.ceres.fr".into();
    users::update(
        &app.db,
        &renamed,
        users::Change {
            actor: "test",
            at: &now,
        },
    )
    .await
    .unwrap();
    let client = browser();
    let start = client.get(app.url("/connexion/oidc")).send().await.unwrap();
    let callback =
        sign_in_at_provider(&client, &location(&start), "agent.ud75@demo.ceres.fr").await;
    let by_subject = client.get(&callback).send().await.unwrap();
    assert_eq!(location(&by_subject), "/");

    // An agent the provider knows and ceres does not is refused.
    let stranger = browser();
    let start = stranger
        .get(app.url("/connexion/oidc"))
        .send()
        .await
        .unwrap();
    let callback =
        sign_in_at_provider(&stranger, &location(&start), "inconnu@travail.gouv.fr").await;
    let refused = stranger.get(&callback).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Aucun compte CERES actif")
    );
    let not_in = stranger.get(app.url("/sessions")).send().await.unwrap();
    assert_eq!(location(&not_in), "/connexion");

    drop(provider);
    app.cleanup().await;
}
