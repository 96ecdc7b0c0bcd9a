//! A national volume of generated data (issue 7: `ceres demo --scale national`): about
//! 60,000 sessions and 900,000 candidates over five years, across every département and
//! région, with the real titres of the referential, real communes and plausible centres, in
//! every state of R1, and the initial print requests a real country would show (all sent
//! for older validated sessions, none, a part or all for the recent ones), each with its
//! pli in the day's lot: posted when older than 40 days; recent ones also printed, still at
//! the provider (some without news for 30 days) or returned (PND, about 1 in 100).
//!
//! Known limit: the generated plis have no rendered documents nor provider events besides
//! their PND, and a pli for a DEETS (R8) carries the territory's name for address.
//!
//! Rows are written in multi-row `INSERT`s inside one transaction per batch, without the
//! traçabilité (nothing of this is a user's change). Ids and session codes are chosen so
//! that a second run adds a second volume beside the first, never on top of it.

use jiff::ToSpan;
use jiff::civil::Date;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{Db, StoreError, date_text};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Volume {
    pub sessions: u64,
    /// Candidates per session on average (from half to one and a half of it).
    pub candidats_per_session: u64,
    /// The last day sessions may start on; they spread over the five years before.
    pub today: Date,
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub centres: u64,
    pub sessions: u64,
    pub candidats: u64,
    pub requests: u64,
    pub plis: u64,
}

const SURNAMES: [&str; 24] = [
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
    "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
];
const FIRST_NAMES: [(&str, &str); 16] = [
    ("monsieur", "Jean"),
    ("madame", "Marie"),
    ("monsieur", "Lucas"),
    ("madame", "Léa"),
    ("monsieur", "Hugo"),
    ("madame", "Chloé"),
    ("monsieur", "Nicolas"),
    ("madame", "Inès"),
    ("monsieur", "Mathéo"),
    ("madame", "Camille"),
    ("monsieur", "Karim"),
    ("madame", "Aïcha"),
    ("monsieur", "Yann"),
    ("madame", "Élodie"),
    ("monsieur", "João"),
    ("madame", "Nadia"),
];
const STREETS: [&str; 6] = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "place de la Mairie",
    "chemin des Vignes",
    "boulevard Pasteur",
];

/// Rows per INSERT.
const BATCH: usize = 200;

