//! Cross-field rules: the `after`, `before`, `when` and `derive` knobs, read on a property and
//! compiled against its siblings into [`RuledGen`]s (src/generate/rule.rs).
//!
//! Everything a rule could get wrong is settled here, once: the names it reads are
//! siblings, the rules form no cycle, the listed values are ones the sibling has, and an
//! ordering leaves room for a value in every row (else the schema is refused with the
//! arithmetic).

use std::sync::Arc;

use serde_json::Value;

use super::compile::Compiler;
use super::derived_check;
use super::document::child_pointer;
use crate::error::{Problem, Severity};
use crate::generate::Node;
use crate::generate::distribution::DistributionSpec;
use crate::generate::expression::{Decimal, Expression};
use crate::generate::number::{NumberGen, NumberSpace};
use crate::generate::object::Property;
use crate::generate::parent_rule::{ParentOrderRef, ParentOrderSlot};
use crate::generate::rule::{
    Condition, Derivation, Direction, Formula, Gap, Ordering, Otherwise, RuledGen, Scale, Step,
};
use crate::generate::string::StringGen;
use crate::generate::template::Template;
use crate::generate::temporal::TemporalKind;

/// The most sibling reads one rule may make per row, counting what the rules it reads
/// read in turn.
const MAX_READS: u64 = 1000;

/// The most fields of one object whose values are kept once a rule has read them
/// (`generate::rule::ReadSiblings`); the others are drawn again at each read.
const MAX_KEPT_FIELDS: u8 = 64;

/// An `after` or `before` knob: `"created_at"`, or `{"field": "created_at", "min": 1,
/// "max": 400, "distribution": {...}}` with the gap in days (dates, date-times) or in
/// the field's units (integers).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderSpec {
    pub field: String,
    pub direction: Direction,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub distribution: Option<(DistributionSpec, String)>,
    /// For a parent table's field (`"field": "Customer.signup_at"`): the foreign-key
    /// sibling whose parent row it is read in, where the knob names one, and where.
    pub via: Option<(String, String)>,
    /// Where the knob is written.
    pub at: String,
}

/// A `when` knob: `{"status": "canceled"}` or `{"status": ["canceled", "expired"]}`;
/// several fields must all hold.
#[derive(Debug, Clone, PartialEq)]
pub struct WhenSpec {
    /// Each test: the sibling, the values it must have one of, and where it is written.
    pub tests: Vec<(String, Vec<Value>, String)>,
    pub at: String,
}

impl OrderSpec {
    pub fn parse(key: &str, value: &Value, at: &str) -> Result<OrderSpec, Problem> {
        let direction = if key == "before" {
            Direction::Before
        } else {
            Direction::After
        };
        let mut spec = OrderSpec {
            field: String::new(),
            direction,
            min: None,
            max: None,
            distribution: None,
            via: None,
            at: at.to_owned(),
        };
        let shape_hint = format!(
            "write \"{key}\": \"created_at\", or \"{key}\": {{\"field\": \"created_at\", \"min\": 1, \"max\": 400, \"distribution\": \"uniform\"}}"
        );
        match value {
            Value::String(field) => spec.field = field.clone(),
            Value::Object(map) => {
                for (k, v) in map {
                    let here = child_pointer(at, k);
                    match k.as_str() {
                        "field" => match v.as_str() {
                            Some(field) => spec.field = field.to_owned(),
                            None => {
                                return Err(Problem::invalid(
                                    here,
                                    "field names a sibling property: a string",
                                ));
                            }
                        },
                        "min" | "max" => {
                            let gap = v.as_f64().filter(|g| g.is_finite() && *g >= 0.0).ok_or_else(|| {
                                Problem::invalid(here.clone(), format!("{v} is not a gap: a number of 0 or more"))
                                    .hint("gaps are in days for dates and date-times, in the field's units for integers")
                            })?;
                            if k == "min" {
                                spec.min = Some(gap);
                            } else {
                                spec.max = Some(gap);
                            }
                        }
                        "via" => match v.as_str() {
                            Some(via) => spec.via = Some((via.to_owned(), here)),
                            None => {
                                return Err(Problem::invalid(
                                    here,
                                    "via names the foreign-key sibling that picks the parent row: a string",
                                ));
                            }
                        },
                        "distribution" => {
                            let law = DistributionSpec::parse(v).map_err(|e| {
                                Problem::invalid(format!("{here}{}", e.path()), e.to_string())
                            })?;
                            spec.distribution = Some((law, here));
                        }
                        _ => {
                            return Err(Problem::invalid(here, format!("unknown {key} key {k:?}"))
                                .hint("use field, min, max, distribution and (for a parent table's field) via"));
                        }
                    }
                }
            }
            _ => {
                return Err(
                    Problem::invalid(at, format!("{key} must name a sibling field"))
                        .hint(shape_hint),
                );
            }
        }
        if spec.field.is_empty() {
            return Err(
                Problem::invalid(at, format!("{key} must name a sibling field")).hint(shape_hint),
            );
        }
        if let (Some(min), Some(max)) = (spec.min, spec.max)
            && min > max
        {
            return Err(Problem::invalid(
                child_pointer(at, "min"),
                format!("the gap's min {min} is above its max {max}"),
            ));
        }
        Ok(spec)
    }
}

