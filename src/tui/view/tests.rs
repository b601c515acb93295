//! Screens as text: TestBackend frames under insta, with a fixed sample and fixed times.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::draw;
use crate::tui::export::ExportDialog;
use crate::tui::fixture;
use crate::tui::state::{App, LogScale, Overlay, Pane, RecordView};

/// Draws `app` at `width` × `height`, four seconds after its reload.
fn screen(app: &mut App, t0: Instant, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut layout = app.layout.clone();
    terminal
        .draw(|frame| layout = draw(frame, app, t0 + Duration::from_secs(4)))
        .unwrap();
    app.layout = layout;
    terminal.backend().to_string()
}

fn app_selecting(path: &str) -> (App, Instant) {
    let t0 = Instant::now();
    let mut app = fixture::app(t0);
    app.table_mut().selected = Some(path.into());
    (app, t0)
}

#[test]
fn normal_wide() {
    let (mut app, t0) = app_selecting("customer_id");
    insta::assert_snapshot!(screen(&mut app, t0, 130, 34));
}

#[test]
fn normal_80x24() {
    let (mut app, t0) = app_selecting("order_id");
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn detail_of_a_numeric_field() {
    let (mut app, t0) = app_selecting("items[].unit_price");
    insta::assert_snapshot!(screen(&mut app, t0, 130, 34));
}

#[test]
fn detail_of_a_string_field() {
    let (mut app, t0) = app_selecting("status");
    insta::assert_snapshot!(screen(&mut app, t0, 130, 34));
}

#[test]
fn detail_of_a_date_time_field_full_screen_80x24() {
    let (mut app, t0) = app_selecting("placed_at");
    app.zoom = true;
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn error_over_the_last_good_results() {
    let (mut app, t0) = app_selecting("coupon");
    app.table_mut().error = Some(
        "schemas/order.json:12:5: invalid JSON: expected `,` or `}` at line 12 column 5".into(),
    );
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn help_overlay() {
    let (mut app, t0) = app_selecting("order_id");
    app.overlay = Some(Overlay::Help);
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn filter_while_typing() {
    let (mut app, t0) = app_selecting("items[].quantity");
    app.filter.text = "items".into();
    app.filter.editing = true;
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn samples_pane_below_on_a_narrow_screen() {
    let (mut app, t0) = app_selecting("order_id");
    app.focus = Pane::Samples;
    app.lower = Pane::Samples;
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn smaller_than_80x24() {
    let (mut app, t0) = app_selecting("gift_note");
    insta::assert_snapshot!(screen(&mut app, t0, 60, 16));
}

#[test]
fn export_dialog() {
    let (mut app, t0) = app_selecting("order_id");
    app.overlay = Some(Overlay::Export(ExportDialog::new(
        &["Order".into()],
        42,
        None,
    )));
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

#[test]
fn tiny_terminals_do_not_panic() {
    let (mut app, t0) = app_selecting("items[].unit_price");
    for (w, h) in [(1, 1), (10, 3), (20, 5), (30, 8), (45, 10)] {
        for zoom in [false, true] {
            app.zoom = zoom;
            screen(&mut app, t0, w, h);
        }
        app.overlay = Some(Overlay::Help);
        screen(&mut app, t0, w, h);
        app.overlay = None;
    }
}

/// The new views at every tiny size: the record view, the export dialog, the shares,
/// both histogram scales, after a save.
#[test]
fn tiny_terminals_do_not_panic_in_the_new_views() {
    let t0 = Instant::now();
    let mut app = fixture::app_after_a_save(t0);
    let samples = app.table().shown.as_ref().unwrap().samples.clone();
    for (w, h) in [(1, 1), (10, 3), (20, 5), (30, 8), (45, 10), (79, 23)] {
        for path in ["items[].unit_price", "status", "express", "order_id"] {
            app.table_mut().selected = Some(path.into());
            for scale in [LogScale::Auto, LogScale::Log, LogScale::Linear] {
                app.log_scale = scale;
                for zoom in [false, true] {
                    app.zoom = zoom;
                    screen(&mut app, t0, w, h);
                }
            }
        }
        app.overlay = Some(Overlay::Record(RecordView::new(&samples, 0).unwrap()));
        screen(&mut app, t0, w, h);
        app.overlay = Some(Overlay::Export(ExportDialog::new(
            &["Order".into()],
            1,
            None,
        )));
        screen(&mut app, t0, w, h);
        app.overlay = None;
    }
}

#[test]
fn a_resize_redraws_the_whole_screen() {
    let (mut app, t0) = app_selecting("status");
    let mut terminal = Terminal::new(TestBackend::new(130, 34)).unwrap();
    terminal
        .draw(|frame| {
            draw(frame, &app, t0);
        })
        .unwrap();
    terminal.backend_mut().resize(80, 24);
    terminal
        .draw(|frame| {
            draw(frame, &app, t0 + Duration::from_secs(4));
        })
        .unwrap();
    assert_eq!(terminal.backend().to_string(), screen(&mut app, t0, 80, 24));
}

#[test]
fn no_color_draws_no_colour_at_all() {
    let (mut app, t0) = app_selecting("status");
    app.themes = app.themes.iter().map(|t| t.without_colors()).collect();
    app.table_mut().error = Some("broken".into());
    let mut terminal = Terminal::new(TestBackend::new(130, 34)).unwrap();
    terminal
        .draw(|frame| {
            draw(frame, &app, t0);
        })
        .unwrap();
    for cell in terminal.backend().buffer().content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
}

#[test]
fn the_first_load_failing_shows_the_error_and_no_results() {
    let t0 = Instant::now();
    let mut app = fixture::app(t0);
    let table = app.table_mut();
    table.shown = None;
    table.error =
        Some("schemas/order.json: at /properties/age: minimum 10 is above maximum 5".into());
    let text = screen(&mut app, t0, 80, 24);
    assert!(
        text.contains("✗ schemas/order.json: at /properties/age: minimum 10"),
        "{text}"
    );
    assert!(
        text.contains("No results yet: fix the schema and save."),
        "{text}"
    );
    assert!(!text.contains("showing the last good results"), "{text}");
}

/// The three screen sizes the tuner's main views are pinned at.
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

/// After a save that changed prices and express delivery: both fields are marked in
/// the list, the title counts them, and the detail shows before → after with the old
/// histogram faintly behind the new one.
#[test]
fn a_save_marks_changed_fields_and_shows_before_and_after() {
    let t0 = Instant::now();
    let mut app = fixture::app_after_a_save(t0);
    let changed: Vec<&str> = {
        let mut c: Vec<&str> = app
            .table()
            .changes
            .changed
            .iter()
            .map(String::as_str)
            .collect();
        c.sort_unstable();
        c
    };
    assert_eq!(changed, ["express", "items[].unit_price"]);
    app.table_mut().selected = Some("items[].unit_price".into());
    for (w, h) in SIZES {
        let text = screen(&mut app, t0, w, h);
        assert!(text.contains("2 changed"), "{text}");
        assert!(
            text.contains("• items[]"),
            "the changed field is marked:\n{text}"
        );
        assert!(!text.contains("• order_id"), "{text}");
        assert!(text.contains("(before → after)"), "{text}");
        insta::assert_snapshot!(format!("changed_marks_and_before_after_{w}x{h}"), text);
    }
}

/// An unchanged field says so; the previous histogram draws in the dim colour.
#[test]
fn an_unchanged_field_says_so_and_the_old_histogram_is_dim() {
    let t0 = Instant::now();
    let mut app = fixture::app_after_a_save(t0);
    app.table_mut().selected = Some("customer_id".into());
    let text = screen(&mut app, t0, 120, 40);
    assert!(text.contains("unchanged by the last reload"), "{text}");
    app.table_mut().selected = Some("items[].unit_price".into());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| {
            draw(frame, &app, t0);
        })
        .unwrap();
    let dim = app.theme().style(crate::tui::theme::Role::Dim).fg;
    let faint_bars = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .filter(|c| c.fg == dim.unwrap_or(Color::Reset) && "▁▂▃▄▅▆▇█".contains(c.symbol()))
        .count();
    assert!(faint_bars > 0, "the old histogram shows behind the new one");
}

/// Enter on the samples pane: the top record, pretty-printed, scrolled a little.
#[test]
fn record_view() {
    let t0 = Instant::now();
    let mut app = fixture::app(t0);
    app.focus = Pane::Samples;
    app.lower = Pane::Samples;
    app.table_mut().samples_scroll = 1;
    let samples = app.table().shown.as_ref().unwrap().samples.clone();
    let mut record = RecordView::new(&samples, 1).unwrap();
    assert_eq!(record.lines[0], "{");
    assert!(
        record.lines[1].starts_with("  \"order_id\": "),
        "{:?}",
        record.lines
    );
    record.scroll = 2;
    let lines = record.lines.len();
    app.overlay = Some(Overlay::Record(record));
    for (w, h) in SIZES {
        let text = screen(&mut app, t0, w, h);
        assert!(text.contains("Record 2 of 5"), "{text}");
        assert!(text.contains("\"placed_at\": "), "{text}");
        // Scrolled where the record is longer than the view; from the top where it fits.
        let scrolled = !text.contains("\"order_id\": ");
        assert_eq!(scrolled, usize::from(h) - 4 < lines, "{text}");
        insta::assert_snapshot!(format!("record_view_{w}x{h}"), text);
    }
    assert!(app.layout.record_rows > 0);
}

/// At every width from 80 to 300 columns the null, absent, generator and values/s
/// columns are there, and a path that does not fit is cut in its middle (its end
/// shows), never padded away.
#[test]
fn the_field_list_keeps_its_columns_at_every_width() {
    let (mut app, t0) = app_selecting("order_id");
    for width in 80..=300 {
        let text = screen(&mut app, t0, width, 30);
        let header = text
            .lines()
            .find(|l| l.contains(" path "))
            .unwrap_or_else(|| panic!("no header at {width}:\n{text}"));
        for column in ["null", "absent", "generator", "values/s"] {
            assert!(header.contains(column), "{column} at {width}: {header}");
        }
        let price = text
            .lines()
            .find(|l| l.contains("lognormal"))
            .unwrap_or_else(|| panic!("no price row at {width}:\n{text}"));
        assert!(
            price.contains("items[].unit_price ") || price.contains("…"),
            "{width}: {price}"
        );
        assert!(
            price.contains("price "),
            "the end of the path stays at {width}: {price}"
        );
    }
}

/// Below the kept columns' width (under 80 columns) columns drop from the end instead.
#[test]
fn very_narrow_field_lists_drop_columns_instead_of_overflowing() {
    use super::field_list::{Column, choose_columns};
    let summary = fixture::summary();
    let fields: Vec<_> = summary.fields.iter().collect();
    for width in [0, 10, 30, 49, 50, 64, 78, 200] {
        let columns = choose_columns(&fields, width);
        let used: u16 = columns.iter().map(|&(_, w)| w + 1).sum::<u16>() - 1;
        assert!(used <= width.max(14), "{width}: {columns:?}");
        assert!(columns.iter().any(|&(c, _)| c == Column::Path));
    }
    let wide = choose_columns(&fields, 78);
    for kept in [
        Column::Null,
        Column::Absent,
        Column::Generator,
        Column::ValuesPerSecond,
    ] {
        assert!(wide.iter().any(|&(c, _)| c == kept), "{kept:?}");
    }
}

/// A numeric field with a configured law: its expected counts over the histogram and
/// the chi-square fit, on linear bins (`l` twice from auto).
#[test]
fn density_overlay() {
    let (mut app, t0) = app_selecting("items[].unit_price");
    app.log_scale = LogScale::Linear;
    for (w, h) in SIZES {
        app.zoom = w == 80;
        let text = screen(&mut app, t0, w, h);
        assert!(text.contains("fit χ² p "), "{text}");
        assert!(text.contains('━') || text.contains('─'), "{text}");
        assert!(!text.contains("log scale"), "{text}");
        insta::assert_snapshot!(format!("density_overlay_{w}x{h}"), text);
    }
}

/// The lognormal price on log10 bins, which auto picks for its long upper tail: a bell,
/// not one spike.
#[test]
fn log_scale_histogram() {
    let (mut app, t0) = app_selecting("items[].unit_price");
    assert_eq!(app.log_scale, LogScale::Auto);
    for (w, h) in SIZES {
        // 80×24 leaves the chart a few rows under the field list: full screen there.
        app.zoom = w == 80;
        let text = screen(&mut app, t0, w, h);
        assert!(text.contains("log scale"), "{text}");
        insta::assert_snapshot!(format!("log_scale_histogram_{w}x{h}"), text);
    }
    // On linear bins most of the mass is in the first few columns; on log bins the
    // tallest column is in the middle of the chart.
    let summary = fixture::summary();
    let d = summary
        .field("items[].unit_price")
        .unwrap()
        .numbers
        .clone()
        .unwrap();
    let log = d.log_histogram.as_ref().unwrap();
    let tallest = |counts: &[u64]| (0..counts.len()).max_by_key(|&i| counts[i]).unwrap();
    assert!(tallest(&d.histogram.counts) <= 2);
    let at = tallest(&log.counts) as f64 / log.counts.len() as f64;
    assert!((0.3..0.7).contains(&at), "{at}");
}

/// Enum weights as asked vs seen, bar by bar.
#[test]
fn configured_shares_beside_the_seen_ones() {
    let (mut app, t0) = app_selecting("status");
    let text = screen(&mut app, t0, 120, 40);
    let delivered = text
        .lines()
        .find(|l| l.contains("delivered ") && l.contains("asked"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(delivered.contains("asked  65.0%"), "{delivered}");
    assert!(
        delivered.contains('│'),
        "the asked share is marked: {delivered}"
    );
    insta::assert_snapshot!(text);
}

/// Every key of the help fits on an 80×24 screen.
#[test]
fn the_help_shows_every_key_at_80x24() {
    let (mut app, t0) = app_selecting("order_id");
    app.overlay = Some(Overlay::Help);
    let text = screen(&mut app, t0, 80, 24);
    for (keys, what) in crate::tui::update::KEYS {
        assert!(
            text.contains(keys) && text.contains(what),
            "{keys}: {what}\n{text}"
        );
    }
}

/// A field under a `when` rule: the detail pane shows the share of the sample where it
/// held, and the share with a value by the sibling's value.
#[test]
fn detail_of_a_field_under_rules_80x24() {
    use crate::stats::rules::{RuleSummary, ValueShare};
    let (mut app, t0) = app_selecting("placed_at");
    let mut snapshot = (*fixture::snapshot()).clone();
    let rule = |kind, objects, held, by_value| RuleSummary {
        field: "placed_at".into(),
        rule: String::new(),
        kind,
        objects,
        held,
        by_value,
    };
    snapshot.summary.rules = vec![
        rule(
            "when",
            1000,
            1000,
            vec![
                ValueShare {
                    value: "\"paid\"".into(),
                    objects: 700,
                    with_value: 700,
                },
                ValueShare {
                    value: "\"cart\"".into(),
                    objects: 300,
                    with_value: 0,
                },
            ],
        ),
        rule("after", 700, 699, Vec::new()),
    ];
    app.table_mut().shown = Some(std::sync::Arc::new(snapshot));
    app.zoom = true;
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}

/// A date under a distribution: its histogram with the configured density over it and
/// the fit, as for numbers.
#[test]
fn detail_of_a_date_with_its_configured_density_80x24() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"d": {"type": "string", "format": "date", "x-synth": {"distribution": "normal", "range": {"min": "2024-01-01", "max": "2024-12-31"}}}},
        "required": ["d"]
    });
    let table = crate::Table::from_value(schema, None).unwrap();
    let summary =
        crate::stats::summarize(&table, &crate::stats::SampleOptions::new(5, 10_000)).unwrap();
    let (mut app, t0) = app_selecting("d");
    app.table_mut().shown = Some(std::sync::Arc::new(crate::tui::state::Snapshot {
        summary,
        samples: Vec::new(),
    }));
    app.zoom = true;
    insta::assert_snapshot!(screen(&mut app, t0, 80, 24));
}
