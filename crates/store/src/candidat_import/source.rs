//! Reading an import file into rows of named values: the encoding (UTF-8, with or without
//! BOM), the format (CSV with `;` or `,`, or JSON), and the line each row starts on.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

/// The formats an import file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { separator: u8 },
    Json,
}

impl Format {
    /// As the report names it: « CSV (séparateur ;) », « JSON ».
    pub fn label(self) -> String {
        match self {
            Format::Csv { separator } => format!("CSV (séparateur {})", separator as char),
            Format::Json => "JSON".to_owned(),
        }
    }
}

/// One row of the file: the line it starts on, and its values by column (or key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub line: u64,
    pub values: BTreeMap<String, String>,
    /// Values that cannot be read as text (a JSON object or array), by key.
    pub unreadable: Vec<String>,
}

/// Why a file cannot be read at all. Each message is what the agent reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIssue {
    /// Stable id, e.g. `import.encoding`.
    pub check: &'static str,
    pub message: String,
}

impl FileIssue {
    fn new(check: &'static str, message: String) -> FileIssue {
        FileIssue { check, message }
    }
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub format: Format,
    /// The columns of a CSV header, in lower case; `None` for JSON, whose keys are per row.
    pub columns: Option<Vec<String>>,
    pub rows: Vec<SourceRow>,
}

/// The rows of a file, with its format.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Source, FileIssue> {
    let text = decode(bytes)?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(FileIssue::new(
            "import.empty",
            "Le fichier est vide : aucun candidat à importer.".to_owned(),
        ));
    }

    let json = file_name.to_lowercase().ends_with(".json")
        || trimmed.starts_with('[')
        || trimmed.starts_with('{');
    let source = if json {
        Source {
            format: Format::Json,
            columns: None,
            rows: read_json(text)?,
        }
    } else {
        let separator = separator_of(text);
        let (columns, rows) = read_csv(text, separator)?;
        Source {
            format: Format::Csv { separator },
            columns: Some(columns),
            rows,
        }
    };
    if source.rows.is_empty() {
        return Err(FileIssue::new(
            "import.empty",
            "Le fichier ne contient aucune ligne de candidat.".to_owned(),
        ));
    }
    Ok(source)
}

/// The text of the file: UTF-8, a BOM removed. Any other encoding is refused, saying which
/// one it probably is and how to save the file again.
fn decode(bytes: &[u8]) -> Result<&str, FileIssue> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileIssue::new(
            "import.encoding",
            "Le fichier est encodé en UTF-16 (« Texte Unicode » d'Excel). Enregistrez-le au \
             format « CSV UTF-8 (délimité par des virgules) » puis importez-le à nouveau."
                .to_owned(),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| {
        let at = error.valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        FileIssue::new(
            "import.encoding",
            format!(
                "Le fichier n'est pas encodé en UTF-8 : l'octet 0x{:02X} de la ligne {line} \
                 n'en est pas. Il est probablement en Windows-1252 (ISO-8859-1), l'encodage \
                 d'un « CSV (séparateur : point-virgule) » enregistré par Excel. Enregistrez-le \
                 au format « CSV UTF-8 » puis importez-le à nouveau.",
                bytes[at]
            ),
        )
    })
}