impl WhenSpec {
    pub fn parse(value: &Value, at: &str) -> Result<WhenSpec, Problem> {
        let hint = "write \"when\": {\"status\": \"canceled\"}, or {\"status\": [\"canceled\", \"expired\"]}";
        let Some(map) = value.as_object().filter(|m| !m.is_empty()) else {
            return Err(Problem::invalid(
                at,
                "when must map sibling fields to the values they must have",
            )
            .hint(hint));
        };
        let mut tests = Vec::with_capacity(map.len());
        for (field, values) in map {
            let here = child_pointer(at, field);
            let values = match values {
                Value::Array(list) if list.is_empty() => {
                    return Err(
                        Problem::invalid(here, "an empty list of values never holds").hint(hint),
                    );
                }
                Value::Array(list) => list.clone(),
                one => vec![one.clone()],
            };
            tests.push((field.clone(), values, here));
        }
        Ok(WhenSpec {
            tests,
            at: at.to_owned(),
        })
    }
}

/// A `derive` knob: text by a template, `{"template": "{first_name} {last_name}"}`
/// (generate/template.rs), or a number by an expression,
/// `{"expression": "quantity * unit_price"}` (generate/expression.rs).
#[derive(Debug, Clone, PartialEq)]
pub struct DeriveSpec {
    pub source: DeriveSource,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeriveSource {
    Template(String),
    Expression(String),
}

impl DeriveSource {
    fn key(&self) -> &'static str {
        match self {
            DeriveSource::Template(_) => "template",
            DeriveSource::Expression(_) => "expression",
        }
    }
}

impl DeriveSpec {
    pub fn parse(value: &Value, at: &str) -> Result<DeriveSpec, Problem> {
        let hint = "write \"derive\": {\"template\": \"{first_name} {last_name}\"} for text, or {\"expression\": \"quantity * unit_price\"} for a number";
        let shape = "derive must be {\"template\": \"...\"} or {\"expression\": \"...\"}";
        let Some(map) = value.as_object() else {
            return Err(Problem::invalid(at, shape).hint(hint));
        };
        let mut source = None;
        for (k, v) in map {
            let text = || {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    Problem::invalid(
                        child_pointer(at, k),
                        format!(
                            "a{} {k} is a string",
                            if k == "expression" { "n" } else { "" }
                        ),
                    )
                    .hint(hint)
                })
            };
            let read = match k.as_str() {
                "template" => DeriveSource::Template(text()?),
                "expression" => DeriveSource::Expression(text()?),
                _ => {
                    return Err(Problem::invalid(
                        child_pointer(at, k),
                        format!("unknown derive key {k:?}"),
                    )
                    .hint(hint));
                }
            };
            if source.is_some() {
                return Err(Problem::invalid(
                    child_pointer(at, k),
                    "derive takes a template or an expression, not both",
                ));
            }
            source = Some(read);
        }
        let source = source.ok_or_else(|| Problem::invalid(at, shape).hint(hint))?;
        Ok(DeriveSpec {
            source,
            at: at.to_owned(),
        })
    }
}

/// A rule's sources by index: the sibling it is ordered against, its `when` tests
/// (sibling, values, pointer), and the fields its template or expression reads.
struct Resolved {
    order: Option<usize>,
    tests: Vec<(usize, Vec<Value>, String)>,
    derive: Option<Parsed>,
}

/// A `derive`'s formula, its names resolved.
enum Parsed {
    Template(Template),
    Expression(Expression),
}

impl Resolved {
    fn sources(&self) -> impl Iterator<Item = usize> + '_ {
        let tests = self.tests.iter().map(|t| t.0);
        let derive = match &self.derive {
            Some(Parsed::Template(t)) => t.sources().collect(),
            Some(Parsed::Expression(e)) => e.sources(),
            None => Vec::new(),
        };
        self.order.into_iter().chain(tests).chain(derive)
    }
}

/// A property's rule knobs, as build_object found them.
pub(super) struct RuleKnobs {
    pub index: usize,
    pub order: Option<OrderSpec>,
    pub when: Option<WhenSpec>,
    pub derive: Option<DeriveSpec>,
    /// Where `null_rate` and `absent_rate` were written, which `when` overrides.
    pub rates_at: Vec<String>,
    /// The property's schema locations: a derived value is checked against them.
    pub locs: Vec<super::document::Loc>,
}

