//! What a derived value's field accepts, read off the field's schema where it says
//! little (pydantic's `EmailStr`, `float`, `Decimal`): a derived value of every row
//! is checked against that, not the field's validator, which stays the fallback
//! wherever the schema says more.

use serde_json::Value;

use super::compile::Compiler;
use super::document::Loc;
use super::facts::ANNOTATIONS;
use crate::generate::rule::NumberBounds;

/// The length bounds of a field whose schema says only that it is a string with
/// `format: email` (pydantic's `EmailStr`): a derived text that is plainly an email
/// ([`crate::generate::rule::is_plain_email`]) and within them needs no validator.
pub(super) fn plain_email_field(compiler: &Compiler, locs: &[Loc]) -> Option<(usize, usize)> {
    let (mut min, mut max, mut email) = (0, usize::MAX, false);
    for loc in locs {
        for (key, value) in compiler.docs.get(loc)?.as_object()? {
            let length = || value.as_u64().and_then(|n| usize::try_from(n).ok());
            match key.as_str() {
                "type" if value == "string" => {}
                "format" if value == "email" => email = true,
                "minLength" => min = min.max(length()?),
                "maxLength" => max = max.min(length()?),
                k if ANNOTATIONS.contains(&k) => {}
                _ => return None,
            }
        }
    }
    email.then_some((min, max))
}

/// The numbers a field's schema accepts, where each of its locations says no more than
/// a type, bounds, `anyOf` of such, and keywords that numbers pass (a string's length
/// or pattern): `float`, `int`, `Decimal` (`anyOf` a number and a string) and their
/// `Optional`s. `None` where it says more, or takes no number at all.
pub(super) fn accepted_numbers(compiler: &Compiler, locs: &[Loc]) -> Option<NumberBounds> {
    let mut bounds = NumberBounds::ANY;
    for loc in locs {
        match numbers_of(compiler.docs.get(loc)?)? {
            Numbers::Within(within) => bounds = bounds.intersect(within),
            Numbers::None => return None,
        }
    }
    Some(bounds)
}

/// Which numbers a schema takes.
enum Numbers {
    Within(NumberBounds),
    None,
}

/// `None` where the schema says more than a type and bounds.
fn numbers_of(schema: &Value) -> Option<Numbers> {
    let object = match schema {
        Value::Bool(true) => return Some(Numbers::Within(NumberBounds::ANY)),
        Value::Bool(false) => return Some(Numbers::None),
        Value::Object(object) => object,
        _ => return None,
    };
    let mut bounds = NumberBounds::ANY;
    if let Some(types) = object.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(types) => types.iter().map(Value::as_str).collect::<Option<_>>()?,
            _ => return None,
        };
        let (number, integer) = (types.contains(&"number"), types.contains(&"integer"));
        if !number && !integer {
            // Whatever else it says, a type without numbers takes none.
            return Some(Numbers::None);
        }
        bounds.integers = !number;
    }
    for (key, value) in object {
        let bound = || exact_double(value);
        let within = match key.as_str() {
            "minimum" => NumberBounds::at_least(bound()?, false),
            "exclusiveMinimum" => NumberBounds::at_least(bound()?, true),
            "maximum" => NumberBounds::at_most(bound()?, false),
            "exclusiveMaximum" => NumberBounds::at_most(bound()?, true),
            "anyOf" => {
                // One branch that takes numbers; the others take none.
                let mut taken = None;
                for branch in value.as_array()? {
                    if let Numbers::Within(within) = numbers_of(branch)?
                        && taken.replace(within).is_some()
                    {
                        return None;
                    }
                }
                match taken {
                    Some(within) => within,
                    None => return Some(Numbers::None),
                }
            }
            "type" | "minLength" | "maxLength" | "pattern" => NumberBounds::ANY,
            k if ANNOTATIONS.contains(&k) => NumberBounds::ANY,
            _ => return None,
        };
        bounds = bounds.intersect(within);
    }
    Some(Numbers::Within(bounds))
}

