//! Export at scale: every row of one or more tables, in parallel, to ndjson, json, csv,
//! sql or parquet, written in order, deterministically, safely.
//!
//! - **Parallel, ordered, flat memory.** Rows are encoded in chunks on `threads` cores
//!   and written in row order ([`engine`]); a fixed pool of chunk buffers bounds memory.
//!   Row `i` is a pure function of `(seed, table, i)`, so the bytes are the same for
//!   any thread count.
//! - **Shards.** `--shard K/N` writes rows `[total·(K-1)/N, total·K/N)` only. For text
//!   formats the shard files, concatenated in order, equal the unsharded output byte
//!   for byte: only shard 1 writes the csv header, the json `[` and the sql
//!   `CREATE TABLE`; only shard N writes the json `]`. SQL shard boundaries are rounded
//!   down to a multiple of the 500-row `INSERT` batch, so every sql shard is whole
//!   statements (load shard 1 first: it creates the table). Each parquet shard is a
//!   complete parquet file of its rows (concatenating parquet files means nothing).
//! - **Several tables.** With `-o DIR` (an existing directory, a path ending in `/`, or
//!   any path when several non-sql tables are exported) each table goes to
//!   `DIR/<Table>.<ext>` (`DIR/<Table>.<K>-of-<N>.<ext>` for a shard). sql to a file or
//!   to stdout puts every table in one script, in the order given (the command line
//!   gives parents first: `crate::dataset::Dataset::load_order`). Other formats refuse
//!   several tables on stdout or in one file.
//! - **Fitting the reader.** The command line takes the format from `-o`'s extension
//!   ([`Format::for_output`]); sql and parquet type columns from the compiled plan
//!   ([`shape`]); csv and sql name columns by dotted path or in snake_case ([`names`]).
//! - **Safe output.** Files are written under a temporary name and renamed when
//!   complete ([`output`]); an existing file is refused without `force`.

mod csv;
mod detour;
mod engine;
mod error;
mod flat;
mod names;
mod options;
mod output;
#[cfg(feature = "parquet")]
mod parquet;
mod progress;
#[cfg(feature = "parquet")]
mod rfc3339;
mod shape;
mod source;
mod sql;
mod text;

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

pub use error::ExportError;
pub use options::{
    ColumnNames, DEFAULT_ROWS, ExportOptions, Format, FormatChoiceError, FormatError,
    JOB_COMPLETION_INDEX, Output, Shard, ShardError, ShardSpec,
};
pub use progress::{ExportSummary, TableSummary};
pub use source::{RowError, RowSource, TableRows};

use engine::Pipeline;
use output::Destination;
use progress::Progress;
use source::Rows;
use text::TextJob;

/// Exports `tables` as `opts` says; prints a progress bar and a summary line on stderr
/// unless `opts.quiet` (the bar only when stderr is a terminal).
pub fn export(tables: &[crate::Table], opts: &ExportOptions) -> Result<ExportSummary, ExportError> {
    let sources: Vec<TableRows<'_>> = tables
        .iter()
        .map(|table| TableRows {
            table,
            seed: opts.seed,
        })
        .collect();
    export_sources(&sources, opts)
}

/// [`export`] for any [`RowSource`]s (`opts.seed` is not used: the sources own theirs).
pub fn export_sources<R: RowSource>(
    sources: &[R],
    opts: &ExportOptions,
) -> Result<ExportSummary, ExportError> {
    let started = Instant::now();
    check_available(opts.format)?;
    let names: Vec<&str> = sources.iter().map(|s| s.name()).collect();
    let targets = plan_targets(&names, opts)?;
    check_column_names(sources, opts)?;
    // Build every validator before writing anything: a bad schema fails fast.
    let rows = sources
        .iter()
        .map(|source| Rows::new(source, opts.validate))
        .collect::<Result<Vec<_>, _>>()?;

    let constraints = sql::constraints(&sources.iter().map(|s| s.table()).collect::<Vec<_>>());
    let mut tables = Vec::new();
    for target in &targets {
        let mut out = match &target.path {
            Some(path) => Destination::file(path)?,
            None => Destination::stdout(),
        };
        for &index in &target.tables {
            let before = out.bytes;
            let written = export_table(&rows[index], &constraints[index], opts, &mut out)?;
            tables.push(TableSummary {
                table: names[index].to_owned(),
                rows: written,
                bytes: out.bytes - before,
                path: target.path.clone(),
            });
        }
        out.commit()?;
    }
    let summary = ExportSummary {
        tables,
        elapsed: started.elapsed(),
    };
    if !opts.quiet {
        eprintln!("{summary}");
    }
    Ok(summary)
}

