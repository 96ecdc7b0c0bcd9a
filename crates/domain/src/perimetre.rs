//! Structures (offices) and the périmètre of their agents (R12).

use serde::{Deserialize, Serialize};

/// The kinds of structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructureKind {
    /// Regional office: a whole région.
    Dreets,
    /// Departmental office: one département.
    Ddets,
    /// Unité départementale of a DREETS: one département.
    Ud,
    /// Overseas office: one territory.
    Deets,
}

impl StructureKind {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            StructureKind::Dreets => "dreets",
            StructureKind::Ddets => "ddets",
            StructureKind::Ud => "ud",
            StructureKind::Deets => "deets",
        }
    }

    /// Parses a code made by [`StructureKind::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "dreets" => Some(StructureKind::Dreets),
            "ddets" => Some(StructureKind::Ddets),
            "ud" => Some(StructureKind::Ud),
            "deets" => Some(StructureKind::Deets),
            _ => None,
        }
    }
}

/// What an agent may see and act on (R12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Perimetre {
    /// A national administrator: everything.
    National,
    /// A DREETS agent: the sessions held in the région.
    Region(String),
    /// A DDETS, UD or DEETS agent: the sessions held in the département or territory.
    Departement(String),
    /// Nothing: an account that sees no session (e.g. the print provider's operators).
    Aucun,
}

impl Perimetre {
    /// The périmètre of a structure's agents.
    pub fn of_structure(
        kind: StructureKind,
        region_code: &str,
        departement_code: Option<&str>,
    ) -> Perimetre {
        match (kind, departement_code) {
            (StructureKind::Dreets, _) => Perimetre::Region(region_code.to_owned()),
            (_, Some(departement)) => Perimetre::Departement(departement.to_owned()),
            // A departmental structure without its département sees nothing rather than more.
            (_, None) => Perimetre::Aucun,
        }
    }

    /// Whether a session held in `departement_code` of `region_code` is in the périmètre.
    pub fn contains(&self, region_code: &str, departement_code: &str) -> bool {
        match self {
            Perimetre::National => true,
            Perimetre::Region(region) => region == region_code,
            Perimetre::Departement(departement) => departement == departement_code,
            Perimetre::Aucun => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r12_a_ud_sees_its_departement_only() {
        let ud75 = Perimetre::of_structure(StructureKind::Ud, "11", Some("75"));

        assert!(ud75.contains("11", "75"));
        assert!(!ud75.contains("11", "93"));
    }

    #[test]
    fn r12_a_dreets_sees_its_whole_region() {
        let drieets = Perimetre::of_structure(StructureKind::Dreets, "11", None);

        assert!(drieets.contains("11", "75"));
        assert!(drieets.contains("11", "93"));
        assert!(!drieets.contains("04", "974"));
    }

    #[test]
    fn r12_a_departmental_structure_without_departement_sees_nothing() {
        let broken = Perimetre::of_structure(StructureKind::Ddets, "11", None);

        assert!(!broken.contains("11", "75"));
    }
}
