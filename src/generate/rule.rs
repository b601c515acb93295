//! Cross-field rules inside one object (the `after`, `before`, `when` and `derive`
//! knobs): a field ordered after or before a sibling with a gap, a field that has a value
//! only when siblings hold given values, and a field computed from its siblings.
//!
//! A rule reads its siblings the way tpchgen-rs's child tables read their parents: it
//! generates them again from their keys, exactly as the object writes them. Nothing is
//! stored per row, any row can still be made alone, and a field no rule reads from is
//! the same whatever the rules say.

use rand::RngExt;
use serde_json::Value;
use smallvec::SmallVec;

use super::choice::unit;
use super::distribution::FloatSampler;
use super::expression::{Decimal, Expression};
use super::number::FloatDivision;
use super::object::{ObjectGen, Property};
use super::parent_rule::ParentOrderRef;
use super::scalar::EnumGen;
use super::string::StringGen;
use super::template::{Template, push_text_of, text_of};
use super::temporal::{TemporalGen, TemporalKind};
use super::{Ctx, Node};
use crate::rng::{mix, mix_prepared, rng_for};
use crate::sink::{Sink, ValueSink};

/// Salts that keep a rule's draws apart from the value's own.
const NULL: u64 = 0x5255_4c45_4e55_4c4c;
const GAP: u64 = 0x5255_4c45_4741_5021;

/// Draws of a gap's distribution that may fall outside a row's room before the gap is
/// drawn uniformly over the room.
const GAP_TRIES: usize = 64;

/// A field under rules: its generator, and what its siblings decide of it.
#[derive(Debug, Clone)]
pub struct RuledGen {
    /// The field's generator as compiled: what it writes where no object frames it (the
    /// tuner's per-field timing).
    pub own: Node,
    /// The generator of its values other than null: what it writes when no ordering
    /// applies (an ordering whose sibling has no value in the row).
    pub value: Node,
    /// The share of nulls where `when` does not decide.
    pub null_rate: f64,
    pub when: Option<Condition>,
    pub order: Option<Ordering>,
    pub derive: Option<Derivation>,
    /// For the tuner and `check`: `after created_at + [1, 400] days lognormal(...)`.
    pub label: String,
    /// `after`/`before` a field of the parent row a foreign-key sibling picks (in place
    /// of `order`).
    pub parent_order: Option<ParentOrderRef>,
}

/// `derive`: the field's value made from its siblings', by a template (text) or an
/// expression (a number), where the result is valid for the field's schema (else the
/// field's own value, so that the record stays valid; statistics then count the rule as
/// broken in that row).
#[derive(Debug, Clone)]
pub struct Derivation {
    pub formula: Formula,
    /// For a field that is only an email within length bounds: the bounds, within which
    /// a plain email needs no validator.
    pub plain_email: Option<(usize, usize)>,
    /// For a template that makes only plain emails from fields that give text: its
    /// domain's length ([`Template::email_domain_length`]), so that its texts need no
    /// email check either.
    pub email_domain: Option<usize>,
    /// For a field whose schema says no more of numbers than bounds: the bounds, within
    /// which a derived number needs no validator.
    pub numbers: Option<NumberBounds>,
    /// The field's schema, one validator per location.
    pub validators: Box<[jsonschema::Validator]>,
}

/// The numbers a field's schema takes, where it says no more than a type and bounds
/// (schema/derived_check.rs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberBounds {
    pub min: f64,
    pub min_exclusive: bool,
    pub max: f64,
    pub max_exclusive: bool,
    /// Only integers (`"type": "integer"`).
    pub integers: bool,
}

impl NumberBounds {
    pub const ANY: NumberBounds = NumberBounds {
        min: f64::NEG_INFINITY,
        min_exclusive: false,
        max: f64::INFINITY,
        max_exclusive: false,
        integers: false,
    };

    pub fn at_least(min: f64, exclusive: bool) -> NumberBounds {
        NumberBounds {
            min,
            min_exclusive: exclusive,
            ..NumberBounds::ANY
        }
    }

    pub fn at_most(max: f64, exclusive: bool) -> NumberBounds {
        NumberBounds {
            max,
            max_exclusive: exclusive,
            ..NumberBounds::ANY
        }
    }

