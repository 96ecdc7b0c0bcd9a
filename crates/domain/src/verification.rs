//! Document numbers and verification codes (design brief §4).
//!
//! Every printed diplôme and livret carries a unique number and a verification code, printed
//! as a QR code. The code is the number followed by an Ed25519 signature of it, so that the
//! public verification page can tell a code ceres issued from a forged one without trusting
//! the database, and then look the number up to say whether a later duplicata superseded it.
//!
//! A code reads `DIP-2026-000042.<signature>`: the number, a dot, and the 64-byte signature
//! in unpadded URL-safe base64 (86 characters). It holds only characters that need no
//! escaping in a URL path.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::document::DocumentKind;

/// What is signed: a fixed context, so a signature made for something else never verifies.
const CONTEXT: &[u8] = b"ceres/verification/v1/";

/// A unique document number, e.g. `DIP-2026-000042`: the kind's prefix, the year of issue
/// and a sequence shared by every kind within that year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentNumber(String);

/// Why a text is not a document number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a document number: {0:?}")]
pub struct NotADocumentNumber(String);

impl DocumentNumber {
    /// The number of the `sequence`-th document issued in `year`.
    pub fn new(kind: DocumentKind, year: i16, sequence: u64) -> DocumentNumber {
        DocumentNumber(format!("{}-{year:04}-{sequence:06}", prefix(kind)))
    }

    /// Reads a number as printed. Only the shape is checked: whether such a document was
    /// issued is for the store to say.
    pub fn parse(text: &str) -> Result<DocumentNumber, NotADocumentNumber> {
        let refuse = || NotADocumentNumber(text.to_owned());
        let mut parts = text.split('-');
        let (Some(kind), Some(year), Some(sequence), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(refuse());
        };
        let digits = |part: &str, min: usize| {
            part.len() >= min && part.len() <= 12 && part.bytes().all(|b| b.is_ascii_digit())
        };
        if kind_of_prefix(kind).is_none() || year.len() != 4 || !digits(year, 4) {
            return Err(refuse());
        }
        if !digits(sequence, 6) {
            return Err(refuse());
        }
        Ok(DocumentNumber(text.to_owned()))
    }

    /// The kind of document this number was given to.
    pub fn kind(&self) -> DocumentKind {
        let prefix = self.0.split('-').next().unwrap_or_default();
        kind_of_prefix(prefix).expect("a DocumentNumber always starts with a known prefix")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The documents that are numbered, with the prefix of their numbers.
const PREFIXES: [(DocumentKind, &str); 3] = [
    (DocumentKind::Diplome, "DIP"),
    (DocumentKind::DiplomeCcs, "CCS"),
    (DocumentKind::Livret, "LIV"),
];

/// Whether printed versions of this kind carry a number and a verification code. Letters
/// do not: they certify nothing.
pub fn is_numbered(kind: DocumentKind) -> bool {
    PREFIXES.iter().any(|(k, _)| *k == kind)
}

fn prefix(kind: DocumentKind) -> &'static str {
    PREFIXES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("DOC", |(_, prefix)| prefix)
}

fn kind_of_prefix(prefix: &str) -> Option<DocumentKind> {
    PREFIXES.iter().find(|(_, p)| *p == prefix).map(|(k, _)| *k)
}

/// The key that signs verification codes. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct SigningSecret(SigningKey);

/// Why a configured signing key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the signing key must be 32 bytes in base64 (44 characters)")]
pub struct BadSigningKey;

impl SigningSecret {
    /// A key from its 32-byte seed (draw it from a cryptographic random source).
    pub fn from_seed(seed: [u8; 32]) -> SigningSecret {
        SigningSecret(SigningKey::from_bytes(&seed))
    }

