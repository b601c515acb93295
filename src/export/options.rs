//! What the caller asks for: format, destination, shard, threads.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

pub use super::names::ColumnNames;

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

    /// The format a file extension names (`parquet`, `csv`, `sql`, `json`, `ndjson`,
    /// `jsonl`; any case), if any.
    pub fn from_extension(extension: &str) -> Option<Format> {
        if extension.eq_ignore_ascii_case("jsonl") {
            return Some(Format::Ndjson);
        }
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(extension))
    }

    /// The format of an export: `explicit` (`--format`), else the one `output`'s file
    /// extension names, else ndjson (standard output, a directory, a name without an
    /// extension such as `/dev/null`). Refused: an extension that contradicts
    /// `explicit` (`--format csv -o x.parquet`), and without `explicit` an extension
    /// that names no format (`x.txt`, `x.csv.gz`: synthtune writes neither).
    pub fn for_output(
        explicit: Option<Format>,
        output: &Output,
    ) -> Result<Format, FormatChoiceError> {
        let file = match output {
            Output::Path(path) if !names_a_directory(path) => path,
            _ => return Ok(explicit.unwrap_or(Format::Ndjson)),
        };
        let Some(extension) = file.extension() else {
            return Ok(explicit.unwrap_or(Format::Ndjson));
        };
        let extension = extension.to_string_lossy().into_owned();
        let path = file.clone();
        match (explicit, Format::from_extension(&extension)) {
            (Some(asked), Some(named)) if asked != named => {
                Err(FormatChoiceError::Conflict { asked, named, path })
            }
            (Some(asked), _) => Ok(asked),
            (None, Some(named)) => Ok(named),
            (None, None) => Err(FormatChoiceError::UnknownExtension { extension, path }),
        }
    }
}

/// An existing directory, or a path spelled as one (`out/`): it holds one file per
/// table, so its own extension names no format.
pub(crate) fn names_a_directory(path: &Path) -> bool {
    path.is_dir()
        || path
            .to_string_lossy()
            .ends_with(['/', std::path::MAIN_SEPARATOR])
}

/// Why the format of an export could not be decided from `--format` and `-o`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatChoiceError {
    #[error(
        "--format {asked} conflicts with -o {}, whose extension means {named}: drop --format, or name the file with .{}",
        path.display(),
        asked.extension()
    )]
    Conflict {
        asked: Format,
        named: Format,
        path: PathBuf,
    },
    #[error(
        "-o {}: the extension .{extension} names no format synthtune writes (it writes .ndjson, .jsonl, .json, .csv, .sql and .parquet, uncompressed); name the file with one of those, or say --format",
        path.display()
    )]
    UnknownExtension { extension: String, path: PathBuf },
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
    #[error(
        "--shard auto/{count} takes K from JOB_COMPLETION_INDEX (set in each pod of a Kubernetes Indexed Job), which is not set: run it in such a Job, or give K (--shard 1/{count})"
    )]
    NoJobIndex { count: u64 },
    #[error(
        "--shard auto/{count}: JOB_COMPLETION_INDEX is {value:?}, not a whole number from 0 to {}: N must equal the Job's completions",
        count - 1
    )]
    BadJobIndex { value: String, count: u64 },
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

/// What `--shard` says: `K/N`, or `auto/N`, whose K comes from a Kubernetes Indexed
/// Job's `JOB_COMPLETION_INDEX` (0-based: K = index + 1), read when the export starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    Fixed(Shard),
    Auto { count: u64 },
}

/// The environment variable `--shard auto/N` reads.
pub const JOB_COMPLETION_INDEX: &str = "JOB_COMPLETION_INDEX";

impl FromStr for ShardSpec {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('/') {
            Some((k, n)) if k.trim().eq_ignore_ascii_case("auto") => {
                let count = n
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| ShardError::Number(s.to_owned()))?;
                if count == 0 {
                    return Err(ShardError::NoShards { text: s.to_owned() });
                }
                Ok(ShardSpec::Auto { count })
            }
            _ => s.parse().map(ShardSpec::Fixed),
        }
    }
}

