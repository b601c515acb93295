//! The storage shape of a table, derived from its compiled generator tree
//! ([`crate::generate::Plan`]): which values are integers, numbers, text, nested objects
//! or lists, and which may be null or absent. csv and sql flatten it into columns
//! ([`super::flat`]); parquet maps it to Arrow types. The compiler has already followed
//! `$ref`s and merged `allOf`, so the shape says exactly what the generators write.
//!
//! Rules, per generator: a union drops its `null` branch (making the value nullable)
//! and merges the rest: objects into one object with every branch's properties
//! (optional unless every branch requires them), integer with number into number,
//! texts of different formats into plain text, anything else into JSON text. An integer
//! carries the range its values lie in (its bounds, a key's permutation, its `enum`), so
//! that sql can say `INTEGER` where 32 bits hold them. A money field (pydantic's
//! `Decimal`, [`NumberGen::money`]) and a number on the decimal grid of its own
//! `multipleOf` ([`NumberGen::stepped`]) are decimals, with the digits of their grid.
//! `enum` and `const` take the shape of their values' JSON types. Objects with keys
//! beyond the declared ones (maps, `minProperties` fillers) or with none declared are
//! JSON text, as are recursive references and custom synthesizers. Date, date-time and
//! uuid strings are text of their own format. A linked foreign key takes the shape of
//! the parent's key (whose values it writes), so that both columns have one type.
//! Deliberate noise does not change a field's kind: a wrong value is written as it is,
//! and the database (or parquet) judges it; only an integer's range and a decimal's
//! precision widen to hold its bad numbers, which are still integers and decimals.

use serde_json::Value;

use crate::Table;
use crate::generate::noise::NoiseGen;
use crate::generate::number::{NumberGen, NumberSpace};
use crate::generate::object::ObjectGen;
use crate::generate::reference::{ReferenceGen, ReferenceSlot};
use crate::generate::string::StringGen;
use crate::generate::temporal::TemporalKind;
use crate::generate::unique::{UniqueGen, UniqueKind};
use crate::generate::{ArrayGen, Node as Gen, UnionGen};

/// One position in a record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    /// `null` is allowed here.
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// Whole numbers within a range.
    Integer(IntegerRange),
    Number,
    /// A money field's number: decimal digits where its values lie on a decimal grid,
    /// `None` where they are any double of an interval.
    Decimal(Option<DecimalDigits>),
    Boolean,
    Text(TextFormat),
    /// Anything else, stored as JSON text.
    Json,
    /// Properties in schema order.
    Object(Vec<Property>),
    /// A list of elements of one shape.
    Array(Box<Node>),
}

/// Strings whose format has a column type of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFormat {
    Plain,
    DateTime,
    Date,
    /// `format: uuid`: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits.
    Uuid,
}

/// The least and greatest value an integer position can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IntegerRange {
    pub lo: i64,
    pub hi: i64,
}

impl IntegerRange {
    /// Nothing is known: any 64-bit integer.
    pub const ANY: IntegerRange = IntegerRange {
        lo: i64::MIN,
        hi: i64::MAX,
    };

    /// Every value fits a 32-bit integer (SQL's `INTEGER`).
    pub fn fits_32_bits(self) -> bool {
        i32::try_from(self.lo).is_ok() && i32::try_from(self.hi).is_ok()
    }

    fn holding(self, value: i64) -> IntegerRange {
        IntegerRange {
            lo: self.lo.min(value),
            hi: self.hi.max(value),
        }
    }

    fn union(self, other: IntegerRange) -> IntegerRange {
        self.holding(other.lo).holding(other.hi)
    }

    /// `lo + i * step` for `i` in `[0, count)`, ends clamped to 64 bits.
    fn of_steps(lo: i64, step: i64, count: u64) -> IntegerRange {
        let last = i128::from(lo) + i128::from(step) * i128::from(count.saturating_sub(1));
        let last = last.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        IntegerRange {
            lo: lo.min(last),
            hi: lo.max(last),
        }
    }
}

/// The digits of a decimal column: `precision` in all, `scale` after the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecimalDigits {
    pub precision: u8,
    pub scale: u8,
}

