//! Parquet: an Arrow schema derived from the table's shape (objects as structs, arrays as
//! lists, `date-time` as UTC microsecond timestamps, `date` as dates, JSON text for maps
//! and mixed unions; a field is nullable unless required and not nullable), one row
//! group per chunk of [`ROW_GROUP_ROWS`] rows, Snappy-compressed.
//!
//! Workers build the Arrow arrays of a row group *and* encode its column chunks, so
//! encoding and compression run on every core; the writer only appends finished
//! chunks. Row groups are counted from the shard's first row, so the file is the same
//! for any thread count. Each shard is a complete parquet file of its own rows.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, NullBufferBuilder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, ListArray, StructArray};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use super::ExportError;
use super::engine::{ChunkEncoder, Pipeline};
use super::output::Destination;
use super::progress::Progress;
use super::rfc3339::{parse_date, parse_date_time};
use super::shape::{self, Kind, Node, TextFormat};
use super::source::{RowSource, Rows};

/// Rows per row group: large enough for good compression and fast scans, small enough
/// that a few in flight per thread fit in memory.
pub(crate) const ROW_GROUP_ROWS: u64 = 32 * 1024;

/// The time zone of timestamps: an offset, which arrow parses without a zone database.
const UTC: &str = "+00:00";

/// The column name used when records are not objects.
const VALUE_COLUMN: &str = "value";

/// Writes `range` of `rows` to `out` as one parquet file.
pub(crate) fn write<R: RowSource>(
    rows: &Rows<'_, R>,
    range: Range<u64>,
    pipeline: &Pipeline<'_>,
    out: &mut Destination,
    progress: &Progress,
) -> Result<(), ExportError> {
    let result = write_file(rows, range, pipeline, &mut *out, progress);
    // A failed write surfaces as a parquet error; report the I/O error itself.
    match (result, out.last_error.take()) {
        (Err(_), Some(io)) => Err(out.error(io)),
        (result, _) => result,
    }
}

fn write_file<R: RowSource>(
    rows: &Rows<'_, R>,
    range: Range<u64>,
    pipeline: &Pipeline<'_>,
    out: &mut Destination,
    progress: &Progress,
) -> Result<(), ExportError> {
    let table = rows.table();
    let failed = |e: ParquetError| ExportError::Parquet {
        table: table.to_owned(),
        message: e.to_string(),
    };
    let root = shape::derive(rows.source.table());
    let columns = top_level(&root);
    let schema: SchemaRef = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(name, node, nullable)| field(name, node, *nullable))
            .collect::<Vec<_>>(),
    ));
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let writer =
        ArrowWriter::try_new(out, Arc::clone(&schema), Some(properties)).map_err(failed)?;
    let (mut file, factory) = writer.into_serialized_writer().map_err(failed)?;
    let encoder = RowGroupEncoder {
        rows,
        columns: &columns,
        objects: matches!(root.kind, Kind::Object(_)),
        schema: &schema,
        factory: &factory,
    };
    pipeline.run(&encoder, range, |row_group: &mut RowGroup, written| {
        let mut group = file.next_row_group().map_err(failed)?;
        for chunk in row_group.columns.drain(..) {
            chunk.append_to_row_group(&mut group).map_err(failed)?;
        }
        group.close().map_err(failed)?;
        progress.advance(written.end - written.start);
        Ok(())
    })?;
    file.close().map_err(failed)?;
    Ok(())
}

/// The top-level columns: `(name, shape, nullable)`.
fn top_level(root: &Node) -> Vec<(String, Node, bool)> {
    match &root.kind {
        Kind::Object(properties) => properties
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.node.clone(),
                    p.node.nullable || !p.required,
                )
            })
            .collect(),
        _ => vec![(VALUE_COLUMN.to_owned(), root.clone(), root.nullable)],
    }
}

fn field(name: &str, node: &Node, nullable: bool) -> Field {
    Field::new(name, data_type(node), nullable)
}

fn data_type(node: &Node) -> DataType {
    match &node.kind {
        Kind::Integer => DataType::Int64,
        Kind::Number => DataType::Float64,
        Kind::Boolean => DataType::Boolean,
        Kind::Text(TextFormat::DateTime) => {
            DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into()))
        }
        Kind::Text(TextFormat::Date) => DataType::Date32,
        Kind::Text(TextFormat::Plain) | Kind::Json => DataType::Utf8,
        Kind::Object(properties) => DataType::Struct(
            properties
                .iter()
                .map(|p| field(&p.name, &p.node, p.node.nullable || !p.required))
                .collect::<Fields>(),
        ),
        Kind::Array(item) => DataType::List(Arc::new(field("item", item, item.nullable))),
    }
}