impl RuleKnobs {
    /// Where the rule is written (its first knob), for refusals about it as a whole.
    fn at(&self) -> &str {
        self.order
            .as_ref()
            .map(|o| o.at.as_str())
            .or(self.when.as_ref().map(|w| w.at.as_str()))
            .or(self.derive.as_ref().map(|d| d.at.as_str()))
            .unwrap_or("")
    }
}

/// A `derive`'s formula for `prop`, whose values other than null `value` generates: a
/// template needs a field that can be text, an expression one that can be a number
/// (pydantic's `Decimal`, a number or a string, is written as a number).
fn derived_formula(
    spec: &DeriveSpec,
    parsed: Parsed,
    prop: &Property,
    value: &Node,
) -> Result<Formula, Problem> {
    let mut types = Vec::new();
    value.type_names(&mut types);
    match parsed {
        Parsed::Template(template) if types.contains(&"string") => Ok(Formula::Text(template)),
        Parsed::Template(_) => Err(Problem::invalid(
            &spec.at,
            format!(
                "derive's template writes text: {:?} is {}",
                prop.name,
                value.describe()
            ),
        )
        .hint("compute a number with {\"expression\": \"quantity * unit_price\"}")),
        Parsed::Expression(expression) => match number_step(value) {
            Some(step) => Ok(Formula::Number { expression, step }),
            None => Err(Problem::invalid(
                &spec.at,
                format!(
                    "derive's expression computes a number: {:?} is {}",
                    prop.name,
                    value.describe()
                ),
            )
            .hint("make text with {\"template\": \"{first_name} {last_name}\"}")),
        },
    }
}

/// The grid a number field's generator writes on (its number branch, for a union).
fn number_step(node: &Node) -> Option<Step> {
    match node {
        Node::Integer(g) => Some(Step::Integer(g.step)),
        Node::Number(g) => Some(match g.space {
            NumberSpace::Grid {
                mantissa, decimals, ..
            } => Step::Decimal { mantissa, decimals },
            NumberSpace::Interval { .. } => Step::Float,
        }),
        Node::Union(u) => u.branches().iter().find_map(number_step),
        _ => None,
    }
}

/// A field's generator with its nullability taken apart: the values other than null,
/// and the share of nulls.
fn split_nullable(node: &Node) -> (&Node, Option<f64>) {
    if let Node::Ruled(r) = node {
        return split_nullable(&r.own);
    }
    if let Node::Union(u) = node
        && let [a, b] = u.branches()
    {
        let shares = u.shares();
        match (a, b) {
            (Node::Null, value) => return (value, Some(shares[0])),
            (value, Node::Null) => return (value, Some(shares[1])),
            _ => {}
        }
    }
    (node, None)
}

/// How a field's values are counted and its bounds (and whether the schema gave them),
/// where an ordering can read or write it. A field ordered itself has the bounds its
/// ordering keeps it in.
fn scale_of(node: &Node) -> Option<(Scale, i64, i64, bool)> {
    if let Node::Ruled(r) = node {
        return match &r.order {
            Some(o) => Some((o.scale, o.lo, o.hi, true)),
            // Ordered against a parent table's field, whose range only the dataset
            // knows: the field's own bounds, or as far as its values can reach.
            None if r.parent_order.is_some() => {
                scale_of(&r.own).map(|(scale, lo, hi, bounded)| match bounded {
                    true => (scale, lo, hi, true),
                    false => {
                        let (floor, ceiling) = representable(scale);
                        (scale, floor, ceiling, false)
                    }
                })
            }
            None => scale_of(&r.own),
        };
    }
    match split_nullable(node).0 {
        Node::String(StringGen::Temporal(t)) if t.kind() != TemporalKind::Time => {
            let (lo, hi, bounded) = t.bounds();
            Some((Scale::Temporal(t.kind()), lo, hi, bounded))
        }
        Node::Integer(g) if g.step == 1 && g.sequence.is_none() && g.division.is_exact() => {
            Some((Scale::Integer, g.lo, g.hi, true))
        }
        other => number_of(other).and_then(decimal_scale),
    }
}

/// A number field's generator: the field's own, or the number branch of pydantic's
/// `Decimal` (a number-or-string union), which an ordered value is written as.
fn number_of(node: &Node) -> Option<&NumberGen> {
    match split_nullable(node).0 {
        Node::Number(g) => Some(g),
        Node::Union(u) => u.branches().iter().find_map(|b| match b {
            Node::Number(g) if g.money => Some(g),
            _ => None,
        }),
        _ => None,
    }
}

