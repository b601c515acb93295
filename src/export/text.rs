//! The text formats: ndjson, json, csv and sql. Each is a preamble (written by the first
//! shard only), rows (whose separators depend only on the row's index in the whole
//! table) and a postamble (written by the last shard only), so shard files concatenate
//! to the unsharded file byte for byte.

use std::ops::Range;

use super::csv::{self, Csv};
use super::engine::{ChunkEncoder, Pipeline};
use super::flat::{CellFormat, FlatLayout, FlatSink};
use super::names::ColumnNames;
use super::output::Destination;
use super::progress::Progress;
use super::source::{RowSource, Rows};
use super::sql::{self, Sql};
use super::{ExportError, Format, shape};
use crate::sink::JsonWriter;

/// Rows per chunk of work: big enough to make hand-over costs vanish, small enough to
/// keep a few chunks per thread in memory.
pub(crate) const CHUNK_ROWS: u64 = 1024;

/// The rows of one table (or shard) and what surrounds them.
pub(crate) struct TextJob<'a, R> {
    pub rows: &'a Rows<'a, R>,
    pub format: Format,
    /// Rows in the whole table: SQL batches count from its row 0 and end at its last row.
    pub total: u64,
    /// The rows to write.
    pub range: Range<u64>,
    /// Write the preamble (header, `[`, `CREATE TABLE`).
    pub first: bool,
    /// Write the postamble (`]`, a cycle's `ALTER TABLE`s).
    pub last: bool,
    /// The sql script's foreign keys.
    pub constraints: &'a sql::Constraints,
    /// How csv headers and sql name the columns and tables.
    pub names: ColumnNames,
}

impl<R: RowSource> TextJob<'_, R> {
    pub fn write(
        &self,
        pipeline: &Pipeline<'_>,
        out: &mut Destination,
        progress: &Progress,
    ) -> Result<(), ExportError> {
        let table = self.rows.table();
        let layout = FlatLayout::new(&shape::derive(self.rows.source.table()));
        let range = self.range.clone();
        match self.format {
            Format::Ndjson => pump(
                pipeline,
                &JsonEncoder {
                    rows: self.rows,
                    array: false,
                },
                range,
                out,
                progress,
            ),
            Format::Json => {
                if self.first {
                    out.write_bytes(b"[")?;
                }
                pump(
                    pipeline,
                    &JsonEncoder {
                        rows: self.rows,
                        array: true,
                    },
                    range,
                    out,
                    progress,
                )?;
                if self.last {
                    out.write_bytes(b"\n]\n")?;
                }
                Ok(())
            }
            Format::Csv => {
                if self.first {
                    out.write_bytes(&csv::header(&layout, self.names))?;
                }
                let records = CsvRecords;
                let encoder = FlatEncoder {
                    rows: self.rows,
                    layout: &layout,
                    records,
                };
                pump(pipeline, &encoder, range, out, progress)
            }
            Format::Sql => {
                if self.first {
                    out.write_bytes(&sql::create_table(
                        table,
                        &layout,
                        &self.constraints.inline,
                        self.names,
                    ))?;
                }
                let insert = sql::insert_prefix(table, &layout, self.names);
                let records = SqlRecords {
                    insert,
                    total: self.total,
                };
                let encoder = FlatEncoder {
                    rows: self.rows,
                    layout: &layout,
                    records,
                };
                pump(pipeline, &encoder, range, out, progress)?;
                if self.last {
                    out.write_bytes(&sql::add_constraints(&self.constraints.after, self.names))?;
                }
                Ok(())
            }
            Format::Parquet => unreachable!("parquet is not a text format"),
        }
    }
}

