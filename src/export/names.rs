//! What csv headers and sql call the columns (and sql the tables): the dotted path of
//! the field (`"billing_address.city"`, quoted in sql), or with `--column-names snake` a
//! snake_case name (`billing_address_city`) that a query can use without quotes. Two
//! fields whose snake names are one are refused, with both paths named.

use super::ExportError;
use super::flat::FlatLayout;

/// How columns are named in csv headers and sql (`--column-names`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColumnNames {
    /// The field's dotted path (`address.city`), tables by their title; quoted in sql.
    #[default]
    Dotted,
    /// snake_case (`address_city`, table `order_item`); quoted in sql only where a name
    /// is a keyword (`"order"`, `"user"`) or holds other than `a-z`, `0-9` and `_`.
    Snake,
}

impl ColumnNames {
    /// The name of a column (a dotted path) or a table, before any quoting.
    pub(crate) fn name<'a>(self, name: &'a str) -> std::borrow::Cow<'a, str> {
        match self {
            ColumnNames::Dotted => name.into(),
            ColumnNames::Snake => snake_case(name).into(),
        }
    }

    /// The name as an SQL identifier: double-quoted (quotes doubled) unless it is a
    /// snake name that needs no quotes.
    pub(crate) fn sql_identifier(self, name: &str) -> String {
        let name = self.name(name);
        if self == ColumnNames::Snake && is_bare_identifier(&name) {
            name.into_owned()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    }

    /// Refuses two columns of `table` with one name (only snake names can meet).
    pub(crate) fn check(self, table: &str, layout: &FlatLayout) -> Result<(), ExportError> {
        if self == ColumnNames::Dotted {
            return Ok(());
        }
        let mut seen: std::collections::HashMap<String, &str> = Default::default();
        for column in &layout.columns {
            let name = self.name(&column.name).into_owned();
            if let Some(first) = seen.insert(name.clone(), &column.name) {
                return Err(ExportError::ColumnNameClash {
                    table: table.to_owned(),
                    name,
                    first: first.to_owned(),
                    second: column.name.clone(),
                });
            }
        }
        Ok(())
    }
}

/// `billingAddress.city` → `billing_address_city`: words split at separators (anything
/// but letters and digits) and at case changes (`HTTPServer` → `http_server`), lowercased,
/// joined by one `_`; a leading digit gets a `_` before it, and a name with no letter or
/// digit is `_`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    let mut pending_gap = false;
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            pending_gap = true;
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let word_starts = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if !out.is_empty() && (pending_gap || word_starts) {
            out.push('_');
        }
        pending_gap = false;
        out.extend(c.to_lowercase());
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `[a-z_][a-z0-9_]*` and not a keyword of PostgreSQL or SQLite: usable unquoted in
/// both, and what PostgreSQL folds an unquoted name to.
fn is_bare_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && KEYWORDS.binary_search(&name).is_err()
}

/// PostgreSQL's reserved keywords (and those that cannot name a column) and SQLite's
/// keywords, lowercase and sorted: quoted wherever they name something.
const KEYWORDS: &[&str] = &[
    "abort",
    "action",
    "add",
    "after",
    "all",
    "alter",
    "always",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "attach",
    "authorization",
    "autoincrement",
    "before",
    "begin",
    "between",
    "binary",
    "both",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "commit",
    "concurrently",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "do",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "false",
    "fetch",
    "filter",
    "first",
    "following",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "generated",
    "glob",
    "grant",
    "group",
    "groups",
    "having",
    "if",
    "ignore",
    "ilike",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "last",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "match",
    "materialized",
    "natural",
    "no",
    "not",
    "nothing",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "others",
    "outer",
    "over",
    "overlaps",
    "partition",
    "placing",
    "plan",
    "pragma",
    "preceding",
    "primary",
    "query",
    "raise",
    "range",
    "recursive",
    "references",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "returning",
    "right",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "temp",
    "temporary",
    "then",
    "ties",
    "to",
    "trailing",
    "transaction",
    "trigger",
    "true",
    "unbounded",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "vacuum",
    "values",
    "variadic",
    "verbose",
    "view",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "without",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        for (path, snake) in [
            ("billing_address.city", "billing_address_city"),
            ("billingAddress.city", "billing_address_city"),
            ("HTTPServer", "http_server"),
            ("Order", "order"),
            ("OrderItem", "order_item"),
            ("trace.duration_ms", "trace_duration_ms"),
            ("a  b--c", "a_b_c"),
            ("_private", "private"),
            ("v2Count", "v2_count"),
            ("2fa", "_2fa"),
            ("$", "_"),
            ("Straße.Nr", "straße_nr"),
        ] {
            assert_eq!(snake_case(path), snake, "{path}");
        }
    }

    #[test]
    fn keywords_are_sorted_and_quoted() {
        assert!(
            KEYWORDS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        let sql = |name: &str| ColumnNames::Snake.sql_identifier(name);
        assert_eq!(sql("address.city"), "address_city");
        assert_eq!(sql("Order"), "\"order\"");
        assert_eq!(sql("user"), "\"user\"");
        assert_eq!(sql("Straße"), "\"straße\"");
        assert_eq!(ColumnNames::Dotted.sql_identifier("a.b"), "\"a.b\"");
        assert_eq!(ColumnNames::Dotted.sql_identifier("q\"x"), "\"q\"\"x\"");
    }
}