/// A number's scale where its values are every step of `10^-decimals` in its range
/// (cents by default; `multipleOf: 0.05` is not every step).
fn decimal_scale(g: &NumberGen) -> Option<(Scale, i64, i64, bool)> {
    match g.space {
        NumberSpace::Grid {
            k_lo,
            k_hi,
            mantissa: 1,
            decimals,
            ..
        } => Some((Scale::Decimal(decimals), k_lo, k_hi, true)),
        _ => None,
    }
}

/// A sibling's bounds in the scale of the field that reads it.
fn bounds_in(source: Scale, lo: i64, hi: i64, reader: Scale) -> (i64, i64) {
    let widen = |by: u32| {
        let factor = 10i64.pow(by);
        (lo.saturating_mul(factor), hi.saturating_mul(factor))
    };
    match (source, reader) {
        (Scale::Integer, Scale::Decimal(to)) => widen(to),
        (Scale::Decimal(from), Scale::Decimal(to)) => widen(to - from),
        (Scale::Temporal(TemporalKind::Date), Scale::Temporal(TemporalKind::DateTime)) => {
            (lo * 86_400, hi * 86_400)
        }
        (Scale::Temporal(TemporalKind::DateTime), Scale::Temporal(TemporalKind::Date)) => {
            (lo.div_euclid(86_400), hi.div_euclid(86_400))
        }
        _ => (lo, hi),
    }
}

impl Compiler {
    /// Wraps each property that has rules in a [`RuledGen`]; `presence_constrained` says
    /// whether the object reconciles its keys with presence constraints, which a field
    /// left out by `when` would escape.
    pub(super) fn apply_rules(
        &mut self,
        properties: &mut [Property],
        rules: Vec<RuleKnobs>,
        presence_constrained: bool,
    ) -> Result<(), Problem> {
        if rules.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = properties.iter().map(|p| p.name.as_str()).collect();
        let sibling = |name: &str, at: &str, knob: &str, own: usize| -> Result<usize, Problem> {
            match names.iter().position(|n| *n == name) {
                Some(i) if i == own => Err(Problem::invalid(
                    at,
                    format!("{knob} names the field itself"),
                )),
                Some(i) => Ok(i),
                None => Err(Problem::invalid(
                    at,
                    format!("{knob} names {name:?}, which is not a property of this object"),
                )
                .hint(format!("name one of {}", names.join(", ")))),
            }
        };
        // Resolve every name first: the cycle check needs all edges.
        let mut resolved = Vec::with_capacity(rules.len());
        for rule in &rules {
            let order = match &rule.order {
                Some(o) if names_a_parent_field(&o.field, &names) => None,
                Some(o) => Some(sibling(
                    &o.field,
                    &o.at,
                    direction_name(o.direction),
                    rule.index,
                )?),
                None => None,
            };
            let mut tests = Vec::new();
            if let Some(w) = &rule.when {
                for (field, values, at) in &w.tests {
                    tests.push((
                        sibling(field, at, "when", rule.index)?,
                        values.clone(),
                        at.clone(),
                    ));
                }
            }
            let derive =
                match &rule.derive {
                    Some(d) => {
                        let resolve = |name: &str| {
                            sibling(name, &d.at, "derive", rule.index).map_err(|p| p.message)
                        };
                        let parsed = match &d.source {
                            DeriveSource::Template(t) => {
                                Template::parse(t, resolve).map(Parsed::Template)
                            }
                            DeriveSource::Expression(e) => {
                                Expression::parse(e, resolve).map(Parsed::Expression)
                            }
                        };
                        Some(parsed.map_err(|e| {
                            Problem::invalid(child_pointer(&d.at, d.source.key()), e)
                        })?)
                    }
                    None => None,
                };
            resolved.push(Resolved {
                order,
                tests,
                derive,
            });
        }
        let edges: Vec<(usize, Vec<usize>, &str)> = rules
            .iter()
            .zip(&resolved)
            .map(|(rule, resolved)| (rule.index, resolved.sources().collect(), rule.at()))
            .collect();
        check_cycles(&edges, &names)?;
        // Sources before the fields that read them: an ordered field's bounds are what
        // the field ordered after it reads.
        let mut pending: Vec<(RuleKnobs, Resolved)> = rules.into_iter().zip(resolved).collect();
        let mut reads = vec![1u64; properties.len()];
        let read: Vec<bool> = (0..properties.len())
            .map(|i| pending.iter().any(|(_, r)| r.sources().any(|s| s == i)))
            .collect();
        while !pending.is_empty() {
            let ready = pending
                .iter()
                .position(|(_, resolved)| {
                    let waits = |i: usize| pending.iter().any(|(r, _)| r.index == i);
                    !resolved.sources().any(waits)
                })
                .expect("rules without a cycle have one whose sources are done");
            let (rule, resolved) = pending.remove(ready);
            // A rule reads its sources, and they read theirs: refuse a web of rules
            // whose reads multiply (each row would pay for all of them).
            reads[rule.index] = 1 + resolved.sources().map(|i| reads[i]).sum::<u64>();
            if reads[rule.index] > MAX_READS {
                return Err(Problem::invalid(
                    rule.at(),
                    format!("this rule reads its siblings, and they theirs, {} times per row: more than synthtune's limit of {MAX_READS}", reads[rule.index]),
                )
                .hint("let fewer rules read the fields that rules read"));
            }
            let own = properties[rule.index].node.clone();
            let ruled = self.ruled(&rule, &own, resolved, properties, presence_constrained)?;
            properties[rule.index].node = Node::Ruled(Arc::new(ruled));
        }
        // A slot for each field a rule reads, in which its value is kept once read while
        // the object is written.
        let kept = properties.iter_mut().zip(read).filter(|(_, read)| *read);
        for ((prop, _), slot) in kept.zip(0..MAX_KEPT_FIELDS) {
            prop.slot = Some(slot);
        }
        Ok(())
    }

