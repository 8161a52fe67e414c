//! Multipart bodies (forms with requirement files, and the API's
//! multipart applications): text fields by name, and files from parts
//! named `file.<requirement code>`.

use crate::error::ApiError;
use app::cases::Upload;
use axum::extract::Multipart;
use std::collections::HashMap;

pub(crate) struct Parts {
    pub text: HashMap<String, String>,
    pub files: Vec<Upload>,
}

/// Reads every part; a file larger than `max` bytes is refused as soon as
/// it passes the limit, without reading the rest into memory.
pub(crate) async fn read(mut m: Multipart, max: usize) -> Result<Parts, ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::invalid("body", e.body_text());
    let mut parts = Parts { text: HashMap::new(), files: Vec::new() };
    while let Some(mut field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) => {
                let requirement = name.strip_prefix("file.").unwrap_or(&name).to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if bytes.len() + chunk.len() > max {
                        let field = format!("files.{requirement}");
                        return Err(ApiError::invalid(
                            &field,
                            format!("a file may be at most {} MB", max / (1024 * 1024)),
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // A browser sends an empty part for a file input left empty.
                if !bytes.is_empty() {
                    parts.files.push(Upload { requirement, filename, bytes });
                }
            }
            None => {
                let value = field.text().await.map_err(bad)?;
                parts.text.insert(name, value);
            }
        }
    }
    Ok(parts)
}
