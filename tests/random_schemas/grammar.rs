//! A grammar of the JSON Schema keywords and `x-synth` knobs synthtune supports, read
//! from a sequence of choices (an [`Unstructured`]): libFuzzer's bytes in
//! fuzz/fuzz_targets/schema_structured.rs, proptest's in tests/proptest_schemas.rs.
//!
//! Every choice maps its smallest value to the simplest form (no keyword, the first
//! entry of a pool, `{}`), and a sequence that runs out reads as all zeros: a shrinking
//! input shrinks the schema, and every input ends. Value domains are small on purpose
//! (lengths up to 40, a dozen numbers): the point is how keywords combine, not how big
//! a value can get (the byte target covers sizes). The schemas are valid JSON Schema
//! (the `jsonschema` crate compiles them), though often unsatisfiable; `x-synth` knobs
//! are sometimes malformed, which synthtune must refuse at their pointer.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value, json};

/// How deep subschemas nest (a `$ref` to the root or a definition goes deeper).
pub const MAX_DEPTH: u32 = 4;
/// Keywords of one schema object.
const MAX_KEYWORDS: u32 = 5;
/// Branches of `anyOf`/`oneOf`/`allOf`, entries of `prefixItems`, `properties`.
const MAX_BRANCHES: u32 = 3;
/// Entries of `$defs` at the root.
const MAX_DEFS: u32 = 2;

/// One random schema document.
pub fn schema(u: &mut Unstructured) -> Result<Value> {
    let defs = u.int_in_range(0..=MAX_DEFS)?;
    let builder = Builder { defs };
    let mut root = builder.object(u, 0)?;
    if defs > 0 {
        let mut table = Map::new();
        for d in 0..defs {
            table.insert(format!("d{d}"), builder.node(u, 1)?);
        }
        root.insert("$defs".into(), Value::Object(table));
    }
    Ok(Value::Object(root))
}

#[derive(Clone, Copy)]
enum Keyword {
    Type,
    Enum,
    Const,
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
    MultipleOf,
    MinLength,
    MaxLength,
    Pattern,
    Format,
    Items,
    PrefixItems,
    MinItems,
    MaxItems,
    UniqueItems,
    Contains,
    MinContains,
    MaxContains,
    Properties,
    Required,
    AdditionalProperties,
    PatternProperties,
    PropertyNames,
    MinProperties,
    MaxProperties,
    DependentRequired,
    AnyOf,
    OneOf,
    AllOf,
    Not,
    IfThenElse,
    Ref,
    XSynth,
}

/// The keywords, `type` first (the simplest schema that says something) and the
/// commonest ones twice, so that typed schemas dominate.
const KEYWORDS: &[Keyword] = &[
    Keyword::Type,
    Keyword::Type,
    Keyword::Properties,
    Keyword::Required,
    Keyword::Enum,
    Keyword::Const,
    Keyword::Minimum,
    Keyword::Maximum,
    Keyword::ExclusiveMinimum,
    Keyword::ExclusiveMaximum,
    Keyword::MultipleOf,
    Keyword::MinLength,
    Keyword::MaxLength,
    Keyword::Pattern,
    Keyword::Format,
    Keyword::Items,
    Keyword::PrefixItems,
    Keyword::MinItems,
    Keyword::MaxItems,
    Keyword::UniqueItems,
    Keyword::Contains,
    Keyword::MinContains,
    Keyword::MaxContains,
    Keyword::Properties,
    Keyword::AdditionalProperties,
    Keyword::PatternProperties,
    Keyword::PropertyNames,
    Keyword::MinProperties,
    Keyword::MaxProperties,
    Keyword::DependentRequired,
    Keyword::AnyOf,
    Keyword::OneOf,
    Keyword::AllOf,
    Keyword::Not,
    Keyword::IfThenElse,
    Keyword::Ref,
    Keyword::XSynth,
    Keyword::XSynth,
];

