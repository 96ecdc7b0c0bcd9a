//! The exchange with the print provider, as a ledger (design brief §6): a print request
//! gives documents, the documents go into one pli (an envelope), plis are handed over in
//! lots, and each pli's fate is told by events. This module holds the rules: where a pli
//! goes (R8), which event may follow which, and what the provider may say.

use serde::{Deserialize, Serialize};

/// Where the provider posts a pli (R8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "vers", content = "territoire")]
pub enum Destination {
    /// Mainland France, Corsica included: to the candidate.
    Candidat,
    /// A session held in a DROM-COM: to the DEETS of that territory (its département or
    /// collectivité code), which hands the documents on.
    Deets(String),
}

impl Destination {
    /// Stored code.
    pub fn code(&self) -> &'static str {
        match self {
            Destination::Candidat => "candidat",
            Destination::Deets(_) => "deets",
        }
    }
}

/// The overseas départements (971–976) and collectivités (975, 977, 978, 984, 986–989).
pub const OUTRE_MER: [&str; 13] = [
    "971", "972", "973", "974", "975", "976", "977", "978", "984", "986", "987", "988", "989",
];

/// Whether a département or collectivité code is overseas (a DROM-COM). Corsica (2A, 2B)
/// is mainland for the post.
pub fn is_outre_mer(departement: &str) -> bool {
    OUTRE_MER.contains(&departement)
}

/// R8: where the plis of a session held in `departement` go.
pub fn destination_for_session(departement: &str) -> Destination {
    if is_outre_mer(departement) {
        Destination::Deets(departement.to_owned())
    } else {
        Destination::Candidat
    }
}

/// Where a pli stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PliState {
    /// Its documents are rendered; it waits for the next lot.
    AttenteLot,
    /// In a lot made available to the provider.
    EnLot,
    /// The provider printed it.
    Imprime,
    /// The provider posted it.
    Poste,
    /// Returned undelivered (R9).
    Pnd,
    /// Its address was corrected after a PND: to be posted again (R9).
    AReposter,
}

impl PliState {
    pub const ALL: [PliState; 6] = [
        PliState::AttenteLot,
        PliState::EnLot,
        PliState::Imprime,
        PliState::Poste,
        PliState::Pnd,
        PliState::AReposter,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            PliState::AttenteLot => "attente_lot",
            PliState::EnLot => "en_lot",
            PliState::Imprime => "imprime",
            PliState::Poste => "poste",
            PliState::Pnd => "pnd",
            PliState::AReposter => "a_reposter",
        }
    }

    /// Parses a code made by [`PliState::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.code() == code)
    }

    /// Label shown to agents and operators.
    pub fn label(self) -> &'static str {
        match self {
            PliState::AttenteLot => "En attente de lot",
            PliState::EnLot => "Transmis au prestataire",
            PliState::Imprime => "Imprimé",
            PliState::Poste => "Posté",
            PliState::Pnd => "Pli non distribué",
            PliState::AReposter => "À poster de nouveau",
        }
    }
}

/// Why the post returned a pli, among the reasons the provider may give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PndReason {
    NHabitePas,
    AdresseIncomplete,
    Refuse,
    Autre,
}

impl PndReason {
    pub const ALL: [PndReason; 4] = [
        PndReason::NHabitePas,
        PndReason::AdresseIncomplete,
        PndReason::Refuse,
        PndReason::Autre,
    ];

    /// Stored and API code.
    pub fn code(self) -> &'static str {
        match self {
            PndReason::NHabitePas => "n_habite_pas",
            PndReason::AdresseIncomplete => "adresse_incomplete",
            PndReason::Refuse => "refuse",
            PndReason::Autre => "autre",
        }
    }

    /// Parses a code made by [`PndReason::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }

    /// The reason as La Poste words it.
    pub fn label(self) -> &'static str {
        match self {
            PndReason::NHabitePas => "n'habite pas à l'adresse indiquée",
            PndReason::AdresseIncomplete => "adresse incomplète",
            PndReason::Refuse => "refusé",
            PndReason::Autre => "autre",
        }
    }
}

/// What the provider tells about a pli.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PliEventKind {
    /// Printed and enveloped.
    Imprime,
    /// Handed to the post (first posting, or again after a corrected PND).
    Poste,
    /// Returned undelivered.
    Pnd,
}

