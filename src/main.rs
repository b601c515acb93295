//! The `synthtune` command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use clap::{Args, Parser, Subcommand};
use synthtune::export;
use synthtune::generate::domain::{Domain, Locale};
use synthtune::generate::samples;
use synthtune::stats;
use synthtune::tui::export::LibraryExporter;
use synthtune::tui::{self, TunerOptions};
use synthtune::{Dataset, Options, RateDefaults, RowCounts, Severity, Table};

/// Realistic synthetic data from JSON Schema, tuned live in the terminal.
#[derive(Parser)]
#[command(
    name = "synthtune",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Schema files to watch in the live tuner.
    schemas: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// Colour theme of the tuner (a name from themes/).
    #[arg(long)]
    theme: Option<String>,
}

#[derive(Args, Clone)]
struct Common {
    /// Seed for generation: the same seed gives the same data.
    #[arg(long, global = true, default_value_t = synthtune::DEFAULT_SEED, allow_hyphen_values = true, value_parser = seed)]
    seed: u64,
    /// Share of nulls for nullable fields that set no null_rate.
    #[arg(long, global = true, value_parser = probability)]
    null_rate: Option<f64>,
    /// Share of records leaving out optional fields that set no absent_rate.
    #[arg(long, global = true, value_parser = probability)]
    absent_rate: Option<f64>,
    /// Share of deliberately invalid values in every scalar field (off by default).
    #[arg(long, global = true, value_parser = probability)]
    noise: Option<f64>,
    /// Guess nothing from field names: untuned fields keep their constraints' values.
    #[arg(long, global = true)]
    no_infer: bool,
}

/// `-n`: a negative count is read as a value (not a flag) and refused as one.
fn row_count(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("{s} is not a row count: give a whole number, 0 or more (-n 1000)"))
}

/// `--seed`: a negative seed is read as a value (not a flag) and refused as one.
fn seed(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!("{s} is not a seed: give a whole number from 0 to 2^64 - 1 (--seed 42)")
    })
}

fn table_rows(s: &str) -> Result<(String, u64), String> {
    let (name, count) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not TABLE=N: write --rows Customer=1000"))?;
    let count = count.trim().parse::<u64>().map_err(|_| {
        format!("{count:?} is not a whole number of rows: write --rows {name}=1000")
    })?;
    Ok((name.trim().to_owned(), count))
}

fn probability(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "{s} is not a probability: use a number from 0 to 1"
        )),
    }
}

