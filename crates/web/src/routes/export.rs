//! A table the API answers as JSON, or as a file people open in a
//! spreadsheet (`format=csv` or `format=xlsx`): the institution access log,
//! the service reports.

use crate::error::ApiError;
use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The media type of a workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How the caller asked for a table.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    /// `format=` as given (JSON when absent); another value is a 422 naming `format`.
    pub(super) fn parse(text: Option<&str>) -> Result<Format, ApiError> {
        match text.unwrap_or("json") {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(ApiError::invalid("format", "`json`, `csv` or `xlsx`")),
        }
    }
}

/// `value` as JSON, or `table()` as an attachment `<stem>.csv` / `<stem>.xlsx`.
pub(super) fn answer<T: serde::Serialize>(
    format: Format,
    value: &T,
    stem: &str,
    table: impl FnOnce() -> documents::xlsx::Sheet,
) -> Response {
    let (extension, content_type, bytes) = match format {
        Format::Json => return Json(value).into_response(),
        Format::Csv => ("csv", "text/csv; charset=utf-8", app::csv_table(&table()).into_bytes()),
        Format::Xlsx => return workbook(stem, &[table()]),
    };
    attachment(&format!("{stem}.{extension}"), content_type, bytes)
}

/// Whether a report is asked for as a PDF (`format=pdf`) rather than its
/// workbook (`xlsx`, the default); another value is a 422 naming `format`.
pub(super) fn wants_pdf(text: Option<&str>) -> Result<bool, ApiError> {
    match text.unwrap_or("xlsx") {
        "xlsx" => Ok(false),
        "pdf" => Ok(true),
        _ => Err(ApiError::invalid("format", "`xlsx` or `pdf`")),
    }
}

/// A report as the PDF `<stem>.pdf`.
pub(super) fn pdf(stem: &str, bytes: Vec<u8>) -> Response {
    attachment(&format!("{stem}.pdf"), "application/pdf", bytes)
}

/// Tables as the workbook `<stem>.xlsx`, one sheet each.
pub(super) fn workbook(stem: &str, sheets: &[documents::xlsx::Sheet]) -> Response {
    attachment(&format!("{stem}.xlsx"), XLSX, documents::xlsx::workbook(sheets))
}

fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}
