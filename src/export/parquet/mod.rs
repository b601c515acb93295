//! Parquet: a schema derived from the table's shape (objects as groups, arrays as
//! `LIST`s, `date-time` as UTC microsecond timestamps, `date` as dates, decimals as
//! `DECIMAL(p,s)`, `uuid` as the 16 bytes of the UUID logical type, JSON text for maps
//! and mixed unions; a field is nullable unless required and not nullable), one row
//! group per chunk of [`ROW_GROUP_ROWS`] rows, Snappy-compressed.
//!
//! Written with parquet's own column writers, not through Arrow (whose crates were
//! most of a cold build): [`schema`] maps the shape to the file's schema, generators
//! write each row straight into the leaf columns with their definition and repetition
//! levels ([`columns::ColumnSink`], no `serde_json::Value` per row), and [`leaf`]
//! encodes each leaf into a column chunk in memory.
//!
//! Workers fill *and* encode the column chunks of a row group, so encoding and
//! compression run on every core; the writer only appends finished chunks. Row groups
//! are counted from the shard's first row, so the file is the same for any thread
//! count. Each shard is a complete parquet file of its own rows.

mod columns;
mod leaf;
mod schema;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::{WriterProperties, WriterPropertiesPtr};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescPtr, SchemaDescriptor};

use super::ExportError;
use super::engine::{ChunkEncoder, Pipeline};
use super::output::Destination;
use super::progress::Progress;
use super::shape::{self, Node, Property};
use super::source::{RowSource, Rows};
use columns::ColumnSink;
use leaf::ColumnChunk;

/// Rows per row group: large enough for good compression and fast scans, small enough
/// that a few in flight per thread fit in memory.
pub(crate) const ROW_GROUP_ROWS: u64 = 32 * 1024;

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
    let schema = schema::schema(&root).map_err(failed)?;
    let columns = SchemaDescriptor::new(Arc::clone(&schema));
    let props: WriterPropertiesPtr = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut file = SerializedFileWriter::new(out, schema, Arc::clone(&props)).map_err(failed)?;
    let encoder = RowGroupEncoder {
        rows,
        root: &root,
        columns: columns.columns(),
        props: &props,
    };
    pipeline.run(&encoder, range, |row_group: &mut RowGroup, written| {
        let mut group = file.next_row_group().map_err(failed)?;
        for chunk in row_group.columns.drain(..) {
            group
                .append_column(&chunk.bytes, chunk.close)
                .map_err(failed)?;
        }
        group.close().map_err(failed)?;
        progress.advance(written.end - written.start);
        Ok(())
    })?;
    file.close().map_err(failed)?;
    Ok(())
}

/// A property is nullable unless it is required and not nullable.
fn is_nullable(property: &Property) -> bool {
    property.node.nullable || !property.required
}

/// The encoded column chunks of one row group.
#[derive(Default)]
struct RowGroup {
    columns: Vec<ColumnChunk>,
}

struct RowGroupEncoder<'a, R> {
    rows: &'a Rows<'a, R>,
    /// The shape of the records.
    root: &'a Node,
    /// The file's leaf columns, in order.
    columns: &'a [ColumnDescPtr],
    props: &'a WriterPropertiesPtr,
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
            // The columns hold part of the failed row group: start afresh.
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
        for row in rows {
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
        chunk.columns = columns
            .encode(self.columns, self.props)
            .map_err(|e: ParquetError| ExportError::Parquet {
                table: table.to_owned(),
                message: e.to_string(),
            })?;
        Ok(())
    }
}