    /// The numbers both take.
    pub fn intersect(self, other: NumberBounds) -> NumberBounds {
        // Of two equal bounds, the exclusive one.
        let (min, min_exclusive) = match self.min.total_cmp(&other.min) {
            std::cmp::Ordering::Less => (other.min, other.min_exclusive),
            std::cmp::Ordering::Greater => (self.min, self.min_exclusive),
            std::cmp::Ordering::Equal => (self.min, self.min_exclusive || other.min_exclusive),
        };
        let (max, max_exclusive) = match self.max.total_cmp(&other.max) {
            std::cmp::Ordering::Greater => (other.max, other.max_exclusive),
            std::cmp::Ordering::Less => (self.max, self.max_exclusive),
            std::cmp::Ordering::Equal => (self.max, self.max_exclusive || other.max_exclusive),
        };
        NumberBounds {
            min,
            min_exclusive,
            max,
            max_exclusive,
            integers: self.integers || other.integers,
        }
    }

    /// Whether the schema takes `derived` as it is written; `None` where only the
    /// validator can tell (a text, a fraction where only integers are taken, a number
    /// past 2^53, whose double is not the number).
    pub fn accepts(&self, derived: &Derived) -> Option<bool> {
        const EXACT: u64 = 1 << 53;
        let value = match *derived {
            Derived::Int(i) if i.unsigned_abs() <= EXACT => i as f64,
            Derived::Decimal { units, decimals }
                if !self.integers && units.unsigned_abs() <= EXACT =>
            {
                grid_double(units, decimals)
            }
            Derived::Float(f) if !self.integers => f,
            _ => return None,
        };
        let above = if self.min_exclusive {
            value > self.min
        } else {
            value >= self.min
        };
        let below = if self.max_exclusive {
            value < self.max
        } else {
            value <= self.max
        };
        Some(above && below)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Text(Template),
    /// A number, rounded to the field's step.
    Number {
        expression: Expression,
        step: Step,
    },
}

impl Formula {
    /// Whether `value` is what the formula makes of the siblings `sibling` finds by
    /// name; `None` where it does not apply (an expression's sibling without a number,
    /// where the field is drawn on its own).
    pub fn holds<'v>(
        &self,
        value: &Value,
        sibling: impl Fn(&str) -> Option<&'v Value>,
    ) -> Option<bool> {
        match self {
            Formula::Text(template) => {
                let expected = template.render(|_, name| text_of(sibling(name)));
                Some(value.as_str() == Some(expected.as_str()))
            }
            Formula::Number { expression, step } => {
                let exact =
                    expression.eval(&mut |_, name| sibling(name).and_then(Decimal::from_json))?;
                let Some(expected) = step.round(exact) else {
                    return Some(false);
                };
                Some(value.as_f64().is_some() && value.as_f64() == expected.to_value().as_f64())
            }
        }
    }
}

/// What a derived number is rounded to: the grid of the field's own generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Integers, multiples of the step.
    Integer(i64),
    /// Multiples of `mantissa / 10^decimals`.
    Decimal { mantissa: i64, decimals: u32 },
    /// Any double.
    Float,
}

impl Step {
    /// `value` on the grid, as the field writes it; `None` past an `i64` of steps.
    pub fn round(self, value: Decimal) -> Option<Derived> {
        Some(match self {
            Step::Integer(step) => Derived::Int(value.steps_of(step, 0)?.checked_mul(step)?),
            Step::Decimal { mantissa, decimals } => Derived::Decimal {
                units: value.steps_of(mantissa, decimals)?.checked_mul(mantissa)?,
                decimals,
            },
            Step::Float => Derived::Float(value.to_f64()).filter_finite()?,
        })
    }
}

/// A derived value, as it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Derived {
    Text(String),
    Int(i64),
    /// `units / 10^decimals`.
    Decimal {
        units: i64,
        decimals: u32,
    },
    Float(f64),
}

impl Derived {
    fn filter_finite(self) -> Option<Derived> {
        match self {
            Derived::Float(f) if !f.is_finite() => None,
            other => Some(other),
        }
    }

    /// The value as a rule reading the field sees it, where [`ReadSiblings`] keeps it (a
    /// text is not kept: it would be copied).
    fn kept(&self) -> Option<Peeked<'static>> {
        match self {
            Derived::Int(i) => Some(Peeked::Int(*i)),
            Derived::Decimal { units, decimals } => Some(Peeked::Decimal(*units, *decimals)),
            Derived::Text(_) | Derived::Float(_) => None,
        }
    }

    fn into_peeked(self) -> Peeked<'static> {
        match self {
            Derived::Text(text) => Peeked::Other(Value::String(text)),
            Derived::Float(f) => Peeked::Other(Value::from(f)),
            Derived::Int(i) => Peeked::Int(i),
            Derived::Decimal { units, decimals } => Peeked::Decimal(units, decimals),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Derived::Text(t) => Value::String(t.clone()),
            Derived::Int(i) => Value::from(*i),
            Derived::Decimal { units, decimals } => Value::from(grid_double(*units, *decimals)),
            Derived::Float(f) => Value::from(*f),
        }
    }

    fn write<S: Sink>(&self, out: &mut S) {
        match self {
            Derived::Text(t) => out.str(t),
            Derived::Int(i) => out.int(*i),
            Derived::Decimal { units, decimals } => {
                out.decimal(grid_double(*units, *decimals), *units, *decimals)
            }
            Derived::Float(f) => out.float(*f),
        }
    }
}

