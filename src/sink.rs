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
    /// The number `units / 10^decimals` (equal to `v`), which a text writer can print
    /// exactly without a float-to-decimal conversion.
    fn decimal(&mut self, v: f64, units: i64, decimals: u32) {
        let _ = (units, decimals);
        self.float(v);
    }
    fn str(&mut self, v: &str);
    /// A string built in place: `write` appends the text to a buffer the sink lends, so
    /// generators need no buffer of their own and writers reuse theirs. The buffer may
    /// already hold other text (the JSON writer lends its output): `write` may read and
    /// change only what it appends.
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        let mut text = String::new();
        write(&mut text);
        self.str(&text);
    }
    /// [`Sink::str_with`] for text that never holds a character JSON must escape (`"`,
    /// `\` or a control character), so that a JSON writer need not look for them.
    fn plain_str_with(&mut self, write: impl FnOnce(&mut String)) {
        self.str_with(write);
    }
    /// Whether [`Sink::plain_str_with`] is worth calling: `false` where it is just
    /// `str_with`, so that generators need not work out whether their text is plain.
    const TAKES_PLAIN_TEXT: bool = false;
    fn begin_object(&mut self);
    /// The key of the next value inside the current object.
    fn key(&mut self, k: &str);
    /// A key with its JSON text prepared in advance (`"name":`), for writers that can
    /// copy it as it is.
    fn key_encoded(&mut self, k: &str, json: &str) {
        let _ = json;
        self.key(k);
    }
    fn end_object(&mut self);
    fn begin_array(&mut self);
    fn end_array(&mut self);

    /// A value with its JSON text prepared in advance (by [`JsonWriter::encode`]), for
    /// writers that can copy it as it is.
    fn value_encoded(&mut self, v: &Value, json: &str) {
        let _ = json;
        self.value(v);
    }

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

/// [`Sink::str_with`] for a sink that keeps a string buffer of its own (`buffer` finds
/// it): `write` fills it, emptied first, and the sink takes the text as [`Sink::str`].
pub fn str_in_buffer<S: Sink>(
    sink: &mut S,
    buffer: fn(&mut S) -> &mut String,
    write: impl FnOnce(&mut String),
) {
    let mut text = std::mem::take(buffer(sink));
    text.clear();
    write(&mut text);
    sink.str(&text);
    *buffer(sink) = text;
}

/// Compact JSON text, appended to a string buffer.
#[derive(Default)]
pub struct JsonWriter {
    pub buf: String,
    /// One flag per open container: does the next element need a comma?
    needs_comma: Vec<bool>,
    /// A key was just written; the value follows without a comma.
    after_key: bool,
    /// A copy of a string from [`Sink::str_with`] that needs escapes, while it is
    /// escaped back into `buf`.
    raw: String,
}

impl JsonWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// `v` as this writer writes it, to be replayed with [`Sink::value_encoded`].
    pub fn encode(v: &Value) -> Box<str> {
        let mut writer = JsonWriter::new();
        writer.value(v);
        writer.buf.into_boxed_str()
    }

    /// Runs `write` with `bytes` (emptied first) as the output buffer, and leaves the
    /// text in `bytes`: for callers that hand buffers around, such as export chunks.
    pub fn write_into<T>(&mut self, bytes: &mut Vec<u8>, write: impl FnOnce(&mut Self) -> T) -> T {
        bytes.clear();
        // An empty vector is valid UTF-8: this keeps its allocation and copies nothing.
        let lent = String::from_utf8(std::mem::take(bytes)).unwrap_or_default();
        let own = std::mem::replace(&mut self.buf, lent);
        let result = write(self);
        *bytes = std::mem::replace(&mut self.buf, own).into_bytes();
        result
    }

    #[inline]
    fn before_value(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(comma) = self.needs_comma.last_mut() {
            if *comma {
                self.buf.push(',');
            }
            *comma = true;
        }
    }
}

/// For each byte, the character after the backslash that escapes it, `u` for a `\u00XX`
/// escape, or 0 when the byte is written as it is.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether any byte of `bytes` is a control character, `"` or `\\` (bytes ≥ 0x80 never
/// need escaping): eight bytes at a time, the tail as a last word overlapping the one
/// before it, so no byte is copied.
#[inline]
pub(crate) fn needs_escape(bytes: &[u8]) -> bool {
    let (words, tail) = bytes.as_chunks::<8>();
    if words
        .iter()
        .any(|w| word_needs_escape(u64::from_le_bytes(*w)))
    {
        return true;
    }
    match bytes.last_chunk::<8>() {
        Some(last) if !tail.is_empty() => word_needs_escape(u64::from_le_bytes(*last)),
        Some(_) => false,
        // Shorter than a word.
        None => tail.iter().any(|&b| ESCAPE[b as usize] != 0),
    }
}

