//! R4 on strings taken from the reference data of `data/` (see `data/SOURCES.md`): commune
//! names as names, dates of the INSEE lists as birth dates, postcodes and localities of the
//! La Poste base as addresses. Each string is first found in its file, so that the table
//! stays drawn from the data. Birth places, which need the database, are checked in
//! `crates/store/tests/import.rs`.

use ceres_domain::candidat::{
    BirthPlaceReference, CandidatRecord, CheckReport, Civilite, FRANCE, PlacePeriod, check,
};
use jiff::civil::{Date, date};

const COMMUNES: &str = include_str!("../../../data/geo/communes_2026.csv");
const PAYS: &str = include_str!("../../../data/geo/pays_insee_depuis_1943.csv");
const HISTORIQUES: &str = include_str!("../../../data/geo/communes_historiques_asp.csv");
const CODES_POSTAUX: &str = include_str!("../../../data/geo/codes_postaux.csv");

const SESSION: Date = date(2022, 11, 16);

fn reference() -> BirthPlaceReference {
    BirthPlaceReference {
        pays: vec![PlacePeriod {
            code: FRANCE.to_owned(),
            nom: "France".to_owned(),
            date_debut: date(1943, 1, 1),
            date_fin: None,
        }],
        communes: vec![PlacePeriod {
            code: "08105".to_owned(),
            nom: "CHARLEVILLE-MEZIERES".to_owned(),
            date_debut: date(1900, 1, 1),
            date_fin: None,
        }],
    }
}

fn record(reference: &BirthPlaceReference) -> CandidatRecord<'_> {
    CandidatRecord {
        civilite: Some(Civilite::Monsieur),
        genre: None,
        nom_naissance: "BERTRAND",
        nom_usage: "",
        prenoms: "Henri",
        date_naissance: "1981-04-23",
        pays_naissance: FRANCE,
        commune_naissance: "08105",
        ville_naissance_etranger: "",
        birth_place: reference,
        adresse_complement: "",
        adresse_ligne: "12 rue de la République",
        code_postal: "08000",
        ville: "Charleville-Mézières",
        adresse_pays: "",
        courriel: "",
        telephone: "",
    }
}

fn outcome(report: &CheckReport) -> (Vec<&'static str>, Vec<&'static str>) {
    (
        report.errors.iter().map(|i| i.check).collect(),
        report.warnings.iter().map(|i| i.check).collect(),
    )
}

#[test]
fn r4_commune_names_of_the_cog_read_as_birth_names() {
    // (name as the COG writes it, errors, warnings)
    let cases: [(&str, &[&str], &[&str]); 20] = [
        ("Œuilly", &[], &[]),
        ("Bonnœil", &[], &[]),
        ("Cœuvres-et-Valsery", &[], &[]),
        ("Moÿ-de-l'Aisne", &[], &[]),
        ("Crèvecœur-en-Auge", &[], &[]),
        ("L'Abergement-Clémenciat", &[], &[]),
        ("Plateau d'Hauteville", &[], &[]),
        ("Charleville-Mézières", &[], &[]),
        ("Saint-Denis", &[], &[]),
        ("Aix-Villemaur-Pâlis", &[], &[]),
        ("Ailleville", &[], &[]),
        ("Mamoudzou", &[], &[]),
        ("Saint Geniez d'Olt et d'Aubrac", &[], &[]),
        ("La Rochefoucauld-en-Angoumois", &[], &[]),
        ("Les Ayvelles", &[], &[]),
        ("Marseille 1er Arrondissement", &[FORBIDDEN], &[]),
        ("Paris 12e Arrondissement", &[FORBIDDEN], &[]),
        ("Marseille 8e Arrondissement", &[FORBIDDEN], &[]),
        ("AILLEVILLE", &[], &[]),
        ("VILLENEUVE-D'ASCQ", &[], &[]),
    ];
    const FORBIDDEN: &str = "R4.name.forbidden_character";
    let reference = reference();

    for (name, errors, warnings) in cases {
        assert!(
            COMMUNES.contains(name) || HISTORIQUES.contains(name),
            "{name} is not in the data"
        );
        let candidate = CandidatRecord {
            nom_naissance: name,
            prenoms: name,
            ..record(&reference)
        };

        let (found, warned) = outcome(&check(&candidate, SESSION));

        let twice: Vec<&str> = errors.iter().flat_map(|e| [*e, *e]).collect();
        assert_eq!(found, twice, "{name}");
        assert_eq!(warned, warnings, "{name}");
    }
}