impl DecimalDigits {
    /// The digits of a money field's values, from its grid `k * mantissa / 10^decimals`
    /// (the default grid of cents, or `multipleOf`'s): the scale is the grid's decimals,
    /// the precision what the largest value needs.
    fn of(number: &NumberGen) -> Option<DecimalDigits> {
        let NumberSpace::Grid {
            k_lo,
            k_hi,
            mantissa,
            decimals,
            ..
        } = number.space
        else {
            return None;
        };
        // At most (2^63)^2 < 10^38: 128 bits hold it, and Decimal128 its digits.
        let largest = u128::from(k_lo.unsigned_abs().max(k_hi.unsigned_abs()))
            * u128::from(mantissa.unsigned_abs());
        Some(DecimalDigits::holding(largest, decimals))
    }

    /// Digits for `units · 10^-scale` with `|units|` up to `largest`.
    fn holding(largest: u128, scale: u32) -> DecimalDigits {
        let digits = largest.checked_ilog10().map_or(1, |d| d + 1);
        DecimalDigits {
            precision: digits.max(scale).clamp(1, 38) as u8,
            scale: scale as u8,
        }
    }

    /// These digits widened to hold `value` too, or `None` when `value` is not on the
    /// grid of the scale (or needs more than 38 digits).
    fn holding_value(self, value: f64) -> Option<DecimalDigits> {
        let unit = 10f64.powi(i32::from(self.scale));
        let units = (value * unit).round();
        if !value.is_finite() || units / unit != value || units.abs() >= 1e38 {
            return None;
        }
        let wider = DecimalDigits::holding(units.abs() as u128, u32::from(self.scale));
        Some(DecimalDigits {
            precision: self.precision.max(wider.precision),
            scale: self.scale,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Property {
    pub name: String,
    pub node: Node,
    /// Listed in `required`: never absent.
    pub required: bool,
    /// A key: `x-synth.key` (or DataSynthTool's `sql.key`) is `"primary"`, or `unique`.
    pub key: Option<KeyRole>,
}

/// What kind of key a field is: SQL declares it `PRIMARY KEY` or `UNIQUE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRole {
    Primary,
    Unique,
}

impl Node {
    fn new(kind: Kind, nullable: bool) -> Node {
        Node { kind, nullable }
    }

    fn json() -> Node {
        Node::new(Kind::Json, true)
    }
}

/// The shape of `table`'s records.
pub(crate) fn derive(table: &Table) -> Node {
    let plan = table.plan();
    Shaper {
        references: &plan.references,
    }
    .shape_of(&plan.root)
}

/// Walks one table's generator tree; `references` are its plan's foreign-key slots.
struct Shaper<'p> {
    references: &'p [ReferenceSlot],
}

impl Shaper<'_> {
    fn shape_of(&self, node: &Gen) -> Node {
        let kind = match node {
            Gen::Const(value) => return node_of_values(std::slice::from_ref(value)),
            Gen::Enum(choices) => return node_of_values(choices.values()),
            Gen::Null => return Node::json(),
            Gen::Bool(_) => Kind::Boolean,
            Gen::Integer(integer) => Kind::Integer(IntegerRange {
                lo: integer.lo,
                hi: integer.hi,
            }),
            Gen::Number(number) if number.money || number.stepped => {
                Kind::Decimal(DecimalDigits::of(number))
            }
            Gen::Number(_) => Kind::Number,
            Gen::String(string) => Kind::Text(text_format(string)),
            Gen::Object(object) => return self.object_shape(object),
            Gen::Array(array) => return self.array_shape(array),
            Gen::Union(union) => return self.union_shape(union),
            Gen::Checked(checked) => return self.shape_of(checked.inner()),
            Gen::Noisy(noisy) => return self.noisy_shape(noisy),
            Gen::Unique(unique) => return self.unique_shape(unique),
            // What a user's synthesizer returns is not known before it runs; a recursive
            // reference has no fixed depth.
            Gen::Custom(custom) => return node_of_types(&custom.types),
            Gen::Recurse(_) => return Node::json(),
            Gen::Reference(reference) => return self.reference_shape(reference),
            Gen::Ruled(ruled) => return self.shape_of(&ruled.own),
        };
        Node::new(kind, false)
    }

    fn unique_shape(&self, unique: &UniqueGen) -> Node {
        let kind = match &unique.kind {
            UniqueKind::Integer { lo, step } => {
                Kind::Integer(IntegerRange::of_steps(*lo, *step, unique.capacity))
            }
            UniqueKind::Listed(values) => return node_of_values(values),
            // The row's token is woven into the text: no longer a uuid, a date.
            UniqueKind::Tagged { .. } | UniqueKind::Pattern(_) => Kind::Text(TextFormat::Plain),
            UniqueKind::Natural(inner) => return self.shape_of(inner),
        };
        Node::new(kind, false)
    }

    /// A linked foreign key writes the parent's key values: it takes the shape of the
    /// parent's key (a key column and its references then have one type), nullable where
    /// its own schema is. Unlinked, its own schema's values, whose shape that is.
    fn reference_shape(&self, reference: &ReferenceGen) -> Node {
        let own = self.shape_of(&reference.own);
        let Some(link) = self
            .references
            .get(reference.slot)
            .and_then(|slot| slot.link.as_ref())
        else {
            return own;
        };
        // The parent's key generator belongs to the parent's plan, whose slots these
        // are not.
        let mut node = Shaper { references: &[] }.shape_of(link.key_node());
        node.nullable |= own.nullable || reference.null_rate > 0.0;
        node
    }

    /// The inner generator's shape, with an integer's range and a decimal's precision
    /// widened to hold the bad numbers (other bad values are left to the database).
    fn noisy_shape(&self, noisy: &NoiseGen) -> Node {
        let mut node = self.shape_of(&noisy.inner);
        for bad in &noisy.bad {
            node.kind = match (node.kind, bad) {
                // Bad numbers are written as they are (`1001.0`); a whole one counts.
                (Kind::Integer(range), Value::Number(n)) => match whole_number(n) {
                    Some(v) => Kind::Integer(range.holding(v)),
                    None => Kind::Integer(range),
                },
                (Kind::Decimal(Some(digits)), Value::Number(n)) => {
                    Kind::Decimal(n.as_f64().and_then(|v| digits.holding_value(v)))
                }
                (kind, _) => kind,
            };
        }
        node
    }

    fn union_shape(&self, union: &UnionGen) -> Node {
        let mut nullable = false;
        let mut nodes = Vec::new();
        for branch in union.branches() {
            if matches!(branch, Gen::Null) {
                nullable = true;
            } else {
                nodes.push(self.shape_of(branch));
            }
        }
        let mut node = merge_all(nodes).unwrap_or_else(Node::json);
        node.nullable |= nullable;
        node
    }

    fn object_shape(&self, object: &ObjectGen) -> Node {
        if object.properties().is_empty() || object.extra.is_some() {
            // A map, an empty object, or declared keys plus invented ones: no fixed columns.
            return Node::new(Kind::Json, false);
        }
        let properties = object
            .properties()
            .iter()
            .map(|p| Property {
                name: p.name.clone(),
                node: self.shape_of(&p.node),
                required: p.required,
                key: key_role(&p.node),
            })
            .collect();
        Node::new(Kind::Object(properties), false)
    }

    /// A list of the merged shapes of every element the array can hold: tuple elements,
    /// then `contains` elements, then the rest, each only if the length reaches it.
    fn array_shape(&self, array: &ArrayGen) -> Node {
        let after_prefix = array.max.saturating_sub(array.prefix.len());
        let contained = array.contains.as_ref().map_or(0, |(_, count)| *count);
        let contains = array
            .contains
            .as_ref()
            .filter(|_| after_prefix > 0)
            .map(|(node, _)| &**node);
        let items = array.items.as_deref().filter(|_| after_prefix > contained);
        let elements = array
            .prefix
            .iter()
            .chain(contains)
            .chain(items)
            .map(|element| self.shape_of(element));
        let element = merge_all(elements).unwrap_or_else(Node::json);
        Node::new(Kind::Array(Box::new(element)), false)
    }
}

/// `n` as a 64-bit integer, if it is a whole number in range (`7`, `7.0`).
fn whole_number(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        let v = n.as_f64()?;
        // 2^63 as a double is the first value beyond i64.
        (v.fract() == 0.0 && v >= -(2f64.powi(63)) && v < 2f64.powi(63)).then_some(v as i64)
    })
}