impl Common {
    fn options(&self) -> Options {
        let defaults = RateDefaults::default();
        Options {
            rates: RateDefaults {
                null_rate: self.null_rate.unwrap_or(defaults.null_rate),
                absent_rate: self.absent_rate.unwrap_or(defaults.absent_rate),
                noise: self.noise.unwrap_or(defaults.noise),
            },
            no_infer: self.no_infer,
            ..Options::default()
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print records as pretty JSON (each table's in turn, for several schemas).
    Sample {
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
        /// How many records.
        #[arg(short = 'n', long = "count", default_value_t = 5, allow_hyphen_values = true, value_parser = row_count)]
        count: u64,
    },
    /// Write a dataset: streaming, on all cores, the same bytes for any thread count.
    Export(ExportArgs),
    /// The tuner's per-field statistics, headless: a table, or JSON with --json.
    Stats {
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
        /// Sample size.
        #[arg(short = 'n', long = "count", default_value_t = stats::DEFAULT_SAMPLE_ROWS, allow_hyphen_values = true, value_parser = row_count)]
        count: u64,
        /// One JSON document per table, in an array (field names: docs/stats-json.md).
        #[arg(long)]
        json: bool,
    },
    /// Report what is supported, ignored or unsatisfiable in each schema.
    Check {
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
    },
    /// Every x-synth.domain and x-synth.locale, with three sample values each.
    Domains {
        /// Show the domains' values in this locale (default: en).
        #[arg(long, value_name = "LOCALE")]
        locale: Option<String>,
        /// Show this domain in every locale.
        #[arg(long, value_name = "DOMAIN", conflicts_with = "locale")]
        domain: Option<String>,
    },
}

/// The flags of `synthtune export`.
#[derive(Args)]
struct ExportArgs {
    #[arg(required = true)]
    schemas: Vec<PathBuf>,
    /// How many rows per table (default: the schema's x-synth.rows, else 1000).
    #[arg(short = 'n', long = "count", allow_hyphen_values = true, value_parser = row_count)]
    count: Option<u64>,
    /// Rows of one table, by its name (the schema's title): --rows Customer=1000.
    /// Repeat for several tables; wins over -n.
    #[arg(long = "rows", value_name = "TABLE=N", value_parser = table_rows)]
    rows: Vec<(String, u64)>,
    /// Write only this table (repeat for several); the other schemas given are read for
    /// the keys their rows hold, which this table's foreign keys reference.
    #[arg(long = "only", value_name = "TABLE")]
    only: Vec<String>,
    /// ndjson, json, csv, sql or parquet (default: the one -o's extension names, else
    /// ndjson).
    #[arg(long)]
    format: Option<export::Format>,
    /// Output file (or directory, for several tables), or - for standard output; a file's
    /// extension (.parquet, .csv, .sql, .json, .ndjson, .jsonl) picks the format.
    #[arg(short = 'o', long = "output", default_value = "-")]
    output: export::Output,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Write only shard K of N (e.g. 2/8): the N shard files concatenated equal the whole.
    /// auto/N takes K from JOB_COMPLETION_INDEX + 1 (a Kubernetes Indexed Job).
    #[arg(long, value_name = "K/N")]
    shard: Option<export::ShardSpec>,
    /// Column names of csv headers and sql, and sql's table names: dotted paths
    /// ("address.city", quoted in sql), or snake_case (address_city) for queries
    /// without quotes.
    #[arg(
        long,
        visible_alias = "sql-names",
        value_name = "STYLE",
        default_value = "dotted"
    )]
    column_names: export::ColumnNames,
    /// Validate every record while exporting; stop at the first invalid one.
    #[arg(long)]
    validate: bool,
    /// No progress bar and no summary line.
    #[arg(long)]
    quiet: bool,
    /// Overwrite an existing output file.
    #[arg(long)]
    force: bool,
}

impl ExportArgs {
    /// The schema paths, the row counts, and the library's export options for these
    /// flags (whose `rows` the dataset decides); refuses a format that contradicts the
    /// output's extension, and `--shard auto/N` outside an Indexed Job.
    fn options(self, seed: u64) -> Result<ExportPlan, Failure> {
        let usage = |e: &dyn std::fmt::Display| Failure::Usage(e.to_string());
        let format =
            export::Format::for_output(self.format, &self.output).map_err(|e| usage(&e))?;
        let index = std::env::var(export::JOB_COMPLETION_INDEX).ok();
        let shard = self
            .shard
            .map(|spec| spec.resolve(index.as_deref()))
            .transpose()
            .map_err(|e| usage(&e))?;
        let counts = RowCounts {
            all: self.count,
            by_table: self.rows,
        };
        let only = self.only;
        let options = export::ExportOptions {
            rows: None,
            format,
            output: self.output,
            threads: self.threads,
            shard,
            column_names: self.column_names,
            validate: self.validate,
            quiet: self.quiet,
            force: self.force,
            seed,
            cancel: None,
            rows_done: None,
        };
        Ok((self.schemas, counts, only, options))
    }
}

/// The schema paths, row counts, `--only` tables and export options of an export.
type ExportPlan = (Vec<PathBuf>, RowCounts, Vec<String>, export::ExportOptions);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let seed = cli.common.seed;
    let options = cli.common.options();
    let result = match cli.command {
        Some(Command::Sample { schemas, count }) => sample(&schemas, count, seed, &options),
        Some(Command::Export(args)) => {
            args.options(seed)
                .and_then(|(schemas, counts, only, export_options)| {
                    run_export(&schemas, &counts, &only, export_options, &options)
                })
        }
        Some(Command::Check { schemas }) => check(&schemas, &options),
        Some(Command::Domains { locale, domain }) => domains(locale, domain, seed),
        Some(Command::Stats {
            schemas,
            count,
            json,
        }) => print_stats(&schemas, count, json, seed, &options),
        None if cli.schemas.is_empty() => Err(Failure::Usage(
            "give a schema to tune (synthtune SCHEMA), or a command: see synthtune --help".into(),
        )),
        None => tui::run_with(TunerOptions {
            schemas: cli.schemas,
            seed,
            sample_rows: stats::DEFAULT_SAMPLE_ROWS as usize,
            theme: cli.theme,
            exporter: Arc::new(LibraryExporter {
                load: options.clone(),
            }),
            load: options,
        })
        .map_err(|e| Failure::Usage(format!("{e:#}"))),
    };
    match result {
        Ok(()) | Err(Failure::Quiet) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            if !msg.is_empty() {
                eprintln!("synthtune: {msg}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Run(msg)) => {
            eprintln!("synthtune: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Signal(signal)) => {
            let name = match signal {
                signal_hook::consts::SIGINT => "SIGINT",
                signal_hook::consts::SIGTERM => "SIGTERM",
                signal_hook::consts::SIGHUP => "SIGHUP",
                _ => "a signal",
            };
            eprintln!(
                "synthtune: export stopped by {name}: nothing was written under the final name"
            );
            ExitCode::from(u8::try_from(128 + signal).unwrap_or(1))
        }
    }
}

/// A closed pipe (`synthtune sample ... | head`) is the reader being done, not a failure.
fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::Quiet
    } else {
        Failure::Run(format!("cannot write the output: {e}"))
    }
}

