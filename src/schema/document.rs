//! The documents a schema is made of, and `$ref` resolution across them.
//!
//! The root file and any sibling file it refers to are loaded once. Each is indexed for
//! `$id` (embedded resources) and `$anchor`/`$dynamicAnchor`, so that a reference
//! resolves to a [`Loc`]: a document and a JSON Pointer inside it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::error::{Error, Problem};

/// A place in a loaded document: which document, the JSON Pointer to the subschema, and
/// the base URI in force there (it changes below an `$id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Loc {
    pub doc: usize,
    pub pointer: String,
    pub base: String,
}

impl Loc {
    /// The location of a child: `pointer` extended by the given tokens.
    pub fn child(&self, tokens: &[&str]) -> Loc {
        let mut pointer = self.pointer.clone();
        for t in tokens {
            pointer.push('/');
            pointer.push_str(&t.replace('~', "~0").replace('/', "~1"));
        }
        Loc {
            doc: self.doc,
            pointer,
            base: self.base.clone(),
        }
    }
}

/// One loaded JSON document.
#[derive(Debug)]
pub struct Document {
    /// The URI it was loaded under (a `file://` URI, or `urn:synthtune:schema`).
    pub uri: String,
    pub path: Option<PathBuf>,
    pub value: Value,
}

/// All documents of one schema, with their `$id` and anchor indexes.
#[derive(Debug, Default)]
pub struct Documents {
    pub docs: Vec<Document>,
    /// Absolute resource URI (no fragment) → (document, pointer of the resource root).
    resources: HashMap<String, (usize, String)>,
    /// `resource-uri#anchor` → pointer.
    anchors: HashMap<String, (usize, String)>,
    /// The absolute base URI of every subschema that has an `$id`.
    bases: HashMap<(usize, String), String>,
}

/// The URI an in-memory schema is known by.
pub const MEMORY_URI: &str = "urn:synthtune:schema";

impl Documents {
    /// Loads the root document from a file, and every file beside it that it refers to
    /// (validators resolve all references up front, so all must be present).
    pub fn from_file(path: &Path) -> Result<Documents, Error> {
        let mut docs = Documents::default();
        let value = read_json(path)?;
        docs.add(file_uri(path), Some(path.to_owned()), value);
        docs.load_referenced_files();
        Ok(docs)
    }

    /// Loads the files that `$ref`s of loaded documents name, transitively. A file that
    /// cannot be read is left for [`Documents::resolve`] to report where it is used.
    fn load_referenced_files(&mut self) {
        let mut next = 0;
        while next < self.docs.len() {
            let mut refs = Vec::new();
            collect_refs(&self.docs[next].value, &mut refs);
            let base = self.docs[next].uri.clone();
            for reference in refs {
                let target = join_uri(&base, &reference);
                let resource = strip_fragment(&target).to_owned();
                if resource.starts_with("file://") && !self.resources.contains_key(&resource) {
                    let path = PathBuf::from(
                        percent_decode_str(&resource["file://".len()..])
                            .decode_utf8_lossy()
                            .into_owned(),
                    );
                    if let Ok(value) = read_json(&path) {
                        self.add(resource, Some(path), value);
                    }
                }
            }
            next += 1;
        }
    }

    /// Wraps an in-memory root document; `base_dir` is where sibling files are looked for.
    pub fn from_value(value: Value, base_dir: Option<&Path>) -> Documents {
        let mut docs = Documents::default();
        let uri = match base_dir {
            Some(dir) => file_uri(&dir.join("schema.json")),
            None => MEMORY_URI.to_owned(),
        };
        docs.add(uri, None, value);
        if base_dir.is_some() {
            docs.load_referenced_files();
        }
        docs
    }

    fn add(&mut self, uri: String, path: Option<PathBuf>, value: Value) -> usize {
        let doc = self.docs.len();
        self.resources.insert(uri.clone(), (doc, String::new()));
        let mut index = Index {
            doc,
            resources: &mut self.resources,
            anchors: &mut self.anchors,
            bases: &mut self.bases,
        };
        index.walk(&value, &uri, "", true);
        self.docs.push(Document { uri, path, value });
        doc
    }

    /// The root location of the root document.
    pub fn root(&self) -> Loc {
        let base = self.docs[0].uri.clone();
        let base = self.docs[0]
            .value
            .get("$id")
            .and_then(Value::as_str)
            .map(|id| join_uri(&base, id))
            .unwrap_or(base);
        Loc {
            doc: 0,
            pointer: String::new(),
            base: strip_fragment(&base).to_owned(),
        }
    }