/// Runs `encoder` over `rows`, writing the chunks to `out` in order.
fn pump<E: ChunkEncoder<Chunk = Vec<u8>>>(
    pipeline: &Pipeline<'_>,
    encoder: &E,
    rows: Range<u64>,
    out: &mut Destination,
    progress: &Progress,
) -> Result<(), ExportError> {
    pipeline.run(encoder, rows, |chunk, rows| {
        out.write_bytes(chunk)?;
        progress.advance(rows.end - rows.start);
        Ok(())
    })
}

/// ndjson (`record\n`) or the inside of a json array (`\n` before row 0, `,\n` before
/// every other row).
struct JsonEncoder<'a, R> {
    rows: &'a Rows<'a, R>,
    array: bool,
}

impl<R: RowSource> ChunkEncoder for JsonEncoder<'_, R> {
    type Chunk = Vec<u8>;
    type Worker<'w>
        = JsonWriter
    where
        Self: 'w;

    fn worker(&self) -> JsonWriter {
        JsonWriter::new()
    }

    fn encode(
        &self,
        writer: &mut JsonWriter,
        rows: Range<u64>,
        chunk: &mut Vec<u8>,
    ) -> Result<(), ExportError> {
        // Write straight into the chunk's buffer.
        writer.write_into(chunk, |writer| {
            rows.into_iter().try_for_each(|row| {
                if self.array {
                    writer.buf.push_str(if row == 0 { "\n" } else { ",\n" });
                }
                self.rows.write(row, writer)?;
                if !self.array {
                    writer.buf.push('\n');
                }
                Ok(())
            })
        })
    }
}

/// How a flattened record becomes a line of csv or sql.
trait RecordFormat: Sync {
    type Cells: CellFormat;
    fn write(
        &self,
        row: u64,
        record: &FlatSink<'_, Self::Cells>,
        columns: usize,
        out: &mut Vec<u8>,
    );
}

struct CsvRecords;

impl RecordFormat for CsvRecords {
    type Cells = Csv;
    fn write(&self, _row: u64, record: &FlatSink<'_, Csv>, columns: usize, out: &mut Vec<u8>) {
        csv::write_record(record, columns, out);
    }
}

/// `INSERT ... VALUES` before every [`sql::BATCH_ROWS`]-th row, `;` after the last of
/// each batch and after the table's last row.
struct SqlRecords {
    insert: Vec<u8>,
    total: u64,
}

impl RecordFormat for SqlRecords {
    type Cells = Sql;
    fn write(&self, row: u64, record: &FlatSink<'_, Sql>, columns: usize, out: &mut Vec<u8>) {
        if row.is_multiple_of(sql::BATCH_ROWS) {
            out.extend_from_slice(&self.insert);
        } else {
            out.extend_from_slice(b",\n");
        }
        sql::write_record(record, columns, out);
        if (row + 1).is_multiple_of(sql::BATCH_ROWS) || row + 1 == self.total {
            out.extend_from_slice(b";\n");
        }
    }
}

struct FlatEncoder<'a, R, F> {
    rows: &'a Rows<'a, R>,
    layout: &'a FlatLayout,
    records: F,
}

impl<R: RowSource, F: RecordFormat> ChunkEncoder for FlatEncoder<'_, R, F> {
    type Chunk = Vec<u8>;
    type Worker<'w>
        = FlatSink<'w, F::Cells>
    where
        Self: 'w;

    fn worker(&self) -> FlatSink<'_, F::Cells> {
        FlatSink::new(self.layout)
    }

    fn encode<'w>(
        &'w self,
        record: &mut FlatSink<'w, F::Cells>,
        rows: Range<u64>,
        chunk: &mut Vec<u8>,
    ) -> Result<(), ExportError> {
        chunk.clear();
        let columns = self.layout.columns.len();
        for row in rows {
            record.start_record();
            self.rows.write(row, record)?;
            record
                .finish_record()
                .map_err(|(path, message)| ExportError::Shape {
                    table: self.rows.table().to_owned(),
                    row,
                    path,
                    message,
                })?;
            self.records.write(row, record, columns, chunk);
        }
        Ok(())
    }
}