impl PliEventKind {
    pub const ALL: [PliEventKind; 3] = [
        PliEventKind::Imprime,
        PliEventKind::Poste,
        PliEventKind::Pnd,
    ];

    /// Stored and API code.
    pub fn code(self) -> &'static str {
        match self {
            PliEventKind::Imprime => "imprime",
            PliEventKind::Poste => "poste",
            PliEventKind::Pnd => "pnd",
        }
    }

    /// Parses a code made by [`PliEventKind::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Label shown in a pli's history.
    pub fn label(self) -> &'static str {
        match self {
            PliEventKind::Imprime => "Imprimé",
            PliEventKind::Poste => "Posté",
            PliEventKind::Pnd => "Retourné non distribué (PND)",
        }
    }
}

/// An event the pli's state does not allow, in the words given to the provider.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImpossibleTransition(pub String);

/// The state a pli reaches by `event`, or why it cannot happen now.
pub fn next_state(state: PliState, event: PliEventKind) -> Result<PliState, ImpossibleTransition> {
    use PliEventKind as E;
    use PliState as S;
    match (state, event) {
        (S::EnLot, E::Imprime) => Ok(S::Imprime),
        (S::Imprime | S::AReposter, E::Poste) => Ok(S::Poste),
        (S::Poste, E::Pnd) => Ok(S::Pnd),
        (S::AttenteLot, _) => Err(ImpossibleTransition(
            "this pli is not in a lot yet: nothing can be recorded for it".into(),
        )),
        (S::EnLot, E::Poste) => Err(ImpossibleTransition(
            "a pli is posted after it is printed: record `imprime` first".into(),
        )),
        (S::EnLot | S::Imprime | S::AReposter, E::Pnd) => Err(ImpossibleTransition(
            "a pli is returned undelivered only after it was posted".into(),
        )),
        (S::Pnd, E::Poste) => Err(ImpossibleTransition(
            "this pli came back undelivered: it is posted again only once the agent has \
             corrected the address"
                .into(),
        )),
        (from, event) => Err(ImpossibleTransition(format!(
            "a pli in state `{}` cannot become `{}`",
            from.code(),
            event.code()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r8_mainland_and_corsica_post_to_the_candidate_overseas_to_the_deets() {
        for mainland in ["75", "93", "2A", "2B", "13"] {
            assert_eq!(destination_for_session(mainland), Destination::Candidat);
        }
        for overseas in [
            "971", "972", "973", "974", "976", "975", "987", "988", "989",
        ] {
            assert_eq!(
                destination_for_session(overseas),
                Destination::Deets(overseas.into()),
                "{overseas}"
            );
        }
    }

    #[test]
    fn a_pli_is_printed_then_posted_then_maybe_returned() {
        let mut state = PliState::EnLot;
        for event in [
            PliEventKind::Imprime,
            PliEventKind::Poste,
            PliEventKind::Pnd,
        ] {
            state = next_state(state, event).unwrap();
        }
        assert_eq!(state, PliState::Pnd);
        assert_eq!(
            next_state(PliState::AReposter, PliEventKind::Poste),
            Ok(PliState::Poste)
        );
    }

    #[test]
    fn impossible_events_are_refused_with_a_reason() {
        let refused = [
            (PliState::EnLot, PliEventKind::Poste, "printed"),
            (PliState::AttenteLot, PliEventKind::Imprime, "not in a lot"),
            (PliState::Imprime, PliEventKind::Pnd, "after it was posted"),
            (PliState::Pnd, PliEventKind::Poste, "corrected the address"),
            (PliState::Poste, PliEventKind::Imprime, "cannot become"),
            (PliState::Imprime, PliEventKind::Imprime, "cannot become"),
        ];
        for (state, event, why) in refused {
            let error = next_state(state, event).unwrap_err();
            assert!(error.0.contains(why), "{state:?} {event:?}: {error}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for state in PliState::ALL {
            assert_eq!(PliState::from_code(state.code()), Some(state));
        }
        for reason in PndReason::ALL {
            assert_eq!(PndReason::from_code(reason.code()), Some(reason));
        }
        for kind in PliEventKind::ALL {
            assert_eq!(PliEventKind::from_code(kind.code()), Some(kind));
        }
    }
}
