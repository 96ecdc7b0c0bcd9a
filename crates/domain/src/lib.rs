//! Pure rules of ceres: the types of the domain, the checks of the design brief's rules
//! (R1–R13), and the French in which documents are written. No I/O lives here.

pub mod adresse;
pub mod candidat;
pub mod candidat_data;
pub mod clock;
pub mod document;
pub mod french;
pub mod ledger;
pub mod perimetre;
pub mod print;
pub mod retention;
pub mod role;
pub mod search;
pub mod session;
pub mod sign_in;
pub mod verification;

pub use clock::{Clock, FixedClock, OffsetClock, SystemClock};
