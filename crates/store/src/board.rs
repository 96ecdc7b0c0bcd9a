//! The tracking board (R11) and the session search, always within the reader's périmètre
//! (R12).
//!
//! The counts are computed from the rows at each request: covering indexes by périmètre
//! and start date carry every column the board reads, and a search reads its matches once
//! for its total and its three facets. On the national volume (`ceres demo --scale
//! national`, 60,000 sessions, 760,000 plis) measured by `scripts/measure-board.sh` (wrk, 4
//! connections, debug build, 2 cores), the national administrator's home page answers in
//! 50 ms median on SQLite and 39 ms on PostgreSQL, the search « agent » among validated
//! sessions in 73 and 87 ms.
//!
//! The PND and "no news" counters read only the plis of those states, through the
//! indexes `pli_waiting` and `pli_in_transit`, whatever the history of posted plis.

use ceres_domain::perimetre::Perimetre;
use sqlx::FromRow;

use crate::sessions::{SELECT, SessionRow, perimetre_filter};
use crate::{Backend, Db, StoreError};

/// What the home page counts.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// Sessions started since the given date, by state code.
    pub by_state: Vec<(String, i64)>,
    /// Validated sessions whose candidates with a result have no initial request at all.
    pub none_sent: i64,
    /// Validated sessions with some initial requests sent, not all.
    pub part_sent: i64,
    /// Returned plis to handle (R9).
    pub pnd: i64,
    /// Plis with no news for 30 days: handed over, not reported posted since.
    pub no_news: i64,
}

/// The tracking board of a périmètre: sessions started on or after `since` (ISO date);
/// plis without news since `stale_before` (a stored instant).
pub async fn board(
    db: &Db,
    perimetre: &Perimetre,
    since: &str,
    stale_before: &str,
) -> Result<Board, StoreError> {
    let (condition, value) = perimetre_filter(perimetre);
    // The covering date indexes answer; SQLite would take the state index (see
    // [`unindexed`]): 13 ms against 3 ms on the national volume.
    let state = unindexed(db.backend(), "s.state");
    let by_state: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.state, COUNT(*) FROM exam_session s \
         WHERE {condition} AND s.date_debut >= $2 GROUP BY s.state"
    )))
    .bind(value)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let (none_sent, part_sent): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN s.demandes_initiales = 0 THEN 1 ELSE 0 END), 0) \
                    AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN s.demandes_initiales > 0 \
                    AND s.demandes_initiales < s.resultats THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM exam_session s WHERE {condition} AND {state} = 'validee' \
           AND s.date_debut >= $2 AND s.resultats > 0"
    )))
    .bind(value)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    // The state condition is the partial index `pli_in_transit`'s, word for word: SQLite
    // uses the index only then.
    let (no_news,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM pli p JOIN exam_session s ON s.id = p.session_id \
         WHERE {condition} AND p.state IN ('en_lot', 'imprime', 'a_reposter') \
           AND p.updated_at < $2"
    )))
    .bind(value)
    .bind(stale_before)
    .fetch_one(db.pool())
    .await?;
    Ok(Board {
        by_state,
        none_sent,
        part_sent,
        pnd: crate::ledger::pnd_count(db, perimetre).await?,
        no_news,
    })
}

/// How the result list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    NewestFirst,
    OldestFirst,
    ByCode,
}

impl Sort {
    pub fn from_code(code: &str) -> Sort {
        match code {
            "date_asc" => Sort::OldestFirst,
            "code" => Sort::ByCode,
            _ => Sort::NewestFirst,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::NewestFirst => "date_desc",
            Sort::OldestFirst => "date_asc",
            Sort::ByCode => "code",
        }
    }

    /// The sort on the columns of `exam_session s`; only `s.id` and `s.date_debut`, which
    /// the search's page of few matches carries (see [`page`]).
    fn order_by(self) -> &'static str {
        match self {
            Sort::NewestFirst => "s.date_debut DESC, s.id",
            Sort::OldestFirst => "s.date_debut ASC, s.id",
            Sort::ByCode => "s.id",
        }
    }
}

/// The print progress of validated sessions (R11's second block).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintProgress {
    /// No initial request sent yet.
    NoneSent,
    /// Some initial requests sent, not all.
    PartSent,
}

impl PrintProgress {
    pub fn from_code(code: &str) -> Option<PrintProgress> {
        match code {
            "aucune" => Some(PrintProgress::NoneSent),
            "partielle" => Some(PrintProgress::PartSent),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PrintProgress::NoneSent => "aucune",
            PrintProgress::PartSent => "partielle",
        }
    }
}

