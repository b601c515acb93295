//! The documents a schema is made of, and `$ref` resolution across them.
//!
//! The root file and every document it refers to are loaded once, up front: files by
//! `file://` URI, absolute URLs from the files beside the schema (by their `$id`, then by
//! file name) or from the bundled metaschemas (bundled.rs). Each document is indexed for
//! `$id` (embedded resources) and `$anchor`/`$dynamicAnchor`, so that a reference
//! resolves to a [`Loc`]: a document and a JSON Pointer inside it. A [`Loc`] also carries
//! its dynamic [`Scope`]: the `$ref` targets and resources it was reached through, which
//! tell recursion from a shared definition and resolve `$dynamicRef`/`$recursiveRef`.

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::bundled;
use super::validator::DEFAULT_DIALECT;
use crate::error::{Error, Problem};

/// A place in a loaded document: which document, the JSON Pointer to the subschema, and
/// the base URI in force there (it changes below an `$id`). Two locations are equal when
/// they name the same subschema, whatever path led to them (their scope).
#[derive(Debug, Clone)]
pub struct Loc {
    pub doc: usize,
    pub pointer: String,
    pub base: String,
    /// How the location was reached: what a `$ref` below it may recurse into.
    pub scope: Scope,
}

impl PartialEq for Loc {
    fn eq(&self, other: &Loc) -> bool {
        self.doc == other.doc && self.pointer == other.pointer && self.base == other.base
    }
}

impl Eq for Loc {}

impl std::hash::Hash for Loc {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.doc.hash(state);
        self.pointer.hash(state);
        self.base.hash(state);
    }
}

/// The dynamic scope of a location: the `$ref` targets and schema resources entered on
/// the way to it, and the steps down into a property's or an item's value, innermost
/// first. A `$ref` to a target in its own scope leads back into itself: recursion when a
/// step down lies between (each turn describes a smaller value), a loop with no base
/// case when none does. A `$ref` to a definition merged elsewhere on the path is neither.
/// Shared tails make cloning a location cheap.
#[derive(Debug, Clone, Default)]
pub struct Scope(Option<Arc<Step>>);

#[derive(Debug)]
struct Step {
    entered: Entered,
    outer: Scope,
}

/// What a step of the scope entered.
#[derive(Debug)]
enum Entered {
    /// A `$ref` target (document, pointer) of the resource with this base URI.
    Target(usize, String, String),
    /// A subschema with its own `$id`, walked into: its base URI.
    Resource(String),
    /// The value of a property or an item: the schemas below describe another instance.
    Value,
}

impl Scope {
    fn push(&self, entered: Entered) -> Scope {
        Scope(Some(Arc::new(Step {
            entered,
            outer: self.clone(),
        })))
    }

    fn steps(&self) -> impl Iterator<Item = &Entered> {
        std::iter::successors(self.0.as_deref(), |s| s.outer.0.as_deref()).map(|s| &s.entered)
    }

    fn is_target(entered: &Entered, target: &Loc) -> bool {
        matches!(entered, Entered::Target(d, p, _) if *d == target.doc && *p == target.pointer)
    }

    /// Whether `target` was entered by a `$ref` on the way here.
    pub fn contains(&self, target: &Loc) -> bool {
        self.steps().any(|e| Self::is_target(e, target))
    }

    /// Whether `target` was entered by a `$ref` on the way here with no step down into a
    /// property's or an item's value since: a reference to it describes the same value
    /// again, and never reaches a base case.
    pub fn contains_on_this_value(&self, target: &Loc) -> bool {
        self.steps()
            .take_while(|e| !matches!(e, Entered::Value))
            .any(|e| Self::is_target(e, target))
    }

    /// The base URIs of the resources entered, innermost first.
    fn bases(&self) -> impl Iterator<Item = &str> {
        self.steps().filter_map(|e| match e {
            Entered::Target(_, _, base) | Entered::Resource(base) => Some(base.as_str()),
            Entered::Value => None,
        })
    }
}