    fn ruled(
        &mut self,
        rule: &RuleKnobs,
        own: &Node,
        resolved: Resolved,
        properties: &[Property],
        presence_constrained: bool,
    ) -> Result<RuledGen, Problem> {
        let Resolved {
            order,
            tests,
            derive,
        } = resolved;
        let prop = &properties[rule.index];
        let (value, null_rate) = split_nullable(own);
        let mut label = Vec::new();
        let when = match &rule.when {
            None => None,
            Some(spec) => {
                let otherwise = if null_rate.is_some() {
                    Otherwise::Null
                } else if !prop.required {
                    Otherwise::Absent
                } else {
                    return Err(Problem::invalid(
                        &spec.at,
                        format!("when needs {:?} to be nullable or optional: a required field that is never null is in every record", prop.name),
                    )
                    .hint("allow null (Optional[...] in pydantic), or drop the field from required"));
                };
                if otherwise == Otherwise::Absent && presence_constrained {
                    return Err(Problem::invalid(
                        &spec.at,
                        "when cannot leave a key out of an object whose keys are constrained together (dependentRequired, min/maxProperties, anyOf of required)",
                    )
                    .hint("make the field nullable, so that when sets it to null instead"));
                }
                for at in &rule.rates_at {
                    self.note(
                        Severity::Ignored,
                        at.clone(),
                        format!(
                            "this rate has no effect: when decides whether {:?} has a value",
                            prop.name
                        ),
                    );
                }
                for (index, values, at) in &tests {
                    check_listed_values(&properties[*index], values, at)?;
                    // A rule reads a key's presence as drawn, before the constraints
                    // reconcile the keys.
                    if presence_constrained && !properties[*index].required {
                        return Err(Problem::invalid(
                            at,
                            format!("when cannot read the optional {:?} of an object whose keys are constrained together (dependentRequired, min/maxProperties, anyOf of required)", properties[*index].name),
                        )
                        .hint("make the field it reads required"));
                    }
                }
                label.push(describe_when(&tests, properties, otherwise));
                Some(Condition {
                    tests: tests.into_iter().map(|(i, v, _)| (i, v)).collect(),
                    otherwise,
                })
            }
        };
        let derive = match (&rule.derive, derive) {
            (Some(spec), Some(parsed)) => {
                if rule.order.is_some() {
                    return Err(Problem::invalid(
                        &spec.at,
                        "a field is derived or ordered, not both",
                    ));
                }
                let formula = derived_formula(spec, parsed, prop, value)?;
                label.push(match &spec.source {
                    DeriveSource::Template(t) => format!("derived from {t:?}"),
                    DeriveSource::Expression(e) => format!("= {e}"),
                });
                let email_domain = match &formula {
                    Formula::Text(template) => template.email_domain_length(),
                    Formula::Number { .. } => None,
                };
                Some(Derivation {
                    plain_email: derived_check::plain_email_field(self, &rule.locs),
                    email_domain,
                    numbers: derived_check::accepted_numbers(self, &rule.locs),
                    formula,
                    validators: self.validator(&rule.locs)?.into_parts().into_boxed_slice(),
                })
            }
            _ => None,
        };
        let mut parent_order = None;
        let order = match (&rule.order, order) {
            _ if derive.is_some() => None,
            (Some(spec), Some(source)) => {
                let ordering = ordering(spec, prop, &properties[source], source)?;
                label.push(describe_order(spec, &ordering));
                Some(ordering)
            }
            (Some(spec), None) => {
                let (reference, described) = self.parent_order(spec, rule.index, properties)?;
                parent_order = Some(reference);
                label.push(described);
                None
            }
            _ => {
                label.push(value.describe());
                None
            }
        };
        if let (None, Some(rate)) = (&when, null_rate) {
            label.push(format!("or null ({:.0}%)", rate * 100.0));
        }
        Ok(RuledGen {
            own: own.clone(),
            value: value.clone(),
            null_rate: null_rate.unwrap_or(0.0),
            when,
            order,
            derive,
            label: label.join(" "),
            parent_order,
        })
    }

