//! Exam sessions and their states (R1).

use serde::{Deserialize, Serialize};

/// The states of a session, as CERES names them (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    EnPreparation,
    ConvocationsEnvoyees,
    EnAttenteDeResultats,
    EnAttenteDeValidation,
    Validee,
    Debloquee,
    NonFinalisee,
    NonFinaliseeEnAttenteDePj,
}

impl SessionState {
    /// Every state, in the order of the tracking board.
    pub const ALL: [SessionState; 8] = [
        SessionState::EnPreparation,
        SessionState::ConvocationsEnvoyees,
        SessionState::EnAttenteDeResultats,
        SessionState::EnAttenteDeValidation,
        SessionState::Validee,
        SessionState::Debloquee,
        SessionState::NonFinalisee,
        SessionState::NonFinaliseeEnAttenteDePj,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            SessionState::EnPreparation => "en_preparation",
            SessionState::ConvocationsEnvoyees => "convocations_envoyees",
            SessionState::EnAttenteDeResultats => "en_attente_de_resultats",
            SessionState::EnAttenteDeValidation => "en_attente_de_validation",
            SessionState::Validee => "validee",
            SessionState::Debloquee => "debloquee",
            SessionState::NonFinalisee => "non_finalisee",
            SessionState::NonFinaliseeEnAttenteDePj => "non_finalisee_en_attente_de_pj",
        }
    }

    /// Parses a code made by [`SessionState::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.code() == code)
    }

    /// The label shown to agents.
    pub fn label(self) -> &'static str {
        match self {
            SessionState::EnPreparation => "En préparation",
            SessionState::ConvocationsEnvoyees => "Convocations envoyées",
            SessionState::EnAttenteDeResultats => "En attente de résultats",
            SessionState::EnAttenteDeValidation => "En attente de validation",
            SessionState::Validee => "Validée",
            SessionState::Debloquee => "Débloquée",
            SessionState::NonFinalisee => "Non finalisée",
            SessionState::NonFinaliseeEnAttenteDePj => "Non finalisée en attente de PJ",
        }
    }

    /// R1: documents are edited only for a validated session.
    pub fn allows_documents(self) -> bool {
        self == SessionState::Validee
    }
}

/// What a session certifies: the whole titre, CCPs alone (a candidate's progressive path),
/// or a certificat complémentaire de spécialisation (CCS), taken once the titre is held.
/// It decides which documents a candidate receives ([`crate::print::documents_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionNature {
    Titre,
    Ccp,
    Ccs,
}

impl SessionNature {
    /// Every nature, in a stable order.
    pub const ALL: [SessionNature; 3] =
        [SessionNature::Titre, SessionNature::Ccp, SessionNature::Ccs];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            SessionNature::Titre => "titre",
            SessionNature::Ccp => "ccp",
            SessionNature::Ccs => "ccs",
        }
    }

    /// Parses a code made by [`SessionNature::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|nature| nature.code() == code)
    }

    /// The label shown to agents.
    pub fn label(self) -> &'static str {
        match self {
            SessionNature::Titre => "Titre professionnel",
            SessionNature::Ccp => "Certificats de compétences professionnelles",
            SessionNature::Ccs => "Certificat complémentaire de spécialisation",
        }
    }
}

/// A candidate's result at a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resultat {
    Admis,
    NonAdmis,
}

impl Resultat {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Resultat::Admis => "admis",
            Resultat::NonAdmis => "non_admis",
        }
    }

    /// Parses a code made by [`Resultat::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "admis" => Some(Resultat::Admis),
            "non_admis" => Some(Resultat::NonAdmis),
            _ => None,
        }
    }

    /// The label shown to agents and printed.
    pub fn label(self) -> &'static str {
        match self {
            Resultat::Admis => "Admis",
            Resultat::NonAdmis => "Non admis",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r1_only_a_validated_session_allows_documents() {
        let allowed: Vec<_> = SessionState::ALL
            .into_iter()
            .filter(|state| state.allows_documents())
            .collect();

        assert_eq!(allowed, vec![SessionState::Validee]);
    }

    #[test]
    fn state_codes_round_trip() {
        for state in SessionState::ALL {
            assert_eq!(SessionState::from_code(state.code()), Some(state));
        }
        assert_eq!(SessionState::from_code("validée"), None);
    }

    #[test]
    fn nature_codes_round_trip() {
        for nature in SessionNature::ALL {
            assert_eq!(SessionNature::from_code(nature.code()), Some(nature));
        }
        assert_eq!(SessionNature::from_code("CCS"), None);
    }
}
