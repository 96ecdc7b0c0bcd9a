//! The demo scene: the tutorial's session and a few more, in Île-de-France and La Réunion.
//!
//! Loading is idempotent: a session already present is left as it is, so `serve --demo`
//! can be run again on the same database. Names, addresses and birth dates are invented;
//! titres, communes and office addresses are real.

use anyhow::Context;
use ceres_domain::Clock;
use ceres_store::candidats::{self, NewCandidat};
use ceres_store::sessions::{self, NewCentre, NewSession};
use ceres_store::structures::{self, Structure};
use ceres_store::users::{self, User};
use ceres_store::{Db, date_text, referentiel, timestamp_text};
use jiff::ToSpan;
use jiff::civil::Date;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "ceres-demo-2026";

/// The demo accounts: e-mail, display name, role, structure id.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Option<&str>); 6] = [
    (
        "agent.drieets-idf@demo.ceres.fr",
        "Agent DRIEETS",
        "agent",
        Some("drieets-idf"),
    ),
    (
        "agent.ud75@demo.ceres.fr",
        "Agent UD 75",
        "agent",
        Some("ud-75"),
    ),
    (
        "agent.ud93@demo.ceres.fr",
        "Agent UD 93",
        "agent",
        Some("ud-93"),
    ),
    (
        "agent.deets974@demo.ceres.fr",
        "Agent DEETS",
        "agent",
        Some("deets-974"),
    ),
    (
        "admin@demo.ceres.fr",
        "Administration nationale",
        "admin",
        None,
    ),
    (
        "operateur.afpa@demo.ceres.fr",
        "Opérateur Afpa",
        "provider",
        None,
    ),
];

struct DemoStructure {
    id: &'static str,
    kind: &'static str,
    nom: &'static str,
    region: &'static str,
    departement: Option<&'static str>,
    adresse: &'static [&'static str],
    lieu: Option<&'static str>,
    signataire: (&'static str, &'static str),
    /// The first line of the postal address (38 characters at most, NF Z10-011).
    destinataire: &'static str,
    /// The contact printed on letters: « Affaire suivie par », telephone, e-mail.
    contact: (&'static str, &'static str, &'static str),
}

const STRUCTURES: [DemoStructure; 4] = [
    DemoStructure {
        id: "drieets-idf",
        kind: "dreets",
        nom: "DRIEETS Île-de-France",
        region: "11",
        departement: None,
        adresse: &["19-21 rue Madeleine Vionnet", "93300 Aubervilliers"],
        lieu: Some("75107"),
        signataire: ("Camille Durand", "Responsable de région"),
        destinataire: "DRIEETS Île-de-France",
        contact: (
            "Pôle certification",
            "01 70 96 20 00",
            "certification.idf@demo.ceres.fr",
        ),
    },
    DemoStructure {
        id: "ud-75",
        kind: "ud",
        nom: "DRIEETS Île-de-France — Unité départementale de Paris",
        region: "11",
        departement: Some("75"),
        adresse: &["35 rue de la Gare", "75019 Paris"],
        lieu: Some("75119"),
        signataire: ("Camille Durand", "Responsable de région"),
        destinataire: "DRIEETS IDF - UD de Paris",
        contact: ("", "", ""),
    },
    DemoStructure {
        id: "ud-93",
        kind: "ud",
        nom: "DRIEETS Île-de-France — Unité départementale de la Seine-Saint-Denis",
        region: "11",
        departement: Some("93"),
        adresse: &["1 avenue Youri Gagarine", "93016 Bobigny Cedex"],
        lieu: Some("93008"),
        signataire: ("Camille Durand", "Responsable de région"),
        destinataire: "DRIEETS IDF - UD 93",
        contact: ("", "", ""),
    },
    DemoStructure {
        id: "deets-974",
        kind: "deets",
        nom: "DEETS La Réunion",
        region: "04",
        departement: Some("974"),
        adresse: &["112 rue de la République", "97400 Saint-Denis"],
        lieu: Some("97411"),
        signataire: (
            "Dominique Hoarau",
            "Directeur de l'économie, de l'emploi, du travail et des solidarités",
        ),
        destinataire: "DEETS La Réunion",
        contact: (
            "Service certification",
            "02 62 00 00 00",
            "certification.reunion@demo.ceres.fr",
        ),
    },
];

