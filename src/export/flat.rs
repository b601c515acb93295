//! Records as rows of columns, for csv and sql: nested objects flatten into dotted
//! columns (`address.city`) in schema order; arrays, maps and mixed unions become JSON
//! text; `null` and absent keys leave the cell empty. [`FlatSink`] does this while the
//! generator streams a record, without building a `serde_json::Value`.

use super::detour::{Closed, Detour};
use super::shape::{DecimalDigits, IntegerRange, KeyRole, Kind, Node, TextFormat};
use crate::sink::{JsonWriter, Sink};

/// The column name used when records are not objects.
const VALUE_COLUMN: &str = "value";

/// The columns of a table.
#[derive(Debug)]
pub(crate) struct FlatLayout {
    pub columns: Vec<Column>,
    root: Slot,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    /// Dotted path from the record's root, e.g. `address.city`.
    pub name: String,
    pub kind: ColumnKind,
    /// Every record has a non-null value here: required and not nullable all the way down.
    pub not_null: bool,
    pub key: Option<KeyRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Integer(IntegerRange),
    Number,
    /// A decimal number (a money field, a `multipleOf` grid): its digits where known.
    Decimal(Option<DecimalDigits>),
    Boolean,
    Text(TextFormat),
    /// JSON text: arrays, maps, mixed unions, recursion.
    Json,
}

/// Where a value lands: an object whose properties are flattened, or a column.
#[derive(Debug)]
enum Slot {
    Object(Vec<(String, Slot)>),
    Column(usize),
}

impl FlatLayout {
    pub fn new(root: &Node) -> FlatLayout {
        let mut columns = Vec::new();
        let root = match &root.kind {
            Kind::Object(_) => flatten(root, "", true, None, &mut columns),
            _ => {
                columns.push(Column {
                    name: VALUE_COLUMN.to_owned(),
                    kind: column_kind(root),
                    not_null: !root.nullable,
                    key: None,
                });
                Slot::Column(0)
            }
        };
        FlatLayout { columns, root }
    }
}

fn flatten(
    node: &Node,
    name: &str,
    not_null: bool,
    key: Option<KeyRole>,
    columns: &mut Vec<Column>,
) -> Slot {
    let not_null = not_null && !node.nullable;
    match &node.kind {
        Kind::Object(properties) => Slot::Object(
            properties
                .iter()
                .map(|p| {
                    let child = if name.is_empty() {
                        p.name.clone()
                    } else {
                        format!("{name}.{}", p.name)
                    };
                    let slot = flatten(&p.node, &child, not_null && p.required, p.key, columns);
                    (p.name.clone(), slot)
                })
                .collect(),
        ),
        _ => {
            columns.push(Column {
                name: name.to_owned(),
                kind: column_kind(node),
                not_null,
                key,
            });
            Slot::Column(columns.len() - 1)
        }
    }
}

fn column_kind(node: &Node) -> ColumnKind {
    match node.kind {
        Kind::Integer(range) => ColumnKind::Integer(range),
        Kind::Number => ColumnKind::Number,
        Kind::Decimal(digits) => ColumnKind::Decimal(digits),
        Kind::Boolean => ColumnKind::Boolean,
        Kind::Text(format) => ColumnKind::Text(format),
        Kind::Json | Kind::Object(_) | Kind::Array(_) => ColumnKind::Json,
    }
}

/// How one cell's value is spelled in a format (csv, sql). A null cell is never
/// rendered here: the row writer spells it.
pub(crate) trait CellFormat {
    fn text(out: &mut Vec<u8>, s: &str);
    /// `json` is compact JSON text.
    fn json(out: &mut Vec<u8>, json: &str);
    fn int(out: &mut Vec<u8>, v: i64) {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
    fn float(out: &mut Vec<u8>, v: f64) {
        out.extend_from_slice(crate::sink::json_float(v, &mut ryu::Buffer::new()).as_bytes());
    }
    fn bool(out: &mut Vec<u8>, v: bool);
}

/// Appends `s` with every `quote` byte doubled (the escape of csv fields and SQL
/// literals; the caller writes the surrounding quotes).
pub(crate) fn push_doubling(out: &mut Vec<u8>, s: &str, quote: u8) {
    // Find the first quote with `str::find` (a fast byte search: text mostly has none),
    // the others one byte at a time (JSON text has one every few bytes).
    let Some(first) = s.find(char::from(quote)) else {
        out.extend_from_slice(s.as_bytes());
        return;
    };
    let mut rest = &s.as_bytes()[first..];
    out.extend_from_slice(&s.as_bytes()[..first]);
    while let Some(i) = rest.iter().position(|&b| b == quote) {
        out.extend_from_slice(&rest[..=i]);
        out.push(quote);
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
}

const UNSET: (u32, u32) = (u32::MAX, u32::MAX);

/// A [`Sink`] that renders one record's values into its columns' cells.
pub(crate) struct FlatSink<'l, F> {
    layout: &'l FlatLayout,
    /// The rendered cells of the current record, back to back.
    text: Vec<u8>,
    /// Per column: its bytes in `text`, or [`UNSET`] (null or absent).
    cells: Vec<(u32, u32)>,
    /// The objects open in the layout; `hint` is where the next key is likely.
    open: Vec<OpenObject<'l>>,
    /// Where the next value goes: a slot, or nowhere (a key not in the schema).
    next: Option<&'l Slot>,
    /// A value being skipped, or captured as JSON text for a column.
    detour: Detour<usize>,
    /// Renders JSON text for JSON cells.
    json: JsonWriter,
    /// The first misfit of the record: where, and what.
    error: Option<(String, String)>,
    /// Where [`Sink::str_with`] builds a string before it becomes a cell.
    string: String,
    format: std::marker::PhantomData<F>,
}

struct OpenObject<'l> {
    properties: &'l [(String, Slot)],
    hint: usize,
}

