//! Who an account is (R12): an agent of a structure, a national administrator, or an
//! operator of the print provider.

use serde::{Deserialize, Serialize};

use crate::perimetre::Perimetre;

/// The role of an account, stored as its [`Role::code`] in `app_user.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An agent of a DREETS, DDETS, UD or DEETS: sees the sessions of its structure's
    /// périmètre.
    Agent,
    /// A national administrator: every session, the structures and the accounts.
    Admin,
    /// An operator of the print provider: plis and what printing them needs, no session.
    Provider,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Role; 3] = [Role::Agent, Role::Admin, Role::Provider];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Admin => "admin",
            Role::Provider => "provider",
        }
    }

    /// Parses a code made by [`Role::code`].
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// The label users read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Agent => "Agent d'une structure",
            Role::Admin => "Administrateur national",
            Role::Provider => "Opérateur du prestataire d'impression",
        }
    }

    /// Whether an account of this role belongs to a structure (and must name one).
    pub fn needs_structure(self) -> bool {
        self == Role::Agent
    }

    /// The sessions an account of this role sees (R12): an agent sees its structure's
    /// périmètre (`structure_perimetre`), an administrator everything, a provider operator
    /// no session at all.
    pub fn perimetre(self, structure_perimetre: Option<Perimetre>) -> Perimetre {
        match self {
            Role::Admin => Perimetre::National,
            Role::Agent => structure_perimetre.unwrap_or(Perimetre::Aucun),
            Role::Provider => Perimetre::Aucun,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r12_each_role_sees_what_its_account_allows() {
        let ud75 = Some(Perimetre::Departement("75".into()));

        assert_eq!(
            Role::Agent.perimetre(ud75.clone()),
            Perimetre::Departement("75".into())
        );
        assert_eq!(Role::Agent.perimetre(None), Perimetre::Aucun);
        assert_eq!(Role::Admin.perimetre(None), Perimetre::National);
        assert_eq!(Role::Provider.perimetre(ud75), Perimetre::Aucun);
    }

    #[test]
    fn codes_read_back() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
