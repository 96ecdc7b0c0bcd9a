//! User accounts: agents, national administrators, provider operators.

use serde_json::json;
use sqlx::{AnyConnection, FromRow};

use crate::audit::{self, NewAuditEvent};
use crate::{Db, StoreError};

/// A user account as stored.
#[derive(Clone, FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// argon2id PHC string; empty for an account that signs in through OpenID Connect only.
    /// Never logged.
    pub password_hash: String,
    /// agent, admin or provider (`ceres_domain::role::Role`).
    pub role: String,
    pub structure_id: Option<String>,
    pub created_at: String,
    /// When an administrator deactivated the account.
    pub disabled_at: Option<String>,
    /// The OpenID Connect `sub` bound at the first OIDC sign-in.
    pub oidc_subject: Option<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish()
    }
}

impl User {
    /// What the traçabilité records of an account: never its password hash.
    fn audit_json(&self) -> String {
        json!({
            "email": self.email,
            "display_name": self.display_name,
            "role": self.role,
            "structure_id": self.structure_id,
            "disabled": self.disabled_at.is_some(),
        })
        .to_string()
    }
}

const COLUMNS: &str = "id, email, display_name, password_hash, role, structure_id, created_at, \
                       disabled_at, oidc_subject";

/// Lower-case, trimmed: how e-mail addresses are stored and compared.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Finds an account by e-mail address (compared in lower case).
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM app_user WHERE email = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(normalise_email(email))
        .fetch_optional(db.pool())
        .await?)
}

/// Finds an account by its OpenID Connect subject.
pub async fn find_by_oidc_subject(db: &Db, subject: &str) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM app_user WHERE oidc_subject = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(subject)
        .fetch_optional(db.pool())
        .await?)
}

/// Loads an account by id.
pub async fn get(db: &Db, id: &str) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM app_user WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// An account as the administration list shows it.
#[derive(Debug, Clone, FromRow)]
pub struct UserLine {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub structure_nom: Option<String>,
    pub disabled_at: Option<String>,
}

/// Every account, by name.
pub async fn list(db: &Db) -> Result<Vec<UserLine>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, s.nom AS structure_nom, u.disabled_at \
         FROM app_user u LEFT JOIN structure s ON s.id = u.structure_id \
         ORDER BY u.display_name, u.email",
    )
    .fetch_all(db.pool())
    .await?)
}

/// The active agents whose périmètre holds a session of this région and département
/// (R12): the DREETS of the région, the DDETS, UD or DEETS of the département. Their
/// e-mail and display name, for notifications.
pub async fn agents_for_session(
    db: &Db,
    region_code: &str,
    departement_code: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT u.email, u.display_name FROM app_user u JOIN structure s ON s.id = u.structure_id \
         WHERE u.role = 'agent' AND u.disabled_at IS NULL \
           AND ((s.kind = 'dreets' AND s.region_code = $1) \
             OR (s.kind <> 'dreets' AND s.departement_code = $2)) \
         ORDER BY u.email",
    )
    .bind(region_code)
    .bind(departement_code)
    .fetch_all(db.pool())
    .await?)
}

/// Inserts or updates the account with the same e-mail address (the demo's accounts).
pub async fn upsert(db: &Db, user: &User) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO app_user (id, email, display_name, password_hash, role, structure_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name, \
             password_hash = excluded.password_hash, role = excluded.role, \
             structure_id = excluded.structure_id",
    )
    .bind(&user.id)
    .bind(normalise_email(&user.email))
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(&user.role)
    .bind(&user.structure_id)
    .bind(&user.created_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Who makes a change, and when (RFC 3339): what the traçabilité records with it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub actor: &'a str,
    pub at: &'a str,
}

impl<'a> Change<'a> {
    /// The traçabilité entry of this change to an entity outside any session.
    pub fn event(
        self,
        entity: (&'a str, &'a str),
        action: &'a str,
        before_json: Option<String>,
        after_json: Option<String>,
    ) -> NewAuditEvent<'a> {
        NewAuditEvent {
            at: self.at,
            actor: self.actor,
            entity_kind: entity.0,
            entity_id: entity.1,
            session_id: None,
            action,
            before_json,
            after_json,
        }
    }
}

