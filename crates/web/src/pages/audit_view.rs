//! The traçabilité (R13) as users read it, in French, each change field by field: one view
//! for the session's Traçabilité tab, the « Traçabilité du candidat » section and the
//! history of the administration pages, all laid out by `audit_table.html`.

use ceres_domain::candidat::Field;
use ceres_domain::candidat_data::{CandidatState, display_value};
use ceres_domain::clock::paris;
use ceres_domain::document::DocumentKind;
use ceres_domain::role::Role;
use ceres_domain::session::Resultat;
use ceres_store::audit::AuditRow;
use ceres_store::candidat_import::CLI_ACTOR;
use ceres_store::retention::PURGE_ACTOR;
use serde_json::{Map, Value};

use super::short_date_text;

/// What a value reads as when a change emptied it, or set it from nothing.
const EMPTY: &str = "(vide)";

/// One entry of a Traçabilité table.
pub struct AuditLine {
    /// The entry's position in the chain, as `ceres audit verify` names it.
    pub numero: i64,
    pub date: String,
    pub auteur: String,
    pub action: String,
    pub objet: String,
    pub changes: Vec<FieldChange>,
    /// The before and after values were redacted when their retention ended.
    pub redacted: bool,
}

/// A field a change set, or changed from one value to another.
pub struct FieldChange {
    pub field: String,
    /// Empty for a value set by a creation.
    pub before: String,
    pub after: String,
}

impl AuditLine {
    pub fn of(row: &AuditRow) -> AuditLine {
        let auteur = match (&row.actor_name, row.actor.as_str()) {
            (Some(name), _) => name.clone(),
            (None, PURGE_ACTOR) => "Purge des données (durée de conservation)".to_owned(),
            (None, CLI_ACTOR) => "Import en ligne de commande".to_owned(),
            (None, _) => "—".to_owned(),
        };
        AuditLine {
            numero: row.seq,
            date: paris_time(&row.at),
            auteur,
            action: action_label(&row.action).to_owned(),
            objet: object_label(&row.entity_kind, &row.entity_id),
            changes: changes(row.before_json.as_deref(), row.after_json.as_deref()),
            redacted: row.redacted == 1,
        }
    }
}

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

/// The French label of an audit action code; an unknown code is shown as it is.
pub fn action_label(code: &str) -> &str {
    match code {
        "print_request.created" => "Demande d'impression initiale transmise",
        "print_request.duplicata_created" => "Demande de duplicata transmise",
        "pli.created" => "Pli constitué",
        "pli.event" => "Événement du pli signalé par le prestataire",
        "pli.requeued" => "Adresse corrigée : pli à poster de nouveau",
        "lot.created" => "Lot constitué",
        "lot.acknowledged" => "Lot pris en charge par le prestataire",
        "issued_document.numbered" => "Document numéroté",
        "candidat.returned_to_draft" => "Retour à l'état brouillon",
        "candidat.updated" => "Modification des informations du candidat",
        "candidat.validated" => "Validation des informations du candidat",
        "attestation.issued" => "Attestation de réussite téléchargée",
        "candidat.imported" => "Candidat créé par import",
        "candidat.contact_purged" => "Coordonnées effacées au terme de leur conservation",
        "inscription.created" => "Inscription à la session par import",
        "session.candidats_imported" => "Import de candidats",
        "structure.created" => "Structure créée",
        "structure.updated" => "Paramètres de la structure modifiés",
        "app_user.created" => "Compte créé",
        "app_user.updated" => "Compte modifié",
        "app_user.password_set" => "Mot de passe défini",
        "app_user.oidc_bound" => "Compte relié à l'identité d'agent de l'État",
        other => other,
    }
}

fn object_label(kind: &str, id: &str) -> String {
    match kind {
        "print_request" => "Demande d'impression".to_owned(),
        "issued_document" => format!("Document n° {id}"),
        "candidat" => format!("Candidat n° {id}"),
        "structure" => format!("Structure « {id} »"),
        "app_user" => "Compte utilisateur".to_owned(),
        "session" => format!("Session {id}"),
        other => format!("{other} {id}"),
    }
}

/// The field of the candidate record stored under `key`, if it is one.
fn candidat_field(key: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|field| field.key() == key)
}

fn field_label(key: &str) -> &str {
    if let Some(field) = candidat_field(key) {
        return field.label();
    }
    match key {
        "kind" => "Type",
        "candidat_id" => "Candidat",
        "requested_on" => "Date de la demande",
        "sequence" => "Impression",
        "state" => "État de la fiche",
        "session_id" => "Session",
        "resultat" => "Résultat",
        "ccps_obtenus" => "CCP obtenus",
        "fichier" => "Fichier",
        "lignes" => "Lignes du fichier",
        "crees" => "Candidats créés",
        "inscrits" => "Candidats inscrits",
        "inchanges" => "Candidats inchangés",
        "email" => "Adresse électronique",
        "display_name" => "Nom",
        "role" => "Rôle",
        "structure_id" => "Structure",
        "disabled" => "Compte désactivé",
        "nom" => "Nom",
        "region_code" => "Région",
        "departement_code" => "Département",
        "adresse" => "Adresse postale",
        "lieu_etablissement_commune" => "Lieu d'établissement (code commune)",
        "signataire_nom" => "Signataire",
        "signataire_titre" => "Titre du signataire",
        "contact_nom" => "Affaire suivie par",
        "oidc_subject" => "Identifiant chez le fournisseur d'identité",
        other => other,
    }
}