/// Whether `node` is a key marked `key: "primary"` (below checks and noise).
fn key_role(node: &Gen) -> Option<KeyRole> {
    match node {
        Gen::Unique(unique) if unique.primary_key => Some(KeyRole::Primary),
        Gen::Unique(_) => Some(KeyRole::Unique),
        Gen::Checked(checked) => key_role(checked.inner()),
        // Deliberately wrong values may repeat: no constraint then.
        Gen::Noisy(_) => None,
        _ => None,
    }
}

/// Dates, date-times and uuids have column types of their own; a time is plain text.
fn text_format(string: &StringGen) -> TextFormat {
    let kind = match string {
        StringGen::Temporal(temporal) => Some(temporal.kind()),
        StringGen::Format(format) if format.is_uuid() => return TextFormat::Uuid,
        StringGen::Format(format) => format.temporal_kind(),
        StringGen::Text(_) | StringGen::Pattern(_) | StringGen::Domain { .. } => None,
    };
    match kind {
        Some(TemporalKind::DateTime) => TextFormat::DateTime,
        Some(TemporalKind::Date) => TextFormat::Date,
        Some(TemporalKind::Time) | None => TextFormat::Plain,
    }
}

/// The shape of a value drawn from `values` (an `enum`, a `const`, a unique list).
fn node_of_values(values: &[Value]) -> Node {
    let mut nullable = false;
    let mut nodes = Vec::new();
    for value in values {
        let kind = match value {
            Value::Null => {
                nullable = true;
                continue;
            }
            Value::Bool(_) => Kind::Boolean,
            Value::Number(n) => match n.as_i64() {
                Some(v) => Kind::Integer(IntegerRange { lo: v, hi: v }),
                None => Kind::Number,
            },
            Value::String(_) => Kind::Text(TextFormat::Plain),
            Value::Array(_) | Value::Object(_) => Kind::Json,
        };
        nodes.push(Node::new(kind, false));
    }
    let mut node = merge_all(nodes).unwrap_or_else(Node::json);
    node.nullable |= nullable;
    node
}

