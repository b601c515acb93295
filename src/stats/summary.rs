//! The result of summarising a sample: an immutable snapshot, serialisable as the
//! `synthtune stats --json` document (see `docs/stats-json.md`).

use serde::Serialize;
use serde_json::Value;

use super::distribution::Distribution;
use super::fit::Expected;
use super::rules::RuleSummary;
use super::temporal::TemporalKind;

/// Statistics of one table's sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The table's name (the schema's `title`).
    pub table: String,
    /// The schema file, when the table came from one.
    pub source: Option<String>,
    pub seed: u64,
    /// Rows generated for the sample.
    pub rows: u64,
    /// Rows holding deliberately invalid values (the `noise` knob).
    pub noisy_rows: u64,
    /// The table's diagnostics (ignored keywords, fallbacks), one line each.
    pub warnings: Vec<String>,
    /// What was guessed from field names (`inferred: ...` lines of `check`), and the
    /// guesses not made (`note: ...: not inferred: ...`): information, not warnings.
    pub inferred: Vec<String>,
    /// Every field: first those the schema lists, in schema order, then paths only
    /// seen in the data, in tree order.
    pub fields: Vec<FieldSummary>,
    /// Every cross-field rule, with how often it held in the sample.
    pub rules: Vec<RuleSummary>,
}

/// Statistics of one field path, e.g. `items[].unit_price`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldSummary {
    /// Dotted path, `[]` for array elements, `.*` for keys beyond the first 32 of an
    /// object not listed by the schema; the root is `""`.
    pub path: String,
    /// Whether the schema's field list names this path (else it was only observed).
    pub listed: bool,
    /// The configured JSON type(s), or the observed ones joined by `|`.
    pub type_name: String,
    /// The configured generator, `""` if unknown.
    pub generator: String,
    /// JSON Pointer of the field's schema, `""` if unknown.
    pub pointer: String,
    /// What the statistics describe: the most frequent non-null type.
    pub kind: ValueKind,
    /// Values present (nulls included).
    pub count: u64,
    pub nulls: u64,
    /// Objects holding this path's parent that lacked the key.
    pub absent: u64,
    /// Share of present values that are null: configured vs observed.
    pub null_rate: Rate,
    /// Share of parent objects without the key: configured vs observed.
    pub absent_rate: Rate,
    pub types: TypeCounts,
    /// Distinct non-null scalar values (exact); `None` for objects and arrays.
    pub distinct: Option<u64>,
    /// Numbers (integers and floats together).
    pub numbers: Option<Distribution>,
    /// Dates, date-times or times in seconds (see [`ValueKind`] for which): date-time
    /// as Unix seconds, date as the Unix seconds of its midnight UTC, time as seconds
    /// since midnight.
    pub temporal: Option<Distribution>,
    /// String lengths in code points (not given for temporal fields).
    pub string_lengths: Option<Distribution>,
    /// Array lengths.
    pub array_lengths: Option<Distribution>,
    /// The most frequent scalar values, most frequent first (ties in value order).
    pub top: Vec<TopValue>,
    /// Generation cost, when measured.
    pub cost: Option<Cost>,
    /// For a foreign key: how its values spread over the parent rows.
    pub children_per_parent: Option<ChildrenPerParent>,
    /// The configured law beside the observed one (the tuner's; not in `stats --json`).
    #[serde(skip)]
    pub expected: Option<Expected>,
}

/// How the sampled children of a foreign key spread over the parent's rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildrenPerParent {
    /// `Table.field`.
    pub parent: String,
    pub parent_rows: u64,
    /// Non-null values of the field in the sample.
    pub children: u64,
    /// Share of the parent rows that no sampled child references.
    pub without_children: f64,
    /// The most children one parent has.
    pub max: u64,
    /// Share of the children that belong to the busiest 1 % of the parent rows (at least
    /// one row).
    pub top_1pct_share: f64,
    /// Parents by how many children they have: `[low, high, parents]`, for 0, 1, 2–3,
    /// 4–7, ... children.
    pub histogram: Vec<[u64; 3]>,
}

impl ChildrenPerParent {
    /// From the number of children of each parent that has any.
    pub fn from_counts(
        parent: String,
        parent_rows: u64,
        mut counts: Vec<u64>,
    ) -> ChildrenPerParent {
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let children: u64 = counts.iter().sum();
        let with_children = (counts.len() as u64).min(parent_rows);
        let top = (parent_rows.div_ceil(100)).max(1) as usize;
        let top_children: u64 = counts.iter().take(top).sum();
        let mut histogram = vec![[0, 0, parent_rows - with_children]];
        for &count in &counts {
            let bucket = 64 - count.leading_zeros() as usize; // 1 → 1, 2..3 → 2, 4..7 → 3
            while histogram.len() <= bucket {
                let low = 1u64 << (histogram.len() - 1);
                histogram.push([low, low * 2 - 1, 0]);
            }
            histogram[bucket][2] += 1;
        }
        let share = |part: u64, whole: u64| {
            if whole == 0 {
                0.0
            } else {
                part as f64 / whole as f64
            }
        };
        ChildrenPerParent {
            parent,
            parent_rows,
            children,
            without_children: share(parent_rows - with_children, parent_rows),
            max: counts.first().copied().unwrap_or(0),
            top_1pct_share: share(top_children, children),
            histogram,
        }
    }
}

/// A configured share next to the observed one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub configured: Option<f64>,
    /// `None` when nothing could be observed (no values, no parent objects).
    pub observed: Option<f64>,
}

/// How many values of each JSON type were seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    pub null: u64,
    pub boolean: u64,
    pub integer: u64,
    pub number: u64,
    pub string: u64,
    pub array: u64,
    pub object: u64,
}