/// A JSON value as a reader expects it: the label of a code, dates as JJ/MM/AAAA, booleans
/// as oui / non; empty for nothing.
fn value_text(key: &str, value: &Value) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::Bool(true) => return "oui".to_owned(),
        Value::Bool(false) => return "non".to_owned(),
        Value::Array(items) => {
            return items
                .iter()
                .map(|item| value_text(key, item))
                .collect::<Vec<_>>()
                .join(" / ");
        }
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    if text.trim().is_empty() {
        return String::new();
    }
    if let Some(field) = candidat_field(key) {
        return display_value(field, &text);
    }
    let label = match key {
        "role" => Role::from_code(&text).map(Role::label),
        "state" => CandidatState::from_code(&text).map(CandidatState::label),
        "resultat" => Resultat::from_code(&text).map(Resultat::label),
        "kind" => DocumentKind::from_slug(&text)
            .map(DocumentKind::label)
            .or(match text.as_str() {
                "initiale" => Some("Initiale"),
                "duplicata" => Some("Duplicata"),
                _ => None,
            }),
        "sequence" if text == "0" => Some("originale"),
        "sequence" => return format!("duplicata n° {text}"),
        _ => None,
    };
    match label {
        Some(label) => label.to_owned(),
        None if is_iso_date(&text) => short_date_text(&text),
        None => text,
    }
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && text.chars().filter(char::is_ascii_digit).count() == 8
}

/// The fields whose value differs between before and after: the fields of the candidate
/// record first, in the order of its form, then the others by code. A creation lists the
/// values it set; a change writes an emptied value as « (vide) ».
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let parse = |text: Option<&str>| -> Map<String, Value> {
        text.and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (before, after) = (parse(before), parse(after));
    let mut keys: Vec<&String> = after.keys().collect();
    keys.extend(before.keys().filter(|k| !after.contains_key(*k)));
    keys.sort_by_key(|key| {
        candidat_field(key).map_or(usize::MAX, |f| {
            Field::ALL
                .iter()
                .position(|g| *g == f)
                .unwrap_or(usize::MAX)
        })
    });

    let shown =
        |key: &str, map: &Map<String, Value>| map.get(key).map(|value| value_text(key, value));
    keys.into_iter()
        .filter(|key| before.get(*key) != after.get(*key))
        .filter_map(|key| {
            let (old, new) = (shown(key, &before), shown(key, &after));
            let change = match old {
                // A creation, or a value set where there was none: only what it set.
                None if new.as_deref().is_none_or(str::is_empty) => return None,
                None => FieldChange {
                    field: field_label(key).to_owned(),
                    before: String::new(),
                    after: new.unwrap_or_default(),
                },
                Some(old) => FieldChange {
                    field: field_label(key).to_owned(),
                    before: or_empty(old),
                    after: or_empty(new.unwrap_or_default()),
                },
            };
            Some(change)
        })
        .collect()
}

fn or_empty(text: String) -> String {
    if text.is_empty() {
        EMPTY.to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(lines: &[FieldChange]) -> Vec<(&str, &str, &str)> {
        lines
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
            .collect()
    }

    #[test]
    fn a_change_lists_only_the_fields_that_moved_in_french() {
        let before = r#"{"nom":"UD 75","signataire_nom":"Camille Durand","disabled":false}"#;
        let after = r#"{"nom":"UD 75","signataire_nom":"Alix Martin","disabled":true}"#;

        let lines = changes(Some(before), Some(after));

        assert_eq!(
            described(&lines),
            [
                ("Compte désactivé", "non", "oui"),
                ("Signataire", "Camille Durand", "Alix Martin")
            ]
        );
    }

    #[test]
    fn dates_and_roles_read_as_users_write_them() {
        let lines = changes(
            None,
            Some(r#"{"requested_on":"2026-12-03","role":"admin"}"#),
        );

        assert_eq!(lines[0].after, "03/12/2026");
        assert_eq!(lines[1].after, "Administrateur national");
    }

    #[test]
    fn r13_a_correction_reads_field_by_field_in_the_order_of_the_record() {
        let lines = changes(
            Some(r#"{"date_naissance":"0970-04-23","nom_naissance":"FAURIEL1","nom_usage":"X"}"#),
            Some(r#"{"date_naissance":"1970-04-23","nom_naissance":"FAURIEL","nom_usage":""}"#),
        );

        assert_eq!(
            described(&lines),
            [
                ("Nom de naissance", "FAURIEL1", "FAURIEL"),
                ("Nom d'usage", "X", "(vide)"),
                ("Date de naissance", "23/04/0970", "23/04/1970"),
            ]
        );
        assert_eq!(
            action_label("candidat.updated"),
            "Modification des informations du candidat"
        );
    }

    #[test]
    fn r13_a_change_of_state_and_an_import_read_as_their_labels() {
        let draft = changes(
            Some(r#"{"state":"valide"}"#),
            Some(r#"{"state":"brouillon"}"#),
        );
        let imported = changes(
            None,
            Some(r#"{"civilite":"madame","nom_usage":"","resultat":"admis","session_id":"S"}"#),
        );

        assert_eq!(
            described(&draft),
            [("État de la fiche", "Validé", "Brouillon")]
        );
        assert_eq!(
            described(&imported),
            [
                ("Genre", "", "Madame"),
                ("Résultat", "", "Admis"),
                ("Session", "", "S")
            ],
            "a creation lists what it set, not the empty fields"
        );
    }

    #[test]
    fn instants_are_shown_in_paris_time() {
        assert_eq!(
            paris_time("2026-12-03T09:00:00.000000Z"),
            "03/12/2026 10:00"
        );
    }
}
