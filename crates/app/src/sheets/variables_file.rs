//! The "global variables" file: an XLSX workbook whose first worksheet holds a
//! `key` column and a `value` column.
//!
//! This module owns the file format end to end: the blank template offered
//! for download, exporting variables to a workbook, and reading an uploaded
//! workbook back with every check a user-supplied file needs (size, zip-bomb
//! guard, headers, keys, values, limits), each failure explained in a
//! sentence the user can act on.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

/// The MIME type of an XLSX workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The largest upload accepted, in bytes (the compressed file itself).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most variables one file may hold.
pub const MAX_VARIABLES: usize = 1000;
/// The longest key accepted, in characters.
pub const MAX_KEY_CHARS: usize = 100;
/// The longest value accepted, in characters.
pub const MAX_VALUE_CHARS: usize = 10_000;

/// The most entries (parts) the workbook's ZIP container may have.
const MAX_ZIP_ENTRIES: usize = 1000;
/// The most bytes the workbook's parts may declare once uncompressed, all together.
const MAX_UNCOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;
/// The first bytes of a ZIP local file header, which every XLSX file starts with.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The name of the one worksheet that `write` produces.
const SHEET_NAME: &str = "Variables";
const KEY_HEADER: &str = "key";
const VALUE_HEADER: &str = "value";
/// Excel's limit on the length of a cell's text, in UTF-16 code units.
const MAX_CELL_UTF16: usize = 32_767;
/// Excel's number of rows in a worksheet.
const MAX_SHEET_ROWS: usize = 1_048_576;

/// One variable: a key, referenced as `{{key}}`, and the text it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileVariable {
    /// The variable's name, trimmed, without braces or line breaks.
    pub key: String,
    /// The variable's text.
    pub value: String,
}

/// Why a variables file was refused. The `Display` text is meant for the user.
#[derive(Debug, thiserror::Error)]
pub enum VariablesFileError {
    /// The upload is larger than [`MAX_FILE_BYTES`].
    #[error("The file is too large: workbooks of up to {} MB are accepted.", MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge,
    /// The upload is not a ZIP container, so not an XLSX workbook.
    #[error(
        "The file is not an XLSX workbook; save it as .xlsx from Excel, LibreOffice or Google Sheets and try again."
    )]
    NotAWorkbook,
    /// The ZIP container has more entries than is reasonable for a workbook.
    #[error("The workbook has too many internal parts to be read safely.")]
    TooManyParts,
    /// The ZIP container would expand to more than is reasonable for a workbook.
    #[error("The workbook is too large once uncompressed to be read safely.")]
    TooLargeUncompressed,
    /// The container or its XML could not be parsed.
    #[error("The workbook could not be read; it may be damaged or not a valid XLSX file.")]
    Unreadable {
        /// The parser's own error, for logs.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The workbook has no worksheet to read.
    #[error("The workbook has no worksheet.")]
    NoWorksheet,
    /// The worksheet's rows are not stored in ascending order.
    #[error(
        "The first worksheet stores its rows out of order; open the file in a spreadsheet program, save it again and retry."
    )]
    RowsOutOfOrder,
    /// The first worksheet has no non-empty cell.
    #[error(
        "The first worksheet is empty; the file should start with a `key` / `value` header row."
    )]
    EmptySheet,
    /// The header row lacks one of the two headers.
    #[error(
        "The header row (row {row}) has no `{missing}` column; the file should start with a `key` / `value` header row."
    )]
    MissingHeader {
        /// The 1-based row taken as the header row.
        row: u64,
        /// The header that was not found: `key` or `value`.
        missing: &'static str,
    },
    /// The header row lacks both headers.
    #[error(
        "The header row (row {row}) has neither a `key` nor a `value` column; the file should start with a `key` / `value` header row."
    )]
    MissingHeaders {
        /// The 1-based row taken as the header row.
        row: u64,
    },
    /// A row has a value but an empty key.
    #[error("Row {row} has a value but no key; fill in the key or clear the row.")]
    ValueWithoutKey {
        /// The 1-based row.
        row: u64,
    },
    /// A key is longer than [`MAX_KEY_CHARS`].
    #[error("The key in row {row} is longer than {MAX_KEY_CHARS} characters.")]
    KeyTooLong {
        /// The 1-based row.
        row: u64,
    },
    /// A key contains `{` or `}`.
    #[error(
        "The key \"{key}\" in row {row} contains a brace; keys are used as {{{{key}}}}, so they cannot contain `{{` or `}}`."
    )]
    KeyHasBraces {
        /// The 1-based row.
        row: u64,
        /// The key as written.
        key: String,
    },
    /// A key contains a line break.
    #[error("The key in row {row} contains a line break; keys must fit on one line.")]
    KeyHasLineBreak {
        /// The 1-based row.
        row: u64,
    },
    /// Two rows have the same key, ignoring case.
    #[error(
        "The key \"{key}\" appears twice, in rows {first_row} and {second_row}; keys must be unique (ignoring case)."
    )]
    DuplicateKey {
        /// The key as written in the later row.
        key: String,
        /// The 1-based row of the first occurrence.
        first_row: u64,
        /// The 1-based row of the second occurrence.
        second_row: u64,
    },
    /// A key or value cell holds a spreadsheet error such as `#DIV/0!`.
    #[error(
        "Row {row} has the error {error} in its `{column}` cell; fix the formula or type a plain value instead."
    )]
    CellError {
        /// The 1-based row.
        row: u64,
        /// The column: `key` or `value`.
        column: &'static str,
        /// The error as the spreadsheet shows it, e.g. `#DIV/0!`.
        error: String,
    },
    /// A value is longer than [`MAX_VALUE_CHARS`].
    #[error("The value of \"{key}\" in row {row} is longer than {MAX_VALUE_CHARS} characters.")]
    ValueTooLong {
        /// The 1-based row.
        row: u64,
        /// The row's key.
        key: String,
    },
    /// The file holds more than [`MAX_VARIABLES`] variables.
    #[error("The file has more than {MAX_VARIABLES} variables; remove some rows or split it.")]
    TooManyVariables,
}

