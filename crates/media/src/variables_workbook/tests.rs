//! The variables file codec, tested on files made by ace, by rust_xlsxwriter, by hand-built
//! ZIPs and by LibreOffice.

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
fn workbook_with_extra_entries(add: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
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
