//! `GET /admin/structures`: the structures, with what their documents print.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use ceres_store::structures;

use crate::auth::AdminUser;
use crate::pages::Chrome;
use crate::{AppError, AppState};

pub struct StructureLine {
    pub id: String,
    pub nom: String,
    pub kind: String,
    pub territoire: String,
    pub signataire: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_structures.html")]
pub struct StructuresPage {
    chrome: Option<Chrome>,
    structures: Vec<StructureLine>,
}

pub async fn list_structures(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
) -> Result<StructuresPage, AppError> {
    let rows = structures::list(&state.db).await?;

    Ok(StructuresPage {
        chrome: Chrome::of(&user),
        structures: rows
            .into_iter()
            .map(|s| StructureLine {
                kind: s.kind.to_uppercase(),
                territoire: match &s.departement_code {
                    Some(departement) => format!("département {departement}"),
                    None => format!("région {}", s.region_code),
                },
                signataire: format!("{}, {}", s.signataire_nom, s.signataire_titre),
                id: s.id,
                nom: s.nom,
            })
            .collect(),
    })
}
