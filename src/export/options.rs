//! What the caller asks for: format, destination, shard, threads.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// One compact JSON record per line.
    Ndjson,
    /// One JSON array, one record per line.
    Json,
    /// RFC 4180 CSV with a header; nested objects flattened to dotted columns.
    Csv,
    /// `CREATE TABLE` plus multi-row `INSERT`s, for PostgreSQL and SQLite.
    Sql,
    /// Apache Parquet (needs the `parquet` cargo feature).
    Parquet,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Ndjson,
        Format::Json,
        Format::Csv,
        Format::Sql,
        Format::Parquet,
    ];

    /// The name on the command line, also the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Sql => "sql",
            Format::Parquet => "parquet",
        }
    }

    /// File extension of a table's output file.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// Text formats: shard files concatenated equal the unsharded output.
    pub fn is_text(self) -> bool {
        self != Format::Parquet
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `"csv".parse::<Format>()`: an unknown name lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}` (expected one of: ndjson, json, csv, sql, parquet)")]
pub struct FormatError(pub String);

impl FromStr for Format {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| FormatError(s.to_owned()))
    }
}

/// Shard `index` of `count` (1-based): a contiguous range of the rows, so that the
/// shards' files, concatenated in order, equal the unsharded output (text formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1 ..= count.
    pub index: u64,
    pub count: u64,
}

/// Why `--shard K/N` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("invalid shard `{0}`: expected K/N, such as 2/8 (shard 2 of 8)")]
    Syntax(String),
    #[error("invalid shard `{0}`: K and N must be whole numbers, such as 2/8")]
    Number(String),
    #[error("invalid shard `{text}`: the shard count N must be at least 1")]
    NoShards { text: String },
    #[error("invalid shard `{text}`: K must be between 1 and {count} (shards are numbered from 1)")]
    OutOfRange { text: String, count: u64 },
}

impl FromStr for Shard {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.to_owned();
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| ShardError::Syntax(text.clone()))?;
        let parse = |part: &str| {
            part.trim()
                .parse::<u64>()
                .map_err(|_| ShardError::Number(text.clone()))
        };
        let (index, count) = (parse(k)?, parse(n)?);
        if count == 0 {
            return Err(ShardError::NoShards { text });
        }
        if index == 0 || index > count {
            return Err(ShardError::OutOfRange { text, count });
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    pub fn is_first(&self) -> bool {
        self.index == 1
    }

    pub fn is_last(&self) -> bool {
        self.index == self.count
    }

    /// The rows of this shard out of `total`: shard `k` starts at `total·(k-1)/N`,
    /// rounded down to a multiple of `align` (SQL aligns shards to its INSERT batches
    /// so that every shard file is whole statements; other formats use 1).
    pub fn rows(&self, total: u64, align: u64) -> Range<u64> {
        let boundary = |k: u64| -> u64 {
            if k >= self.count {
                return total;
            }
            let exact = (u128::from(total) * u128::from(k) / u128::from(self.count)) as u64;
            exact - exact % align.max(1)
        };
        boundary(self.index - 1)..boundary(self.index)
    }
}

/// Where the output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// `-`: standard output.
    Stdout,
    /// A file, or a directory for one file per table (see [`crate::export`]).
    Path(PathBuf),
}

impl FromStr for Output {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s == "-" {
            Output::Stdout
        } else {
            Output::Path(PathBuf::from(s))
        })
    }
}

/// Everything `synthtune export` can be asked.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Rows per table; `None`: the table's `x-synth.rows`, else 1000.
    pub rows: Option<u64>,
    pub format: Format,
    pub output: Output,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    pub shard: Option<Shard>,
    /// Validate every record against its schema (formats asserted) while exporting.
    pub validate: bool,
    /// No progress bar, no summary line.
    pub quiet: bool,
    /// Replace existing output files.
    pub force: bool,
    pub seed: u64,
    /// Set it (from a Ctrl-C handler, say) to stop the export: it then fails with
    /// [`super::ExportError::Cancelled`] and leaves no file behind.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Advanced by the rows written, as they are written (for a caller's own progress
    /// display, such as the tuner's export dialog).
    pub rows_done: Option<Arc<AtomicU64>>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            rows: None,
            format: Format::Ndjson,
            output: Output::Stdout,
            threads: 0,
            shard: None,
            validate: false,
            quiet: false,
            force: false,
            seed: crate::DEFAULT_SEED,
            cancel: None,
            rows_done: None,
        }
    }
}

/// Rows when neither `-n` nor the schema's `x-synth.rows` says.
pub const DEFAULT_ROWS: u64 = 1000;

impl ExportOptions {
    /// The worker count: `threads`, or one per core when 0.
    pub fn worker_threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_and_refuses_clearly() {
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { index: 2, count: 8 }));
        assert!(matches!("2-8".parse::<Shard>(), Err(ShardError::Syntax(_))));
        assert!(matches!("a/8".parse::<Shard>(), Err(ShardError::Number(_))));
        assert!(matches!(
            "-1/8".parse::<Shard>(),
            Err(ShardError::Number(_))
        ));
        assert!(matches!(
            "0/8".parse::<Shard>(),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            "9/8".parse::<Shard>(),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            "1/0".parse::<Shard>(),
            Err(ShardError::NoShards { .. })
        ));
        let message = "9/8".parse::<Shard>().unwrap_err().to_string();
        assert!(message.contains("between 1 and 8"), "{message}");
    }

    #[test]
    fn shards_tile_the_rows() {
        for total in [0u64, 1, 7, 1000, 1001, 123_457] {
            for count in 1..=9 {
                for align in [1, 500] {
                    let mut next = 0;
                    for index in 1..=count {
                        let rows = Shard { index, count }.rows(total, align);
                        assert_eq!(rows.start, next, "{total} {index}/{count} align {align}");
                        assert!(rows.start <= rows.end);
                        assert!(rows.start.is_multiple_of(align) || rows.start == total);
                        next = rows.end;
                    }
                    assert_eq!(next, total);
                }
            }
        }
        assert_eq!(Shard { index: 2, count: 4 }.rows(10, 1), 2..5);
        assert_eq!(Shard { index: 2, count: 2 }.rows(u64::MAX, 1).end, u64::MAX);
    }

    #[test]
    fn formats_parse_by_name() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
        }
        assert!(
            "xml"
                .parse::<Format>()
                .unwrap_err()
                .to_string()
                .contains("ndjson")
        );
    }
}