/// A search of sessions: every field optional.
#[derive(Debug, Clone, Default)]
pub struct SessionQuery {
    /// Free text: session code, centre name, start date (JJ/MM/AAAA or ISO), TP code or
    /// label.
    pub text: String,
    pub state: Option<String>,
    pub cpc: Option<String>,
    /// A titre's RNCP number.
    pub titre: Option<String>,
    pub centre: Option<String>,
    pub progress: Option<PrintProgress>,
    /// Sessions started on or after this ISO date.
    pub since: Option<String>,
    pub sort: Sort,
    /// From 0.
    pub offset: i64,
    pub limit: i64,
}

/// One value of a facet, with how many sessions of the result have it.
#[derive(Debug, Clone, FromRow)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: i64,
}

/// A page of results, with the total and the facets of the whole result.
#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub rows: Vec<SessionRow>,
    pub total: i64,
    pub cpc: Vec<FacetValue>,
    pub titres: Vec<FacetValue>,
    pub centres: Vec<FacetValue>,
}

/// The WHERE clause of a query, with its values in the order of their `$n`.
fn where_clause(
    backend: Backend,
    perimetre: &Perimetre,
    query: &SessionQuery,
) -> (String, Vec<String>) {
    let (condition, value) = perimetre_filter(perimetre);
    let mut values = vec![value.to_owned()];
    let mut clauses = vec![condition.to_owned()];
    let bind = |value: String, values: &mut Vec<String>| {
        values.push(value);
        format!("${}", values.len())
    };
    let text = ceres_domain::search::search_key(query.text.trim());
    if !text.is_empty() {
        // One folded column holds the code, the site, the label, the TP and RNCP codes.
        let like = bind(format!("%{}%", escape_like(&text)), &mut values);
        let mut alternatives = vec![format!("s.search_text LIKE {like} ESCAPE '\\'")];
        if let Some(iso) = iso_date(&text) {
            let date = bind(iso, &mut values);
            alternatives.push(format!("s.date_debut = {date}"));
        }
        clauses.push(format!("({})", alternatives.join(" OR ")));
    }
    if let Some(state) = &query.state {
        clauses.push(format!(
            "{} = {}",
            unindexed(backend, "s.state"),
            bind(state.clone(), &mut values)
        ));
    }
    if let Some(cpc) = &query.cpc {
        clauses.push(format!(
            "COALESCE(t.cpc, '') = {}",
            bind(cpc.clone(), &mut values)
        ));
    }
    if let Some(titre) = &query.titre {
        clauses.push(format!("v.rncp = {}", bind(titre.clone(), &mut values)));
    }
    if let Some(centre) = &query.centre {
        clauses.push(format!(
            "s.centre_id = {}",
            bind(centre.clone(), &mut values)
        ));
    }
    if let Some(since) = &query.since {
        clauses.push(format!(
            "s.date_debut >= {}",
            bind(since.clone(), &mut values)
        ));
    }
    if let Some(progress) = query.progress {
        clauses.push(format!("{} = 'validee'", unindexed(backend, "s.state")));
        clauses.push(
            match progress {
                PrintProgress::NoneSent => "s.demandes_initiales = 0 AND s.resultats > 0",
                PrintProgress::PartSent => {
                    "s.demandes_initiales > 0 AND s.demandes_initiales < s.resultats"
                }
            }
            .to_owned(),
        );
    }
    (clauses.join(" AND "), values)
}

/// A column SQLite's planner must not look up through an index: the session's state. Most
/// sessions are validated, and SQLite (without its optional statistics) prefers the state
/// index, fetching 50,000 rows one by one, to reading the table: on the national volume
/// 60 ms against 14 ms for `impression=partielle`. The unary `+` hides the column from the
/// planner; PostgreSQL's own statistics choose well and keep the plain column.
fn unindexed(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("+{column}"),
        Backend::Postgres => column.to_owned(),
    }
}

/// `%`, `_` and `\` typed by the user match themselves.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// « 07/11/2022 » or « 2022-11-07 » as an ISO date.
fn iso_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('/').collect();
    let date: jiff::civil::Date = match parts.as_slice() {
        [day, month, year] => format!("{year}-{month}-{day}").parse().ok()?,
        _ => text.parse().ok()?,
    };
    Some(crate::date_text(date))
}

const FROM: &str = "FROM exam_session s \
    JOIN titre_version v ON v.id = s.titre_version_id \
    LEFT JOIN titre t ON t.rncp = v.rncp \
    JOIN centre c ON c.id = s.centre_id";

