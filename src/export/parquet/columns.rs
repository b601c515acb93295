//! The Arrow builders of a row group's columns, filled by generators through [`Sink`]:
//! each value goes straight into the builder of its position in the record, found by
//! walking the record's shape as the events arrive (no `serde_json::Value` per row).
//!
//! Properties may arrive in any order; keys the shape does not know are skipped, absent
//! properties become nulls when the record's object closes. JSON columns (maps, mixed
//! unions) capture their whole value as compact JSON text, as `serde_json` writes it. A
//! value that does not fit its builder is a [`Misfit`], reported with its path.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, FixedSizeBinaryBuilder,
    Float64Builder, Int64Builder, NullBufferBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::{ArrayRef, ListArray, StructArray};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, FieldRef, Fields};

use super::{UTC, UUID_BYTES, is_nullable, list_item, struct_fields};
use crate::export::detour::{Closed, Detour};
use crate::export::rfc3339::{parse_date, parse_date_time};
use crate::export::shape::{DecimalDigits, Kind, Node, TextFormat};
use crate::sink::{JsonWriter, Sink, write_json_string};

/// The index of the record's root in [`ColumnSink::nodes`].
const ROOT: usize = 0;

/// A value that does not fit the shape: where (`items[].sku`, or `(root)`), and why.
#[derive(Debug)]
pub(super) struct Misfit {
    pub path: String,
    pub message: String,
}

/// A [`Sink`] that appends records to the Arrow builders of their columns.
pub(super) struct ColumnSink {
    /// One builder per position of the record, breadth first from the root: a
    /// struct's fields sit side by side, and every field or item after its parent.
    nodes: Vec<Builder>,
    /// Records are objects: the root is a struct whose fields are the columns.
    objects: bool,
    /// The structs and lists open in the shape, innermost last.
    open: Vec<Open>,
    /// The record's root value has not arrived yet.
    root_pending: bool,
    /// A value being skipped, or captured as JSON text for a JSON column.
    detour: Detour<usize>,
    /// Writes the JSON text of JSON columns.
    json: JsonWriter,
    /// Where [`Sink::str_with`] builds a string before it is appended.
    string: String,
    /// The record's first misfit.
    error: Option<Misfit>,
}

/// An open struct or list.
enum Open {
    /// `next` is the field the next value fills (`None`: skip it, its key is unknown);
    /// `hint` is where the next key is likely, as generators write properties in
    /// schema order.
    Struct {
        node: usize,
        next: Option<usize>,
        hint: usize,
    },
    List {
        node: usize,
        item: usize,
    },
}

impl ColumnSink {
    /// Builders for records of shape `root`.
    pub fn new(root: &Node) -> ColumnSink {
        // `(shape, nullable, path)` of each builder, in the order of `nodes`: a
        // struct's fields (a list's item) are queued when the struct (list) is built.
        let mut queue = vec![(root, root.nullable, String::new())];
        let mut nodes = Vec::new();
        while let Some((shape, nullable, path)) = queue.get(nodes.len()).cloned() {
            let values = match &shape.kind {
                Kind::Integer(_) => Values::Integer(Int64Builder::new()),
                Kind::Number | Kind::Decimal(None) => Values::Number(Float64Builder::new()),
                Kind::Decimal(Some(digits)) => Values::Decimal(DecimalColumn::new(*digits)),
                Kind::Boolean => Values::Boolean(BooleanBuilder::new()),
                Kind::Text(TextFormat::Plain) => Values::Text(StringBuilder::new()),
                Kind::Text(TextFormat::DateTime) => {
                    Values::DateTime(TimestampMicrosecondBuilder::new().with_timezone(UTC))
                }
                Kind::Text(TextFormat::Date) => Values::Date(Date32Builder::new()),
                Kind::Text(TextFormat::Uuid) => {
                    Values::Uuid(FixedSizeBinaryBuilder::new(UUID_BYTES))
                }
                Kind::Json => Values::Json(StringBuilder::new()),
                Kind::Object(properties) => {
                    let first = queue.len();
                    queue.extend(properties.iter().map(|p| {
                        let path = if path.is_empty() {
                            p.name.clone()
                        } else {
                            format!("{path}.{}", p.name)
                        };
                        (&p.node, is_nullable(p), path)
                    }));
                    Values::Struct {
                        fields: struct_fields(properties),
                        names: properties.iter().map(|p| p.name.clone()).collect(),
                        children: first..queue.len(),
                        validity: NullBufferBuilder::new(0),
                    }
                }
                Kind::Array(item) => {
                    queue.push((item, item.nullable, format!("{path}[]")));
                    Values::List {
                        field: Arc::new(list_item(item)),
                        item: queue.len() - 1,
                        offsets: vec![0],
                        validity: NullBufferBuilder::new(0),
                    }
                }
            };
            nodes.push(Builder {
                path,
                nullable,
                values,
            });
        }
        ColumnSink {
            nodes,
            objects: matches!(root.kind, Kind::Object(_)),
            open: Vec::new(),
            root_pending: true,
            detour: Detour::Off,
            json: JsonWriter::new(),
            string: String::new(),
            error: None,
        }
    }