impl Derivation {
    /// The derived value, where it fits the field's schema.
    fn value(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64) -> Option<Derived> {
        let mut every_field = false;
        let derived = match &self.formula {
            Formula::Text(template) => {
                let (mut text, mut scratch) = (String::with_capacity(64), String::new());
                every_field = template.render_into(&mut text, &mut scratch, |index, _, out| {
                    object.peek_text(ctx, object_key, index, out)
                });
                Derived::Text(text)
            }
            Formula::Number { expression, step } => {
                let value = expression
                    .eval(&mut |index, _| object.peek(ctx, object_key, index).decimal())?;
                step.round(value)?
            }
        };
        if let (Derived::Text(text), Some((min, max))) = (&derived, self.plain_email)
            && (min..=max).contains(&text.len())
        {
            // An email by the template's shape, or by a look at the text.
            let by_shape = self.email_domain.is_some_and(|domain| {
                every_field && text.is_ascii() && text.len() - domain - 1 <= 64
            });
            if by_shape || is_plain_email(text) {
                return Some(derived);
            }
        }
        if let Some(accepted) = self.numbers.and_then(|numbers| numbers.accepts(&derived)) {
            return accepted.then_some(derived);
        }
        let value = derived.to_value();
        self.validators
            .iter()
            .all(|v| v.is_valid(&value))
            .then_some(derived)
    }
}

/// Whether `text` is an email of the plainest kind, `local@domain.tld`: a local part of
/// letters, digits and `._%+-` (no dot at either end, none doubled), a domain of two or
/// more labels of letters, digits and single inner hyphens (`--` is IDNA's, as in
/// `xn--`), the last of two letters or more, within the lengths RFC 5321 allows.
/// Every such text is an email to any validator (tests/rules.rs checks it against the
/// `jsonschema` crate's); what it misses still goes to the validator.
pub fn is_plain_email(text: &str) -> bool {
    // One pass over the bytes, a table lookup each: this runs on every derived email.
    const LETTER: u8 = 1;
    const DIGIT: u8 = 2;
    const LOCAL: u8 = 4; // `._%+-`, allowed in the local part beside letters and digits
    const CLASS: [u8; 256] = {
        let mut class = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            class[b] = if c.is_ascii_alphabetic() {
                LETTER
            } else if c.is_ascii_digit() {
                DIGIT
            } else if matches!(c, b'.' | b'_' | b'%' | b'+' | b'-') {
                LOCAL
            } else {
                0
            };
            b += 1;
        }
        class
    };
    let bytes = text.as_bytes();
    let mut previous = b'.'; // a dot before the first byte: no leading dot
    let mut at = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'@' {
            at = Some(i);
            break;
        }
        if CLASS[b as usize] == 0 || (b == b'.' && previous == b'.') || i == 64 {
            return false;
        }
        previous = b;
    }
    let Some(at) = at else {
        return false;
    };
    let domain = &bytes[at + 1..];
    if at == 0 || previous == b'.' || domain.len() > 253 {
        return false;
    }
    // Per label: its length, whether it is all letters (the last must be), and the
    // byte before, for hyphens at either end or doubled.
    let (mut labels, mut length, mut letters, mut previous) = (1, 0usize, true, b'.');
    for &b in domain {
        let class = CLASS[b as usize];
        if class & (LETTER | DIGIT) != 0 {
            length += 1;
            letters &= class == LETTER;
        } else if b == b'.' && length > 0 && previous != b'-' {
            labels += 1;
            (length, letters) = (0, true);
        } else if b == b'-' && length > 0 && previous != b'-' {
            length += 1;
            letters = false;
        } else {
            return false;
        }
        if length > 63 {
            return false;
        }
        previous = b;
    }
    labels >= 2 && length >= 2 && letters
}

/// `when`: the field has a value only in rows where every test holds.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Each test: a sibling's index and the values it must have one of (`null` stands
    /// for a sibling that is null or absent).
    pub tests: Vec<(usize, Vec<Value>)>,
    /// What the field is in the other rows.
    pub otherwise: Otherwise,
}

