//! The `synthtune` command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use synthtune::sink::JsonWriter;
use synthtune::{Options, RateDefaults, Severity, Table};

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
    #[arg(long, global = true, default_value_t = synthtune::DEFAULT_SEED)]
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
            ..Options::default()
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print records as pretty JSON.
    Sample {
        schema: PathBuf,
        /// How many records.
        #[arg(short = 'n', long = "count", default_value_t = 5)]
        count: u64,
    },
    /// Write a dataset.
    Export {
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
        /// How many rows (default: the schema's x-synth.rows, else 1000).
        #[arg(short = 'n', long = "count")]
        count: Option<u64>,
        /// Output file, or - for standard output.
        #[arg(short = 'o', long = "output", default_value = "-")]
        output: PathBuf,
    },
    /// Report what is supported, ignored or unsatisfiable in each schema.
    Check {
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let seed = cli.common.seed;
    let options = cli.common.options();
    let result = match cli.command {
        Some(Command::Sample { schema, count }) => sample(&schema, count, seed, &options),
        Some(Command::Export {
            schemas,
            count,
            output,
        }) => export(&schemas, count, &output, seed, &options),
        Some(Command::Check { schemas }) => check(&schemas, &options),
        None => {
            eprintln!("synthtune: the live tuner is not wired yet; use `synthtune sample SCHEMA`");
            Err(Failure::Usage(String::new()))
        }
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

/// Why a command failed: bad usage or schema (exit 2), or while running (exit 1).
enum Failure {
    Usage(String),
    Run(String),
    /// Stop without a message, successfully.
    Quiet,
}

fn load(path: &Path, options: &Options) -> Result<Table, Failure> {
    Table::load_with(path, options).map_err(|e| Failure::Usage(e.to_string()))
}

/// Refuses row counts that unique fields cannot serve, before any output.
fn check_capacity(table: &Table, rows: u64) -> Result<(), Failure> {
    match table.unique_capacity() {
        Some((capacity, pointer)) if rows > capacity => Err(Failure::Usage(format!(
            "{}: at {pointer}: a unique field has {capacity} distinct values but {rows} rows were asked for (fix: lower -n, or widen the field's range)",
            table
                .source
                .as_deref()
                .map_or("<schema>".into(), |p| p.display().to_string())
        ))),
        _ => Ok(()),
    }
}

fn sample(schema: &Path, count: u64, seed: u64, options: &Options) -> Result<(), Failure> {
    let table = load(schema, options)?;
    check_capacity(&table, count)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for row in 0..count {
        let value = table.row_value(seed, row);
        let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::Run(e.to_string()))?;
        writeln!(out, "{text}").map_err(write_failure)?;
    }
    Ok(())
}

fn export(
    schemas: &[PathBuf],
    count: Option<u64>,
    output: &Path,
    seed: u64,
    options: &Options,
) -> Result<(), Failure> {
    let tables: Vec<Table> = schemas
        .iter()
        .map(|p| load(p, options))
        .collect::<Result<_, _>>()?;
    for table in &tables {
        check_capacity(table, count.or(table.default_rows).unwrap_or(1000))?;
    }
    if output.as_os_str() != "-" {
        return Err(Failure::Usage(
            "writing to a file comes with the export engine; use -o -".into(),
        ));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for table in &tables {
        let rows = count.or(table.default_rows).unwrap_or(1000);
        let mut w = JsonWriter::new();
        let mut scratch = String::new();
        for row in 0..rows {
            w.buf.clear();
            table.write_row_with(seed, row, &mut w, &mut scratch);
            w.buf.push(b'\n');
            out.write_all(&w.buf).map_err(write_failure)?;
        }
    }
    out.flush().map_err(write_failure)
}

/// The field table of `check`: what each field is generated by, and its rates.
fn print_fields(table: &Table) {
    let fields = table.fields();
    let width = fields
        .iter()
        .map(|f| f.path.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let percent = |rate: Option<f64>| rate.map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0));
    println!(
        "  {:width$}  {:14}  {:>5}  {:>6}  generator",
        "field", "type", "null", "absent"
    );
    for f in fields {
        println!(
            "  {:width$}  {:14}  {:>5}  {:>6}  {}",
            f.path,
            f.type_name,
            percent(f.null_rate),
            percent(f.absent_rate),
            f.generator
        );
    }
}

fn check(schemas: &[PathBuf], options: &Options) -> Result<(), Failure> {
    let mut failed = false;
    for path in schemas {
        match Table::load_with(path, options) {
            Ok(table) => {
                let ignored = table
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Ignored)
                    .count();
                println!(
                    "{}: table {:?}: ok ({} fields, {} ignored, {} notes)",
                    path.display(),
                    table.name,
                    table.fields().len(),
                    ignored,
                    table.diagnostics.len() - ignored
                );
                for d in &table.diagnostics {
                    println!("  {d}");
                }
                print_fields(&table);
            }
            Err(e) => {
                println!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        Err(Failure::Usage(String::new()))
    } else {
        Ok(())
    }
}