impl<'l, F: CellFormat> FlatSink<'l, F> {
    pub fn new(layout: &'l FlatLayout) -> Self {
        FlatSink {
            layout,
            text: Vec::new(),
            cells: vec![UNSET; layout.columns.len()],
            open: Vec::new(),
            next: None,
            detour: Detour::Off,
            json: JsonWriter::new(),
            error: None,
            string: String::new(),
            format: std::marker::PhantomData,
        }
    }

    /// Call before each record.
    pub fn start_record(&mut self) {
        self.text.clear();
        self.cells.fill(UNSET);
        self.open.clear();
        self.next = Some(&self.layout.root);
        self.detour = Detour::Off;
        self.json.buf.clear();
        self.error = None;
    }

    /// Call after each record: the first misfit, if any (`Err((path, message))`).
    pub fn finish_record(&mut self) -> Result<(), (String, String)> {
        self.error.take().map_or(Ok(()), Err)
    }

    /// The rendered cell of `column`, or `None` when null or absent.
    pub fn cell(&self, column: usize) -> Option<&[u8]> {
        let (start, end) = self.cells[column];
        (start != u32::MAX).then(|| &self.text[start as usize..end as usize])
    }

    fn render(&mut self, column: usize, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.text.len();
        write(&mut self.text);
        self.cells[column] = (start as u32, self.text.len() as u32);
    }

    /// Renders the JSON text in `self.json` into `column`.
    fn render_json(&mut self, column: usize) {
        let json = std::mem::take(&mut self.json.buf);
        self.render(column, |out| F::json(out, &json));
        self.json.buf = json;
    }

    fn is_json(&self, column: usize) -> bool {
        matches!(self.layout.columns[column].kind, ColumnKind::Json)
    }

    /// A scalar arrives. `as_json` writes it as JSON; `as_cell` renders it as a cell.
    fn scalar(
        &mut self,
        as_json: impl FnOnce(&mut JsonWriter),
        as_cell: impl FnOnce(&mut Vec<u8>),
    ) {
        let Some(as_json) = self.detour.scalar(&mut self.json, as_json) else {
            return;
        };
        match self.next.take() {
            None => {}
            Some(Slot::Column(column)) => {
                let column = *column;
                if self.is_json(column) {
                    self.json.buf.clear();
                    as_json(&mut self.json);
                    self.render_json(column);
                } else {
                    self.render(column, as_cell);
                }
            }
            Some(Slot::Object(_)) => self.misfit("expected an object, got a scalar"),
        }
    }

    /// An object or array opens.
    fn begin(&mut self, is_object: bool) {
        if self.detour.begin(&mut self.json, is_object) {
            return;
        }
        match self.next.take() {
            None => self.detour.skip(),
            Some(Slot::Column(column)) => self.detour.capture(*column, &mut self.json, is_object),
            Some(Slot::Object(properties)) if is_object => self.open.push(OpenObject {
                properties,
                hint: 0,
            }),
            Some(Slot::Object(_)) => {
                self.misfit("expected an object, got an array");
                self.detour.skip();
            }
        }
    }

    /// An object or array closes.
    fn end(&mut self, is_object: bool) {
        match self.detour.end(&mut self.json, is_object) {
            Closed::Layout => {
                self.open.pop();
            }
            Closed::Inner => {}
            Closed::Captured(column) => self.render_json(column),
        }
    }

    fn misfit(&mut self, message: &str) {
        if self.error.is_none() {
            self.error = Some((self.path(), message.to_owned()));
        }
    }

    /// The dotted path of the value being written (the last key of each open object),
    /// for error messages.
    fn path(&self) -> String {
        let mut names = Vec::new();
        for object in &self.open {
            if let Some((name, _)) = object.properties.get(object.hint.wrapping_sub(1)) {
                names.push(name.as_str());
            }
        }
        if names.is_empty() {
            "(root)".to_owned()
        } else {
            names.join(".")
        }
    }
}

