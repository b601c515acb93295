//! The detail pane: one field's configuration next to what the sample shows, its
//! quantiles, and a histogram or its most frequent values.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{deviates, pane_block};
use crate::stats::{Distribution, FieldSummary, Measure, display};
use crate::tui::state::{App, Pane};
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
    let mut lines = facts(field, theme, inner.width);
    // The chart takes the rest of the pane, at least a few rows.
    let chart_height = usize::from(inner.height)
        .saturating_sub(lines.len() + 1)
        .max(4);
    lines.push(Line::default());
    if field.prefers_top_values() {
        lines.extend(top_values(field, theme, inner.width, chart_height));
    } else if let Some((distribution, measure)) = field.headline() {
        lines.extend(histogram(
            distribution,
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

/// A column chart of the histogram, `height` rows including the axis labels.
fn histogram(
    d: &Distribution,
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
    let counts = &d.histogram.counts;
    // Merge neighbouring bins when there are more bins than columns.
    let merge = counts.len().div_ceil(width).max(1);
    let bars: Vec<u64> = counts.chunks(merge).map(|c| c.iter().sum()).collect();
    let bar_width = (width / bars.len().max(1)).clamp(1, 4);
    let peak = bars.iter().copied().max().unwrap_or(0).max(1);
    let rows = height.saturating_sub(1).max(1);
    let bar_style = theme.style(Role::Bar);
    let mut lines = Vec::with_capacity(height);
    for row in (0..rows).rev() {
        let mut text = String::with_capacity(bars.len() * bar_width);
        for &count in &bars {
            let eighths = (count as f64 / peak as f64 * (rows * 8) as f64).round() as usize;
            let level = eighths.saturating_sub(row * 8).min(8);
            // A non-empty bin always shows at least a sliver.
            let level = if row == 0 && count > 0 {
                level.max(1)
            } else {
                level
            };
            text.extend(std::iter::repeat_n(VERTICAL[level], bar_width));
        }
        lines.push(Line::from(Span::styled(text, bar_style)));
    }
    let drawn = bars.len() * bar_width;
    // Whole numbers label the last bin by its last value, not by its open upper edge.
    let h = &d.histogram;
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
