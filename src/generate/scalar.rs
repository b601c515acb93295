//! `enum`, `const`-like choices and booleans.

use serde_json::Value;

use super::choice::{Choice, unit};
use crate::sink::{JsonWriter, Sink};

/// One of a fixed list of values, by weight.
#[derive(Debug, Clone)]
pub struct EnumGen {
    values: Vec<Value>,
    /// Each value's JSON text, copied as it is by the JSON writer.
    encoded: Vec<Box<str>>,
    choice: Choice,
}

impl EnumGen {
    pub fn new(values: Vec<Value>, weights: Option<Vec<f64>>) -> EnumGen {
        let choice = match weights {
            Some(w) => Choice::new(&w),
            None => Choice::uniform(values.len()),
        };
        let encoded = values.iter().map(JsonWriter::encode).collect();
        EnumGen {
            values,
            encoded,
            choice,
        }
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Each value's configured share, index-aligned with [`EnumGen::values`].
    pub fn shares(&self) -> Vec<f64> {
        self.choice.shares()
    }

    #[inline]
    pub fn generate<S: Sink>(&self, key: u64, out: &mut S) {
        let i = self.choice.pick(unit(key));
        out.value_encoded(&self.values[i], &self.encoded[i]);
    }

    /// [`generate`](Self::generate), returning the value written.
    #[inline]
    pub fn write_pick<S: Sink>(&self, key: u64, out: &mut S) -> &Value {
        let i = self.choice.pick(unit(key));
        out.value_encoded(&self.values[i], &self.encoded[i]);
        &self.values[i]
    }

    /// The value of `key`: what [`generate`](Self::generate) writes.
    pub fn pick(&self, key: u64) -> &Value {
        &self.values[self.choice.pick(unit(key))]
    }

    /// The index of `value` where it is one of this generator's own values, as
    /// [`pick`](Self::pick) lends them: found by its address, in one step.
    pub fn index_of(&self, value: &Value) -> Option<u32> {
        let offset = std::ptr::from_ref(value)
            .addr()
            .checked_sub(self.values.as_ptr().addr())?;
        let index = offset / std::mem::size_of::<Value>();
        let own = self.values.get(index)?;
        std::ptr::eq(own, value).then(|| u32::try_from(index).ok())?
    }

    pub fn describe(&self) -> String {
        format!("enum of {}", self.values.len())
    }
}

/// `true` with a given probability.
#[derive(Debug, Clone)]
pub struct BoolGen {
    pub p_true: f64,
}

impl BoolGen {
    pub fn generate<S: Sink>(&self, key: u64, out: &mut S) {
        out.bool(self.draw(key));
    }

    /// The value of `key`: what [`generate`](Self::generate) writes.
    pub fn draw(&self, key: u64) -> bool {
        unit(key) < self.p_true
    }

    pub fn describe(&self) -> String {
        if (self.p_true - 0.5).abs() < 1e-9 {
            "boolean".into()
        } else {
            format!("boolean ({:.0}% true)", self.p_true * 100.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_enums_own_values_are_found_by_address() {
        let e = EnumGen::new(vec![json!("a"), json!("b"), json!(3)], None);
        for key in 0..50 {
            let value = e.pick(key);
            let index = e.index_of(value).unwrap();
            assert!(std::ptr::eq(&e.values()[index as usize], value));
        }
        // An equal value elsewhere is not one of its own.
        assert_eq!(e.index_of(&json!("a")), None);
        let other = EnumGen::new(vec![json!("a")], None);
        assert_eq!(e.index_of(other.pick(0)), None);
    }
}
