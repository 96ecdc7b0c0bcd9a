//! Print requests: when one may be made (R1, R3, R5), and which documents it carries.

use jiff::civil::Date;
use serde::Serialize;

use crate::candidat::CheckReport;
use crate::document::DocumentKind;
use crate::french;
use crate::session::{Resultat, SessionNature, SessionState};

/// The kind of a print request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrintRequestKind {
    /// The first request for a candidate in a session (R5: one only).
    Initiale,
    /// An official re-issue (R6).
    Duplicata,
}

impl PrintRequestKind {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            PrintRequestKind::Initiale => "initiale",
            PrintRequestKind::Duplicata => "duplicata",
        }
    }
}

/// Why a print request is refused. Each variant's message is what the agent reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// R1: the session is not validated.
    SessionNotValidated(SessionState),
    /// R5: the initial request was already made, on that date (Europe/Paris).
    AlreadyRequested(Date),
    /// R3: the box « Données vérifiées et conformes » is not ticked.
    NotVerified,
    /// R3: the candidate's data is invalid; the sentence names the fields.
    InvalidData(String),
    /// R4: the candidate record is in brouillon, being corrected: it is sent once
    /// validated again.
    CandidatInDraft,
}

impl Refusal {
    /// The message shown to the agent, in French.
    pub fn message(&self) -> String {
        match self {
            Refusal::SessionNotValidated(state) => format!(
                "La session est à l'état « {} » : les documents ne sont édités que pour une \
                 session validée.",
                state.label()
            ),
            Refusal::AlreadyRequested(on) => format!(
                "Une demande d'impression initiale a déjà été transmise le {} pour ce candidat.",
                french::short_date(*on)
            ),
            Refusal::NotVerified => "Cochez la case « Données vérifiées et conformes » avant \
                                     d'envoyer pour impression."
                .to_owned(),
            Refusal::InvalidData(sentence) => sentence.clone(),
            Refusal::CandidatInDraft => "Les informations du candidat sont à l'état brouillon : \
                                         validez-les dans le module « Candidats » avant \
                                         d'envoyer pour impression."
                .to_owned(),
        }
    }
}

/// What is known when an agent asks for the initial print request.
#[derive(Debug, Clone)]
pub struct InitialRequestContext<'a> {
    pub session_state: SessionState,
    /// The date (Europe/Paris) of the initial request already made, if any.
    pub existing_initial: Option<Date>,
    pub verified_box_ticked: bool,
    /// Whether the candidate record is in brouillon (R4).
    pub candidat_in_draft: bool,
    pub check: &'a CheckReport,
}

/// R1, R3, R5: every reason to refuse the initial request, in the order the agent should
/// act on them. Empty means the request may be recorded.
///
/// R5 under concurrency is kept by the store (a unique key), not here: two clicks that both
/// pass this check still make one request.
pub fn refusals_for_initial_request(ctx: &InitialRequestContext<'_>) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    if !ctx.session_state.allows_documents() {
        refusals.push(Refusal::SessionNotValidated(ctx.session_state));
    }
    if let Some(on) = ctx.existing_initial {
        refusals.push(Refusal::AlreadyRequested(on));
    }
    if ctx.candidat_in_draft {
        refusals.push(Refusal::CandidatInDraft);
    }
    if let Some(sentence) = ctx.check.refusal() {
        refusals.push(Refusal::InvalidData(sentence));
    }
    if !ctx.verified_box_ticked {
        refusals.push(Refusal::NotVerified);
    }
    refusals
}

/// R7: the attestation de réussite is offered to an Admis candidate once the initial print
/// request is recorded, never before (the diploma it announces is then on its way).
pub fn attestation_offered(resultat: Option<Resultat>, initial_request_recorded: bool) -> bool {
    resultat == Some(Resultat::Admis) && initial_request_recorded
}