const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "null", "array", "object",
];

const NUMBERS: &[f64] = &[
    0.0, 1.0, -1.0, 10.0, 0.5, -3.0, 2.5, 100.0, 1e6, -1e6, 0.001, 7.0, 1e15, -1e300,
];

/// `multipleOf` must be positive.
const STEPS: &[f64] = &[1.0, 2.0, 0.5, 3.0, 0.1, 0.01, 7.0, 2.5, 1e-3, 1e9];

const SIZES: &[u64] = &[0, 1, 2, 3, 4, 5, 8, 12, 40];

const PATTERNS: &[&str] = &[
    "^[a-z]+$",
    "a",
    "^[0-9]{3}-[0-9]{4}$",
    "^(foo|bar)$",
    "[A-Z]",
    "^\\d*$",
    "^$",
    "x{2,5}",
    "^C-[0-9]{6}$",
    "^(?!b)",
    "\\p{Lu}",
    "^.{3}$",
];

const FORMATS: &[&str] = &[
    "date",
    "date-time",
    "time",
    "email",
    "uri",
    "uuid",
    "ipv4",
    "ipv6",
    "hostname",
    "duration",
    "regex",
    "json-pointer",
    "no-such-format",
];

const NAMES: &[&str] = &["a", "b", "id", "name", "x y", "c"];

const DISTRIBUTIONS: &[&str] = &[
    r#""uniform""#,
    r#""normal""#,
    r#"{"normal": {"mean": 5, "stddev": 2}}"#,
    r#"{"lognormal": {"mu": 1, "sigma": 0.5}}"#,
    r#"{"exponential": {"rate": 0.5}}"#,
    r#"{"triangular": {"mode": 3}}"#,
    r#"{"beta": {"alpha": 2, "beta": 5}}"#,
    r#"{"gamma": {"shape": 2, "scale": 1}}"#,
    r#"{"poisson": {"lambda": 3}}"#,
    r#"{"zipf": {"s": 1.1}}"#,
    r#"{"benford": {}}"#,
    r#"{"histogram": [[0, 10, 1], [10, 20, 3]]}"#,
    r#""bogus""#,
    r#"{"normal": {"mean": 1e300, "stddev": 0}}"#,
];

const DOMAINS: &[&str] = &[
    "first_name",
    "email",
    "city",
    "company",
    "postcode",
    "sentence",
    "latitude",
    "url",
    "no_such_domain",
];

const LOCALES: &[&str] = &["en_US", "de_DE", "fr_FR", "ja_JP", "xx_XX"];

/// Rates: the last ones are malformed (refused).
const RATES: &[f64] = &[0.0, 0.5, 1.0, 0.05, 1.5, -0.1];

struct Builder {
    /// How many `$defs` entries the root has (`$ref`s name only those, or the root).
    defs: u32,
}

impl Builder {
    /// A subschema at `depth`: a boolean schema sometimes, and always past
    /// [`MAX_DEPTH`].
    fn node(&self, u: &mut Unstructured, depth: u32) -> Result<Value> {
        if depth >= MAX_DEPTH {
            return self.leaf(u);
        }
        match u.int_in_range(0..=15u8)? {
            14 => Ok(Value::Bool(true)),
            15 => Ok(Value::Bool(false)),
            _ => Ok(Value::Object(self.object(u, depth)?)),
        }
    }

    /// A schema with no subschemas, for the deepest level.
    fn leaf(&self, u: &mut Unstructured) -> Result<Value> {
        Ok(match u.int_in_range(0..=3u8)? {
            0 => json!({"type": *u.choose(TYPES)?}),
            1 => json!({"type": "string", "pattern": *u.choose(PATTERNS)?}),
            2 => json!({"enum": [literal(u)?, literal(u)?]}),
            _ => Value::Bool(u.arbitrary()?),
        })
    }