impl VariablesFileError {
    fn unreadable(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unreadable {
            source: Box::new(source),
        }
    }
}

/// The blank template: header row only.
pub fn template() -> Vec<u8> {
    write(&[])
}

/// A workbook holding these variables (used by tests and for exports); `template() == write(&[])` in content.
///
/// Text longer than a spreadsheet cell can hold (32,767 UTF-16 units) is cut to
/// fit, and variables beyond a worksheet's last row are left out; neither can
/// happen with variables that passed [`read`].
pub fn write(variables: &[FileVariable]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name(SHEET_NAME)
        .expect("\"Variables\" is a valid worksheet name");
    sheet
        .set_column_width(0, 30)
        .expect("column A exists in every worksheet");
    sheet
        .set_column_width(1, 80)
        .expect("column B exists in every worksheet");
    sheet
        .set_freeze_panes(1, 0)
        .expect("row 2 exists in every worksheet");
    sheet
        .write_string_with_format(0, 0, KEY_HEADER, &header)
        .expect("cell A1 exists and the header is short");
    sheet
        .write_string_with_format(0, 1, VALUE_HEADER, &header)
        .expect("cell B1 exists and the header is short");
    for (row, variable) in (1u32..).zip(variables.iter().take(MAX_SHEET_ROWS - 1)) {
        sheet
            .write_string(row, 0, fit_in_cell(&variable.key))
            .expect("the row is within the sheet and the key fits in a cell");
        sheet
            .write_string(row, 1, fit_in_cell(&variable.value))
            .expect("the row is within the sheet and the value fits in a cell");
    }
    workbook
        .save_to_buffer()
        .expect("saving a workbook of plain strings to memory cannot fail")
}

/// `text`, cut to the longest prefix a spreadsheet cell can hold.
fn fit_in_cell(text: &str) -> &str {
    let mut units = 0;
    for (index, character) in text.char_indices() {
        units += character.len_utf16();
        if units > MAX_CELL_UTF16 {
            return &text[..index];
        }
    }
    text
}

