//! The audit trail (R13) as agents read it in the Traçabilité tabs: French labels for the
//! actions, and what changed, field by field.

use ceres_domain::candidat::Field;
use ceres_domain::candidat_data::{CandidatState, display_value};
use ceres_domain::clock::paris;
use ceres_store::audit::AuditRow;
use serde_json::{Map, Value};

/// An instant stored as RFC 3339, shown in Europe/Paris time.
pub fn paris_time(at: &str) -> String {
    at.parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned_datetime(paris())
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// The French label of an audit action code.
pub fn action_label(code: &str) -> &str {
    match code {
        "print_request.created" => "Demande d'impression initiale transmise",
        "issued_document.numbered" => "Document numéroté",
        "candidat.returned_to_draft" => "Retour à l'état brouillon",
        "candidat.updated" => "Modification des informations du candidat",
        "candidat.validated" => "Validation des informations du candidat",
        "candidat.imported" => "Candidat créé par import",
        "inscription.created" => "Inscription à la session par import",
        "session.candidats_imported" => "Import de candidats",
        other => other,
    }
}

/// What an event changed, in French: « Nom de naissance : FAURIEL1 → FAURIEL ».
pub fn event_details(event: &AuditRow) -> String {
    let object = |json: &Option<String>| -> Map<String, Value> {
        json.as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    };
    let (before, after) = (object(&event.before_json), object(&event.after_json));
    let text = |map: &Map<String, Value>, key: &str| match map.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };

    match event.action.as_str() {
        "candidat.updated" => Field::ALL
            .iter()
            .filter(|field| after.contains_key(field.key()))
            .map(|field| {
                format!(
                    "{} : {} → {}",
                    field.label(),
                    display_value(*field, &text(&before, field.key())),
                    display_value(*field, &text(&after, field.key()))
                )
            })
            .collect::<Vec<_>>()
            .join(" ; "),
        "candidat.returned_to_draft" | "candidat.validated" => {
            let state = |map| {
                CandidatState::from_code(&text(map, "state")).map_or("?", CandidatState::label)
            };
            format!("{} → {}", state(&before), state(&after))
        }
        "candidat.imported" => {
            format!("Résultat : {}", display_resultat(&text(&after, "resultat")))
        }
        "inscription.created" => format!(
            "Session {} ; résultat : {}",
            text(&after, "session_id"),
            display_resultat(&text(&after, "resultat"))
        ),
        "issued_document.numbered" => format!("N° {}", event.entity_id),
        "session.candidats_imported" => format!(
            "Fichier « {} » : {} ligne(s), {} candidat(s) créé(s), {} inscrit(s), {} inchangé(s)",
            text(&after, "fichier"),
            text(&after, "lignes"),
            text(&after, "crees"),
            text(&after, "inscrits"),
            text(&after, "inchanges")
        ),
        "print_request.created" => format!(
            "Candidat {} ; demande du {}",
            text(&after, "candidat_id"),
            crate::pages::short_date_text(&text(&after, "requested_on"))
        ),
        _ => event.after_json.clone().unwrap_or_default(),
    }
}

fn display_resultat(code: &str) -> &str {
    ceres_domain::session::Resultat::from_code(code)
        .map_or("non saisi", ceres_domain::session::Resultat::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, before: Option<&str>, after: Option<&str>) -> AuditRow {
        AuditRow {
            at: "2026-12-03T09:00:00.000000Z".into(),
            actor_name: None,
            entity_kind: "candidat".into(),
            entity_id: "2122560".into(),
            action: action.into(),
            before_json: before.map(Into::into),
            after_json: after.map(Into::into),
        }
    }

    #[test]
    fn r13_a_correction_reads_field_by_field_before_and_after() {
        let correction = event(
            "candidat.updated",
            Some(r#"{"date_naissance":"0970-04-23","nom_naissance":"FAURIEL1"}"#),
            Some(r#"{"date_naissance":"1970-04-23","nom_naissance":"FAURIEL"}"#),
        );

        assert_eq!(
            event_details(&correction),
            "Nom de naissance : FAURIEL1 → FAURIEL ; Date de naissance : 23/04/0970 → 23/04/1970"
        );
        assert_eq!(
            action_label(&correction.action),
            "Modification des informations du candidat"
        );
    }

    #[test]
    fn r13_a_change_of_state_reads_as_its_labels() {
        let draft = event(
            "candidat.returned_to_draft",
            Some(r#"{"state":"valide"}"#),
            Some(r#"{"state":"brouillon"}"#),
        );

        assert_eq!(event_details(&draft), "Validé → Brouillon");
    }

    #[test]
    fn instants_are_shown_in_paris_time() {
        assert_eq!(
            paris_time("2026-12-03T09:00:00.000000Z"),
            "03/12/2026 10:00"
        );
    }
}