    fn object(&self, u: &mut Unstructured, depth: u32) -> Result<Map<String, Value>> {
        let mut map = Map::new();
        for _ in 0..u.int_in_range(0..=MAX_KEYWORDS)? {
            self.keyword(u, depth, &mut map)?;
        }
        Ok(map)
    }

    fn branches(&self, u: &mut Unstructured, depth: u32) -> Result<Value> {
        let count = u.int_in_range(1..=MAX_BRANCHES)?;
        let branches = (0..count)
            .map(|_| self.node(u, depth + 1))
            .collect::<Result<Vec<_>>>()?;
        Ok(Value::Array(branches))
    }

    fn keyword(
        &self,
        u: &mut Unstructured,
        depth: u32,
        map: &mut Map<String, Value>,
    ) -> Result<()> {
        let sub = |u: &mut Unstructured| self.node(u, depth + 1);
        let (key, value) = match *u.choose(KEYWORDS)? {
            Keyword::Type => ("type", types(u)?),
            Keyword::Enum => {
                let count = u.int_in_range(1..=4)?;
                let values = (0..count).map(|_| literal(u)).collect::<Result<Vec<_>>>()?;
                ("enum", Value::Array(values))
            }
            Keyword::Const => ("const", literal(u)?),
            Keyword::Minimum => ("minimum", number(u)?),
            Keyword::Maximum => ("maximum", number(u)?),
            Keyword::ExclusiveMinimum => ("exclusiveMinimum", number(u)?),
            Keyword::ExclusiveMaximum => ("exclusiveMaximum", number(u)?),
            Keyword::MultipleOf => ("multipleOf", json!(*u.choose(STEPS)?)),
            Keyword::MinLength => ("minLength", size(u)?),
            Keyword::MaxLength => ("maxLength", size(u)?),
            Keyword::Pattern => ("pattern", json!(*u.choose(PATTERNS)?)),
            Keyword::Format => ("format", json!(*u.choose(FORMATS)?)),
            Keyword::Items => ("items", sub(u)?),
            Keyword::PrefixItems => ("prefixItems", self.branches(u, depth)?),
            Keyword::MinItems => ("minItems", size(u)?),
            Keyword::MaxItems => ("maxItems", size(u)?),
            Keyword::UniqueItems => ("uniqueItems", Value::Bool(u.arbitrary()?)),
            Keyword::Contains => ("contains", sub(u)?),
            Keyword::MinContains => ("minContains", json!(u.int_in_range(0..=3u8)?)),
            Keyword::MaxContains => ("maxContains", json!(u.int_in_range(0..=3u8)?)),
            Keyword::Properties => {
                let mut properties = Map::new();
                for _ in 0..u.int_in_range(1..=MAX_BRANCHES)? {
                    properties.insert(name(u)?.into(), sub(u)?);
                }
                ("properties", Value::Object(properties))
            }
            Keyword::Required => ("required", names(u)?),
            Keyword::AdditionalProperties => ("additionalProperties", sub(u)?),
            Keyword::PatternProperties => {
                let pattern = *u.choose(PATTERNS)?;
                ("patternProperties", json!({ pattern: sub(u)? }))
            }
            Keyword::PropertyNames => ("propertyNames", sub(u)?),
            Keyword::MinProperties => ("minProperties", size(u)?),
            Keyword::MaxProperties => ("maxProperties", size(u)?),
            Keyword::DependentRequired => {
                let name = name(u)?;
                ("dependentRequired", json!({ name: names(u)? }))
            }
            Keyword::AnyOf => ("anyOf", self.branches(u, depth)?),
            Keyword::OneOf => ("oneOf", self.branches(u, depth)?),
            Keyword::AllOf => ("allOf", self.branches(u, depth)?),
            Keyword::Not => ("not", sub(u)?),
            Keyword::IfThenElse => {
                map.insert("if".into(), sub(u)?);
                if u.arbitrary()? {
                    map.insert("then".into(), sub(u)?);
                }
                ("else", sub(u)?)
            }
            Keyword::Ref => {
                let target = u.int_in_range(0..=self.defs)?;
                let reference = match target {
                    0 => "#".to_owned(),
                    d => format!("#/$defs/d{}", d - 1),
                };
                ("$ref", Value::String(reference))
            }
            Keyword::XSynth => ("x-synth", knobs(u)?),
        };
        map.insert(key.into(), value);
        Ok(())
    }
}