impl TypeCounts {
    /// The names of the types seen, in JSON Schema spelling, joined by `|`.
    pub fn names(&self) -> String {
        let all = [
            ("integer", self.integer),
            ("number", self.number),
            ("string", self.string),
            ("boolean", self.boolean),
            ("array", self.array),
            ("object", self.object),
            ("null", self.null),
        ];
        let seen: Vec<&str> = all
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(name, _)| *name)
            .collect();
        seen.join("|")
    }
}

/// The kind of values a field's statistics describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    /// Nothing observed.
    None,
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Date,
    DateTime,
    Time,
    Array,
    Object,
}

impl ValueKind {
    pub fn temporal(self) -> Option<TemporalKind> {
        match self {
            ValueKind::Date => Some(TemporalKind::Date),
            ValueKind::DateTime => Some(TemporalKind::DateTime),
            ValueKind::Time => Some(TemporalKind::Time),
            _ => None,
        }
    }
}

/// One of the most frequent values and how often it occurred.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopValue {
    pub value: Value,
    pub count: u64,
}

/// What generating one value of the field costs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cost {
    pub ns_per_value: f64,
    pub values_per_second: f64,
}

impl Cost {
    /// `None` for a non-positive or non-finite measurement.
    pub fn from_ns(ns_per_value: f64) -> Option<Cost> {
        (ns_per_value.is_finite() && ns_per_value > 0.0).then(|| Cost {
            ns_per_value,
            values_per_second: 1e9 / ns_per_value,
        })
    }
}

/// Which of a field's distributions is its headline, and what its numbers measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Value,
    Seconds(TemporalKind),
    StringLength,
    ArrayLength,
}

impl FieldSummary {
    /// The distribution that best describes the field, with what it measures.
    pub fn headline(&self) -> Option<(&Distribution, Measure)> {
        if let Some(kind) = self.kind.temporal() {
            return self.temporal.as_ref().map(|d| (d, Measure::Seconds(kind)));
        }
        let numbers = self.numbers.as_ref().map(|d| (d, Measure::Value));
        let strings = self
            .string_lengths
            .as_ref()
            .map(|d| (d, Measure::StringLength));
        let arrays = self
            .array_lengths
            .as_ref()
            .map(|d| (d, Measure::ArrayLength));
        match self.kind {
            ValueKind::Integer | ValueKind::Number => numbers.or(strings).or(arrays),
            ValueKind::Array => arrays.or(numbers).or(strings),
            _ => strings.or(numbers).or(arrays),
        }
    }

    /// Whether `other` shows the same statistics: every count, rate, distribution and
    /// top value equal (exactly). What the field is called and how it is described
    /// (generator, pointer) and the timed cost are left out: a save that only renames a
    /// generator's label or a rerun that times differently changed no value.
    pub fn same_statistics(&self, other: &FieldSummary) -> bool {
        self.kind == other.kind
            && self.count == other.count
            && self.nulls == other.nulls
            && self.absent == other.absent
            && self.types == other.types
            && self.distinct == other.distinct
            && self.numbers == other.numbers
            && self.temporal == other.temporal
            && self.string_lengths == other.string_lengths
            && self.array_lengths == other.array_lengths
            && self.top == other.top
            && self.children_per_parent == other.children_per_parent
    }

    /// An object that is never null nor absent: its row in a table says nothing its
    /// children do not (the root, array elements of object type).
    pub fn is_plain_object(&self) -> bool {
        self.kind == ValueKind::Object && self.nulls == 0 && self.absent == 0
    }

    /// Whether top values say more than a histogram: booleans, and strings (not
    /// temporal) of which some value repeats (all-distinct strings get a length
    /// histogram instead).
    pub fn prefers_top_values(&self) -> bool {
        match (self.kind, self.top.first()) {
            (ValueKind::Boolean, Some(_)) => true,
            (ValueKind::String, Some(most)) => most.count > 1,
            _ => false,
        }
    }
}

impl Summary {
    /// The summary with generation costs (ns per value, index-aligned with the schema's
    /// field list, as [`crate::Table::field_costs`] returns them) filled in. A cost list
    /// of another length than the listed fields is ignored: it belongs to another schema
    /// (or measures nothing, as an empty one).
    pub fn with_costs(mut self, costs: &[f64]) -> Summary {
        let listed = self.fields.iter().filter(|f| f.listed).count();
        if costs.len() == listed {
            for (field, &ns) in self.fields.iter_mut().filter(|f| f.listed).zip(costs) {
                field.cost = Cost::from_ns(ns);
            }
        }
        self
    }

    /// The field at `path`.
    pub fn field(&self, path: &str) -> Option<&FieldSummary> {
        self.fields.iter().find(|f| f.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::ChildrenPerParent;

    /// Ten parents, four with children (5, 2, 1, 1): the rest have none; the busiest 1 %
    /// (one row) owns 5 of 9 children.
    #[test]
    fn children_per_parent_from_counts() {
        let c = ChildrenPerParent::from_counts("P.id".into(), 10, vec![1, 5, 2, 1]);
        assert_eq!(c.children, 9);
        assert_eq!(c.max, 5);
        assert!((c.without_children - 0.6).abs() < 1e-12);
        assert!((c.top_1pct_share - 5.0 / 9.0).abs() < 1e-12);
        assert_eq!(
            c.histogram,
            vec![[0, 0, 6], [1, 1, 2], [2, 3, 1], [4, 7, 1]]
        );
        let parents: u64 = c.histogram.iter().map(|b| b[2]).sum();
        assert_eq!(parents, 10);
    }
}