/// The documents a candidate receives for a result, in the order they go into the envelope.
///
/// - A titre session: the cover letter, the diploma and the livret for an Admis candidate;
///   the notification d'échec for a Non admis one, with the livret when CCPs were obtained.
/// - A CCP session (a progressive path): the cover letter and the livret alone when CCPs were
///   obtained; the notification d'échec when none was.
/// - A CCS session: the cover letter and the CCS diploma for an Admis candidate; the
///   notification d'échec otherwise.
///
/// The attestation de réussite is not in the envelope: it is downloaded (R7).
pub fn documents_for(
    nature: SessionNature,
    resultat: Resultat,
    ccps_obtenus: usize,
) -> Vec<DocumentKind> {
    use DocumentKind::*;
    match (nature, resultat) {
        (SessionNature::Titre, Resultat::Admis) => vec![LettreAccompagnement, Diplome, Livret],
        (SessionNature::Titre, Resultat::NonAdmis) if ccps_obtenus > 0 => {
            vec![NotificationEchec, Livret]
        }
        (SessionNature::Ccp, _) if ccps_obtenus > 0 => vec![LettreAccompagnement, Livret],
        (SessionNature::Ccs, Resultat::Admis) => vec![LettreAccompagnement, DiplomeCcs],
        _ => vec![NotificationEchec],
    }
}

/// The line of the candidate list after the initial request (R6's wording).
pub fn initial_request_line(on: Date) -> String {
    format!(
        "Demande d'impression initiale transmise le {}",
        french::short_date(on)
    )
}

/// R6: calendar days (Europe/Paris) after the last request before a duplicata may be asked.
pub const DUPLICATA_DELAY_DAYS: i64 = 7;

/// R6: the first Europe/Paris calendar day on which a duplicata may be requested, the 7th
/// after the last request (initial or duplicata). Counted in calendar dates, never in hours,
/// so a daylight-saving change in between moves nothing.
pub fn duplicata_possible_from(last_request_on: Date) -> Date {
    last_request_on
        .checked_add(jiff::Span::new().days(DUPLICATA_DELAY_DAYS))
        .expect("a request date is far from the end of the calendar")
}

/// R6: why a duplicata cannot be requested `today` (a Europe/Paris date), naming the date
/// from which it can; `None` when it can.
pub fn duplicata_refusal(last_request_on: Date, today: Date) -> Option<String> {
    let from = duplicata_possible_from(last_request_on);
    (today < from).then(|| {
        format!(
            "Un duplicata ne peut être demandé qu'à partir du {} : la dernière demande a été \
             transmise le {} et {DUPLICATA_DELAY_DAYS} jours doivent s'écouler.",
            french::short_date(from),
            french::short_date(last_request_on)
        )
    })
}

/// The candidate list's line for the duplicatas requested: the date of the last and their
/// number, as the tutorial writes it.
pub fn duplicata_request_line(last_on: Date, count: usize) -> String {
    format!(
        "Dernière demande de duplicatas transmise le {} ({count})",
        french::short_date(last_on)
    )
}

/// Why a duplicata is asked (R6), recorded with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicataMotif {
    /// The printed document carries a mistake that has since been corrected.
    ErreurSaisie,
    /// The candidate did not receive the pli (R10).
    CourrierPerdu,
    Autre,
}

