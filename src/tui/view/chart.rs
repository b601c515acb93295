//! The detail pane's charts: a column chart of a histogram (linear or log10 bins) with
//! the previous results faintly behind it and the configured law's expected counts
//! drawn over it, and horizontal bars of values or shares.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::stats::{Histogram, Measure, Share, display};
use crate::tui::theme::{Role, Theme};

/// Eighth blocks, for bar heights and widths finer than a cell.
const VERTICAL: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
pub(super) const HORIZONTAL: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/// Where the expected count of a column ends: over an empty cell, and through a bar.
const EXPECTED_OVER: char = '─';
const EXPECTED_THROUGH: char = '━';

/// What a column chart shows.
pub(super) struct Columns<'a> {
    pub histogram: &'a Histogram,
    /// The bins are in log10 of the values.
    pub log: bool,
    /// The results before the last reload, in the same units.
    pub previous: Option<&'a Histogram>,
    /// Expected counts, index-aligned with `histogram`'s bins.
    pub expected: Option<&'a [f64]>,
    /// The values are whole numbers (the last bin is labelled by its last value).
    pub whole: bool,
    pub measure: Measure,
}

/// The chart, `height` rows including the axis labels and `width` columns at most.
pub(super) fn columns(
    chart: &Columns,
    theme: &Theme,
    width: u16,
    height: usize,
) -> Vec<Line<'static>> {
    let width = usize::from(width).max(1);
    let h = chart.histogram;
    let counts = &h.counts;
    // Merge neighbouring bins when there are more bins than columns.
    let merge = counts.len().div_ceil(width).max(1);
    let seen: Vec<f64> = counts
        .chunks(merge)
        .map(|c| c.iter().sum::<u64>() as f64)
        .collect();
    let edges: Vec<f64> = (0..=seen.len())
        .map(|j| h.edge((j * merge).min(counts.len())))
        .collect();
    let total: u64 = counts.iter().sum();
    let before = chart.previous.map(|p| rebin(p, &edges, total as f64));
    let expected: Option<Vec<f64>> = chart
        .expected
        .map(|e| e.chunks(merge).map(|c| c.iter().sum()).collect());
    let bar_width = (width / seen.len().max(1)).clamp(1, 4);
    let peak = seen
        .iter()
        .chain(before.iter().flatten())
        .chain(expected.iter().flatten())
        .copied()
        .fold(0.0, f64::max)
        .max(1.0);
    let rows = height.saturating_sub(1).max(1);
    let eighths = |count: f64| (count / peak * (rows * 8) as f64).round() as usize;
    let bar = theme.style(Role::Bar);
    let dim = theme.style(Role::Dim);
    let faint = dim.fg.unwrap_or(Color::Reset);
    let line_style = theme.style(Role::Expected);
    let mut lines = Vec::with_capacity(height);
    for row in (0..rows).rev() {
        let mut cells = Cells::default();
        for (j, &count) in seen.iter().enumerate() {
            let level = eighths(count).saturating_sub(row * 8).min(8);
            // A non-empty bin always shows at least a sliver.
            let level = if row == 0 && count > 0.0 {
                level.max(1)
            } else {
                level
            };
            let old = before
                .as_ref()
                .map_or(0, |b| eighths(b[j]).saturating_sub(row * 8).min(8));
            // The expected count ends in this row's cell.
            let expected_here = expected.as_ref().is_some_and(|e| {
                let top = eighths(e[j]);
                top > 0 && (top - 1) / 8 == row
            });
            let (glyph, style) = match (level, old) {
                _ if expected_here && level == 0 => (EXPECTED_OVER, line_style),
                _ if expected_here => (
                    EXPECTED_THROUGH,
                    line_style.bg(bar.fg.unwrap_or(Color::Reset)),
                ),
                (0, 1..) => (VERTICAL[old], dim),
                // The new bar ends in this cell below the old one: the old one shows
                // as the background above the new bar's top.
                (1..8, _) if old > level => (VERTICAL[level], bar.bg(faint)),
                _ => (VERTICAL[level], bar),
            };
            cells.push(glyph, bar_width, style);
        }
        lines.push(cells.into_line());
    }
    let drawn = seen.len() * bar_width;
    let (low, high) = if chart.log {
        (10f64.powf(h.edge(0)), 10f64.powf(h.edge(counts.len())))
    } else if chart.whole {
        (h.edge(0), h.edge(counts.len()) - 1.0)
    } else {
        (h.edge(0), h.edge(counts.len()))
    };
    let low = display::measure_short(low, chart.measure);
    let high = display::measure_short(high, chart.measure);
    let labels = low.chars().count() + high.chars().count();
    let axis = if chart.log {
        let middle = " log scale ";
        let gap = drawn.saturating_sub(labels + middle.chars().count()) / 2;
        format!("{low}{}{middle}{}{high}", " ".repeat(gap), " ".repeat(gap))
    } else {
        let gap = drawn.saturating_sub(labels).max(1);
        format!("{low}{}{high}", " ".repeat(gap))
    };
    lines.push(Line::from(Span::styled(axis, theme.style(Role::Axis))));
    lines
}