/// The encoded column chunks of one row group.
#[derive(Default)]
struct RowGroup {
    columns: Vec<ArrowColumnChunk>,
}

struct RowGroupEncoder<'a, R> {
    rows: &'a Rows<'a, R>,
    columns: &'a [(String, Node, bool)],
    /// Records are objects, one column per property (else one column, [`VALUE_COLUMN`]).
    objects: bool,
    schema: &'a SchemaRef,
    factory: &'a ArrowRowGroupWriterFactory,
}

impl<R: RowSource> ChunkEncoder for RowGroupEncoder<'_, R> {
    type Chunk = RowGroup;
    type Worker<'w>
        = Vec<Builder>
    where
        Self: 'w;

    fn worker(&self) -> Vec<Builder> {
        self.columns
            .iter()
            .map(|(_, node, nullable)| Builder::new(node, *nullable))
            .collect()
    }

    fn encode(
        &self,
        builders: &mut Vec<Builder>,
        rows: Range<u64>,
        chunk: &mut RowGroup,
    ) -> Result<(), ExportError> {
        let table = self.rows.table();
        let misfit = |row: u64, (path, message): Misfit| ExportError::Shape {
            table: table.to_owned(),
            row,
            path: path.unwrap_or_else(|| "(root)".to_owned()),
            message,
        };
        for row in rows.clone() {
            let value = self.rows.value(row)?;
            if !self.objects {
                builders[0]
                    .append(Some(&value))
                    .map_err(|m| misfit(row, m))?;
                continue;
            }
            let Value::Object(record) = &value else {
                return Err(misfit(
                    row,
                    (None, format!("expected an object, got {}", kind_of(&value))),
                ));
            };
            for ((name, _, _), builder) in self.columns.iter().zip(builders.iter_mut()) {
                builder
                    .append(record.get(name))
                    .map_err(|m| misfit(row, prefix(name, m)))?;
            }
        }
        let parquet_error = |e: ParquetError| ExportError::Parquet {
            table: table.to_owned(),
            message: e.to_string(),
        };
        let mut writers = self
            .factory
            .create_column_writers((rows.start / ROW_GROUP_ROWS) as usize)
            .map_err(parquet_error)?;
        let mut next_writer = writers.iter_mut();
        for (field, builder) in self.schema.fields().iter().zip(builders.iter_mut()) {
            let array = builder
                .finish()
                .map_err(|(path, message)| ExportError::Parquet {
                    table: table.to_owned(),
                    message: format!(
                        "field `{}`: {message}",
                        prefix(field.name(), (path, String::new()))
                            .0
                            .unwrap_or_default()
                    ),
                })?;
            for leaf in compute_leaves(field, &array).map_err(parquet_error)? {
                let writer = next_writer.next().ok_or_else(|| {
                    parquet_error(ParquetError::General("more leaves than columns".into()))
                })?;
                writer.write(&leaf).map_err(parquet_error)?;
            }
        }
        chunk.columns = writers
            .into_iter()
            .map(|w| w.close())
            .collect::<Result<_, _>>()
            .map_err(parquet_error)?;
        Ok(())
    }
}

/// Where a value did not fit (dotted path below the column, if any) and why.
type Misfit = (Option<String>, String);