    /// Call before each record.
    pub fn start_record(&mut self) {
        self.open.clear();
        self.root_pending = true;
        self.detour = Detour::Off;
        self.error = None;
    }

    /// Call after each record: its first misfit, if any. After a misfit the builders
    /// are inconsistent: make a new sink.
    pub fn finish_record(&mut self) -> Result<(), Misfit> {
        if self.root_pending {
            // Nothing was written: a null record, as a `Value` built from it would be.
            self.null();
        }
        self.error.take().map_or(Ok(()), Err)
    }

    /// The arrays of everything appended, one per column; the builders start over
    /// empty. An error is Arrow refusing an array (a bug), at that builder's path.
    pub fn finish(&mut self) -> Result<Vec<ArrayRef>, Misfit> {
        // Fields and items come after their parents: finishing from the last builder,
        // a struct or list finds the arrays of its children done.
        let mut done: Vec<Option<ArrayRef>> = vec![None; self.nodes.len()];
        for node in (ROOT + 1..self.nodes.len()).rev() {
            done[node] = Some(self.finish_node(node, &mut done)?);
        }
        let root = self.finish_node(ROOT, &mut done)?;
        Ok(match root.as_struct_opt() {
            Some(record) if self.objects => record.columns().to_vec(),
            _ => vec![root],
        })
    }

    fn finish_node(
        &mut self,
        node: usize,
        done: &mut [Option<ArrayRef>],
    ) -> Result<ArrayRef, Misfit> {
        let builder = &mut self.nodes[node];
        builder
            .finish(done)
            .map_err(|e| misfit(&builder.path, e.to_string()))
    }

    /// The builder the next value goes to; `None` when it has none (an unknown key).
    fn target(&mut self) -> Option<usize> {
        match self.open.last_mut() {
            None => std::mem::take(&mut self.root_pending).then_some(ROOT),
            Some(Open::List { item, .. }) => Some(*item),
            Some(Open::Struct { next, .. }) => next.take(),
        }
    }

    fn scalar(&mut self, value: Scalar<'_>) {
        if self
            .detour
            .scalar(&mut self.json, |json| value.write_json(json))
            .is_none()
        {
            return;
        }
        let Some(node) = self.target() else {
            return;
        };
        if !self.nodes[node].append(value, &mut self.json) {
            self.mismatch(node, Got::Scalar(value));
        }
    }

    /// An object or array opens.
    fn begin(&mut self, is_object: bool) {
        if self.detour.begin(&mut self.json, is_object) {
            return;
        }
        let Some(node) = self.target() else {
            self.detour.skip();
            return;
        };
        match &self.nodes[node].values {
            Values::Struct { .. } if is_object => self.open.push(Open::Struct {
                node,
                next: None,
                hint: 0,
            }),
            Values::List { item, .. } if !is_object => {
                let item = *item;
                self.open.push(Open::List { node, item });
            }
            Values::Json(_) => self.detour.capture(node, &mut self.json, is_object),
            _ => {
                self.mismatch(node, if is_object { Got::Object } else { Got::Array });
                self.detour.skip();
            }
        }
    }