/// What a conditional field is where its condition fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Otherwise {
    Null,
    Absent,
}

/// `after` / `before`: the field's value is a sibling's plus (or minus) a gap.
#[derive(Debug, Clone)]
pub struct Ordering {
    pub source: usize,
    pub direction: Direction,
    pub scale: Scale,
    /// The field's own bounds, in its units: every value stays inside them.
    pub lo: i64,
    pub hi: i64,
    pub gap: Gap,
    /// A number's fractional `multipleOf`s, which some grid values fail in the
    /// validators' float division: the value is the passing one nearest the drawn one.
    pub division: FloatDivision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

/// How a field's values are counted: dates in days, date-times in seconds (both since the
/// Unix epoch), integers as themselves, numbers on a decimal grid in steps of
/// `10^-decimals` (cents for 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Temporal(TemporalKind),
    Integer,
    Decimal(u32),
}

impl Scale {
    /// Units of the field in one unit of its gap: a gap is given in days for dates and
    /// date-times, in the field's own units for numbers (1.5 is 150 cents).
    pub fn per_gap_unit(self) -> i64 {
        match self {
            Scale::Temporal(TemporalKind::DateTime) => 86_400,
            // A grid has at most 15 decimals (schema/numbers.rs): no overflow.
            Scale::Decimal(decimals) => 10i64.pow(decimals),
            _ => 1,
        }
    }

    /// Whether a field counted in this scale can be ordered against one counted in
    /// `source`'s: dates and date-times among themselves; a number after an integer or
    /// a number with no more decimals, an integer after an integer.
    pub fn reads(self, source: Scale) -> bool {
        match (self, source) {
            (Scale::Temporal(_), Scale::Temporal(_)) => true,
            (Scale::Integer, Scale::Integer) => true,
            (Scale::Decimal(_), Scale::Integer) => true,
            (Scale::Decimal(mine), Scale::Decimal(theirs)) => theirs <= mine,
            _ => false,
        }
    }

    /// A sibling's value in this scale (a date read by a date-time field is its
    /// midnight; a date-time read by a date field is its day).
    pub fn read(self, value: &Value) -> Option<i64> {
        match self {
            Scale::Integer => value.as_i64(),
            // A number, or pydantic's Decimal written as a string.
            Scale::Decimal(decimals) => Decimal::from_json(value)?.steps_of(1, decimals),
            Scale::Temporal(kind) => {
                let text = value.as_str()?;
                let seconds = [TemporalKind::DateTime, TemporalKind::Date]
                    .into_iter()
                    .find_map(|k| TemporalGen::parse_seconds(k, text))?
                    as i64;
                Some(match kind {
                    TemporalKind::Date => seconds.div_euclid(86_400),
                    _ => seconds,
                })
            }
        }
    }

    fn write<S: Sink>(self, value: i64, out: &mut S) {
        match self {
            Scale::Integer => out.int(value),
            Scale::Decimal(decimals) => out.decimal(grid_double(value, decimals), value, decimals),
            Scale::Temporal(kind) => out.plain_str_with(|buf| kind.push(value, buf)),
        }
    }
}

/// The gap between a field and the sibling it follows, in the field's units.
#[derive(Debug, Clone)]
pub struct Gap {
    pub min: i64,
    pub max: i64,
    /// The gap's distribution over [min, max] in gap units (days for dates), or `None`
    /// for uniform.
    pub law: Option<FloatSampler>,
}

/// A rule as statistics check it on generated records: the field, its object's path,
/// and what must hold there.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// The field's path (`canceled_at`, `items[].shipped_at`).
    pub path: String,
    /// The path of the object it is a property of (`""` for the record).
    pub object: String,
    /// The property's name, and the rule as `check` describes it.
    pub field: String,
    pub label: String,
    pub check: RuleCheck,
}

/// What a rule asks of each object.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleCheck {
    /// Where both have a value, `field − source` (or `source − field`) is within the gap,
    /// in the field's units.
    Order {
        source: String,
        direction: Direction,
        scale: Scale,
        gap_min: i64,
        gap_max: i64,
    },
    /// The field has a value exactly where every sibling has one of its values.
    When { tests: Vec<(String, Vec<Value>)> },
    /// Where the field has a value (and, for an expression, every sibling it reads a
    /// number), it is the formula's value of its siblings.
    Derive { formula: Formula },
    /// Across tables: where the field has a value, and the row of `table` whose key the
    /// foreign-key sibling `via` holds has one in `field`, the gap as for `Order`.
    ParentOrder {
        via: String,
        table: String,
        field: String,
        direction: Direction,
        scale: Scale,
        gap_min: i64,
        gap_max: i64,
    },
}