/// The signals that cancel an export; the exit status is 128 + the signal's number.
const STOP_SIGNALS: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

/// Why a command failed: bad usage or schema (exit 2), while running (exit 1), or
/// stopped by a signal (128 + its number, as shells report it).
enum Failure {
    Usage(String),
    Run(String),
    Signal(i32),
    /// Stop without a message, successfully.
    Quiet,
}

fn load(path: &Path, options: &Options) -> Result<Table, Failure> {
    Table::load_with(path, options).map_err(|e| Failure::Usage(e.to_string()))
}

/// Every schema's table, its foreign keys linked, or the first failure.
fn load_dataset(
    schemas: &[PathBuf],
    options: &Options,
    counts: &RowCounts,
) -> Result<Dataset, Failure> {
    let tables = schemas
        .iter()
        .map(|p| load(p, options))
        .collect::<Result<Vec<_>, _>>()?;
    Dataset::new(tables, counts).map_err(|e| Failure::Usage(e.to_string()))
}

/// Refuses row counts that unique fields cannot serve, before any output.
fn check_capacity(table: &Table, rows: u64) -> Result<(), Failure> {
    table
        .check_row_count(rows)
        .map_err(|e| Failure::Usage(e.to_string()))
}

fn sample(schemas: &[PathBuf], count: u64, seed: u64, options: &Options) -> Result<(), Failure> {
    let dataset = load_dataset(schemas, options, &RowCounts::default())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let several = dataset.tables.len() > 1;
    for table in &dataset.tables {
        check_capacity(table, count)?;
        if several {
            writeln!(out, "// {}", table.name).map_err(write_failure)?;
        }
        for row in 0..count {
            let value = table
                .try_row_value(seed, row)
                .map_err(|e| Failure::Run(e.to_string()))?;
            let text =
                serde_json::to_string_pretty(&value).map_err(|e| Failure::Run(e.to_string()))?;
            writeln!(out, "{text}").map_err(write_failure)?;
        }
    }
    Ok(())
}

