//! Writing the parsed reference data in one transaction, with multi-row statements.
//!
//! Rows with an identity (titres, blocks, versions, communes…) are upserted, so that the
//! sessions referring to them stay valid; pure link lists (NSF codes, former commune codes)
//! and the report of the last import are replaced.

use std::time::Instant;

use sqlx::{Any, AnyConnection, AssertSqlSafe};

use super::geo::Geography;
use super::rncp::RncpExport;
use super::tp_codes::TpLink;
use super::{ImportRemark, TitreVersion};
use crate::{Backend, date_text, new_id};

/// Bound values per statement (250 communes): far below SQLite's 32,766 and PostgreSQL's
/// 65,535. Measured on both, from 800 to 64,000 the import time hardly changes, and
/// PostgreSQL was slightly faster with the smaller statements.
const MAX_BINDS: usize = 2_000;

/// One value of a row, as bound to a placeholder.
#[derive(Debug)]
enum Value<'a> {
    Text(&'a str),
    Owned(String),
    Null,
    Int(i64),
    /// A NULL for a BIGINT column: PostgreSQL refuses a NULL bound as text there.
    NullInt,
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::Text(text)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(text: &'a String) -> Self {
        Value::Text(text)
    }
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(text: Option<&'a str>) -> Self {
        text.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<jiff::civil::Date>> for Value<'_> {
    fn from(date: Option<jiff::civil::Date>) -> Self {
        date.map_or(Value::Null, |date| Value::Owned(date_text(date)))
    }
}

impl From<i64> for Value<'_> {
    fn from(number: i64) -> Self {
        Value::Int(number)
    }
}

/// A table and the columns written to it; `key` is the conflict target of the upsert.
struct Spec {
    table: &'static str,
    columns: &'static [&'static str],
    key: &'static [&'static str],
}

/// Everything one import writes.
pub(super) struct Batch<'a> {
    pub export: &'a RncpExport,
    pub links: &'a [TpLink],
    pub versions: &'a [TitreVersion],
    pub geography: &'a Geography,
    pub remarks: &'a [ImportRemark],
    pub imported_at: &'a str,
}