impl RuledGen {
    /// The checks of this field's rules, its siblings named from `object` (an ordering
    /// across tables only where `plan`'s table is linked to its parent).
    pub fn checks(&self, plan: &super::Plan, object: &ObjectGen) -> Vec<RuleCheck> {
        let name = |i: usize| object.properties()[i].name.clone();
        let when = self.when.iter().map(|w| RuleCheck::When {
            tests: w.tests.iter().map(|(i, v)| (name(*i), v.clone())).collect(),
        });
        let order = self.order.iter().map(|o| RuleCheck::Order {
            source: name(o.source),
            direction: o.direction,
            scale: o.scale,
            gap_min: o.gap.min,
            gap_max: o.gap.max,
        });
        let derive = self.derive.iter().map(|d| RuleCheck::Derive {
            formula: d.formula.clone(),
        });
        let parent = self.parent_order.and_then(|parent| {
            let slot = &plan.parent_orders[parent.slot];
            let ordering = &slot.link.as_ref()?.ordering;
            Some(RuleCheck::ParentOrder {
                via: name(parent.via),
                table: slot.table.clone(),
                field: slot.field.clone(),
                direction: ordering.direction,
                scale: ordering.scale,
                gap_min: ordering.gap.min,
                gap_max: ordering.gap.max,
            })
        });
        when.chain(order).chain(parent).chain(derive).collect()
    }

    /// Writes the field's value in the object of `object_key` (its own key is `key`).
    pub fn write<S: Sink>(
        &self,
        object: &ObjectGen,
        prop: &Property,
        ctx: &mut Ctx,
        object_key: u64,
        key: u64,
        out: &mut S,
    ) {
        match self.resolve(object, ctx, object_key, key) {
            Outcome::Null => out.null(),
            Outcome::Derived(derived) => {
                if let Some(kept) = derived.kept() {
                    ctx.read_siblings.keep(object, object_key, prop, &kept);
                }
                derived.write(out)
            }
            Outcome::Ordered(scale, value) => {
                ctx.read_siblings
                    .keep(object, object_key, prop, &scale.peeked(value));
                scale.write(value, out)
            }
            Outcome::Own => self.value.generate(ctx, key, out),
        }
    }

    /// The value [`write`](Self::write) writes, as a rule reading this field sees it.
    pub fn peek(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64, key: u64) -> Peeked<'_> {
        match self.resolve(object, ctx, object_key, key) {
            Outcome::Null => Peeked::Null,
            Outcome::Derived(derived) => derived.into_peeked(),
            Outcome::Ordered(scale, value) => scale.peeked(value),
            Outcome::Own => peek_node(&self.value, ctx, key),
        }
    }

    /// Which of its rules decides the field's value in the object of `object_key`.
    fn resolve(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64, key: u64) -> Outcome {
        if self.is_null(object, ctx, object_key, key) {
            return Outcome::Null;
        }
        if let Some(derived) = self.derived(object, ctx, object_key) {
            return Outcome::Derived(derived);
        }
        match self.ordered_value(object, ctx, object_key, key) {
            Some((scale, value)) => Outcome::Ordered(scale, value),
            None => Outcome::Own,
        }
    }

    /// The derived value, where the field is derived and the value fits its schema.
    fn derived(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64) -> Option<Derived> {
        self.derive.as_ref()?.value(object, ctx, object_key)
    }

    /// Whether the field is in the object at all (only a condition leaves it out).
    pub fn is_present(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64) -> bool {
        match &self.when {
            Some(when) if when.otherwise == Otherwise::Absent => {
                when.holds(object, ctx, object_key)
            }
            _ => true,
        }
    }

    /// Whether the field is null in the row: where its condition fails, or by its own
    /// share of nulls when it has no condition.
    fn is_null(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64, key: u64) -> bool {
        match &self.when {
            // An absent field is never written: its condition failed before.
            Some(when) => !when.holds(object, ctx, object_key),
            None => self.null_rate > 0.0 && unit(mix(key, NULL)) < self.null_rate,
        }
    }

    /// The ordered value and its units, where the field is ordered and its sibling (or
    /// its parent row's field) has a value.
    fn ordered_value(
        &self,
        object: &ObjectGen,
        ctx: &mut Ctx,
        object_key: u64,
        key: u64,
    ) -> Option<(Scale, i64)> {
        if let Some(parent) = self.parent_order {
            return parent_ordered_value(parent, object, ctx, object_key, key);
        }
        let order = self.order.as_ref()?;
        let base = object
            .peek(ctx, object_key, order.source)
            .units(order.scale)?;
        Some((order.scale, order.value_after(base, key)?))
    }
}