/// A candidate of the demo: id, civilité, birth name, first names, birth date, birth
/// commune (INSEE), result, CCPs obtained (for Non admis).
type DemoCandidat = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Loads the demo scene. Reference data must be loaded first.
pub async fn load(db: &Db, clock: &dyn Clock) -> anyhow::Result<()> {
    let now = clock.now();
    let today = clock.today_in_paris();
    let at = timestamp_text(now);

    for s in &STRUCTURES {
        let adresse: Vec<String> = std::iter::once(s.destinataire.to_owned())
            .chain(s.adresse.iter().map(|l| (*l).to_owned()))
            .collect();
        structures::insert_if_absent(
            db,
            &Structure {
                id: s.id.into(),
                kind: s.kind.into(),
                nom: s.nom.into(),
                region_code: s.region.into(),
                departement_code: s.departement.map(Into::into),
                adresse_lignes: serde_json::to_string(&adresse)?,
                lieu_etablissement_commune: s.lieu.map(Into::into),
                signataire_nom: s.signataire.0.into(),
                signataire_titre: s.signataire.1.into(),
                contact_nom: s.contact.0.into(),
                telephone: s.contact.1.into(),
                courriel: s.contact.2.into(),
                entete_lignes: serde_json::to_string(&structures::DEFAULT_ENTETE)?,
            },
        )
        .await?;
    }

    let password_hash = ceres_web::auth::hash_password(DEMO_PASSWORD)?;
    for (email, name, role, structure) in DEMO_ACCOUNTS {
        if users::find_by_email(db, email).await?.is_some() {
            continue;
        }
        users::upsert(
            db,
            &User {
                id: ceres_store::new_id(),
                email: email.into(),
                display_name: name.into(),
                password_hash: password_hash.clone(),
                role: role.into(),
                structure_id: structure.map(Into::into),
                created_at: at.clone(),
                disabled_at: None,
                oidc_subject: None,
            },
        )
        .await?;
    }

    for centre in [
        NewCentre {
            id: "klee-idf",
            nom: "KLEE - Île de France",
            commune_code: "75112",
            departement_code: "75",
            region_code: "11",
        },
        NewCentre {
            id: "montreuil-formation",
            nom: "Montreuil Formation Bâtiment",
            commune_code: "93048",
            departement_code: "93",
            region_code: "11",
        },
        NewCentre {
            id: "st-denis-reunion",
            nom: "Centre de formation de Saint-Denis",
            commune_code: "97411",
            departement_code: "974",
            region_code: "04",
        },
    ] {
        sessions::insert_centre(db, &centre).await?;
    }

    // The tutorial's session, with the tutorial's dates.
    let tutorial = SessionSpec {
        id: "TITRE_B_2023_470415",
        titre: ("TP-00463", Some("2018-09-20")),
        centre: ("klee-idf", "75", "11"),
        state: "validee",
        nature: "titre",
        start: jiff::civil::date(2022, 11, 7),
        validated: Some(jiff::civil::date(2022, 11, 16)),
        validated_by: "agent.ud75@demo.ceres.fr",
    };
    let candidats: [DemoCandidat; 2] = [
        (
            2122559,
            "monsieur",
            "BERTRAND",
            "Henri",
            "1981-04-23",
            "08105",
            "admis",
            "",
        ),
        // The tutorial's second candidate: a digit in the name, birth year 0970 (R4).
        (
            2122560,
            "madame",
            "FAURIEL1",
            "Colette",
            "0970-04-23",
            "11132",
            "admis",
            "",
        ),
    ];
    add_session(db, &tutorial, &candidats, &at).await?;

    // More validated sessions, relative to today so that they are recent.
    let recent = |days: i64| today.checked_sub(days.days()).expect("a date in range");
    let more: [(SessionSpec, Vec<DemoCandidat>); 6] = [
        (
            SessionSpec {
                id: "TITRE_T_2026_512204",
                titre: ("RNCP403", None),
                centre: ("klee-idf", "75", "11"),
                state: "validee",
                nature: "titre",
                start: recent(30),
                validated: Some(recent(20)),
                validated_by: "agent.ud75@demo.ceres.fr",
            },
            vec![
                (
                    2254101,
                    "madame",
                    "N’DIAYE",
                    "Awa",
                    "1990-02-11",
                    "75115",
                    "admis",
                    "",
                ),
                (
                    2254102,
                    "monsieur",
                    "LE GOFF",
                    "Yann Erwan",
                    "1978-12-01",
                    "29019",
                    "admis",
                    "",
                ),
                (
                    2254103,
                    "madame",
                    "MÜLLER-ŒUVRAY",
                    "Hélène",
                    "1985-06-30",
                    "67482",
                    "non_admis",
                    "RNCP403BC01",
                ),
                (
                    2254104,
                    "monsieur",
                    "DA SILVA",
                    "João",
                    "1999-00-00",
                    "93066",
                    "non_admis",
                    "",
                ),
            ],
        ),
        (
            SessionSpec {
                id: "TITRE_T_2026_512377",
                titre: ("RNCP17791", None),
                centre: ("montreuil-formation", "93", "11"),
                state: "validee",
                nature: "titre",
                start: recent(25),
                validated: Some(recent(15)),
                validated_by: "agent.ud93@demo.ceres.fr",
            },
            vec![
                (
                    2254201,
                    "madame",
                    "BENALI",
                    "Yasmina",
                    "2001-09-17",
                    "93048",
                    "admis",
                    "",
                ),
                (
                    2254202,
                    "monsieur",
                    "D'ALMEIDA",
                    "Rui",
                    "1969-03-04",
                    "13055",
                    "admis",
                    "",
                ),
                (
                    2254203,
                    "madame",
                    "PETIT",
                    "Élodie Marie",
                    "1994-11-29",
                    "59350",
                    "non_admis",
                    "RNCP17791BC02",
                ),
            ],
        ),
        (
            SessionSpec {
                id: "TITRE_T_2026_512450",
                titre: ("RNCP278", None),
                centre: ("montreuil-formation", "93", "11"),
                state: "en_attente_de_validation",
                nature: "titre",
                start: recent(6),
                validated: None,
                validated_by: "",
            },
            vec![(
                2254301,
                "monsieur",
                "KOUASSI",
                "Jean-Baptiste",
                "1988-07-14",
                "93066",
                "admis",
                "",
            )],
        ),
        (
            SessionSpec {
                id: "TITRE_T_2026_512533",
                titre: ("RNCP193", None),
                centre: ("st-denis-reunion", "974", "04"),
                state: "validee",
                nature: "titre",
                start: recent(21),
                validated: Some(recent(12)),
                validated_by: "agent.deets974@demo.ceres.fr",
            },
            vec![
                (
                    2254401,
                    "madame",
                    "HOARAU",
                    "Marie-Josée",
                    "1983-05-22",
                    "97411",
                    "admis",
                    "",
                ),
                (
                    2254402,
                    "monsieur",
                    "PAYET",
                    "Loïc",
                    "1996-01-08",
                    "97416",
                    "non_admis",
                    "RNCP193BC01",
                ),
            ],
        ),
        // A progressive path: the candidate sits CCPs alone and receives the livret alone.
        (
            SessionSpec {
                id: "CCP_T_2026_512610",
                titre: ("RNCP403", None),
                centre: ("klee-idf", "75", "11"),
                state: "validee",
                nature: "ccp",
                start: recent(28),
                validated: Some(recent(18)),
                validated_by: "agent.ud75@demo.ceres.fr",
            },
            vec![(
                2254501,
                "madame",
                "GARNIER",
                "Ophélie",
                "1992-03-08",
                "75112",
                "admis",
                "RNCP403BC02",
            )],
        ),
        // A certificat complémentaire de spécialisation, taken after the titre.
        (
            SessionSpec {
                id: "CCS_T_2026_512688",
                titre: ("RNCP30173", None),
                centre: ("montreuil-formation", "93", "11"),
                state: "validee",
                nature: "ccs",
                start: recent(26),
                validated: Some(recent(16)),
                validated_by: "agent.ud93@demo.ceres.fr",
            },
            vec![(
                2254601,
                "monsieur",
                "LEROY",
                "Maxime",
                "1987-10-02",
                "93048",
                "admis",
                "RNCP30173BC03",
            )],
        ),
    ];
    for (spec, candidats) in &more {
        add_session(db, spec, candidats, &at).await?;
    }

    tracing::info!("demo scene loaded");
    Ok(())
}

