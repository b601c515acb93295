//! The leaf columns of a row group, filled by generators through [`Sink`]: each value
//! goes straight into the leaf of its position in the record, found by walking the
//! record's shape as the events arrive (no `serde_json::Value` per row), with the
//! definition and repetition levels that place it in the record.
//!
//! Levels, in short (Dremel's encoding, as parquet stores nested data): every leaf gets
//! one *entry* per value, null, or empty list at or above it. An entry's definition
//! level counts the optional and repeated levels above it that are present (a value has
//! the leaf's maximum); its repetition level says which list it continues: 0 for a new
//! record, a list's own level for that list's second item onwards.
//!
//! Properties may arrive in any order; keys the shape does not know are skipped, absent
//! properties become nulls when the record's object closes. JSON columns (maps, mixed
//! unions) capture their whole value as compact JSON text, as `serde_json` writes it. A
//! value that does not fit its column is a [`Misfit`], reported with its path.

use std::ops::Range;

use parquet::errors::ParquetError;
use parquet::file::properties::WriterPropertiesPtr;
use parquet::schema::types::ColumnDescPtr;

use super::is_nullable;
use super::leaf::{ByteValues, ColumnChunk, DecimalValues, Leaf, Values};
use crate::export::detour::{Closed, Detour};
use crate::export::shape::{Kind, Node, TextFormat};
use crate::sink::{JsonWriter, Sink, write_json_string};

/// The index of the record's root in [`ColumnSink::positions`].
const ROOT: usize = 0;

/// A value that does not fit the shape: where (`items[].sku`, or `(root)`), and why.
#[derive(Debug)]
pub(super) struct Misfit {
    pub path: String,
    pub message: String,
}

/// A [`Sink`] that appends records to the leaf columns of a row group.
pub(super) struct ColumnSink {
    /// Every position of the record, depth first from the root.
    positions: Vec<Position>,
    /// The leaf columns, depth first: the file's column order.
    pub(super) leaves: Vec<Leaf>,
    /// The repetition level of each leaf's next entry: 0 when a record starts, a
    /// list's level when its second or later item starts.
    next_rep: Vec<i16>,
    /// Records are objects: the root is a struct whose fields are the columns.
    objects: bool,
    /// The structs and lists open in the shape, innermost last.
    open: Vec<Open>,
    /// The record's root value has not arrived yet.
    root_pending: bool,
    /// Objects opened so far: each struct value's number, by which its fields know
    /// whether they arrived in it.
    objects_opened: u64,
    /// A value being skipped, or captured as JSON text for a JSON column.
    detour: Detour<usize>,
    /// Writes the JSON text of JSON columns.
    json: JsonWriter,
    /// Where [`Sink::str_with`] builds a string before it is appended.
    string: String,
    /// The record's first misfit.
    error: Option<Misfit>,
}

/// One position of the record: a column, a struct's field, a list's items.
struct Position {
    /// Where it is in the record (`items[].sku`; empty at the root), for errors.
    path: String,
    nullable: bool,
    /// The definition level of the entries a null here gives its leaves: the optional
    /// and repeated levels above it.
    null_def: i16,
    /// The leaves at or below it: a leaf is its own; a struct's or list's are those of
    /// its fields or items, side by side.
    leaves: Range<usize>,
    /// The number of the struct value this field last arrived in.
    arrived_in: u64,
    layout: Layout,
}

enum Layout {
    Leaf,
    /// `fields` are the positions of the properties `names`, in schema order.
    Struct {
        names: Vec<String>,
        fields: Vec<usize>,
    },
    /// `rep` is the list's repetition level (its items' second onwards); an empty
    /// list gives its leaves entries `empty_def` deep.
    List {
        item: usize,
        rep: i16,
        empty_def: i16,
    },
}

