//! CSV: a header of dotted column names (or snake_case ones: [`super::names`]), one line per record, RFC 4180 quoting (a field
//! with a comma, quote, CR or LF is quoted, quotes doubled). Lines end with LF. Null and
//! absent values are empty fields; an empty string is `""`, so that the two differ
//! (PostgreSQL's `COPY ... CSV` reads them as NULL and '' respectively).

use super::flat::{CellFormat, FlatLayout, FlatSink, push_doubling};
use super::names::ColumnNames;

pub(crate) struct Csv;

impl CellFormat for Csv {
    fn text(out: &mut Vec<u8>, s: &str) {
        write_field(out, s);
    }
    fn json(out: &mut Vec<u8>, json: &str) {
        write_field(out, json);
    }
    fn bool(out: &mut Vec<u8>, v: bool) {
        out.extend_from_slice(if v { b"true" } else { b"false" });
    }
}

/// Appends one field, quoted when it must be.
pub(crate) fn write_field(out: &mut Vec<u8>, s: &str) {
    let needs_quotes = s.is_empty() || s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    if !needs_quotes {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    out.push(b'"');
    push_doubling(out, s, b'"');
    out.push(b'"');
}

/// The header line.
pub(crate) fn header(layout: &FlatLayout, names: ColumnNames) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, column) in layout.columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_field(&mut out, &names.name(&column.name));
    }
    out.push(b'\n');
    out
}

/// Appends the record held by `sink` as one line.
pub(crate) fn write_record(sink: &FlatSink<'_, Csv>, columns: usize, out: &mut Vec<u8>) {
    for column in 0..columns {
        if column > 0 {
            out.push(b',');
        }
        if let Some(cell) = sink.cell(column) {
            out.extend_from_slice(cell);
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_rfc_4180_requires() {
        let field = |s: &str| {
            let mut out = Vec::new();
            write_field(&mut out, s);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(field("plain text"), "plain text");
        assert_eq!(field(""), "\"\"");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("\""), "\"\"\"\"");
    }
}