impl Loc {
    /// The location of a child: `pointer` extended by the given tokens.
    pub fn child(&self, tokens: &[&str]) -> Loc {
        let length = tokens.iter().map(|t| t.len() + 1).sum::<usize>();
        let mut pointer = String::with_capacity(self.pointer.len() + length);
        pointer.push_str(&self.pointer);
        for t in tokens {
            push_token(&mut pointer, t);
        }
        Loc {
            doc: self.doc,
            pointer,
            base: self.base.clone(),
            scope: self.scope.clone(),
        }
    }

    /// The location of the schema of a property's or an item's value: `pointer`
    /// extended by the given tokens, one step down in the scope.
    pub fn value_below(&self, tokens: &[&str]) -> Loc {
        let mut loc = self.child(tokens);
        loc.scope = loc.scope.push(Entered::Value);
        loc
    }

    /// This location (a `$ref` target) as entered from `from`: its scope is `from`'s,
    /// with this target added.
    pub fn entered_from(self, from: &Loc) -> Loc {
        let scope = from.scope.push(Entered::Target(
            self.doc,
            self.pointer.clone(),
            self.base.clone(),
        ));
        Loc { scope, ..self }
    }

    /// This location as the start of a compilation of its own (a recursive target): its
    /// scope holds only itself.
    pub fn entered_alone(self) -> Loc {
        let scope = Scope::default().push(Entered::Target(
            self.doc,
            self.pointer.clone(),
            self.base.clone(),
        ));
        Loc { scope, ..self }
    }
}

/// One loaded JSON document.
#[derive(Debug)]
pub struct Document {
    /// The URI it was loaded under (a `file://` URI, or `urn:synthtune:schema`).
    pub uri: String,
    pub path: Option<PathBuf>,
    /// Shared, so that compiling can hold it while it changes the [`Documents`].
    pub value: Arc<Value>,
}

/// All documents of one schema, with their `$id` and anchor indexes.
#[derive(Debug, Default)]
pub struct Documents {
    pub docs: Vec<Document>,
    /// Absolute resource URI (no fragment) → (document, pointer of the resource root).
    resources: HashMap<String, (usize, String)>,
    /// `resource-uri#anchor` → pointer, for `$anchor` and `$dynamicAnchor`.
    anchors: HashMap<String, (usize, String)>,
    /// `resource-uri#anchor` → pointer, for `$dynamicAnchor` only.
    dynamic_anchors: HashMap<String, (usize, String)>,
    /// The absolute base URI of every subschema that has an `$id`.
    bases: HashMap<(usize, String), String>,
    /// Absolute targets (with fragment) of references to documents nowhere to be found.
    pub unavailable: Vec<String>,
    /// The folder whose files answer absolute URLs (the schema's own folder).
    dir: Option<PathBuf>,
    /// The files of `dir` by their root `$id`, read on the first URL that needs them.
    beside: Option<HashMap<String, PathBuf>>,
    /// Files that `$ref`s name but that could not be read (not JSON, too large, a
    /// device), by resource URI: why, for the refusal at the `$ref`.
    unreadable: HashMap<String, String>,
    /// The first `$schema` found that names a dialect synthtune does not read the
    /// document in (see [`Documents::refuse_other_dialects`]).
    other_dialect: Option<Problem>,
    /// The first `$anchor` named twice in one resource (see
    /// [`Documents::refuse_duplicate_anchors`]).
    duplicate_anchor: Option<Problem>,
}

/// The URI an in-memory schema is known by.
pub const MEMORY_URI: &str = "urn:synthtune:schema";

impl Documents {
    /// Loads the root document from a file, and every document it refers to
    /// (validators resolve all references up front, so all must be present).
    pub fn from_file(path: &Path) -> Result<Documents, Error> {
        let mut docs = Documents {
            dir: std::path::absolute(path)
                .ok()
                .and_then(|p| p.parent().map(Path::to_owned)),
            ..Documents::default()
        };
        let value = read_json(path)?;
        docs.add(file_uri(path), Some(path.to_owned()), value);
        docs.load_referenced();
        Ok(docs)
    }

