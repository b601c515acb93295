//! State in, frame out: draws the tuner from an immutable [`App`] and reports where
//! things landed ([`ScreenLayout`]) for mouse hit-testing. No state changes here; the
//! current time is a parameter so that frames are reproducible.

mod chart;
mod detail;
mod field_list;
mod overlay;

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::state::{App, Overlay, Pane, ScreenLayout, TableView};
use super::theme::{Role, Theme};
use crate::stats::display;

/// Below this width the detail (or samples) pane goes under the field table.
const SIDE_BY_SIDE_MIN_WIDTH: u16 = 110;
/// Below this height of the main area, no separate samples pane beside the detail.
const SAMPLES_MIN_MAIN_HEIGHT: u16 = 16;
/// The error banner shows at most this many lines.
const ERROR_MAX_LINES: u16 = 4;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, now: Instant) -> ScreenLayout {
    let theme = app.theme();
    let area = frame.area();
    frame.render_widget(Block::new().style(theme.style(Role::Text)), area);
    let mut layout = ScreenLayout::default();
    let table = app.table();

    let tabs_height = u16::from(app.tables.len() > 1);
    let error_text = table
        .error
        .as_ref()
        .map(|e| error_text(e, table.shown.is_some()));
    let error_height = error_text
        .as_ref()
        .map_or(0, |t| wrapped_height(t, area.width).min(ERROR_MAX_LINES));
    let [tabs_area, error_area, main, status_area] = Layout::vertical([
        Constraint::Length(tabs_height),
        Constraint::Length(error_height),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);

    if tabs_height > 0 {
        draw_tabs(frame, app, tabs_area, &mut layout);
    }
    if let Some(text) = error_text {
        let banner = Paragraph::new(text)
            .style(theme.style(Role::Error))
            .wrap(Wrap { trim: false });
        frame.render_widget(banner, error_area);
    }

    let visible = app.visible_fields();
    let selected_index = app.selected_index(&visible);
    let selected = visible.get(selected_index).copied();
    if app.zoom {
        layout.detail = main;
        layout.detail_max_scroll = detail::draw(frame, app, selected, main, true);
    } else if main.width >= SIDE_BY_SIDE_MIN_WIDTH {
        let samples_height = if main.height >= SAMPLES_MIN_MAIN_HEIGHT {
            (main.height / 3).clamp(5, 12)
        } else {
            0
        };
        let [top, samples] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(samples_height)]).areas(main);
        let [fields, detail] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(top);
        field_list::draw(frame, app, &visible, selected_index, fields, &mut layout);
        layout.detail = detail;
        layout.detail_max_scroll = detail::draw(frame, app, selected, detail, false);
        if samples_height > 0 {
            layout.samples = samples;
            draw_samples(frame, app, samples);
        }
    } else {
        let fields_height = (main.height * 45 / 100).max(5).min(main.height);
        let [fields, lower] =
            Layout::vertical([Constraint::Length(fields_height), Constraint::Min(0)]).areas(main);
        field_list::draw(frame, app, &visible, selected_index, fields, &mut layout);
        if app.lower == Pane::Samples {
            layout.samples = lower;
            draw_samples(frame, app, lower);
        } else {
            layout.detail = lower;
            layout.detail_max_scroll = detail::draw(frame, app, selected, lower, false);
        }
    }

    draw_status(frame, app, status_area, now);
    match &app.overlay {
        Some(Overlay::Help) => overlay::help(frame, theme, area),
        Some(Overlay::Warnings) => {
            overlay::warnings(frame, theme, area, &app.warnings(), &app.inferred())
        }
        Some(Overlay::Export(dialog)) => overlay::export(frame, theme, area, dialog, now),
        Some(Overlay::Record(record)) => {
            layout.record_rows = overlay::record(frame, theme, area, record);
        }
        None => {}
    }
    layout
}

