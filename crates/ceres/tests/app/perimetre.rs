//! R12 on every route: the walk requests every route of the router as every role, and checks
//! that what lies outside the role's périmètre answers the same 404 as what does not exist:
//! never a 403, never data.
//!
//! The table below says, route by route, who may use it and how its parameters are filled.
//! It is compared with `ceres_web::route_list()` first: a route added to `router.rs` without
//! a line here fails the walk, and so does a line for a route that is gone.

use std::collections::{BTreeSet, HashMap};

use ceres_domain::role::Role;
use ceres_store::users::{self, User};
use reqwest::{Method, StatusCode};

use super::{COLETTE, HENRI, TUTORIAL, TestApp, browser, upload_body};

/// Who may use a route, and how the walk checks it.
#[derive(Clone, Copy)]
enum Access {
    /// Anyone, signed in or not: never a 404.
    Public(&'static str),
    /// The sign-in and sign-out flow itself: anyone, never a 404 (OpenID Connect answers
    /// 404 when it is not configured, as here; `oidc.rs` walks it configured).
    SignInFlow(&'static str),
    /// Signed-in users with one of these roles, at this concrete path; anyone else signed in
    /// gets the 404 of a page that does not exist.
    Roles(&'static [Role], &'static str),
    /// A session or candidate (or, later, a document, pli or lot) of the user's périmètre:
    /// the walk fills the template with objects inside, outside and missing.
    Perimetre,
    /// The print provider's API: a bearer token, never a web session. Whoever walks it
    /// with cookies alone gets 401 and no data (`provider_api.rs` walks it with tokens).
    ProviderApi(&'static str),
}

/// The table: every route of `router.rs`.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Access::Public("/healthz")),
    (
        "GET",
        "/static/{*path}",
        Access::Public("/static/ceres.css"),
    ),
    ("GET", "/verifier", Access::Public("/verifier")),
    (
        "GET",
        "/verifier/{code}",
        Access::Public("/verifier/DIP-2026-000001.abc"),
    ),
    ("GET", "/connexion", Access::SignInFlow("/connexion")),
    ("POST", "/connexion", Access::SignInFlow("/connexion")),
    (
        "GET",
        "/connexion/oidc",
        Access::SignInFlow("/connexion/oidc"),
    ),
    (
        "GET",
        "/connexion/oidc/retour",
        Access::SignInFlow("/connexion/oidc/retour"),
    ),
    ("POST", "/deconnexion", Access::SignInFlow("/deconnexion")),
    ("GET", "/", Access::Roles(&ALL_ROLES, "/")),
    ("GET", "/sessions", Access::Roles(&ALL_ROLES, "/sessions")),
    (
        "GET",
        "/sessions/export.csv",
        Access::Roles(&ALL_ROLES, "/sessions/export.csv"),
    ),
    (
        "GET",
        "/sessions/export.xlsx",
        Access::Roles(&ALL_ROLES, "/sessions/export.xlsx"),
    ),
    (
        "GET",
        "/plis-sans-nouvelles",
        Access::Roles(&ALL_ROLES, "/plis-sans-nouvelles"),
    ),
    ("GET", "/sessions/{id}", Access::Perimetre),
    ("GET", "/sessions/{id}/candidats", Access::Perimetre),
    ("GET", "/sessions/{id}/{tab}", Access::Perimetre),
    (
        "GET",
        "/sessions/{id}/candidats/{candidat_id}",
        Access::Perimetre,
    ),
    (
        "GET",
        "/sessions/{id}/candidats/{candidat_id}/apercu/{file}",
        Access::Perimetre,
    ),
    (
        "GET",
        "/sessions/{id}/candidats/{candidat_id}/attestation-reussite.pdf",
        Access::Perimetre,
    ),
    (
        "POST",
        "/sessions/{id}/candidats/{candidat_id}/demande-impression",
        Access::Perimetre,
    ),
    (
        "POST",
        "/sessions/{id}/candidats/{candidat_id}/duplicata",
        Access::Perimetre,
    ),
    (
        "POST",
        "/sessions/{id}/candidats/{candidat_id}/plis/{pli_id}/informer-prestataire",
        Access::Perimetre,
    ),
    (
        "GET",
        "/plis-non-distribues",
        Access::Roles(&ALL_ROLES, "/plis-non-distribues"),
    ),
    ("POST", "/sessions/{id}/candidats/import", Access::Perimetre),
    ("GET", "/candidats/{candidat_id}", Access::Perimetre),
    (
        "POST",
        "/candidats/{candidat_id}/brouillon",
        Access::Perimetre,
    ),
    (
        "GET",
        "/candidats/{candidat_id}/modifier",
        Access::Perimetre,
    ),
    (
        "POST",
        "/candidats/{candidat_id}/modifier",
        Access::Perimetre,
    ),
    (
        "POST",
        "/candidats/{candidat_id}/valider",
        Access::Perimetre,
    ),
    (
        "GET",
        "/admin/structures",
        Access::Roles(&ADMIN, "/admin/structures"),
    ),
    (
        "GET",
        "/admin/structures/nouvelle",
        Access::Roles(&ADMIN, "/admin/structures/nouvelle"),
    ),
    (
        "POST",
        "/admin/structures",
        Access::Roles(&ADMIN, "/admin/structures"),
    ),
    (
        "GET",
        "/admin/structures/{id}",
        Access::Roles(&ADMIN, "/admin/structures/ud-75"),
    ),
    (
        "POST",
        "/admin/structures/{id}",
        Access::Roles(&ADMIN, "/admin/structures/ud-75"),
    ),
    (
        "GET",
        "/admin/utilisateurs",
        Access::Roles(&ADMIN, "/admin/utilisateurs"),
    ),
    (
        "GET",
        "/admin/utilisateurs/nouveau",
        Access::Roles(&ADMIN, "/admin/utilisateurs/nouveau"),
    ),
    (
        "POST",
        "/admin/utilisateurs",
        Access::Roles(&ADMIN, "/admin/utilisateurs"),
    ),
    (
        "GET",
        "/admin/utilisateurs/{id}",
        Access::Roles(&ADMIN, "/admin/utilisateurs/{admin}"),
    ),
    (
        "POST",
        "/admin/utilisateurs/{id}",
        Access::Roles(&ADMIN, "/admin/utilisateurs/{admin}"),
    ),
    (
        "GET",
        "/admin/impression",
        Access::Roles(&ADMIN, "/admin/impression"),
    ),
    (
        "POST",
        "/admin/impression/lot",
        Access::Roles(&ADMIN, "/admin/impression/lot"),
    ),
    (
        "POST",
        "/admin/impression/taches/{id}/relancer",
        Access::Roles(&ADMIN, "/admin/impression/taches/{job}/relancer"),
    ),
    (
        "GET",
        "/prestataire/lots",
        Access::Roles(&PROVIDER, "/prestataire/lots"),
    ),
    (
        "GET",
        "/prestataire/lots/{lot_id}",
        Access::Roles(&PROVIDER, "/prestataire/lots/{lot}"),
    ),
    (
        "POST",
        "/prestataire/lots/{lot_id}/prise-en-charge",
        Access::Roles(&PROVIDER, "/prestataire/lots/{lot}/prise-en-charge"),
    ),
    (
        "GET",
        "/prestataire/plis/{pli_id}/documents/{file}",
        Access::Roles(
            &PROVIDER,
            "/prestataire/plis/{pli}/documents/01-lettre-accompagnement.pdf",
        ),
    ),
    (
        "GET",
        "/prestataire/lots/{lot_id}/lot.zip",
        Access::Roles(&PROVIDER, "/prestataire/lots/{lot}/lot.zip"),
    ),
    (
        "GET",
        "/prestataire/plis/{pli_id}/pli.pdf",
        Access::Roles(&PROVIDER, "/prestataire/plis/{pli}/pli.pdf"),
    ),
    (
        "POST",
        "/prestataire/plis/{pli_id}/evenements",
        Access::Roles(&PROVIDER, "/prestataire/plis/{pli}/evenements"),
    ),
    (
        "GET",
        "/api/provider/v1/openapi.json",
        Access::Public("/api/provider/v1/openapi.json"),
    ),
    (
        "GET",
        "/api/provider/v1/lots",
        Access::ProviderApi("/api/provider/v1/lots"),
    ),
    (
        "GET",
        "/api/provider/v1/lots/{lot_id}",
        Access::ProviderApi("/api/provider/v1/lots/x"),
    ),
    (
        "GET",
        "/api/provider/v1/lots/{lot_id}/archive.zip",
        Access::ProviderApi("/api/provider/v1/lots/x/archive.zip"),
    ),
    (
        "POST",
        "/api/provider/v1/lots/{lot_id}/acknowledgement",
        Access::ProviderApi("/api/provider/v1/lots/x/acknowledgement"),
    ),
    (
        "GET",
        "/api/provider/v1/plis/{pli_id}/documents/{file}",
        Access::ProviderApi("/api/provider/v1/plis/x/documents/01-diplome.pdf"),
    ),
    (
        "GET",
        "/api/provider/v1/plis/{pli_id}/pli.pdf",
        Access::ProviderApi("/api/provider/v1/plis/x/pli.pdf"),
    ),
    (
        "POST",
        "/api/provider/v1/plis/{pli_id}/events",
        Access::ProviderApi("/api/provider/v1/plis/x/events"),
    ),
];

const ALL_ROLES: [Role; 3] = [Role::Agent, Role::Admin, Role::Provider];
const ADMIN: [Role; 1] = [Role::Admin];
const PROVIDER: [Role; 1] = [Role::Provider];

/// Objects that fill a route's parameters.
#[derive(Clone, Copy, Debug)]
struct Objects {
    session: &'static str,
    candidat: i64,
    /// Only the candidate lies outside, as a candidate of this session: the session is the
    /// walker's own, and so is the candidate, at another session. Routes of the candidate
    /// module, which name no session, skip it.
    only_candidat: bool,
}

const MISSING: Objects = Objects {
    session: "TITRE_X_0000_000000",
    candidat: 999_999_999,
    only_candidat: false,
};

/// A role of the walk: its account, and what lies inside and outside its périmètre.
struct Walker {
    name: &'static str,
    /// `None`: not signed in.
    email: Option<&'static str>,
    role: Option<Role>,
    inside: Option<Objects>,
    /// Sessions (and their candidates) outside the périmètre.
    outside: Vec<Objects>,
}

pub(super) const PROVIDER_EMAIL: &str = "operateur@prestataire.test";

fn walkers() -> Vec<Walker> {
    let tutorial = Objects {
        session: TUTORIAL,
        candidat: HENRI,
        only_candidat: false,
    };
    let seine_saint_denis = Objects {
        session: "TITRE_T_2026_512377",
        candidat: 2254201,
        only_candidat: false,
    };
    let reunion = Objects {
        session: "TITRE_T_2026_512533",
        candidat: 2254401,
        only_candidat: false,
    };
    // A candidate of another session of the same périmètre is not one of this session's.
    let paris_other_candidate = Objects {
        session: TUTORIAL,
        candidat: 2254101,
        only_candidat: true,
    };
    vec![
        Walker {
            name: "anonymous",
            email: None,
            role: None,
            inside: None,
            outside: vec![tutorial],
        },
        Walker {
            name: "agent of UD 75",
            email: Some("agent.ud75@demo.ceres.fr"),
            role: Some(Role::Agent),
            inside: Some(Objects {
                session: TUTORIAL,
                candidat: COLETTE,
                only_candidat: false,
            }),
            outside: vec![seine_saint_denis, reunion, paris_other_candidate],
        },
        Walker {
            name: "agent of UD 93",
            email: Some("agent.ud93@demo.ceres.fr"),
            role: Some(Role::Agent),
            inside: Some(seine_saint_denis),
            outside: vec![tutorial, reunion],
        },
        Walker {
            name: "agent of the DRIEETS",
            email: Some("agent.drieets-idf@demo.ceres.fr"),
            role: Some(Role::Agent),
            inside: Some(seine_saint_denis),
            outside: vec![reunion, paris_other_candidate],
        },
        Walker {
            name: "agent of the DEETS 974",
            email: Some("agent.deets974@demo.ceres.fr"),
            role: Some(Role::Agent),
            inside: Some(reunion),
            outside: vec![tutorial, seine_saint_denis],
        },
        Walker {
            name: "national administrator",
            email: Some("admin@demo.ceres.fr"),
            role: Some(Role::Admin),
            inside: Some(reunion),
            outside: vec![paris_other_candidate],
        },
        Walker {
            name: "provider operator",
            email: Some(PROVIDER_EMAIL),
            role: Some(Role::Provider),
            inside: None,
            outside: vec![tutorial, seine_saint_denis, reunion],
        },
    ]
}

fn fill(template: &str, objects: Objects, plis: &HashMap<(String, i64), String>) -> String {
    let pli = plis
        .get(&(objects.session.to_owned(), objects.candidat))
        .map_or("pli-inconnu", String::as_str);
    template
        .replace("{pli_id}", pli)
        .replace("{id}", objects.session)
        .replace("{candidat_id}", &objects.candidat.to_string())
        .replace("{tab}", "tracabilite")
        .replace("{file}", "diplome.pdf")
}

/// A 404 page with its one varying part, the error's reference, taken out.
fn normalised(body: &str) -> String {
    match body.find("référence : ") {
        Some(start) => {
            let end = body[start..].find('<').map_or(body.len(), |e| start + e);
            format!("{}{}", &body[..start], &body[end..])
        }
        None => body.to_owned(),
    }
}

struct Answer {
    status: StatusCode,
    body: String,
}

async fn request(app: &TestApp, client: &reqwest::Client, method: &str, path: &str) -> Answer {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut builder = client.request(method.clone(), app.url(path));
    if method == Method::POST && path.ends_with("/candidats/import") {
        // The upload form: the token and a file, which the import refuses (no column of
        // the format), so that what is inside answers its report and changes nothing.
        let token = app.csrf_token(client).await;
        let (content_type, body) = upload_body(Some(&token), "walk.csv", b"colonne;inconnue\n");
        builder = builder.header("content-type", content_type).body(body);
    } else if method == Method::POST {
        let token = app.csrf_token(client).await;
        builder = builder.form(&[("csrf_token", token.as_str()), ("verifie", "oui")]);
    }
    let response = builder.send().await.unwrap();
    Answer {
        status: response.status(),
        body: response.text().await.unwrap_or_default(),
    }
}

#[tokio::test]
async fn r12_every_route_answers_404_outside_the_perimetre_exactly_as_for_a_missing_object() {
    // Every route of the router is in the table, and every line of the table is a route.
    let routed: BTreeSet<(String, String)> = ceres_web::route_list()
        .into_iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let walked: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let not_walked: Vec<_> = routed.difference(&walked).collect();
    let not_routed: Vec<_> = walked.difference(&routed).collect();
    assert!(
        not_walked.is_empty() && not_routed.is_empty(),
        "routes missing from the walk's table: {not_walked:?}; lines for no route: {not_routed:?}"
    );

    let app = TestApp::spawn().await;
    let admin_id = users::find_by_email(&app.db, "admin@demo.ceres.fr")
        .await
        .unwrap()
        .unwrap()
        .id;
    add_provider_operator(&app).await;
    // Every Admis candidate has had an initial print request, so that the routes offered
    // after it (the attestation de réussite, R7) answer inside the périmètre and a 404
    // outside can only come from the périmètre.
    sqlx::query(
        "INSERT INTO print_request (id, session_id, candidat_id, kind, sequence, requested_at, \
             requested_on, requested_by) \
         SELECT 'walk-' || i.session_id || '-' || i.candidat_id, i.session_id, i.candidat_id, \
             'initiale', 0, '2026-12-03T09:00:00Z', '2026-12-03', 'walk' \
         FROM inscription i WHERE i.resultat = 'admis' AND NOT EXISTS (SELECT 1 \
             FROM print_request r WHERE r.session_id = i.session_id \
             AND r.candidat_id = i.candidat_id AND r.sequence = 0)",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    // Their documents rendered and their plis in a lot, so that the provider's console and
    // the administrators' page have objects to show; one job parked, to be retried.
    sqlx::query(
        "INSERT INTO job (id, kind, subject, state, attempts, run_after, created_at) \
         SELECT 'job-' || id, 'render_request', id, 'pending', 0, '2026-12-03T09:00:00.000000Z', \
             '2026-12-03T09:00:00.000000Z' FROM print_request WHERE id LIKE 'walk-%'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    ceres_web::pipeline::run_until_idle(&app.state, "walk")
        .await
        .unwrap();
    let failed = ceres_store::jobs::unfinished(&app.db).await.unwrap();
    assert!(
        failed.is_empty(),
        "{:?}",
        failed.iter().map(|j| &j.last_error).collect::<Vec<_>>()
    );
    ceres_web::pipeline::build_lots(&app.state).await.unwrap();
    let lot = ceres_store::ledger::lots_of(&app.db, ceres_store::ledger::DEFAULT_PROVIDER)
        .await
        .unwrap()
        .remove(0);
    let pli = ceres_store::ledger::plis_of_lot(&app.db, &lot.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.destination == "candidat")
        .unwrap();
    let plis: HashMap<(String, i64), String> =
        sqlx::query_as::<_, (String, i64, String)>("SELECT session_id, candidat_id, id FROM pli")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|(session, candidat, id)| ((session, candidat), id))
            .collect();
    let (job,): (String,) = sqlx::query_as("SELECT id FROM job ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE job SET state = 'parked' WHERE id = $1")
        .bind(&job)
        .execute(app.db.pool())
        .await
        .unwrap();
    let mut checked = 0;

    for walker in walkers() {
        let client = match walker.email {
            Some(email) => app.signed_in(email).await,
            None => browser(),
        };
        let not_found_page = request(&app, &client, "GET", "/nulle-part").await;
        assert_eq!(not_found_page.status, StatusCode::NOT_FOUND);

        for &(method, template, access) in ROUTES {
            let who = format!("{} {method} {template}", walker.name);
            match access {
                Access::Public(path) | Access::SignInFlow(path) => {
                    if method == "POST" && template == "/deconnexion" {
                        continue; // signing out here would end the walker's session
                    }
                    let answer = request(&app, &client, method, path).await;
                    let configured_elsewhere = template.starts_with("/connexion/oidc");
                    assert!(
                        answer.status != StatusCode::FORBIDDEN
                            && (configured_elsewhere || answer.status != StatusCode::NOT_FOUND),
                        "{who}: {}",
                        answer.status
                    );
                }
                Access::Roles(roles, path) => {
                    let path = path
                        .replace("{admin}", &admin_id)
                        .replace("{lot}", &lot.id)
                        .replace("{pli}", &pli.id)
                        .replace("{job}", &job);
                    let answer = request(&app, &client, method, &path).await;
                    match walker.role {
                        None => assert_eq!(answer.status, StatusCode::SEE_OTHER, "{who}"),
                        Some(role) if roles.contains(&role) => assert!(
                            answer.status.is_success()
                                || answer.status.is_redirection()
                                || answer.status == StatusCode::UNPROCESSABLE_ENTITY,
                            "{who}: {}",
                            answer.status
                        ),
                        Some(_) => {
                            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{who}");
                            assert_eq!(
                                normalised(&answer.body),
                                normalised(&not_found_page.body),
                                "{who}: the refusal differs from an unknown page"
                            );
                        }
                    }
                }
                Access::ProviderApi(path) => {
                    let answer = request(&app, &client, method, path).await;
                    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{who}");
                    assert!(
                        answer.body.contains("bearer token"),
                        "{who}: {}",
                        answer.body
                    );
                }
                Access::Perimetre => {
                    let missing =
                        request(&app, &client, method, &fill(template, MISSING, &plis)).await;
                    for outside in &walker.outside {
                        let names_both =
                            template.contains("{id}") && template.contains("{candidat_id}");
                        if outside.only_candidat && !names_both {
                            continue;
                        }
                        let answer =
                            request(&app, &client, method, &fill(template, *outside, &plis)).await;
                        if walker.role.is_none() {
                            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{who}");
                            assert_eq!(missing.status, StatusCode::SEE_OTHER, "{who}");
                            continue;
                        }
                        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{who} {outside:?}");
                        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{who} missing");
                        assert_eq!(
                            normalised(&answer.body),
                            normalised(&missing.body),
                            "{who} {outside:?}: outside the périmètre differs from missing"
                        );
                        checked += 1;
                    }
                    // What lies inside answers: the walk has teeth.
                    if let Some(inside) = walker.inside {
                        let answer =
                            request(&app, &client, method, &fill(template, inside, &plis)).await;
                        assert!(
                            answer.status != StatusCode::NOT_FOUND
                                && answer.status != StatusCode::FORBIDDEN,
                            "{who} {inside:?} inside the périmètre: {}",
                            answer.status
                        );
                    }
                }
            }
        }
    }

    assert!(checked > 50, "only {checked} refusals were compared");
    app.cleanup().await;
}

/// An operator of the print provider: no structure, no session.
pub(super) async fn add_provider_operator(app: &TestApp) {
    let hash = ceres_web::auth::hash_password(ceres::demo::DEMO_PASSWORD).unwrap();
    users::upsert(
        &app.db,
        &User {
            id: ceres_store::new_id(),
            email: PROVIDER_EMAIL.into(),
            display_name: "Opérateur du prestataire".into(),
            password_hash: hash,
            role: Role::Provider.code().into(),
            structure_id: None,
            created_at: super::NOW.into(),
            disabled_at: None,
            oidc_subject: None,
        },
    )
    .await
    .unwrap();
}