/// Exports one table (the shard `opts` names) into `out`, for library callers and
/// benchmarks: `opts.output` and `opts.force` are not used, and no summary is printed.
pub fn export_to_writer<R: RowSource>(
    source: &R,
    opts: &ExportOptions,
    out: &mut (dyn Write + Send),
) -> Result<TableSummary, ExportError> {
    check_available(opts.format)?;
    check_column_names(std::slice::from_ref(source), opts)?;
    let rows = Rows::new(source, opts.validate)?;
    let mut out = Destination::writer(out);
    let constraints = sql::constraints(&[source.table()]);
    let written = export_table(&rows, &constraints[0], opts, &mut out)?;
    let bytes = out.bytes;
    out.commit()?;
    Ok(TableSummary {
        table: source.name().to_owned(),
        rows: written,
        bytes,
        path: None,
    })
}

/// Writes one table (this shard of it) to `out`; returns the rows written.
fn export_table<R: RowSource>(
    rows: &Rows<'_, R>,
    constraints: &sql::Constraints,
    opts: &ExportOptions,
    out: &mut Destination,
) -> Result<u64, ExportError> {
    let total = opts
        .rows
        .or_else(|| rows.source.default_rows())
        .unwrap_or(DEFAULT_ROWS);
    let align = if opts.format == Format::Sql {
        sql::BATCH_ROWS
    } else {
        1
    };
    let whole = Shard { index: 1, count: 1 };
    let shard = opts.shard.unwrap_or(whole);
    let range = shard.rows(total, align);
    let written = range.end - range.start;
    let progress = Progress::new(rows.table(), written, opts.quiet, opts.rows_done.clone());
    let pipeline = Pipeline {
        chunk_rows: chunk_rows(opts.format),
        threads: opts.worker_threads(),
        cancel: opts.cancel.as_deref(),
    };
    match opts.format {
        #[cfg(feature = "parquet")]
        Format::Parquet => parquet::write(rows, range, &pipeline, out, &progress)?,
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => return Err(ExportError::ParquetUnavailable),
        format => {
            let job = TextJob {
                rows,
                format,
                total,
                range,
                first: shard.is_first(),
                last: shard.is_last(),
                constraints,
                names: opts.column_names,
            };
            job.write(&pipeline, out, &progress)?;
        }
    }
    Ok(written)
}

/// Refuses parquet, before any file is touched, in a build without it.
fn check_available(format: Format) -> Result<(), ExportError> {
    if format == Format::Parquet && !cfg!(feature = "parquet") {
        return Err(ExportError::ParquetUnavailable);
    }
    Ok(())
}

/// Refuses, before any file is touched, snake_case names that two columns of a table
/// (or, in one sql script, two tables) would share.
fn check_column_names<R: RowSource>(
    sources: &[R],
    opts: &ExportOptions,
) -> Result<(), ExportError> {
    if opts.column_names == ColumnNames::Dotted || !matches!(opts.format, Format::Csv | Format::Sql)
    {
        return Ok(());
    }
    let mut tables = std::collections::HashMap::new();
    for source in sources {
        let layout = flat::FlatLayout::new(&shape::derive(source.table()));
        opts.column_names.check(source.name(), &layout)?;
        let name = opts.column_names.name(source.name()).into_owned();
        if opts.format == Format::Sql
            && let Some(first) = tables.insert(name.clone(), source.name())
        {
            return Err(ExportError::TableNameClash {
                name,
                first: first.to_owned(),
                second: source.name().to_owned(),
            });
        }
    }
    Ok(())
}

/// Rows per chunk of work: a parquet row group, or a run of text lines.
fn chunk_rows(format: Format) -> u64 {
    #[cfg(feature = "parquet")]
    if format == Format::Parquet {
        return parquet::ROW_GROUP_ROWS;
    }
    let _ = format;
    text::CHUNK_ROWS
}

/// One output: a file (or stdout) and the tables written into it, in order.
#[derive(Debug, PartialEq)]
struct Target {
    /// `None`: standard output.
    path: Option<PathBuf>,
    tables: Vec<usize>,
}