/// Whether any of the eight bytes in `x` needs escaping (SWAR: each test sets the high
/// bit of the bytes it finds).
#[inline]
fn word_needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    // Bytes below 0x20 (only ASCII bytes can be: `!x` masks those ≥ 0x80).
    let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
    control || has_zero(x ^ (ONES * u64::from(b'"'))) || has_zero(x ^ (ONES * u64::from(b'\\')))
}

/// Writes `s` as a JSON string literal (RFC 8259 escapes).
pub fn write_json_string(buf: &mut String, s: &str) {
    buf.reserve(s.len() + 2);
    buf.push('"');
    // Most strings need no escape: find that out first, many bytes at a time.
    if !needs_escape(s.as_bytes()) {
        buf.push_str(s);
        buf.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escape = ESCAPE[b as usize];
        if escape == 0 {
            continue;
        }
        // Escaped bytes are ASCII, so `i` is a character boundary.
        buf.push_str(&s[start..i]);
        buf.push('\\');
        if escape == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            buf.push_str("u00");
            buf.push(char::from(HEX[(b >> 4) as usize]));
            buf.push(char::from(HEX[(b & 0xf) as usize]));
        } else {
            buf.push(char::from(escape));
        }
        start = i + 1;
    }
    buf.push_str(&s[start..]);
    buf.push('"');
}

/// Writes `units / 10^decimals` in plain decimal notation, without trailing zeros
/// (`8360, 2` → `83.6`; `8300, 2` → `83.0`, so the value still reads as a number with a
/// fraction, as serde_json prints it).
pub fn write_decimal(buf: &mut String, units: i64, decimals: u32) {
    let mut digits = itoa::Buffer::new();
    let text = digits.format(units.unsigned_abs());
    if units < 0 {
        buf.push('-');
    }
    let d = decimals as usize;
    // The fraction's digits without trailing zeros, and how many zeros come before them.
    let (frac, pad) = if text.len() > d {
        let (int, frac) = text.split_at(text.len() - d);
        buf.push_str(int);
        (frac, 0)
    } else {
        buf.push('0');
        (text, d - text.len())
    };
    buf.push('.');
    let frac = &frac[..frac.bytes().rposition(|b| b != b'0').map_or(0, |i| i + 1)];
    if frac.is_empty() {
        buf.push('0');
    } else {
        for _ in 0..pad {
            buf.push('0');
        }
        buf.push_str(frac);
    }
}

/// A number as serde_json writes it: the shortest form that reads back as `v`, or `null`
/// when it is not finite.
pub fn json_float(v: f64, buffer: &mut ryu::Buffer) -> &str {
    if v.is_finite() {
        buffer.format_finite(v)
    } else {
        "null"
    }
}

impl Sink for JsonWriter {
    fn null(&mut self) {
        self.before_value();
        self.buf.push_str("null");
    }
    fn bool(&mut self, v: bool) {
        self.before_value();
        self.buf.push_str(if v { "true" } else { "false" });
    }
    fn int(&mut self, v: i64) {
        self.before_value();
        self.buf.push_str(itoa::Buffer::new().format(v));
    }
    fn float(&mut self, v: f64) {
        self.before_value();
        self.buf.push_str(json_float(v, &mut ryu::Buffer::new()));
    }
    fn decimal(&mut self, _v: f64, units: i64, decimals: u32) {
        self.before_value();
        write_decimal(&mut self.buf, units, decimals);
    }
    fn str(&mut self, v: &str) {
        self.before_value();
        write_json_string(&mut self.buf, v);
    }
    /// Lends the output itself: the text is written once, after the opening quote, and
    /// copied again only in the rare case that it needs escapes.
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        self.before_value();
        self.buf.push('"');
        let start = self.buf.len();
        write(&mut self.buf);
        if needs_escape(&self.buf.as_bytes()[start..]) {
            self.raw.clear();
            self.raw.push_str(&self.buf[start..]);
            self.buf.truncate(start - 1);
            write_json_string(&mut self.buf, &self.raw);
        } else {
            self.buf.push('"');
        }
    }
    const TAKES_PLAIN_TEXT: bool = true;
    fn plain_str_with(&mut self, write: impl FnOnce(&mut String)) {
        self.before_value();
        self.buf.push('"');
        let start = self.buf.len();
        write(&mut self.buf);
        debug_assert!(
            !needs_escape(&self.buf.as_bytes()[start..]),
            "text said to need no escapes does: {:?}",
            &self.buf[start..]
        );
        self.buf.push('"');
    }
    fn begin_object(&mut self) {
        self.before_value();
        self.buf.push('{');
        self.needs_comma.push(false);
    }
    fn key(&mut self, k: &str) {
        self.before_value();
        write_json_string(&mut self.buf, k);
        self.buf.push(':');
        self.after_key = true;
    }
    fn key_encoded(&mut self, _k: &str, json: &str) {
        self.before_value();
        self.buf.push_str(json);
        self.after_key = true;
    }
    fn value_encoded(&mut self, _v: &Value, json: &str) {
        self.before_value();
        self.buf.push_str(json);
    }
    fn end_object(&mut self) {
        self.needs_comma.pop();
        self.buf.push('}');
    }
    fn begin_array(&mut self) {
        self.before_value();
        self.buf.push('[');
        self.needs_comma.push(false);
    }
    fn end_array(&mut self) {
        self.needs_comma.pop();
        self.buf.push(']');
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
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        let mut text = String::new();
        write(&mut text);
        self.push(Value::String(text))
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

/// A value's text as a template reads it, appended to a borrowed buffer: a string as
/// it is, null as nothing, anything else as its JSON text as serde_json writes it. For
/// rules that read a sibling as text: its value is written here, never built.
pub struct TextSink<'b> {
    out: &'b mut String,
    /// An array or object being built, and how deep in it the next value is: its JSON
    /// text is appended when it closes.
    nested: Option<(ValueSink, usize)>,
}