struct SessionSpec {
    id: &'static str,
    /// TP code or RNCP number, and arrêté date of the version.
    titre: (&'static str, Option<&'static str>),
    /// Centre id, département, région.
    centre: (&'static str, &'static str, &'static str),
    state: &'static str,
    /// A `SessionNature` code.
    nature: &'static str,
    start: Date,
    validated: Option<Date>,
    validated_by: &'static str,
}

async fn add_session(
    db: &Db,
    spec: &SessionSpec,
    candidats: &[DemoCandidat],
    at: &str,
) -> anyhow::Result<()> {
    let titre_version_id = referentiel::titre_version_id(db, spec.titre.0, spec.titre.1)
        .await?
        .with_context(|| format!("titre {} is not in the referential", spec.titre.0))?;
    let end = spec.start.checked_add(3.days())?;
    let (date_debut, date_fin) = (date_text(spec.start), date_text(end));
    let validated_on = spec.validated.map(date_text);
    let inserted = sessions::insert_session(
        db,
        &NewSession {
            id: spec.id,
            titre_version_id: &titre_version_id,
            centre_id: spec.centre.0,
            departement_code: spec.centre.1,
            region_code: spec.centre.2,
            state: spec.state,
            nature: spec.nature,
            date_debut: &date_debut,
            date_fin: &date_fin,
            date_jury: Some(&date_fin),
            validated_on: validated_on.as_deref(),
            validated_by: spec.validated.map(|_| spec.validated_by),
            responsable_nom: "Claude Bernard",
            responsable_courriel: "responsable.session@demo.ceres.fr",
            updated_at: at,
            updated_by: "agent@demo.ceres.fr",
        },
    )
    .await?;
    if !inserted {
        return Ok(());
    }

    sessions::insert_jure(db, spec.id, "Dominique Lefèvre", "Professionnel du métier").await?;
    sessions::insert_jure(db, spec.id, "Sacha Moreau", "Professionnel du métier").await?;
    sessions::insert_surveillant(db, spec.id, "Alix Fontaine").await?;
    for (index, &(id, civilite, nom, prenoms, naissance, commune, resultat, ccps)) in
        candidats.iter().enumerate()
    {
        let numero = format!("{}", 3 + index * 7);
        let adresse = format!("{numero} rue des Lilas");
        candidats::insert_candidat(
            db,
            &NewCandidat {
                id,
                civilite: Some(civilite),
                nom_naissance: nom,
                prenoms,
                date_naissance: naissance,
                pays_naissance: ceres_domain::candidat::FRANCE,
                commune_naissance: commune,
                adresse_ligne: &adresse,
                code_postal: if spec.centre.1 == "974" {
                    "97400"
                } else {
                    "75012"
                },
                ville: if spec.centre.1 == "974" {
                    "Saint-Denis"
                } else {
                    "Paris"
                },
                state: "valide",
                updated_at: at,
                ..NewCandidat::default()
            },
        )
        .await?;
        candidats::insert_inscription(db, spec.id, id, Some(resultat), ccps).await?;
    }
    Ok(())
}

/// `ceres demo --scale national`: a generated national volume beside the demo scene, with a
/// progress bar on the terminal.
pub async fn load_national(db: &Db, sessions: u64, per_session: u64) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(sessions);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} sessions ({per_sec}, reste {eta})",
        )?
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let volume = ceres_store::national::Volume {
        sessions,
        candidats_per_session: per_session,
        today: ceres_domain::Clock::today_in_paris(&ceres_domain::SystemClock),
        seed: rand::random(),
    };
    let generated =
        ceres_store::national::generate(db, &volume, &mut |done, _| bar.set_position(done)).await?;
    bar.finish();
    println!(
        "national volume: {} sessions, {} candidates, {} initial requests, {} plis, {} centres \
         in {:.1} s",
        generated.sessions,
        generated.candidats,
        generated.requests,
        generated.plis,
        generated.centres,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