fn prefix(name: &str, (path, message): Misfit) -> Misfit {
    let path = match path {
        Some(rest) if rest.starts_with('[') => format!("{name}{rest}"),
        Some(rest) => format!("{name}.{rest}"),
        None => name.to_owned(),
    };
    (Some(path), message)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Accumulates one column (or a struct field, or list items) of a row group.
pub(crate) struct Builder {
    nullable: bool,
    kind: BuilderKind,
}

enum BuilderKind {
    Integer(Int64Builder),
    Number(Float64Builder),
    Boolean(BooleanBuilder),
    Text(StringBuilder),
    DateTime(TimestampMicrosecondBuilder),
    Date(Date32Builder),
    /// Anything, as JSON text.
    Json(StringBuilder),
    Struct {
        fields: Fields,
        names: Vec<String>,
        children: Vec<Builder>,
        nulls: NullBufferBuilder,
    },
    List {
        field: FieldRef,
        item: Box<Builder>,
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
    },
}

impl Builder {
    fn new(node: &Node, nullable: bool) -> Builder {
        let kind = match &node.kind {
            Kind::Integer => BuilderKind::Integer(Int64Builder::new()),
            Kind::Number => BuilderKind::Number(Float64Builder::new()),
            Kind::Boolean => BuilderKind::Boolean(BooleanBuilder::new()),
            Kind::Text(TextFormat::Plain) => BuilderKind::Text(StringBuilder::new()),
            Kind::Text(TextFormat::DateTime) => {
                BuilderKind::DateTime(TimestampMicrosecondBuilder::new().with_timezone(UTC))
            }
            Kind::Text(TextFormat::Date) => BuilderKind::Date(Date32Builder::new()),
            Kind::Json => BuilderKind::Json(StringBuilder::new()),
            Kind::Object(properties) => {
                let DataType::Struct(fields) = data_type(node) else {
                    unreachable!("objects are structs")
                };
                BuilderKind::Struct {
                    fields,
                    names: properties.iter().map(|p| p.name.clone()).collect(),
                    children: properties
                        .iter()
                        .map(|p| Builder::new(&p.node, p.node.nullable || !p.required))
                        .collect(),
                    nulls: NullBufferBuilder::new(0),
                }
            }
            Kind::Array(item) => BuilderKind::List {
                field: Arc::new(field("item", item, item.nullable)),
                item: Box::new(Builder::new(item, item.nullable)),
                offsets: vec![0],
                nulls: NullBufferBuilder::new(0),
            },
        };
        Builder { nullable, kind }
    }

    /// Appends a value; `None` is an absent key.
    fn append(&mut self, value: Option<&Value>) -> Result<(), Misfit> {
        let value = match value {
            None | Some(Value::Null) if !self.nullable => {
                let what = if value.is_none() { "missing" } else { "null" };
                return Err((None, format!("is required and not nullable, but {what}")));
            }
            None | Some(Value::Null) => {
                self.append_null();
                return Ok(());
            }
            Some(value) => value,
        };
        let wrong = |expected: &str| {
            let got = match value {
                Value::String(_) => value.to_string(),
                _ => kind_of(value).to_owned(),
            };
            Err((None, format!("expected {expected}, got {got}")))
        };
        match &mut self.kind {
            BuilderKind::Integer(b) => match value.as_i64() {
                Some(v) => b.append_value(v),
                None => return wrong("an integer"),
            },
            BuilderKind::Number(b) => match value.as_f64() {
                Some(v) => b.append_value(v),
                None => return wrong("a number"),
            },
            BuilderKind::Boolean(b) => match value.as_bool() {
                Some(v) => b.append_value(v),
                None => return wrong("a boolean"),
            },
            BuilderKind::Text(b) => match value.as_str() {
                Some(v) => b.append_value(v),
                None => return wrong("a string"),
            },
            BuilderKind::DateTime(b) => match value.as_str().and_then(parse_date_time) {
                Some(v) => b.append_value(v),
                None => return wrong("an RFC 3339 date-time"),
            },
            BuilderKind::Date(b) => match value.as_str().and_then(parse_date) {
                Some(v) => b.append_value(v),
                None => return wrong("an RFC 3339 date"),
            },
            BuilderKind::Json(b) => b.append_value(value.to_string()),
            BuilderKind::Struct {
                names,
                children,
                nulls,
                ..
            } => {
                let Value::Object(map) = value else {
                    return wrong("an object");
                };
                for (name, child) in names.iter().zip(children.iter_mut()) {
                    child.append(map.get(name)).map_err(|m| prefix(name, m))?;
                }
                nulls.append_non_null();
            }
            BuilderKind::List {
                item,
                offsets,
                nulls,
                ..
            } => {
                let Value::Array(items) = value else {
                    return wrong("an array");
                };
                for element in items {
                    item.append(Some(element)).map_err(|m| prefix("[]", m))?;
                }
                offsets.push(offset(item.len()));
                nulls.append_non_null();
            }
        }
        Ok(())
    }

    /// Appends a null; inside a null struct, its fields are null too (masked).
    fn append_null(&mut self) {
        match &mut self.kind {
            BuilderKind::Integer(b) => b.append_null(),
            BuilderKind::Number(b) => b.append_null(),
            BuilderKind::Boolean(b) => b.append_null(),
            BuilderKind::Text(b) | BuilderKind::Json(b) => b.append_null(),
            BuilderKind::DateTime(b) => b.append_null(),
            BuilderKind::Date(b) => b.append_null(),
            BuilderKind::Struct {
                children, nulls, ..
            } => {
                children.iter_mut().for_each(Builder::append_null);
                nulls.append_null();
            }
            BuilderKind::List { offsets, nulls, .. } => {
                let last = offsets.last().copied().unwrap_or(0);
                offsets.push(last);
                nulls.append_null();
            }
        }
    }

    /// Values appended so far.
    fn len(&self) -> usize {
        match &self.kind {
            BuilderKind::Integer(b) => b.len(),
            BuilderKind::Number(b) => b.len(),
            BuilderKind::Boolean(b) => b.len(),
            BuilderKind::Text(b) | BuilderKind::Json(b) => b.len(),
            BuilderKind::DateTime(b) => b.len(),
            BuilderKind::Date(b) => b.len(),
            BuilderKind::Struct { nulls, .. } | BuilderKind::List { nulls, .. } => nulls.len(),
        }
    }

    /// The array of everything appended; the builder starts over empty.
    fn finish(&mut self) -> Result<ArrayRef, Misfit> {
        let invalid = |e: arrow_schema::ArrowError| (None, e.to_string());
        Ok(match &mut self.kind {
            BuilderKind::Integer(b) => Arc::new(b.finish()),
            BuilderKind::Number(b) => Arc::new(b.finish()),
            BuilderKind::Boolean(b) => Arc::new(b.finish()),
            BuilderKind::Text(b) | BuilderKind::Json(b) => Arc::new(b.finish()),
            BuilderKind::DateTime(b) => Arc::new(b.finish()),
            BuilderKind::Date(b) => Arc::new(b.finish()),
            BuilderKind::Struct {
                fields,
                names,
                children,
                nulls,
            } => {
                let arrays = names
                    .iter()
                    .zip(children.iter_mut())
                    .map(|(name, child)| child.finish().map_err(|m| prefix(name, m)))
                    .collect::<Result<Vec<_>, _>>()?;
                Arc::new(
                    StructArray::try_new(fields.clone(), arrays, nulls.finish())
                        .map_err(invalid)?,
                )
            }
            BuilderKind::List {
                field,
                item,
                offsets,
                nulls,
            } => {
                let items = item.finish().map_err(|m| prefix("[]", m))?;
                let offsets =
                    OffsetBuffer::new(ScalarBuffer::from(std::mem::replace(offsets, vec![0])));
                Arc::new(
                    ListArray::try_new(field.clone(), offsets, items, nulls.finish())
                        .map_err(invalid)?,
                )
            }
        })
    }
}

/// List offsets are `i32`; a row group's list items stay far below 2³¹.
fn offset(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Date32Array, TimestampMicrosecondArray};

    fn builder(kind: Kind) -> Builder {
        Builder::new(
            &Node {
                kind,
                nullable: true,
            },
            true,
        )
    }

    #[test]
    fn date_times_become_utc_timestamps_and_dates_dates() {
        let mut times = builder(Kind::Text(TextFormat::DateTime));
        times
            .append(Some(&Value::from("2024-01-01T12:34:56+02:00")))
            .unwrap();
        times.append(None).unwrap();
        let array = times.finish().unwrap();
        let array = array
            .as_any()
            .downcast_ref::<TimestampMicrosecondArray>()
            .unwrap();
        assert_eq!(
            (array.value(0), array.is_null(1)),
            (1_704_105_296_000_000, true)
        );
        assert_eq!(array.timezone(), Some(UTC));
        let error = times.append(Some(&Value::from("yesterday"))).unwrap_err();
        assert_eq!(error.1, "expected an RFC 3339 date-time, got \"yesterday\"");

        let mut dates = builder(Kind::Text(TextFormat::Date));
        dates.append(Some(&Value::from("1970-01-02"))).unwrap();
        let array = dates.finish().unwrap();
        assert_eq!(
            array
                .as_any()
                .downcast_ref::<Date32Array>()
                .unwrap()
                .value(0),
            1
        );
    }

    #[test]
    fn a_misfit_names_its_path() {
        let node = Node {
            kind: Kind::Array(Box::new(Node {
                kind: Kind::Integer,
                nullable: false,
            })),
            nullable: false,
        };
        let mut builder = Builder::new(&node, false);
        let error = builder
            .append(Some(&serde_json::json!([1, "two"])))
            .unwrap_err();
        assert_eq!(
            prefix("counts", error),
            (
                Some("counts[]".into()),
                "expected an integer, got \"two\"".into()
            )
        );
        let error = builder.append(None).unwrap_err();
        assert_eq!(error.1, "is required and not nullable, but missing");
    }
}