#[test]
fn r4_dates_of_the_insee_lists_read_as_birth_dates() {
    // (date as one of the lists writes it, ISO form, errors)
    let cases: [(&str, &str, &[&str]); 10] = [
        ("1962-07-05", "1962-07-05", &[]),
        ("1956-03-02", "1956-03-02", &[]),
        ("1990-10-03", "1990-10-03", &[]),
        ("1949-05-23", "1949-05-23", &[]),
        ("1943-01-01", "1943-01-01", &[]),
        ("31/12/1975", "1975-12-31", &[]),
        ("31/12/2007", "2007-12-31", &[]),
        ("01/01/1968", "1968-01-01", &[]),
        ("01/01/1900", "1900-01-01", &[INCOHERENT]),
        ("01/01/2019", "2019-01-01", &[INCOHERENT]),
    ];
    const INCOHERENT: &str = "R4.birth_date.incoherent_year";
    let reference = reference();

    for (written, iso, errors) in cases {
        assert!(
            PAYS.contains(written) || HISTORIQUES.contains(written),
            "{written} is not in the data"
        );
        let candidate = CandidatRecord {
            date_naissance: iso,
            ..record(&reference)
        };

        let (found, _) = outcome(&check(&candidate, SESSION));

        assert_eq!(found, errors, "{iso}");
    }
}

#[test]
fn r4_postcodes_and_localities_of_la_poste_read_as_addresses() {
    // (postcode, libellé d'acheminement, street, errors)
    let cases: [(&str, &str, &str, &[&str]); 12] = [
        (
            "08000",
            "CHARLEVILLE MEZIERES",
            "12 rue de la République",
            &[],
        ),
        ("37000", "TOURS", "5 bis rue Nationale", &[]),
        ("59000", "LILLE", "1 place du Général de Gaulle", &[]),
        ("75012", "PARIS", "35 rue de la Gare", &[]),
        ("93300", "AUBERVILLIERS", "19-21 rue Madeleine Vionnet", &[]),
        ("97400", "SAINT DENIS", "112 rue de la République", &[]),
        ("97600", "MAMOUDZOU", "Lieu-dit Kawéni", &[]),
        ("13001", "MARSEILLE", "", &[NO_STREET]),
        ("83998", "CANJUERS CEDEX", "", &[]),
        (
            "12130",
            "SAINT GENIEZ D'OLT ET D'AUBRAC",
            "2 route de la Vallée du Lot",
            &[],
        ),
        (
            "16110",
            "LA ROCHEFOUCAULD-EN-ANGOUMOIS",
            "4 impasse des Tisserands de la Tardoire et du Bandiat",
            &[TOO_LONG],
        ),
        ("10200", "AILLEVILLE", "3 rue des Lilas", &[]),
    ];
    const NO_STREET: &str = "R4.address.delivery_point_missing";
    const TOO_LONG: &str = "R4.address.line_too_long";
    let reference = reference();

    for (code_postal, localite, voie, errors) in cases {
        assert!(
            CODES_POSTAUX
                .lines()
                .any(|line| line.starts_with(code_postal) && line.ends_with(localite)),
            "{code_postal} {localite} is not in the data"
        );
        let candidate = CandidatRecord {
            adresse_ligne: voie,
            code_postal,
            ville: localite,
            ..record(&reference)
        };

        let (found, _) = outcome(&check(&candidate, SESSION));

        assert_eq!(found, errors, "{code_postal} {localite}");
    }
}
