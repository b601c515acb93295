//! Facts: what one or more schema locations, merged (`$ref`, `allOf`), say about a value.
//!
//! Collecting walks the keywords once and records each family's constraints with the
//! JSON Pointer they came from; the builders then turn facts into a generator. Merging
//! is intersection: the largest minimum wins, the smallest maximum, every `required`.

use serde_json::{Map, Value};

use super::document::Loc;
use super::knobs::{KnobNote, Knobs};

/// JSON types as a bit set; `number` includes `integer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types(pub u8);

impl Types {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const INTEGER: u8 = 4;
    /// Non-integral numbers; the `number` type is `INTEGER | FRACTION`.
    pub const FRACTION: u8 = 8;
    pub const STRING: u8 = 16;
    pub const ARRAY: u8 = 32;
    pub const OBJECT: u8 = 64;
    pub const ALL: Types = Types(127);

    pub fn from_name(name: &str) -> Option<u8> {
        Some(match name {
            "null" => Self::NULL,
            "boolean" => Self::BOOLEAN,
            "integer" => Self::INTEGER,
            "number" => Self::INTEGER | Self::FRACTION,
            "string" => Self::STRING,
            "array" => Self::ARRAY,
            "object" => Self::OBJECT,
            _ => return None,
        })
    }

    pub fn has(self, bits: u8) -> bool {
        self.0 & bits != 0
    }

    /// Whether `value` is of one of these types; `None` for a float with no fraction
    /// where only integers are allowed, which dialects judge differently (draft-04 says
    /// `1.0` is not an integer).
    pub fn admits(self, value: &Value) -> Option<bool> {
        Some(match value {
            Value::Null => self.has(Self::NULL),
            Value::Bool(_) => self.has(Self::BOOLEAN),
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                self.has(Self::INTEGER | Self::FRACTION)
            }
            Value::Number(n) => {
                if self.has(Self::FRACTION) {
                    true
                } else if n.as_f64().is_some_and(|x| x.fract() == 0.0) && self.has(Self::INTEGER) {
                    return None;
                } else {
                    false
                }
            }
            Value::String(_) => self.has(Self::STRING),
            Value::Array(_) => self.has(Self::ARRAY),
            Value::Object(_) => self.has(Self::OBJECT),
        })
    }

    /// The JSON type names in the set (`number` when fractions are allowed, which
    /// covers `integer`).
    pub fn names(self) -> Vec<&'static str> {
        let number = if self.has(Self::FRACTION) {
            Some("number")
        } else {
            self.has(Self::INTEGER).then_some("integer")
        };
        [
            self.has(Self::NULL).then_some("null"),
            self.has(Self::BOOLEAN).then_some("boolean"),
            number,
            self.has(Self::STRING).then_some("string"),
            self.has(Self::ARRAY).then_some("array"),
            self.has(Self::OBJECT).then_some("object"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A numeric bound and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
    pub pointer: String,
}

/// A value paired with the JSON Pointer of the keyword that gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub pointer: String,
}

/// A group of alternatives (`anyOf` or `oneOf`).
#[derive(Debug, Clone)]
pub struct Alternatives {
    pub exclusive: bool,
    pub branches: Vec<Loc>,
    pub pointer: String,
    /// `discriminator.propertyName`, where given.
    pub discriminator: Option<String>,
}

/// One `dependentRequired` entry: when `name` is present, so are `requires`.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub name: String,
    pub requires: Vec<String>,
    pub pointer: String,
}

/// `if` / `then` / `else`.
#[derive(Debug, Clone)]
pub struct Conditional {
    pub condition: Loc,
    pub then: Option<Loc>,
    pub otherwise: Option<Loc>,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Every location merged in, in order; the first names the node in errors.
    pub locs: Vec<Loc>,
    /// Set by a `false` schema.
    pub never: Option<String>,
    pub types: Option<At<Types>>,
    pub consts: Vec<At<Value>>,
    pub enums: Vec<At<Vec<Value>>>,
    // numbers
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Vec<At<f64>>,
    // strings
    pub min_length: Option<At<u64>>,
    pub max_length: Option<At<u64>>,
    pub patterns: Vec<At<String>>,
    /// Patterns of `not: {"pattern": ...}`: no value may match them.
    pub avoided_patterns: Vec<At<String>>,
    pub formats: Vec<At<String>>,
    pub format_minimum: Option<String>,
    pub format_maximum: Option<String>,
    // arrays
    pub prefix_items: Vec<Vec<Loc>>,
    pub items: Vec<Loc>,
    pub no_more_items: Option<String>,
    /// Each `items` (or draft 7's `additionalItems`) with the length of the tuple beside
    /// it in its own schema object (0 without one): it binds every element from that
    /// position on, the positions a longer tuple of another object declares included.
    pub items_from: Vec<(usize, Loc)>,
    /// The shortest tuple beside an `items: false` (or `additionalItems: false`), and
    /// where: no element past it, whatever another object's tuple declares.
    pub no_items_from: Option<(usize, String)>,
    pub min_items: Option<At<u64>>,
    pub max_items: Option<At<u64>>,
    pub unique_items: bool,
    pub contains: Vec<Loc>,
    pub min_contains: Option<At<u64>>,
    pub max_contains: Option<At<u64>>,
    // objects
    pub properties: Vec<(String, Vec<Loc>)>,
    pub pattern_properties: Vec<(String, Loc)>,
    pub additional: Vec<Loc>,
    /// The schema objects that carry `additionalProperties`: it binds the keys each
    /// does not declare itself, which may be keys another merged schema declares.
    pub additional_scopes: Vec<Loc>,
    pub no_more_properties: Option<String>,
    pub required: Vec<At<String>>,
    pub min_properties: Option<At<u64>>,
    pub max_properties: Option<At<u64>>,
    pub property_names: Vec<Loc>,
    pub dependent_required: Vec<Dependency>,
    pub dependent_schemas: Vec<(String, Loc)>,
    /// What constrains which keys are present, absorbed from `not`, `anyOf`/`oneOf`,
    /// `if` and `dependentSchemas` (see presence.rs); solved by the object builder.
    pub presence: Vec<super::presence::Term>,
    // applicators resolved later
    pub alternatives: Vec<Alternatives>,
    pub nots: Vec<Loc>,
    pub conditionals: Vec<Conditional>,
    /// Recursive references met while collecting (targets already being expanded).
    pub recursion: Vec<Loc>,
    /// `$ref` targets merged in (kept so children can detect recursion).
    pub expanded: Vec<Loc>,
    /// Keywords that constrain the value (not annotations, knobs or `$ref`).
    pub constraint_count: usize,
    /// Of those, the `type`, `enum` and `const` keywords: when they are all there is,
    /// a listed value is checked by its type alone (listed.rs).
    pub listing_count: usize,
    /// Something the generator cannot guarantee, so the value must be checked.
    pub needs_check: Vec<String>,
    pub knobs: Knobs,
    pub knob_notes: Vec<KnobNote>,
    /// Keywords synthtune does not know, with their pointers.
    pub unknown: Vec<String>,
    /// Titles of the merged schemas (for weights by branch title).
    pub titles: Vec<String>,
}

