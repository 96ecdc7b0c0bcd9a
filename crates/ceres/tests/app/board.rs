//! The tracking board and the session search (R11, issue 7), on the demo's sessions.

use reqwest::StatusCode;

use super::{TUTORIAL, TestApp};

const UD75: &str = "agent.ud75@demo.ceres.fr";

async fn text(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap().replace("&#39;", "'")
}

/// The number shown before a counter's label on the board.
fn counter(page: &str, label: &str) -> i64 {
    let end = page
        .find(label)
        .unwrap_or_else(|| panic!("no counter {label:?}"));
    let before = &page[..end];
    let start = before.rfind("<strong class=\"ceres-counter\">").unwrap()
        + "<strong class=\"ceres-counter\">".len();
    before[start..]
        .split('<')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn r11_the_board_counts_the_perimetres_sessions_and_each_number_opens_its_list() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(UD75).await;

    // The UD 75's sessions of the last 12 months: two validated (the tutorial's is older).
    let board = text(&agent, &app, "/").await;
    assert!(board.contains("<h1>Suivi des sessions</h1>"));
    assert_eq!(counter(&board, "Validée</a>"), 2);
    assert_eq!(counter(&board, "En préparation</a>"), 0);
    assert_eq!(counter(&board, "aucune demande d'impression envoyée"), 2);
    assert_eq!(
        counter(&board, "une partie des demandes d'impression envoyées"),
        0
    );
    // The chart: twelve weeks, and its text alternative.
    assert_eq!(board.matches("<rect ").count(), 12);
    assert!(board.contains("Données du graphique"));

    // One request sent in a session of four candidates: a part of them sent.
    ceres_store::print_requests::create_initial(
        &app.db,
        "TITRE_T_2026_512204",
        2254101,
        "agent",
        app.state.clock.now(),
        app.state.clock.today_in_paris(),
    )
    .await
    .unwrap();
    let board = text(&agent, &app, "/").await;
    assert_eq!(counter(&board, "aucune demande d'impression envoyée"), 1);
    assert_eq!(
        counter(&board, "une partie des demandes d'impression envoyées"),
        1
    );
    assert!(
        board.contains(">1</td>"),
        "this week's bar counts the request: {board}"
    );

    // The number opens the list of those sessions.
    let partial = text(
        &agent,
        &app,
        "/sessions?impression=partielle&depuis=2025-12-03",
    )
    .await;
    assert!(partial.contains("TITRE_T_2026_512204"));
    assert!(!partial.contains("CCP_T_2026_512610"));
    assert!(partial.contains("1 session(s)"));
    app.cleanup().await;
}

#[tokio::test]
async fn r11_sessions_are_found_by_code_site_date_or_titre_with_facets_and_exported() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(UD75).await;

    for (query, found) in [
        ("q=470415", TUTORIAL),
        ("q=07%2F11%2F2022", TUTORIAL),
        ("q=paysage", TUTORIAL),
        ("q=TP-00463", TUTORIAL),
        ("q=KLEE", TUTORIAL),
        // Without accents nor case, and by RNCP code.
        ("q=ile%20de%20france", TUTORIAL),
        ("q=%C3%8ELE", TUTORIAL),
        ("q=rncp399", TUTORIAL),
    ] {
        let page = text(&agent, &app, &format!("/sessions?{query}")).await;
        assert!(page.contains(found), "{query}");
    }
    let none = text(&agent, &app, "/sessions?q=zzzz").await;
    assert!(none.contains("0 session(s)"));
    // Another département's session is not found, whatever the text.
    let outside = text(&agent, &app, "/sessions?q=512377").await;
    assert!(outside.contains("0 session(s)"));

    // Facets with their counts; choosing one filters.
    let all = text(&agent, &app, "/sessions").await;
    assert!(all.contains("<h2 class=\"fr-h6 fr-mb-1w\">Centre</h2>"));
    assert!(all.contains("KLEE - Île de France ("), "{all}");
    let by_centre = text(&agent, &app, "/sessions?centre=klee-idf").await;
    assert!(by_centre.contains("✓ KLEE - Île de France"));
    // Paging past the end shows no session, and says so.
    let far = text(&agent, &app, "/sessions?page=9").await;
    assert!(!far.contains(TUTORIAL));

    // The export: the whole result, UTF-8 with BOM, one line per session.
    let csv = agent
        .get(app.url("/sessions/export.csv?q=paysage"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].contains("Session;Code TP;RNCP"), "{body}");
    assert_eq!(lines.len(), 2, "{body}");
    assert!(lines[1].starts_with(TUTORIAL));

    // The same as a workbook: the session's code among its strings.
    let xlsx = agent
        .get(app.url("/sessions/export.xlsx?q=paysage"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut workbook = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut workbook.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    assert!(
        strings.contains(TUTORIAL) && strings.contains("Titre professionnel"),
        "{strings}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_providers_operator_lands_on_the_lots_not_the_board() {
    let app = TestApp::spawn().await;
    super::perimetre::add_provider_operator(&app).await;
    let operator = app.signed_in(super::perimetre::PROVIDER_EMAIL).await;
    let home = operator.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(home.headers()["location"], "/prestataire/lots");
    app.cleanup().await;
}
