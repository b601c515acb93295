//! Events in, state changes and effects out: the tuner's behaviour, pure and testable
//! without a terminal. [`update`] never does I/O; what must happen outside (start a
//! regeneration, an export) comes back as [`Effect`]s for the event loop to carry out.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::export::{DialogField, ExportDialog, ExportJob, ExportPhase, ExportProgress, FORMATS};
use super::state::{App, Changes, Overlay, Pane, RecordView, Reload, SAMPLE_SIZES, Snapshot};
use super::worker::{Job, Outcome, WorkerEvent};

/// Every key the tuner knows, as the help overlay lists them.
pub const KEYS: [(&str, &str); 19] = [
    ("↑ ↓  j k", "move in the focused pane"),
    ("PgUp PgDn", "a page up / down"),
    ("Home End  g G", "first / last"),
    (
        "Enter",
        "detail full screen (again: back); on a sample: the record",
    ),
    ("Tab  Shift-Tab", "next / previous pane"),
    ("/", "filter fields by path (Enter keeps, Esc clears)"),
    ("s", "sort: schema order, path, null %, distinct, slowest"),
    ("l", "histograms: auto (log10 when skewed), log10, linear"),
    ("r", "reseed (seed + 1) and regenerate"),
    ("+  -", "larger / smaller sample"),
    ("← →  [ ]  1-9", "previous / next / n-th table"),
    (
        "e",
        "export every table: rows, format, path, seed, overwrite",
    ),
    ("w  ?", "warnings of the schema; this help"),
    ("t", "next theme"),
    ("Esc", "close, leave full screen, clear the filter"),
    ("q  Ctrl-C", "quit"),
    ("mouse click", "select a field, a pane or a table"),
    ("mouse wheel", "scroll the pane under the pointer"),
    (
        "export dialog",
        "Tab ↑ ↓ input, ← → Space change, Enter start, Esc cancel",
    ),
];

/// What can happen to the tuner.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal was resized (only a redraw is needed).
    Resize,
    /// Time passed (relative times, export progress).
    Tick,
    /// The schema of table `i` was saved.
    FileChanged(usize),
    Worker(WorkerEvent),
    ExportFinished(Result<String, String>),
}

/// Work for the event loop.
#[derive(Debug)]
pub enum Effect {
    Regenerate(Job),
    Export {
        job: ExportJob,
        progress: Arc<ExportProgress>,
    },
}

/// Requests for every table, the current one first: what the tuner starts with.
pub fn request_all(app: &mut App) -> Vec<Effect> {
    let mut order: Vec<usize> = (0..app.tables.len()).collect();
    order.sort_by_key(|&t| t != app.current);
    order.into_iter().map(|t| request(app, t)).collect()
}

fn request(app: &mut App, table: usize) -> Effect {
    app.generation += 1;
    let others = (app.tables.iter().enumerate())
        .filter(|(t, _)| *t != table)
        .map(|(_, view)| view.path.clone())
        .collect();
    let view = &mut app.tables[table];
    view.requested = app.generation;
    Effect::Regenerate(Job {
        table,
        generation: app.generation,
        path: view.path.clone(),
        others,
        seed: app.seed,
        rows: app.sample_rows,
    })
}

/// Applies `msg`; `now` is when it is handled.
pub fn update(app: &mut App, msg: Msg, now: Instant) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) | Msg::Resize | Msg::Tick => Vec::new(),
        Msg::Mouse(mouse) => {
            on_mouse(app, mouse);
            Vec::new()
        }
        Msg::FileChanged(table) if table < app.tables.len() => vec![request(app, table)],
        Msg::FileChanged(_) => Vec::new(),
        Msg::Worker(WorkerEvent::Regenerated(outcome)) => {
            apply_outcome(app, outcome, now);
            Vec::new()
        }
        Msg::Worker(WorkerEvent::Costs {
            table,
            generation,
            costs,
        }) => {
            if let Some(view) = app.tables.get_mut(table)
                && view.applied == generation
                && let Some(shown) = &view.shown
            {
                view.shown = Some(Arc::new(Snapshot {
                    summary: shown.summary.clone().with_costs(&costs),
                    samples: shown.samples.clone(),
                }));
            }
            Vec::new()
        }
        Msg::ExportFinished(result) => {
            if let Some(Overlay::Export(dialog)) = &mut app.overlay {
                dialog.phase = ExportPhase::Finished(result);
            }
            Vec::new()
        }
    }
}

