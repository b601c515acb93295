//! The `synthtune stats` report: a plain-text table, or JSON (documented in
//! `docs/stats-json.md`).

use std::fmt::Write;

use serde_json::Value;

use super::display;
use super::summary::{FieldSummary, Summary};

/// Fields with few distinct strings or booleans get a "top values" line in the text
/// report; above this many distinct values the line says little.
const TOP_LINE_MAX_DISTINCT: u64 = 50;

/// A readable plain-text report of one table: a header, the warnings, one line per
/// field, then the most frequent values of enum-like fields.
pub fn render_text(summary: &Summary) -> String {
    let mut out = String::new();
    let source = summary
        .source
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{source}: {} rows, seed {}",
        summary.table,
        display::count(summary.rows),
        summary.seed
    );
    if summary.noisy_rows > 0 {
        let _ = writeln!(
            out,
            "{} rows hold deliberately invalid values (noise)",
            display::count(summary.noisy_rows)
        );
    }
    if !summary.warnings.is_empty() {
        let _ = writeln!(out, "{} warning(s):", summary.warnings.len());
        for warning in &summary.warnings {
            let _ = writeln!(out, "  {warning}");
        }
    }
    if !summary.inferred.is_empty() {
        let _ = writeln!(
            out,
            "{} from field names (information):",
            summary.inferred.len()
        );
        for line in &summary.inferred {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push('\n');

    let headers = [
        "FIELD", "TYPE", "COUNT", "NULL%", "ABSENT%", "DISTINCT", "MIN", "P50", "MAX", "VALUES/S",
    ];
    let right = [false, false, true, true, true, true, true, true, true, true];
    let shown: Vec<&FieldSummary> = summary
        .fields
        .iter()
        .filter(|f| !f.is_plain_object())
        .collect();
    let rows: Vec<[String; 10]> = shown.iter().map(|f| field_row(f)).collect();
    out.push_str(&columns(&headers, &rows, &right));

    let enum_like: Vec<&&FieldSummary> = shown
        .iter()
        .filter(|f| {
            f.prefers_top_values() && f.distinct.is_some_and(|d| d <= TOP_LINE_MAX_DISTINCT)
        })
        .collect();
    if !enum_like.is_empty() {
        out.push_str("\nTop values:\n");
        for field in enum_like {
            let present = field.count - field.nulls;
            let values: Vec<String> = field
                .top
                .iter()
                .map(|t| {
                    format!(
                        "{} {}",
                        display::value(&t.value),
                        display::percent(t.count as f64 / present as f64)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  {}: {}",
                display::path_label(&field.path),
                values.join(", ")
            );
        }
    }
    let keys: Vec<&&FieldSummary> = shown
        .iter()
        .filter(|f| f.children_per_parent.is_some())
        .collect();
    if !keys.is_empty() {
        out.push_str("\nForeign keys (children per parent, in this sample):\n");
        for field in keys {
            let Some(c) = &field.children_per_parent else {
                continue;
            };
            let buckets: Vec<String> = c
                .histogram
                .iter()
                .map(|[low, high, parents]| {
                    let range = if low == high {
                        low.to_string()
                    } else {
                        format!("{low}-{high}")
                    };
                    format!("{range}: {}", display::count(*parents))
                })
                .collect();
            let _ = writeln!(
                out,
                "  {} -> {} ({} rows): {} children, max {} per parent, {} of parents without, top 1% own {}\n    parents by children: {}",
                display::path_label(&field.path),
                c.parent,
                display::count(c.parent_rows),
                display::count(c.children),
                display::count(c.max),
                display::percent(c.without_children),
                display::percent(c.top_1pct_share),
                buckets.join(", ")
            );
        }
    }
    if !summary.rules.is_empty() {
        out.push_str("\nRules (held in this sample):\n");
        for rule in &summary.rules {
            let _ = writeln!(
                out,
                "  {:>8} {} {} ({} of {} objects): {}",
                format!("{:.3}%", rule.percent()),
                display::path_label(&rule.field),
                rule.kind,
                display::count(rule.held),
                display::count(rule.objects),
                rule.rule
            );
            if !rule.by_value.is_empty() {
                let shares = rule.value_shares(" of ").join(", ");
                let _ = writeln!(out, "           with a value, by {shares}");
            }
        }
    }
    out
}

/// The cells of one field's line.
fn field_row(f: &FieldSummary) -> [String; 10] {
    let headline = f.headline();
    let extreme = |pick: fn(&super::Distribution) -> f64| {
        headline.map_or_else(
            || "-".to_owned(),
            |(d, m)| display::measure_short(pick(d), m),
        )
    };
    [
        display::path_label(&f.path).to_owned(),
        f.type_name.clone(),
        display::count(f.count),
        display::configured_vs_observed(f.null_rate.configured, f.null_rate.observed),
        display::configured_vs_observed(f.absent_rate.configured, f.absent_rate.observed),
        f.distinct.map_or_else(|| "-".to_owned(), display::count),
        extreme(|d| d.min),
        display::typical(f),
        extreme(|d| d.max),
        f.cost.map_or_else(
            || "-".to_owned(),
            |c| display::per_second(c.values_per_second),
        ),
    ]
}

/// Lays out cells in columns two spaces apart.
fn columns<const N: usize>(headers: &[&str; N], rows: &[[String; N]], right: &[bool; N]) -> String {
    let mut widths = headers.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            if right[i] {
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// The summary as the `stats --json` document of one table.
pub fn to_json(summary: &Summary) -> Value {
    // Serialising plain structs of numbers and strings into a Value cannot fail.
    serde_json::to_value(summary).unwrap_or(Value::Null)
}