fn run_export(
    schemas: &[PathBuf],
    counts: &RowCounts,
    only: &[String],
    mut export_options: export::ExportOptions,
    options: &Options,
) -> Result<(), Failure> {
    let dataset = load_dataset(schemas, options, counts)?;
    if let Some(name) = only
        .iter()
        .find(|n| !dataset.tables.iter().any(|t| t.name == **n))
    {
        let known: Vec<&str> = dataset.tables.iter().map(|t| t.name.as_str()).collect();
        return Err(Failure::Usage(format!(
            "--only {name}: no table is called that (tables: {}); a table is named by its schema's title",
            known.join(", ")
        )));
    }
    for (table, &rows) in dataset.tables.iter().zip(&dataset.rows) {
        check_capacity(table, rows)?;
    }
    // Parents first, so that every file (and a shared sql script) loads in order.
    let mut tables = dataset.into_tables_in_load_order();
    if !only.is_empty() {
        tables.retain(|t| only.contains(&t.name));
    }
    // SIGINT (Ctrl-C), SIGTERM (kill, timeout, systemd, an eviction) and SIGHUP (a closed
    // terminal) stop the export cleanly: the workers stop, the temporary file is removed,
    // nothing is left under the final name. A second signal while it winds down ends
    // the process at once (exit 1).
    let cancel = Arc::new(AtomicBool::new(false));
    let stopped_by = Arc::new(AtomicUsize::new(0));
    for signal in STOP_SIGNALS {
        // Failing to install one leaves that signal's default behaviour.
        let _ = signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&cancel));
        let _ = signal_hook::flag::register(signal, Arc::clone(&cancel));
        let _ = signal_hook::flag::register_usize(signal, Arc::clone(&stopped_by), signal as usize);
    }
    export_options.cancel = Some(cancel);
    match export::export(&tables, &export_options) {
        Ok(_) => Ok(()),
        Err(export::ExportError::StdoutClosed) => Err(Failure::Quiet),
        Err(export::ExportError::Cancelled) => {
            let signal = stopped_by.load(Ordering::SeqCst) as i32;
            Err(Failure::Signal(signal))
        }
        Err(
            e @ (export::ExportError::Exists { .. }
            | export::ExportError::IsDirectory { .. }
            | export::ExportError::NeedsDirectory { .. }
            | export::ExportError::DuplicateTable { .. }
            | export::ExportError::ColumnNameClash { .. }
            | export::ExportError::TableNameClash { .. }),
        ) => Err(Failure::Usage(e.to_string())),
        Err(e) => Err(Failure::Run(e.to_string())),
    }
}

fn print_stats(
    schemas: &[PathBuf],
    rows: u64,
    json: bool,
    seed: u64,
    options: &Options,
) -> Result<(), Failure> {
    let dataset = load_dataset(schemas, options, &RowCounts::default())?;
    let summaries: Vec<stats::Summary> = (dataset.tables.iter().enumerate())
        .map(|(at, table)| {
            check_capacity(table, rows)?;
            stats::summarize_in(
                &dataset,
                at,
                &stats::SampleOptions {
                    seed,
                    rows,
                    cost_rows: 2_000,
                },
            )
            .map_err(|e| Failure::Run(e.to_string()))
        })
        .collect::<Result<_, Failure>>()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let docs: Vec<serde_json::Value> = summaries.iter().map(stats::to_json).collect();
        let text = serde_json::to_string_pretty(&docs).map_err(|e| Failure::Run(e.to_string()))?;
        writeln!(out, "{text}").map_err(write_failure)
    } else {
        for summary in &summaries {
            write!(out, "{}", stats::render_text(summary)).map_err(write_failure)?;
        }
        Ok(())
    }
}