    /// An ordering against a parent table's field (`"after": "Customer.signup_at"`): the
    /// foreign-key sibling that picks the parent row, and a slot the dataset links
    /// (`crate::dataset`); with its label for `check`.
    fn parent_order(
        &mut self,
        spec: &OrderSpec,
        index: usize,
        properties: &[Property],
    ) -> Result<(ParentOrderRef, String), Problem> {
        let knob = direction_name(spec.direction);
        let (table, field) = spec
            .field
            .split_once('.')
            .expect("names_a_parent_field found a dot");
        let prop = &properties[index];
        let Some((scale, ..)) = scale_of(&prop.node) else {
            return Err(Problem::invalid(
                &spec.at,
                format!(
                    "{knob} orders dates, date-times, integers and numbers in steps of a decimal; {:?} is {}",
                    prop.name,
                    prop.node.describe()
                ),
            ));
        };
        let references_table = |p: &Property| match &p.node {
            Node::Reference(r) => self.references[r.slot]
                .target
                .split_once('.')
                .is_some_and(|(t, _)| t == table),
            _ => false,
        };
        let candidates: Vec<usize> = (0..properties.len())
            .filter(|&i| i != index && references_table(&properties[i]))
            .collect();
        let via = match &spec.via {
            Some((name, at)) => {
                match properties.iter().position(|p| p.name == *name) {
                    Some(i) if candidates.contains(&i) => i,
                    _ => {
                        return Err(Problem::invalid(
                        at,
                        format!("via names {name:?}, which is no foreign key of this object to {table}"),
                    )
                    .hint(format!("name a sibling with \"references\": \"{table}.<its key>\"")));
                    }
                }
            }
            None => match candidates.as_slice() {
                [only] => *only,
                [] => {
                    return Err(Problem::invalid(
                        &spec.at,
                        format!("{knob} names {:?}: no property of this object is a foreign key to {table} (and none is called {:?})", spec.field, spec.field),
                    )
                    .hint(format!("give the field holding the {table}'s key \"references\": \"{table}.<its key>\", or name a sibling")));
                }
                several => {
                    let names: Vec<&str> = several
                        .iter()
                        .map(|&i| properties[i].name.as_str())
                        .collect();
                    return Err(Problem::invalid(
                        &spec.at,
                        format!(
                            "{knob} names {:?}, and {} are all foreign keys to {table}",
                            spec.field,
                            names.join(", ")
                        ),
                    )
                    .hint(format!("say whose row it is: \"via\": {:?}", names[0])));
                }
            },
        };
        let via_prop = &properties[via];
        if !via_prop.required {
            return Err(Problem::invalid(
                &spec.at,
                format!("{knob} reads {table}'s row through {:?}, which is optional: a record without it has no {table} row", via_prop.name),
            )
            .hint(format!("make {:?} required", via_prop.name)));
        }
        let slot = ParentOrderSlot {
            table: table.to_owned(),
            field: field.to_owned(),
            spec: spec.clone(),
            child: prop.clone(),
            link: None,
        };
        let label = format!(
            "{knob} {} (the {table} row of {}){}",
            spec.field,
            via_prop.name,
            describe_gap(spec, scale)
        );
        self.parent_orders.push(slot);
        Ok((
            ParentOrderRef {
                slot: self.parent_orders.len() - 1,
                via,
            },
            label,
        ))
    }
}

/// Whether an ordering's `field` names a parent table's field (`Customer.signup_at`)
/// rather than a sibling: a dot, and no sibling of that name.
fn names_a_parent_field(field: &str, siblings: &[&str]) -> bool {
    !siblings.contains(&field)
        && field
            .split_once('.')
            .is_some_and(|(t, f)| !t.is_empty() && !f.is_empty())
}