    /// Wraps an in-memory root document; `base_dir` is where sibling files are looked for.
    pub fn from_value(value: Value, base_dir: Option<&Path>) -> Documents {
        let mut docs = Documents {
            dir: base_dir.map(|d| std::path::absolute(d).unwrap_or_else(|_| d.to_owned())),
            ..Documents::default()
        };
        let uri = match base_dir {
            Some(dir) => file_uri(&dir.join("schema.json")),
            None => MEMORY_URI.to_owned(),
        };
        docs.add(uri, None, value);
        docs.load_referenced();
        docs
    }

    /// Loads the documents that `$ref`s of loaded documents name, transitively. A
    /// reference that finds nothing is left for [`Documents::resolve`] to report where
    /// it is used.
    fn load_referenced(&mut self) {
        let mut next = 0;
        while next < self.docs.len() {
            let mut refs = Vec::new();
            let base = self.docs[next].uri.clone();
            collect_refs(&self.docs[next].value, &base, &mut refs);
            for target in refs {
                let resource = strip_fragment(&target);
                if !self.resources.contains_key(resource)
                    && self.locate(resource).is_none()
                    && !self.unavailable.contains(&target)
                {
                    self.unavailable.push(target.clone());
                }
            }
            next += 1;
        }
    }

    /// Finds and loads the document for an absolute resource URI that no loaded
    /// document answers: a file (`file://`), a bundled metaschema, or a file beside the
    /// schema, by its `$id` and then by its file name.
    fn locate(&mut self, resource: &str) -> Option<usize> {
        if let Some(path) = resource.strip_prefix("file://") {
            let path = PathBuf::from(percent_decode_str(path).decode_utf8_lossy().into_owned());
            let value = match read_json(&path) {
                Ok(value) => value,
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    return None;
                }
                Err(e) => {
                    self.unreadable.insert(resource.to_owned(), e.to_string());
                    return None;
                }
            };
            return Some(self.add(resource.to_owned(), Some(path), value));
        }
        if let Some(value) = bundled::metaschema(resource) {
            return Some(self.add(resource.to_owned(), None, value.clone()));
        }
        let path = self.beside(resource)?;
        let value = read_json(&path).ok()?;
        // Loaded under the URL it answers: its relative references and anchors resolve
        // against that URL, as if it had been retrieved from there.
        Some(self.add(resource.to_owned(), Some(path), value))
    }

    /// The file beside the schema that answers `url`: the one whose root `$id` it is,
    /// else the one named like the URL's path (its longest tail that names a file).
    fn beside(&mut self, url: &str) -> Option<PathBuf> {
        let dir = self.dir.clone()?;
        let by_id = self.beside.get_or_insert_with(|| index_folder(&dir));
        if let Some(path) = by_id.get(url) {
            return Some(path.clone());
        }
        let path = url.split_once("://")?.1.split(['?', '#']).next()?;
        let segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
        (0..segments.len())
            .map(|i| segments[i..].iter().fold(dir.clone(), |p, s| p.join(s)))
            .find(|p| p.is_file())
    }

    fn add(&mut self, uri: String, path: Option<PathBuf>, value: Value) -> usize {
        let doc = self.docs.len();
        self.resources.insert(uri.clone(), (doc, String::new()));
        let mut index = Index {
            doc,
            uri: &uri,
            dialect: value.get("$schema").and_then(Value::as_str),
            other_dialect: &mut self.other_dialect,
            duplicate_anchor: &mut self.duplicate_anchor,
            legacy: is_legacy(&value),
            resources: &mut self.resources,
            anchors: &mut self.anchors,
            dynamic_anchors: &mut self.dynamic_anchors,
            bases: &mut self.bases,
        };
        index.walk(&value, &uri, "", true);
        self.docs.push(Document {
            uri,
            path,
            value: Arc::new(value),
        });
        doc
    }

    /// Refuses a document whose `$schema` names a dialect synthtune does not know, or a
    /// subschema whose `$schema` names another dialect than its document's. synthtune
    /// reads a whole document in one dialect, while validators switch (or misread an
    /// unknown `$schema`: the `jsonschema` crate reads `not: {contains: …}` under
    /// `"$schema": "array"` as `not: {}`), so the records would not be valid to them.
    pub fn refuse_other_dialects(&mut self) -> Result<(), Problem> {
        let refuse = |why: String| Err(Problem::invalid("/$schema", why).hint(DIALECTS_HINT));
        for doc in 0..self.docs.len() {
            let of = in_document(doc, &self.docs[doc].uri);
            let named = match self.docs[doc].value.get("$schema") {
                None => continue,
                Some(Value::String(named)) => named.clone(),
                Some(other) => {
                    return refuse(format!("$schema{of} is {other}, not the URI of a dialect"));
                }
            };
            if bundled::dialect(&named).is_some() {
                continue;
            }
            // A custom metaschema, beside the schema, written in 2019-09 or 2020-12 (the
            // dialects with vocabularies): the document is read in that dialect.
            let custom = self.locate(strip_fragment(&named)).map(|meta| {
                let value = &self.docs[meta].value;
                value
                    .get("$schema")
                    .and_then(Value::as_str)
                    .is_some_and(|s| bundled::dialect(s).is_some())
                    && !is_legacy(value)
            });
            match custom {
                Some(true) => {}
                Some(false) => {
                    return refuse(format!(
                        "$schema {named:?}{of} is a metaschema whose own $schema names neither 2019-09 nor 2020-12, the dialects synthtune reads custom metaschemas of"
                    ));
                }
                None => return Err(unknown_dialect("/$schema".to_owned(), &named, &of)),
            }
        }
        self.other_dialect.clone().map_or(Ok(()), Err)
    }

    /// Refuses a resource in which two schema objects take the same `$anchor`.
    pub fn refuse_duplicate_anchors(&self) -> Result<(), Problem> {
        self.duplicate_anchor.clone().map_or(Ok(()), Err)
    }

    /// The dialect a document is read in: its `$schema`, the dialect of the custom
    /// metaschema it names, or 2020-12.
    pub fn dialect(&self, doc: usize) -> &str {
        fn known(value: &Value) -> Option<&str> {
            value
                .get("$schema")
                .and_then(Value::as_str)
                .filter(|s| bundled::dialect(s).is_some())
        }
        let value = &self.docs[doc].value;
        known(value)
            .or_else(|| {
                let named = value.get("$schema").and_then(Value::as_str)?;
                let (meta, _) = self.resources.get(strip_fragment(named))?;
                known(&self.docs[*meta].value)
            })
            .unwrap_or(DEFAULT_DIALECT)
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
        let base = strip_fragment(&base).to_owned();
        Loc {
            doc: 0,
            pointer: String::new(),
            scope: Scope::default().push(Entered::Resource(base.clone())),
            base,
        }
    }

    /// The JSON value at a location (`None` if the pointer leads nowhere).
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        resolve_pointer(&self.docs[loc.doc].value, &loc.pointer)
    }

    /// A document's value, shared.
    pub fn value(&self, doc: usize) -> Arc<Value> {
        Arc::clone(&self.docs[doc].value)
    }

    /// The file a location lies in, for error messages.
    pub fn path_of(&self, loc: &Loc) -> Option<&Path> {
        self.docs[loc.doc].path.as_deref()
    }

    /// The location a subschema at `loc` has, after its own `$id` (if any): a new base,
    /// and a resource entered in its scope.
    pub fn enter(&self, loc: Loc) -> Loc {
        match self.bases.get(&(loc.doc, loc.pointer.clone())) {
            Some(base) if *base != loc.base => Loc {
                scope: loc.scope.push(Entered::Resource(base.clone())),
                base: base.clone(),
                ..loc
            },
            _ => loc,
        }
    }

    /// The absolute URI of a location, as validators' registries know it.
    /// Where a chain of plain references leads: a schema that is a `$ref` and
    /// annotations only validates exactly as its target does. Stops at anything else
    /// (`$id`, `$anchor` and every assertion included), at a reference that does not
    /// resolve, and after a few hops (a cycle).
    pub fn through_plain_refs(&mut self, mut loc: Loc) -> Loc {
        const ANNOTATIONS: &[&str] = &[
            "$ref",
            "$comment",
            "title",
            "description",
            "markdownDescription",
            "default",
            "examples",
            "deprecated",
            "readOnly",
            "writeOnly",
        ];
        for _ in 0..16 {
            let reference = match self.get(&loc) {
                Some(Value::Object(map))
                    if map
                        .keys()
                        .all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-")) =>
                {
                    match map.get("$ref").and_then(Value::as_str) {
                        Some(reference) => reference.to_owned(),
                        None => return loc,
                    }
                }
                _ => return loc,
            };
            match self.resolve(&loc, &reference) {
                Ok(target) => loc = target,
                Err(_) => return loc,
            }
        }
        loc
    }

    pub fn uri_of(&self, loc: &Loc) -> String {
        format!(
            "{}#{}",
            self.docs[loc.doc].uri,
            encode_fragment(&loc.pointer)
        )
    }

    /// Resolves `reference` (the value of a `$ref` found at `at`), statically.
    pub fn resolve(&mut self, at: &Loc, reference: &str) -> Result<Loc, Problem> {
        let target = join_uri(&at.base, reference);
        let (resource, fragment) = match target.split_once('#') {
            Some((r, f)) => (r.to_owned(), f.to_owned()),
            None => (target.clone(), String::new()),
        };
        let ref_pointer = format!("{}/$ref", at.pointer);
        let fragment = percent_decode_str(&fragment)
            .decode_utf8()
            .map_err(|_| {
                Problem::invalid(
                    &ref_pointer,
                    format!("$ref {reference:?} is not valid UTF-8 after percent-decoding"),
                )
            })?
            .into_owned();
        if !self.resources.contains_key(&resource) && self.locate(&resource).is_none() {
            if let Some(why) = self.unreadable.get(&resource) {
                return Err(Problem::invalid(
                    &ref_pointer,
                    format!("$ref {reference:?} names a file that cannot be used: {why}"),
                )
                .hint("point the $ref at a JSON schema file within the limits (see the README's \"Limits\")"));
            }
            return Err(unavailable(&ref_pointer, reference, &resource));
        }
        let unresolved = || {
            Problem::invalid(
                &ref_pointer,
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
        if resolve_pointer(&self.docs[doc].value, &pointer).is_none() {
            return Err(unresolved());
        }
        Ok(Loc {
            doc,
            pointer,
            base: resource,
            scope: at.scope.clone(),
        })
    }

    /// Resolves a 2020-12 `$dynamicRef`: statically, unless the target is a
    /// `$dynamicAnchor` of the fragment's name; then the outermost resource in the dynamic
    /// scope that holds a `$dynamicAnchor` of that name wins.
    pub fn resolve_dynamic(&mut self, at: &Loc, reference: &str) -> Result<Loc, Problem> {
        let target = self.resolve(at, reference)?;
        let name = match reference.split_once('#') {
            Some((_, f)) if !f.is_empty() && !f.starts_with('/') => f,
            _ => return Ok(target),
        };
        let anchored = self
            .get(&target)
            .and_then(|s| s.get("$dynamicAnchor"))
            .and_then(Value::as_str)
            == Some(name);
        if !anchored {
            return Ok(target);
        }
        let mut bases: Vec<&str> = at.scope.bases().collect();
        bases.insert(0, &at.base);
        for base in bases.iter().rev() {
            if let Some((doc, pointer)) = self.dynamic_anchors.get(&format!("{base}#{name}")) {
                return Ok(Loc {
                    doc: *doc,
                    pointer: pointer.clone(),
                    base: (*base).to_owned(),
                    scope: at.scope.clone(),
                });
            }
        }
        Ok(target)
    }

    /// Resolves a 2019-09 `$recursiveRef`: statically, unless the target has
    /// `$recursiveAnchor: true`; then each enclosing resource of the dynamic scope that
    /// has it too, innermost first, takes over, up to the first that does not.
    pub fn resolve_recursive(&mut self, at: &Loc, reference: &str) -> Result<Loc, Problem> {
        let mut target = self.resolve(at, reference)?;
        let anchored = |docs: &Documents, loc: &Loc| {
            docs.get(loc)
                .and_then(|s| s.get("$recursiveAnchor"))
                .and_then(Value::as_bool)
                == Some(true)
        };
        if !anchored(self, &target) {
            return Ok(target);
        }
        let bases: Vec<String> = at.scope.bases().map(str::to_owned).collect();
        for base in bases {
            let Some((doc, pointer)) = self.resources.get(&base).cloned() else {
                break;
            };
            let candidate = Loc {
                doc,
                pointer,
                base,
                scope: at.scope.clone(),
            };
            if !anchored(self, &candidate) {
                break;
            }
            target = candidate;
        }
        Ok(target)
    }
}

/// The value a JSON Pointer leads to inside `value`, as [`Value::pointer`] finds it,
/// without its two allocations per token: locations are resolved for every keyword
/// collected and every validator part, and deep pointers times many lookups showed as a
/// fifth of compiling a large schema. Only a token that holds an escape (`~`) is copied.
pub fn resolve_pointer<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let tokens = pointer.strip_prefix('/')?;
    tokens.split('/').try_fold(value, |target, token| {
        let token: std::borrow::Cow<str> = if token.contains('~') {
            token.replace("~1", "/").replace("~0", "~").into()
        } else {
            token.into()
        };
        match target {
            // A schema object has a few keys: comparing them costs less than hashing.
            Value::Object(map) if map.len() <= 8 => map
                .iter()
                .find(|(k, _)| k.as_str() == token.as_ref())
                .map(|(_, v)| v),
            Value::Object(map) => map.get(token.as_ref()),
            Value::Array(items) => array_index(&token).and_then(|i| items.get(i)),
            _ => None,
        }
    })
}