/// Writes `batch` on `conn`, which is inside the caller's transaction.
pub(super) async fn write(
    conn: &mut AnyConnection,
    backend: Backend,
    batch: &Batch<'_>,
) -> Result<(), sqlx::Error> {
    // Replaced lists first; the TP codes are cleared so that a code moving from one fiche
    // to another cannot hit the unique key half-way.
    for statement in [
        "DELETE FROM import_report",
        "DELETE FROM titre_nsf",
        "DELETE FROM commune_ancien_code",
        "DELETE FROM commune_historique",
        "UPDATE titre SET code_tp = NULL WHERE code_tp IS NOT NULL",
    ] {
        sqlx::query(statement).execute(&mut *conn).await?;
    }

    let mut writer = Writer { conn, backend };
    write_geography(&mut writer, batch.geography).await?;
    write_titres(&mut writer, batch).await?;

    let spec = Spec {
        table: "import_report",
        columns: &["id", "kind", "source", "line", "message", "imported_at"],
        key: &["id"],
    };
    let rows = batch.remarks.iter().map(|remark| {
        vec![
            Value::Owned(new_id()),
            remark.kind.as_str().into(),
            remark.source.into(),
            remark
                .line
                .map_or(Value::NullInt, |line| Value::Int(line as i64)),
            (&remark.message).into(),
            batch.imported_at.into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    Ok(())
}

async fn write_geography(writer: &mut Writer<'_>, geo: &Geography) -> Result<(), sqlx::Error> {
    let spec = Spec {
        table: "region",
        columns: &["code", "nom", "zone"],
        key: &["code"],
    };
    let rows = geo
        .regions
        .iter()
        .map(|r| vec![(&r.code).into(), (&r.nom).into(), (&r.zone).into()]);
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "departement",
        columns: &["code", "nom", "region_code", "zone", "chef_lieu"],
        key: &["code"],
    };
    let rows = geo.departements.iter().map(|d| {
        vec![
            (&d.code).into(),
            (&d.nom).into(),
            (&d.region_code).into(),
            (&d.zone).into(),
            (&d.chef_lieu).into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "commune",
        columns: &[
            "code",
            "type",
            "nom",
            "departement_code",
            "region_code",
            "zone",
            "parent_code",
            "codes_postaux",
        ],
        key: &["code", "type"],
    };
    let rows = geo.communes.iter().map(|c| {
        vec![
            (&c.code).into(),
            (&c.kind).into(),
            (&c.nom).into(),
            (&c.departement_code).into(),
            (&c.region_code).into(),
            (&c.zone).into(),
            c.parent_code.as_deref().into(),
            (&c.codes_postaux).into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "commune_ancien_code",
        columns: &["ancien_code", "code"],
        key: &["ancien_code", "code"],
    };
    let rows = geo
        .anciens_codes
        .iter()
        .map(|a| vec![(&a.ancien_code).into(), (&a.code).into()]);
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "commune_historique",
        columns: &["code", "date_debut", "date_fin", "nom", "nom_cle"],
        key: &["code", "date_debut"],
    };
    let rows = geo.communes_historiques.iter().map(|c| {
        vec![
            (&c.code).into(),
            Some(c.date_debut).into(),
            c.date_fin.into(),
            (&c.nom).into(),
            (&c.nom_cle).into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "pays",
        columns: &[
            "cog",
            "date_debut",
            "rattachement",
            "libelle",
            "libelle_officiel",
            "date_fin",
        ],
        key: &["cog", "date_debut"],
    };
    let rows = geo.pays.iter().map(|p| {
        vec![
            (&p.cog).into(),
            Some(p.date_debut).into(),
            p.rattachement.as_deref().into(),
            (&p.libelle).into(),
            (&p.libelle_officiel).into(),
            p.date_fin.into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    Ok(())
}

async fn write_titres(writer: &mut Writer<'_>, batch: &Batch<'_>) -> Result<(), sqlx::Error> {
    let export = batch.export;

    let spec = Spec {
        table: "titre",
        columns: &[
            "rncp",
            "code_tp",
            "intitule",
            "niveau",
            "actif",
            "date_fin_validite",
            "ancienne_fiche",
            "nouvelle_fiche",
        ],
        key: &["rncp"],
    };
    let rows = export.titres.iter().map(|t| {
        let code_tp = batch.links.iter().find(|link| link.rncp == t.rncp);
        vec![
            (&t.rncp).into(),
            code_tp.map(|link| link.code_tp.as_str()).into(),
            (&t.intitule).into(),
            t.niveau.into(),
            i64::from(t.actif).into(),
            t.date_fin_validite.into(),
            fiches(&t.anciennes_fiches),
            fiches(&t.nouvelles_fiches),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "titre_nsf",
        columns: &["rncp", "code", "libelle"],
        key: &["rncp", "code"],
    };
    let rows = export
        .nsf
        .iter()
        .map(|n| vec![(&n.rncp).into(), (&n.code).into(), (&n.libelle).into()]);
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "titre_bloc",
        columns: &["code", "rncp", "intitule", "kind", "position"],
        key: &["code"],
    };
    let rows = export.blocs.iter().map(|b| {
        vec![
            (&b.code).into(),
            (&b.rncp).into(),
            (&b.intitule).into(),
            b.kind.as_str().into(),
            b.position.into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    let spec = Spec {
        table: "titre_version",
        columns: &[
            "id",
            "rncp",
            "intitule",
            "niveau",
            "arrete_date",
            "journal_officiel_date",
        ],
        key: &["id"],
    };
    let rows = batch.versions.iter().map(|v| {
        vec![
            (&v.id).into(),
            (&v.rncp).into(),
            (&v.intitule).into(),
            v.niveau.into(),
            v.arrete_date.into(),
            v.journal_officiel_date.into(),
        ]
    });
    writer.upsert(&spec, rows.collect()).await?;

    Ok(())
}

/// Former or new fiches, separated by spaces; NULL when there is none.
fn fiches(list: &[String]) -> Value<'static> {
    if list.is_empty() {
        Value::Null
    } else {
        Value::Owned(list.join(" "))
    }
}

/// A connection inside the import's transaction, and how its engine numbers placeholders.
struct Writer<'c> {
    conn: &'c mut AnyConnection,
    backend: Backend,
}

impl Writer<'_> {
    /// Inserts `rows`, or updates the rows with the same key, in statements of many rows.
    async fn upsert(&mut self, spec: &Spec, rows: Vec<Vec<Value<'_>>>) -> Result<(), sqlx::Error> {
        let started = Instant::now();
        let per_statement = (MAX_BINDS / spec.columns.len()).max(1);
        for chunk in rows.chunks(per_statement) {
            // Only table and column names from this file and placeholders go into the text;
            // every value is bound.
            let sql = upsert_statement(spec, chunk.len(), self.backend);
            let mut query = sqlx::query::<Any>(AssertSqlSafe(sql));
            for value in chunk.iter().flatten() {
                query = match value {
                    Value::Text(text) => query.bind(*text),
                    Value::Owned(text) => query.bind(text.as_str()),
                    Value::Null => query.bind(None::<String>),
                    Value::Int(number) => query.bind(*number),
                    Value::NullInt => query.bind(None::<i64>),
                };
            }
            query.execute(&mut *self.conn).await?;
        }

        tracing::debug!(
            table = spec.table,
            rows = rows.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "reference table written"
        );
        Ok(())
    }
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT (a) DO UPDATE SET b =
/// excluded.b`, which SQLite and PostgreSQL both understand.
///
/// SQLite gets anonymous `?` placeholders: it looks each named or numbered `$N` up in a
/// list while parsing, which made a statement of 8,000 placeholders quadratic (5 s for the
/// communes instead of a fraction of a second).
fn upsert_statement(spec: &Spec, rows: usize, backend: Backend) -> String {
    let width = spec.columns.len();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        spec.table,
        spec.columns.join(", ")
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => sql.push_str(&format!("${}", row * width + column + 1)),
            }
        }
        sql.push(')');
    }

    let updates: Vec<String> = spec
        .columns
        .iter()
        .filter(|column| !spec.key.contains(column))
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    sql.push_str(&format!(" ON CONFLICT ({}) ", spec.key.join(", ")));
    if updates.is_empty() {
        sql.push_str("DO NOTHING");
    } else {
        sql.push_str(&format!("DO UPDATE SET {}", updates.join(", ")));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upsert_statement_numbers_placeholders_row_after_row() {
        let spec = Spec {
            table: "t",
            columns: &["a", "b"],
            key: &["a"],
        };

        assert_eq!(
            upsert_statement(&spec, 2, Backend::Postgres),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) \
             ON CONFLICT (a) DO UPDATE SET b = excluded.b"
        );
        assert!(upsert_statement(&spec, 2, Backend::Sqlite).contains("VALUES (?, ?), (?, ?) "));
    }

    #[test]
    fn a_table_of_keys_only_ignores_rows_already_there() {
        let spec = Spec {
            table: "t",
            columns: &["a", "b"],
            key: &["a", "b"],
        };

        assert!(
            upsert_statement(&spec, 1, Backend::Sqlite).ends_with("ON CONFLICT (a, b) DO NOTHING")
        );
    }
}
