//! Optional timestamps for measuring save-to-screen latency: with
//! `SYNTHTUNE_TIMING_LOG=FILE`, the tuner appends one line per step,
//! `<unix microseconds> <step> <table> <generation>`, where step is `change` (a save
//! was noticed), `result` (statistics arrived) or `drawn` (the frame showing them was
//! written to the terminal). Subtract the time of the save from the `drawn` line.

use std::fs::File;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// Appends timing lines to the file named by `SYNTHTUNE_TIMING_LOG`, if set.
#[derive(Debug, Default)]
pub struct TimingLog {
    file: Option<File>,
}

impl TimingLog {
    pub fn from_env() -> TimingLog {
        let file = std::env::var_os("SYNTHTUNE_TIMING_LOG")
            .and_then(|path| File::options().create(true).append(true).open(path).ok());
        TimingLog { file }
    }

    pub fn log(&mut self, step: &str, table: usize, generation: u64) {
        if let Some(file) = &mut self.file {
            let micros = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_micros());
            let _ = writeln!(file, "{micros} {step} {table} {generation}");
        }
    }
}
