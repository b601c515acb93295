//! A recording [`Sink`]: generated rows as a flat list of events, so that one thread can
//! generate while another summarises, and the summary still sees every value in row
//! order (the result is the same as summarising on one thread).

use crate::sink::Sink;

/// One `Sink` call; strings live in the tape's text, one after the other.
#[derive(Debug, Clone, Copy)]
enum Event {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// The next `len` bytes of the text.
    Str(usize),
    Key(usize),
    BeginObject,
    EndObject,
    BeginArray,
    EndArray,
}

/// Recorded rows, replayed with [`Tape::replay`]; [`Tape::clear`] keeps the memory.
#[derive(Debug, Default)]
pub struct Tape {
    events: Vec<Event>,
    text: String,
    /// Where [`Sink::str_with`] builds a string before it is recorded.
    string: String,
}

impl Tape {
    pub fn clear(&mut self) {
        self.events.clear();
        self.text.clear();
    }

    /// Plays the recorded calls into `out`, in order.
    pub fn replay<S: Sink>(&self, out: &mut S) {
        let mut at = 0;
        let mut next_text = |len: usize| {
            let s = &self.text[at..at + len];
            at += len;
            s
        };
        for event in &self.events {
            match *event {
                Event::Null => out.null(),
                Event::Bool(v) => out.bool(v),
                Event::Int(v) => out.int(v),
                Event::Float(v) => out.float(v),
                Event::Str(len) => out.str(next_text(len)),
                Event::Key(len) => out.key(next_text(len)),
                Event::BeginObject => out.begin_object(),
                Event::EndObject => out.end_object(),
                Event::BeginArray => out.begin_array(),
                Event::EndArray => out.end_array(),
            }
        }
    }
}

impl Sink for Tape {
    fn null(&mut self) {
        self.events.push(Event::Null);
    }
    fn bool(&mut self, v: bool) {
        self.events.push(Event::Bool(v));
    }
    fn int(&mut self, v: i64) {
        self.events.push(Event::Int(v));
    }
    fn float(&mut self, v: f64) {
        self.events.push(Event::Float(v));
    }
    fn str(&mut self, v: &str) {
        self.text.push_str(v);
        self.events.push(Event::Str(v.len()));
    }
    fn str_with(&mut self, write: impl FnOnce(&mut String)) {
        crate::sink::str_in_buffer(self, |t| &mut t.string, write);
    }
    fn begin_object(&mut self) {
        self.events.push(Event::BeginObject);
    }
    fn key(&mut self, k: &str) {
        self.text.push_str(k);
        self.events.push(Event::Key(k.len()));
    }
    fn end_object(&mut self) {
        self.events.push(Event::EndObject);
    }
    fn begin_array(&mut self) {
        self.events.push(Event::BeginArray);
    }
    fn end_array(&mut self) {
        self.events.push(Event::EndArray);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::ValueSink;
    use serde_json::json;

    #[test]
    fn replay_reproduces_the_calls() {
        let rows = [
            json!({"a": [1, 2.5, "x", null, true], "b": {"c": "dé"}, "": []}),
            json!("plain"),
        ];
        let mut tape = Tape::default();
        for row in &rows {
            tape.value(row);
        }
        // Replayed inside one array, the rows come back as its elements.
        let mut sink = ValueSink::new();
        sink.begin_array();
        tape.replay(&mut sink);
        sink.end_array();
        assert_eq!(sink.finish(), json!(rows));
        tape.clear();
        assert!(tape.events.is_empty() && tape.text.is_empty());
    }
}