    /// An object or array closes.
    fn end(&mut self, is_object: bool) {
        match self.detour.end(&mut self.json, is_object) {
            Closed::Inner => {}
            Closed::Captured(node) => {
                if let Values::Json(b) = &mut self.nodes[node].values {
                    b.append_value(&self.json.buf);
                }
            }
            Closed::Layout => match self.open.pop() {
                Some(Open::Struct { node, .. }) => self.end_struct(node),
                Some(Open::List { node, item }) => {
                    let len = self.nodes[item].len();
                    if let Values::List {
                        offsets, validity, ..
                    } = &mut self.nodes[node].values
                    {
                        offsets.push(offset(len));
                        validity.append_non_null();
                    }
                }
                None => {}
            },
        }
    }

    /// A struct's object closed: its fields that did not arrive are null (absent).
    fn end_struct(&mut self, node: usize) {
        let Values::Struct {
            children, validity, ..
        } = &self.nodes[node].values
        else {
            return;
        };
        let (children, len) = (children.clone(), validity.len());
        for child in children {
            if self.nodes[child].len() == len {
                self.null_or_misfit(child, "missing");
            }
        }
        if let Values::Struct { validity, .. } = &mut self.nodes[node].values {
            validity.append_non_null();
        }
    }

    /// A null, or an absent field (`what`: "null", "missing"), arrived for `node`.
    fn null_or_misfit(&mut self, node: usize, what: &str) {
        if self.nodes[node].nullable {
            self.append_null(node);
        } else {
            self.misfit(node, format!("is required and not nullable, but {what}"));
        }
    }

    /// Appends a null; inside a null struct, its fields are null too (masked).
    fn append_null(&mut self, node: usize) {
        let values = &mut self.nodes[node].values;
        values.append_null();
        if let Values::Struct { children, .. } = values {
            for child in children.clone() {
                self.append_null(child);
            }
        }
    }

    fn mismatch(&mut self, node: usize, got: Got<'_>) {
        let message = if node == ROOT && self.objects {
            // The record itself, named by kind only.
            format!("expected an object, got {}", got.kind())
        } else {
            format!(
                "expected {}, got {}",
                self.nodes[node].values.expected(),
                got.shown()
            )
        };
        self.misfit(node, message);
    }

    fn misfit(&mut self, node: usize, message: String) {
        if self.error.is_none() {
            self.error = Some(misfit(&self.nodes[node].path, message));
        }
    }
}

fn misfit(path: &str, message: String) -> Misfit {
    let path = if path.is_empty() { "(root)" } else { path };
    Misfit {
        path: path.to_owned(),
        message,
    }
}

impl Sink for ColumnSink {
    fn null(&mut self) {
        if self
            .detour
            .scalar(&mut self.json, JsonWriter::null)
            .is_none()
        {
            return;
        }
        let Some(node) = self.target() else {
            return;
        };
        if node == ROOT && self.objects {
            self.mismatch(node, Got::Null);
        } else {
            self.null_or_misfit(node, "null");
        }
    }
    fn bool(&mut self, v: bool) {
        self.scalar(Scalar::Bool(v));
    }
    fn int(&mut self, v: i64) {
        self.scalar(Scalar::Int(v));
    }
    fn float(&mut self, v: f64) {
        // A `Value` has no number that is not finite: it becomes null.
        if v.is_finite() {
            self.scalar(Scalar::Float(v));
        } else {
            self.null();
        }
    }
    // `decimal` stays `float`: JSON columns print the number as serde_json does.
    fn str(&mut self, v: &str) {
        self.scalar(Scalar::Str(v));
    }
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        if self.detour.is_capturing() {
            self.json.str_with(write);
        } else {
            crate::sink::str_in_buffer(self, |s| &mut s.string, write);
        }
    }
    /// Plain text matters inside JSON columns.
    const TAKES_PLAIN_TEXT: bool = true;
    fn plain_str_with(&mut self, write: impl FnOnce(&mut String)) {
        if self.detour.is_capturing() {
            self.json.plain_str_with(write);
        } else {
            self.str_with(write);
        }
    }
    fn begin_object(&mut self) {
        self.begin(true);
    }
    fn key(&mut self, k: &str) {
        if self.detour.key(&mut self.json, k) {
            return;
        }
        let Some(Open::Struct { node, next, hint }) = self.open.last_mut() else {
            return;
        };
        let Values::Struct {
            names,
            children,
            validity,
            ..
        } = &self.nodes[*node].values
        else {
            return;
        };
        let found = (*hint..names.len())
            .chain(0..*hint)
            .find(|&i| names[i] == k);
        *next = found.and_then(|i| {
            *hint = i + 1;
            let child = children.start + i;
            // A repeated key (generators write none) keeps its first value.
            (self.nodes[child].len() == validity.len()).then_some(child)
        });
    }
    fn key_encoded(&mut self, k: &str, json: &str) {
        if self.detour.is_capturing() {
            self.json.key_encoded(k, json);
        } else {
            self.key(k);
        }
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

/// A value that is not a container or null.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Scalar<'_> {
    fn write_json(self, json: &mut JsonWriter) {
        match self {
            Scalar::Bool(v) => json.bool(v),
            Scalar::Int(v) => json.int(v),
            Scalar::Float(v) => json.float(v),
            Scalar::Str(v) => json.str(v),
        }
    }
}

