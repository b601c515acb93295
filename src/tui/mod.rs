//! The live tuner: `synthtune SCHEMA...`.
//!
//! Laid out as gitui and television are: [`state`] holds everything shown, [`update`]
//! turns events into state changes (pure, tested without a terminal), [`view`] draws a
//! frame from the state. Around them, threads that never block the screen: the input
//! reader, the file [`watch`]er, the regeneration [`worker`] and exports; all report
//! over one channel to the event loop in [`run_with`], which handles every waiting
//! message, then draws once.

pub mod export;
#[cfg(test)]
mod fixture;
pub mod state;
mod terminal;
pub mod theme;
mod timing;
pub mod update;
pub mod view;
pub mod watch;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossbeam_channel::{RecvTimeoutError, Sender};
use ratatui::crossterm::event::{self, Event};

use crate::Options;
use export::{ExportProgress, Exporter, LibraryExporter};
use state::App;
use timing::TimingLog;
use update::{Effect, Msg, request_all, update};
use watch::SchemaWatcher;
use worker::{Worker, WorkerEvent};

/// How the tuner is started.
pub struct TunerOptions {
    pub schemas: Vec<PathBuf>,
    pub seed: u64,
    pub sample_rows: usize,
    /// A theme name; `None` for the default (`dark`).
    pub theme: Option<String>,
    /// How schemas are compiled (rate defaults, custom synthesizers).
    pub load: Options,
    /// Runs the export dialog's exports.
    pub exporter: Arc<dyn Exporter>,
}

/// Runs the tuner on `schemas` until the user quits. Several schemas are several
/// tables (tabs). Fails before touching the screen when a schema's folder cannot be
/// watched or the theme is unknown; a schema that does not load is shown as an error
/// on screen and picked up when fixed.
pub fn run(
    schemas: Vec<PathBuf>,
    seed: u64,
    sample_rows: usize,
    theme: Option<String>,
) -> anyhow::Result<()> {
    run_with(TunerOptions {
        schemas,
        seed,
        sample_rows,
        theme,
        load: Options::default(),
        exporter: Arc::new(LibraryExporter::default()),
    })
}

/// [`run`] with every option.
pub fn run_with(options: TunerOptions) -> anyhow::Result<()> {
    anyhow::ensure!(!options.schemas.is_empty(), "no schema to tune");
    let (themes, theme_problems) = theme::load_themes(&theme::theme_dirs());
    let themes = if theme::no_color_requested() {
        themes.iter().map(theme::Theme::without_colors).collect()
    } else {
        themes
    };
    let theme_index = match &options.theme {
        Some(name) => theme::find_theme(&themes, name)?,
        None => 0,
    };
    let mut app = App::new(
        options.schemas.clone(),
        options.seed,
        options.sample_rows as u64,
        themes,
        theme_index,
    );
    app.theme_problems = theme_problems;

    let (tx, rx) = crossbeam_channel::unbounded::<Msg>();
    let worker_tx = tx.clone();
    let worker = Worker::spawn(options.load.clone(), move |event| {
        let _ = worker_tx.send(Msg::Worker(event));
    })
    .context("cannot start the generation worker")?;
    let watch_tx = tx.clone();
    let _watcher = SchemaWatcher::start(&options.schemas, move |table| {
        let _ = watch_tx.send(Msg::FileChanged(table));
    })?;
    let mut timing = TimingLog::from_env();

    let (mut terminal, _guard) = terminal::enter().context("cannot set up the terminal")?;
    let input = InputReader::spawn(tx.clone()).context("cannot read the keyboard")?;
    let mut exports = Exports::default();
    for effect in request_all(&mut app) {
        perform(effect, &worker, &mut exports, &options.exporter, &tx);
    }

    let mut drawn = vec![0u64; app.tables.len()];
    loop {
        let now = Instant::now();
        let mut layout = app.layout.clone();
        terminal.draw(|frame| layout = view::draw(frame, &app, now))?;
        app.layout = layout;
        for (i, table) in app.tables.iter().enumerate() {
            if table.applied > drawn[i] {
                drawn[i] = table.applied;
                timing.log("drawn", i, table.applied);
            }
        }
        if app.quit {
            break;
        }
        let tick = if exports.running() {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(1)
        };
        let mut next = match rx.recv_timeout(tick) {
            Ok(msg) => Some(msg),
            Err(RecvTimeoutError::Timeout) => Some(Msg::Tick),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        while let Some(msg) = next {
            match &msg {
                Msg::FileChanged(table) => timing.log("change", *table, app.generation + 1),
                Msg::Worker(WorkerEvent::Regenerated(outcome)) => {
                    timing.log("result", outcome.table, outcome.generation);
                    if outcome.panicked {
                        // The panic report went to the terminal: repaint everything.
                        terminal.clear()?;
                    }
                }
                _ => {}
            }
            for effect in update(&mut app, msg, Instant::now()) {
                perform(effect, &worker, &mut exports, &options.exporter, &tx);
            }
            next = rx.try_recv().ok();
        }
    }
    input.stop();
    exports.cancel_and_wait();
    Ok(())
}

/// Carries out an effect of [`update`].
fn perform(
    effect: Effect,
    worker: &Worker,
    exports: &mut Exports,
    exporter: &Arc<dyn Exporter>,
    tx: &Sender<Msg>,
) {
    match effect {
        Effect::Regenerate(job) => worker.submit(job),
        Effect::Export { job, progress } => {
            let exporter = Arc::clone(exporter);
            let thread_tx = tx.clone();
            let thread_progress = Arc::clone(&progress);
            let handle = std::thread::Builder::new()
                .name("synthtune-export".into())
                .spawn(move || {
                    let result = exporter.export(&job, &thread_progress);
                    let _ = thread_tx.send(Msg::ExportFinished(result));
                });
            match handle {
                Ok(handle) => exports.running.push((handle, progress)),
                Err(e) => {
                    let _ = tx.send(Msg::ExportFinished(Err(format!(
                        "cannot start the export: {e}"
                    ))));
                }
            }
        }
    }
}

/// Export threads, so that quitting can cancel them and wait (leaving no partial file).
#[derive(Default)]
struct Exports {
    running: Vec<(JoinHandle<()>, Arc<ExportProgress>)>,
}

impl Exports {
    fn running(&mut self) -> bool {
        self.running.retain(|(handle, _)| !handle.is_finished());
        !self.running.is_empty()
    }

    fn cancel_and_wait(self) {
        for (handle, progress) in self.running {
            progress.cancel.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}

/// Reads terminal events on its own thread, so that the loop can wait on one channel.
struct InputReader {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl InputReader {
    fn spawn(tx: Sender<Msg>) -> std::io::Result<InputReader> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("synthtune-input".into())
            .spawn(move || {
                while !thread_stop.load(Ordering::Acquire) {
                    // Poll with a timeout so that `stop` is noticed.
                    match event::poll(Duration::from_millis(50)) {
                        Ok(true) => {}
                        Ok(false) => continue,
                        Err(_) => return,
                    }
                    let msg = match event::read() {
                        Ok(Event::Key(key)) => Msg::Key(key),
                        Ok(Event::Mouse(mouse)) => Msg::Mouse(mouse),
                        Ok(Event::Resize(..)) => Msg::Resize,
                        Ok(_) => continue,
                        Err(_) => return,
                    };
                    if tx.send(msg).is_err() {
                        return;
                    }
                }
            })?;
        Ok(InputReader { stop, thread })
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Release);
        let _ = self.thread.join();
    }
}
