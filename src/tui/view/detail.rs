//! The detail pane: one field's configuration next to what the sample shows, its
//! quantiles, and a histogram or its most frequent values.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{deviates, pane_block};
use crate::stats::{Distribution, FieldSummary, Measure, display};
use crate::tui::state::{App, Change, Pane};
use crate::tui::theme::{Role, Theme};

/// Eighth blocks, for bar heights and widths finer than a cell.
const VERTICAL: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const HORIZONTAL: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// Draws the pane; returns how far its content can scroll.
pub fn draw(
    frame: &mut Frame,
    app: &App,
    field: Option<&FieldSummary>,
    area: Rect,
    zoomed: bool,
) -> usize {
    let theme = app.theme();
    let title = match field {
        Some(f) => format!(" {} ", display::path_label(&f.path)),
        None => " Detail ".into(),
    };
    let focused = zoomed || app.focus == Pane::Detail;
    let block = pane_block(theme, title, focused);
    let inner = block.inner(area);
    let Some(field) = field else {
        frame.render_widget(
            Paragraph::new("Select a field.")
                .style(theme.style(Role::Dim))
                .block(block),
            area,
        );
        return 0;
    };
    let table = app.table();
    let change = table.changes.of(&field.path);
    // The field as the results before the last reload showed it, if it changed.
    let before = match change {
        Change::Changed => table
            .previous
            .as_ref()
            .and_then(|p| p.summary.field(&field.path)),
        _ => None,
    };
    let mut lines = facts(field, theme, inner.width);
    if table.previous.is_some() {
        lines.extend(last_reload(field, change, before, theme, inner.width));
    }
    // The chart takes the rest of the pane, at least a few rows.
    let chart_height = usize::from(inner.height)
        .saturating_sub(lines.len() + 1)
        .max(4);
    lines.push(Line::default());
    if field.prefers_top_values() {
        lines.extend(top_values(field, theme, inner.width, chart_height));
    } else if let Some((distribution, measure)) = field.headline() {
        let previous = before
            .and_then(FieldSummary::headline)
            .filter(|(_, m)| *m == measure)
            .map(|(d, _)| d);
        lines.extend(histogram(
            distribution,
            previous,
            measure,
            theme,
            inner.width,
            chart_height,
        ));
    }
    let max_scroll = lines.len().saturating_sub(usize::from(inner.height));
    let scroll = app.table().detail_scroll.min(max_scroll);
    let paragraph = Paragraph::new(lines)
        .block(block)
        .scroll((u16::try_from(scroll).unwrap_or(0), 0));
    frame.render_widget(paragraph, area);
    max_scroll
}

/// The text part: configuration, counts, rates, moments, quantiles, cost.
fn facts(f: &FieldSummary, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let dim = theme.style(Role::Dim);
    let mut lines = Vec::new();
    let generator = if f.generator.is_empty() {
        "(generator unknown)".to_owned()
    } else {
        f.generator.clone()
    };
    let type_name = if f.type_name.is_empty() {
        f.types.names()
    } else {
        f.type_name.clone()
    };
    lines.push(Line::from(vec![
        Span::raw(type_name),
        Span::styled(" · ", dim),
        Span::raw(generator),
    ]));

    let mut counts = format!("count {}", display::count(f.count));
    if let Some(distinct) = f.distinct {
        counts.push_str(&format!(" · distinct {}", display::count(distinct)));
    }
    lines.push(Line::from(counts));

    let rate = |label: &'static str, configured: Option<f64>, observed: Option<f64>, n: u64| {
        let style = if deviates(configured, observed, n) {
            theme.style(Role::Mismatch)
        } else {
            Style::default()
        };
        let text = match configured {
            Some(c) => format!(
                "set {} seen {}",
                display::percent(c),
                display::maybe_percent(observed)
            ),
            None => display::maybe_percent(observed),
        };
        vec![Span::styled(label, dim), Span::styled(text, style)]
    };
    let mut spans = rate(
        "null ",
        f.null_rate.configured,
        f.null_rate.observed,
        f.count,
    );
    spans.push(Span::raw("   "));
    spans.extend(rate(
        "absent ",
        f.absent_rate.configured,
        f.absent_rate.observed,
        f.count + f.absent,
    ));
    lines.push(Line::from(spans));

    if let Some((d, measure)) = f.headline() {
        let what = match measure {
            Measure::StringLength | Measure::ArrayLength => "length ",
            _ => "",
        };
        let moments = [
            ("min", display::measure(d.min, measure)),
            ("mean", display::measure(d.mean, measure)),
            ("max", display::measure(d.max, measure)),
            ("sd", display::spread(d.stddev, measure)),
        ];
        lines.extend(labelled_values(what, &moments, dim, width));
        let quantiles: Vec<(&str, String)> = d
            .quantiles
            .labelled()
            .iter()
            .map(|&(l, v)| (l, display::measure(v, measure)))
            .collect();
        lines.extend(labelled_values("", &quantiles, dim, width));
    }
    let cost = match f.cost {
        Some(c) => format!(
            "{} ns per value ({})",
            display::number((c.ns_per_value * 10.0).round() / 10.0),
            display::per_second(c.values_per_second)
        ),
        None => "not measured".into(),
    };
    let labelled = |label: &'static str, text: String| {
        Line::from(vec![Span::styled(label, dim), Span::raw(text)])
    };
    lines.push(labelled("cost ", cost));
    if let Some(c) = &f.children_per_parent {
        lines.push(labelled(
            "children per parent ",
            format!(
                "max {} · top 1% own {}",
                display::count(c.max),
                display::percent(c.top_1pct_share)
            ),
        ));
        lines.push(labelled(
            "parents without children ",
            format!(
                "{} of {}",
                display::percent(c.without_children),
                display::count(c.parent_rows)
            ),
        ));
    }
    lines
}

