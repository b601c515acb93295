//! How often each cross-field rule holds in a sample: checked on the generated records
//! themselves, not taken from the generator's word, so a broken rule shows as less than
//! 100 %. A `when` also gets its conditional shares: for each value of the sibling it
//! reads, how many objects had it and how many of those gave the field a value.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::generate::rule::{Direction, RuleCheck, RuleInfo, Scale};
use crate::{Dataset, GenerationError, Table};

/// One rule's tally over a sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSummary {
    /// The field the rule is written on (`canceled_at`, `items[].shipped_at`).
    pub field: String,
    /// The rule, as `check` describes the field's generator.
    pub rule: String,
    /// `"after"`, `"before"`, `"when"` or `"derive"`.
    pub kind: &'static str,
    /// Objects the rule applied to: for an ordering, those where both fields have a
    /// value; for `when`, every object that holds the field's key or could.
    pub objects: u64,
    /// Of those, the ones where it held.
    pub held: u64,
    /// For `when`: per value of the first sibling it reads (JSON text, `null` for null
    /// or absent), how many objects had it and how many of them gave the field a value.
    pub by_value: Vec<ValueShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueShare {
    pub value: String,
    pub objects: u64,
    pub with_value: u64,
}

impl RuleSummary {
    /// Each sibling value with how many of its objects had a value, as
    /// `"canceled" 1,012{between}1,012`.
    pub fn value_shares(&self, between: &str) -> Vec<String> {
        self.by_value
            .iter()
            .map(|s| {
                format!(
                    "{} {}{between}{}",
                    s.value,
                    crate::stats::display::count(s.with_value),
                    crate::stats::display::count(s.objects)
                )
            })
            .collect()
    }

    /// The share of objects where the rule held, in percent (100 when it applied to none).
    pub fn percent(&self) -> f64 {
        if self.objects == 0 {
            100.0
        } else {
            100.0 * self.held as f64 / self.objects as f64
        }
    }
}

/// Parent rows a rule across tables reads, looked up as a join would: rows of the
/// parent table, generated again, by the value of the key the foreign key names. At
/// most this many of them: a child whose parent lies past them is not counted.
pub const PARENT_ROWS_JOINED: u64 = 200_000;

/// Tallies every rule of `table` on rows `0..rows` (each generated again as a value;
/// only tables with rules pay for it). `dataset` holds `table` at index `at` and the
/// parents that rules across tables read (without it, those rules count no object).
pub fn tally(
    table: &Table,
    linked: Option<(&Dataset, usize)>,
    seed: u64,
    rows: u64,
) -> Result<Vec<RuleSummary>, GenerationError> {
    let rules = table.plan().rules();
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let mut tallies: Vec<RuleSummary> = rules.iter().map(start).collect();
    let joins = match linked {
        Some((dataset, at)) => ParentValues::join_all(dataset, at, &rules, seed),
        None => Vec::new(),
    };
    let parents: Vec<Option<ParentField>> = rules
        .iter()
        .map(|rule| ParentValues::field_for(&joins, linked, rule))
        .collect();
    for row in 0..rows {
        let record = table.try_row_value(seed, row)?;
        for ((rule, tally), parent) in rules.iter().zip(&mut tallies).zip(&parents) {
            for object in objects_at(&record, &rule.object) {
                check(rule, object, *parent, tally);
            }
        }
    }
    for tally in &mut tallies {
        tally.by_value.sort_by(|a, b| {
            b.objects
                .cmp(&a.objects)
                .then_with(|| a.value.cmp(&b.value))
        });
    }
    Ok(tallies)
}

/// The parent rows the orderings across tables read, one join per relation however
/// many of its rules read it: each parent field they name, by the value of the parent's
/// key (as JSON text).
struct ParentValues {
    /// The relation's index in the dataset, and the parent fields its rules read.
    relation: usize,
    fields: Vec<String>,
    /// Each key's row: its values of `fields`, in their order.
    by_key: HashMap<String, Vec<Value>>,
}

/// One rule's parent field, in its relation's join.
#[derive(Clone, Copy)]
struct ParentField<'j> {
    values: &'j ParentValues,
    field: usize,
}

impl<'j> ParentField<'j> {
    fn value(self, key: &Value) -> Option<&'j Value> {
        self.values.by_key.get(&key.to_string())?.get(self.field)
    }
}

/// The relation of `rule` in `dataset`, and the parent field it reads, where it is an
/// ordering across tables and the child's (`child`) foreign key is linked there.
fn parent_field_of<'r>(
    dataset: &Dataset,
    child: usize,
    rule: &'r RuleInfo,
) -> Option<(usize, &'r str)> {
    let RuleCheck::ParentOrder { via, field, .. } = &rule.check else {
        return None;
    };
    let via_path = match rule.object.as_str() {
        "" => via.clone(),
        object => format!("{object}.{via}"),
    };
    let relation = dataset
        .relations
        .iter()
        .position(|r| r.child == child && r.child_field == via_path)?;
    Some((relation, field))
}

