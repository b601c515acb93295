//! The field table: one row per field, with the columns that fit. The null, absent,
//! generator and values/s columns always stay (they are what a user tunes and what it
//! costs); distinct, p50 and type come and go with the width, and a long path is cut in
//! its middle. A mark before the path says what the last reload did to the field.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{deviates, pane_block};
use crate::stats::{FieldSummary, display};
use crate::tui::state::{App, Change, Pane, ScreenLayout};
use crate::tui::theme::{Role, Theme};

/// The columns of the table, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// What the last reload did (one character).
    Mark,
    Path,
    Type,
    Generator,
    Null,
    Absent,
    Distinct,
    P50,
    ValuesPerSecond,
}

impl Column {
    pub(crate) fn title(self) -> &'static str {
        match self {
            Column::Mark => "",
            Column::Path => "path",
            Column::Type => "type",
            Column::Generator => "generator",
            Column::Null => "null",
            Column::Absent => "absent",
            Column::Distinct => "distinct",
            Column::P50 => "p50",
            Column::ValuesPerSecond => "values/s",
        }
    }

    /// The narrowest the column is drawn, and the widest its content may make it.
    fn widths(self) -> (u16, u16) {
        match self {
            Column::Mark => (1, 1),
            Column::Path => (12, 40),
            Column::Type => (6, 14),
            Column::Generator => (12, 28),
            Column::Null | Column::Absent => (6, 6),
            Column::Distinct | Column::ValuesPerSecond => (8, 8),
            Column::P50 => (5, 12),
        }
    }

    fn right_aligned(self) -> bool {
        !matches!(
            self,
            Column::Mark | Column::Path | Column::Type | Column::Generator
        )
    }
}

/// Kept at every width, dropped from the end only on screens narrower than 80 columns.
const KEPT: [Column; 6] = [
    Column::Mark,
    Column::Path,
    Column::Null,
    Column::Absent,
    Column::Generator,
    Column::ValuesPerSecond,
];
/// The generator and the path grow to this width (as their content needs) before the
/// optional columns are added, then to their full width.
const GROWN_BEFORE_OPTIONAL: u16 = 20;
/// Added while there is room, in this order.
const OPTIONAL: [Column; 3] = [Column::Distinct, Column::P50, Column::Type];
const DISPLAY_ORDER: [Column; 9] = [
    Column::Mark,
    Column::Path,
    Column::Type,
    Column::Generator,
    Column::Null,
    Column::Absent,
    Column::Distinct,
    Column::P50,
    Column::ValuesPerSecond,
];

pub fn draw(
    frame: &mut Frame,
    app: &App,
    visible: &[&FieldSummary],
    selected: usize,
    area: Rect,
    layout: &mut ScreenLayout,
) {
    let theme = app.theme();
    let table = app.table();
    let total = table.shown.as_ref().map_or(0, |s| {
        s.summary
            .fields
            .iter()
            .filter(|f| !f.is_plain_object())
            .count()
    });
    let name = table
        .shown
        .as_ref()
        .map_or_else(|| table.file_name(), |s| s.summary.table.clone());
    let mut title = vec![Span::raw(format!(" {name} · "))];
    if visible.len() == total {
        title.push(Span::raw(format!("{total} fields")));
    } else {
        title.push(Span::raw(format!("{}/{total} fields", visible.len())));
    }
    title.push(Span::raw(format!(" · {} ", app.sort.label())));
    if let Some(summary) = changes_label(app) {
        title.push(Span::styled(
            format!("· {summary} "),
            theme.style(Role::Changed),
        ));
    }
    if app.filter.editing {
        title.push(Span::styled(
            format!("/{}█ ", app.filter.text),
            theme.style(Role::Key),
        ));
    } else if !app.filter.text.is_empty() {
        title.push(Span::styled(
            format!("/{} ", app.filter.text),
            theme.style(Role::Key),
        ));
    }
    let block = pane_block(
        theme,
        Line::from(title),
        app.focus == Pane::Fields && !app.zoom,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if visible.is_empty() {
        let message = match (&table.shown, &table.error) {
            (None, Some(_)) => "No results yet: fix the schema and save.",
            (None, None) => "Generating…",
            (Some(_), _) if !app.filter.text.is_empty() => "No field matches the filter.",
            (Some(_), _) => "The sample has no fields.",
        };
        frame.render_widget(Paragraph::new(message).style(theme.style(Role::Dim)), inner);
        return;
    }

    let columns = choose_columns(visible, inner.width);
    let rows_area = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let page = usize::from(rows_area.height.max(1));
    let offset = table
        .scroll
        .min(selected)
        .max((selected + 1).saturating_sub(page));
    layout.field_rows = rows_area;
    layout.fields_offset = offset;

    let header = Row::new(
        columns
            .iter()
            .map(|&(c, _)| aligned(c.title(), c.right_aligned())),
    )
    .style(theme.style(Role::Header));
    let rows = visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(page)
        .map(|(i, field)| {
            let change = table.changes.of(&field.path);
            let cells = columns
                .iter()
                .map(|&(c, w)| field_cell(field, change, c, w, theme));
            let row = Row::new(cells);
            if i == selected {
                row.style(theme.style(Role::Selected))
            } else {
                row
            }
        });
    let constraints: Vec<Constraint> = columns
        .iter()
        .map(|&(c, w)| {
            if c == Column::Path {
                Constraint::Fill(1)
            } else {
                Constraint::Length(w)
            }
        })
        .collect();
    frame.render_widget(
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1),
        inner,
    );
}