/// `histogram`'s counts spread over the bars between `edges` (each bin's count shared
/// out by overlap, as if spread evenly within the bin), scaled to sum to `total` over
/// the whole histogram.
fn rebin(histogram: &Histogram, edges: &[f64], total: f64) -> Vec<f64> {
    let own: u64 = histogram.counts.iter().sum();
    let scale = if own == 0 { 0.0 } else { total / own as f64 };
    let mut bars = vec![0.0; edges.len().saturating_sub(1)];
    for (i, &count) in histogram.counts.iter().enumerate() {
        let (low, high) = (histogram.edge(i), histogram.edge(i + 1));
        for (bar, pair) in bars.iter_mut().zip(edges.windows(2)) {
            let overlap = high.min(pair[1]) - low.max(pair[0]);
            if overlap > 0.0 {
                *bar += count as f64 * scale * overlap / (high - low);
            }
        }
    }
    bars
}

/// Configured values (or types) as horizontal bars of the share seen, with a mark at
/// the share asked; at most `height` rows.
pub(super) fn shares(
    shares: &[Share],
    present: u64,
    theme: &Theme,
    width: u16,
    height: usize,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let shown = shares.len().min(height.max(1));
    let label_width = (shares[..shown].iter())
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3)
        .max(1);
    let figures_width = 24;
    let bar_room = width.saturating_sub(label_width + figures_width + 2).max(1);
    let peak = (shares.iter())
        .flat_map(|s| [s.asked, s.seen.unwrap_or(0.0)])
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut lines = Vec::new();
    for share in &shares[..shown] {
        let label: String = share.label.chars().take(label_width).collect();
        let seen = share.seen.unwrap_or(0.0);
        let eighths = (seen / peak * (bar_room * 8) as f64).round() as usize;
        let asked_at = ((share.asked / peak * bar_room as f64).round() as usize).min(bar_room - 1);
        let mut cells = Cells::default();
        let bar = theme.style(Role::Bar);
        for cell in 0..bar_room {
            let level = eighths.saturating_sub(cell * 8).min(8);
            if cell == asked_at {
                cells.push('│', 1, theme.style(Role::Expected));
            } else {
                cells.push(HORIZONTAL[level], 1, bar);
            }
        }
        let off = super::deviates(Some(share.asked), share.seen, present);
        let figures = format!(
            " seen {:>6} asked {:>6}",
            display::maybe_percent(share.seen),
            display::percent(share.asked)
        );
        let mut spans = vec![Span::raw(format!("{label:<label_width$} "))];
        spans.extend(cells.into_line().spans);
        spans.push(if off {
            Span::styled(figures, theme.style(Role::Mismatch))
        } else {
            Span::raw(figures)
        });
        lines.push(Line::from(spans));
    }
    if shown < shares.len() {
        lines.push(Line::from(Span::styled(
            format!("… {} more configured values", shares.len() - shown),
            theme.style(Role::Dim),
        )));
    }
    lines
}

/// A line of chart cells, consecutive cells of one style in one span.
#[derive(Default)]
pub(super) struct Cells {
    spans: Vec<Span<'static>>,
    text: String,
    style: Style,
}

impl Cells {
    pub(super) fn push(&mut self, glyph: char, repeat: usize, style: Style) {
        if style != self.style && !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.spans.push(Span::styled(text, self.style));
        }
        self.style = style;
        self.text.extend(std::iter::repeat_n(glyph, repeat));
    }

    pub(super) fn into_line(mut self) -> Line<'static> {
        if !self.text.is_empty() {
            self.spans.push(Span::styled(self.text, self.style));
        }
        Line::from(self.spans)
    }
}