/// A bound as a double, where the double is the number written (no integer past 2^53).
fn exact_double(value: &Value) -> Option<f64> {
    let number = value.as_number()?;
    if let Some(i) = number.as_i64() {
        return (i.unsigned_abs() <= 1 << 53).then_some(i as f64);
    }
    if number.is_u64() {
        return None;
    }
    number.as_f64()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::generate::rule::Derived;

    /// What the bounds say of a derived number is what the `jsonschema` crate says of
    /// the number written, wherever they say anything.
    #[test]
    fn bounds_take_the_numbers_the_validator_takes() {
        let schemas = [
            json!({"type": "number"}),
            json!({"type": "number", "minimum": 1, "maximum": 99.5}),
            json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10}),
            json!({"anyOf": [{"type": "number", "minimum": -5}, {"type": "string"}], "title": "T"}),
            json!({"anyOf": [{"type": "number", "maximum": 3}, {"type": "null"}], "default": null}),
            json!({"type": ["number", "string"], "maxLength": 3, "maximum": 1e3}),
            json!({"type": "integer", "minimum": 0}),
            json!({"type": ["integer", "null"], "maximum": 100}),
            json!(true),
            json!({"minimum": 2, "exclusiveMaximum": 2.5}),
        ];
        let values = [
            Derived::Int(0),
            Derived::Int(1),
            Derived::Int(-5),
            Derived::Int(-6),
            Derived::Int(3),
            Derived::Int(10),
            Derived::Int(100),
            Derived::Int(1000),
            Derived::Int(1001),
            Derived::Int(1 << 53),
            Derived::Decimal {
                units: 9950,
                decimals: 2,
            },
            Derived::Decimal {
                units: 9951,
                decimals: 2,
            },
            Derived::Decimal {
                units: 1,
                decimals: 15,
            },
            Derived::Decimal {
                units: 25,
                decimals: 1,
            },
            Derived::Decimal {
                units: 249,
                decimals: 2,
            },
            Derived::Decimal {
                units: -500,
                decimals: 2,
            },
            Derived::Decimal {
                units: 300,
                decimals: 2,
            },
            Derived::Float(0.1 + 0.2),
            Derived::Float(-1e300),
            Derived::Float(99.5),
        ];
        let mut decided = 0;
        for schema in &schemas {
            let Some(Numbers::Within(bounds)) = numbers_of(schema) else {
                panic!("{schema} says only bounds");
            };
            let validator = jsonschema::validator_for(schema).unwrap();
            for value in &values {
                let Some(accepted) = bounds.accepts(value) else {
                    continue;
                };
                decided += 1;
                let written: Value = serde_json::from_str(&written_text(value)).unwrap();
                assert_eq!(
                    accepted,
                    validator.is_valid(&written),
                    "{schema} of {written}"
                );
            }
        }
        assert!(decided > 150, "{decided}");
    }

    /// A number as the JSON writer writes it.
    fn written_text(value: &Derived) -> String {
        let mut writer = crate::sink::JsonWriter::new();
        use crate::sink::Sink;
        match *value {
            Derived::Int(i) => writer.int(i),
            Derived::Decimal { units, decimals } => {
                writer.decimal(units as f64 / 10f64.powi(decimals as i32), units, decimals)
            }
            Derived::Float(f) => writer.float(f),
            Derived::Text(ref t) => writer.str(t),
        }
        writer.buf
    }

    #[test]
    fn schemas_that_say_more_than_bounds_are_left_to_the_validator() {
        for schema in [
            json!({"type": "number", "multipleOf": 0.5}),
            json!({"enum": [1, 2]}),
            json!({"$ref": "#/$defs/x"}),
            json!({"anyOf": [{"type": "number"}, {"type": "integer"}]}),
            json!({"type": "number", "minimum": 9007199254740993u64}),
            json!({"type": "number", "exclusiveMinimum": true}),
            json!({"not": {"type": "string"}}),
        ] {
            assert!(numbers_of(&schema).is_none(), "{schema}");
        }
        for schema in [json!({"type": "string", "multipleOf": 2}), json!(false)] {
            assert!(
                matches!(numbers_of(&schema), Some(Numbers::None)),
                "{schema}"
            );
        }
    }
}