    /// Reads a key written by [`SigningSecret::to_base64`] (standard base64, padded).
    pub fn from_base64(text: &str) -> Result<SigningSecret, BadSigningKey> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| BadSigningKey)?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| BadSigningKey)?;
        Ok(SigningSecret::from_seed(seed))
    }

    /// The seed in standard base64, for the key file or the environment variable.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0.to_bytes())
    }

    /// The public half, which is all the verification page needs.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The verification code of a document number.
    pub fn code_for(&self, number: &DocumentNumber) -> String {
        let signature = self.0.sign(&signed_message(number));
        format!("{number}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

/// The key that checks verification codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

/// What a verification code says about itself, before any look-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// ceres signed this number: the document may be looked up.
    Signed(DocumentNumber),
    /// The text is shaped like a code but its signature does not match: a forgery, or a
    /// code mistyped.
    Forged,
    /// The text is not a verification code at all.
    Malformed,
}

impl PublicKey {
    /// Checks a code read from a QR code or typed from the paper.
    pub fn check(&self, code: &str) -> CodeCheck {
        let Some((number, signature)) = code.trim().split_once('.') else {
            return CodeCheck::Malformed;
        };
        let Ok(number) = DocumentNumber::parse(number) else {
            return CodeCheck::Malformed;
        };
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
            return CodeCheck::Forged;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return CodeCheck::Forged;
        };
        match self.0.verify(&signed_message(&number), &signature) {
            Ok(()) => CodeCheck::Signed(number),
            Err(_) => CodeCheck::Forged,
        }
    }
}

fn signed_message(number: &DocumentNumber) -> Vec<u8> {
    [CONTEXT, number.as_str().as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SigningSecret {
        SigningSecret::from_seed([byte; 32])
    }

    #[test]
    fn a_number_reads_kind_year_and_sequence() {
        let number = DocumentNumber::new(DocumentKind::Diplome, 2026, 42);

        assert_eq!(number.as_str(), "DIP-2026-000042");
        assert_eq!(DocumentNumber::parse("DIP-2026-000042"), Ok(number.clone()));
        assert_eq!(number.kind(), DocumentKind::Diplome);
        assert_eq!(
            DocumentNumber::new(DocumentKind::Livret, 2026, 1_234_567).as_str(),
            "LIV-2026-1234567"
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for text in [
            "",
            "DIP",
            "DIP-2026",
            "XYZ-2026-000001",
            "DIP-26-000001",
            "DIP-2026-0001",
            "DIP-2026-00000a",
            "DIP-2026-000001-1",
            "dip-2026-000001",
        ] {
            assert!(DocumentNumber::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn letters_are_not_numbered_but_diplomas_and_livrets_are() {
        assert!(is_numbered(DocumentKind::Diplome));
        assert!(is_numbered(DocumentKind::Livret));
        assert!(!is_numbered(DocumentKind::LettreAccompagnement));
        assert!(!is_numbered(DocumentKind::NotificationEchec));
        assert!(!is_numbered(DocumentKind::AttestationReussite));
    }

    #[test]
    fn a_code_signed_by_ceres_verifies_and_names_its_number() {
        let number = DocumentNumber::new(DocumentKind::Diplome, 2026, 7);
        let code = key(1).code_for(&number);

        assert!(code.starts_with("DIP-2026-000007."), "{code}");
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "{code}"
        );
        assert_eq!(key(1).public().check(&code), CodeCheck::Signed(number));
    }

    #[test]
    fn a_code_signed_by_another_key_is_forged() {
        let code = key(2).code_for(&DocumentNumber::new(DocumentKind::Diplome, 2026, 7));

        assert_eq!(key(1).public().check(&code), CodeCheck::Forged);
    }

    #[test]
    fn a_genuine_signature_moved_to_another_number_is_forged() {
        let code = key(1).code_for(&DocumentNumber::new(DocumentKind::Diplome, 2026, 7));
        let signature = code.split_once('.').unwrap().1;
        let moved = format!("DIP-2026-000008.{signature}");

        assert_eq!(key(1).public().check(&moved), CodeCheck::Forged);
    }

    #[test]
    fn a_code_with_a_damaged_signature_is_forged_and_garbage_is_malformed() {
        let code = key(1).code_for(&DocumentNumber::new(DocumentKind::Livret, 2026, 7));
        let truncated = &code[..code.len() - 2];

        assert_eq!(key(1).public().check(truncated), CodeCheck::Forged);
        assert_eq!(
            key(1).public().check("DIP-2026-000007.???"),
            CodeCheck::Forged
        );
        assert_eq!(key(1).public().check("hello"), CodeCheck::Malformed);
        assert_eq!(key(1).public().check("<script>.x"), CodeCheck::Malformed);
    }

    #[test]
    fn a_key_survives_its_base64_form_and_hides_in_debug() {
        let secret = key(9);
        let again = SigningSecret::from_base64(&secret.to_base64()).unwrap();

        assert_eq!(again.public(), secret.public());
        assert_eq!(format!("{secret:?}"), "SigningSecret(…)");
        assert!(SigningSecret::from_base64("c2hvcnQ=").is_err());
        assert!(SigningSecret::from_base64("not base64!").is_err());
    }
}
