//! Parquet: an Arrow schema derived from the table's shape (objects as structs, arrays as
//! lists, `date-time` as UTC microsecond timestamps, `date` as dates, decimals as
//! `Decimal128`, `uuid` as the 16 bytes of Parquet's UUID logical type (Arrow's
//! `arrow.uuid`), JSON text for maps and mixed unions; a field is nullable unless
//! required and not nullable), one row group per chunk of [`ROW_GROUP_ROWS`] rows,
//! Snappy-compressed.
//!
//! Workers build the Arrow arrays of a row group *and* encode its column chunks, so
//! encoding and compression run on every core; the writer only appends finished
//! chunks. Generators write each row straight into the Arrow builders
//! ([`columns::ColumnSink`]), without a `serde_json::Value` per row. Row groups are
//! counted from the shard's first row, so the file is the same for any thread count.
//! Each shard is a complete parquet file of its own rows.

mod columns;

use std::ops::Range;
use std::sync::Arc;

use arrow_schema::extension::Uuid;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use super::ExportError;
use super::engine::{ChunkEncoder, Pipeline};
use super::output::Destination;
use super::progress::Progress;
use super::shape::{self, Kind, Node, Property, TextFormat};
use super::source::{RowSource, Rows};
use columns::ColumnSink;

/// Rows per row group: large enough for good compression and fast scans, small enough
/// that a few in flight per thread fit in memory.
pub(crate) const ROW_GROUP_ROWS: u64 = 32 * 1024;

/// The time zone of timestamps: an offset, which arrow parses without a zone database.
const UTC: &str = "+00:00";

/// The bytes of a uuid.
const UUID_BYTES: i32 = 16;

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
    let schema: SchemaRef = Arc::new(schema(&root));
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let writer =
        ArrowWriter::try_new(out, Arc::clone(&schema), Some(properties)).map_err(failed)?;
    let (mut file, factory) = writer.into_serialized_writer().map_err(failed)?;
    let encoder = RowGroupEncoder {
        rows,
        root: &root,
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

/// The file's schema: one column per property when records are objects, else one
/// column, [`VALUE_COLUMN`].
fn schema(root: &Node) -> Schema {
    match data_type(root) {
        DataType::Struct(fields) => Schema::new(fields),
        _ => Schema::new(vec![field(VALUE_COLUMN, root, root.nullable)]),
    }
}

/// A uuid column is marked `arrow.uuid`, which the writer stores as Parquet's UUID
/// logical type (and readers read back as uuids).
fn field(name: &str, node: &Node, nullable: bool) -> Field {
    let field = Field::new(name, data_type(node), nullable);
    match node.kind {
        Kind::Text(TextFormat::Uuid) => field.with_extension_type(Uuid),
        _ => field,
    }
}

fn data_type(node: &Node) -> DataType {
    match &node.kind {
        Kind::Integer(_) => DataType::Int64,
        Kind::Number | Kind::Decimal(None) => DataType::Float64,
        Kind::Decimal(Some(d)) => DataType::Decimal128(d.precision, d.scale as i8),
        Kind::Boolean => DataType::Boolean,
        Kind::Text(TextFormat::DateTime) => {
            DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into()))
        }
        Kind::Text(TextFormat::Date) => DataType::Date32,
        Kind::Text(TextFormat::Uuid) => DataType::FixedSizeBinary(UUID_BYTES),
        Kind::Text(TextFormat::Plain) | Kind::Json => DataType::Utf8,
        Kind::Object(properties) => DataType::Struct(struct_fields(properties)),
        Kind::Array(item) => DataType::List(Arc::new(list_item(item))),
    }
}

/// The fields of an object's struct, in schema order.
fn struct_fields(properties: &[Property]) -> Fields {
    properties
        .iter()
        .map(|p| field(&p.name, &p.node, is_nullable(p)))
        .collect()
}

/// A property is nullable unless it is required and not nullable.
fn is_nullable(property: &Property) -> bool {
    property.node.nullable || !property.required
}

fn list_item(item: &Node) -> Field {
    field("item", item, item.nullable)
}

/// The encoded column chunks of one row group.
#[derive(Default)]
struct RowGroup {
    columns: Vec<ArrowColumnChunk>,
}

struct RowGroupEncoder<'a, R> {
    rows: &'a Rows<'a, R>,
    /// The shape of the records.
    root: &'a Node,
    schema: &'a SchemaRef,
    factory: &'a ArrowRowGroupWriterFactory,
}

impl<R: RowSource> ChunkEncoder for RowGroupEncoder<'_, R> {
    type Chunk = RowGroup;
    type Worker<'w>
        = ColumnSink
    where
        Self: 'w;

    fn worker(&self) -> ColumnSink {
        ColumnSink::new(self.root)
    }

    fn encode(
        &self,
        columns: &mut ColumnSink,
        rows: Range<u64>,
        chunk: &mut RowGroup,
    ) -> Result<(), ExportError> {
        let result = self.encode_rows(columns, rows, chunk);
        if result.is_err() {
            // The builders hold part of the failed row group: start afresh.
            *columns = self.worker();
        }
        result
    }
}

impl<R: RowSource> RowGroupEncoder<'_, R> {
    fn encode_rows(
        &self,
        columns: &mut ColumnSink,
        rows: Range<u64>,
        chunk: &mut RowGroup,
    ) -> Result<(), ExportError> {
        let table = self.rows.table();
        for row in rows.clone() {
            columns.start_record();
            self.rows.write(row, columns)?;
            columns
                .finish_record()
                .map_err(|misfit| ExportError::Shape {
                    table: table.to_owned(),
                    row,
                    path: misfit.path,
                    message: misfit.message,
                })?;
        }
        let arrays = columns.finish().map_err(|refused| ExportError::Parquet {
            table: table.to_owned(),
            message: format!("field `{}`: {}", refused.path, refused.message),
        })?;
        let parquet_error = |e: ParquetError| ExportError::Parquet {
            table: table.to_owned(),
            message: e.to_string(),
        };
        let mut writers = self
            .factory
            .create_column_writers((rows.start / ROW_GROUP_ROWS) as usize)
            .map_err(parquet_error)?;
        let mut next_writer = writers.iter_mut();
        for (field, array) in self.schema.fields().iter().zip(&arrays) {
            for leaf in compute_leaves(field, array).map_err(parquet_error)? {
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