/// An array index token: decimal digits, without a leading `+` or `0` (RFC 6901).
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// The refusal for a `$ref` to a document that is nowhere to be found. Not a broken
/// schema: inside an `anyOf` branch or an optional property, that part is left out.
fn unavailable(ref_pointer: &str, reference: &str, resource: &str) -> Problem {
    Problem::unavailable(
        ref_pointer,
        format!("$ref {reference:?} at {ref_pointer} needs {resource}, which is neither in this schema, a file beside it (by $id or file name) nor a bundled metaschema"),
    )
    .hint("synthtune does not fetch schemas over the network: save that document beside the schema (under its file name, or with its $id)")
}

/// Whether a document is written in draft-04, -06 or -07 (by its `$schema`).
fn is_legacy(value: &Value) -> bool {
    value
        .get("$schema")
        .and_then(Value::as_str)
        .is_some_and(|s| {
            ["draft-04/", "draft-06/", "draft-07/"]
                .iter()
                .any(|d| s.contains(d))
        })
}

/// The `.json` files of a folder by their root `$id` (fragment removed).
fn index_folder(dir: &Path) -> HashMap<String, PathBuf> {
    let mut index = HashMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return index;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(value) = read_json(&path) else {
            continue;
        };
        if let Some(id) = value.get("$id").and_then(Value::as_str) {
            index.entry(strip_fragment(id).to_owned()).or_insert(path);
        }
    }
    index
}