/// `;` or `,`, whichever the header line holds more of outside quotes (`;` when equal).
fn separator_of(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let (mut semicolons, mut commas, mut quoted) = (0, 0, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if commas > semicolons { b',' } else { b';' }
}

/// Column names as written in the header: trimmed, in lower case.
fn column_name(header: &str) -> String {
    header.trim().to_lowercase()
}

fn read_csv(text: &str, separator: u8) -> Result<(Vec<String>, Vec<SourceRow>), FileIssue> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(text.as_bytes());
    let syntax = |error: csv::Error| {
        let line = error.position().map_or(0, csv::Position::line);
        FileIssue::new(
            "import.csv_syntax",
            format!("Le fichier CSV est illisible à la ligne {line} : {error}."),
        )
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(syntax)?
        .iter()
        .map(column_name)
        .collect();

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(syntax)?;
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let line = record
            .position()
            .map_or(0, |position| line_at(text, position.byte() as usize));
        let mut values = BTreeMap::new();
        let mut unreadable = Vec::new();
        for (index, value) in record.iter().enumerate() {
            match headers.get(index) {
                Some(name) => {
                    values.insert(name.clone(), value.trim().to_owned());
                }
                None if value.trim().is_empty() => {}
                None => unreadable.push(format!("colonne {} sans en-tête", index + 1)),
            }
        }
        rows.push(SourceRow {
            line,
            values,
            unreadable,
        });
    }
    Ok((headers, rows))
}

/// The line of the first character at or after `offset` that does not end a line: the csv
/// reader counts a record from the end of the previous one, blank lines included.
fn line_at(text: &str, offset: usize) -> u64 {
    let offset = offset.min(text.len());
    let start =
        offset + text[offset..].len() - text[offset..].trim_start_matches(['\r', '\n']).len();
    text[..start].bytes().filter(|b| *b == b'\n').count() as u64 + 1
}

/// A JSON file: an array of objects, or an object whose `candidats` is one.
fn read_json(text: &str) -> Result<Vec<SourceRow>, FileIssue> {
    let syntax = |error: serde_json::Error| {
        FileIssue::new(
            "import.json_syntax",
            format!(
                "Le fichier JSON est illisible à la ligne {}, colonne {} : {}.",
                error.line(),
                error.column(),
                json_error_in_french(&error)
            ),
        )
    };
    let shape = || {
        FileIssue::new(
            "import.json_shape",
            "Le fichier JSON doit contenir un tableau de candidats ([ {…}, {…} ]) ou un \
             objet { \"candidats\": [ … ] }."
                .to_owned(),
        )
    };

    let elements: Vec<&RawValue> = if text.trim_start().starts_with('{') {
        let outer: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(syntax)?;
        let list = outer.get("candidats").ok_or_else(shape)?;
        serde_json::from_str(list.get()).map_err(|_| shape())?
    } else {
        serde_json::from_str(text).map_err(syntax)?
    };

    let mut rows = Vec::new();
    for element in elements {
        // The element borrows from `text`: its offset gives its line.
        let line = line_at(
            text,
            element.get().as_ptr() as usize - text.as_ptr() as usize,
        );
        let object: BTreeMap<String, Value> =
            serde_json::from_str(element.get()).map_err(|_| shape())?;
        let mut values = BTreeMap::new();
        let mut unreadable = Vec::new();
        for (key, value) in object {
            let key = column_name(&key);
            match value {
                Value::String(text) => {
                    values.insert(key, text.trim().to_owned());
                }
                Value::Number(number) => {
                    values.insert(key, number.to_string());
                }
                Value::Null => {
                    values.insert(key, String::new());
                }
                Value::Bool(_) | Value::Array(_) | Value::Object(_) => unreadable.push(key),
            }
        }
        rows.push(SourceRow {
            line,
            values,
            unreadable,
        });
    }
    Ok(rows)
}