/// What arrived where it does not fit.
enum Got<'a> {
    Null,
    Scalar(Scalar<'a>),
    Object,
    Array,
}

impl Got<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Got::Null => "null",
            Got::Scalar(Scalar::Bool(_)) => "a boolean",
            Got::Scalar(Scalar::Int(_) | Scalar::Float(_)) => "a number",
            Got::Scalar(Scalar::Str(_)) => "a string",
            Got::Object => "an object",
            Got::Array => "an array",
        }
    }

    /// As error messages show it: a string as JSON text, anything else by kind.
    fn shown(&self) -> String {
        match self {
            Got::Scalar(Scalar::Str(v)) => {
                let mut text = String::new();
                write_json_string(&mut text, v);
                text
            }
            _ => self.kind().to_owned(),
        }
    }
}

/// The builder of one position in the record: a column, a struct field, list items.
struct Builder {
    /// Where it is in the record (`items[].sku`; empty at the root), for errors.
    path: String,
    nullable: bool,
    values: Values,
}

enum Values {
    Integer(Int64Builder),
    Number(Float64Builder),
    Decimal(DecimalColumn),
    Boolean(BooleanBuilder),
    Text(StringBuilder),
    DateTime(TimestampMicrosecondBuilder),
    Date(Date32Builder),
    /// The 16 bytes of each uuid.
    Uuid(FixedSizeBinaryBuilder),
    /// Anything, as JSON text.
    Json(StringBuilder),
    /// `children` are the builders of the fields, in schema order.
    Struct {
        fields: Fields,
        names: Vec<String>,
        children: Range<usize>,
        validity: NullBufferBuilder,
    },
    List {
        field: FieldRef,
        item: usize,
        offsets: Vec<i32>,
        validity: NullBufferBuilder,
    },
}

impl Builder {
    /// Appends a scalar, unless it does not fit (then returns false). JSON columns
    /// write their text with `json`.
    fn append(&mut self, value: Scalar<'_>, json: &mut JsonWriter) -> bool {
        match (&mut self.values, value) {
            (Values::Integer(b), Scalar::Int(v)) => b.append_value(v),
            (Values::Number(b), Scalar::Int(v)) => b.append_value(v as f64),
            (Values::Number(b), Scalar::Float(v)) => b.append_value(v),
            (Values::Decimal(d), Scalar::Int(v)) => return d.append(v as f64),
            (Values::Decimal(d), Scalar::Float(v)) => return d.append(v),
            (Values::Boolean(b), Scalar::Bool(v)) => b.append_value(v),
            (Values::Text(b), Scalar::Str(v)) => b.append_value(v),
            (Values::DateTime(b), Scalar::Str(v)) => match parse_date_time(v) {
                Some(micros) => b.append_value(micros),
                None => return false,
            },
            (Values::Date(b), Scalar::Str(v)) => match parse_date(v) {
                Some(days) => b.append_value(days),
                None => return false,
            },
            (Values::Uuid(b), Scalar::Str(v)) => match parse_uuid(v) {
                // Always 16 bytes: the builder's width.
                Some(bytes) => return b.append_value(bytes).is_ok(),
                None => return false,
            },
            (Values::Json(b), value) => {
                json.buf.clear();
                value.write_json(json);
                b.append_value(&json.buf);
            }
            _ => return false,
        }
        true
    }