/// The shape of a value of the JSON types named (a custom synthesizer's, whose values
/// are validated against them); nullable JSON text when none are named.
fn node_of_types(types: &[&str]) -> Node {
    let nodes = types.iter().filter(|&&t| t != "null").map(|&t| {
        let kind = match t {
            "boolean" => Kind::Boolean,
            "integer" => Kind::Integer(IntegerRange::ANY),
            "number" => Kind::Number,
            "string" => Kind::Text(TextFormat::Plain),
            _ => Kind::Json,
        };
        Node::new(kind, false)
    });
    let mut node = merge_all(nodes).unwrap_or_else(Node::json);
    node.nullable |= types.contains(&"null");
    node
}

fn merge_all(nodes: impl IntoIterator<Item = Node>) -> Option<Node> {
    nodes.into_iter().reduce(merge)
}

/// One shape that holds the values of either.
fn merge(a: Node, b: Node) -> Node {
    let kind = match (a.kind, b.kind) {
        (Kind::Integer(x), Kind::Integer(y)) => Kind::Integer(x.union(y)),
        (Kind::Integer(_), Kind::Number) | (Kind::Number, Kind::Integer(_)) => Kind::Number,
        (Kind::Decimal(x), Kind::Decimal(y)) => Kind::Decimal(if x == y { x } else { None }),
        (Kind::Decimal(_), Kind::Integer(_) | Kind::Number)
        | (Kind::Integer(_) | Kind::Number, Kind::Decimal(_)) => Kind::Number,
        (Kind::Text(x), Kind::Text(y)) => Kind::Text(if x == y { x } else { TextFormat::Plain }),
        (Kind::Object(x), Kind::Object(y)) => Kind::Object(merge_properties(x, y)),
        (Kind::Array(x), Kind::Array(y)) => Kind::Array(Box::new(merge(*x, *y))),
        (x, y) if x == y => x,
        _ => Kind::Json,
    };
    Node {
        kind,
        nullable: a.nullable || b.nullable,
    }
}