impl ShardSpec {
    /// The shard to write; `index` is the value of [`JOB_COMPLETION_INDEX`] (`None`:
    /// unset), used by `auto/N` only.
    pub fn resolve(self, index: Option<&str>) -> Result<Shard, ShardError> {
        let count = match self {
            ShardSpec::Fixed(shard) => return Ok(shard),
            ShardSpec::Auto { count } => count,
        };
        let text = index.ok_or(ShardError::NoJobIndex { count })?;
        let index = text
            .trim()
            .parse::<u64>()
            .map_err(|_| ShardError::BadJobIndex {
                value: text.to_owned(),
                count,
            })?;
        if index >= count {
            return Err(ShardError::BadJobIndex {
                value: text.to_owned(),
                count,
            });
        }
        Ok(Shard {
            index: index + 1,
            count,
        })
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
    /// How csv headers and sql name columns and tables: dotted paths, or snake_case.
    pub column_names: ColumnNames,
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
            column_names: ColumnNames::Dotted,
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
    fn auto_shards_count_the_job_index_from_zero() {
        let auto: ShardSpec = "auto/16".parse().unwrap();
        assert_eq!(auto, ShardSpec::Auto { count: 16 });
        assert_eq!(
            auto.resolve(Some("0")),
            Ok(Shard {
                index: 1,
                count: 16
            })
        );
        assert_eq!(auto.resolve(Some("15")).unwrap().index, 16);
        assert_eq!(
            auto.resolve(None),
            Err(ShardError::NoJobIndex { count: 16 })
        );
        for bad in ["16", "-1", "x", ""] {
            let refused = auto.resolve(Some(bad)).unwrap_err();
            assert!(
                matches!(refused, ShardError::BadJobIndex { .. }),
                "{bad:?}: {refused}"
            );
            assert!(refused.to_string().contains("from 0 to 15"), "{refused}");
        }
        assert!(matches!(
            "auto/0".parse::<ShardSpec>(),
            Err(ShardError::NoShards { .. })
        ));
        assert!(matches!(
            "auto/x".parse::<ShardSpec>(),
            Err(ShardError::Number(_))
        ));
        // K/N is taken as it is, whatever the environment says.
        let fixed: ShardSpec = "2/8".parse().unwrap();
        assert_eq!(fixed.resolve(Some("5")), Ok(Shard { index: 2, count: 8 }));
        assert!(
            ShardSpec::Auto { count: 4 }
                .resolve(None)
                .unwrap_err()
                .to_string()
                .contains("JOB_COMPLETION_INDEX")
        );
    }

    #[test]
    fn the_file_extension_names_the_format() {
        let file = |name: &str| Output::Path(PathBuf::from(name));
        for (name, format) in [
            ("x.parquet", Format::Parquet),
            ("x.csv", Format::Csv),
            ("dir/x.SQL", Format::Sql),
            ("x.json", Format::Json),
            ("x.ndjson", Format::Ndjson),
            ("x.jsonl", Format::Ndjson),
        ] {
            assert_eq!(Format::for_output(None, &file(name)), Ok(format), "{name}");
            assert_eq!(
                Format::for_output(Some(format), &file(name)),
                Ok(format),
                "{name}"
            );
        }
        // No extension, a directory, standard output: --format, else ndjson.
        for output in [file("/dev/null"), file("out/"), Output::Stdout] {
            assert_eq!(Format::for_output(None, &output), Ok(Format::Ndjson));
            assert_eq!(
                Format::for_output(Some(Format::Csv), &output),
                Ok(Format::Csv)
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("tables.csv");
        std::fs::create_dir(&existing).unwrap();
        assert_eq!(
            Format::for_output(Some(Format::Sql), &Output::Path(existing)),
            Ok(Format::Sql),
            "an existing directory's name is not a file name"
        );
        let conflict = Format::for_output(Some(Format::Csv), &file("x.parquet")).unwrap_err();
        assert_eq!(
            conflict.to_string(),
            "--format csv conflicts with -o x.parquet, whose extension means parquet: drop --format, or name the file with .csv"
        );
        assert!(matches!(
            Format::for_output(Some(Format::Ndjson), &file("x.json")),
            Err(FormatChoiceError::Conflict { .. })
        ));
        let unknown = Format::for_output(None, &file("x.csv.gz")).unwrap_err();
        assert!(
            matches!(&unknown, FormatChoiceError::UnknownExtension { extension, .. } if extension == "gz"),
            "{unknown}"
        );
        assert!(unknown.to_string().contains("--format"), "{unknown}");
        assert_eq!(
            Format::for_output(Some(Format::Ndjson), &file("x.txt")),
            Ok(Format::Ndjson),
            "--format says what an unknown extension does not"
        );
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
