//! Pop-ups drawn over the screen: help, warnings, the export dialog.

use std::sync::atomic::Ordering;
use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph, Wrap};

use crate::stats::display;
use crate::tui::export::{DialogField, ExportDialog, ExportPhase, FORMATS};
use crate::tui::state::RecordView;
use crate::tui::theme::{Role, Theme};
use crate::tui::update::KEYS;

/// A centred rectangle of at most `width` × `height` inside `area`.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width.saturating_sub(2)).max(1);
    let height = height.min(area.height.saturating_sub(2)).max(1);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width)])
        .flex(ratatui::layout::Flex::Center)
        .areas(row);
    rect
}

fn popup<'a>(theme: &Theme, title: &'a str) -> Block<'a> {
    Block::bordered()
        .title(Line::from(title).style(theme.style(Role::Title)))
        .title_bottom(
            Line::from(" Esc to close ")
                .style(theme.style(Role::Dim))
                .right_aligned(),
        )
        .border_style(theme.style(Role::BorderFocused))
        .style(theme.style(Role::Popup))
}

pub fn help(frame: &mut Frame, theme: &Theme, area: Rect) {
    let key_width = KEYS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = KEYS
        .iter()
        .chain([&(
            "synthtune domains",
            "every x-synth domain and locale, with samples",
        )])
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<key_width$}  "), theme.style(Role::Key)),
                Span::raw(*what),
            ])
        })
        .collect();
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX) + 2;
    let rect = centred(area, 76, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(popup(theme, " Keys ")), rect);
}

/// The schema's warnings, then what was guessed from field names: information, drawn
/// dim under its own heading and not counted as a warning.
pub fn warnings(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    warnings: &[&str],
    inferred: &[&str],
) {
    let mut lines: Vec<Line> = if warnings.is_empty() {
        vec![Line::from(" No warnings.")]
    } else {
        warnings
            .iter()
            .map(|w| Line::from(format!("• {w}")))
            .collect()
    };
    if !inferred.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled(
            " From field names (information):",
            theme.style(Role::Title),
        ));
        lines.extend(
            inferred
                .iter()
                .map(|i| Line::styled(format!("· {i}"), theme.style(Role::Dim))),
        );
    }
    let rect = centred(area, 90, area.height.saturating_sub(4));
    frame.render_widget(Clear, rect);
    let title = format!(" Warnings ({}) ", warnings.len());
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(popup(theme, &title));
    frame.render_widget(paragraph, rect);
}

pub fn export(frame: &mut Frame, theme: &Theme, area: Rect, dialog: &ExportDialog, now: Instant) {
    let rect = centred(area, 64, 13);
    frame.render_widget(Clear, rect);
    let block = popup(theme, " Export every table ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [form, progress_area, message_area] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);

    let editing = matches!(dialog.phase, ExportPhase::Editing);
    let active = |field: DialogField| editing && dialog.field == field;
    let input = |field: DialogField, label: &'static str, value: String| {
        let style = if active(field) {
            theme.style(Role::Selected)
        } else {
            theme.style(Role::Text)
        };
        Line::from(vec![
            Span::styled(format!(" {label:<10}"), theme.style(Role::Dim)),
            Span::styled(value, style),
        ])
    };
    let typed = |field: DialogField, text: &str| {
        let cursor = if active(field) { "█" } else { "" };
        format!(" {text}{cursor} ")
    };
    let choices = &dialog.choices;
    let rows = if choices.rows.is_empty() && !active(DialogField::Rows) {
        " schema's x-synth.rows ".to_owned()
    } else {
        typed(DialogField::Rows, &choices.rows)
    };
    let format = match dialog.extension_disagrees() {
        Some(named) => format!(
            " ‹ {} › (the extension says {named}) ",
            FORMATS[choices.format].name()
        ),
        None => format!(" ‹ {} › ", FORMATS[choices.format].name()),
    };
    let overwrite = if choices.overwrite {
        " [x] replace files that exist "
    } else {
        " [ ] keep files that exist (refuse) "
    };
    let lines = vec![
        input(DialogField::Rows, "rows", rows),
        input(DialogField::Format, "format", format),
        input(
            DialogField::Output,
            "output",
            typed(DialogField::Output, &choices.output),
        ),
        input(
            DialogField::Seed,
            "seed",
            typed(DialogField::Seed, &choices.seed),
        ),
        input(DialogField::Overwrite, "overwrite", overwrite.to_owned()),
    ];
    frame.render_widget(Paragraph::new(lines), form);

    let (message, role) = match &dialog.phase {
        ExportPhase::Editing => (
            dialog.problem.clone().unwrap_or_else(|| {
                let hint = match dialog.field {
                    DialogField::Rows => "rows per table; empty: each schema's x-synth.rows",
                    DialogField::Format => {
                        "←/→ or Space: change it; else the output's extension decides"
                    }
                    DialogField::Output => "a file for one table, a folder for several",
                    DialogField::Seed => "the same seed exports the same data",
                    DialogField::Overwrite => "←/→ or Space: replace existing files or not",
                };
                format!("{hint}\n Tab: next input · Enter: start")
            }),
            if dialog.problem.is_some() {
                Role::Warning
            } else {
                Role::Dim
            },
        ),
        ExportPhase::Running { progress, started } => {
            let done = progress.rows_done.load(Ordering::Relaxed);
            let total = progress.rows_total.load(Ordering::Relaxed);
            let ratio = if total > 0 {
                (done as f64 / total as f64).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let label = format!("{} / {} rows", display::count(done), display::count(total));
            let gauge = Gauge::default()
                .ratio(ratio)
                .label(label)
                .gauge_style(theme.style(Role::Bar));
            frame.render_widget(gauge, progress_area);
            let elapsed = display::duration(now.saturating_duration_since(*started));
            (format!("exporting… {elapsed} · Esc cancels"), Role::Dim)
        }
        ExportPhase::Finished(Ok(summary)) => (format!("✓ {summary}"), Role::Text),
        ExportPhase::Finished(Err(error)) => (format!("✗ {error}"), Role::Warning),
    };
    let paragraph = Paragraph::new(format!(" {message}"))
        .style(theme.style(role))
        .wrap(Wrap { trim: false });
    frame.render_widget(paragraph, message_area);
}

/// One sample record, pretty-printed, over most of the screen; returns the rows its
/// text has (for paging).
pub fn record(frame: &mut Frame, theme: &Theme, area: Rect, record: &RecordView) -> u16 {
    let rect = centred(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let title = format!(" Record {} of {} ", record.index + 1, record.of);
    let block = popup(theme, &title);
    let rows = block.inner(rect).height;
    let scroll = record
        .scroll
        .min(record.lines.len().saturating_sub(usize::from(rows)));
    let lines: Vec<Line> = record
        .lines
        .iter()
        .skip(scroll)
        .take(usize::from(rows))
        .map(|l| Line::from(l.as_str()))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    rows
}