/// An open struct or list.
enum Open {
    /// `next` is the field the next value fills (`None`: skip it, its key is unknown);
    /// `hint` is where the next key is likely, as generators write properties in
    /// schema order; `number` is the struct value's, from [`ColumnSink::objects_opened`].
    Struct {
        position: usize,
        next: Option<usize>,
        hint: usize,
        number: u64,
    },
    /// `items`: the list has items already.
    List { position: usize, items: bool },
}

impl ColumnSink {
    /// Columns for records of shape `root`.
    pub fn new(root: &Node) -> ColumnSink {
        let mut sink = ColumnSink {
            positions: Vec::new(),
            leaves: Vec::new(),
            next_rep: Vec::new(),
            objects: matches!(root.kind, Kind::Object(_)),
            open: Vec::new(),
            root_pending: true,
            objects_opened: 0,
            detour: Detour::Off,
            json: JsonWriter::new(),
            string: String::new(),
            error: None,
        };
        // The record's object is the file's root group, not an optional level of its
        // own; a record that is not an object is the one column, optional if nullable.
        let levels = Levels { def: 0, rep: 0 };
        let optional = root.nullable && !sink.objects;
        sink.add(root, optional, root.nullable, String::new(), levels);
        sink.next_rep = vec![0; sink.leaves.len()];
        sink
    }

    /// Adds the position of `shape` and those below it, depth first, under the levels
    /// `above`; `optional`: it has a definition level of its own (a nullable field
    /// does, the record's object does not). Returns its index.
    fn add(
        &mut self,
        shape: &Node,
        optional: bool,
        nullable: bool,
        path: String,
        above: Levels,
    ) -> usize {
        let index = self.positions.len();
        let first_leaf = self.leaves.len();
        self.positions.push(Position {
            path,
            nullable,
            null_def: above.def,
            leaves: first_leaf..first_leaf,
            arrived_in: 0,
            layout: Layout::Leaf,
        });
        let here = Levels {
            def: above.def + i16::from(optional),
            rep: above.rep,
        };
        let path = |p: &Position, name: &str| match p.path.as_str() {
            "" => name.to_owned(),
            parent => format!("{parent}.{name}"),
        };
        let values = match &shape.kind {
            Kind::Integer(_) => Values::Integer(Vec::new()),
            Kind::Number | Kind::Decimal(None) => Values::Number(Vec::new()),
            Kind::Decimal(Some(digits)) => Values::Decimal(DecimalValues::new(*digits)),
            Kind::Boolean => Values::Boolean(Vec::new()),
            Kind::Text(TextFormat::Plain) => Values::Text(ByteValues::default()),
            Kind::Text(TextFormat::DateTime) => Values::DateTime(Vec::new()),
            Kind::Text(TextFormat::Date) => Values::Date(Vec::new()),
            Kind::Text(TextFormat::Uuid) => Values::Uuid(Vec::new()),
            Kind::Json => Values::Json(ByteValues::default()),
            Kind::Object(properties) => {
                let fields = properties
                    .iter()
                    .map(|p| {
                        let nullable = is_nullable(p);
                        let path = path(&self.positions[index], &p.name);
                        self.add(&p.node, nullable, nullable, path, here)
                    })
                    .collect();
                let names = properties.iter().map(|p| p.name.clone()).collect();
                return self.finish_position(index, Layout::Struct { names, fields });
            }
            Kind::Array(item) => {
                // The repeated group: one level more of each, for an item being there
                // and for which item it is.
                let items = Levels {
                    def: here.def + 1,
                    rep: here.rep + 1,
                };
                let path = format!("{}[]", self.positions[index].path);
                let item = self.add(item, item.nullable, item.nullable, path, items);
                let list = Layout::List {
                    item,
                    rep: items.rep,
                    empty_def: here.def,
                };
                return self.finish_position(index, list);
            }
        };
        self.leaves.push(Leaf::new(values, here.def, here.rep));
        self.finish_position(index, Layout::Leaf)
    }

    /// Records the layout of position `index`, whose leaves are those added since it.
    fn finish_position(&mut self, index: usize, layout: Layout) -> usize {
        let position = &mut self.positions[index];
        position.leaves.end = self.leaves.len();
        position.layout = layout;
        index
    }