/// Reads a workbook back.
pub fn read(bytes: &[u8]) -> Result<Vec<FileVariable>, VariablesFileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(VariablesFileError::TooLarge);
    }
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(VariablesFileError::NotAWorkbook);
    }
    check_zip_container(bytes)?;

    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(VariablesFileError::unreadable)?;
    let sheet_name = workbook
        .sheets_metadata()
        .iter()
        .find(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .ok_or(VariablesFileError::NoWorksheet)?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet_name)
        .map_err(VariablesFileError::unreadable)?;

    // Streaming the cells, rather than loading the sheet as a dense range, keeps
    // memory bounded by the file's contents: a dense range of a sheet with one
    // cell in A1 and one in XFD1048576 would need billions of slots.
    let mut collector = Collector::default();
    let mut current: Option<(u32, Vec<(u32, CellText)>)> = None;
    while let Some(cell) = cells.next_cell().map_err(VariablesFileError::unreadable)? {
        let (row, column) = cell.get_position();
        match &mut current {
            Some((current_row, row_cells)) if *current_row == row => {
                if collector.wants(column) {
                    row_cells.push((column, CellText::from_data(cell.get_value())));
                }
            }
            Some((current_row, _)) if row < *current_row => {
                return Err(VariablesFileError::RowsOutOfOrder);
            }
            _ => {
                if let Some((finished_row, row_cells)) = current.take() {
                    collector.push_row(finished_row, &row_cells)?;
                }
                let mut row_cells = Vec::new();
                if collector.wants(column) {
                    row_cells.push((column, CellText::from_data(cell.get_value())));
                }
                current = Some((row, row_cells));
            }
        }
    }
    if let Some((finished_row, row_cells)) = current {
        collector.push_row(finished_row, &row_cells)?;
    }
    collector.finish()
}

/// Refuses containers that would cost too much to decompress, before any XML is parsed.
///
/// The declared sizes are a real bound: the `zip` crate stops reading an entry
/// with an error once it yields more than its declared uncompressed size.
fn check_zip_container(bytes: &[u8]) -> Result<(), VariablesFileError> {
    let archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(VariablesFileError::unreadable)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(VariablesFileError::TooManyParts);
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(VariablesFileError::unreadable)?;
        total = total.saturating_add(entry.size());
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(VariablesFileError::TooLargeUncompressed);
        }
    }
    Ok(())
}

/// A cell's content as the variables file sees it.
#[derive(Debug)]
enum CellText {
    Empty,
    Text(String),
    /// A spreadsheet error, as displayed (`#DIV/0!`).
    Error(String),
}

impl CellText {
    fn from_data(data: &DataRef<'_>) -> Self {
        let text = match data {
            DataRef::Empty => return Self::Empty,
            DataRef::Error(error) => return Self::Error(error.to_string()),
            DataRef::Int(number) => number.to_string(),
            DataRef::Float(number) => format_number(*number),
            DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
                text.clone()
            }
            DataRef::SharedString(text) => (*text).to_owned(),
            DataRef::Bool(flag) => flag.to_string(),
            DataRef::DateTime(date_time) => format_date_time(date_time),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Self::Empty
        } else if trimmed.len() == text.len() {
            Self::Text(text)
        } else {
            Self::Text(trimmed.to_owned())
        }
    }
}

/// A number in its shortest form: `42`, `3.5`, never `42.0`.
fn format_number(number: f64) -> String {
    // Rust's `Display` for floats is already the shortest round-tripping form and
    // drops a zero fraction; only negative zero needs help.
    if number == 0.0 {
        "0".to_owned()
    } else {
        number.to_string()
    }
}

/// A spreadsheet date, time or duration in ISO 8601 style.
fn format_date_time(date_time: &ExcelDateTime) -> String {
    if date_time.is_duration() {
        let total_millis = (date_time.as_f64() * 86_400_000.0).round();
        // `as` saturates, which is fine: such durations are not meaningful values.
        let total_millis = total_millis as i64;
        let sign = if total_millis < 0 { "-" } else { "" };
        let total_millis = total_millis.unsigned_abs();
        let (seconds, millis) = (total_millis / 1000, total_millis % 1000);
        let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        return if millis == 0 {
            format!("{sign}{hours:02}:{minutes:02}:{seconds:02}")
        } else {
            format!("{sign}{hours:02}:{minutes:02}:{seconds:02}.{millis:03}")
        };
    }
    let (year, month, day, hour, minute, second, millis) = date_time.to_ymd_hms_milli();
    let time = if millis == 0 {
        format!("{hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{hour:02}:{minute:02}:{second:02}.{millis:03}")
    };
    // A serial below 1 is a time of day with no date (Excel shows it as a time).
    if (0.0..1.0).contains(&date_time.as_f64()) {
        time
    } else if (hour, minute, second, millis) == (0, 0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{time}")
    }
}

/// The columns of the header row.
#[derive(Clone, Copy, Debug)]
struct Columns {
    key: u32,
    value: u32,
}