/// The value of a field ordered against its parent row's field: the foreign-key
/// sibling's parent row, the parent's field there, and the gap (none where the table
/// is not linked, the key is null or the parent's field is).
fn parent_ordered_value(
    parent: ParentOrderRef,
    object: &ObjectGen,
    ctx: &mut Ctx,
    object_key: u64,
    key: u64,
) -> Option<(Scale, i64)> {
    let link = ctx.plan.parent_orders[parent.slot].link.as_ref()?;
    let via = &object.properties()[parent.via];
    let Node::Reference(reference) = &via.node else {
        return None;
    };
    let row = reference.parent_row(ctx, mix_prepared(object_key, via.value_salt()))?;
    let base = link.base(ctx, row)?;
    let order = &link.ordering;
    Some((order.scale, order.value_after(base, key)?))
}

/// What decides a ruled field's value in one object.
enum Outcome {
    /// Its condition failed, or its own share of nulls.
    Null,
    Derived(Derived),
    /// Its ordering's value, in the ordering's units.
    Ordered(Scale, i64),
    /// Its own generator (no rule applies in this row).
    Own,
}

impl Condition {
    fn holds(&self, object: &ObjectGen, ctx: &mut Ctx, object_key: u64) -> bool {
        self.tests
            .iter()
            .all(|(index, values)| object.peek(ctx, object_key, *index).is_one_of(values))
    }
}

/// A sibling's value as a rule reads it: drawn, not written out, where its generator
/// allows (dates, integers, enum values), so that reading a sibling costs about as much
/// as drawing it.
#[derive(Debug)]
pub enum Peeked<'n> {
    /// The object leaves the key out.
    Absent,
    Null,
    Int(i64),
    /// A number on a grid, `units / 10^decimals`.
    Decimal(i64, u32),
    /// A date (days) or date-time (seconds) since the Unix epoch.
    Temporal(i64, TemporalKind),
    /// A value of the generator's own list (an enum's, a const).
    Listed(&'n Value),
    /// Any other value, as written.
    Other(Value),
}

/// The values that rules read in the object being written: a status that several
/// conditions test, a date that a chain of fields follows, a total that another derived
/// field reads, each drawn once per row (kept when the object writes it, or when a rule
/// first reads it). A ruled object opens a frame of one slot per field a rule reads
/// ([`Property::slot`]) while it is written (nested ruled objects open theirs above
/// it). Only values that own nothing are kept (numbers, dates, an enum's value by its
/// index, null, absent): a text is drawn again at each read. A value is a pure function
/// of its object and key, so keeping it changes no output.
#[derive(Debug, Default)]
pub struct ReadSiblings {
    slots: SmallVec<[Kept; 16]>,
    frame: Frame,
}

/// The innermost ruled object being written: its generator (by address), its key,
/// where its slots start, and which of them hold a value.
#[derive(Debug, Default, Clone, Copy)]
pub struct Frame {
    object: usize,
    key: u64,
    start: usize,
    known: u64,
}

#[derive(Debug, Clone, Copy)]
enum Kept {
    Absent,
    Null,
    Int(i64),
    Decimal(i64, u32),
    Temporal(i64, TemporalKind),
    /// The index of a value of the field's enum.
    Listed(u32),
}

impl ReadSiblings {
    /// Opens the frame of `object` (of `key`); returns the frame to restore when it ends.
    pub fn open(&mut self, object: &ObjectGen, key: u64) -> Frame {
        let start = self.slots.len();
        // Compilation gives at most 64 slots (`known` has 64 bits). A copy, not a loop:
        // every ruled object of every row opens one.
        const EMPTY: [Kept; 64] = [Kept::Absent; 64];
        self.slots
            .extend_from_slice(&EMPTY[..object.kept_fields.min(64)]);
        let object = std::ptr::from_ref(object) as usize;
        let frame = Frame {
            object,
            key,
            start,
            known: 0,
        };
        std::mem::replace(&mut self.frame, frame)
    }

    pub fn close(&mut self, outer: Frame) {
        self.slots.truncate(self.frame.start);
        self.frame = outer;
    }

    /// What the innermost frame keeps of a field, where it keeps something.
    fn known(&self, object: &ObjectGen, key: u64, prop: &Property) -> Option<Kept> {
        let bit = self.bit(object, key, prop)?;
        (self.frame.known & (1 << bit) != 0).then(|| self.slots[self.frame.start + bit])
    }