    /// Values appended so far.
    fn len(&self) -> usize {
        match &self.values {
            Values::Integer(b) => b.len(),
            Values::Number(b) => b.len(),
            Values::Decimal(d) => d.builder.len(),
            Values::Boolean(b) => b.len(),
            Values::Text(b) | Values::Json(b) => b.len(),
            Values::DateTime(b) => b.len(),
            Values::Date(b) => b.len(),
            Values::Uuid(b) => b.len(),
            Values::Struct { validity, .. } | Values::List { validity, .. } => validity.len(),
        }
    }

    /// The array of everything appended; the builder starts over empty. `done` holds
    /// the arrays of the builders after this one, for a struct's fields and a list's
    /// items.
    fn finish(&mut self, done: &mut [Option<ArrayRef>]) -> Result<ArrayRef, ArrowError> {
        let not_done =
            || ArrowError::InvalidArgumentError("a field was not built before its parent".into());
        Ok(match &mut self.values {
            Values::Integer(b) => Arc::new(b.finish()),
            Values::Number(b) => Arc::new(b.finish()),
            Values::Decimal(d) => Arc::new(d.finish()?),
            Values::Boolean(b) => Arc::new(b.finish()),
            Values::Text(b) | Values::Json(b) => Arc::new(b.finish()),
            Values::DateTime(b) => Arc::new(b.finish()),
            Values::Date(b) => Arc::new(b.finish()),
            Values::Uuid(b) => Arc::new(b.finish()),
            Values::Struct {
                fields,
                children,
                validity,
                ..
            } => {
                let arrays = children
                    .clone()
                    .map(|child| done[child].take().ok_or_else(not_done))
                    .collect::<Result<Vec<_>, _>>()?;
                Arc::new(StructArray::try_new(
                    fields.clone(),
                    arrays,
                    validity.finish(),
                )?)
            }
            Values::List {
                field,
                item,
                offsets,
                validity,
            } => {
                let items = done[*item].take().ok_or_else(not_done)?;
                let offsets =
                    OffsetBuffer::new(ScalarBuffer::from(std::mem::replace(offsets, vec![0])));
                Arc::new(ListArray::try_new(
                    field.clone(),
                    offsets,
                    items,
                    validity.finish(),
                )?)
            }
        })
    }
}

impl Values {
    /// What fits, for error messages.
    fn expected(&self) -> &'static str {
        match self {
            Values::Integer(_) => "an integer",
            Values::Number(_) => "a number",
            Values::Decimal(_) => "a number on the column's decimal grid",
            Values::Boolean(_) => "a boolean",
            Values::Text(_) => "a string",
            Values::DateTime(_) => "an RFC 3339 date-time",
            Values::Date(_) => "an RFC 3339 date",
            Values::Uuid(_) => "a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
            Values::Json(_) => "any value",
            Values::Struct { .. } => "an object",
            Values::List { .. } => "an array",
        }
    }

    /// Appends a null (a struct's fields need theirs too: [`ColumnSink::append_null`]).
    fn append_null(&mut self) {
        match self {
            Values::Integer(b) => b.append_null(),
            Values::Number(b) => b.append_null(),
            Values::Decimal(d) => d.builder.append_null(),
            Values::Boolean(b) => b.append_null(),
            Values::Text(b) | Values::Json(b) => b.append_null(),
            Values::DateTime(b) => b.append_null(),
            Values::Date(b) => b.append_null(),
            Values::Uuid(b) => b.append_null(),
            Values::Struct { validity, .. } => validity.append_null(),
            Values::List {
                offsets, validity, ..
            } => {
                let last = offsets.last().copied().unwrap_or(0);
                offsets.push(last);
                validity.append_null();
            }
        }
    }
}

/// A money field's column: each number as its units of `10^-scale`.
struct DecimalColumn {
    builder: Decimal128Builder,
    digits: DecimalDigits,
    /// `10^scale`.
    unit: f64,
    /// `10^precision`: the first number of units that does not fit.
    limit: f64,
}

