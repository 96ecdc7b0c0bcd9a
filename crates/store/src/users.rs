//! User accounts.

use sqlx::FromRow;

use crate::{Db, StoreError};

/// A user account as stored.
#[derive(Clone, FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// argon2id PHC string; never logged.
    pub password_hash: String,
    /// agent, admin or provider.
    pub role: String,
    pub structure_id: Option<String>,
    pub created_at: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish()
    }
}

const COLUMNS: &str = "id, email, display_name, password_hash, role, structure_id, created_at";

/// Finds an account by e-mail address (compared in lower case).
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM app_user WHERE email = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(email.trim().to_lowercase())
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

/// Inserts an account, or updates the one with the same e-mail address.
pub async fn upsert(db: &Db, user: &User) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO app_user (id, email, display_name, password_hash, role, structure_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name, \
             password_hash = excluded.password_hash, role = excluded.role, \
             structure_id = excluded.structure_id",
    )
    .bind(&user.id)
    .bind(user.email.trim().to_lowercase())
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(&user.role)
    .bind(&user.structure_id)
    .bind(&user.created_at)
    .execute(db.pool())
    .await?;
    Ok(())
}