impl<F: CellFormat> Sink for FlatSink<'_, F> {
    fn null(&mut self) {
        if self.detour == Detour::Off {
            // Null is an empty cell in every column; a null object empties its columns.
            if let Some(Slot::Column(column)) = self.next.take() {
                self.cells[*column] = UNSET;
            }
        } else {
            self.scalar(|j| j.null(), |_| {});
        }
    }
    fn bool(&mut self, v: bool) {
        self.scalar(|j| j.bool(v), |out| F::bool(out, v));
    }
    fn int(&mut self, v: i64) {
        self.scalar(|j| j.int(v), |out| F::int(out, v));
    }
    fn float(&mut self, v: f64) {
        self.scalar(|j| j.float(v), |out| F::float(out, v));
    }
    /// Printed from its digits, as the JSON writer does: exact, and without the
    /// float-to-text search.
    fn decimal(&mut self, v: f64, units: i64, decimals: u32) {
        let mut digits = std::mem::take(&mut self.string);
        digits.clear();
        crate::sink::write_decimal(&mut digits, units, decimals);
        self.scalar(
            |j| j.decimal(v, units, decimals),
            |out| out.extend_from_slice(digits.as_bytes()),
        );
        self.string = digits;
    }
    fn str(&mut self, v: &str) {
        self.scalar(|j| j.str(v), |out| F::text(out, v));
    }
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        crate::sink::str_in_buffer(self, |f| &mut f.string, write);
    }
    fn begin_object(&mut self) {
        self.begin(true);
    }
    fn key(&mut self, k: &str) {
        if self.detour.key(&mut self.json, k) {
            return;
        }
        let Some(object) = self.open.last_mut() else {
            return;
        };
        // Generators emit properties in schema order: look just after the previous key
        // first.
        let properties = object.properties;
        let found = (object.hint..properties.len())
            .chain(0..object.hint)
            .find(|&i| properties[i].0 == k);
        self.next = found.map(|i| {
            object.hint = i + 1;
            &properties[i].1
        });
    }
    fn end_object(&mut self) {
        self.end(true);
    }
    fn begin_array(&mut self) {
        self.begin(false);
    }
    fn end_array(&mut self) {
        self.end(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::csv::Csv;
    use crate::export::shape::derive;
    use serde_json::json;

    fn layout() -> FlatLayout {
        let schema = json!({
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "address": {"type": "object", "properties": {"city": {"type": "string"}, "geo": {
                    "type": "object", "properties": {"lat": {"type": "number"}}
                }}, "required": ["city"]},
                "any": {}
            },
            "required": ["id", "address"]
        });
        let table = crate::Table::from_value(schema, None).unwrap();
        FlatLayout::new(&derive(&table))
    }

    fn cells(
        layout: &FlatLayout,
        record: serde_json::Value,
    ) -> Result<Vec<Option<String>>, (String, String)> {
        let mut sink = FlatSink::<Csv>::new(layout);
        sink.start_record();
        sink.value(&record);
        sink.finish_record()?;
        Ok((0..layout.columns.len())
            .map(|c| sink.cell(c).map(|b| String::from_utf8(b.to_vec()).unwrap()))
            .collect())
    }

    #[test]
    fn quotes_are_doubled_wherever_they_are() {
        for (text, want) in [
            ("", ""),
            ("plain", "plain"),
            ("'", "''"),
            ("'a'", "''a''"),
            ("it's été''", "it''s été''''"),
            ("{'k':'v','w':['x']}", "{''k'':''v'',''w'':[''x'']}"),
        ] {
            let mut out = b"<".to_vec();
            push_doubling(&mut out, text, b'\'');
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("<{want}"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn columns_are_dotted_paths_in_schema_order() {
        let layout = layout();
        let names: Vec<(&str, bool)> = layout
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.not_null))
            .collect();
        assert_eq!(
            names,
            [
                ("id", true),
                ("address.city", true),
                ("address.geo.lat", false),
                ("any", false)
            ]
        );
    }

    #[test]
    fn records_land_in_their_cells() {
        let layout = layout();
        let got = cells(
            &layout,
            json!({"extra": {"deep": [1]}, "address": {"geo": null, "city": "a,b"}, "id": 7, "any": {"x": [true]}}),
        )
        .unwrap();
        let want = [
            Some("7"),
            Some("\"a,b\""),
            None,
            Some("\"{\"\"x\"\":[true]}\""),
        ];
        assert_eq!(
            got,
            want.map(|c| c.map(str::to_owned)),
            "unknown keys skipped, any order"
        );
        let got = cells(
            &layout,
            json!({"id": 1, "address": {"city": "x"}, "any": "text"}),
        )
        .unwrap();
        assert_eq!(
            got[3].as_deref(),
            Some("\"\"\"text\"\"\""),
            "JSON columns hold JSON text"
        );
    }

    #[test]
    fn a_scalar_where_an_object_belongs_is_reported_with_its_path() {
        let layout = layout();
        let error = cells(
            &layout,
            json!({"id": 1, "address": {"city": "x", "geo": 5}}),
        )
        .unwrap_err();
        assert_eq!(
            error,
            (
                "address.geo".to_owned(),
                "expected an object, got a scalar".to_owned()
            )
        );
    }
}
