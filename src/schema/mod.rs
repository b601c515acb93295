//! Loading, reference resolution and compilation of schemas into plans.
//! SKELETON: being written.

use std::path::Path;

use serde_json::Value;

use crate::error::Error;
use crate::generate::Plan;
use crate::table::Table;

pub fn compile_file(path: &Path) -> Result<Table, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let document: Value = serde_json::from_str(&text).map_err(|e| Error::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let mut table = compile_value(document, path.parent())?;
    table.source = Some(path.to_owned());
    Ok(table)
}

pub fn compile_value(document: Value, base_dir: Option<&Path>) -> Result<Table, Error> {
    let _ = base_dir;
    let name = document.get("title").and_then(Value::as_str).unwrap_or("table").to_owned();
    Ok(Table::new(name, None, document, Plan::default(), None, Vec::new()))
}