impl ParentValues {
    /// The joins `rules` read, one per relation.
    fn join_all(
        dataset: &Dataset,
        child: usize,
        rules: &[RuleInfo],
        seed: u64,
    ) -> Vec<ParentValues> {
        let mut joins: Vec<ParentValues> = Vec::new();
        for (relation, field) in rules
            .iter()
            .filter_map(|r| parent_field_of(dataset, child, r))
        {
            let join = match joins.iter_mut().find(|j| j.relation == relation) {
                Some(join) => join,
                None => {
                    joins.push(ParentValues {
                        relation,
                        fields: Vec::new(),
                        by_key: HashMap::new(),
                    });
                    joins.last_mut().expect("just pushed")
                }
            };
            if !join.fields.iter().any(|f| f == field) {
                join.fields.push(field.to_owned());
            }
        }
        for join in &mut joins {
            join.fill(dataset, seed);
        }
        joins
    }

    /// Generates the parent rows again and keeps their fields by key.
    fn fill(&mut self, dataset: &Dataset, seed: u64) {
        let relation = &dataset.relations[self.relation];
        let parent = &dataset.tables[relation.parent];
        let rows = dataset.rows[relation.parent].min(PARENT_ROWS_JOINED);
        for row in 0..rows {
            // A parent row without a valid value has no key a child could hold.
            let Ok(record) = parent.try_row_value(seed, row) else {
                continue;
            };
            let Some(key) = value_at(&record, &relation.parent_field) else {
                continue;
            };
            let values = self
                .fields
                .iter()
                .map(|f| value_at(&record, f).cloned().unwrap_or(Value::Null))
                .collect();
            self.by_key.insert(key.to_string(), values);
        }
    }

    /// The field `rule` reads among `joins`.
    fn field_for<'j>(
        joins: &'j [ParentValues],
        linked: Option<(&Dataset, usize)>,
        rule: &RuleInfo,
    ) -> Option<ParentField<'j>> {
        let (dataset, child) = linked?;
        let (relation, field) = parent_field_of(dataset, child, rule)?;
        let values = joins.iter().find(|j| j.relation == relation)?;
        let field = values.fields.iter().position(|f| f == field)?;
        Some(ParentField { values, field })
    }
}

/// The value at a dotted path of plain objects (`signup_at`, `address.city`).
fn value_at<'r>(record: &'r Value, path: &str) -> Option<&'r Value> {
    path.split('.')
        .try_fold(record, |value, name| value.get(name))
}

fn start(rule: &RuleInfo) -> RuleSummary {
    let kind = match &rule.check {
        RuleCheck::Order {
            direction: Direction::After,
            ..
        }
        | RuleCheck::ParentOrder {
            direction: Direction::After,
            ..
        } => "after",
        RuleCheck::Order {
            direction: Direction::Before,
            ..
        }
        | RuleCheck::ParentOrder {
            direction: Direction::Before,
            ..
        } => "before",
        RuleCheck::When { .. } => "when",
        RuleCheck::Derive { .. } => "derive",
    };
    RuleSummary {
        field: rule.path.clone(),
        rule: rule.label.clone(),
        kind,
        objects: 0,
        held: 0,
        by_value: Vec::new(),
    }
}

/// The objects at `path` in `record` (`""` is the record, `items[]` each element of
/// `items`, `a.b` a nested object).
fn objects_at<'r>(record: &'r Value, path: &str) -> Vec<&'r Map<String, Value>> {
    let mut here = vec![record];
    if !path.is_empty() {
        for segment in path.split('.') {
            let (name, elements) = match segment.strip_suffix("[]") {
                Some(name) => (name, true),
                None => (segment, false),
            };
            let mut next = Vec::new();
            for value in here {
                // An element path starts with `[]` when the record itself is an array.
                let value = if name.is_empty() {
                    Some(value)
                } else {
                    value.get(name)
                };
                match (value, elements) {
                    (Some(Value::Array(items)), true) => next.extend(items),
                    (Some(v), false) => next.push(v),
                    _ => {}
                }
            }
            here = next;
        }
    }
    here.into_iter().filter_map(Value::as_object).collect()
}