/// The ordering of `prop` after (or before) `source` (a sibling, or a parent table's
/// field), with bounds that leave every row room for a value.
pub(crate) fn ordering(
    spec: &OrderSpec,
    prop: &Property,
    source: &Property,
    source_index: usize,
) -> Result<Ordering, Problem> {
    let knob = direction_name(spec.direction);
    let Some((scale, lo, hi, bounded)) = scale_of(&prop.node) else {
        return Err(Problem::invalid(
            &spec.at,
            format!(
                "{knob} orders dates, date-times, integers and numbers in steps of a decimal (cents, multipleOf 0.1); {:?} is {}",
                prop.name,
                prop.node.describe()
            ),
        ));
    };
    let Some((source_scale, s_lo, s_hi, _)) =
        scale_of(&source.node).filter(|(s, ..)| scale.reads(*s))
    else {
        return Err(Problem::invalid(
            &spec.at,
            format!(
                "{knob} {:?}: that field is {}, which {:?} ({}) cannot be ordered against",
                source.name,
                source.node.describe(),
                prop.name,
                prop.node.describe()
            ),
        )
        .hint(
            "order a date or date-time after a date or date-time, an integer after an integer, a number after an integer or a number with no more decimals",
        ));
    };
    let (s_lo, s_hi) = bounds_in(source_scale, s_lo, s_hi, scale);
    let per = scale.per_gap_unit();
    let gap_min = spec.min.map_or(0, |g| in_units(g, per, f64::ceil));
    let gap_max = spec.max.map(|g| in_units(g, per, f64::floor));
    if gap_max.is_some_and(|max| max < gap_min) {
        return Err(Problem::invalid(
            &spec.at,
            "the gap's bounds hold no value in this field's units (a date's gap is whole days)",
        ));
    }
    // Unbounded fields reach as far as the gaps take them; bounded ones must leave
    // room in every row.
    let (lo, hi) = if bounded {
        (lo, hi)
    } else {
        let (floor, ceiling) = representable(scale);
        let (lo, hi) = match (spec.direction, gap_max) {
            (Direction::After, Some(max)) => (s_lo + gap_min, s_hi.saturating_add(max)),
            (Direction::After, None) => (lo.min(s_lo + gap_min), hi.max(s_hi + gap_min)),
            (Direction::Before, Some(max)) => (s_lo.saturating_sub(max), s_hi - gap_min),
            (Direction::Before, None) => (lo.min(s_lo - gap_min), hi.max(s_hi - gap_min)),
        };
        (lo.max(floor), hi.min(ceiling))
    };
    let gap_ceiling = gap_max.unwrap_or(i64::MAX / 4);
    let room = match spec.direction {
        // The latest source still needs a value gap_min on, the earliest one a value
        // within gap_max.
        Direction::After => {
            s_hi.saturating_add(gap_min) <= hi && s_lo.saturating_add(gap_ceiling) >= lo
        }
        Direction::Before => {
            s_lo.saturating_sub(gap_min) >= lo && s_hi.saturating_sub(gap_ceiling) <= hi
        }
    };
    if !room {
        let fmt = |v: i64| format_units(scale, v);
        return Err(Problem::invalid(
            &spec.at,
            format!(
                "{:?} {knob} {:?} has no value in some rows: {:?} ranges over [{}, {}], the gap over [{}, {}] {}, and {:?} is bound to [{}, {}]",
                prop.name,
                source.name,
                source.name,
                fmt(s_lo),
                fmt(s_hi),
                spec.min.unwrap_or(0.0),
                spec.max.map_or("∞".to_owned(), |m| m.to_string()),
                gap_unit(scale),
                prop.name,
                fmt(lo),
                fmt(hi),
            ),
        )
        .hint(format!("widen {:?}'s range, or narrow {:?}'s, or the gap", prop.name, source.name)));
    }
    let law = match &spec.distribution {
        None => None,
        Some((law, _)) if law.is_uniform() => None,
        Some((law, at)) => {
            // An open gap is framed by the widest one the bounds allow.
            let widest = match spec.direction {
                Direction::After => hi - s_lo,
                Direction::Before => s_hi - lo,
            };
            let max = gap_max.unwrap_or(widest).max(gap_min);
            let sampler = law
                .bind_float(gap_min as f64 / per as f64, max as f64 / per as f64)
                .map_err(|e| Problem::invalid(at, format!("the gap's distribution: {e}")))?;
            Some(sampler)
        }
    };
    Ok(Ordering {
        source: source_index,
        direction: spec.direction,
        scale,
        lo,
        hi,
        gap: Gap {
            min: gap_min,
            max: gap_ceiling,
            law,
        },
        division: number_of(&prop.node)
            .map(|g| g.division.clone())
            .unwrap_or_default(),
    })
}

/// The widest values a field of `scale` may take where nothing bounds it.
fn representable(scale: Scale) -> (i64, i64) {
    match scale {
        Scale::Temporal(kind) => kind.representable_range(),
        Scale::Integer => (i64::MIN / 4, i64::MAX / 4),
        // Where every step is still a distinct double.
        Scale::Decimal(_) => (-(1 << 53), 1 << 53),
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::After => "after",
        Direction::Before => "before",
    }
}

fn gap_unit(scale: Scale) -> &'static str {
    match scale {
        Scale::Temporal(_) => "days",
        Scale::Integer | Scale::Decimal(_) => "units",
    }
}

