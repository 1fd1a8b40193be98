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
mod tests;