/// Every `$ref` below `value` that names another resource, as an absolute URI
/// (resolved against the `$id`s in force where it stands).
fn collect_refs(value: &Value, base: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let base = match map.get("$id").and_then(Value::as_str) {
                Some(id) => join_uri(base, id),
                None => base.to_owned(),
            };
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref" | "$dynamicRef" | "$recursiveRef", Value::String(r)) => {
                        if !r.starts_with('#') {
                            out.push(join_uri(&base, r));
                        }
                    }
                    ("enum" | "const" | "examples" | "default", _) => {}
                    _ => collect_refs(v, &base, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, base, out)),
        _ => {}
    }
}

/// Records every `$id`, `$anchor` and `$dynamicAnchor` of one document.
struct Index<'a> {
    doc: usize,
    /// The URI the document was loaded under, for messages.
    uri: &'a str,
    /// The document's own `$schema`, when it is a string.
    dialect: Option<&'a str>,
    other_dialect: &'a mut Option<Problem>,
    duplicate_anchor: &'a mut Option<Problem>,
    /// A draft-04/06/07 document: there, `$ref` makes its siblings (`$id` too) ignored.
    legacy: bool,
    resources: &'a mut HashMap<String, (usize, String)>,
    anchors: &'a mut HashMap<String, (usize, String)>,
    dynamic_anchors: &'a mut HashMap<String, (usize, String)>,
    bases: &'a mut HashMap<(usize, String), String>,
}

