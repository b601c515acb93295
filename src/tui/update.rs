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
                format: FORMATS[choices.format],
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
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use ratatui::crossterm::event::KeyEventState;

    use super::*;
    use crate::tui::fixture;
    use crate::tui::state::{Change, ScreenLayout, SortKey};

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn press(app: &mut App, codes: &[KeyCode]) -> Vec<Effect> {
        codes
            .iter()
            .flat_map(|&c| update(app, key(c), Instant::now()))
            .collect()
    }

    fn chars(text: &str) -> Vec<KeyCode> {
        text.chars().map(KeyCode::Char).collect()
    }

    /// A tuner on the fixture with a known layout: 5 field rows at y = 3.
    fn app() -> App {
        let mut app = fixture::app(Instant::now());
        app.layout = ScreenLayout {
            field_rows: Rect::new(1, 3, 60, 5),
            detail: Rect::new(62, 1, 40, 20),
            samples: Rect::new(0, 25, 100, 6),
            ..ScreenLayout::default()
        };
        app
    }

    fn selected(app: &App) -> String {
        let visible = app.visible_fields();
        visible
            .get(app.selected_index(&visible))
            .map(|f| f.path.clone())
            .unwrap_or_default()
    }

    fn outcome(table: usize, generation: u64, result: Result<Arc<Snapshot>, String>) -> Msg {
        Msg::Worker(WorkerEvent::Regenerated(Outcome {
            table,
            generation,
            result,
            took: Duration::from_millis(5),
            panicked: false,
        }))
    }

    fn jobs(effects: &[Effect]) -> Vec<(usize, u64, u64, u64)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Regenerate(j) => Some((j.table, j.generation, j.seed, j.rows)),
                Effect::Export { .. } => None,
            })
            .collect()
    }

    #[test]
    fn moving_through_fields_scrolls_to_keep_the_selection_visible() {
        let mut app = app();
        assert_eq!(selected(&app), "order_id");
        press(&mut app, &[KeyCode::Down, KeyCode::Char('j')]);
        assert_eq!(selected(&app), "placed_at");
        press(&mut app, &[KeyCode::Up]);
        assert_eq!(selected(&app), "customer_id");
        press(&mut app, &[KeyCode::PageDown]);
        assert_eq!(selected(&app), "items[].sku");
        assert_eq!(app.table().scroll, 1);
        press(&mut app, &[KeyCode::End]);
        assert_eq!(selected(&app), "express");
        assert_eq!(app.table().scroll, 6);
        press(&mut app, &[KeyCode::Char('g')]);
        assert_eq!((selected(&app), app.table().scroll), ("order_id".into(), 0));
        press(&mut app, &[KeyCode::Char('k')]);
        assert_eq!(selected(&app), "order_id");
    }

    #[test]
    fn tab_cycles_panes_and_keys_act_on_the_focused_one() {
        let mut app = app();
        press(&mut app, &[KeyCode::Tab]);
        assert_eq!((app.focus, app.lower), (Pane::Detail, Pane::Detail));
        app.layout.detail_max_scroll = 4;
        press(&mut app, &[KeyCode::Down, KeyCode::Down]);
        assert_eq!(app.table().detail_scroll, 2);
        assert_eq!(selected(&app), "order_id");
        press(&mut app, &[KeyCode::PageDown]);
        assert_eq!(
            app.table().detail_scroll,
            4,
            "clamped to what the pane can scroll"
        );
        press(
            &mut app,
            &[KeyCode::Tab, KeyCode::Down, KeyCode::Down, KeyCode::Down],
        );
        assert_eq!(app.focus, Pane::Samples);
        assert_eq!(app.table().samples_scroll, 3);
        press(&mut app, &[KeyCode::End]);
        assert_eq!(app.table().samples_scroll, 4, "the last of five records");
        press(&mut app, &[KeyCode::Tab]);
        assert_eq!(app.focus, Pane::Fields);
        press(&mut app, &[KeyCode::BackTab]);
        assert_eq!(app.focus, Pane::Samples);
    }

    #[test]
    fn enter_zooms_the_detail_and_escape_returns() {
        let mut app = app();
        press(&mut app, &[KeyCode::Tab, KeyCode::Enter]);
        assert!(app.zoom);
        press(&mut app, &[KeyCode::Down]);
        assert_eq!(
            selected(&app),
            "customer_id",
            "arrows pick fields while zoomed"
        );
        press(&mut app, &[KeyCode::Esc]);
        assert!(!app.zoom);
        press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
        assert!(!app.zoom);
    }

    #[test]
    fn enter_on_a_sample_opens_the_whole_record() {
        let mut app = app();
        press(&mut app, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Down]);
        assert_eq!(app.focus, Pane::Samples);
        press(&mut app, &[KeyCode::Enter]);
        let Some(Overlay::Record(record)) = &app.overlay else {
            panic!("no record view: {:?}", app.overlay)
        };
        assert_eq!((record.index, record.of), (1, 5));
        assert!(!app.zoom, "Enter on a sample does not zoom the detail");
        let lines = record.lines.len();
        app.layout.record_rows = 10;
        press(
            &mut app,
            &[KeyCode::Down, KeyCode::Down, KeyCode::Char('j')],
        );
        let scroll = |app: &App| match &app.overlay {
            Some(Overlay::Record(r)) => r.scroll,
            _ => usize::MAX,
        };
        assert_eq!(scroll(&app), 3);
        press(&mut app, &[KeyCode::End]);
        assert_eq!(scroll(&app), lines - 10, "the last page");
        press(&mut app, &[KeyCode::PageUp, KeyCode::Home]);
        assert_eq!(scroll(&app), 0);
        press(&mut app, &[KeyCode::Char('q')]);
        assert!(
            app.overlay.is_none() && !app.quit,
            "q closes the record first"
        );
        press(&mut app, &[KeyCode::Enter, KeyCode::Esc]);
        assert!(app.overlay.is_none());
    }

    #[test]
    fn filter_narrows_the_fields_and_escape_clears_it() {
        let mut app = app();
        press(&mut app, &[KeyCode::Down]);
        let mut keys = vec![KeyCode::Char('/')];
        keys.extend(chars("price"));
        press(&mut app, &keys);
        assert!(app.filter.editing);
        let visible: Vec<String> = app
            .visible_fields()
            .iter()
            .map(|f| f.path.clone())
            .collect();
        assert_eq!(visible, ["items[].unit_price"]);
        assert_eq!(selected(&app), "items[].unit_price");
        // While typing, letters are text, not commands.
        press(
            &mut app,
            &[
                KeyCode::Backspace,
                KeyCode::Backspace,
                KeyCode::Backspace,
                KeyCode::Backspace,
            ],
        );
        assert_eq!(app.filter.text, "p");
        press(&mut app, &chars("q"));
        assert!(!app.quit);
        assert_eq!(app.filter.text, "pq");
        press(&mut app, &[KeyCode::Backspace, KeyCode::Enter]);
        assert!(!app.filter.editing);
        assert_eq!(app.filter.text, "p");
        assert_eq!(
            app.visible_fields().len(),
            4,
            "placed_at, items[].unit_price, coupon, express"
        );
        press(&mut app, &[KeyCode::Esc]);
        assert_eq!(app.filter.text, "");
        assert_eq!(app.visible_fields().len(), 11);
        assert_eq!(
            selected(&app),
            "items[].unit_price",
            "the selection survives"
        );
    }

    #[test]
    fn sort_cycles_and_keeps_the_selected_field() {
        let mut app = app();
        press(&mut app, &[KeyCode::End]);
        assert_eq!(selected(&app), "express");
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(app.sort, SortKey::Path);
        let first = app.visible_fields()[0].path.clone();
        assert_eq!(first, "coupon");
        assert_eq!(selected(&app), "express");
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(
            app.visible_fields()[0].path,
            "coupon",
            "the most nulls first"
        );
        press(&mut app, &[KeyCode::Char('s'), KeyCode::Char('s')]);
        assert_eq!(app.sort, SortKey::Cost);
        assert_eq!(app.visible_fields()[0].path, "express", "the slowest first");
        press(&mut app, &[KeyCode::Char('s')]);
        assert_eq!(app.sort, SortKey::Schema);
    }

    #[test]
    fn reseed_and_sample_size_regenerate_every_table_current_first() {
        let (themes, _) = crate::tui::theme::load_themes(&[]);
        let mut app = App::new(
            vec![PathBuf::from("a.json"), PathBuf::from("b.json")],
            7,
            10_000,
            themes,
            0,
        );
        assert_eq!(
            jobs(&request_all(&mut app)),
            [(0, 1, 7, 10_000), (1, 2, 7, 10_000)]
        );
        press(&mut app, &[KeyCode::Right]);
        assert_eq!(app.current, 1);
        assert_eq!(
            jobs(&press(&mut app, &[KeyCode::Char('r')])),
            [(1, 3, 8, 10_000), (0, 4, 8, 10_000)]
        );
        assert_eq!(
            jobs(&press(&mut app, &[KeyCode::Char('+')])),
            [(1, 5, 8, 20_000), (0, 6, 8, 20_000)]
        );
        press(&mut app, &[KeyCode::Char('-'), KeyCode::Char('-')]);
        assert_eq!(app.sample_rows, 5_000);
        app.sample_rows = 100;
        assert!(
            press(&mut app, &[KeyCode::Char('-')]).is_empty(),
            "no smaller sample"
        );
        app.sample_rows = 1_000_000;
        assert!(
            press(&mut app, &[KeyCode::Char('+')]).is_empty(),
            "no larger sample"
        );
        press(&mut app, &[KeyCode::Char('1')]);
        assert_eq!(app.current, 0);
        press(&mut app, &[KeyCode::Left]);
        assert_eq!(app.current, 1);
        assert_eq!(app.tables[1].requested, 9);
        assert!(app.tables[1].busy());
    }

    #[test]
    fn stale_results_are_dropped_and_a_bad_save_keeps_the_last_good_results() {
        let mut app = app();
        let good = app.table().shown.clone().unwrap();
        let now = Instant::now();
        // Generation 3 arrives before generation 2: 2 is stale.
        update(&mut app, outcome(0, 3, Ok(Arc::clone(&good))), now);
        update(&mut app, outcome(0, 2, Err("old error".into())), now);
        assert_eq!(app.table().applied, 3);
        assert_eq!(app.table().error, None);
        // A bad save: the error shows above the same results.
        update(
            &mut app,
            outcome(0, 4, Err("order.json:3:1: invalid JSON".into())),
            now,
        );
        assert_eq!(
            app.table().error.as_deref(),
            Some("order.json:3:1: invalid JSON")
        );
        assert!(Arc::ptr_eq(app.table().shown.as_ref().unwrap(), &good));
        // The next good save clears it.
        let fixed = Arc::new(Snapshot {
            summary: good.summary.clone(),
            samples: vec!["{}".into()],
        });
        update(&mut app, outcome(0, 5, Ok(Arc::clone(&fixed))), now);
        assert_eq!(app.table().error, None);
        assert!(Arc::ptr_eq(app.table().shown.as_ref().unwrap(), &fixed));
        assert_eq!(
            app.table().last_reload.unwrap().took,
            Duration::from_millis(5)
        );
        // Results for tables that do not exist are ignored.
        update(&mut app, outcome(9, 6, Err("x".into())), now);
    }

    /// A good reload keeps the results before it and marks the fields whose statistics
    /// moved; a failed one and late costs leave both alone.
    #[test]
    fn a_reload_remembers_what_it_changed() {
        let mut app = app();
        assert!(app.table().previous.is_none());
        let before = app.table().shown.clone().unwrap();
        let now = Instant::now();
        update(&mut app, outcome(0, 2, Ok(fixture::edited_snapshot())), now);
        let view = app.table();
        assert!(Arc::ptr_eq(view.previous.as_ref().unwrap(), &before));
        let mut changed: Vec<&str> = view.changes.changed.iter().map(String::as_str).collect();
        changed.sort_unstable();
        assert_eq!(changed, ["express", "items[].unit_price"]);
        assert!(view.changes.added.is_empty() && view.changes.removed == 0);
        assert_eq!(view.changes.of("order_id"), Change::Unchanged);
        update(&mut app, outcome(0, 3, Err("broken".into())), now);
        let n = fixture::fields().len();
        update(
            &mut app,
            Msg::Worker(WorkerEvent::Costs {
                table: 0,
                generation: 3,
                costs: vec![5.0; n],
            }),
            now,
        );
        assert_eq!(
            app.table().changes.changed.len(),
            2,
            "kept through an error"
        );
        // The same results again: nothing changed, whatever the costs.
        let same = app.table().shown.clone().unwrap();
        update(&mut app, outcome(0, 4, Ok(same)), now);
        assert!(app.table().changes.changed.is_empty());
    }

    #[test]
    fn costs_apply_to_their_own_generation_only() {
        let mut app = app();
        let n = fixture::fields().len();
        let costs = |ns: f64| {
            Msg::Worker(WorkerEvent::Costs {
                table: 0,
                generation: 1,
                costs: vec![ns; n],
            })
        };
        update(&mut app, costs(1000.0), Instant::now());
        let cost = app.table().shown.as_ref().unwrap().summary.fields[0]
            .cost
            .unwrap();
        assert_eq!(cost.values_per_second, 1e6);
        app.tables[0].applied = 2;
        update(&mut app, costs(10.0), Instant::now());
        let cost = app.table().shown.as_ref().unwrap().summary.fields[0]
            .cost
            .unwrap();
        assert_eq!(
            cost.values_per_second, 1e6,
            "costs of an older generation are dropped"
        );
    }

    #[test]
    fn file_changes_request_a_regeneration_of_that_table() {
        let mut app = app();
        let effects = update(&mut app, Msg::FileChanged(0), Instant::now());
        assert_eq!(jobs(&effects), [(0, 2, 42, fixture::ROWS)]);
        assert!(update(&mut app, Msg::FileChanged(5), Instant::now()).is_empty());
    }

    #[test]
    fn mouse_selects_rows_and_panes_and_scrolls() {
        let mut app = app();
        let click = |column, row| {
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        let wheel = |kind, column, row| {
            Msg::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        update(&mut app, click(5, 5), Instant::now());
        assert_eq!(selected(&app), "placed_at");
        app.layout.fields_offset = 2;
        update(&mut app, click(5, 3), Instant::now());
        assert_eq!(
            selected(&app),
            "placed_at",
            "row 0 shows field 2 when scrolled by 2"
        );
        update(
            &mut app,
            wheel(MouseEventKind::ScrollDown, 5, 4),
            Instant::now(),
        );
        assert_eq!(selected(&app), "status");
        update(&mut app, click(70, 10), Instant::now());
        assert_eq!(app.focus, Pane::Detail);
        app.layout.detail_max_scroll = 10;
        update(
            &mut app,
            wheel(MouseEventKind::ScrollDown, 70, 10),
            Instant::now(),
        );
        assert_eq!(app.table().detail_scroll, 3);
        update(&mut app, click(10, 27), Instant::now());
        assert_eq!((app.focus, app.lower), (Pane::Samples, Pane::Samples));
        update(&mut app, click(100, 100), Instant::now());
        assert_eq!(
            app.focus,
            Pane::Samples,
            "a click on nothing changes nothing"
        );
    }

    #[test]
    fn overlays_open_and_close_and_q_quits() {
        let mut app = app();
        press(&mut app, &[KeyCode::Char('?')]);
        assert!(matches!(app.overlay, Some(Overlay::Help)));
        press(&mut app, &[KeyCode::Char('j')]);
        assert!(
            matches!(app.overlay, Some(Overlay::Help)),
            "keys do not leak through"
        );
        press(&mut app, &[KeyCode::Char('q')]);
        assert!(
            app.overlay.is_none() && !app.quit,
            "q closes the overlay first"
        );
        press(&mut app, &[KeyCode::Char('w')]);
        assert!(matches!(app.overlay, Some(Overlay::Warnings)));
        press(&mut app, &[KeyCode::Esc]);
        assert!(app.overlay.is_none());
        let themes = app.themes.len();
        press(&mut app, &vec![KeyCode::Char('t'); themes]);
        assert_eq!(app.theme, 0, "t cycles through every theme");
        press(&mut app, &[KeyCode::Char('t')]);
        assert_eq!(app.theme, 1);
        press(&mut app, &[KeyCode::Char('q')]);
        assert!(app.quit);
    }

    #[test]
    fn ctrl_c_quits_from_anywhere() {
        let ctrl_c = || {
            Msg::Key(KeyEvent {
                code: KeyCode::Char('c'),
                modifiers: KeyModifiers::CONTROL,
                kind: KeyEventKind::Press,
                state: KeyEventState::NONE,
            })
        };
        let mut app = app();
        press(&mut app, &[KeyCode::Char('/')]);
        update(&mut app, ctrl_c(), Instant::now());
        assert!(app.quit);
        let mut app = self::app();
        press(&mut app, &[KeyCode::Char('e')]);
        update(&mut app, ctrl_c(), Instant::now());
        assert!(app.quit);
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut app = app();
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        update(&mut app, Msg::Key(release), Instant::now());
        assert!(!app.quit);
    }

    #[test]
    fn the_export_dialog_builds_a_job_and_follows_it() {
        let mut app = app();
        press(&mut app, &[KeyCode::Char('e')]);
        let mut keys = chars("1,000x");
        keys.extend([KeyCode::Tab, KeyCode::Right, KeyCode::Right, KeyCode::Tab]);
        keys.extend([KeyCode::Backspace; 3]);
        keys.extend(chars("out"));
        let effects = press(&mut app, &keys);
        assert!(effects.is_empty());
        let Some(Overlay::Export(dialog)) = &app.overlay else {
            panic!("no dialog")
        };
        assert_eq!(dialog.choices.rows, "1,000", "letters are not counts");
        assert_eq!(dialog.choices.output, "order.out");
        let effects = press(&mut app, &[KeyCode::Enter]);
        let [Effect::Export { job, progress }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(job.rows, Some(1000));
        assert_eq!(job.format, "csv");
        assert_eq!(job.output, PathBuf::from("order.out"));
        assert_eq!(job.seed, 42);
        assert!(!job.force);
        assert_eq!(job.schemas, [PathBuf::from("schemas/order.json")]);
        // Esc while running asks the export to stop; the dialog stays until it does.
        press(&mut app, &[KeyCode::Esc]);
        assert!(progress.cancel.load(Ordering::Relaxed));
        assert!(app.overlay.is_some());
        update(
            &mut app,
            Msg::ExportFinished(Err("cancelled".into())),
            Instant::now(),
        );
        let Some(Overlay::Export(dialog)) = &app.overlay else {
            panic!("no dialog")
        };
        assert!(matches!(&dialog.phase, ExportPhase::Finished(Err(e)) if e == "cancelled"));
        press(&mut app, &[KeyCode::Enter]);
        assert!(app.overlay.is_none());
    }

    /// The seed and overwrite inputs reach the job; the output's extension picks the
    /// format; the dialog reopens with what it held.
    #[test]
    fn the_export_dialog_takes_a_seed_an_overwrite_and_remembers() {
        let mut app = app();
        press(&mut app, &[KeyCode::Char('e'), KeyCode::Tab, KeyCode::Tab]);
        let mut keys = vec![KeyCode::Backspace; "order.ndjson".len()];
        keys.extend(chars("orders.parquet"));
        keys.push(KeyCode::Tab);
        keys.extend([KeyCode::Backspace, KeyCode::Backspace]);
        keys.extend(chars("7x"));
        keys.extend([KeyCode::Tab, KeyCode::Char(' ')]);
        press(&mut app, &keys);
        let Some(Overlay::Export(dialog)) = &app.overlay else {
            panic!("no dialog")
        };
        assert_eq!(
            FORMATS[dialog.choices.format], "parquet",
            "from the extension"
        );
        assert_eq!(dialog.choices.seed, "7", "digits only");
        assert!(dialog.choices.overwrite);
        // Closed and reopened (after a reseed): the same values, the edited seed kept.
        press(
            &mut app,
            &[KeyCode::Esc, KeyCode::Char('r'), KeyCode::Char('e')],
        );
        let effects = press(&mut app, &[KeyCode::Enter]);
        let [Effect::Export { job, .. }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!((job.format, job.seed, job.force), ("parquet", 7, true));
        assert_eq!(job.output, PathBuf::from("orders.parquet"));
        // An emptied seed is refused at its input.
        app.overlay = None;
        press(&mut app, &[KeyCode::Char('e')]);
        press(
            &mut app,
            &[
                KeyCode::Tab,
                KeyCode::Tab,
                KeyCode::Tab,
                KeyCode::Backspace,
                KeyCode::Enter,
            ],
        );
        let Some(Overlay::Export(dialog)) = &app.overlay else {
            panic!("no dialog")
        };
        assert!(
            dialog
                .problem
                .as_deref()
                .is_some_and(|p| p.starts_with("seed:")),
            "{:?}",
            dialog.problem
        );
    }

    #[test]
    fn the_export_dialog_refuses_a_bad_count() {
        let mut app = app();
        press(
            &mut app,
            &[KeyCode::Char('e'), KeyCode::Char('0'), KeyCode::Enter],
        );
        let Some(Overlay::Export(dialog)) = &app.overlay else {
            panic!("no dialog")
        };
        assert!(matches!(dialog.phase, ExportPhase::Editing));
        assert!(
            dialog
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("positive"))
        );
        press(&mut app, &[KeyCode::Esc]);
        assert!(app.overlay.is_none());
    }
}