/// Turns the worksheet's rows, in order, into variables.
#[derive(Default)]
struct Collector {
    columns: Option<Columns>,
    variables: Vec<FileVariable>,
    /// Lower-cased key to the 1-based row it was first seen in.
    rows_by_key: HashMap<String, u64>,
}

impl Collector {
    /// Whether a cell in this column matters: every cell until the header row is known.
    fn wants(&self, column: u32) -> bool {
        self.columns
            .is_none_or(|columns| column == columns.key || column == columns.value)
    }

    fn push_row(&mut self, row: u32, cells: &[(u32, CellText)]) -> Result<(), VariablesFileError> {
        let row = u64::from(row) + 1;
        let Some(columns) = self.columns else {
            return self.find_headers(row, cells);
        };
        let cell = |column: u32| {
            cells
                .iter()
                .find(|(at, _)| *at == column)
                .map_or(&CellText::Empty, |(_, text)| text)
        };
        let key = match cell(columns.key) {
            CellText::Empty => None,
            CellText::Text(text) => Some(text),
            CellText::Error(error) => {
                return Err(VariablesFileError::CellError {
                    row,
                    column: KEY_HEADER,
                    error: error.clone(),
                });
            }
        };
        let value = match cell(columns.value) {
            CellText::Empty => None,
            CellText::Text(text) => Some(text),
            CellText::Error(error) => {
                return Err(VariablesFileError::CellError {
                    row,
                    column: VALUE_HEADER,
                    error: error.clone(),
                });
            }
        };
        let key = match (key, value) {
            (None, None) => return Ok(()),
            (None, Some(_)) => return Err(VariablesFileError::ValueWithoutKey { row }),
            (Some(key), _) => key,
        };
        let value = value.cloned().unwrap_or_default();

        if key.chars().count() > MAX_KEY_CHARS {
            return Err(VariablesFileError::KeyTooLong { row });
        }
        if key.contains(['{', '}']) {
            return Err(VariablesFileError::KeyHasBraces {
                row,
                key: key.clone(),
            });
        }
        if key.contains(['\n', '\r']) {
            return Err(VariablesFileError::KeyHasLineBreak { row });
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(VariablesFileError::ValueTooLong {
                row,
                key: key.clone(),
            });
        }
        if let Some(&first_row) = self.rows_by_key.get(&key.to_lowercase()) {
            return Err(VariablesFileError::DuplicateKey {
                key: key.clone(),
                first_row,
                second_row: row,
            });
        }
        if self.variables.len() >= MAX_VARIABLES {
            return Err(VariablesFileError::TooManyVariables);
        }
        self.rows_by_key.insert(key.to_lowercase(), row);
        self.variables.push(FileVariable {
            key: key.clone(),
            value,
        });
        Ok(())
    }

    /// Takes the first non-empty row as the header row.
    fn find_headers(
        &mut self,
        row: u64,
        cells: &[(u32, CellText)],
    ) -> Result<(), VariablesFileError> {
        if cells
            .iter()
            .all(|(_, text)| matches!(text, CellText::Empty))
        {
            return Ok(());
        }
        let find = |header: &str| {
            cells.iter().find_map(|(column, text)| match text {
                CellText::Text(text) if text.eq_ignore_ascii_case(header) => Some(*column),
                _ => None,
            })
        };
        match (find(KEY_HEADER), find(VALUE_HEADER)) {
            (Some(key), Some(value)) => {
                self.columns = Some(Columns { key, value });
                Ok(())
            }
            (Some(_), None) => Err(VariablesFileError::MissingHeader {
                row,
                missing: VALUE_HEADER,
            }),
            (None, Some(_)) => Err(VariablesFileError::MissingHeader {
                row,
                missing: KEY_HEADER,
            }),
            (None, None) => Err(VariablesFileError::MissingHeaders { row }),
        }
    }

    fn finish(self) -> Result<Vec<FileVariable>, VariablesFileError> {
        if self.columns.is_none() {
            return Err(VariablesFileError::EmptySheet);
        }
        Ok(self.variables)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use rust_xlsxwriter::{ExcelDateTime as WriterDateTime, Formula};

    use super::*;

    fn variable(key: &str, value: &str) -> FileVariable {
        FileVariable {
            key: key.to_owned(),
            value: value.to_owned(),
        }
    }

    /// A workbook whose first sheet holds these rows of text; `""` leaves a cell blank.
    fn sheet_of(rows: &[&[&str]]) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for (row, cells) in (0u32..).zip(rows) {
            for (column, text) in (0u16..).zip(cells.iter()) {
                if !text.is_empty() {
                    sheet.write_string(row, column, *text).unwrap();
                }
            }
        }
        workbook.save_to_buffer().unwrap()
    }