/// A gap of `gap` gap units in the field's units, rounded by `round` where it falls
/// between two (`0.1` of a cent field is 10 cents, not the 11 that `0.1 * 100` rounds up
/// to in doubles).
fn in_units(gap: f64, per_gap_unit: i64, round: fn(f64) -> f64) -> i64 {
    let units = gap * per_gap_unit as f64;
    let nearest = units.round();
    if (units - nearest).abs() <= 1e-9 * nearest.abs().max(1.0) {
        nearest as i64
    } else {
        round(units) as i64
    }
}

fn format_units(scale: Scale, value: i64) -> String {
    match scale {
        Scale::Temporal(kind) => {
            let mut text = String::new();
            kind.push(value, &mut text);
            text
        }
        Scale::Integer => value.to_string(),
        Scale::Decimal(decimals) => Decimal {
            units: value.into(),
            scale: decimals,
        }
        .to_string(),
    }
}

/// Refuses a listed value that the sibling never has, where its values are a list.
fn check_listed_values(source: &Property, values: &[Value], at: &str) -> Result<(), Problem> {
    let (inner, null_rate) = split_nullable(&source.node);
    let known: Vec<Value> = match inner {
        Node::Enum(e) => e.values().to_vec(),
        Node::Const(v) => vec![v.clone()],
        Node::Bool(_) => vec![true.into(), false.into()],
        _ => return Ok(()),
    };
    let can_be_null = null_rate.is_some() || !source.required;
    for value in values {
        if !(known.contains(value) || value.is_null() && can_be_null) {
            let list: Vec<String> = known.iter().map(Value::to_string).collect();
            return Err(Problem::invalid(
                at,
                format!(
                    "{:?} never has the value {value}: its values are {}",
                    source.name,
                    list.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses rules that read each other round in a circle.
fn check_cycles(edges: &[(usize, Vec<usize>, &str)], names: &[&str]) -> Result<(), Problem> {
    let sources = |i: usize| {
        edges
            .iter()
            .find(|e| e.0 == i)
            .map(|e| e.1.as_slice())
            .unwrap_or(&[])
    };
    for (start, _, at) in edges {
        // Depth-first from `start`: a path back to it is a cycle.
        let mut stack: Vec<Vec<usize>> = vec![vec![*start]];
        let mut seen = vec![false; names.len()];
        while let Some(path) = stack.pop() {
            let last = *path.last().expect("paths are never empty");
            for &next in sources(last) {
                if next == *start {
                    let mut cycle: Vec<&str> = path.iter().map(|&i| names[i]).collect();
                    cycle.push(names[*start]);
                    return Err(Problem::invalid(
                        *at,
                        format!(
                            "these rules read each other in a circle: {}",
                            cycle.join(" → ")
                        ),
                    )
                    .hint("one field of the circle must be drawn on its own"));
                }
                if !seen[next] {
                    seen[next] = true;
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
    Ok(())
}

fn describe_when(
    tests: &[(usize, Vec<Value>, String)],
    properties: &[Property],
    otherwise: Otherwise,
) -> String {
    let tests: Vec<String> = tests
        .iter()
        .map(|(i, values, _)| {
            let values: Vec<String> = values.iter().map(Value::to_string).collect();
            format!("{} in [{}]", properties[*i].name, values.join(", "))
        })
        .collect();
    let otherwise = match otherwise {
        Otherwise::Null => "null",
        Otherwise::Absent => "absent",
    };
    format!("when {} (else {otherwise}):", tests.join(" and "))
}

fn describe_order(spec: &OrderSpec, ordering: &Ordering) -> String {
    let (kind, lo, hi) = match ordering.scale {
        Scale::Temporal(kind) => (kind.name(), ordering.lo, ordering.hi),
        Scale::Integer => ("integer", ordering.lo, ordering.hi),
        Scale::Decimal(_) => ("number", ordering.lo, ordering.hi),
    };
    format!(
        "{kind} {} {}{} [{}, {}]",
        direction_name(spec.direction),
        spec.field,
        describe_gap(spec, ordering.scale),
        format_units(ordering.scale, lo),
        format_units(ordering.scale, hi)
    )
}

/// ` by [1, 400] lognormal(...)`: the gap and its law as written (in the field's gap
/// units: days for dates).
fn describe_gap(spec: &OrderSpec, scale: Scale) -> String {
    let gap = match (spec.min, spec.max) {
        (None, None) => String::new(),
        (min, max) => format!(
            " by [{}, {}] {}",
            min.unwrap_or(0.0),
            max.map_or("∞".to_owned(), |m| m.to_string()),
            gap_unit(scale)
        ),
    };
    let law = spec
        .distribution
        .as_ref()
        .map_or(String::new(), |(law, _)| format!(" {}", law.describe()));
    format!("{gap}{law}")
}
