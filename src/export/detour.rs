//! The two ways a flattening sink (csv and sql cells, parquet columns) leaves its layout
//! for a while: it *skips* a value that has no place in the layout (a key the schema does
//! not declare), or it *captures* a container whole, as JSON text, for a column that
//! holds JSON (maps, mixed unions, arrays in csv). Either lasts until the container that
//! started it closes; the sink follows its layout again after that.

use crate::sink::{JsonWriter, Sink};

/// Where the values that arrive now go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detour<T> {
    /// Nowhere special: the sink places them by its layout.
    Off,
    /// Nowhere: inside a skipped value, `depth` containers deep.
    Skip { depth: usize },
    /// Into the JSON text of `target`, `depth` containers deep.
    Capture { target: T, depth: usize },
}

/// What closing a container meant.
pub(crate) enum Closed<T> {
    /// It belongs to the layout: the sink closes it.
    Layout,
    /// It was inside a skipped or captured value: nothing more to do.
    Inner,
    /// It completed the capture for `target`, whose JSON text is in the writer.
    Captured(T),
}

impl<T: Copy> Detour<T> {
    /// Starts skipping the container that just opened.
    pub fn skip(&mut self) {
        *self = Detour::Skip { depth: 1 };
    }

    /// Starts capturing the container that just opened, into a cleared `json`.
    pub fn capture(&mut self, target: T, json: &mut JsonWriter, is_object: bool) {
        *self = Detour::Capture { target, depth: 1 };
        json.buf.clear();
        begin_container(json, is_object);
    }

    /// A container opens. `true` when the detour takes it (the sink does nothing more).
    pub fn begin(&mut self, json: &mut JsonWriter, is_object: bool) -> bool {
        match self {
            Detour::Off => false,
            Detour::Skip { depth } => {
                *depth += 1;
                true
            }
            Detour::Capture { depth, .. } => {
                *depth += 1;
                begin_container(json, is_object);
                true
            }
        }
    }

    /// A container closes.
    pub fn end(&mut self, json: &mut JsonWriter, is_object: bool) -> Closed<T> {
        match self {
            Detour::Off => Closed::Layout,
            Detour::Skip { depth } => {
                *depth -= 1;
                if *depth == 0 {
                    *self = Detour::Off;
                }
                Closed::Inner
            }
            Detour::Capture { target, depth } => {
                let target = *target;
                *depth -= 1;
                if is_object {
                    json.end_object();
                } else {
                    json.end_array();
                }
                if *depth > 0 {
                    return Closed::Inner;
                }
                *self = Detour::Off;
                Closed::Captured(target)
            }
        }
    }

    /// A key arrives. `true` when the detour takes it.
    pub fn key(&self, json: &mut JsonWriter, k: &str) -> bool {
        match self {
            Detour::Off => false,
            Detour::Skip { .. } => true,
            Detour::Capture { .. } => {
                json.key(k);
                true
            }
        }
    }

    /// A scalar arrives: written into `json` by `write` when capturing, dropped when
    /// skipping, handed back when the detour is off, for the sink to place.
    pub fn scalar<W: FnOnce(&mut JsonWriter)>(&self, json: &mut JsonWriter, write: W) -> Option<W> {
        match self {
            Detour::Off => Some(write),
            Detour::Skip { .. } => None,
            Detour::Capture { .. } => {
                write(json);
                None
            }
        }
    }

    #[cfg(feature = "parquet")]
    pub fn is_capturing(&self) -> bool {
        matches!(self, Detour::Capture { .. })
    }
}

fn begin_container(json: &mut JsonWriter, is_object: bool) {
    if is_object {
        json.begin_object();
    } else {
        json.begin_array();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"a": [1, {"b": null}]}` captured whole for column 7, and a skipped `[[2], 3]`.
    #[test]
    fn detours_last_until_their_container_closes() {
        let mut json = JsonWriter::new();
        let mut detour = Detour::Off;
        assert!(!detour.begin(&mut json, true));
        detour.capture(7, &mut json, true);
        assert!(detour.key(&mut json, "a"));
        assert!(detour.begin(&mut json, false));
        assert!(detour.scalar(&mut json, |j| j.int(1)).is_none());
        assert!(detour.begin(&mut json, true));
        assert!(detour.key(&mut json, "b"));
        assert!(detour.scalar(&mut json, JsonWriter::null).is_none());
        assert!(matches!(detour.end(&mut json, true), Closed::Inner));
        assert!(matches!(detour.end(&mut json, false), Closed::Inner));
        assert!(matches!(detour.end(&mut json, true), Closed::Captured(7)));
        assert_eq!(json.buf, r#"{"a":[1,{"b":null}]}"#);
        assert_eq!(detour, Detour::Off);

        detour.skip();
        assert!(detour.begin(&mut json, false));
        assert!(detour.scalar(&mut json, |j| j.int(2)).is_none());
        assert!(matches!(detour.end(&mut json, false), Closed::Inner));
        assert!(detour.scalar(&mut json, |j| j.int(3)).is_none());
        assert!(matches!(detour.end(&mut json, false), Closed::Inner));
        assert_eq!(detour, Detour::Off);
        assert!(detour.scalar(&mut json, |j| j.int(4)).is_some());
        assert!(matches!(detour.end(&mut json, true), Closed::Layout));
        assert_eq!(
            json.buf, r#"{"a":[1,{"b":null}]}"#,
            "skipped values leave no text"
        );
    }
}