    fn refusal(bytes: &[u8]) -> VariablesFileError {
        read(bytes).expect_err("the file should be refused")
    }

    #[test]
    fn the_template_reads_back_as_no_variables() {
        assert_eq!(read(&template()).unwrap(), Vec::new());
    }

    #[test]
    fn the_template_has_the_same_content_as_an_empty_export() {
        for bytes in [template(), write(&[])] {
            let mut workbook = Xlsx::new(Cursor::new(bytes)).unwrap();
            assert_eq!(workbook.sheet_names(), vec![SHEET_NAME.to_owned()]);
            let range = workbook.worksheet_range(SHEET_NAME).unwrap();
            assert_eq!(range.get_size(), (1, 2));
            assert_eq!(range.headers(), Some(vec!["key".into(), "value".into()]));
        }
    }

    #[test]
    fn written_variables_read_back_unchanged() {
        let long = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(150);
        let variables = vec![
            variable("brand_name", "Acme Corp"),
            variable("greeting", "Grüße aus Zürich — 你好, мир! 🎉"),
            variable("list", "apples, pears, plums"),
            variable("quote", r#"She said "hi" and 'bye'; a\b <tag> & more"#),
            variable("signature", "Best,\nThe Team\n\tindented line"),
            variable("long", long.trim_end()),
            variable("empty_value", ""),
            variable("Ключ с пробелами", "x"),
        ];
        assert_eq!(read(&write(&variables)).unwrap(), variables);
    }

    #[test]
    fn the_maximum_number_of_variables_at_the_longest_lengths_reads_back() {
        let variables: Vec<_> = (0..MAX_VARIABLES)
            .map(|index| FileVariable {
                key: format!("{index:0>width$}", width = MAX_KEY_CHARS),
                value: "é".repeat(if index == 0 { MAX_VALUE_CHARS } else { 3 }),
            })
            .collect();
        assert_eq!(read(&write(&variables)).unwrap(), variables);
    }

    #[test]
    fn headers_may_come_in_any_order_with_extra_columns() {
        let bytes = sheet_of(&[
            &[],
            &["", "notes", " VALUE ", "owner", "Key"],
            &["", "ignored", "Acme Corp", "me", "brand_name"],
            &["", "only notes here"],
            &["", "", "casual", "", "tone"],
        ]);
        assert_eq!(
            read(&bytes).unwrap(),
            vec![
                variable("brand_name", "Acme Corp"),
                variable("tone", "casual")
            ]
        );
    }

    #[test]
    fn only_the_first_worksheet_is_read_whatever_its_name() {
        let mut workbook = Workbook::new();
        let first = workbook.add_worksheet().set_name("Mes variables").unwrap();
        first.write_string(0, 0, "key").unwrap();
        first.write_string(0, 1, "value").unwrap();
        first.write_string(1, 0, "a").unwrap();
        first.write_string(1, 1, "1").unwrap();
        let second = workbook.add_worksheet().set_name("Variables").unwrap();
        second.write_string(0, 0, "nothing useful").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(read(&bytes).unwrap(), vec![variable("a", "1")]);
    }

    #[test]
    fn numbers_read_without_a_trailing_zero() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "key").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        let numbers = [42.0, 3.5, -7.0, 0.1, 1_234_567.0, -0.0, 1e-7];
        for (row, number) in (1u32..).zip(numbers) {
            sheet.write_string(row, 0, format!("n{row}")).unwrap();
            sheet.write_number(row, 1, number).unwrap();
        }
        sheet.write_number(8, 0, 7).unwrap();
        sheet.write_string(8, 1, "a numeric key").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let values: Vec<_> = read(&bytes)
            .unwrap()
            .into_iter()
            .map(|variable| (variable.key, variable.value))
            .collect();
        let expected = [
            ("n1", "42"),
            ("n2", "3.5"),
            ("n3", "-7"),
            ("n4", "0.1"),
            ("n5", "1234567"),
            ("n6", "0"),
            ("n7", "0.0000001"),
            ("7", "a numeric key"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        assert_eq!(values, expected);
    }

    #[test]
    fn booleans_dates_and_times_read_as_iso_text() {
        let mut workbook = Workbook::new();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        let date_time_format = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        let time_format = Format::new().set_num_format("hh:mm");
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "key").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        sheet.write_string(1, 0, "flag").unwrap();
        sheet.write_boolean(1, 1, true).unwrap();
        sheet.write_string(2, 0, "off").unwrap();
        sheet.write_boolean(2, 1, false).unwrap();
        sheet.write_string(3, 0, "launch").unwrap();
        let date = WriterDateTime::from_ymd(2026, 3, 1).unwrap();
        sheet
            .write_datetime_with_format(3, 1, &date, &date_format)
            .unwrap();
        sheet.write_string(4, 0, "launch_at").unwrap();
        let date_time = date.clone().and_hms(12, 0, 0).unwrap();
        sheet
            .write_datetime_with_format(4, 1, &date_time, &date_time_format)
            .unwrap();
        sheet.write_string(5, 0, "opens").unwrap();
        let time = WriterDateTime::from_hms(9, 30, 0).unwrap();
        sheet
            .write_datetime_with_format(5, 1, &time, &time_format)
            .unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(
            read(&bytes).unwrap(),
            vec![
                variable("flag", "true"),
                variable("off", "false"),
                variable("launch", "2026-03-01"),
                variable("launch_at", "2026-03-01T12:00:00"),
                variable("opens", "09:30:00"),
            ]
        );
    }