fn check(
    rule: &RuleInfo,
    object: &Map<String, Value>,
    parent: Option<ParentField>,
    tally: &mut RuleSummary,
) {
    let value = object.get(&rule.field).filter(|v| !v.is_null());
    // Where both the field and what it is ordered against have a value, whether the
    // gap is within its bounds.
    let mut ordered = |base: Option<&Value>, direction, scale: Scale, gaps: (i64, i64)| {
        let (Some(value), Some(base)) = (value, base) else {
            return;
        };
        let (Some(value), Some(base)) = (scale.read(value), scale.read(base)) else {
            return;
        };
        tally.objects += 1;
        let gap = match direction {
            Direction::After => value - base,
            Direction::Before => base - value,
        };
        tally.held += u64::from((gaps.0..=gaps.1).contains(&gap));
    };
    match &rule.check {
        RuleCheck::Order {
            source,
            direction,
            scale,
            gap_min,
            gap_max,
        } => ordered(object.get(source), *direction, *scale, (*gap_min, *gap_max)),
        RuleCheck::ParentOrder {
            via,
            direction,
            scale,
            gap_min,
            gap_max,
            ..
        } => {
            let base = parent.and_then(|p| p.value(object.get(via)?));
            ordered(base, *direction, *scale, (*gap_min, *gap_max))
        }
        RuleCheck::Derive { formula } => {
            let Some(value) = value else { return };
            let Some(held) = formula.holds(value, |name| object.get(name)) else {
                return;
            };
            tally.objects += 1;
            tally.held += u64::from(held);
        }
        RuleCheck::When { tests } => {
            let holds = tests
                .iter()
                .all(|(name, values)| values.contains(object.get(name).unwrap_or(&Value::Null)));
            tally.objects += 1;
            tally.held += u64::from(holds == value.is_some());
            let Some((first, _)) = tests.first() else {
                return;
            };
            let seen = object.get(first).unwrap_or(&Value::Null).to_string();
            let share = match tally.by_value.iter_mut().find(|s| s.value == seen) {
                Some(share) => share,
                None => {
                    tally.by_value.push(ValueShare {
                        value: seen,
                        objects: 0,
                        with_value: 0,
                    });
                    tally.by_value.last_mut().expect("just pushed")
                }
            };
            share.objects += 1;
            share.with_value += u64::from(value.is_some());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::generate::temporal::TemporalKind;

    fn rule(object: &str, check: RuleCheck) -> RuleInfo {
        RuleInfo {
            path: format!("{object}.b"),
            object: object.into(),
            field: "b".into(),
            label: String::new(),
            check,
        }
    }

    /// The tally reads the records, not the generator: a record that breaks a rule
    /// counts against it.
    #[test]
    fn a_record_that_breaks_a_rule_counts_against_it() {
        let order = rule(
            "items[]",
            RuleCheck::Order {
                source: "a".into(),
                direction: Direction::After,
                scale: Scale::Temporal(TemporalKind::Date),
                gap_min: 1,
                gap_max: 10,
            },
        );
        let record = json!({"items": [
            {"a": "2024-01-01", "b": "2024-01-05"},
            {"a": "2024-01-01", "b": "2024-01-01"},
            {"a": "2024-01-01", "b": null},
        ]});
        let mut tally = start(&order);
        for object in objects_at(&record, &order.object) {
            check(&order, object, None, &mut tally);
        }
        assert_eq!((tally.held, tally.objects), (1, 2));

        let when = rule(
            "x",
            RuleCheck::When {
                tests: vec![("s".into(), vec![json!("on")])],
            },
        );
        let record = json!({"x": {"s": "off", "b": 3}});
        let mut tally = start(&when);
        for object in objects_at(&record, &when.object) {
            check(&when, object, None, &mut tally);
        }
        assert_eq!((tally.held, tally.objects), (0, 1));
        assert_eq!(
            tally.by_value,
            vec![ValueShare {
                value: "\"off\"".into(),
                objects: 1,
                with_value: 1
            }]
        );
    }

    /// An ordering across tables reads the parent row the foreign key names: a child
    /// before its parent's date counts against the rule, one whose parent is not among
    /// the joined rows (or has no date) is not counted.
    #[test]
    fn an_ordering_across_tables_joins_on_the_key() {
        let order = rule(
            "",
            RuleCheck::ParentOrder {
                via: "customer_id".into(),
                table: "Customer".into(),
                field: "signup_on".into(),
                direction: Direction::After,
                scale: Scale::Temporal(TemporalKind::Date),
                gap_min: 0,
                gap_max: 30,
            },
        );
        let parents = ParentValues {
            relation: 0,
            fields: vec!["signup_on".into()],
            by_key: [("1", json!("2024-01-10")), ("2", json!(null))]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), vec![v]))
                .collect(),
        };
        let parent = ParentField {
            values: &parents,
            field: 0,
        };
        let mut tally = start(&order);
        for record in [
            json!({"customer_id": 1, "b": "2024-01-12"}),
            json!({"customer_id": 1, "b": "2024-01-09"}),
            json!({"customer_id": 2, "b": "2024-01-09"}),
            json!({"customer_id": 3, "b": "2024-01-09"}),
        ] {
            check(
                &order,
                record.as_object().unwrap(),
                Some(parent),
                &mut tally,
            );
        }
        assert_eq!((tally.kind, tally.held, tally.objects), ("after", 1, 2));
    }
}