impl DuplicataMotif {
    pub const ALL: [DuplicataMotif; 3] = [
        DuplicataMotif::ErreurSaisie,
        DuplicataMotif::CourrierPerdu,
        DuplicataMotif::Autre,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            DuplicataMotif::ErreurSaisie => "erreur_saisie",
            DuplicataMotif::CourrierPerdu => "courrier_perdu",
            DuplicataMotif::Autre => "autre",
        }
    }

    /// Parses a code made by [`DuplicataMotif::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|motif| motif.code() == code)
    }

    /// Label shown to agents.
    pub fn label(self) -> &'static str {
        match self {
            DuplicataMotif::ErreurSaisie => "Erreur de saisie",
            DuplicataMotif::CourrierPerdu => "Courrier perdu",
            DuplicataMotif::Autre => "Autre",
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::candidat::{Field, Issue};

    fn ctx(check: &CheckReport) -> InitialRequestContext<'_> {
        InitialRequestContext {
            session_state: SessionState::Validee,
            existing_initial: None,
            verified_box_ticked: true,
            candidat_in_draft: false,
            check,
        }
    }

    #[test]
    fn r3_a_valid_ticked_request_on_a_validated_session_passes() {
        let valid = CheckReport::default();

        assert!(refusals_for_initial_request(&ctx(&valid)).is_empty());
    }

    #[test]
    fn r1_a_session_awaiting_validation_refuses_documents() {
        let valid = CheckReport::default();
        let context = InitialRequestContext {
            session_state: SessionState::EnAttenteDeValidation,
            ..ctx(&valid)
        };

        let refusals = refusals_for_initial_request(&context);

        assert_eq!(
            refusals,
            vec![Refusal::SessionNotValidated(
                SessionState::EnAttenteDeValidation
            )]
        );
        assert!(refusals[0].message().contains("En attente de validation"));
    }

    #[test]
    fn r5_a_second_initial_request_is_refused_with_the_first_date() {
        let valid = CheckReport::default();
        let context = InitialRequestContext {
            existing_initial: Some(date(2022, 11, 29)),
            ..ctx(&valid)
        };

        let refusals = refusals_for_initial_request(&context);

        assert_eq!(refusals.len(), 1);
        assert!(refusals[0].message().contains("29/11/2022"));
    }

    #[test]
    fn r3_an_unticked_box_and_invalid_data_are_both_named() {
        let invalid = CheckReport {
            errors: vec![Issue {
                field: Field::NomNaissance,
                check: "R4.name.forbidden_character",
                message: String::new(),
            }],
            warnings: vec![],
        };
        let context = InitialRequestContext {
            verified_box_ticked: false,
            ..ctx(&invalid)
        };

        let messages: Vec<String> = refusals_for_initial_request(&context)
            .iter()
            .map(Refusal::message)
            .collect();

        assert_eq!(
            messages[0],
            "Les informations du candidat sont invalides : Nom de naissance"
        );
        assert!(messages[1].contains("Données vérifiées et conformes"));
    }

    #[test]
    fn r4_a_candidate_in_brouillon_is_not_sent_until_validated_again() {
        let valid = CheckReport::default();
        let context = InitialRequestContext {
            candidat_in_draft: true,
            ..ctx(&valid)
        };

        let refusals = refusals_for_initial_request(&context);

        assert_eq!(refusals, vec![Refusal::CandidatInDraft]);
        assert!(refusals[0].message().contains("brouillon"));
    }

    #[test]
    fn admis_receive_letter_diploma_and_livret_non_admis_the_notification() {
        assert_eq!(
            documents_for(SessionNature::Titre, Resultat::Admis, 3),
            vec![
                DocumentKind::LettreAccompagnement,
                DocumentKind::Diplome,
                DocumentKind::Livret
            ]
        );
        assert_eq!(
            documents_for(SessionNature::Titre, Resultat::NonAdmis, 0),
            vec![DocumentKind::NotificationEchec]
        );
    }

    #[test]
    fn a_non_admis_candidate_with_ccps_also_receives_the_livret() {
        assert_eq!(
            documents_for(SessionNature::Titre, Resultat::NonAdmis, 1),
            vec![DocumentKind::NotificationEchec, DocumentKind::Livret]
        );
    }

    #[test]
    fn a_ccp_session_sends_the_livret_alone_with_its_letter() {
        for resultat in [Resultat::Admis, Resultat::NonAdmis] {
            assert_eq!(
                documents_for(SessionNature::Ccp, resultat, 2),
                vec![DocumentKind::LettreAccompagnement, DocumentKind::Livret]
            );
            assert_eq!(
                documents_for(SessionNature::Ccp, resultat, 0),
                vec![DocumentKind::NotificationEchec]
            );
        }
    }

    #[test]
    fn a_ccs_session_sends_the_ccs_diploma_and_no_livret() {
        assert_eq!(
            documents_for(SessionNature::Ccs, Resultat::Admis, 0),
            vec![DocumentKind::LettreAccompagnement, DocumentKind::DiplomeCcs]
        );
        assert_eq!(
            documents_for(SessionNature::Ccs, Resultat::NonAdmis, 0),
            vec![DocumentKind::NotificationEchec]
        );
    }

    #[test]
    fn the_list_line_uses_the_tutorials_wording() {
        assert_eq!(
            initial_request_line(date(2022, 11, 29)),
            "Demande d'impression initiale transmise le 29/11/2022"
        );
    }

    #[test]
    fn r7_the_attestation_is_offered_to_admis_candidates_after_the_first_request() {
        assert!(attestation_offered(Some(Resultat::Admis), true));
        assert!(!attestation_offered(Some(Resultat::Admis), false));
        assert!(!attestation_offered(Some(Resultat::NonAdmis), true));
        assert!(!attestation_offered(None, true));
    }

    fn paris_date(instant: &str) -> Date {
        let at: jiff::Timestamp = instant.parse().unwrap();
        at.to_zoned_datetime(crate::clock::paris()).date()
    }

    #[test]
    fn r6_a_duplicata_is_refused_at_day_6_with_its_date_and_accepted_at_days_7_and_8() {
        let last = jiff::civil::date(2026, 12, 3);
        let refusal = duplicata_refusal(last, jiff::civil::date(2026, 12, 9)).unwrap();
        assert!(refusal.contains("à partir du 10/12/2026"), "{refusal}");
        assert!(refusal.contains("transmise le 03/12/2026"), "{refusal}");
        assert!(duplicata_refusal(last, jiff::civil::date(2026, 12, 3)).is_some());
        assert_eq!(
            duplicata_refusal(last, jiff::civil::date(2026, 12, 10)),
            None
        );
        assert_eq!(
            duplicata_refusal(last, jiff::civil::date(2026, 12, 11)),
            None
        );
        // Across the end of the year.
        assert_eq!(
            duplicata_possible_from(jiff::civil::date(2026, 12, 28)),
            jiff::civil::date(2027, 1, 4)
        );
    }

    #[test]
    fn r6_the_delay_counts_paris_calendar_days_across_a_daylight_saving_change() {
        // Requested at 00:30 in Paris on 25 March 2026 (23:30 UTC the day before); summer
        // time begins on 29 March.
        let last = paris_date("2026-03-24T23:30:00Z");
        assert_eq!(last, jiff::civil::date(2026, 3, 25));
        // 23:30 in Paris on 31 March, summer time: still day 6.
        let day_6 = paris_date("2026-03-31T21:30:00Z");
        assert_eq!(day_6, jiff::civil::date(2026, 3, 31));
        assert!(duplicata_refusal(last, day_6).is_some());
        // 00:30 in Paris on 1 April: day 7, though only 167 hours have passed.
        let day_7 = paris_date("2026-03-31T22:30:00Z");
        assert_eq!(day_7, jiff::civil::date(2026, 4, 1));
        assert_eq!(duplicata_refusal(last, day_7), None);
        // Back to winter time on 25 October 2026: the same count.
        let autumn = paris_date("2026-10-20T10:00:00Z");
        assert!(duplicata_refusal(autumn, paris_date("2026-10-26T22:59:00Z")).is_some());
        assert_eq!(
            duplicata_refusal(autumn, paris_date("2026-10-26T23:00:00Z")),
            None
        );
    }

    #[test]
    fn r6_the_list_line_gives_the_last_duplicata_date_and_their_number() {
        assert_eq!(
            duplicata_request_line(jiff::civil::date(2026, 12, 11), 2),
            "Dernière demande de duplicatas transmise le 11/12/2026 (2)"
        );
    }
}