/// What the last reload did to the field: before → after of its headline figures, or
/// that it is new, or untouched.
fn last_reload(
    after: &FieldSummary,
    change: Change,
    before: Option<&FieldSummary>,
    theme: &Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let changed = theme.style(Role::Changed);
    let before = match (change, before) {
        (Change::Unchanged, _) => {
            return vec![Line::from(Span::styled(
                "unchanged by the last reload",
                theme.style(Role::Dim),
            ))];
        }
        (Change::Added, _) | (Change::Changed, None) => {
            return vec![Line::from(Span::styled(
                "• new in the last reload",
                changed,
            ))];
        }
        (Change::Changed, Some(before)) => before,
    };
    let arrow = |a: String, b: String| {
        if a == b { a } else { format!("{a} → {b}") }
    };
    let mut pairs = vec![
        (
            "null",
            arrow(
                display::maybe_percent(before.null_rate.observed),
                display::maybe_percent(after.null_rate.observed),
            ),
        ),
        (
            "absent",
            arrow(
                display::maybe_percent(before.absent_rate.observed),
                display::maybe_percent(after.absent_rate.observed),
            ),
        ),
    ];
    let count = |d: Option<u64>| d.map_or_else(|| "-".into(), display::count);
    pairs.push((
        "distinct",
        arrow(count(before.distinct), count(after.distinct)),
    ));
    if let (Some((b, measure)), Some((a, _))) = (
        before.headline(),
        after
            .headline()
            .filter(|(_, m)| Some(*m) == before.headline().map(|h| h.1)),
    ) {
        let short = |v: f64| display::measure_short(v, measure);
        pairs.push(("p50", arrow(short(b.quantiles.p50), short(a.quantiles.p50))));
        pairs.push(("mean", arrow(short(b.mean), short(a.mean))));
    }
    let mut lines = vec![Line::from(Span::styled(
        "• changed by the last reload (before → after)",
        changed,
    ))];
    lines.extend(labelled_values("", &pairs, theme.style(Role::Dim), width));
    lines
}

/// `label value` pairs, flowed onto as many lines as `width` needs.
fn labelled_values(
    prefix: &'static str,
    pairs: &[(&str, String)],
    dim: Style,
    width: u16,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    if !prefix.is_empty() {
        spans.push(Span::styled(prefix, dim));
        used = prefix.chars().count();
    }
    for (label, value) in pairs {
        let need = label.chars().count() + 1 + value.chars().count() + 2;
        if used > 0 && used + need > usize::from(width) && !spans.is_empty() {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        spans.push(Span::styled(format!("{label} "), dim));
        spans.push(Span::raw(format!("{value}  ")));
        used += need;
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    lines
}

/// A column chart of the histogram, `height` rows including the axis labels. The
/// previous results' histogram, if given, is drawn faintly where it rises above the new
/// one (re-binned onto the new bins and scaled to the same number of values, so that
/// only the shape is compared).
fn histogram(
    d: &Distribution,
    previous: Option<&Distribution>,
    measure: Measure,
    theme: &Theme,
    width: u16,
    height: usize,
) -> Vec<Line<'static>> {
    if d.min == d.max {
        let value = display::measure(d.min, measure_axis(measure));
        return vec![Line::from(Span::styled(
            format!("every value is {value}"),
            theme.style(Role::Dim),
        ))];
    }
    let width = usize::from(width).max(1);
    let h = &d.histogram;
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
    let before = previous.map(|p| {
        let total: u64 = counts.iter().sum();
        rebin(&p.histogram, &edges, total as f64)
    });
    let bar_width = (width / seen.len().max(1)).clamp(1, 4);
    let peak = seen
        .iter()
        .chain(before.iter().flatten())
        .copied()
        .fold(0.0, f64::max)
        .max(1.0);
    let rows = height.saturating_sub(1).max(1);
    let eighths = |count: f64| (count / peak * (rows * 8) as f64).round() as usize;
    let styles = [theme.style(Role::Bar), theme.style(Role::Dim)];
    let faint = styles[1].fg.unwrap_or(ratatui::style::Color::Reset);
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
            let (glyph, style) = match (level, old) {
                (0, 1..) => (VERTICAL[old], styles[1]),
                // The new bar ends in this cell below the old one: the old one shows
                // as the background above the new bar's top.
                (1..8, _) if old > level => (VERTICAL[level], styles[0].bg(faint)),
                _ => (VERTICAL[level], styles[0]),
            };
            cells.push(glyph, bar_width, style);
        }
        lines.push(cells.into_line());
    }
    let drawn = seen.len() * bar_width;
    // Whole numbers label the last bin by its last value, not by its open upper edge.
    let whole = measure_axis(measure) == Measure::Value
        && [h.start, h.width, d.min, d.max]
            .iter()
            .all(|v| v.fract() == 0.0);
    let upper = if whole {
        h.edge(counts.len()) - 1.0
    } else {
        h.edge(counts.len())
    };
    let low = display::measure_short(h.edge(0), measure_axis(measure));
    let high = display::measure_short(upper, measure_axis(measure));
    let gap = drawn
        .saturating_sub(low.chars().count() + high.chars().count())
        .max(1);
    let axis = format!("{low}{}{high}", " ".repeat(gap));
    lines.push(Line::from(Span::styled(axis, theme.style(Role::Axis))));
    lines
}

