//! R13: the traçabilité is an append-only hash chain, shown in French, verified end to end;
//! the retention purge keeps what the chain and the verification page need.

use ceres_domain::document::{DocumentKind, DocumentVersion};
use ceres_store::audit::{self, BreakReason, NewAuditEvent};
use ceres_store::{Backend, Db, retention};
use sqlx::Executor;

use super::{HENRI, NOW, TUTORIAL, TestApp, send};

/// Appends `count` events, each in its own transaction, as a change would.
async fn append(db: &Db, actor: &str, count: usize) {
    for index in 0..count {
        let mut tx = db.pool().begin().await.unwrap();
        audit::record(
            &mut tx,
            &NewAuditEvent {
                at: NOW,
                actor,
                entity_kind: "session",
                entity_id: TUTORIAL,
                session_id: Some(TUTORIAL),
                action: "test.appended",
                before_json: Some(format!(r#"{{"index":{index}}}"#)),
                after_json: Some(format!(r#"{{"index":{}}}"#, index + 1)),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Runs SQL as someone with direct access to the database would.
async fn run(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    db.pool()
        .execute(sqlx::AssertSqlSafe(sql.to_owned()))
        .await
        .map(|_| ())
}

#[tokio::test]
async fn r13_appends_from_concurrent_transactions_never_fork_the_chain() {
    let app = TestApp::spawn().await;

    let writers = (0..6).map(|n| {
        let db = app.db.clone();
        tokio::spawn(async move { append(&db, &format!("writer-{n}"), 10).await })
    });
    for writer in writers {
        writer.await.unwrap();
    }

    let report = audit::verify(&app.db, None).await.unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.entries, 60);
    app.cleanup().await;
}

#[tokio::test]
async fn r13_the_database_refuses_to_change_or_delete_an_entry() {
    let app = TestApp::spawn().await;
    append(&app.db, "agent", 3).await;

    let update = run(
        &app.db,
        "UPDATE audit_event SET action = 'rewritten' WHERE seq = 2",
    )
    .await;
    let delete = run(&app.db, "DELETE FROM audit_event WHERE seq = 3").await;
    let head = run(&app.db, "UPDATE audit_chain_head SET seq = 1").await;
    let redaction = run(
        &app.db,
        "UPDATE audit_event SET before_json = NULL, after_json = NULL, redacted_at = 'x' \
         WHERE seq = 1",
    )
    .await;

    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert!(head.is_err());
    assert!(
        redaction.is_ok(),
        "the retention purge may redact the values"
    );
    let report = audit::verify(&app.db, None).await.unwrap();
    assert_eq!(
        (report.broken, report.entries, report.redacted),
        (None, 3, 1)
    );
    app.cleanup().await;
}

/// Removes the guards, as a database administrator could: the chain is then what tells.
async fn drop_guards(db: &Db) {
    let statements: &[&str] = match db.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_event_no_delete",
            "DROP TRIGGER audit_event_only_redaction",
            "DROP TRIGGER audit_chain_head_forward",
        ],
        Backend::Postgres => &[
            "DROP TRIGGER audit_event_append_only ON audit_event",
            "DROP TRIGGER audit_chain_head_forward ON audit_chain_head",
        ],
    };
    for statement in statements {
        run(db, statement).await.unwrap();
    }
}

#[tokio::test]
async fn r13_audit_verify_names_the_first_broken_link() {
    let app = TestApp::spawn().await;
    append(&app.db, "agent", 6).await;
    let intact = ceres::audit_command::verify(&app.db, None).await.unwrap();
    let anchor: ceres::audit_command::Anchor = {
        let report = audit::verify(&app.db, None).await.unwrap();
        format!("6:{}", report.head_hash).parse().unwrap()
    };
    drop_guards(&app.db).await;

    run(
        &app.db,
        r#"UPDATE audit_event SET after_json = '{"index":99}' WHERE seq = 4"#,
    )
    .await
    .unwrap();
    let values = audit::verify(&app.db, None).await.unwrap().broken.unwrap();
    run(
        &app.db,
        "UPDATE audit_event SET actor = 'someone else' WHERE seq = 2",
    )
    .await
    .unwrap();
    let altered = audit::verify(&app.db, None).await.unwrap().broken.unwrap();
    let (text, holds) = ceres::audit_command::verify(&app.db, None).await.unwrap();
    run(&app.db, "DELETE FROM audit_event WHERE seq IN (2, 4)")
        .await
        .unwrap();
    let missing = audit::verify(&app.db, None).await.unwrap().broken.unwrap();

    assert!(intact.1, "{}", intact.0);
    assert_eq!((values.seq, values.reason), (4, BreakReason::ValuesAltered));
    assert_eq!((altered.seq, altered.reason), (2, BreakReason::Altered));
    assert!(!holds);
    assert!(text.contains("entry #2"), "{text}");
    assert_eq!((missing.seq, missing.reason), (2, BreakReason::Missing));
    let anchored = ceres::audit_command::verify(&app.db, Some(&anchor))
        .await
        .unwrap();
    assert!(!anchored.1);
    app.cleanup().await;
}

#[tokio::test]
async fn r13_the_tracabilite_tab_shows_the_print_request_in_french() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    send(&agent, &app, HENRI, true).await;

    let tab = agent
        .get(app.url(&format!("/sessions/{TUTORIAL}/tracabilite")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(
        tab.contains("Demande d&#39;impression initiale transmise"),
        "{tab}"
    );
    assert!(tab.contains("Date de la demande : 03/12/2026"), "{tab}");
    assert!(tab.contains("Agent UD 75"), "{tab}");
    app.cleanup().await;
}

#[tokio::test]
async fn retention_purge_keeps_what_the_chain_and_the_verification_page_need() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in("agent.ud75@demo.ceres.fr").await;
    send(&agent, &app, HENRI, true).await;
    let report = app
        .render(
            Some(HENRI),
            DocumentVersion::Impression,
            &[DocumentKind::Diplome],
        )
        .await;
    let numero = super::numero_of(&report, DocumentKind::Diplome);
    let six_years_later: jiff::Timestamp = "2032-12-04T09:00:00Z".parse().unwrap();

    let dry = retention::purge(&app.db, six_years_later, true)
        .await
        .unwrap();
    let address_after_dry_run = henri_address(&app.db).await;
    let done = retention::purge(&app.db, six_years_later, false)
        .await
        .unwrap();
    let again = retention::purge(&app.db, six_years_later, false)
        .await
        .unwrap();

    assert_eq!(dry, done, "a dry run counts what the purge does");
    assert!(
        done.candidats_contact >= 1 && done.audit_values >= 1,
        "{done:?}"
    );
    assert_eq!(again.candidats_contact + again.audit_values, 0, "{again:?}");
    assert_eq!(address_after_dry_run.0, "3 rue des Lilas");
    assert_eq!(
        henri_address(&app.db).await,
        (String::new(), "BERTRAND".into())
    );
    let chain = audit::verify(&app.db, None).await.unwrap();
    assert_eq!(chain.broken, None);
    assert!(chain.redacted >= 1);
    let page = app.verify(&numero).await;
    assert!(page.contains("Ce document est authentique"), "{page}");
    assert!(page.contains("BERTRAND"), "{page}");
    app.cleanup().await;
}

async fn henri_address(db: &Db) -> (String, String) {
    sqlx::query_as("SELECT adresse_ligne, nom_naissance FROM candidat WHERE id = $1")
        .bind(HENRI)
        .fetch_one(db.pool())
        .await
        .unwrap()
}