/// Generates the volume, calling `progress(done, total)` as sessions are written.
pub async fn generate(
    db: &Db,
    volume: &Volume,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Generated, StoreError> {
    let mut rng = StdRng::seed_from_u64(volume.seed);
    let mut generated = Generated::default();
    let run: String = format!("{:04}", rng.random_range(0..10_000));

    // Centres: two per département, where training centres are: one in the préfecture,
    // one in the commune with the most postcodes besides it (a large town). A département
    // without a known préfecture (an import older than the column) takes its largest
    // two. Ties go to the lowest code. The uninhabited territories (the TAAF, Clipperton)
    // have none.
    let departements: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT code, region_code, chef_lieu FROM departement \
         WHERE code NOT IN ('984', '989') ORDER BY code",
    )
    .fetch_all(db.pool())
    .await?;
    let mut centres: Vec<(String, String, String)> = Vec::new();
    let mut centre_rows: Vec<Vec<String>> = Vec::new();
    for (departement, region, chef_lieu) in &departements {
        let chef_lieu = chef_lieu.as_deref().unwrap_or("");
        let communes: Vec<(String, String)> = sqlx::query_as(
            "SELECT code, nom FROM commune WHERE departement_code = $1 \
               AND type = 'commune-actuelle' \
             ORDER BY CASE WHEN code = $2 THEN 0 ELSE 1 END, \
               LENGTH(codes_postaux) DESC, code LIMIT 2",
        )
        .bind(departement)
        .bind(chef_lieu)
        .fetch_all(db.pool())
        .await?;
        for (n, (code, nom)) in communes.into_iter().enumerate() {
            let id = format!("gen{run}-{departement}-{n}");
            let name = if n == 0 {
                format!("Centre de formation de {nom}")
            } else {
                format!("Plateau technique de {nom}")
            };
            centre_rows.push(vec![
                id.clone(),
                name,
                code,
                departement.clone(),
                region.clone(),
            ]);
            centres.push((id, departement.clone(), region.clone()));
        }
    }
    insert_rows(
        db,
        "centre",
        &[
            "id",
            "nom",
            "commune_code",
            "departement_code",
            "region_code",
        ],
        &centre_rows,
    )
    .await?;
    generated.centres = centres.len() as u64;

    let titres: Vec<(String,)> = sqlx::query_as("SELECT id FROM titre_version ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    if titres.is_empty() || centres.is_empty() {
        return Err(StoreError::Invalid(
            "the referential must be imported before generating a national volume".into(),
        ));
    }
    let (first_candidat,): (i64,) =
        sqlx::query_as("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) + 1 FROM candidat")
            .fetch_one(db.pool())
            .await?;
    let mut next_candidat = first_candidat.max(10_000_000);
    let at = format!("{}T08:00:00.000000Z", date_text(volume.today));
    let five_years = 5 * 365;

    let mut done = 0;
    while done < volume.sessions {
        let chunk = (volume.sessions - done).min(BATCH as u64);
        let mut sessions = Vec::new();
        let mut candidats = Vec::new();
        let mut inscriptions = Vec::new();
        let mut requests = Vec::new();
        for i in 0..chunk {
            let number = done + i;
            let (centre, departement, region) = &centres[rng.random_range(0..centres.len())];
            let titre = &titres[rng.random_range(0..titres.len())].0;
            let age_days: i64 = rng.random_range(0..five_years);
            let start = volume.today.checked_sub(age_days.days()).expect("in range");
            let end = start.checked_add(3.days()).expect("in range");
            let state = pick_state(&mut rng, age_days);
            let has_results = !matches!(
                state,
                "en_preparation" | "convocations_envoyees" | "en_attente_de_resultats"
            );
            let validated_on = matches!(state, "validee" | "debloquee")
                .then(|| start.checked_add(10.days()).expect("in range"));
            let id = format!("TITRE_N_{}_{run}{number:06}", start.year());
            let mut session_row = vec![
                id.clone(),
                titre.clone(),
                centre.clone(),
                departement.clone(),
                region.clone(),
                state.to_owned(),
                date_text(start),
                date_text(end),
                date_text(end),
                validated_on.map(date_text).unwrap_or_default(),
                "Claude Bernard".into(),
                "responsable.session@demo.ceres.fr".into(),
                at.clone(),
                "generation".into(),
            ];
            let (mut resultats, mut demandes) = (0_u64, 0_u64);
            let per = volume.candidats_per_session.max(1);
            let count = rng.random_range(per / 2..=per + per / 2).max(1);
            // Initial requests: all sent for older validated sessions; none, a part or all
            // for those validated in the last 45 days.
            let share = match (validated_on, age_days) {
                (Some(_), age) if age > 55 => 1.0,
                (Some(_), _) => [0.0, 0.5, 1.0][rng.random_range(0..3)],
                (None, _) => 0.0,
            };
            for k in 0..count {
                let candidat = next_candidat;
                next_candidat += 1;
                let (civilite, prenom) = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
                let nom = SURNAMES[rng.random_range(0..SURNAMES.len())];
                let born = volume
                    .today
                    .checked_sub(rng.random_range(18 * 365..60 * 365_i64).days())
                    .expect("in range");
                candidats.push(vec![
                    candidat.to_string(),
                    civilite.into(),
                    nom.into(),
                    prenom.into(),
                    date_text(born),
                    "99100".into(),
                    format!(
                        "{} {}",
                        rng.random_range(1..120),
                        STREETS[rng.random_range(0..STREETS.len())]
                    ),
                    "75012".into(),
                    "Paris".into(),
                    "valide".into(),
                    at.clone(),
                ]);
                let resultat = has_results.then(|| {
                    if rng.random_bool(0.75) {
                        "admis"
                    } else {
                        "non_admis"
                    }
                });
                resultats += u64::from(resultat.is_some());
                inscriptions.push(vec![
                    id.clone(),
                    candidat.to_string(),
                    resultat.unwrap_or_default().to_owned(),
                ]);
                if let (Some(validated), Some(_)) = (validated_on, resultat)
                    && (k as f64) < share * count as f64
                {
                    let on = validated
                        .checked_add(rng.random_range(1..5_i64).days())
                        .expect("in range");
                    demandes += 1;
                    requests.push(vec![
                        format!("gen-{run}-{candidat}"),
                        id.clone(),
                        candidat.to_string(),
                        date_text(on),
                        format!("{}T09:00:00.000000Z", date_text(on)),
                    ]);
                }
            }
            // The board's counters, as the store keeps them for real sessions.
            session_row.push(resultats.to_string());
            session_row.push(demandes.to_string());
            sessions.push(session_row);
        }
        insert_rows(
            db,
            "exam_session",
            &[
                "id",
                "titre_version_id",
                "centre_id",
                "departement_code",
                "region_code",
                "state",
                "date_debut",
                "date_fin",
                "date_jury",
                "validated_on",
                "responsable_nom",
                "responsable_courriel",
                "updated_at",
                "updated_by",
                "resultats",
                "demandes_initiales",
            ],
            &sessions,
        )
        .await?;
        insert_rows(
            db,
            "candidat",
            &[
                "id",
                "civilite",
                "nom_naissance",
                "prenoms",
                "date_naissance",
                "pays_naissance",
                "adresse_ligne",
                "code_postal",
                "ville",
                "state",
                "updated_at",
            ],
            &candidats,
        )
        .await?;
        insert_rows(
            db,
            "inscription",
            &["session_id", "candidat_id", "resultat"],
            &inscriptions,
        )
        .await?;
        insert_rows(
            db,
            "print_request",
            &[
                "id",
                "session_id",
                "candidat_id",
                "requested_on",
                "requested_at",
            ],
            &requests,
        )
        .await?;
        generated.sessions += sessions.len() as u64;
        generated.candidats += candidats.len() as u64;
        generated.requests += requests.len() as u64;
        done += chunk;
        progress(done, volume.sessions);
        // PostgreSQL checks each inserted row's foreign keys with a plan it keeps per
        // connection; made while the tables were nearly empty, that plan reads the whole
        // referenced table for every row, and the load becomes quadratic (the national
        // volume took 21 minutes, the sessions' table read in full 247,000 times). Fresh
        // statistics as the tables grow make it plan again with their primary keys: 83 s.
        let batches = done / BATCH as u64;
        if batches.is_power_of_two() || batches % 32 == 0 {
            sqlx::raw_sql("ANALYZE exam_session; ANALYZE candidat")
                .execute(db.pool())
                .await?;
        }
    }
    generated.plis = generate_plis(db, &run, volume.today).await?;
    crate::sessions::fill_search_text(db, None).await?;
    // Fresh statistics for the planner after a bulk load (both engines know ANALYZE); on
    // PostgreSQL a VACUUM also marks the pages all-visible, so that the board's covering
    // indexes answer without visiting the table (autovacuum would, some minutes later).
    let statement = match db.backend() {
        crate::Backend::Sqlite => "ANALYZE",
        crate::Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
        .execute(db.pool())
        .await?;
    Ok(generated)
}

/// The plis of this run's initial requests, in one lot per day of request, in a state
/// that follows their age (see the module's doc); the PND ones with their event. One
/// statement per table, the same on both engines (dates compare as ISO text).
async fn generate_plis(db: &Db, run: &str, today: Date) -> Result<u64, StoreError> {
    let requests = format!("gen-{run}-%");
    let posted_before = date_text(today.checked_sub(40.days()).expect("in range"));
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO lot (id, provider, created_at, pli_count, acknowledged_at) \
         SELECT 'gen-' || $2 || '-lot-' || r.requested_on, $3, \
                r.requested_on || 'T16:00:00.000000Z', COUNT(*), \
                r.requested_on || 'T17:00:00.000000Z' \
         FROM print_request r WHERE r.id LIKE $1 GROUP BY r.requested_on",
    )
    .bind(&requests)
    .bind(run)
    .bind(crate::ledger::DEFAULT_PROVIDER)
    .execute(&mut *tx)
    .await?;
    let plis = sqlx::query(
        "INSERT INTO pli (id, print_request_id, session_id, candidat_id, destination, \
             territoire, adresse_lignes, state, lot_id, lot_position, created_at, updated_at) \
         SELECT 'gen-' || $2 || '-pli-' || r.candidat_id, r.id, r.session_id, r.candidat_id, \
             CASE WHEN d.zone = 'metro' THEN 'candidat' ELSE 'deets' END, \
             CASE WHEN d.zone = 'metro' THEN NULL ELSE d.code END, \
             CASE WHEN d.zone = 'metro' THEN \
                 '[\"' || CASE c.civilite WHEN 'madame' THEN 'Madame' ELSE 'Monsieur' END \
                 || ' ' || c.prenoms || ' ' || c.nom_naissance || '\",\"' || c.adresse_ligne \
                 || '\",\"' || c.code_postal || ' ' || UPPER(c.ville) || '\"]' \
             ELSE '[\"DEETS\",\"' || d.nom || '\"]' END, \
             CASE WHEN r.requested_on < $3 THEN 'poste' \
                  WHEN r.candidat_id % 100 = 0 THEN 'pnd' \
                  WHEN r.candidat_id % 10 IN (1, 2) THEN 'imprime' \
                  WHEN r.candidat_id % 10 = 3 THEN 'en_lot' \
                  ELSE 'poste' END, \
             'gen-' || $2 || '-lot-' || r.requested_on, r.candidat_id, \
             r.requested_at, r.requested_at \
         FROM print_request r JOIN exam_session s ON s.id = r.session_id \
             JOIN departement d ON d.code = s.departement_code \
             JOIN candidat c ON c.id = r.candidat_id \
         WHERE r.id LIKE $1",
    )
    .bind(&requests)
    .bind(run)
    .bind(&posted_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO pli_event (id, pli_id, kind, recorded_at, pnd_reason, idempotency_key, \
             actor) \
         SELECT p.id || '-pnd', p.id, 'pnd', p.updated_at, 'n_habite_pas', p.id || '-pnd', \
             'generation' \
         FROM pli p WHERE p.id LIKE $1 AND p.state = 'pnd'",
    )
    .bind(format!("gen-{run}-pli-%"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(plis)
}

fn pick_state(rng: &mut StdRng, age_days: i64) -> &'static str {
    let roll: f64 = rng.random();
    if age_days > 60 {
        match roll {
            r if r < 0.86 => "validee",
            r if r < 0.90 => "debloquee",
            r if r < 0.94 => "non_finalisee",
            r if r < 0.96 => "non_finalisee_en_attente_de_pj",
            _ => "en_attente_de_validation",
        }
    } else {
        match roll {
            r if r < 0.15 => "en_preparation",
            r if r < 0.30 => "convocations_envoyees",
            r if r < 0.45 => "en_attente_de_resultats",
            r if r < 0.60 => "en_attente_de_validation",
            _ => "validee",
        }
    }
}

/// One multi-row INSERT per `BATCH` rows. Empty strings stand for NULL in the nullable
/// columns of these tables (`validated_on`, `resultat`); the kind and sequence of a
/// print request are constant.
async fn insert_rows(
    db: &Db,
    table: &str,
    columns: &[&str],
    rows: &[Vec<String>],
) -> Result<(), StoreError> {
    for batch in rows.chunks(BATCH) {
        let mut sql = format!("INSERT INTO {table} ({}", columns.join(", "));
        if table == "print_request" {
            sql.push_str(", kind, sequence, requested_by");
        }
        sql.push_str(") VALUES ");
        let mut n = 0;
        let mut tuples = Vec::new();
        for _ in batch {
            let mut cells = Vec::new();
            for column in columns {
                n += 1;
                cells.push(match (table, *column) {
                    ("candidat", "id")
                    | ("inscription", "candidat_id")
                    | ("print_request", "candidat_id")
                    | ("exam_session", "resultats" | "demandes_initiales") => {
                        format!("CAST(${n} AS BIGINT)")
                    }
                    ("exam_session", "validated_on") | ("inscription", "resultat") => {
                        format!("NULLIF(${n}, '')")
                    }
                    _ => format!("${n}"),
                });
            }
            if table == "print_request" {
                cells.push("'initiale'".into());
                cells.push("0".into());
                cells.push("'generation'".into());
            }
            tuples.push(format!("({})", cells.join(", ")));
        }
        sql.push_str(&tuples.join(", "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in batch {
            for value in row {
                query = query.bind(value);
            }
        }
        query.execute(db.pool()).await?;
    }
    Ok(())
}