    /// Which bit of the innermost frame a field's value is kept under, where that frame
    /// is its object's.
    #[inline(always)]
    fn bit(&self, object: &ObjectGen, key: u64, prop: &Property) -> Option<usize> {
        let frame = &self.frame;
        let slot = usize::from(prop.slot?);
        (slot < 64 && frame.key == key && frame.object == std::ptr::from_ref(object) as usize)
            .then_some(slot)
    }

    pub fn recall<'n>(
        &self,
        object: &ObjectGen,
        key: u64,
        prop: &'n Property,
    ) -> Option<Peeked<'n>> {
        Some(match self.known(object, key, prop)? {
            Kept::Absent => Peeked::Absent,
            Kept::Null => Peeked::Null,
            Kept::Int(v) => Peeked::Int(v),
            Kept::Decimal(v, d) => Peeked::Decimal(v, d),
            Kept::Temporal(v, kind) => Peeked::Temporal(v, kind),
            Kept::Listed(i) => Peeked::Listed(&listed_of(&prop.node)?.values()[i as usize]),
        })
    }

    pub fn keep(&mut self, object: &ObjectGen, key: u64, prop: &Property, peeked: &Peeked) {
        let Some(bit) = self.bit(object, key, prop) else {
            return;
        };
        self.slots[self.frame.start + bit] = match *peeked {
            Peeked::Absent => Kept::Absent,
            Peeked::Null => Kept::Null,
            Peeked::Int(v) => Kept::Int(v),
            Peeked::Decimal(v, d) => Kept::Decimal(v, d),
            Peeked::Temporal(v, kind) => Kept::Temporal(v, kind),
            Peeked::Listed(value) => match listed_of(&prop.node).and_then(|e| e.index_of(value)) {
                Some(index) => Kept::Listed(index),
                None => return,
            },
            Peeked::Other(_) => return,
        };
        self.frame.known |= 1 << bit;
    }
}

/// The enum a field's value is one of, where its generator is one (under its rule).
fn listed_of(node: &Node) -> Option<&EnumGen> {
    match node {
        Node::Enum(e) => Some(e),
        Node::Ruled(rule) => listed_of(&rule.value),
        _ => None,
    }
}

/// The value `node` generates for `key`, peeked.
pub fn peek_node<'n>(node: &'n Node, ctx: &mut Ctx, key: u64) -> Peeked<'n> {
    match node {
        Node::String(StringGen::Temporal(t)) => Peeked::Temporal(t.draw(key), t.kind()),
        Node::Integer(g) if g.sequence.is_none() => Peeked::Int(g.draw(key)),
        Node::Number(g) => match g.draw_decimal(key) {
            Some((units, decimals)) => Peeked::Decimal(units, decimals),
            None => Peeked::Other(Value::from(g.draw(key))),
        },
        Node::Enum(e) => Peeked::Listed(e.pick(key)),
        Node::Const(v) => Peeked::Listed(v),
        Node::Null => Peeked::Null,
        Node::Bool(b) => Peeked::Other(Value::Bool(b.draw(key))),
        Node::Union(u) => {
            let (branch, key) = u.branch_for(ctx, key);
            peek_node(branch, ctx, key)
        }
        other => {
            let mut sink = ValueSink::new();
            other.generate(ctx, key, &mut sink);
            Peeked::Other(sink.finish())
        }
    }
}