/// Searches the sessions of a périmètre: a page of rows, the total and the facets.
///
/// Two statements whatever the filters: one pass over the matches that counts them and
/// groups them three ways (the facets), then the page.
pub async fn search(
    db: &Db,
    perimetre: &Perimetre,
    query: &SessionQuery,
) -> Result<SearchResult, StoreError> {
    let (condition, values) = where_clause(db.backend(), perimetre, query);
    // The matches are read once into a temporary result (MATERIALIZED: both engines keep
    // it rather than scanning the sessions again for each facet), then counted by CPC,
    // titre and centre. A titre's label is that of one of its versions.
    let facets_sql = format!(
        "WITH m AS MATERIALIZED (SELECT s.titre_version_id AS tv, s.centre_id AS ce {FROM} \
             WHERE {condition}) \
         SELECT 'total' AS facet, '' AS value, '' AS label, COUNT(*) AS count FROM m \
         UNION ALL SELECT 'cpc', COALESCE(t.cpc, ''), COALESCE(t.cpc, ''), COUNT(*) \
             FROM m JOIN titre_version v ON v.id = m.tv LEFT JOIN titre t ON t.rncp = v.rncp \
             GROUP BY COALESCE(t.cpc, '') \
         UNION ALL SELECT 'titre', v.rncp, MIN(v.intitule), COUNT(*) \
             FROM m JOIN titre_version v ON v.id = m.tv GROUP BY v.rncp \
         UNION ALL SELECT 'centre', m.ce, MIN(c.nom), COUNT(*) \
             FROM m JOIN centre c ON c.id = m.ce GROUP BY m.ce"
    );
    let mut facets_query = sqlx::query_as::<_, FacetCount>(sqlx::AssertSqlSafe(facets_sql));
    for value in &values {
        facets_query = facets_query.bind(value);
    }
    let mut result = facets_of(facets_query.fetch_all(db.pool()).await?);
    result.rows = page(db, &condition, &values, query, Some(result.total)).await?;
    Ok(result)
}

/// The sessions of a search, sorted, without the total nor the facets (the exports).
pub async fn search_rows(
    db: &Db,
    perimetre: &Perimetre,
    query: &SessionQuery,
) -> Result<Vec<SessionRow>, StoreError> {
    let (condition, values) = where_clause(db.backend(), perimetre, query);
    Ok(page(db, &condition, &values, query, None).await?)
}

/// Up to this many matches, the page is taken by sorting the matches; beyond, by walking
/// the sort's index until the page is full.
const FEW_MATCHES: i64 = 2_000;