/// Shows a result unless a newer one is already shown. A failure keeps the last good
/// snapshot on screen under the error; a success clears the error.
fn apply_outcome(app: &mut App, outcome: Outcome, now: Instant) {
    let Some(view) = app.tables.get_mut(outcome.table) else {
        return;
    };
    if outcome.generation <= view.applied {
        return;
    }
    view.applied = outcome.generation;
    view.last_reload = Some(Reload {
        at: now,
        took: outcome.took,
    });
    match outcome.result {
        Ok(snapshot) => {
            match view.shown.take() {
                Some(before) => {
                    view.changes = Changes::between(&before.summary, &snapshot.summary);
                    view.previous = Some(before);
                }
                None => view.changes = Changes::default(),
            }
            view.shown = Some(snapshot);
            view.error = None;
        }
        Err(message) => view.error = Some(message),
    }
    if outcome.table == app.current {
        keep_selection_visible(app);
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        app.quit = true;
        return Vec::new();
    }
    match &app.overlay {
        Some(Overlay::Export(_)) => return on_export_key(app, key),
        Some(Overlay::Record(_)) => {
            on_record_key(app, key);
            return Vec::new();
        }
        Some(Overlay::Help | Overlay::Warnings) => {
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q' | '?' | 'w')
            ) {
                app.overlay = None;
            }
            return Vec::new();
        }
        None => {}
    }
    if app.filter.editing {
        on_filter_key(app, key);
        return Vec::new();
    }
    match key.code {
        KeyCode::Char('q') => app.quit = true,
        KeyCode::Esc => {
            if app.zoom {
                app.zoom = false;
            } else if !app.filter.text.is_empty() {
                app.filter.text.clear();
                keep_selection_visible(app);
            }
        }
        KeyCode::Down | KeyCode::Char('j') => move_in_pane(app, 1),
        KeyCode::Up | KeyCode::Char('k') => move_in_pane(app, -1),
        KeyCode::PageDown => move_in_pane(app, page(app)),
        KeyCode::PageUp => move_in_pane(app, -page(app)),
        KeyCode::Home | KeyCode::Char('g') => move_in_pane(app, isize::MIN / 2),
        KeyCode::End | KeyCode::Char('G') => move_in_pane(app, isize::MAX / 2),
        KeyCode::Enter if app.focus == Pane::Samples && !app.zoom => {
            let table = app.table();
            let record = (table.shown.as_ref())
                .and_then(|s| RecordView::new(&s.samples, table.samples_scroll));
            if let Some(record) = record {
                app.overlay = Some(Overlay::Record(record));
            }
        }
        KeyCode::Enter => {
            app.zoom = !app.zoom;
            if app.zoom {
                app.focus = Pane::Fields;
            }
        }
        KeyCode::Tab => cycle_focus(app, true),
        KeyCode::BackTab => cycle_focus(app, false),
        KeyCode::Char('/') => {
            app.filter.editing = true;
            app.focus = Pane::Fields;
        }
        KeyCode::Char('s') => {
            app.sort = app.sort.next();
            keep_selection_visible(app);
        }
        KeyCode::Char('r') => {
            app.seed = app.seed.wrapping_add(1);
            return request_all(app);
        }
        KeyCode::Char('+' | '=') => return resize_sample(app, true),
        KeyCode::Char('-' | '_') => return resize_sample(app, false),
        KeyCode::Left | KeyCode::Char('[') => switch_table(app, app.current + app.tables.len() - 1),
        KeyCode::Right | KeyCode::Char(']') => switch_table(app, app.current + 1),
        KeyCode::Char(c @ '1'..='9') => {
            let index = c as usize - '1' as usize;
            if index < app.tables.len() {
                switch_table(app, index);
            }
        }
        KeyCode::Char('t') => app.theme = (app.theme + 1) % app.themes.len().max(1),
        KeyCode::Char('l') => app.log_scale = app.log_scale.next(),
        KeyCode::Char('?') => app.overlay = Some(Overlay::Help),
        KeyCode::Char('w') => app.overlay = Some(Overlay::Warnings),
        KeyCode::Char('e') => {
            let names: Vec<String> = app.tables.iter().map(|t| t.label()).collect();
            let dialog = ExportDialog::new(&names, app.seed, app.last_export.as_ref());
            app.overlay = Some(Overlay::Export(dialog));
        }
        _ => {}
    }
    Vec::new()
}