    /// Call before each record.
    pub fn start_record(&mut self) {
        self.open.clear();
        self.root_pending = true;
        self.detour = Detour::Off;
        self.error = None;
        self.next_rep.fill(0);
    }

    /// Call after each record: its first misfit, if any. After a misfit the columns
    /// are inconsistent: make a new sink.
    pub fn finish_record(&mut self) -> Result<(), Misfit> {
        if self.root_pending {
            // Nothing was written: a null record, as a `Value` built from it would be.
            self.null();
        }
        self.error.take().map_or(Ok(()), Err)
    }

    /// Encodes each leaf's entries into a column chunk of the matching column of
    /// `columns`; the leaves start over empty.
    pub fn encode(
        &mut self,
        columns: &[ColumnDescPtr],
        props: &WriterPropertiesPtr,
    ) -> Result<Vec<ColumnChunk>, ParquetError> {
        if columns.len() != self.leaves.len() {
            return Err(ParquetError::General(format!(
                "{} columns for {} leaves",
                columns.len(),
                self.leaves.len()
            )));
        }
        self.leaves
            .iter_mut()
            .zip(columns)
            .map(|(leaf, column)| leaf.encode(column, props))
            .collect()
    }

    /// The position the next value goes to; `None` when it has none (an unknown key).
    fn target(&mut self) -> Option<usize> {
        match self.open.last_mut() {
            None => std::mem::take(&mut self.root_pending).then_some(ROOT),
            Some(Open::List { position, items }) => {
                let Layout::List { item, rep, .. } = self.positions[*position].layout else {
                    return None;
                };
                if std::mem::replace(items, true) {
                    // A second or later item: its leaves' entries continue this list.
                    self.next_rep[self.positions[item].leaves.clone()].fill(rep);
                }
                Some(item)
            }
            Some(Open::Struct { next, number, .. }) => {
                let field = next.take()?;
                self.positions[field].arrived_in = *number;
                Some(field)
            }
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
        let Some(at) = self.target() else {
            return;
        };
        if !self.append(at, value) {
            self.mismatch(at, Got::Scalar(value));
        }
    }

    /// Appends a scalar at a leaf, unless it does not fit (then returns false).
    fn append(&mut self, at: usize, value: Scalar<'_>) -> bool {
        let position = &self.positions[at];
        if !matches!(position.layout, Layout::Leaf) {
            return false;
        }
        let index = position.leaves.start;
        let rep = self.next_rep[index];
        let leaf = &mut self.leaves[index];
        if let Values::Json(_) = leaf.values {
            self.json.buf.clear();
            value.write_json(&mut self.json);
            return leaf.push_json(&self.json.buf, rep);
        }
        match value {
            Scalar::Bool(v) => leaf.push_bool(v, rep),
            Scalar::Int(v) => leaf.push_int(v, rep),
            Scalar::Float(v) => leaf.push_float(v, rep),
            Scalar::Str(v) => leaf.push_str(v, rep),
        }
    }

    /// An object or array opens.
    fn begin(&mut self, is_object: bool) {
        if self.detour.begin(&mut self.json, is_object) {
            return;
        }
        let Some(at) = self.target() else {
            self.detour.skip();
            return;
        };
        match &self.positions[at].layout {
            Layout::Struct { .. } if is_object => {
                self.objects_opened += 1;
                self.open.push(Open::Struct {
                    position: at,
                    next: None,
                    hint: 0,
                    number: self.objects_opened,
                });
            }
            Layout::List { .. } if !is_object => self.open.push(Open::List {
                position: at,
                items: false,
            }),
            Layout::Leaf if matches!(self.leaf_values(at), Some(Values::Json(_))) => {
                self.detour.capture(at, &mut self.json, is_object);
            }
            _ => {
                self.mismatch(at, if is_object { Got::Object } else { Got::Array });
                self.detour.skip();
            }
        }
    }

    /// An object or array closes.
    fn end(&mut self, is_object: bool) {
        match self.detour.end(&mut self.json, is_object) {
            Closed::Inner => {}
            Closed::Captured(at) => {
                let index = self.positions[at].leaves.start;
                let rep = self.next_rep[index];
                self.leaves[index].push_json(&self.json.buf, rep);
            }
            Closed::Layout => match self.open.pop() {
                Some(Open::Struct {
                    position, number, ..
                }) => self.end_struct(position, number),
                Some(Open::List {
                    position,
                    items: false,
                }) => {
                    if let Layout::List { empty_def, .. } = self.positions[position].layout {
                        self.null_entries(position, empty_def);
                    }
                }
                Some(Open::List { items: true, .. }) | None => {}
            },
        }
    }

    /// A struct value closed: its fields that did not arrive are null (absent).
    fn end_struct(&mut self, at: usize, number: u64) {
        // Lent out while their nulls are appended, and put back.
        let fields = match &mut self.positions[at].layout {
            Layout::Struct { fields, .. } => std::mem::take(fields),
            _ => return,
        };
        for &field in &fields {
            if self.positions[field].arrived_in != number {
                self.null_or_misfit(field, "missing");
            }
        }
        if let Layout::Struct { fields: slot, .. } = &mut self.positions[at].layout {
            *slot = fields;
        }
    }

    /// A null, or an absent field (`what`: "null", "missing"), arrived for `at`.
    fn null_or_misfit(&mut self, at: usize, what: &str) {
        if self.positions[at].nullable {
            self.null_entries(at, self.positions[at].null_def);
        } else {
            self.misfit(at, format!("is required and not nullable, but {what}"));
        }
    }

    /// Gives each leaf at or below `at` an entry without a value, `def` levels deep:
    /// a null here (a null struct's fields are null too), or an empty list.
    fn null_entries(&mut self, at: usize, def: i16) {
        for leaf in self.positions[at].leaves.clone() {
            self.leaves[leaf].push_null(def, self.next_rep[leaf]);
        }
    }

    fn leaf_values(&self, at: usize) -> Option<&Values> {
        match self.positions[at].layout {
            Layout::Leaf => Some(&self.leaves[self.positions[at].leaves.start].values),
            _ => None,
        }
    }

    fn mismatch(&mut self, at: usize, got: Got<'_>) {
        let message = if at == ROOT && self.objects {
            // The record itself, named by kind only.
            format!("expected an object, got {}", got.kind())
        } else {
            let expected = match &self.positions[at].layout {
                Layout::Leaf => self.leaf_values(at).map_or("a value", Values::expected),
                Layout::Struct { .. } => "an object",
                Layout::List { .. } => "an array",
            };
            format!("expected {expected}, got {}", got.shown())
        };
        self.misfit(at, message);
    }

    fn misfit(&mut self, at: usize, message: String) {
        if self.error.is_none() {
            let path = match self.positions[at].path.as_str() {
                "" => "(root)",
                path => path,
            };
            self.error = Some(Misfit {
                path: path.to_owned(),
                message,
            });
        }
    }
}

/// The definition and repetition levels above a position.
#[derive(Clone, Copy)]
struct Levels {
    def: i16,
    rep: i16,
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
        let Some(at) = self.target() else {
            return;
        };
        if at == ROOT && self.objects {
            self.mismatch(at, Got::Null);
        } else {
            self.null_or_misfit(at, "null");
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
        let Some(Open::Struct {
            position,
            next,
            hint,
            number,
        }) = self.open.last_mut()
        else {
            return;
        };
        let Layout::Struct { names, fields } = &self.positions[*position].layout else {
            return;
        };
        let found = (*hint..names.len())
            .chain(0..*hint)
            .find(|&i| names[i] == k);
        *next = found.and_then(|i| {
            *hint = i + 1;
            let field = fields[i];
            // A repeated key (generators write none) keeps its first value.
            (self.positions[field].arrived_in != *number).then_some(field)
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
