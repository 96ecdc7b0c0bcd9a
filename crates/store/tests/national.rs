//! The generated national volume (issue 7) on SQLite and PostgreSQL, at a small scale:
//! every generated session is searchable in its périmètre and counted on the board.

mod support;

use ceres_domain::perimetre::Perimetre;
use ceres_store::board::{self, SessionQuery};
use ceres_store::import::import_referentiel;
use ceres_store::national::{Volume, generate};
use support::{real_data, scratch_databases};

#[tokio::test]
async fn a_generated_volume_spreads_over_the_country_and_fills_the_board() {
    for scratch in scratch_databases().await {
        let db = scratch.db().await;
        import_referentiel(&db, &real_data().files()).await.unwrap();
        let today = jiff::civil::date(2026, 12, 3);
        let mut calls = 0;
        let generated = generate(
            &db,
            &Volume {
                sessions: 450,
                candidats_per_session: 4,
                today,
                seed: 7,
            },
            &mut |done, total| {
                calls += 1;
                assert!(done <= total);
            },
        )
        .await
        .unwrap();

        assert_eq!(generated.sessions, 450);
        assert!(calls >= 3, "progress told at each batch");
        assert!(
            (450 * 2..=450 * 6).contains(&generated.candidats),
            "{generated:?}"
        );
        assert!(generated.requests > 0 && generated.requests < generated.candidats);
        // More than one région, and the national total is the sum of the régions'.
        let national = board::search(
            &db,
            &Perimetre::National,
            &SessionQuery {
                limit: 1,
                ..SessionQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(national.total, 450);
        let regions: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT region_code FROM exam_session")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert!(regions.len() > 10, "{}", regions.len());
        // Centres where training happens: each département's first in its préfecture
        // (Lyon for the Rhône, Mamoudzou for Mayotte), none on an uninhabited territory.
        let centres: Vec<(String, String)> = sqlx::query_as(
            "SELECT departement_code, commune_code FROM centre \
             WHERE id LIKE 'gen%' AND nom LIKE 'Centre de formation de %' \
             ORDER BY departement_code",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        let commune_of = |departement: &str| {
            centres
                .iter()
                .find(|(code, _)| code == departement)
                .map(|(_, commune)| commune.as_str())
        };
        assert_eq!(commune_of("69"), Some("69123"));
        assert_eq!(commune_of("976"), Some("97611"));
        assert_eq!(commune_of("989"), None);
        assert!(centres.len() > 100, "{}", centres.len());
        let mut sum = 0;
        for (region,) in &regions {
            sum += board::search(
                &db,
                &Perimetre::Region(region.clone()),
                &SessionQuery {
                    limit: 1,
                    ..SessionQuery::default()
                },
            )
            .await
            .unwrap()
            .total;
        }
        assert_eq!(sum, 450);
        // The board of the last twelve months counts states and print progress.
        let counts = board::board(
            &db,
            &Perimetre::National,
            "2025-12-03",
            "2026-11-03T00:00:00.000000Z",
        )
        .await
        .unwrap();
        let validated = counts
            .by_state
            .iter()
            .find(|(s, _)| s == "validee")
            .map_or(0, |(_, n)| *n);
        assert!(validated > 0, "{counts:?}");
        assert!(counts.by_state.len() >= 5, "{counts:?}");
        // Every initial request has its pli in its day's lot; the board counts the returned
        // ones and those still at the provider after 30 days.
        assert_eq!(generated.plis, generated.requests);
        let plis: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT p.state, COUNT(*), CAST(SUM(CASE WHEN l.id IS NULL THEN 1 ELSE 0 END) \
                 AS BIGINT) \
             FROM pli p LEFT JOIN lot l ON l.id = p.lot_id GROUP BY p.state ORDER BY p.state",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert!(plis.iter().all(|(_, _, lotless)| *lotless == 0), "{plis:?}");
        assert!(
            plis.iter().any(|(state, _, _)| state == "poste"),
            "{plis:?}"
        );
        let count_of = |wanted: &str| {
            plis.iter()
                .find(|(state, _, _)| state == wanted)
                .map_or(0, |(_, n, _)| *n)
        };
        // Older than 40 days, posted (at this scale, few requests are more recent).
        let (unposted_old,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pli p JOIN print_request r ON r.id = p.print_request_id \
             WHERE r.requested_on < '2026-10-24' AND p.state <> 'poste'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(unposted_old, 0);
        assert_eq!(counts.pnd, count_of("pnd"), "{plis:?}");
        let (stale,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pli WHERE state IN ('en_lot', 'imprime') \
               AND updated_at < '2026-11-03T00:00:00.000000Z'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(counts.no_news, stale);
    }
}