    #[test]
    fn keys_and_values_are_trimmed_only_at_the_ends() {
        let bytes = sheet_of(&[
            &["key", "value"],
            &["  padded key ", "  two  spaces  inside \n"],
        ]);
        assert_eq!(
            read(&bytes).unwrap(),
            vec![variable("padded key", "two  spaces  inside")]
        );
    }

    #[test]
    fn rows_with_neither_key_nor_value_are_skipped() {
        let bytes = sheet_of(&[
            &["key", "value", "notes"],
            &["a", "1"],
            &["   ", "", "a note on an otherwise empty row"],
            &[],
            &["b", "2"],
        ]);
        assert_eq!(
            read(&bytes).unwrap(),
            vec![variable("a", "1"), variable("b", "2")]
        );
    }

    #[test]
    fn a_missing_value_header_is_refused_with_the_reason() {
        let error = refusal(&sheet_of(&[&[], &["key", "text"], &["a", "1"]]));
        assert!(
            matches!(
                error,
                VariablesFileError::MissingHeader {
                    row: 2,
                    missing: "value"
                }
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("no `value` column"), "{message}");
        assert!(message.contains("`key` / `value` header row"), "{message}");
    }

    #[test]
    fn a_missing_key_header_is_refused_with_the_reason() {
        let error = refusal(&sheet_of(&[&["name", "value"]]));
        assert!(
            matches!(
                error,
                VariablesFileError::MissingHeader {
                    row: 1,
                    missing: "key"
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("no `key` column"), "{error}");
    }

    #[test]
    fn a_sheet_without_any_header_is_refused() {
        let error = refusal(&sheet_of(&[&["brand_name", "Acme Corp"]]));
        assert!(
            matches!(error, VariablesFileError::MissingHeaders { row: 1 }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("neither a `key` nor a `value`"),
            "{error}"
        );
    }

    #[test]
    fn an_empty_sheet_is_refused() {
        let error = refusal(&sheet_of(&[]));
        assert!(matches!(error, VariablesFileError::EmptySheet), "{error:?}");
        assert!(
            error.to_string().contains("`key` / `value` header row"),
            "{error}"
        );
    }

    #[test]
    fn duplicate_keys_are_refused_naming_both_rows() {
        let bytes = sheet_of(&[
            &["key", "value"],
            &["Brand", "a"],
            &["tone", "b"],
            &["brand ", "c"],
        ]);
        let error = refusal(&bytes);
        assert_eq!(
            error.to_string(),
            "The key \"brand\" appears twice, in rows 2 and 4; keys must be unique (ignoring case)."
        );
    }

    #[test]
    fn a_value_without_a_key_is_refused() {
        let bytes = sheet_of(&[&["key", "value"], &["a", "1"], &["", "orphan"]]);
        let error = refusal(&bytes);
        assert!(
            matches!(error, VariablesFileError::ValueWithoutKey { row: 3 }),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("Row 3 has a value but no key"),
            "{error}"
        );
    }

    #[test]
    fn braces_in_a_key_are_refused() {
        for key in ["{{brand}}", "bra{nd", "brand}"] {
            let bytes = sheet_of(&[&["key", "value"], &[key, "x"]]);
            let error = refusal(&bytes);
            assert!(
                matches!(error, VariablesFileError::KeyHasBraces { row: 2, .. }),
                "{error:?}"
            );
            let message = error.to_string();
            assert!(message.contains(key), "{message}");
            assert!(
                message.contains("{{key}}") && message.contains("`{` or `}`"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_line_break_in_a_key_is_refused() {
        let bytes = sheet_of(&[&["key", "value"], &["two\nlines", "x"]]);
        let error = refusal(&bytes);
        assert!(
            matches!(error, VariablesFileError::KeyHasLineBreak { row: 2 }),
            "{error:?}"
        );
    }

    #[test]
    fn a_key_over_the_length_limit_is_refused() {
        let key = "k".repeat(MAX_KEY_CHARS + 1);
        let error = refusal(&write(&[variable(&key, "x")]));
        assert!(
            matches!(error, VariablesFileError::KeyTooLong { row: 2 }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("longer than 100 characters"),
            "{error}"
        );
    }

    #[test]
    fn a_value_over_the_length_limit_is_refused() {
        let value = "v".repeat(MAX_VALUE_CHARS + 1);
        let error = refusal(&write(&[variable("a", "1"), variable("essay", &value)]));
        assert!(
            matches!(error, VariablesFileError::ValueTooLong { row: 3, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("\"essay\" in row 3"), "{error}");
    }

    #[test]
    fn an_error_cell_is_refused_naming_the_row() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "key").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        sheet.write_string(1, 0, "ratio").unwrap();
        sheet
            .write_formula(1, 1, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        let error = refusal(&workbook.save_to_buffer().unwrap());
        assert!(
            matches!(
                error,
                VariablesFileError::CellError {
                    row: 2,
                    column: "value",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("Row 2 has the error #DIV/0!"),
            "{error}"
        );
    }

    #[test]
    fn formulas_read_as_their_computed_value() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "key").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        sheet.write_string(1, 0, "sum").unwrap();
        sheet
            .write_formula(1, 1, Formula::new("=40+2").set_result("42"))
            .unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(read(&bytes).unwrap(), vec![variable("sum", "42")]);
    }

    #[test]
    fn too_many_variables_are_refused() {
        let variables: Vec<_> = (0..=MAX_VARIABLES)
            .map(|index| variable(&format!("key_{index}"), "x"))
            .collect();
        let error = refusal(&write(&variables));
        assert!(
            matches!(error, VariablesFileError::TooManyVariables),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("more than 1000 variables"),
            "{error}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_refused() {
        for bytes in [
            &b"key,value\nbrand,Acme\n"[..],
            b"",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        ] {
            let error = refusal(bytes);
            assert!(
                matches!(error, VariablesFileError::NotAWorkbook),
                "{error:?}"
            );
            assert_eq!(
                error.to_string(),
                "The file is not an XLSX workbook; save it as .xlsx from Excel, LibreOffice or Google Sheets and try again."
            );
        }
    }

    #[test]
    fn a_damaged_workbook_is_refused_with_a_clear_sentence() {
        let mut truncated = template();
        truncated.truncate(truncated.len() / 2);
        let error = refusal(&truncated);
        assert!(
            matches!(error, VariablesFileError::Unreadable { .. }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "The workbook could not be read; it may be damaged or not a valid XLSX file."
        );

        let mut other_zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        other_zip
            .start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        other_zip.write_all(b"not a spreadsheet").unwrap();
        let error = refusal(&other_zip.finish().unwrap().into_inner());
        assert!(
            matches!(error, VariablesFileError::Unreadable { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused() {
        let mut bytes = template();
        bytes.resize(MAX_FILE_BYTES + 1, 0);
        let error = refusal(&bytes);
        assert!(matches!(error, VariablesFileError::TooLarge), "{error:?}");
        assert!(error.to_string().contains("up to 5 MB"), "{error}");
    }

    /// A copy of a valid workbook with one more entry, as written by `add`.
    fn workbook_with_extra_entries(
        add: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>),
    ) -> Vec<u8> {
        let original = write(&[variable("a", "1")]);
        let mut source = zip::ZipArchive::new(Cursor::new(original)).unwrap();
        let mut target = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..source.len() {
            target
                .raw_copy_file(source.by_index_raw(index).unwrap())
                .unwrap();
        }
        add(&mut target);
        target.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_bomb_is_refused_before_parsing() {
        let bytes = workbook_with_extra_entries(|zip| {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("xl/media/zeros.bin", options).unwrap();
            let chunk = vec![0u8; 1024 * 1024];
            for _ in 0..70 {
                zip.write_all(&chunk).unwrap();
            }
        });
        assert!(
            bytes.len() < MAX_FILE_BYTES,
            "the bomb should be small: {}",
            bytes.len()
        );
        let error = refusal(&bytes);
        assert!(
            matches!(error, VariablesFileError::TooLargeUncompressed),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "The workbook is too large once uncompressed to be read safely."
        );
    }

    #[test]
    fn rows_stored_out_of_order_are_refused() {
        let original = write(&[variable("a", "1")]);
        let mut source = zip::ZipArchive::new(Cursor::new(original)).unwrap();
        let mut target = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..source.len() {
            let entry = source.by_index_raw(index).unwrap();
            if entry.name_raw() == b"xl/worksheets/sheet1.xml" {
                drop(entry);
                target
                    .start_file(
                        "xl/worksheets/sheet1.xml",
                        zip::write::SimpleFileOptions::default(),
                    )
                    .unwrap();
                target
                    .write_all(
                        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="3"><c r="A3" t="inlineStr"><is><t>late</t></is></c></row>
<row r="1"><c r="A1" t="inlineStr"><is><t>key</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>
</sheetData></worksheet>"#,
                    )
                    .unwrap();
            } else {
                target.raw_copy_file(entry).unwrap();
            }
        }
        let bytes = target.finish().unwrap().into_inner();
        let error = refusal(&bytes);
        assert!(
            matches!(error, VariablesFileError::RowsOutOfOrder),
            "{error:?}"
        );
    }

    #[test]
    fn a_cell_in_the_last_row_and_column_is_read_without_a_dense_grid() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "key").unwrap();
        sheet.write_string(0, 1, "value").unwrap();
        sheet.write_string(1, 0, "a").unwrap();
        sheet.write_string(1, 1, "1").unwrap();
        sheet.write_string(1_048_575, 16_383, "far away").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(read(&bytes).unwrap(), vec![variable("a", "1")]);
    }

    #[test]
    fn a_zip_with_too_many_entries_is_refused() {
        let bytes = workbook_with_extra_entries(|zip| {
            for index in 0..MAX_ZIP_ENTRIES {
                zip.start_file(
                    format!("xl/filler/{index}.txt"),
                    zip::write::SimpleFileOptions::default(),
                )
                .unwrap();
            }
        });
        let error = refusal(&bytes);
        assert!(
            matches!(error, VariablesFileError::TooManyParts),
            "{error:?}"
        );
    }

    #[test]
    fn every_refusal_reads_as_a_sentence() {
        let errors = [
            refusal(b"nope"),
            refusal(&sheet_of(&[&["key"]])),
            refusal(&sheet_of(&[&["key", "value"], &["{x}", "1"]])),
            refusal(&sheet_of(&[&["key", "value"], &["x", "1"], &["X", "2"]])),
        ];
        for error in errors {
            let message = error.to_string();
            assert!(message.ends_with('.'), "{message}");
            assert!(message.starts_with(char::is_uppercase), "{message}");
        }
    }

    #[test]
    fn a_file_made_by_libreoffice_reads() {
        let bytes = include_bytes!("../../tests/fixtures/variables-libreoffice.xlsx");
        assert_eq!(
            read(bytes).unwrap(),
            vec![
                variable("brand_name", "Acme Corp"),
                variable("tone", "casual and friendly"),
                variable("cta", "Link in bio!"),
            ]
        );
    }

    #[test]
    fn the_template_resaved_by_libreoffice_reads_as_no_variables() {
        let bytes = include_bytes!("../../tests/fixtures/template-resaved-by-libreoffice.xlsx");
        assert_eq!(read(bytes).unwrap(), Vec::new());
    }

    #[test]
    fn the_content_type_is_the_xlsx_one() {
        assert_eq!(
            CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
    }
}