fn error_text(message: &str, has_results: bool) -> String {
    let keep = if has_results {
        "  (showing the last good results)"
    } else {
        ""
    };
    format!("✗ {message}{keep}")
}

/// Lines `text` takes when wrapped at `width` (roughly: by characters).
fn wrapped_height(text: &str, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let lines: usize = text
        .lines()
        .map(|l| l.chars().count().div_ceil(width).max(1))
        .sum();
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// A bordered pane, highlighted when focused.
fn pane_block<'a>(theme: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let border = if focused {
        Role::BorderFocused
    } else {
        Role::Border
    };
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme.style(border))
        .title(title.into().style(theme.style(Role::Title)))
}

fn draw_tabs(frame: &mut Frame, app: &App, area: Rect, layout: &mut ScreenLayout) {
    let theme = app.theme();
    let mut spans = Vec::new();
    let mut x = area.x;
    for (i, table) in app.tables.iter().enumerate() {
        let mut label = format!(" {} {} ", i + 1, table.label());
        if table.error.is_some() {
            label.push_str("✗ ");
        }
        let width = u16::try_from(label.chars().count()).unwrap_or(u16::MAX);
        let role = if i == app.current {
            Role::TabActive
        } else {
            Role::Tab
        };
        layout.tabs.push((
            Rect::new(x, area.y, width.min(area.right().saturating_sub(x)), 1),
            i,
        ));
        x = x.saturating_add(width + 1);
        spans.push(Span::styled(label, theme.style(role)));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(spans), area);
}

/// Whether an observed share is further from the configured one than sampling noise
/// explains (four standard errors, plus a point of slack).
pub(crate) fn deviates(configured: Option<f64>, observed: Option<f64>, n: u64) -> bool {
    let (Some(c), Some(o)) = (configured, observed) else {
        return false;
    };
    if n == 0 {
        return false;
    }
    let standard_error = (c * (1.0 - c) / n as f64).sqrt();
    (o - c).abs() > 4.0 * standard_error + 0.01
}

fn draw_samples(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.theme();
    let table = app.table();
    let samples: &[String] = table.shown.as_ref().map_or(&[], |s| &s.samples);
    let title = format!(" Sample records ({}) ", samples.len());
    let block = pane_block(theme, title, app.focus == Pane::Samples);
    let focused = app.focus == Pane::Samples;
    let lines: Vec<Line> = samples
        .iter()
        .skip(table.samples_scroll)
        .enumerate()
        .map(|(i, s)| {
            let line = Line::from(s.as_str());
            // The top record is the one Enter opens.
            if focused && i == 0 {
                line.style(theme.style(Role::Selected))
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect, now: Instant) {
    let theme = app.theme();
    let table: &TableView = app.table();
    let busy = table.busy();
    let base = theme.style(if busy { Role::StatusBusy } else { Role::Status });
    let mut parts = vec![table.file_name()];
    if busy {
        parts.push("regenerating…".into());
    } else if let Some(reload) = table.last_reload {
        let ago = display::ago(now.saturating_duration_since(reload.at));
        parts.push(format!(
            "reloaded {ago} · {}",
            display::duration(reload.took)
        ));
    }
    if table.error.is_some() {
        parts.push("schema error".into());
    }
    parts.push(format!("seed {}", app.seed));
    parts.push(format!("{} rows", display::count(app.sample_rows)));
    let warnings = app.warnings().len();
    if warnings > 0 {
        parts.push(format!(
            "{warnings} warning{}",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    parts.push("? help".into());
    // Drop the least useful parts (from the end, the file name last) until it fits.
    let width = usize::from(area.width);
    let mut text = format!(" {}", parts.join(" │ "));
    while text.chars().count() > width && parts.len() > 1 {
        parts.pop();
        text = format!(" {}", parts.join(" │ "));
    }
    frame.render_widget(Paragraph::new(display::fit(&text, width)).style(base), area);
}

#[cfg(test)]
mod tests;