/// Decides the files to write (see the module docs), and refuses up front what would
/// fail: several tables in one non-sql stream, duplicate names, existing files.
fn plan_targets(names: &[&str], opts: &ExportOptions) -> Result<Vec<Target>, ExportError> {
    let mut seen = HashSet::new();
    if let Some(name) = names.iter().find(|n| !seen.insert(**n)) {
        return Err(ExportError::DuplicateTable {
            name: (*name).to_owned(),
        });
    }
    let several = names.len() > 1;
    let all_tables = (0..names.len()).collect::<Vec<_>>();
    let shares_a_file = opts.format == Format::Sql || !several;
    let targets = match &opts.output {
        Output::Stdout if shares_a_file => vec![Target {
            path: None,
            tables: all_tables,
        }],
        Output::Stdout => {
            return Err(ExportError::NeedsDirectory {
                tables: names.len(),
                format: opts.format,
            });
        }
        Output::Path(path) if options::names_a_directory(path) || !shares_a_file => {
            std::fs::create_dir_all(path).map_err(|source| ExportError::Create {
                path: path.clone(),
                source,
            })?;
            names
                .iter()
                .enumerate()
                .map(|(index, name)| Target {
                    path: Some(path.join(file_name(name, opts))),
                    tables: vec![index],
                })
                .collect()
        }
        Output::Path(path) => vec![Target {
            path: Some(path.clone()),
            tables: all_tables,
        }],
    };
    for path in targets.iter().filter_map(|t| t.path.as_deref()) {
        output::check_target(path, opts.force)?;
    }
    Ok(targets)
}

/// `<Table>.<ext>`, or `<Table>.<K>-of-<N>.<ext>` for a shard (K zero-padded so that
/// the files sort in order); characters a file name cannot hold become `_`.
fn file_name(table: &str, opts: &ExportOptions) -> String {
    let mut name: String = table
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, '_');
    }
    if let Some(shard) = opts.shard {
        let width = shard.count.to_string().len();
        name.push_str(&format!(".{:0width$}-of-{}", shard.index, shard.count));
    }
    format!("{name}.{}", opts.format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(format: Format, output: Output) -> ExportOptions {
        ExportOptions {
            format,
            output,
            ..ExportOptions::default()
        }
    }

    #[test]
    fn targets_follow_the_documented_rules() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_owned();
        let plan = |names: &[&str], format, output| plan_targets(names, &opts(format, output));

        assert_eq!(
            plan(&["A"], Format::Csv, Output::Stdout).unwrap(),
            [Target {
                path: None,
                tables: vec![0]
            }]
        );
        assert!(matches!(
            plan(&["A", "B"], Format::Csv, Output::Stdout),
            Err(ExportError::NeedsDirectory { tables: 2, .. })
        ));
        assert_eq!(
            plan(&["A", "B"], Format::Sql, Output::Stdout).unwrap()[0].tables,
            [0, 1]
        );
        let file = d.join("all.sql");
        assert_eq!(
            plan(&["A", "B"], Format::Sql, Output::Path(file.clone())).unwrap(),
            [Target {
                path: Some(file),
                tables: vec![0, 1]
            }]
        );
        // An existing directory, or several non-sql tables: one file per table.
        let per_table = plan(&["A", "B"], Format::Sql, Output::Path(d.clone())).unwrap();
        assert_eq!(per_table[1].path, Some(d.join("B.sql")));
        let made = d.join("made");
        let per_table = plan(&["A", "B"], Format::Ndjson, Output::Path(made.clone())).unwrap();
        assert_eq!(per_table[0].path, Some(made.join("A.ndjson")));
        assert!(made.is_dir());
        assert!(matches!(
            plan(&["A", "A"], Format::Csv, Output::Path(d.clone())),
            Err(ExportError::DuplicateTable { .. })
        ));
        std::fs::write(d.join("A.csv"), "x").unwrap();
        let refused = plan(&["A"], Format::Csv, Output::Path(d.clone())).unwrap_err();
        assert!(refused.to_string().contains("use --force"), "{refused}");
    }

    #[test]
    fn shard_file_names_sort_in_order() {
        let mut o = opts(Format::Parquet, Output::Stdout);
        o.shard = Some(Shard {
            index: 3,
            count: 16,
        });
        assert_eq!(file_name("Order", &o), "Order.03-of-16.parquet");
        assert_eq!(
            file_name("a/b", &opts(Format::Csv, Output::Stdout)),
            "a_b.csv"
        );
        assert_eq!(
            file_name(".x", &opts(Format::Csv, Output::Stdout)),
            "_.x.csv"
        );
    }
}
