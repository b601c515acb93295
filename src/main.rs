//! The `synthtune` command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use synthtune::sink::JsonWriter;
use synthtune::{Severity, Table};

/// Realistic synthetic data from JSON Schema, tuned live in the terminal.
#[derive(Parser)]
#[command(name = "synthtune", version, about, args_conflicts_with_subcommands = true)]
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
    let result = match cli.command {
        Some(Command::Sample { schema, count }) => sample(&schema, count, seed),
        Some(Command::Export { schemas, count, output }) => export(&schemas, count, &output, seed),
        Some(Command::Check { schemas }) => check(&schemas),
        None => {
            eprintln!("synthtune: the live tuner is not wired yet; use `synthtune sample SCHEMA`");
            Err(Failure::Usage(String::new()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
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

/// Why a command failed: bad usage or schema (exit 2), or while running (exit 1).
enum Failure {
    Usage(String),
    Run(String),
}

fn load(path: &PathBuf) -> Result<Table, Failure> {
    Table::load(path).map_err(|e| Failure::Usage(e.to_string()))
}

fn sample(schema: &PathBuf, count: u64, seed: u64) -> Result<(), Failure> {
    let table = load(schema)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for row in 0..count {
        let value = table.row_value(seed, row);
        let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::Run(e.to_string()))?;
        writeln!(out, "{text}").map_err(|e| Failure::Run(e.to_string()))?;
    }
    Ok(())
}

fn export(schemas: &[PathBuf], count: Option<u64>, output: &PathBuf, seed: u64) -> Result<(), Failure> {
    let tables: Vec<Table> = schemas.iter().map(load).collect::<Result<_, _>>()?;
    if output.as_os_str() != "-" {
        return Err(Failure::Usage("writing to a file comes with the export engine; use -o -".into()));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for table in &tables {
        let rows = count.or(table.default_rows).unwrap_or(1000);
        let mut w = JsonWriter::new();
        for row in 0..rows {
            w.buf.clear();
            table.write_row(seed, row, &mut w);
            w.buf.push(b'\n');
            out.write_all(&w.buf).map_err(|e| Failure::Run(e.to_string()))?;
        }
    }
    out.flush().map_err(|e| Failure::Run(e.to_string()))
}

fn check(schemas: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = false;
    for path in schemas {
        match Table::load(path) {
            Ok(table) => {
                let ignored = table.diagnostics.iter().filter(|d| d.severity == Severity::Ignored).count();
                println!("{}: table {:?}: ok ({} fields, {} ignored, {} notes)", path.display(), table.name, table.fields().len(), ignored, table.diagnostics.len() - ignored);
                for d in &table.diagnostics {
                    println!("  {d}");
                }
            }
            Err(e) => {
                println!("{e}");
                failed = true;
            }
        }
    }
    if failed { Err(Failure::Usage(String::new())) } else { Ok(()) }
}