/// `3 changed, 1 new, 2 gone` after a reload that changed something.
fn changes_label(app: &App) -> Option<String> {
    let table = app.table();
    table.previous.as_ref()?;
    let changes = &table.changes;
    let mut parts = vec![format!("{} changed", changes.changed.len())];
    if !changes.added.is_empty() {
        parts.push(format!("{} new", changes.added.len()));
    }
    if changes.removed > 0 {
        parts.push(format!("{} gone", changes.removed));
    }
    Some(parts.join(", "))
}

/// The widest cell of column `c`, within the column's bounds.
fn column_width(fields: &[&FieldSummary], c: Column) -> u16 {
    let (min, max) = c.widths();
    let widest = fields
        .iter()
        .map(|f| column_text(f, c).chars().count())
        .max()
        .unwrap_or(0);
    u16::try_from(widest).unwrap_or(u16::MAX).clamp(min, max)
}

/// The columns drawn in `width` cells, in display order, each with its width (the
/// path's is what the others leave). The kept columns start at their narrowest; the
/// optional ones join while the rest still fits; then the path and the generator grow
/// towards their content.
pub(crate) fn choose_columns(fields: &[&FieldSummary], width: u16) -> Vec<(Column, u16)> {
    let spaced = |w: u16| w + 1;
    let mut chosen: Vec<(Column, u16)> = KEPT.iter().map(|&c| (c, c.widths().0)).collect();
    let used = |chosen: &[(Column, u16)]| -> u16 {
        chosen.iter().map(|&(_, w)| spaced(w)).sum::<u16>() - 1
    };
    // Narrower than the kept columns (below 80 columns): drop from the end.
    while chosen.len() > 2 && used(&chosen) > width {
        chosen.pop();
    }
    let grow = |chosen: &mut Vec<(Column, u16)>, limit: u16| {
        for grown in [Column::Generator, Column::Path] {
            let room = width.saturating_sub(used(chosen));
            let wanted = column_width(fields, grown).min(limit);
            if let Some((_, w)) = chosen.iter_mut().find(|(c, _)| *c == grown) {
                *w += wanted.saturating_sub(*w).min(room);
            }
        }
    };
    grow(&mut chosen, GROWN_BEFORE_OPTIONAL);
    for c in OPTIONAL {
        let w = column_width(fields, c);
        if used(&chosen) + spaced(w) <= width {
            chosen.push((c, w));
        }
    }
    grow(&mut chosen, u16::MAX);
    let others: u16 = chosen
        .iter()
        .filter(|(c, _)| *c != Column::Path)
        .map(|&(_, w)| spaced(w))
        .sum();
    if let Some((_, w)) = chosen.iter_mut().find(|(c, _)| *c == Column::Path) {
        *w = width.saturating_sub(others);
    }
    chosen.sort_by_key(|(c, _)| DISPLAY_ORDER.iter().position(|o| o == c));
    chosen
}

fn column_text(f: &FieldSummary, c: Column) -> String {
    match c {
        Column::Mark => String::new(),
        Column::Path => display::path_label(&f.path).to_owned(),
        Column::Type => f.type_name.clone(),
        Column::Generator => f.generator.clone(),
        Column::Null => display::maybe_percent(f.null_rate.observed),
        Column::Absent => display::maybe_percent(f.absent_rate.observed),
        Column::Distinct => f.distinct.map_or_else(|| "-".into(), display::count),
        Column::P50 => display::typical(f),
        Column::ValuesPerSecond => f
            .cost
            .map_or_else(|| "-".into(), |c| display::per_second(c.values_per_second)),
    }
}

/// `•` changed by the last reload, `+` new in it.
pub(crate) fn mark(change: Change) -> &'static str {
    match change {
        Change::Unchanged => " ",
        Change::Changed => "•",
        Change::Added => "+",
    }
}

fn field_cell<'a>(
    f: &FieldSummary,
    change: Change,
    c: Column,
    width: u16,
    theme: &Theme,
) -> Cell<'a> {
    let width = usize::from(width);
    let text = match c {
        Column::Mark => {
            return Cell::from(mark(change)).style(theme.style(Role::Changed));
        }
        Column::Path => display::fit_middle(&column_text(f, c), width),
        _ => display::fit(&column_text(f, c), width),
    };
    let text = aligned(&text, c.right_aligned());
    let off_target = match c {
        Column::Null => deviates(f.null_rate.configured, f.null_rate.observed, f.count),
        Column::Absent => deviates(
            f.absent_rate.configured,
            f.absent_rate.observed,
            f.count + f.absent,
        ),
        _ => false,
    };
    if off_target {
        Cell::from(text).style(theme.style(Role::Mismatch))
    } else {
        Cell::from(text)
    }
}

fn aligned(text: &str, right: bool) -> Line<'static> {
    let line = Line::from(text.to_owned());
    if right { line.right_aligned() } else { line }
}