impl Index<'_> {
    fn walk(&mut self, value: &Value, base: &str, pointer: &str, is_root: bool) {
        match value {
            Value::Object(map) => {
                if let (false, None, Some(Value::String(named))) =
                    (is_root, &self.other_dialect, map.get("$schema"))
                {
                    *self.other_dialect = self.dialect_refusal(named, pointer);
                }
                let mut base = base.to_owned();
                let id = map
                    .get("$id")
                    .filter(|_| !(self.legacy && map.contains_key("$ref")))
                    .and_then(Value::as_str);
                if let Some(id) = id {
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
                        let first = self
                            .anchors
                            .entry(format!("{base}#{anchor}"))
                            .or_insert((self.doc, pointer.to_owned()));
                        if key == "$anchor"
                            && *first != (self.doc, pointer.to_owned())
                            && self.duplicate_anchor.is_none()
                        {
                            *self.duplicate_anchor =
                                Some(duplicate_anchor(anchor, &first.1, pointer));
                        }
                        if key == "$dynamicAnchor" {
                            self.dynamic_anchors
                                .entry(format!("{base}#{anchor}"))
                                .or_insert((self.doc, pointer.to_owned()));
                        }
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

/// Two schema objects of one resource that take the same `$anchor`: a `$ref` to it
/// could mean either (validators differ on which, so records could be valid to one
/// and not the other).
fn duplicate_anchor(anchor: &str, first: &str, again: &str) -> Problem {
    let first = if first.is_empty() { "(root)" } else { first };
    Problem::invalid(
        format!("{again}/$anchor"),
        format!("the anchor {anchor:?} is defined twice in one resource, here and at {first}: a $ref to #{anchor} could mean either"),
    )
    .hint("rename one of them (or give one an $id of its own, which makes it a resource apart)")
}

impl Index<'_> {
    /// Why a `$schema` below a document's root (at `pointer`) cannot be read as
    /// written, if it cannot: it must name the document's own dialect. (Only a string is
    /// taken for one: elsewhere `$schema` may be a property's name.)
    fn dialect_refusal(&self, named: &str, pointer: &str) -> Option<Problem> {
        let document = self.dialect.unwrap_or(DEFAULT_DIALECT);
        let here = bundled::dialect(named);
        let same = match (here, bundled::dialect(document)) {
            (Some(here), Some(there)) => std::ptr::eq(here, there),
            // A custom metaschema: the same one, or the document's is unknown too (and
            // refused at its root).
            _ => strip_fragment(named) == strip_fragment(document),
        };
        let at = child_pointer(pointer, "$schema");
        let of = in_document(self.doc, self.uri);
        if same {
            None
        } else if here.is_none() {
            Some(unknown_dialect(at, named, &of))
        } else {
            Some(
                Problem::invalid(
                    at,
                    format!("$schema {named:?}{of} names another dialect than its document's: synthtune reads a whole document in one dialect, validators would read this part in another"),
                )
                .hint("move this subschema to a file of its own (with this $schema) and $ref it, or remove this $schema"),
            )
        }
    }
}

/// A `$schema` (at `at`, in the document `of` names) that names no known dialect.
fn unknown_dialect(at: String, named: &str, of: &str) -> Problem {
    Problem::invalid(
        at,
        format!("$schema {named:?}{of} names no dialect synthtune knows"),
    )
    .hint(DIALECTS_HINT)
}

/// How a message names a document other than the root (the pointer says where in it).
fn in_document(doc: usize, uri: &str) -> String {
    if doc == 0 {
        String::new()
    } else {
        format!(" (in {uri})")
    }
}

/// How to name a dialect synthtune knows.
const DIALECTS_HINT: &str = "name one of http://json-schema.org/draft-04/schema#, http://json-schema.org/draft-06/schema#, http://json-schema.org/draft-07/schema#, https://json-schema.org/draft/2019-09/schema or https://json-schema.org/draft/2020-12/schema, or leave $schema out (2020-12); a custom metaschema must be a file beside the schema (under its file name, or with its $id)";

fn read_json(path: &Path) -> Result<Value, Error> {
    let text = super::limits::read_text(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON.
    let json = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(json).map_err(|e| Error::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: json_message(&e),
    })
}

/// serde_json's message, without the position (the error carries it) and with the
/// nesting limit spelled out.
fn json_message(e: &serde_json::Error) -> String {
    let message = strip_position(&e.to_string());
    if message == "recursion limit exceeded" {
        return format!(
            "nested deeper than {} levels of arrays and objects, synthtune's limit (fix: move the nested parts into $defs and refer to them with $ref)",
            super::limits::MAX_JSON_DEPTH
        );
    }
    message
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

/// Percent-encodes what a URI fragment cannot hold.
pub fn encode_fragment(pointer: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const FRAGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'%')
        .add(b'#')
        .add(b'{')
        .add(b'}')
        .add(b'|')
        .add(b'\\')
        .add(b'^')
        .add(b'[')
        .add(b']');
    utf8_percent_encode(pointer, FRAGMENT).to_string()
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

/// `pointer` with one more reference token, escaped as RFC 6901 says (`~` as `~0`,
/// `/` as `~1`). Sized once: compiling a large schema builds one per keyword.
pub fn child_pointer(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if !token.contains(['~', '/']) {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_pointers_as_serde_json_does() {
        let doc = json!({
            "a": {"b/c": [10, {"d~e": true}], "": 1, "~1": 2},
            "items": [0, 1, 2],
            "0": "key",
        });
        for pointer in [
            "",
            "/",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1/d~0e",
            "/a/~01",
            "/a/~1",
            "/items/2",
            "/items/3",
            "/items/02",
            "/items/+1",
            "/items/-1",
            "/0",
            "a",
            "/a/b~1c/1/d~0e/x",
            "/a/b/c",
            "/items/",
        ] {
            assert_eq!(
                resolve_pointer(&doc, pointer),
                doc.pointer(pointer),
                "{pointer:?}"
            );
        }
    }

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

    /// Plain references are followed to their end; a reference beside an assertion or
    /// an `$id`, and a cycle, stop the walk.
    #[test]
    fn plain_references_are_followed() {
        let mut docs = Documents::from_value(
            json!({
                "$defs": {
                    "a": {"$ref": "#/$defs/b", "description": "an alias"},
                    "b": {"$ref": "#/$defs/c", "x-synth": {"null_rate": 0.1}},
                    "c": {"type": "integer"},
                    "asserting": {"$ref": "#/$defs/c", "minimum": 3},
                    "scoped": {"$id": "other", "$ref": "#/$defs/c"},
                    "loop": {"$ref": "#/$defs/loop"}
                }
            }),
            None,
        );
        let root = docs.root();
        let at = |name: &str| root.child(&["$defs", name]);
        let end = |docs: &mut Documents, name: &str| docs.through_plain_refs(at(name)).pointer;
        assert_eq!(end(&mut docs, "a"), "/$defs/c");
        assert_eq!(end(&mut docs, "c"), "/$defs/c");
        assert_eq!(end(&mut docs, "asserting"), "/$defs/asserting");
        assert_eq!(end(&mut docs, "scoped"), "/$defs/scoped");
        assert_eq!(end(&mut docs, "loop"), "/$defs/loop");
    }
}
