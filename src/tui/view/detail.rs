//! The detail pane: one field's configuration next to what the sample shows, its
//! quantiles, and a histogram or its most frequent values.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::chart::{self, HORIZONTAL};
use super::{deviates, pane_block};
use crate::stats::rules::RuleSummary;
use crate::stats::{Density, Distribution, Expected, FieldSummary, Measure, display};
use crate::tui::state::{App, Change, LogScale, Pane};
use crate::tui::theme::{Role, Theme};

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
    if let Some(shown) = &table.shown {
        lines.extend(rule_lines(&shown.summary.rules, &field.path, theme));
    }
    if table.previous.is_some() {
        lines.extend(last_reload(field, change, before, theme, inner.width));
    }
    // The chart takes the rest of the pane, at least a few rows.
    let chart_height = usize::from(inner.height)
        .saturating_sub(lines.len() + 1)
        .max(4);
    lines.push(Line::default());
    let headline = field.headline();
    match &field.expected {
        Some(Expected::Values(shares)) if !shares.is_empty() => {
            let present = field.count - field.nulls;
            lines.extend(chart::shares(
                shares,
                present,
                theme,
                inner.width,
                chart_height,
            ));
        }
        _ if field.prefers_top_values() => {
            lines.extend(top_values(field, theme, inner.width, chart_height));
        }
        _ => {
            if let Some((d, measure)) = headline {
                lines.extend(histogram(
                    field,
                    d,
                    measure,
                    before,
                    app.log_scale,
                    theme,
                    inner.width,
                    chart_height,
                ));
            }
        }
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
    match &f.expected {
        Some(Expected::Density(density)) => lines.push(fit_line(density, theme)),
        Some(Expected::Types(shares)) => {
            let present = f.count - f.nulls;
            let mut spans = vec![Span::styled("types ", dim)];
            for share in shares {
                let style = if deviates(Some(share.asked), share.seen, present) {
                    theme.style(Role::Mismatch)
                } else {
                    Style::default()
                };
                spans.push(Span::raw(format!("{} ", share.label)));
                spans.push(Span::styled(
                    format!(
                        "set {} seen {}  ",
                        display::percent(share.asked),
                        display::maybe_percent(share.seen)
                    ),
                    style,
                ));
            }
            lines.push(Line::from(spans));
        }
        _ => {}
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

/// The rules written on the field, each with the share of the sample where it held,
/// and for a `when` the share with a value by the sibling's value.
fn rule_lines(rules: &[RuleSummary], path: &str, theme: &Theme) -> Vec<Line<'static>> {
    let dim = theme.style(Role::Dim);
    let mut lines = Vec::new();
    for rule in rules.iter().filter(|r| r.field == path) {
        let style = if rule.held == rule.objects {
            theme.style(Role::Text)
        } else {
            theme.style(Role::Error)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("rule {} ", rule.kind), dim),
            Span::styled(format!("{:.3}% held", rule.percent()), style),
            Span::styled(
                format!(
                    " ({} of {})",
                    display::count(rule.held),
                    display::count(rule.objects)
                ),
                dim,
            ),
        ]));
        if !rule.by_value.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("  with a value by ", dim),
                Span::raw(rule.value_shares("/").join(" · ")),
            ]));
        }
    }
    lines
}

/// The legend of the expected counts and how well the sample fits them.
fn fit_line(density: &Density, theme: &Theme) -> Line<'static> {
    let dim = theme.style(Role::Dim);
    let mut spans = vec![Span::styled("fit ", dim)];
    match density.fit {
        Some(fit) => {
            let style = if fit.p_value < REJECTED_BELOW {
                theme.style(Role::Mismatch)
            } else {
                Style::default()
            };
            spans.push(Span::styled(
                format!(
                    "χ² p {} ({} df)",
                    p_value(fit.p_value),
                    fit.degrees_of_freedom
                ),
                style,
            ));
        }
        None => spans.push(Span::styled("too few values to test", dim)),
    }
    spans.push(Span::styled(" · ", dim));
    spans.push(Span::styled("─", theme.style(Role::Expected)));
    spans.push(Span::styled(" expected from the configured law", dim));
    Line::from(spans)
}

/// Below this p-value the sample is marked as not following the configured law: a
/// correct generator is marked once in a thousand samples.
const REJECTED_BELOW: f64 = 0.001;

/// A p-value in a few characters: `0.43`, `0.002`, `3e-7`.
fn p_value(p: f64) -> String {
    if p >= 0.001 {
        let text = format!("{p:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else if p > 0.0 {
        format!("{p:.0e}")
    } else {
        "0".into()
    }
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

/// The headline distribution as a column chart: log10 bins where `scale` says, the
/// results before the last reload behind it, the configured law's expected counts
/// over it.
#[allow(clippy::too_many_arguments)]
fn histogram(
    field: &FieldSummary,
    d: &Distribution,
    measure: Measure,
    before: Option<&FieldSummary>,
    scale: LogScale,
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
    let log = scale.applies_to(d);
    let previous = before
        .and_then(FieldSummary::headline)
        .filter(|(_, m)| *m == measure)
        .and_then(|(p, _)| {
            if log {
                p.log_histogram.as_ref()
            } else {
                Some(&p.histogram)
            }
        });
    let density = match &field.expected {
        // A date's law is in the seconds its histogram counts.
        Some(Expected::Density(density))
            if matches!(
                measure,
                Measure::Value | Measure::Seconds(_) | Measure::StringLength | Measure::ArrayLength
            ) =>
        {
            Some(density)
        }
        _ => None,
    };
    let expected = density.and_then(|x| {
        if log {
            x.log_expected.as_deref()
        } else {
            Some(x.expected.as_slice())
        }
    });
    let h = &d.histogram;
    let whole = measure_axis(measure) == Measure::Value
        && [h.start, h.width, d.min, d.max]
            .iter()
            .all(|v| v.fract() == 0.0);
    let histogram = match (&d.log_histogram, log) {
        (Some(log_histogram), true) => log_histogram,
        _ => h,
    };
    let columns = chart::Columns {
        histogram,
        log,
        previous,
        expected,
        whole,
        measure: measure_axis(measure),
    };
    chart::columns(&columns, theme, width, height)
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
