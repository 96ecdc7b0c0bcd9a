//! `GET /`: « Suivi des sessions », the agent's home page (R11): the sessions of the last 12
//! months in the périmètre by state, the validated ones whose print requests are not all
//! sent, the returned plis to handle and the plis without news, each number opening its
//! list; and the weekly print progress, drawn on the server.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use ceres_domain::role::Role;
use ceres_domain::session::SessionState;
use ceres_store::board;
use jiff::ToSpan;

use crate::auth::CurrentUser;
use crate::pages::Chrome;
use crate::pages::board_chart::{self, WeekPoint};
use crate::pages::pnd::NO_NEWS_DAYS;
use crate::{AppError, AppState};

/// How far back the board looks.
const MONTHS: i64 = 12;
/// Weeks of the chart.
const WEEKS: i64 = 12;

pub struct Counter {
    pub label: String,
    pub count: i64,
    pub href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "board.html")]
pub struct BoardPage {
    chrome: Option<Chrome>,
    by_state: Vec<Counter>,
    printing: Vec<Counter>,
    plis: Vec<Counter>,
    chart: String,
    weeks: Vec<WeekPoint>,
}

pub async fn show_board(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    if user.role == Role::Provider {
        return Ok(Redirect::to("/prestataire/lots").into_response());
    }
    let today = state.clock.today_in_paris();
    let since = ceres_store::date_text(
        today
            .checked_sub(MONTHS.months())
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    let stale_before = ceres_store::timestamp_text(
        state.clock.now() - jiff::SignedDuration::from_hours(24 * NO_NEWS_DAYS),
    );
    let counts = board::board(&state.db, &user.perimetre, &since, &stale_before).await?;

    let by_state = SessionState::ALL
        .iter()
        .map(|s| Counter {
            label: s.label().to_owned(),
            count: counts
                .by_state
                .iter()
                .find(|(code, _)| code == s.code())
                .map_or(0, |(_, n)| *n),
            href: format!("/sessions?etat={}&depuis={since}", s.code()),
        })
        .collect();
    let printing = vec![
        Counter {
            label: "aucune demande d'impression envoyée".into(),
            count: counts.none_sent,
            href: format!("/sessions?impression=aucune&depuis={since}"),
        },
        Counter {
            label: "une partie des demandes d'impression envoyées".into(),
            count: counts.part_sent,
            href: format!("/sessions?impression=partielle&depuis={since}"),
        },
    ];
    let plis = vec![
        Counter {
            label: if counts.pnd > 1 {
                "plis non distribués (PND) à traiter".into()
            } else {
                "pli non distribué (PND) à traiter".into()
            },
            count: counts.pnd,
            href: "/plis-non-distribues".into(),
        },
        Counter {
            label: format!(
                "{} sans nouvelles depuis {NO_NEWS_DAYS} jours",
                if counts.no_news > 1 { "plis" } else { "pli" }
            ),
            count: counts.no_news,
            href: "/plis-sans-nouvelles".into(),
        },
    ];

    let chart_since = ceres_store::date_text(board_chart::first_monday(today, WEEKS));
    let days = board::print_progress_days(&state.db, &user.perimetre, &since, &chart_since).await?;
    let weeks = board_chart::weekly_points(today, WEEKS, days.remaining_now, &days.sent, &days.due);
    Ok(BoardPage {
        chrome: Chrome::of(&user),
        by_state,
        printing,
        plis,
        chart: board_chart::svg(&weeks),
        weeks,
    }
    .into_response())
}
