//! Reading one CSV file of the reference data into records that know their file and line,
//! so that every error can name the file, the line and the field.

use csv::StringRecord;

use super::ImportError;

/// How the bytes of a file are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// The RNCP export, as France Compétences publishes it.
    Windows1252,
    /// Everything else (an optional byte-order mark is skipped).
    Utf8,
}

/// A CSV file read in full: its header and its records, each with the line it starts on.
#[derive(Debug)]
pub(super) struct Table {
    file: &'static str,
    headers: Vec<String>,
    records: Vec<(u64, StringRecord)>,
}

/// A column found in the header, by position and name.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    index: usize,
    name: &'static str,
}

/// One record of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'t> {
    file: &'static str,
    line: u64,
    record: &'t StringRecord,
}

impl Table {
    /// Decodes `bytes` and splits them into records; every record must have as many fields
    /// as the header (a shorter one is a truncated or broken line).
    pub(super) fn read(
        file: &'static str,
        bytes: &[u8],
        encoding: Encoding,
        delimiter: u8,
    ) -> Result<Table, ImportError> {
        let text = decode(file, bytes, encoding)?;

        // The csv crate ends a record on CR, LF or CR LF outside quotes; inside quotes the
        // stray CRs of the RNCP export stay in the field, and fields are trimmed on reading.
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());

        let mut headers: Option<Vec<String>> = None;
        let mut records = Vec::new();
        let mut lines = LineCounter::new(text.as_bytes());
        for result in reader.records() {
            let record = result.map_err(|error| csv_error(file, &error))?;
            let offset = record
                .position()
                .map_or(0, |position| position.byte() as usize);
            let line = lines.line_at(offset);

            let Some(headers) = &headers else {
                headers = Some(record.iter().map(|name| name.trim().to_owned()).collect());
                continue;
            };
            if record.len() != headers.len() {
                return Err(ImportError::Line {
                    file,
                    line,
                    message: format!(
                        "expected {} fields, found {} (truncated or broken line)",
                        headers.len(),
                        record.len()
                    ),
                });
            }
            records.push((line, record));
        }

        let Some(headers) = headers else {
            return Err(ImportError::File {
                file,
                message: "the file is empty".to_owned(),
            });
        };

        Ok(Table {
            file,
            headers,
            records,
        })
    }

    /// The column named `name` in the header.
    pub(super) fn column(&self, name: &'static str) -> Result<Column, ImportError> {
        match self.headers.iter().position(|header| header == name) {
            Some(index) => Ok(Column { index, name }),
            None => Err(ImportError::Line {
                file: self.file,
                line: 1,
                message: format!("missing column {name}"),
            }),
        }
    }

    /// The records, in file order.
    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(|(line, record)| Row {
            file: self.file,
            line: *line,
            record,
        })
    }
}

impl<'t> Row<'t> {
    /// The line of the file this record starts on (1 is the header).
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// The value of `column`, without surrounding white space (the RNCP export leaves
    /// trailing spaces and carriage returns inside quoted fields).
    pub(super) fn get(&self, column: Column) -> &'t str {
        self.record.get(column.index).unwrap_or_default().trim()
    }

    /// The value of `column`, which must not be empty.
    pub(super) fn required(&self, column: Column) -> Result<&'t str, ImportError> {
        let value = self.get(column);
        if value.is_empty() {
            return Err(self.error(column, "empty value"));
        }
        Ok(value)
    }

    /// An error about the value of `column` on this line.
    pub(super) fn error(&self, column: Column, message: impl Into<String>) -> ImportError {
        ImportError::Field {
            file: self.file,
            line: self.line,
            field: column.name,
            message: message.into(),
        }
    }
}

/// The text of a file. Windows-1252 maps every byte, so it cannot fail; but a file that
/// is valid UTF-8 with non-ASCII bytes was re-encoded, and reading it as Windows-1252 would
/// silently turn « é » into « Ã© ».
fn decode<'b>(
    file: &'static str,
    bytes: &'b [u8],
    encoding: Encoding,
) -> Result<std::borrow::Cow<'b, str>, ImportError> {
    match encoding {
        Encoding::Windows1252 => {
            if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                return Err(ImportError::File {
                    file,
                    message: "the file is UTF-8; the RNCP export is read as Windows-1252"
                        .to_owned(),
                });
            }
            let (text, _had_errors) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok(text)
        }
        Encoding::Utf8 => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(bytes) {
                Ok(text) => Ok(text.into()),
                Err(error) => {
                    let valid = &bytes[..error.valid_up_to()];
                    let line = 1 + valid.iter().filter(|byte| **byte == b'\n').count() as u64;
                    let byte = bytes[error.valid_up_to()];
                    Err(ImportError::Line {
                        file,
                        line,
                        message: format!("invalid UTF-8 (byte 0x{byte:02X})"),
                    })
                }
            }
        }
    }
}