impl DecimalColumn {
    fn new(digits: DecimalDigits) -> DecimalColumn {
        DecimalColumn {
            builder: Decimal128Builder::new(),
            digits,
            unit: 10f64.powi(i32::from(digits.scale)),
            limit: 10f64.powi(i32::from(digits.precision)),
        }
    }

    /// Appends `v` if it is a whole number of units within the precision: a grid value
    /// `units / 10^scale` times `10^scale` rounds back to its units, whatever the last
    /// bit of the division; anything else (deliberate noise) does not fit.
    fn append(&mut self, v: f64) -> bool {
        let units = (v * self.unit).round();
        if !(units.abs() < self.limit && units / self.unit == v) {
            return false;
        }
        self.builder.append_value(units as i128);
        true
    }

    fn finish(&mut self) -> Result<arrow_array::Decimal128Array, ArrowError> {
        self.builder
            .finish()
            .with_precision_and_scale(self.digits.precision, self.digits.scale as i8)
    }
}

/// The 16 bytes of a hyphenated uuid (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either
/// case), as PostgreSQL's `UUID` reads it; `None` for anything else.
fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let text = text.as_bytes();
    if text.len() != 36 || [8, 13, 18, 23].iter().any(|&i| text[i] != b'-') {
        return None;
    }
    let mut digits = text.iter().filter(|&&b| b != b'-');
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        let high = char::from(*digits.next()?).to_digit(16)?;
        let low = char::from(*digits.next()?).to_digit(16)?;
        *byte = (high << 4 | low) as u8;
    }
    Some(bytes)
}