/// What creating or updating an account may fail on, besides the database.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Another account has this e-mail address.
    #[error("e-mail address taken")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(error: sqlx::Error) -> Self {
        AccountError::Store(error.into())
    }
}

async fn email_taken(
    conn: &mut AnyConnection,
    email: &str,
    except_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT id FROM app_user WHERE email = $1 AND id <> $2")
            .bind(email)
            .bind(except_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

fn unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Creates an account, with its traçabilité entry.
pub async fn create(db: &Db, user: &User, change: Change<'_>) -> Result<(), AccountError> {
    let mut user = user.clone();
    user.email = normalise_email(&user.email);
    let mut tx = db.pool().begin().await?;
    if email_taken(&mut tx, &user.email, &user.id).await? {
        return Err(AccountError::EmailTaken);
    }

    let inserted = sqlx::query(
        "INSERT INTO app_user (id, email, display_name, password_hash, role, structure_id, \
             created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(&user.role)
    .bind(&user.structure_id)
    .bind(&user.created_at)
    .bind(&user.disabled_at)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(error) if unique_violation(&error) => return Err(AccountError::EmailTaken),
        other => other?,
    };
    audit::record(
        &mut tx,
        &change.event(
            ("app_user", &user.id),
            "app_user.created",
            None,
            Some(user.audit_json()),
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user.id = %user.id, "account created");
    Ok(())
}

/// Updates an account's e-mail address, name, role, structure and state, with its
/// traçabilité entry; `None` when there is no such account.
pub async fn update(db: &Db, user: &User, change: Change<'_>) -> Result<Option<()>, AccountError> {
    let mut user = user.clone();
    user.email = normalise_email(&user.email);
    let mut tx = db.pool().begin().await?;
    let sql = format!("SELECT {COLUMNS} FROM app_user WHERE id = $1");
    let Some(before): Option<User> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&user.id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(None);
    };
    if email_taken(&mut tx, &user.email, &user.id).await? {
        return Err(AccountError::EmailTaken);
    }

    let updated = sqlx::query(
        "UPDATE app_user SET email = $1, display_name = $2, role = $3, structure_id = $4, \
             disabled_at = $5 WHERE id = $6",
    )
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(&user.role)
    .bind(&user.structure_id)
    .bind(&user.disabled_at)
    .bind(&user.id)
    .execute(&mut *tx)
    .await;
    match updated {
        Err(error) if unique_violation(&error) => return Err(AccountError::EmailTaken),
        other => other?,
    };
    let after = User {
        password_hash: before.password_hash.clone(),
        ..user.clone()
    };
    if before.audit_json() != after.audit_json() {
        audit::record(
            &mut tx,
            &change.event(
                ("app_user", &user.id),
                "app_user.updated",
                Some(before.audit_json()),
                Some(after.audit_json()),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(()))
}

/// Replaces an account's password hash, with a traçabilité entry that says so (and holds no
/// hash).
pub async fn set_password(
    db: &Db,
    id: &str,
    password_hash: &str,
    change: Change<'_>,
) -> Result<bool, StoreError> {
    let mut tx = db.pool().begin().await?;
    let done = sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        &change.event(("app_user", id), "app_user.password_set", None, None),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Binds an OpenID Connect subject to an account at its first OIDC sign-in; answers false
/// when another account holds that subject already.
pub async fn bind_oidc_subject(
    db: &Db,
    id: &str,
    subject: &str,
    change: Change<'_>,
) -> Result<bool, StoreError> {
    let mut tx = db.pool().begin().await?;
    let done = sqlx::query(
        "UPDATE app_user SET oidc_subject = $1 WHERE id = $2 AND oidc_subject IS NULL \
           AND NOT EXISTS (SELECT 1 FROM app_user other WHERE other.oidc_subject = $1)",
    )
    .bind(subject)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        &change.event(
            ("app_user", id),
            "app_user.oidc_bound",
            None,
            Some(json!({ "oidc_subject": subject }).to_string()),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