    /// The JSON value at a location (`None` if the pointer leads nowhere).
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        self.docs[loc.doc].value.pointer(&loc.pointer)
    }

    /// The file a location lies in, for error messages.
    pub fn path_of(&self, loc: &Loc) -> Option<&Path> {
        self.docs[loc.doc].path.as_deref()
    }

    /// The location a subschema at `loc` has, after its own `$id` (if any).
    pub fn enter(&self, loc: Loc) -> Loc {
        match self.bases.get(&(loc.doc, loc.pointer.clone())) {
            Some(base) => Loc {
                base: base.clone(),
                ..loc
            },
            None => loc,
        }
    }

    /// Resolves `reference` (the value of a `$ref` found at `at`).
    pub fn resolve(&mut self, at: &Loc, reference: &str) -> Result<Loc, Problem> {
        let target = join_uri(&at.base, reference);
        let (resource, fragment) = match target.split_once('#') {
            Some((r, f)) => (r.to_owned(), f.to_owned()),
            None => (target.clone(), String::new()),
        };
        let fragment = percent_decode_str(&fragment)
            .decode_utf8()
            .map_err(|_| {
                Problem::invalid(
                    &at.pointer,
                    format!("$ref {reference:?} is not valid UTF-8 after percent-decoding"),
                )
            })?
            .into_owned();
        if !self.resources.contains_key(&resource) {
            self.load_sibling(at, reference, &resource)?;
        }
        let unresolved = || {
            Problem::invalid(
                format!("{}/$ref", at.pointer),
                format!("$ref {reference:?} does not resolve to anything"),
            )
            .hint("point it at an existing definition, e.g. \"#/$defs/Name\"")
        };
        let (doc, root) = self
            .resources
            .get(&resource)
            .cloned()
            .ok_or_else(unresolved)?;
        let pointer = if fragment.is_empty() || fragment.starts_with('/') {
            format!("{root}{fragment}")
        } else {
            let (d, p) = self
                .anchors
                .get(&format!("{resource}#{fragment}"))
                .cloned()
                .ok_or_else(unresolved)?;
            if d != doc {
                return Err(unresolved());
            }
            p
        };
        if self.docs[doc].value.pointer(&pointer).is_none() {
            return Err(unresolved());
        }
        Ok(Loc {
            doc,
            pointer,
            base: resource,
        })
    }

    /// Loads a file a reference names, when it lies beside the schema.
    fn load_sibling(&mut self, at: &Loc, reference: &str, resource: &str) -> Result<(), Problem> {
        let Some(path) = resource.strip_prefix("file://") else {
            return Err(Problem::invalid(
                format!("{}/$ref", at.pointer),
                format!("$ref {reference:?} names {resource}, which is neither in this file nor a file beside it"),
            )
            .hint("synthtune does not fetch schemas over the network: save it beside the schema and refer to it by file name"));
        };
        let path = PathBuf::from(percent_decode_str(path).decode_utf8_lossy().into_owned());
        let value = read_json(&path).map_err(|e| {
            Problem::invalid(
                format!("{}/$ref", at.pointer),
                format!("$ref {reference:?}: {e}"),
            )
        })?;
        self.add(resource.to_owned(), Some(path), value);
        Ok(())
    }
}

/// Every `$ref` string below `value`.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) if !r.starts_with('#') => out.push(r.clone()),
                    ("enum" | "const" | "examples" | "default", _) => {}
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Records every `$id`, `$anchor` and `$dynamicAnchor` of one document.
struct Index<'a> {
    doc: usize,
    resources: &'a mut HashMap<String, (usize, String)>,
    anchors: &'a mut HashMap<String, (usize, String)>,
    bases: &'a mut HashMap<(usize, String), String>,
}

impl Index<'_> {
    fn walk(&mut self, value: &Value, base: &str, pointer: &str, is_root: bool) {
        match value {
            Value::Object(map) => {
                let mut base = base.to_owned();
                if let Some(id) = map.get("$id").and_then(Value::as_str) {
                    base = strip_fragment(&join_uri(&base, id)).to_owned();
                    self.resources
                        .entry(base.clone())
                        .or_insert((self.doc, pointer.to_owned()));
                    self.bases
                        .insert((self.doc, pointer.to_owned()), base.clone());
                    // draft-07 spelling of an anchor: "$id": "#name"
                    if let Some(anchor) = id.strip_prefix('#') {
                        self.anchors
                            .insert(format!("{base}#{anchor}"), (self.doc, pointer.to_owned()));
                    }
                } else if is_root {
                    self.resources
                        .entry(base.clone())
                        .or_insert((self.doc, pointer.to_owned()));
                }
                for key in ["$anchor", "$dynamicAnchor"] {
                    if let Some(anchor) = map.get(key).and_then(Value::as_str) {
                        self.anchors
                            .entry(format!("{base}#{anchor}"))
                            .or_insert((self.doc, pointer.to_owned()));
                    }
                }
                for (k, v) in map {
                    // Values of these keywords are data, not schemas.
                    if matches!(k.as_str(), "enum" | "const" | "examples" | "default") {
                        continue;
                    }
                    let child = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                    self.walk(v, &base, &child, false);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(v, base, &format!("{pointer}/{i}"), false);
                }
            }
            _ => {}
        }
    }
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