/// Line numbers of byte offsets, counted as a text editor does (one per LF).
///
/// The csv crate's own line count lags by one after a CR LF record terminator, so records
/// are located by their byte offset instead.
struct LineCounter<'b> {
    bytes: &'b [u8],
    offset: usize,
    line: u64,
}

impl<'b> LineCounter<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `offset` that is not a line break;
    /// offsets must come in increasing order.
    fn line_at(&mut self, offset: usize) -> u64 {
        let rest = self.bytes.get(offset..).unwrap_or_default();
        let start = offset
            + rest
                .iter()
                .take_while(|b| **b == b'\r' || **b == b'\n')
                .count();
        let start = start.min(self.bytes.len()).max(self.offset);

        let newlines = self.bytes[self.offset..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.line += newlines as u64;
        self.offset = start;
        self.line
    }
}

/// A CSV syntax error, on the line where the csv crate saw it.
fn csv_error(file: &'static str, error: &csv::Error) -> ImportError {
    let line = error.position().map_or(0, |position| position.line());
    ImportError::Line {
        file,
        line,
        message: format!("unreadable CSV: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_know_the_line_they_start_on_across_quoted_line_breaks() {
        let bytes = b"a;b\n1;\"x\r\ny\"\n2;z\n";
        let table = Table::read("t.csv", bytes, Encoding::Windows1252, b';').unwrap();
        let b = table.column("b").unwrap();

        let rows: Vec<_> = table
            .rows()
            .map(|row| (row.line(), row.get(b).to_owned()))
            .collect();

        assert_eq!(rows, [(2, "x\r\ny".to_owned()), (4, "z".to_owned())]);
    }

    #[test]
    fn line_numbers_hold_after_crlf_line_ends() {
        let bytes = b"a;b\r\n1;2\r\n3;4\r\n";
        let table = Table::read("t.csv", bytes, Encoding::Windows1252, b';').unwrap();

        let lines: Vec<_> = table.rows().map(|row| row.line()).collect();

        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn a_short_line_is_reported_with_its_line_number() {
        let bytes = b"a;b;c\n1;2;3\n4;5\n";

        let error = Table::read("t.csv", bytes, Encoding::Windows1252, b';').unwrap_err();

        assert_eq!(
            error.to_string(),
            "t.csv line 3: expected 3 fields, found 2 (truncated or broken line)"
        );
    }

    #[test]
    fn windows_1252_bytes_are_decoded() {
        let bytes = b"a\nd\x92apr\xE8s\n";
        let table = Table::read("t.csv", bytes, Encoding::Windows1252, b';').unwrap();
        let a = table.column("a").unwrap();

        assert_eq!(table.rows().next().unwrap().get(a), "d\u{2019}après");
    }

    #[test]
    fn a_utf8_file_given_as_the_rncp_export_is_refused() {
        let bytes = "a\naprès\n".as_bytes();

        let error = Table::read("t.csv", bytes, Encoding::Windows1252, b';').unwrap_err();

        assert!(
            error.to_string().starts_with("t.csv: the file is UTF-8"),
            "{error}"
        );
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_line_number() {
        let bytes = b"a,b\n1,2\n3,apr\xE8s\n";

        let error = Table::read("t.csv", bytes, Encoding::Utf8, b',').unwrap_err();

        assert_eq!(error.to_string(), "t.csv line 3: invalid UTF-8 (byte 0xE8)");
    }

    #[test]
    fn a_missing_column_is_named() {
        let table = Table::read("t.csv", b"a,b\n1,2\n", Encoding::Utf8, b',').unwrap();

        let error = table.column("c").unwrap_err();

        assert_eq!(error.to_string(), "t.csv line 1: missing column c");
    }
}