/// `synthtune domains`: the listing of [`samples::render`].
fn domains(locale: Option<String>, domain: Option<String>, seed: u64) -> Result<(), Failure> {
    let listing = match (domain, locale) {
        (Some(name), _) => samples::Listing::Domain(Domain::parse(&name).ok_or_else(|| {
            let known: Vec<&str> = Domain::all().iter().map(|d| d.name()).collect();
            Failure::Usage(format!(
                "--domain {name}: no such domain (domains: {})",
                known.join(", ")
            ))
        })?),
        (None, Some(name)) => samples::Listing::All {
            locale: Locale::parse(&name).ok_or_else(|| {
                let known: Vec<&str> = Locale::all().iter().map(|l| l.name()).collect();
                Failure::Usage(format!(
                    "--locale {name}: no such locale (locales: {})",
                    known.join(", ")
                ))
            })?,
        },
        (None, None) => samples::Listing::All {
            locale: Locale::default(),
        },
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write!(out, "{}", samples::render(listing, seed)).map_err(write_failure)
}

/// The field table of `check`: what each field is generated by, and its rates.
fn print_fields(out: &mut impl Write, fields: &[synthtune::FieldInfo]) -> std::io::Result<()> {
    // A longer path overflows its column rather than widening every line (and a format
    // width must fit 16 bits).
    const WIDEST_PATH: usize = 80;
    let width = fields
        .iter()
        .map(|f| f.path.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(5, WIDEST_PATH);
    let percent = |rate: Option<f64>| rate.map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0));
    writeln!(
        out,
        "  {:width$}  {:14}  {:>5}  {:>6}  generator",
        "field", "type", "null", "absent"
    )?;
    for f in fields {
        writeln!(
            out,
            "  {:width$}  {:14}  {:>5}  {:>6}  {}",
            f.path,
            f.type_name,
            percent(f.null_rate),
            percent(f.absent_rate),
            f.generator
        )?;
    }
    Ok(())
}

fn check(schemas: &[PathBuf], options: &Options) -> Result<(), Failure> {
    // Written through a locked handle, not println!: a reader that stops early
    // (`check ... | head`) ends the command quietly instead of panicking.
    // Buffered: a large schema's report is tens of thousands of lines.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    let mut tables = Vec::new();
    for path in schemas {
        match Table::load_with(path, options) {
            Ok(table) => tables.push(table),
            // A refusal goes to stderr, as every command's does; the reports of the
            // schemas that load still follow on stdout.
            Err(e) => {
                eprintln!("synthtune: {e}");
                failed = true;
            }
        }
    }
    // The foreign keys are linked among the tables that loaded.
    let dataset = match Dataset::new(tables, &RowCounts::default()) {
        Ok(dataset) => dataset,
        Err(e) => return Err(Failure::Usage(e.to_string())),
    };
    // What `export` would refuse for the tables' own row counts, `check` refuses too.
    let mut tables = Vec::new();
    for (table, &rows) in dataset.tables.into_iter().zip(&dataset.rows) {
        match table.check_row_count(rows) {
            Ok(()) => tables.push(table),
            Err(e) => {
                eprintln!("synthtune: {e}");
                failed = true;
            }
        }
    }
    for table in &tables {
        let fields = table.fields();
        let count = |severity| {
            table
                .diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        let (ignored, inferred) = (count(Severity::Ignored), count(Severity::Inferred));
        let inferred_count = if inferred > 0 {
            format!(", {inferred} inferred")
        } else {
            String::new()
        };
        let path = table.source.as_deref().unwrap_or(Path::new("<schema>"));
        writeln!(
            out,
            "{}: table {:?}: ok ({} fields, {} ignored, {} notes{inferred_count})",
            path.display(),
            table.name,
            fields.len(),
            ignored,
            table.diagnostics.len() - ignored - inferred
        )
        .map_err(write_failure)?;
        for d in &table.diagnostics {
            writeln!(out, "  {d}").map_err(write_failure)?;
        }
        print_fields(&mut out, &fields).map_err(write_failure)?;
    }
    out.flush().map_err(write_failure)?;
    if failed {
        Err(Failure::Usage(String::new()))
    } else {
        Ok(())
    }
}
