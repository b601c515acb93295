//! The tuner's behaviour, key by key, on the fixture (no terminal).

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
        FORMATS[dialog.choices.format].name(),
        "parquet",
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