/// The properties of objects of either shape: a property is required only where both
/// require it (a property missing from one is absent from that one's records).
fn merge_properties(mut into: Vec<Property>, from: Vec<Property>) -> Vec<Property> {
    for property in &mut into {
        property.required &= from.iter().any(|q| q.name == property.name);
    }
    for property in from {
        match into.iter_mut().find(|p| p.name == property.name) {
            Some(existing) => {
                let node = std::mem::replace(&mut existing.node, Node::json());
                existing.node = merge(node, property.node);
                existing.required &= property.required;
                existing.key = existing.key.or(property.key);
            }
            None => into.push(Property {
                required: false,
                ..property
            }),
        }
    }
    into
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(schema: Value) -> Table {
        Table::from_value(schema, None).unwrap()
    }

    fn object(node: &Node) -> &[Property] {
        match &node.kind {
            Kind::Object(properties) => properties,
            other => panic!("not an object: {other:?}"),
        }
    }

    /// One line per position: `path: kind [nullable] [optional] [pk]`, depth first.
    fn outline(node: &Node) -> Vec<String> {
        fn walk(node: &Node, path: &str, flags: &str, out: &mut Vec<String>) {
            let kind = match &node.kind {
                Kind::Integer(IntegerRange::ANY) => "integer",
                Kind::Integer(r) => &format!("integer [{}, {}]", r.lo, r.hi),
                Kind::Number => "number",
                Kind::Decimal(Some(d)) => &format!("decimal({}, {})", d.precision, d.scale),
                Kind::Decimal(None) => "decimal",
                Kind::Boolean => "boolean",
                Kind::Text(TextFormat::Plain) => "text",
                Kind::Text(TextFormat::Date) => "date",
                Kind::Text(TextFormat::DateTime) => "date-time",
                Kind::Text(TextFormat::Uuid) => "uuid",
                Kind::Json => "json",
                Kind::Object(_) => "object",
                Kind::Array(_) => "array",
            };
            let null = if node.nullable { " nullable" } else { "" };
            out.push(format!("{path}: {kind}{null}{flags}"));
            match &node.kind {
                Kind::Object(properties) => {
                    for p in properties {
                        let flags = format!(
                            "{}{}",
                            if p.required { "" } else { " optional" },
                            match p.key {
                                Some(KeyRole::Primary) => " pk",
                                Some(KeyRole::Unique) => " unique",
                                None => "",
                            }
                        );
                        walk(&p.node, &format!("{path}.{}", p.name), &flags, out);
                    }
                }
                Kind::Array(element) => walk(element, &format!("{path}[]"), "", out),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(node, "", "", &mut out);
        out
    }

    fn example(name: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas")
            .join(format!("{name}.json"));
        outline(&derive(&Table::load(&path).unwrap()))
    }

    #[test]
    fn pydantic_shapes() {
        let schema = json!({
            "$defs": {
                "Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                "Span": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Span"}}
                }, "required": ["name"]},
                "Level": {"enum": [10, 20]}
            },
            "type": "object",
            "properties": {
                "id": {"type": "integer", "x-synth": {"key": "primary"}},
                "at": {"type": "string", "format": "date-time"},
                "phone": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "address": {"$ref": "#/$defs/Address"},
                "level": {"$ref": "#/$defs/Level"},
                "trace": {"anyOf": [{"$ref": "#/$defs/Span"}, {"type": "null"}]},
                "position": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "integer"}], "maxItems": 2},
                "open_tuple": {"type": "array", "prefixItems": [{"type": "number"}]},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "payment": {"oneOf": [
                    {"type": "object", "properties": {"kind": {"const": "card"}, "last4": {"type": "string"}}, "required": ["kind", "last4"]},
                    {"type": "object", "properties": {"kind": {"const": "bank"}, "iban": {"type": "string"}}, "required": ["kind", "iban"]}
                ]},
                "mixed": {"type": ["string", "integer", "null"]}
            },
            "required": ["id", "address"]
        });
        let root = derive(&compile(schema));
        let props = object(&root);
        let find = |name: &str| props.iter().find(|p| p.name == name).unwrap();
        assert!(find("id").key == Some(KeyRole::Primary) && find("id").required);
        assert_eq!(find("at").node.kind, Kind::Text(TextFormat::DateTime));
        assert!(find("phone").node.nullable && !find("phone").required);
        assert_eq!(object(&find("address").node)[0].name, "city");
        assert_eq!(
            find("level").node.kind,
            Kind::Integer(IntegerRange { lo: 10, hi: 20 })
        );
        let trace = &find("trace").node;
        assert!(trace.nullable);
        let children = &object(trace)[1].node;
        assert_eq!(
            children.kind,
            Kind::Array(Box::new(Node::json())),
            "recursion stops at JSON"
        );
        assert_eq!(
            find("position").node.kind,
            Kind::Array(Box::new(Node::new(Kind::Number, false)))
        );
        assert_eq!(
            find("open_tuple").node.kind,
            Kind::Array(Box::new(Node::new(Kind::Json, false))),
            "elements after the tuple can be anything"
        );
        assert_eq!(find("labels").node.kind, Kind::Json);
        let payment: Vec<(&str, bool)> = object(&find("payment").node)
            .iter()
            .map(|p| (p.name.as_str(), p.required))
            .collect();
        assert_eq!(payment, [("kind", true), ("last4", false), ("iban", false)]);
        assert_eq!(find("mixed").node, Node::new(Kind::Json, true));
    }

    /// A money field (pydantic's `Decimal`) and a number on its own `multipleOf` grid are
    /// decimals with the digits of their grid; merged with another number, a number.
    /// Noise widens a range to hold its bad numbers.
    #[test]
    fn money_fields_are_decimals() {
        let money = |number: Value| json!({"anyOf": [number, {"type": "string"}]});
        let schema = json!({
            "type": "object",
            "properties": {
                "amount": money(json!({"type": "number"})),
                "fee": money(json!({"type": "number", "minimum": -5, "maximum": 5, "multipleOf": 0.125})),
                "narrow": money(json!({"type": "number", "minimum": 0, "maximum": 0.5})),
                "optional": {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]},
                "plain": {"type": "number"},
                "mixed": {"anyOf": [{"type": "integer"}, money(json!({"type": "number"}))]},
                "stepped": {"type": "number", "minimum": 0, "maximum": 99.99, "multipleOf": 0.01},
                "noisy": {"type": "number", "minimum": 0, "maximum": 99.99, "multipleOf": 0.01, "x-synth": {"noise": 0.1}},
                "counter": {"type": "integer", "minimum": 0, "maximum": 2147483647, "x-synth": {"noise": 0.1}}
            },
            "required": ["amount", "fee", "narrow", "optional", "plain", "mixed", "stepped", "noisy", "counter"]
        });
        assert_eq!(
            outline(&derive(&compile(schema))),
            [
                ": object",
                ".amount: decimal(6, 2)",
                ".fee: decimal(4, 3)",
                ".narrow: decimal",
                ".optional: decimal(6, 2) nullable",
                ".plain: number",
                ".mixed: number",
                ".stepped: decimal(4, 2)",
                // Noise writes 100.99 (maximum + 1) and -1: one more digit.
                ".noisy: decimal(5, 2)",
                ".counter: integer [-1, 2147483648]",
            ]
        );
    }

    /// The primary-key mark travels with the compiled field, wherever its schema is
    /// written; `unique` alone is not a primary key.
    #[test]
    fn primary_keys_behind_refs() {
        let schema = json!({
            "$defs": {"Id": {"type": "string", "format": "uuid", "x-synth": {"key": "primary"}}},
            "type": "object",
            "properties": {
                "id": {"$ref": "#/$defs/Id"},
                "email": {"type": "string", "format": "email", "x-synth": {"unique": true}}
            },
            "required": ["id", "email"]
        });
        let root = derive(&compile(schema));
        let keys: Vec<(&str, Option<KeyRole>)> = object(&root)
            .iter()
            .map(|p| (p.name.as_str(), p.key))
            .collect();
        assert_eq!(
            keys,
            [
                ("id", Some(KeyRole::Primary)),
                ("email", Some(KeyRole::Unique))
            ]
        );
    }

    /// What only the compiled plan knows: `allOf` beside `properties`, keys that
    /// `required` takes from `additionalProperties`, invented keys, custom synthesizers
    /// (typed by their schema's `type`).
    #[test]
    fn shapes_follow_what_the_generators_write() {
        #[derive(Debug)]
        struct Anything;
        impl crate::synthesizer::Synthesizer for Anything {
            fn generate(&self, _: &mut crate::rng::SynthRng, row: u64) -> Value {
                row.into()
            }
        }
        let mut options = crate::schema::Options::default();
        options
            .synthesizers
            .register("anything", std::sync::Arc::new(Anything));
        let schema = json!({
            "$defs": {"Envelope": {"properties": {"at": {"type": "string", "format": "date"}}, "required": ["at"]}},
            "type": "object",
            "allOf": [{"$ref": "#/$defs/Envelope"}],
            "properties": {
                "clock": {"type": "string", "format": "time"},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}, "required": ["total"]},
                "padded": {"type": "object", "properties": {"a": {"type": "integer"}}, "minProperties": 3},
                "noisy": {"type": "integer", "x-synth": {"noise": 0.5}},
                "custom": {"type": "integer", "x-synth": {"synthesizer": "anything"}},
                "custom_untyped": {"x-synth": {"synthesizer": "anything"}}
            },
            "required": ["clock", "counts", "padded", "noisy", "custom", "custom_untyped"]
        });
        let table = crate::schema::compile_value(schema, None, &options).unwrap();
        assert_eq!(
            outline(&derive(&table)),
            [
                ": object",
                ".at: date",
                ".clock: text",
                ".counts: object",
                ".counts.total: integer [0, 1000]",
                ".padded: json",
                ".noisy: integer [0, 1000]",
                ".custom: integer",
                ".custom_untyped: json nullable",
            ]
        );
    }

    // The three examples' shapes, as the JSON-Schema walker this module replaced
    // derived them.

    #[test]
    fn customer_shape() {
        assert_eq!(
            example("customer"),
            [
                ": object",
                ".customer_id: integer [1, 1000000000001] pk",
                ".name: text",
                ".email: text unique",
                ".age: integer [18, 99]",
                ".tier: text",
                ".signup: date-time",
                ".lifetime_value: number",
                ".phone: text nullable optional",
                ".address: object",
                ".address.street: text",
                ".address.city: text",
                ".address.postcode: text",
                ".address.country: text",
                ".marketing_opt_in: boolean",
            ]
        );
    }

    #[test]
    fn order_shape() {
        assert_eq!(
            example("order"),
            [
                ": object",
                ".order_id: uuid",
                ".customer_id: integer [1, 1001]",
                ".placed_at: date-time",
                ".status: text",
                ".payment: object",
                ".payment.kind: text",
                ".payment.network: text optional",
                ".payment.last4: text optional",
                ".payment.iban: text optional",
                ".items: array",
                ".items[]: object",
                ".items[].sku: text",
                ".items[].quantity: integer [1, 50]",
                ".items[].unit_price: decimal(6, 2)",
                ".coupon: text nullable optional",
                ".gift_note: text nullable optional",
            ]
        );
    }

    #[test]
    fn event_shape() {
        assert_eq!(
            example("event"),
            [
                ": object",
                ".id: uuid",
                ".at: date-time",
                ".host: text",
                ".level: integer [10, 40]",
                ".message: text",
                ".user: text nullable optional",
                ".retries: integer [0, 5] optional",
                ".position: array",
                ".position[]: number",
                ".labels: json optional",
                ".tags: array optional",
                ".tags[]: text",
                ".trace: object nullable optional",
                ".trace.name: text",
                ".trace.duration_ms: number",
                ".trace.children: array optional",
                ".trace.children[]: json nullable",
            ]
        );
    }

    #[test]
    fn datasynthtool_primary_keys() {
        assert_eq!(
            example("employees_datasynthtool_employee"),
            [
                ": object",
                ".id: integer [0, 1000000000000] pk",
                ".name: text",
                ".hire_date: date-time",
                ".velocity: number",
                ".manager: integer [0, 1000]",
            ]
        );
        assert_eq!(
            example("employees_datasynthtool_manager"),
            [
                ": object",
                ".id: integer [0, 1000000000000] pk",
                ".employee_id: integer [0, 1000]",
                ".department_id: text",
            ]
        );
    }
}