async fn page(
    db: &Db,
    condition: &str,
    values: &[String],
    query: &SessionQuery,
    total: Option<i64>,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    // The page's ids first, then their rows: the columns counted per row (the candidates)
    // are computed for the page only, not for every match before sorting.
    let order = query.sort.order_by();
    let limit = query.limit.clamp(1, 100_000);
    let offset = query.offset.max(0);
    // With few matches, the planners (PostgreSQL's too) may still walk the whole sort
    // index hoping to fill the page early — 72 ms on the national volume for 14 matches
    // sorted by code. Sorting the matches themselves is then at most a few milliseconds.
    let ids = match total {
        Some(total) if total <= FEW_MATCHES => format!(
            "WITH m AS MATERIALIZED (SELECT s.id, s.date_debut {FROM} WHERE {condition}) \
             SELECT s.id FROM m s ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        ),
        _ => format!(
            "SELECT s.id {FROM} WHERE {condition} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        ),
    };
    let sql = format!("{SELECT} WHERE s.id IN ({ids}) ORDER BY {order}");
    let mut rows_query = sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(sql));
    for value in values {
        rows_query = rows_query.bind(value);
    }
    rows_query.fetch_all(db.pool()).await
}

/// One row of the facets' statement: a facet, one of its values, how many matches have it.
#[derive(Debug, Clone, FromRow)]
struct FacetCount {
    facet: String,
    value: String,
    label: String,
    count: i64,
}

/// Values shown per facet, the most frequent first.
const FACET_VALUES: usize = 50;

/// The total and the three facets, each sorted by count then label and cut to
/// [`FACET_VALUES`].
fn facets_of(rows: Vec<FacetCount>) -> SearchResult {
    let mut result = SearchResult::default();
    for row in rows {
        let value = FacetValue {
            value: row.value,
            label: row.label,
            count: row.count,
        };
        match row.facet.as_str() {
            "total" => result.total = row.count,
            "cpc" => result.cpc.push(value),
            "titre" => result.titres.push(value),
            _ => result.centres.push(value),
        }
    }
    for facet in [&mut result.cpc, &mut result.titres, &mut result.centres] {
        facet.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        facet.truncate(FACET_VALUES);
    }
    result
}

/// On PostgreSQL, a trigram index lets `search_text LIKE '%…%'` find its rows without
/// reading every session (the national search for « agent »: 38 ms to 8 ms). It needs the
/// `pg_trgm` extension, part of PostgreSQL's contrib and trusted since version 13; where it
/// cannot be created the search still works, by scanning, and a warning says why. SQLite
/// scans (about 25 ms on the national volume).
pub(crate) async fn index_search_text(db: &Db) {
    if db.backend() != Backend::Postgres {
        return;
    }
    for statement in [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX IF NOT EXISTS exam_session_search ON exam_session \
         USING gin (search_text gin_trgm_ops)",
    ] {
        if let Err(error) = sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(db.pool())
            .await
        {
            tracing::warn!(%error, "no trigram index on the session search; it will scan");
            return;
        }
    }
}

/// What the weekly chart needs (issue 7): the initial requests sent per day and the
/// results added per validation day since `chart_since`, and the requests still to send
/// now in the validated sessions started since `since`.
#[derive(Debug, Clone, Default)]
pub struct ProgressDays {
    pub sent: Vec<(String, i64)>,
    pub due: Vec<(String, i64)>,
    pub remaining_now: i64,
}

/// See [`ProgressDays`]: read from the per-session counters and the recent rows only.
pub async fn print_progress_days(
    db: &Db,
    perimetre: &Perimetre,
    since: &str,
    chart_since: &str,
) -> Result<ProgressDays, StoreError> {
    let (condition, value) = perimetre_filter(perimetre);
    // The covering date indexes answer; SQLite would take the state index (see
    // [`unindexed`]): 13 ms against 3 ms on the national volume.
    let state = unindexed(db.backend(), "s.state");
    let sent: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.requested_on, COUNT(*) FROM print_request r \
         JOIN exam_session s ON s.id = r.session_id \
         WHERE {condition} AND r.sequence = 0 AND r.requested_on >= $2 AND s.date_debut >= $3 \
         GROUP BY r.requested_on ORDER BY r.requested_on"
    )))
    .bind(value)
    .bind(chart_since)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let due: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT s.validated_on, CAST(SUM(s.resultats) AS BIGINT) FROM exam_session s \
         WHERE {condition} AND s.validated_on >= $2 AND s.date_debut >= $3 \
           AND {state} = 'validee' \
         GROUP BY s.validated_on ORDER BY s.validated_on"
    )))
    .bind(value)
    .bind(chart_since)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let (remaining_now,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT CAST(COALESCE(SUM(s.resultats - s.demandes_initiales), 0) AS BIGINT) \
         FROM exam_session s WHERE {condition} AND {state} = 'validee' AND s.date_debut >= $2"
    )))
    .bind(value)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(ProgressDays {
        sent,
        due,
        remaining_now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_typed_the_french_way_or_iso_are_read() {
        assert_eq!(iso_date("07/11/2022").as_deref(), Some("2022-11-07"));
        assert_eq!(iso_date("2022-11-07").as_deref(), Some("2022-11-07"));
        assert_eq!(iso_date("31/02/2022"), None);
        assert_eq!(iso_date("ouvrier"), None);
    }

    #[test]
    fn facets_are_sorted_by_count_then_label() {
        let row = |facet: &str, value: &str, count| FacetCount {
            facet: facet.into(),
            value: value.into(),
            label: format!("Libellé {value}"),
            count,
        };
        let result = facets_of(vec![
            row("total", "", 10),
            row("titre", "RNCP2", 4),
            row("titre", "RNCP1", 5),
            row("titre", "RNCP3", 4),
            row("cpc", "", 1),
            row("centre", "a", 7),
            row("cpc", "BTP", 9),
        ]);
        assert_eq!(result.total, 10);
        let values = |facet: &[FacetValue]| {
            facet
                .iter()
                .map(|v| (v.value.clone(), v.count))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&result.cpc), [("BTP".into(), 9), ("".into(), 1)]);
        assert_eq!(
            values(&result.titres),
            [
                ("RNCP1".into(), 5),
                ("RNCP2".into(), 4),
                ("RNCP3".into(), 4)
            ]
        );
        assert_eq!(result.titres[0].label, "Libellé RNCP1");
        assert_eq!(values(&result.centres), [("a".into(), 7)]);
    }

    #[test]
    fn like_wildcards_typed_by_the_user_match_themselves() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    #[test]
    fn every_filter_adds_one_bound_value() {
        let query = SessionQuery {
            text: "Paysage".into(),
            state: Some("validee".into()),
            cpc: Some("BTP".into()),
            titre: Some("RNCP399".into()),
            centre: Some("klee-idf".into()),
            since: Some("2025-12-04".into()),
            ..SessionQuery::default()
        };
        let (clause, values) = where_clause(
            Backend::Postgres,
            &Perimetre::Departement("75".into()),
            &query,
        );
        assert_eq!(values.len(), 7);
        assert_eq!(values[1], "%paysage%");
        assert!(clause.contains("$7"), "{clause}");
        assert!(!clause.contains("$8"), "{clause}");
    }
}
