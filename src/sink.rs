//! Where generated values go. Generators push events into a [`Sink`]; the NDJSON writer
//! turns them straight into bytes (no `serde_json::Value` per row on the export path),
//! and [`ValueSink`] builds a `Value` where one is needed (validation, CSV, statistics).

use serde_json::{Map, Value};

/// A streaming consumer of one JSON value at a time, serde-style.
pub trait Sink {
    fn null(&mut self);
    fn bool(&mut self, v: bool);
    fn int(&mut self, v: i64);
    /// A finite number.
    fn float(&mut self, v: f64);
    fn str(&mut self, v: &str);
    fn begin_object(&mut self);
    /// The key of the next value inside the current object.
    fn key(&mut self, k: &str);
    fn end_object(&mut self);
    fn begin_array(&mut self);
    fn end_array(&mut self);

    /// Replays an already-built value.
    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    self.int(i)
                } else {
                    self.float(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => self.str(s),
            Value::Array(items) => {
                self.begin_array();
                for item in items {
                    self.value(item);
                }
                self.end_array();
            }
            Value::Object(map) => {
                self.begin_object();
                for (k, item) in map {
                    self.key(k);
                    self.value(item);
                }
                self.end_object();
            }
        }
    }
}

/// Compact JSON text, appended to a byte buffer.
#[derive(Default)]
pub struct JsonWriter {
    pub buf: Vec<u8>,
    /// One flag per open container: does the next element need a comma?
    needs_comma: Vec<bool>,
    /// A key was just written; the value follows without a comma.
    after_key: bool,
}

impl JsonWriter {
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    fn before_value(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(comma) = self.needs_comma.last_mut() {
            if *comma {
                self.buf.push(b',');
            }
            *comma = true;
        }
    }
}

/// Writes `s` as a JSON string literal (RFC 8259 escapes).
pub fn write_json_string(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[(b >> 4) as usize]);
            buf.push(HEX[(b & 0xf) as usize]);
        } else {
            buf.extend_from_slice(escape);
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// Writes a finite number the way serde_json would (shortest round-trip form).
pub fn write_json_float(buf: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        let mut b = ryu::Buffer::new();
        buf.extend_from_slice(b.format_finite(v).as_bytes());
    } else {
        buf.extend_from_slice(b"null");
    }
}

impl Sink for JsonWriter {
    fn null(&mut self) {
        self.before_value();
        self.buf.extend_from_slice(b"null");
    }
    fn bool(&mut self, v: bool) {
        self.before_value();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }
    fn int(&mut self, v: i64) {
        self.before_value();
        let mut b = itoa::Buffer::new();
        self.buf.extend_from_slice(b.format(v).as_bytes());
    }
    fn float(&mut self, v: f64) {
        self.before_value();
        write_json_float(&mut self.buf, v);
    }
    fn str(&mut self, v: &str) {
        self.before_value();
        write_json_string(&mut self.buf, v);
    }
    fn begin_object(&mut self) {
        self.before_value();
        self.buf.push(b'{');
        self.needs_comma.push(false);
    }
    fn key(&mut self, k: &str) {
        self.before_value();
        write_json_string(&mut self.buf, k);
        self.buf.push(b':');
        self.after_key = true;
    }
    fn end_object(&mut self) {
        self.needs_comma.pop();
        self.buf.push(b'}');
    }
    fn begin_array(&mut self) {
        self.before_value();
        self.buf.push(b'[');
        self.needs_comma.push(false);
    }
    fn end_array(&mut self) {
        self.needs_comma.pop();
        self.buf.push(b']');
    }
}

/// Builds a `serde_json::Value`.
#[derive(Default)]
pub struct ValueSink {
    stack: Vec<Frame>,
    done: Option<Value>,
}

enum Frame {
    Object(Map<String, Value>, Option<String>),
    Array(Vec<Value>),
}

impl ValueSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// The finished value (`Null` if nothing was written).
    pub fn finish(self) -> Value {
        self.done.unwrap_or(Value::Null)
    }

    fn push(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some(Frame::Object(map, key)) => {
                let k = key.take().unwrap_or_default();
                map.insert(k, v);
            }
            Some(Frame::Array(items)) => items.push(v),
            None => self.done = Some(v),
        }
    }
}

impl Sink for ValueSink {
    fn null(&mut self) {
        self.push(Value::Null)
    }
    fn bool(&mut self, v: bool) {
        self.push(Value::Bool(v))
    }
    fn int(&mut self, v: i64) {
        self.push(Value::from(v))
    }
    fn float(&mut self, v: f64) {
        self.push(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn str(&mut self, v: &str) {
        self.push(Value::String(v.to_owned()))
    }
    fn begin_object(&mut self) {
        self.stack.push(Frame::Object(Map::new(), None))
    }
    fn key(&mut self, k: &str) {
        if let Some(Frame::Object(_, key)) = self.stack.last_mut() {
            *key = Some(k.to_owned());
        }
    }
    fn end_object(&mut self) {
        if let Some(Frame::Object(map, _)) = self.stack.pop() {
            self.push(Value::Object(map));
        }
    }
    fn begin_array(&mut self) {
        self.stack.push(Frame::Array(Vec::new()))
    }
    fn end_array(&mut self) {
        if let Some(Frame::Array(items)) = self.stack.pop() {
            self.push(Value::Array(items));
        }
    }
    fn value(&mut self, v: &Value) {
        self.push(v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writer_and_value_sink_agree_with_serde() {
        let v = json!({"a": [1, 2.5, "x\"\n\u{1}", null, true], "b": {}, "c": [], "d": {"e": -3}});
        let mut w = JsonWriter::new();
        w.value(&v);
        assert_eq!(
            String::from_utf8(w.buf).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        let mut s = ValueSink::new();
        Sink::value(&mut s, &v);
        assert_eq!(s.finish(), v);
    }
}