/// `histogram`'s counts spread over the bars between `edges` (each bin's count shared
/// out by overlap, as if spread evenly within the bin), scaled to sum to `total` over
/// the whole histogram.
fn rebin(histogram: &crate::stats::Histogram, edges: &[f64], total: f64) -> Vec<f64> {
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

/// A line of chart cells, consecutive cells of one style in one span.
#[derive(Default)]
struct Cells {
    spans: Vec<Span<'static>>,
    text: String,
    style: Style,
}

impl Cells {
    fn push(&mut self, glyph: char, repeat: usize, style: Style) {
        if style != self.style && !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.spans.push(Span::styled(text, self.style));
        }
        self.style = style;
        self.text.extend(std::iter::repeat_n(glyph, repeat));
    }

    fn into_line(mut self) -> Line<'static> {
        if !self.text.is_empty() {
            self.spans.push(Span::styled(self.text, self.style));
        }
        Line::from(self.spans)
    }
}

/// Axis labels name plain numbers for lengths (the pane already says "length").
fn measure_axis(measure: Measure) -> Measure {
    match measure {
        Measure::StringLength | Measure::ArrayLength => Measure::Value,
        other => other,
    }
}

/// Horizontal bars of the most frequent values, at most `height` rows.
fn top_values(f: &FieldSummary, theme: &Theme, width: u16, height: usize) -> Vec<Line<'static>> {
    let present = (f.count - f.nulls).max(1);
    let shown = f.top.len().min(height.max(1));
    let labels: Vec<String> = f.top[..shown]
        .iter()
        .map(|t| display::value(&t.value))
        .collect();
    let width = usize::from(width);
    let label_width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3)
        .max(1);
    let figures_width = 16;
    let bar_room = width.saturating_sub(label_width + figures_width + 2).max(1);
    let peak = f.top.first().map_or(1, |t| t.count).max(1);
    let mut lines = Vec::new();
    for (top, label) in f.top[..shown].iter().zip(labels) {
        let label: String = label.chars().take(label_width).collect();
        let eighths = (top.count as f64 / peak as f64 * (bar_room * 8) as f64).round() as usize;
        let mut bar: String = std::iter::repeat_n('█', eighths / 8).collect();
        if !eighths.is_multiple_of(8) {
            bar.push(HORIZONTAL[eighths % 8]);
        }
        let pad = bar_room.saturating_sub(bar.chars().count());
        let share = display::percent(top.count as f64 / present as f64);
        lines.push(Line::from(vec![
            Span::raw(format!("{label:<label_width$} ")),
            Span::styled(bar, theme.style(Role::Bar)),
            Span::raw(format!(
                "{} {share:>6} {:>8}",
                " ".repeat(pad),
                display::count(top.count)
            )),
        ]));
    }
    let listed: u64 = f.top[..shown].iter().map(|t| t.count).sum();
    let more = f.distinct.unwrap_or(0).saturating_sub(shown as u64);
    if more > 0 && lines.len() < height {
        let rest = present.saturating_sub(listed);
        lines.push(Line::from(Span::styled(
            format!(
                "… {} more values ({})",
                display::count(more),
                display::percent(rest as f64 / present as f64)
            ),
            theme.style(Role::Dim),
        )));
    }
    lines
}