/// List offsets are `i32`; a row group's list items stay far below 2³¹.
fn offset(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Table;
    use crate::export::shape::derive;
    use crate::sink::ValueSink;
    use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
    use arrow_array::{Array, TimestampMicrosecondArray};
    use serde_json::{Value, json};

    fn shape(schema: Value) -> Node {
        derive(&Table::from_value(schema, None).unwrap())
    }

    /// `records` replayed into a sink: the columns, or the first misfit.
    fn columns(root: &Node, records: &[Value]) -> Result<Vec<ArrayRef>, Misfit> {
        let mut sink = ColumnSink::new(root);
        for record in records {
            sink.start_record();
            sink.value(record);
            sink.finish_record()?;
        }
        Ok(sink.finish().unwrap())
    }

    fn misfit_of(root: &Node, record: Value) -> (String, String) {
        let misfit = columns(root, &[record]).unwrap_err();
        (misfit.path, misfit.message)
    }

    fn strings(array: &ArrayRef) -> Vec<Option<&str>> {
        array.as_string::<i32>().iter().collect()
    }

    fn ints(array: &ArrayRef) -> Vec<Option<i64>> {
        array.as_primitive::<Int64Type>().iter().collect()
    }

    #[test]
    fn uuids_become_their_16_bytes() {
        let bytes = parse_uuid("123e4567-E89B-12d3-a456-426614174000").unwrap();
        assert_eq!(bytes[..3], [0x12, 0x3e, 0x45]);
        assert_eq!(bytes[15], 0x00);
        for bad in [
            "",
            "123e4567e89b12d3a456426614174000",
            "123e4567-e89b-12d3-a456-42661417400g",
            "123e4567-e89b-12d3-a456-4266141740000",
            "123e4567-e89b-12d3-a456--26614174000",
            "123e4567-e89b-12d3-a4é-426614174000",
        ] {
            assert_eq!(parse_uuid(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times_become_utc_timestamps_and_dates_dates() {
        let times = Node {
            kind: Kind::Text(TextFormat::DateTime),
            nullable: true,
        };
        let array = columns(&times, &[json!("2024-01-01T12:34:56+02:00"), Value::Null]).unwrap();
        let array = array[0]
            .as_any()
            .downcast_ref::<TimestampMicrosecondArray>()
            .unwrap();
        assert_eq!(
            (array.value(0), array.is_null(1)),
            (1_704_105_296_000_000, true)
        );
        assert_eq!(array.timezone(), Some(UTC));
        assert_eq!(
            misfit_of(&times, json!("yesterday")),
            (
                "(root)".into(),
                "expected an RFC 3339 date-time, got \"yesterday\"".into()
            )
        );

        let dates = Node {
            kind: Kind::Text(TextFormat::Date),
            nullable: false,
        };
        let array = columns(&dates, &[json!("1970-01-02")]).unwrap();
        assert_eq!(array[0].as_primitive::<Date32Type>().value(0), 1);
    }

    #[test]
    fn a_misfit_names_its_path() {
        let root = shape(json!({
            "type": "object",
            "properties": {
                "counts": {"type": "array", "items": {"type": "integer"}},
                "items": {"type": "array", "items": {
                    "type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]
                }}
            },
            "required": ["counts"]
        }));
        let cases = [
            (
                json!({"counts": [1, "two"]}),
                "counts[]",
                "expected an integer, got \"two\"",
            ),
            (
                json!({}),
                "counts",
                "is required and not nullable, but missing",
            ),
            (
                json!({"counts": null}),
                "counts",
                "is required and not nullable, but null",
            ),
            (
                json!({"counts": {"a": 1}}),
                "counts",
                "expected an array, got an object",
            ),
            (
                json!({"counts": [], "items": [{"sku": 5}]}),
                "items[].sku",
                "expected a string, got a number",
            ),
            (
                json!({"counts": [], "items": [{}]}),
                "items[].sku",
                "is required and not nullable, but missing",
            ),
            (json!("x"), "(root)", "expected an object, got a string"),
            (Value::Null, "(root)", "expected an object, got null"),
        ];
        for (record, path, message) in cases {
            assert_eq!(
                misfit_of(&root, record.clone()),
                (path.to_owned(), message.to_owned()),
                "{record}"
            );
        }
    }

    /// Properties in any order land in schema order; unknown keys are skipped; absent
    /// and null are both null; JSON columns hold serde_json's text.
    #[test]
    fn records_fill_their_columns() {
        let root = shape(json!({
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date"},
                "address": {"type": "object", "properties": {
                    "city": {"type": "string"},
                    "zip": {"type": ["string", "null"]}
                }, "required": ["city"]},
                "manager": {"anyOf": [
                    {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                    {"type": "null"}
                ]},
                "items": {"type": "array", "items": {"type": "object", "properties": {
                    "sku": {"type": "string"},
                    "qty": {"type": "integer"},
                    "price": {"type": "number"}
                }, "required": ["sku"]}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "meta": {"type": "object"}
            },
            "required": ["id", "at", "address", "items"]
        }));
        let labels = json!({"b": "1", "a": "say \"hi\"\n"});
        let meta = json!({"n": 1.5, "list": [1, null, -0.25, "x"], "t": {"deep": true}});
        let records = [
            json!({
                "meta": meta,
                "labels": labels,
                "items": [{"price": 2, "qty": 2, "sku": "a"}, {"sku": "b", "price": 0.5}],
                "manager": null,
                "extra": {"deep": [1, {"id": 9}]},
                "address": {"zip": null, "city": "X"},
                "day": "2024-02-29",
                "at": "2024-01-01T00:00:00Z",
                "id": 1
            }),
            json!({
                "id": 2,
                "at": "1970-01-01T00:00:01.5+00:00",
                "address": {"city": "Y", "zip": "Z1"},
                "manager": {"name": "M"},
                "items": [],
                "meta": "text"
            }),
        ];
        let arrays = columns(&root, &records).unwrap();
        assert_eq!(arrays.len(), 8);
        assert_eq!(ints(&arrays[0]), [Some(1), Some(2)]);
        let at: Vec<_> = arrays[1]
            .as_primitive::<TimestampMicrosecondType>()
            .iter()
            .collect();
        assert_eq!(at, [Some(1_704_067_200_000_000), Some(1_500_000)]);
        let day: Vec<_> = arrays[2].as_primitive::<Date32Type>().iter().collect();
        assert_eq!(day, [Some(19_782), None]);

        let address = arrays[3].as_struct();
        assert_eq!(address.null_count(), 0);
        assert_eq!(strings(address.column(0)), [Some("X"), Some("Y")]);
        assert_eq!(strings(address.column(1)), [None, Some("Z1")]);

        let manager = arrays[4].as_struct();
        assert!(manager.is_null(0) && manager.is_valid(1));
        assert_eq!(
            strings(manager.column(0)),
            [None, Some("M")],
            "a null struct's fields are null"
        );

        let items = arrays[5].as_list::<i32>();
        assert_eq!(items.value_offsets(), [0, 2, 2]);
        let item = items.values().as_struct();
        assert_eq!(strings(item.column(0)), [Some("a"), Some("b")]);
        assert_eq!(ints(item.column(1)), [Some(2), None]);
        let price: Vec<_> = item
            .column(2)
            .as_primitive::<Float64Type>()
            .iter()
            .collect();
        assert_eq!(price, [Some(2.0), Some(0.5)], "integers fit number columns");

        let labels_text = serde_json::to_string(&labels).unwrap();
        assert_eq!(strings(&arrays[6]), [Some(labels_text.as_str()), None]);
        let meta_text = serde_json::to_string(&meta).unwrap();
        assert_eq!(
            strings(&arrays[7]),
            [Some(meta_text.as_str()), Some("\"text\"")]
        );
    }

    /// What generators stream equals what replaying their `Value` gives (the route of
    /// `--validate`), with nested and null objects, lists of objects, absent keys,
    /// maps, dates and date-times all present.
    #[test]
    fn streamed_rows_equal_replayed_values() {
        let table = Table::from_value(
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "at": {"type": "string", "format": "date-time"},
                    "day": {"type": "string", "format": "date", "x-synth": {"absent_rate": 0.3}},
                    "nickname": {"type": ["string", "null"], "x-synth": {"null_rate": 0.3}},
                    "score": {"type": "number"},
                    "address": {"type": "object", "properties": {
                        "city": {"type": "string"},
                        "geo": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {
                            "lat": {"type": "number"}, "lon": {"type": "number"}
                        }, "required": ["lat", "lon"]}], "x-synth": {"null_rate": 0.3}}
                    }, "required": ["city"]},
                    "items": {"type": "array", "maxItems": 4, "items": {"type": "object", "properties": {
                        "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
                        "qty": {"type": "integer", "minimum": 1, "x-synth": {"absent_rate": 0.3}},
                        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}
                    }, "required": ["sku"]}},
                    "labels": {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 3, "x-synth": {"absent_rate": 0.3}},
                    "mixed": {"type": ["string", "integer", "boolean"]}
                },
                "required": ["id", "at", "address", "items", "mixed"]
            }),
            None,
        )
        .unwrap();
        let root = derive(&table);
        let (mut streamed, mut replayed) = (ColumnSink::new(&root), ColumnSink::new(&root));
        for row in 0..400 {
            streamed.start_record();
            table.write_row(7, row, &mut streamed).unwrap();
            streamed.finish_record().unwrap();
            let mut value = ValueSink::new();
            table.write_row(7, row, &mut value).unwrap();
            replayed.start_record();
            replayed.value(&value.finish());
            replayed.finish_record().unwrap();
        }
        let (streamed, replayed) = (streamed.finish().unwrap(), replayed.finish().unwrap());
        for (a, b) in streamed.iter().zip(&replayed) {
            assert_eq!(a.to_data(), b.to_data());
        }

        // Every case was met.
        let partly_null = |array: &dyn Array| array.null_count() > 0 && array.null_count() < 400;
        let [_, _, day, nickname, _, address, items, labels, mixed] = &streamed[..] else {
            panic!("{} columns", streamed.len());
        };
        assert!(partly_null(day.as_ref()) && partly_null(nickname.as_ref()));
        assert!(partly_null(address.as_struct().column(1).as_ref()), "geo");
        let items = items.as_list::<i32>();
        assert!(items.values().len() > 400, "lists of objects");
        assert!(
            partly_null(items.values().as_struct().column(1).as_ref()),
            "qty"
        );
        assert!(partly_null(labels.as_ref()));
        let maps = strings(labels);
        assert!(maps.iter().flatten().any(|m| m.starts_with("{\"")), "maps");
        assert!(strings(mixed).iter().flatten().any(|m| m.starts_with('"')));
    }
}