impl<'b> TextSink<'b> {
    pub fn new(out: &'b mut String) -> TextSink<'b> {
        TextSink { out, nested: None }
    }

    /// The sink of the array or object being built, if one is.
    fn nested(&mut self) -> Option<&mut ValueSink> {
        self.nested.as_mut().map(|(sink, _)| sink)
    }

    fn open(&mut self, begin: impl FnOnce(&mut ValueSink)) {
        let (sink, depth) = self.nested.get_or_insert_with(|| (ValueSink::new(), 0));
        begin(sink);
        *depth += 1;
    }

    fn close(&mut self, end: impl FnOnce(&mut ValueSink)) {
        let Some((sink, depth)) = &mut self.nested else {
            return;
        };
        end(sink);
        *depth -= 1;
        if *depth == 0
            && let Some((sink, _)) = self.nested.take()
        {
            use std::fmt::Write;
            let _ = write!(self.out, "{}", sink.finish());
        }
    }
}

impl Sink for TextSink<'_> {
    fn null(&mut self) {
        if let Some(sink) = self.nested() {
            sink.null();
        }
    }
    fn bool(&mut self, v: bool) {
        match self.nested() {
            Some(sink) => sink.bool(v),
            None => self.out.push_str(if v { "true" } else { "false" }),
        }
    }
    fn int(&mut self, v: i64) {
        match self.nested() {
            Some(sink) => sink.int(v),
            None => self.out.push_str(itoa::Buffer::new().format(v)),
        }
    }
    fn float(&mut self, v: f64) {
        match self.nested() {
            Some(sink) => sink.float(v),
            // As serde_json writes a number (`1e+300`, where the JSON writer has `1e300`).
            None => {
                if let Some(number) = serde_json::Number::from_f64(v) {
                    use std::fmt::Write;
                    let _ = write!(self.out, "{number}");
                }
            }
        }
    }
    fn str(&mut self, v: &str) {
        match self.nested() {
            Some(sink) => sink.str(v),
            None => self.out.push_str(v),
        }
    }
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        match self.nested() {
            Some(sink) => sink.str_with(write),
            None => write(self.out),
        }
    }
    fn begin_object(&mut self) {
        self.open(ValueSink::begin_object);
    }
    fn key(&mut self, k: &str) {
        if let Some(sink) = self.nested() {
            sink.key(k);
        }
    }
    fn end_object(&mut self) {
        self.close(ValueSink::end_object);
    }
    fn begin_array(&mut self) {
        self.open(ValueSink::begin_array);
    }
    fn end_array(&mut self) {
        self.close(ValueSink::end_array);
    }
    fn value(&mut self, v: &Value) {
        match (self.nested(), v) {
            (Some(sink), v) => sink.value(v),
            (None, Value::Null) => {}
            (None, Value::String(s)) => self.out.push_str(s),
            (None, other) => {
                use std::fmt::Write;
                let _ = write!(self.out, "{other}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A value's text through [`TextSink`], written whole or as events, is what
    /// templates read: a string as it is, null as nothing, else its JSON text.
    #[test]
    fn text_sink_writes_a_values_template_text() {
        fn replay(value: &Value, sink: &mut impl Sink) {
            match value {
                Value::Null => sink.null(),
                Value::Bool(b) => sink.bool(*b),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => sink.int(i),
                    None => sink.float(n.as_f64().unwrap()),
                },
                Value::String(s) => sink.str_with(|buf| buf.push_str(s)),
                Value::Array(items) => {
                    sink.begin_array();
                    items.iter().for_each(|item| replay(item, sink));
                    sink.end_array();
                }
                Value::Object(map) => {
                    sink.begin_object();
                    for (k, item) in map {
                        sink.key(k);
                        replay(item, sink);
                    }
                    sink.end_object();
                }
            }
        }
        for value in [
            json!(null),
            json!(true),
            json!(-12),
            json!(1.5),
            json!(12.0),
            json!(1e300),
            json!("Zoë \"quoted\""),
            json!([1, "a", null, [2.5]]),
            json!({"k": [1.25, {"x": "y"}], "n": null}),
        ] {
            let expected = match &value {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let (mut whole, mut events) = (String::from(">"), String::from(">"));
            TextSink::new(&mut whole).value(&value);
            replay(&value, &mut TextSink::new(&mut events));
            assert_eq!(whole, format!(">{expected}"), "{value}");
            assert_eq!(events, format!(">{expected}"), "{value}");
        }
        let mut text = String::new();
        let mut sink = TextSink::new(&mut text);
        sink.decimal(19.99, 1999, 2);
        assert_eq!(text, "19.99");
    }

    #[test]
    fn strings_escape_like_serde() {
        let mut cases: Vec<String> = vec![
            "".into(),
            "plain text".into(),
            "é ü 日本".into(),
            "\u{7f}\u{80}".into(),
        ];
        // Every ASCII byte at every position of strings shorter than a word, one word
        // and a tail, and two words and a tail.
        for base in ["abcdef", "abcdefghij", "abcdefghijklmnopqrs"] {
            for b in 0u8..0x80 {
                for pos in 0..=base.len() {
                    let mut s = base.to_owned();
                    s.insert(pos, b as char);
                    cases.push(s);
                }
            }
        }
        for s in cases {
            let expected = serde_json::to_string(&s).unwrap();
            let mut buf = String::new();
            write_json_string(&mut buf, &s);
            assert_eq!(buf, expected, "{s:?}");
            // Built in place, after other output.
            let mut writer = JsonWriter::new();
            writer.begin_array();
            writer.str("x");
            writer.str_with(|text| text.push_str(&s));
            writer.end_array();
            assert_eq!(writer.buf, format!("[\"x\",{expected}]"), "{s:?}");
        }
    }

    /// A prepared value writes what the value itself would, commas included.
    #[test]
    fn encoded_values_write_like_values() {
        let values = [
            json!("gold"),
            json!("quote \" and \\"),
            json!(-7),
            json!(2.5),
            json!(null),
            json!(true),
            json!({"a": [1, "b"], "c": {}}),
        ];
        let mut plain = JsonWriter::new();
        let mut prepared = JsonWriter::new();
        for writer in [&mut plain, &mut prepared] {
            writer.begin_array();
        }
        for v in &values {
            plain.value(v);
            prepared.value_encoded(v, &JsonWriter::encode(v));
        }
        for writer in [&mut plain, &mut prepared] {
            writer.end_array();
        }
        assert_eq!(prepared.buf, plain.buf);
        assert_eq!(
            serde_json::from_str::<Value>(&prepared.buf).unwrap(),
            Value::Array(values.to_vec())
        );
    }

    #[test]
    fn decimals_print_like_serde() {
        for (units, decimals) in [
            (8360, 2),
            (8300, 2),
            (5, 2),
            (-5, 2),
            (1, 3),
            (123_456, 2),
            (0, 2),
            (7, 0),
            (-1_000_050, 4),
        ] {
            let mut buf = String::new();
            write_decimal(&mut buf, units, decimals);
            let v = units as f64 / 10f64.powi(decimals as i32);
            let expected = serde_json::to_string(&v).unwrap();
            assert_eq!(buf, expected, "{units} / 10^{decimals}");
        }
    }

    #[test]
    fn writer_and_value_sink_agree_with_serde() {
        let v = json!({"a": [1, 2.5, "x\"\n\u{1}", null, true], "b": {}, "c": [], "d": {"e": -3}});
        let mut w = JsonWriter::new();
        w.value(&v);
        assert_eq!(w.buf, serde_json::to_string(&v).unwrap());
        let mut s = ValueSink::new();
        Sink::value(&mut s, &v);
        assert_eq!(s.finish(), v);
    }
}