/// The record view scrolls; Esc, Enter or q closes it.
fn on_record_key(app: &mut App, key: KeyEvent) {
    let rows = usize::from(app.layout.record_rows);
    let page = rows.max(2).cast_signed() - 1;
    let Some(Overlay::Record(record)) = &mut app.overlay else {
        return;
    };
    let delta = match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => {
            app.overlay = None;
            return;
        }
        KeyCode::Down | KeyCode::Char('j') => 1,
        KeyCode::Up | KeyCode::Char('k') => -1,
        KeyCode::PageDown | KeyCode::Char(' ') => page,
        KeyCode::PageUp => -page,
        KeyCode::Home | KeyCode::Char('g') => isize::MIN / 2,
        KeyCode::End | KeyCode::Char('G') => isize::MAX / 2,
        _ => return,
    };
    record.scroll = record
        .scroll
        .saturating_add_signed(delta)
        .min(record.lines.len().saturating_sub(rows));
}

fn on_filter_key(app: &mut App, key: KeyEvent) {
    match key.code {
        KeyCode::Char(c) => app.filter.text.push(c),
        KeyCode::Backspace => {
            app.filter.text.pop();
        }
        KeyCode::Enter => app.filter.editing = false,
        KeyCode::Esc => {
            app.filter.text.clear();
            app.filter.editing = false;
        }
        KeyCode::Down => move_selection(app, 1),
        KeyCode::Up => move_selection(app, -1),
        _ => {}
    }
    keep_selection_visible(app);
}

fn on_export_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let schemas: Vec<_> = app.tables.iter().map(|t| t.path.clone()).collect();
    let Some(Overlay::Export(dialog)) = &mut app.overlay else {
        return Vec::new();
    };
    match &dialog.phase {
        ExportPhase::Running { progress, .. } => {
            if key.code == KeyCode::Esc {
                progress.cancel.store(true, Ordering::Relaxed);
            }
            return Vec::new();
        }
        ExportPhase::Finished(_) => {
            if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
                app.overlay = None;
            }
            return Vec::new();
        }
        ExportPhase::Editing => {}
    }
    let fields = DialogField::ALL;
    let at = fields.iter().position(|f| *f == dialog.field).unwrap_or(0);
    let choices = &mut dialog.choices;
    match (key.code, dialog.field) {
        (KeyCode::Esc, _) => {
            app.last_export = Some(dialog.choices.clone());
            app.overlay = None;
        }
        (KeyCode::Tab | KeyCode::Down, _) => dialog.field = fields[(at + 1) % fields.len()],
        (KeyCode::BackTab | KeyCode::Up, _) => {
            dialog.field = fields[(at + fields.len() - 1) % fields.len()]
        }
        (KeyCode::Left, DialogField::Format) => dialog.cycle_format(false),
        (KeyCode::Right | KeyCode::Char(' '), DialogField::Format) => dialog.cycle_format(true),
        (KeyCode::Left | KeyCode::Right | KeyCode::Char(' '), DialogField::Overwrite) => {
            choices.overwrite = !choices.overwrite;
        }
        (KeyCode::Char(c), DialogField::Rows) if c.is_ascii_digit() || c == ',' || c == '_' => {
            choices.rows.push(c)
        }
        (KeyCode::Backspace, DialogField::Rows) => {
            choices.rows.pop();
        }
        (KeyCode::Char(c), DialogField::Seed) if c.is_ascii_digit() => {
            choices.seed.push(c);
            choices.seed_edited = true;
        }
        (KeyCode::Backspace, DialogField::Seed) => {
            choices.seed.pop();
            choices.seed_edited = true;
        }
        (KeyCode::Char(c), DialogField::Output) => {
            choices.output.push(c);
            dialog.output_edited();
        }
        (KeyCode::Backspace, DialogField::Output) => {
            choices.output.pop();
            dialog.output_edited();
        }
        (KeyCode::Enter, _) => {
            let checked = dialog.parsed_rows().and_then(|rows| {
                let seed = dialog.parsed_seed()?;
                if dialog.choices.output.trim().is_empty() {
                    return Err("output: give a file or folder".into());
                }
                Ok((rows, seed))
            });
            let (rows, seed) = match checked {
                Ok(values) => values,
                Err(problem) => {
                    dialog.problem = Some(problem);
                    return Vec::new();
                }
            };
            let choices = &dialog.choices;
            let job = ExportJob {
                schemas,
                seed,
                rows,
                format: FORMATS[choices.format].name(),
                output: choices.output.trim().into(),
                force: choices.overwrite,
            };
            app.last_export = Some(choices.clone());
            let progress = Arc::new(ExportProgress::default());
            dialog.problem = None;
            dialog.phase = ExportPhase::Running {
                progress: Arc::clone(&progress),
                started: Instant::now(),
            };
            return vec![Effect::Export { job, progress }];
        }
        _ => {}
    }
    Vec::new()
}

fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if app.overlay.is_some() {
        return;
    }
    let at = Position::new(mouse.column, mouse.row);
    let layout = &app.layout;
    let pane = if layout.field_rows.contains(at) {
        Some(Pane::Fields)
    } else if layout.detail.contains(at) {
        Some(Pane::Detail)
    } else if layout.samples.contains(at) {
        Some(Pane::Samples)
    } else {
        None
    };
    match mouse.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let Some(pane) = pane else { return };
            let step = if pane == Pane::Fields { 1 } else { 3 };
            let delta = if mouse.kind == MouseEventKind::ScrollDown {
                step
            } else {
                -step
            };
            scroll_pane(app, pane, delta);
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(&(_, table)) = layout.tabs.iter().find(|(rect, _)| rect.contains(at)) {
                switch_table(app, table);
                return;
            }
            let Some(pane) = pane else { return };
            if pane == Pane::Fields {
                let row = usize::from(at.y - layout.field_rows.y) + layout.fields_offset;
                let visible = app.visible_fields();
                if let Some(field) = visible.get(row) {
                    let path = field.path.clone();
                    select(app, path);
                }
            }
            focus(app, pane);
        }
        _ => {}
    }
}

fn focus(app: &mut App, pane: Pane) {
    app.focus = pane;
    if pane != Pane::Fields {
        app.lower = pane;
    }
}

fn cycle_focus(app: &mut App, forward: bool) {
    let order = [Pane::Fields, Pane::Detail, Pane::Samples];
    let at = order.iter().position(|p| *p == app.focus).unwrap_or(0);
    let next = if forward { (at + 1) % 3 } else { (at + 2) % 3 };
    focus(app, order[next]);
}

/// Rows in a page of the focused pane (at least 1).
fn page(app: &App) -> isize {
    let rect: Rect = match app.focus {
        Pane::Fields => app.layout.field_rows,
        Pane::Detail => app.layout.detail,
        Pane::Samples => app.layout.samples,
    };
    isize::try_from(rect.height.max(2)).unwrap_or(isize::MAX) - 1
}

fn move_in_pane(app: &mut App, delta: isize) {
    let pane = if app.zoom { Pane::Fields } else { app.focus };
    scroll_pane(app, pane, delta);
}

fn scroll_pane(app: &mut App, pane: Pane, delta: isize) {
    match pane {
        Pane::Fields => move_selection(app, delta),
        Pane::Detail => {
            let max = app.layout.detail_max_scroll;
            let view = app.table_mut();
            view.detail_scroll = view.detail_scroll.saturating_add_signed(delta).min(max);
        }
        Pane::Samples => {
            let rows = app.table().shown.as_ref().map_or(0, |s| s.samples.len());
            let view = app.table_mut();
            view.samples_scroll = view
                .samples_scroll
                .saturating_add_signed(delta)
                .min(rows.saturating_sub(1));
        }
    }
}

fn move_selection(app: &mut App, delta: isize) {
    let visible = app.visible_fields();
    if visible.is_empty() {
        return;
    }
    let at = app.selected_index(&visible);
    let target = at.saturating_add_signed(delta).min(visible.len() - 1);
    let path = visible[target].path.clone();
    select(app, path);
}

fn select(app: &mut App, path: String) {
    let view = app.table_mut();
    if view.selected.as_deref() != Some(&path) {
        view.detail_scroll = 0;
    }
    view.selected = Some(path);
    keep_selection_visible(app);
}

/// After anything that changes the visible fields: the selection stays on its path if
/// that is still visible (else the first field), and the table scrolls to show it.
fn keep_selection_visible(app: &mut App) {
    let visible = app.visible_fields();
    let index = app.selected_index(&visible);
    let path = visible.get(index).map(|f| f.path.clone());
    let rows = usize::from(app.layout.field_rows.height.max(1));
    let view = app.table_mut();
    if path.is_some() {
        view.selected = path;
    }
    if index < view.scroll {
        view.scroll = index;
    } else if index >= view.scroll + rows {
        view.scroll = index + 1 - rows;
    }
}

fn switch_table(app: &mut App, index: usize) {
    if app.tables.is_empty() {
        return;
    }
    app.current = index % app.tables.len();
    keep_selection_visible(app);
}

fn resize_sample(app: &mut App, larger: bool) -> Vec<Effect> {
    let next = if larger {
        SAMPLE_SIZES.iter().copied().find(|&n| n > app.sample_rows)
    } else {
        SAMPLE_SIZES
            .iter()
            .rev()
            .copied()
            .find(|&n| n < app.sample_rows)
    };
    match next {
        Some(rows) => {
            app.sample_rows = rows;
            request_all(app)
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