fn types(u: &mut Unstructured) -> Result<Value> {
    if u.ratio(3u8, 4)? {
        return Ok(json!(*u.choose(TYPES)?));
    }
    let mut list: Vec<&str> = Vec::new();
    for _ in 0..u.int_in_range(1..=3)? {
        let t = *u.choose(TYPES)?;
        if !list.contains(&t) {
            list.push(t);
        }
    }
    Ok(json!(list))
}

fn literal(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=12u8)? {
        0 => json!("a"),
        1 => json!(1),
        2 => json!(null),
        3 => json!(true),
        4 => json!(false),
        5 => json!(0),
        6 => json!(-3),
        7 => json!(2.5),
        8 => json!(""),
        9 => json!("b"),
        10 => json!([1, "a"]),
        11 => json!({"a": 1}),
        _ => json!("2024-01-01"),
    })
}

fn number(u: &mut Unstructured) -> Result<Value> {
    let n = *u.choose(NUMBERS)?;
    // Integral values as integers, as hand-written schemas have them.
    Ok(if n.fract() == 0.0 && n.abs() < 1e15 {
        json!(n as i64)
    } else {
        json!(n)
    })
}

fn size(u: &mut Unstructured) -> Result<Value> {
    Ok(json!(*u.choose(SIZES)?))
}

fn name<'a>(u: &mut Unstructured) -> Result<&'a str> {
    u.choose(NAMES).copied()
}

/// Distinct property names (`required` must not repeat one).
fn names(u: &mut Unstructured) -> Result<Value> {
    let mut list: Vec<&str> = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        let n = name(u)?;
        if !list.contains(&n) {
            list.push(n);
        }
    }
    Ok(json!(list))
}

/// An `x-synth` object of one to three knobs.
fn knobs(u: &mut Unstructured) -> Result<Value> {
    let mut map = Map::new();
    for _ in 0..u.int_in_range(1..=3)? {
        let (key, value) = match u.int_in_range(0..=13u8)? {
            0 => ("null_rate", json!(*u.choose(RATES)?)),
            1 => ("absent_rate", json!(*u.choose(RATES)?)),
            2 => ("unique", json!(true)),
            3 => ("noise", json!(*u.choose(&[0.1, 0.5, 1.0, 2.0])?)),
            4 => (
                "distribution",
                serde_json::from_str(u.choose(DISTRIBUTIONS)?).expect("valid JSON"),
            ),
            5 => ("domain", json!(*u.choose(DOMAINS)?)),
            6 => ("locale", json!(*u.choose(LOCALES)?)),
            7 => (
                "weights",
                match u.int_in_range(0..=2u8)? {
                    0 => json!([1, 2, 3]),
                    1 => json!({"a": 2, "true": 1}),
                    _ => json!([0, 0]),
                },
            ),
            8 => ("values", json!(["x", "y", 3])),
            9 => (
                "length",
                serde_json::from_str(u.choose(DISTRIBUTIONS)?).expect("valid JSON"),
            ),
            10 => (
                "sequence",
                json!({"start": *u.choose(&[1, 0, -5, 1000])?, "step": *u.choose(&[1, 2, 0, -1])?}),
            ),
            11 => ("key", json!("primary")),
            12 => ("rows", json!(*u.choose(&[0, 1, 5, 10_000_000])?)),
            _ => ("no_such_knob", json!(1)),
        };
        map.insert(key.into(), value);
    }
    Ok(Value::Object(map))
}
