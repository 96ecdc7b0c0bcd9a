//! `GET /sessions`: the search of the sessions of the agent's périmètre (R11, R12): free text
//! on the session code, the site, the start date, the TP code or label; facets CPC, titre
//! professionnel and centre with their counts; paging and sorting. `GET /sessions/export.csv`
//! gives the whole result as CSV (UTF-8 with BOM, cells made inert for spreadsheets).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ceres_domain::perimetre::Perimetre;
use ceres_domain::session::SessionState;
use ceres_store::board::{self, FacetValue, PrintProgress, SessionQuery, Sort};
use ceres_store::sessions::SessionRow;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::pages::{Chrome, short_date_text, state_label_and_class, titre_line};
use crate::spreadsheet::inert;
use crate::{AppError, AppState};

/// Sessions on a page.
const PER_PAGE: i64 = 50;
/// The most rows an export holds.
const EXPORT_MAX: i64 = 100_000;

/// The search form's fields, as the URL carries them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    etat: String,
    #[serde(default)]
    cpc: Option<String>,
    #[serde(default)]
    titre: String,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    impression: String,
    #[serde(default)]
    depuis: String,
    #[serde(default)]
    tri: String,
    #[serde(default)]
    page: Option<i64>,
}

impl SearchParams {
    fn query(&self, offset: i64, limit: i64) -> SessionQuery {
        let some = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        SessionQuery {
            text: self.q.clone(),
            state: some(&self.etat),
            cpc: self.cpc.clone(),
            titre: some(&self.titre),
            centre: some(&self.centre),
            progress: PrintProgress::from_code(self.impression.trim()),
            since: some(&self.depuis).filter(|d| d.parse::<jiff::civil::Date>().is_ok()),
            sort: Sort::from_code(self.tri.trim()),
            offset,
            limit,
        }
    }

    fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }

    /// The URL of these parameters with some replaced (`None` removes a parameter).
    fn href(&self, path: &str, changes: &[(&str, Option<String>)]) -> String {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", self.q.clone()),
            ("etat", self.etat.clone()),
            ("titre", self.titre.clone()),
            ("centre", self.centre.clone()),
            ("impression", self.impression.clone()),
            ("depuis", self.depuis.clone()),
            ("tri", self.tri.clone()),
        ];
        if let Some(cpc) = &self.cpc {
            pairs.push(("cpc", cpc.clone()));
        }
        if let Some(page) = self.page {
            pairs.push(("page", page.to_string()));
        }
        for (name, value) in changes {
            pairs.retain(|(n, _)| n != name);
            if let Some(value) = value {
                pairs.push((name, value.clone()));
            }
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

struct SessionLine {
    id: String,
    titre: String,
    centre: String,
    date_debut: String,
    state: String,
    state_class: &'static str,
    candidats: i64,
}

impl SessionLine {
    fn of(row: &SessionRow) -> SessionLine {
        let (state, state_class) = state_label_and_class(&row.state);
        SessionLine {
            id: row.id.clone(),
            titre: titre_line(row),
            centre: row.centre_nom.clone(),
            date_debut: short_date_text(&row.date_debut),
            state,
            state_class,
            candidats: row.candidats,
        }
    }
}

/// One value of a facet, as a link that adds (or, when chosen, removes) the filter.
pub struct FacetLink {
    label: String,
    count: i64,
    href: String,
    chosen: bool,
}

pub struct Facet {
    title: &'static str,
    values: Vec<FacetLink>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    chrome: Option<Chrome>,
    perimetre_label: String,
    sessions: Vec<SessionLine>,
    /// R9: how many returned plis wait in the périmètre.
    pnd_count: i64,
    q: String,
    total: i64,
    facets: Vec<Facet>,
    /// Filters in force besides the text, each with the link that removes it.
    filters: Vec<(String, String)>,
    sorts: Vec<(&'static str, String, bool)>,
    previous_href: Option<String>,
    next_href: Option<String>,
    page: i64,
    pages: i64,
    export_href: String,
    export_xlsx_href: String,
}

fn perimetre_label(perimetre: &Perimetre) -> String {
    match perimetre {
        Perimetre::National => "périmètre national".to_owned(),
        Perimetre::Region(code) => format!("région {code}"),
        Perimetre::Departement(code) => format!("département {code}"),
        Perimetre::Aucun => "aucune session".to_owned(),
    }
}

fn facet(
    title: &'static str,
    name: &str,
    values: &[FacetValue],
    chosen: Option<&str>,
    params: &SearchParams,
    empty_label: &str,
) -> Facet {
    Facet {
        title,
        values: values
            .iter()
            .map(|v| {
                let is_chosen = chosen == Some(v.value.as_str());
                FacetLink {
                    label: if v.label.is_empty() {
                        empty_label.to_owned()
                    } else {
                        v.label.clone()
                    },
                    count: v.count,
                    chosen: is_chosen,
                    href: params.href(
                        "/sessions",
                        &[
                            (name, (!is_chosen).then(|| v.value.clone())),
                            ("page", None),
                        ],
                    ),
                }
            })
            .collect(),
    }
}

pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SearchParams>,
) -> Result<SessionsPage, AppError> {
    let page = params.page();
    let query = params.query((page - 1) * PER_PAGE, PER_PAGE);
    let result = board::search(&state.db, &user.perimetre, &query).await?;
    let pages = ((result.total + PER_PAGE - 1) / PER_PAGE).max(1);

    let mut filters = Vec::new();
    if let Some(state_code) = &query.state {
        let label = SessionState::from_code(state_code).map_or(state_code.as_str(), |s| s.label());
        filters.push((
            format!("État : {label}"),
            params.href("/sessions", &[("etat", None), ("page", None)]),
        ));
    }
    if let Some(progress) = query.progress {
        let label = match progress {
            PrintProgress::NoneSent => "aucune demande d'impression envoyée",
            PrintProgress::PartSent => "une partie des demandes d'impression envoyées",
        };
        filters.push((
            label.to_owned(),
            params.href("/sessions", &[("impression", None), ("page", None)]),
        ));
    }
    if let Some(since) = &query.since {
        filters.push((
            format!("Début à partir du {}", short_date_text(since)),
            params.href("/sessions", &[("depuis", None), ("page", None)]),
        ));
    }

    let facets = vec![
        facet(
            "CPC",
            "cpc",
            &result.cpc,
            query.cpc.as_deref(),
            &params,
            "Non renseignée",
        ),
        facet(
            "Titre professionnel",
            "titre",
            &result.titres,
            query.titre.as_deref(),
            &params,
            "—",
        ),
        facet(
            "Centre",
            "centre",
            &result.centres,
            query.centre.as_deref(),
            &params,
            "—",
        ),
    ];
    let sorts = [Sort::NewestFirst, Sort::OldestFirst, Sort::ByCode]
        .into_iter()
        .map(|sort| {
            let label = match sort {
                Sort::NewestFirst => "Plus récentes d'abord",
                Sort::OldestFirst => "Plus anciennes d'abord",
                Sort::ByCode => "Code de session",
            };
            (
                label,
                params.href(
                    "/sessions",
                    &[("tri", Some(sort.code().to_owned())), ("page", None)],
                ),
                sort == query.sort,
            )
        })
        .collect();

    Ok(SessionsPage {
        chrome: Chrome::of(&user),
        perimetre_label: perimetre_label(&user.perimetre),
        sessions: result.rows.iter().map(SessionLine::of).collect(),
        pnd_count: ceres_store::ledger::pnd_count(&state.db, &user.perimetre).await?,
        q: params.q.clone(),
        total: result.total,
        facets,
        filters,
        sorts,
        previous_href: (page > 1)
            .then(|| params.href("/sessions", &[("page", Some((page - 1).to_string()))])),
        next_href: (page < pages)
            .then(|| params.href("/sessions", &[("page", Some((page + 1).to_string()))])),
        page,
        pages,
        export_href: params.href("/sessions/export.csv", &[("page", None)]),
        export_xlsx_href: params.href("/sessions/export.xlsx", &[("page", None)]),
    })
}

/// The columns of an export.
const EXPORT_HEADER: [&str; 9] = [
    "Session",
    "Code TP",
    "RNCP",
    "Titre professionnel",
    "Centre",
    "Début",
    "Fin",
    "État",
    "Candidats",
];

/// The whole result of the search, one row of cells per session.
async fn export_rows(
    state: &AppState,
    user: &CurrentUser,
    params: &SearchParams,
) -> Result<Vec<([String; 8], i64)>, AppError> {
    let query = params.query(0, EXPORT_MAX);
    let rows = board::search_rows(&state.db, &user.perimetre, &query).await?;
    tracing::info!(rows = rows.len(), "sessions exported");
    Ok(rows
        .iter()
        .map(|row| {
            let (state_label, _) = state_label_and_class(&row.state);
            (
                [
                    row.id.clone(),
                    row.code_tp.clone().unwrap_or_default(),
                    row.rncp.clone(),
                    row.intitule.clone(),
                    row.centre_nom.clone(),
                    short_date_text(&row.date_debut),
                    short_date_text(&row.date_fin),
                    state_label,
                ],
                row.candidats,
            )
        })
        .collect())
}

fn download(content_type: &str, file: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /sessions/export.csv`: the whole result of the search, UTF-8 with BOM, `;`, cells
/// made inert for spreadsheets.
pub async fn export_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let rows = export_rows(&state, &user, &params).await?;
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let error = |e: csv::Error| AppError::Internal(e.to_string());
        writer.write_record(EXPORT_HEADER).map_err(error)?;
        for (cells, candidats) in &rows {
            let count = candidats.to_string();
            let record = cells.iter().map(|c| inert(c)).chain(std::iter::once(count));
            writer.write_record(record).map_err(error)?;
        }
        writer
            .flush()
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(download("text/csv; charset=utf-8", "sessions.csv", out))
}

/// `GET /sessions/export.xlsx`: the same as a workbook. Every cell but the count is written
/// as text, which a spreadsheet never runs as a formula.
pub async fn export_sessions_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let rows = export_rows(&state, &user, &params).await?;
    let error = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sessions").map_err(error)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (column, title) in EXPORT_HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, column as u16, *title, &bold)
            .map_err(error)?;
    }
    for (index, (cells, candidats)) in rows.iter().enumerate() {
        let line = index as u32 + 1;
        for (column, cell) in cells.iter().enumerate() {
            sheet
                .write_string(line, column as u16, cell)
                .map_err(error)?;
        }
        sheet
            .write_number(line, 8, *candidats as f64)
            .map_err(error)?;
    }
    sheet.autofit();
    let bytes = workbook.save_to_buffer().map_err(error)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "sessions.xlsx",
        bytes,
    ))
}