impl Peeked<'_> {
    /// The value as template text, appended to `out`: a string as it is, null or
    /// absent as nothing, other values as their JSON text.
    pub(super) fn push_text(&self, out: &mut String) {
        match self {
            Peeked::Absent | Peeked::Null => {}
            Peeked::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Peeked::Decimal(..) => push_text_of(Some(&self.number_value()), out),
            Peeked::Temporal(v, kind) => kind.push(*v, out),
            Peeked::Listed(v) => push_text_of(Some(v), out),
            Peeked::Other(v) => push_text_of(Some(v), out),
        }
    }

    /// A grid number as the JSON value written (its double).
    fn number_value(&self) -> Value {
        match self {
            Peeked::Decimal(units, decimals) => Value::from(grid_double(*units, *decimals)),
            _ => Value::Null,
        }
    }

    /// The value as an exact decimal, where it is a number (or a numeric string).
    fn decimal(&self) -> Option<Decimal> {
        match self {
            Peeked::Int(i) => Some(Decimal::int(*i)),
            Peeked::Decimal(units, decimals) => Some(Decimal {
                units: (*units).into(),
                scale: *decimals,
            }),
            Peeked::Listed(v) => Decimal::from_json(v),
            Peeked::Other(v) => Decimal::from_json(v),
            Peeked::Absent | Peeked::Null | Peeked::Temporal(..) => None,
        }
    }

    /// The value in the units of `scale`, where it is one that scale counts.
    pub(super) fn units(&self, scale: Scale) -> Option<i64> {
        match (self, scale) {
            (Peeked::Int(v), Scale::Integer) => Some(*v),
            (Peeked::Int(v), Scale::Decimal(to)) => v.checked_mul(10i64.checked_pow(to)?),
            (Peeked::Decimal(v, from), Scale::Decimal(to)) if from <= &to => {
                v.checked_mul(10i64.checked_pow(to - from)?)
            }
            (Peeked::Temporal(v, from), Scale::Temporal(to)) => Some(match (from, to) {
                (TemporalKind::Date, TemporalKind::DateTime) => v * 86_400,
                (TemporalKind::DateTime, TemporalKind::Date) => v.div_euclid(86_400),
                _ => *v,
            }),
            (Peeked::Listed(v), _) => scale.read(v),
            (Peeked::Other(v), _) => scale.read(v),
            _ => None,
        }
    }

    /// Whether the value is one of `values` (`null` stands for null and absent alike).
    fn is_one_of(&self, values: &[Value]) -> bool {
        match self {
            Peeked::Absent | Peeked::Null => values.contains(&Value::Null),
            Peeked::Listed(v) => values.contains(v),
            Peeked::Other(v) => values.contains(v),
            Peeked::Int(i) => values.iter().any(|v| v.as_i64() == Some(*i)),
            Peeked::Decimal(..) => values.contains(&self.number_value()),
            Peeked::Temporal(v, kind) => {
                let mut text = String::new();
                kind.push(*v, &mut text);
                values.iter().any(|v| v.as_str() == Some(text.as_str()))
            }
        }
    }
}

impl Scale {
    /// An ordered value as a rule reading the field sees it.
    fn peeked(self, value: i64) -> Peeked<'static> {
        match self {
            Scale::Integer => Peeked::Int(value),
            Scale::Decimal(decimals) => Peeked::Decimal(value, decimals),
            Scale::Temporal(kind) => Peeked::Temporal(value, kind),
        }
    }
}

impl Ordering {
    /// The field's value for a sibling at `base`: `base ± gap`, the gap drawn within the
    /// room the field's bounds leave (which compilation proved is never empty). `None`
    /// where a number's float division leaves no passing value in that room (the field
    /// then keeps its own value, and the statistics count the rule broken there).
    pub(super) fn value_after(&self, base: i64, key: u64) -> Option<i64> {
        let (lo, hi) = match self.direction {
            Direction::After => (self.lo.saturating_sub(base), self.hi.saturating_sub(base)),
            Direction::Before => (base.saturating_sub(self.hi), base.saturating_sub(self.lo)),
        };
        let (lo, hi) = (lo.max(self.gap.min), hi.min(self.gap.max));
        let gap = if lo >= hi {
            lo
        } else {
            self.gap
                .draw(lo, hi, self.scale.per_gap_unit(), mix(key, GAP))
        };
        let at = |gap: i64| match self.direction {
            Direction::After => base.saturating_add(gap),
            Direction::Before => base.saturating_sub(gap),
        };
        let value = at(gap);
        let Scale::Decimal(decimals) = self.scale else {
            return Some(value);
        };
        let double = |units: i64| grid_double(units, decimals);
        if self.division.is_exact() || self.division.passes(double(value)) {
            return Some(value);
        }
        let window = if at(lo) <= at(hi) {
            (at(lo), at(hi))
        } else {
            (at(hi), at(lo))
        };
        self.division.nearest(value, window, key >> 63 == 0, double)
    }
}

impl Gap {
    /// A gap in `[lo, hi]` (a part of `[min, max]`): from the law where it falls inside,
    /// redrawn a few times, then uniform.
    fn draw(&self, lo: i64, hi: i64, per_gap_unit: i64, key: u64) -> i64 {
        let mut rng = rng_for(key);
        if let Some(law) = &self.law {
            for _ in 0..GAP_TRIES {
                let gap = (law.sample(&mut rng) * per_gap_unit as f64).floor() as i64;
                if (lo..=hi).contains(&gap) {
                    return gap;
                }
            }
        }
        rng.random_range(lo..=hi)
    }
}

/// The double written for `units / 10^decimals`: the nearest one, as the number
/// generators and `JsonWriter::decimal` write it.
fn grid_double(units: i64, decimals: u32) -> f64 {
    units as f64 / 10f64.powi(decimals as i32)
}