/// serde_json appends " at line L column C"; the error already carries both.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A `file://` URI for a path (made absolute, so that siblings resolve).
pub fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let text = abs.to_string_lossy().replace('\\', "/");
    let encoded: String = text
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_owned(),
            '#' => "%23".to_owned(),
            '%' => "%25".to_owned(),
            '?' => "%3F".to_owned(),
            c => c.to_string(),
        })
        .collect();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(r, _)| r)
}

/// RFC 3986 reference resolution, enough for schema `$id`s and `$ref`s.
pub fn join_uri(base: &str, reference: &str) -> String {
    if reference.is_empty() {
        return strip_fragment(base).to_owned();
    }
    if reference.starts_with('#') {
        return format!("{}{reference}", strip_fragment(base));
    }
    if has_scheme(reference) {
        return normalize_dots(reference);
    }
    let base = strip_fragment(base);
    let (scheme, rest) = match base.split_once(':') {
        Some((s, r)) => (s, r),
        None => ("", base),
    };
    if reference.starts_with("//") {
        return format!("{scheme}:{reference}");
    }
    // URNs have no hierarchical path: a relative reference replaces everything after the scheme.
    if !rest.starts_with("//") && !rest.starts_with('/') {
        return format!("{scheme}:{reference}");
    }
    let (authority, path) = if let Some(after) = rest.strip_prefix("//") {
        match after.find('/') {
            Some(i) => (&rest[..i + 2], &after[i..]),
            None => (rest, ""),
        }
    } else {
        ("", rest)
    };
    let path = path.split(['?']).next().unwrap_or("");
    let joined = if reference.starts_with('/') {
        reference.to_owned()
    } else if reference.starts_with('?') {
        format!("{path}{reference}")
    } else {
        let dir = match path.rfind('/') {
            Some(i) => &path[..=i],
            None => "/",
        };
        format!("{dir}{reference}")
    };
    normalize_dots(&format!("{scheme}:{authority}{joined}"))
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s[..i].contains('/')
        }
        None => false,
    }
}

/// Removes `.` and `..` segments from the path of an absolute URI.
fn normalize_dots(uri: &str) -> String {
    let (head, fragment) = match uri.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (uri, None),
    };
    let prefix_end = if let Some(i) = head.find("://") {
        head[i + 3..].find('/').map_or(head.len(), |j| i + 3 + j)
    } else {
        head.find(':').map_or(0, |i| i + 1)
    };
    let (prefix, path) = head.split_at(prefix_end);
    if !path.contains("/.") {
        return uri.to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == segments.len() - 1 {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == segments.len() - 1 {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut s = format!("{prefix}{}", out.join("/"));
    if let Some(f) = fragment {
        s.push('#');
        s.push_str(f);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn joins_uris() {
        assert_eq!(
            join_uri("file:///a/b/c.json", "d.json"),
            "file:///a/b/d.json"
        );
        assert_eq!(
            join_uri("file:///a/b/c.json", "../d.json#/x"),
            "file:///a/d.json#/x"
        );
        assert_eq!(join_uri("http://x.org/a/b", "#foo"), "http://x.org/a/b#foo");
        assert_eq!(join_uri("http://x.org/a/b", "/c"), "http://x.org/c");
        assert_eq!(
            join_uri("http://x.org/a/b", "http://y.org/z"),
            "http://y.org/z"
        );
        assert_eq!(
            join_uri("urn:synthtune:schema", "#/$defs/A"),
            "urn:synthtune:schema#/$defs/A"
        );
    }

    #[test]
    fn resolves_pointers_anchors_and_ids() {
        let mut docs = Documents::from_value(
            json!({
                "$defs": {
                    "a~b": {"type": "integer"},
                    "sp ace": {"$anchor": "spaced", "type": "string"},
                    "nested": {"$id": "http://example.com/nested.json", "$defs": {"x": {"type": "null"}}}
                }
            }),
            None,
        );
        let root = docs.root();
        assert_eq!(
            docs.resolve(&root, "#/$defs/a~0b").unwrap().pointer,
            "/$defs/a~0b"
        );
        assert_eq!(
            docs.resolve(&root, "#/$defs/sp%20ace").unwrap().pointer,
            "/$defs/sp ace"
        );
        assert_eq!(
            docs.resolve(&root, "#spaced").unwrap().pointer,
            "/$defs/sp ace"
        );
        let x = docs
            .resolve(&root, "http://example.com/nested.json#/$defs/x")
            .unwrap();
        assert_eq!(x.pointer, "/$defs/nested/$defs/x");
        assert!(docs.resolve(&root, "#/$defs/missing").is_err());
        assert!(
            docs.resolve(&root, "https://example.com/remote.json")
                .is_err()
        );
    }
}