/// Keywords that never constrain a generated value.
pub const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "discriminator",
    "x-synth",
    "sql",
    "domain",
    "distribution",
    "subdomain",
    "synthesizer",
    "$recursiveAnchor",
    "nullable",
    "example",
    "externalDocs",
    "xml",
];

impl Facts {
    /// `items` (or `additionalItems`) beside a tuple of `tuple` positions in its own
    /// schema object: `false` ends the array there, a schema binds every element from
    /// there on.
    pub(super) fn items_after(&mut self, tuple: usize, value: &Value, items: Loc, at: String) {
        if value == &Value::Bool(false) {
            if self.no_items_from.as_ref().is_none_or(|(k, _)| tuple < *k) {
                self.no_items_from = Some((tuple, at.clone()));
            }
            self.no_more_items.get_or_insert(at);
        } else {
            self.items_from.push((tuple, items.clone()));
            self.items.push(items);
        }
    }

    /// The JSON Pointer naming this node.
    pub fn pointer(&self) -> String {
        self.locs
            .first()
            .map(|l| l.pointer.clone())
            .unwrap_or_default()
    }

    pub fn intersect_types(&mut self, bits: u8, pointer: String) {
        let merged = match &self.types {
            Some(t) => t.value.0 & bits,
            None => bits,
        };
        self.types = Some(At {
            value: Types(merged),
            pointer,
        });
    }

    pub fn raise_minimum(&mut self, b: Bound) {
        let tighter = match &self.minimum {
            None => true,
            Some(m) => b.value > m.value || (b.value == m.value && b.exclusive && !m.exclusive),
        };
        if tighter {
            self.minimum = Some(b);
        }
    }

    pub fn lower_maximum(&mut self, b: Bound) {
        let tighter = match &self.maximum {
            None => true,
            Some(m) => b.value < m.value || (b.value == m.value && b.exclusive && !m.exclusive),
        };
        if tighter {
            self.maximum = Some(b);
        }
    }

    /// Which type families the keywords present imply, for schemas without `type`.
    pub fn implied_types(&self) -> u8 {
        let mut bits = 0;
        if !self.properties.is_empty()
            || !self.required.is_empty()
            || !self.additional.is_empty()
            || self.no_more_properties.is_some()
            || !self.pattern_properties.is_empty()
            || self.min_properties.is_some()
            || self.max_properties.is_some()
            || !self.property_names.is_empty()
        {
            bits |= Types::OBJECT;
        }
        if !self.prefix_items.is_empty()
            || !self.items.is_empty()
            || self.min_items.is_some()
            || self.max_items.is_some()
            || !self.contains.is_empty()
            || self.unique_items
        {
            bits |= Types::ARRAY;
        }
        if self.min_length.is_some()
            || self.max_length.is_some()
            || !self.patterns.is_empty()
            || !self.formats.is_empty()
        {
            bits |= Types::STRING;
        }
        if self.minimum.is_some() || self.maximum.is_some() || !self.multiple_of.is_empty() {
            bits |= Types::INTEGER | Types::FRACTION;
        }
        bits
    }
}

/// Reads a non-negative whole number keyword.
pub fn count(map: &Map<String, Value>, key: &str) -> Option<u64> {
    let v = map.get(key)?;
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
            .map(|f| f as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::Types;

    #[test]
    fn type_names() {
        let names = |bits: u8| Types(bits).names();
        assert_eq!(
            names(Types::ALL.0),
            ["null", "boolean", "number", "string", "array", "object"]
        );
        assert_eq!(names(Types::INTEGER), ["integer"]);
        assert_eq!(names(Types::FRACTION), ["number"]);
        assert_eq!(names(Types::NULL | Types::STRING), ["null", "string"]);
        assert!(names(0).is_empty());
    }
}