/// The kind of a JSON error, in French.
fn json_error_in_french(error: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match error.classify() {
        Category::Eof => "le fichier s'arrête avant la fin d'un objet ou d'un tableau",
        Category::Syntax => "virgule, guillemet, accolade ou crochet manquant ou en trop",
        Category::Data => "le contenu n'a pas la forme attendue",
        Category::Io => "lecture impossible",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(name: &str, text: &str) -> Vec<SourceRow> {
        read(name, text.as_bytes()).unwrap().rows
    }

    #[test]
    fn a_csv_with_semicolons_and_a_bom_is_read_with_the_line_of_each_row() {
        let text = "\u{FEFF}id_ceres;Nom_Naissance\n1;FAURIEL\n\n2;\"BERTRAND\n\"\n3;X\n";

        let Source {
            format,
            columns,
            rows,
        } = read("f.csv", text.as_bytes()).unwrap();

        assert_eq!(format, Format::Csv { separator: b';' });
        assert_eq!(columns.unwrap(), ["id_ceres", "nom_naissance"]);
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(rows[0].values["nom_naissance"], "FAURIEL");
        assert_eq!(rows[0].values["id_ceres"], "1");
    }

    #[test]
    fn a_csv_with_commas_is_read_and_quoted_commas_do_not_count() {
        let rows = rows("f.csv", "id_ceres,ville\n1,\"Paris, 12e\"\n");

        assert_eq!(rows[0].values["ville"], "Paris, 12e");
    }

    #[test]
    fn the_separator_is_taken_from_the_header_line() {
        assert_eq!(separator_of("a;b;c\n1,2;3"), b';');
        assert_eq!(separator_of("a,b,c\n1;2;3"), b',');
        assert_eq!(separator_of("\"a;b\",c\n"), b',');
    }

    #[test]
    fn a_windows_1252_file_is_refused_naming_the_encoding_and_the_line() {
        let mut bytes = b"id_ceres;nom_naissance\n1;MARTIN\n2;".to_vec();
        bytes.extend(encoding_rs::WINDOWS_1252.encode("LEFÈVRE\n").0.iter());

        let issue = read("f.csv", &bytes).unwrap_err();

        assert_eq!(issue.check, "import.encoding");
        assert!(issue.message.contains("ligne 3"), "{}", issue.message);
        assert!(issue.message.contains("Windows-1252"), "{}", issue.message);
        assert!(issue.message.contains("CSV UTF-8"), "{}", issue.message);
    }

    #[test]
    fn a_utf16_file_is_refused_as_such() {
        let issue = read("f.csv", &[0xFF, 0xFE, b'i', 0]).unwrap_err();

        assert!(issue.message.contains("UTF-16"));
    }

    #[test]
    fn a_json_array_gives_the_line_each_object_starts_on() {
        let text = "[\n  {\"id_ceres\": 2122560,\n   \"nom_naissance\": \"FAURIEL\"},\n  \
                    {\"id_ceres\": \"7\", \"nom_usage\": null}\n]";

        let source = read("f.txt", text.as_bytes()).unwrap();
        let rows = source.rows;

        assert_eq!(source.format, Format::Json);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[0].values["id_ceres"], "2122560");
        assert_eq!(rows[1].values["nom_usage"], "");
    }

    #[test]
    fn a_json_object_with_candidats_is_read_and_objects_in_values_are_unreadable() {
        let text = r#"{"candidats": [{"id_ceres": "1", "adresse": {"rue": "x"}}]}"#;

        let rows = rows("f.json", text);

        assert_eq!(rows[0].unreadable, ["adresse"]);
    }

    #[test]
    fn a_broken_json_file_is_refused_with_its_line_and_column() {
        let issue = read("f.json", b"[\n{\"id_ceres\": 1,}\n]").unwrap_err();

        assert_eq!(issue.check, "import.json_syntax");
        assert!(issue.message.contains("ligne 2"), "{}", issue.message);
    }

    #[test]
    fn a_json_file_of_the_wrong_shape_is_refused() {
        let issue = read("f.json", br#"{"eleves": []}"#).unwrap_err();

        assert_eq!(issue.check, "import.json_shape");
    }

    #[test]
    fn an_empty_file_or_a_header_alone_is_refused() {
        assert_eq!(read("f.csv", b"").unwrap_err().check, "import.empty");
        assert_eq!(
            read("f.csv", b"id_ceres;nom_naissance\n;\n")
                .unwrap_err()
                .check,
            "import.empty"
        );
        assert_eq!(read("f.json", b"[]").unwrap_err().check, "import.empty");
    }
}
