//! Validation with the `jsonschema` crate: the registry of every loaded document, the
//! validators of checked generators (regenerate until valid) and of the root schema as
//! written (`Table::validator`).

use serde_json::{Value, json};

use super::compile::Compiler;
use super::document::{Documents, Loc};
use crate::error::Problem;
use crate::generate::{CheckedGen, Node};

/// How many attempts a checked generator gets per value.
const CHECK_ATTEMPTS: u32 = 200;

impl Compiler {
    /// Wraps `node` so that each value is validated against `locs` and regenerated until
    /// it passes.
    pub fn checked(&mut self, node: Node, locs: &[Loc]) -> Result<Node, Problem> {
        if let Node::Checked(_) = node {
            return Ok(node);
        }
        let validator = self.validator(locs)?;
        let pointer = locs.first().map(|l| l.pointer.clone()).unwrap_or_default();
        Ok(Node::Checked(Box::new(CheckedGen::new(
            node,
            validator,
            CHECK_ATTEMPTS,
            pointer,
        ))))
    }

    /// A validator for the conjunction of `locs`, with formats asserted.
    pub fn validator(&mut self, locs: &[Loc]) -> Result<jsonschema::Validator, Problem> {
        let refs: Vec<Value> = locs
            .iter()
            .map(|l| json!({ "$ref": format!("{}#{}", self.docs.docs[l.doc].uri, encode_fragment(&l.pointer)) }))
            .collect();
        let schema = if refs.len() == 1 {
            refs.into_iter().next().expect("one ref")
        } else {
            json!({ "allOf": refs })
        };
        let registry = self.registry()?;
        jsonschema::options()
            .with_registry(registry)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| {
                let at = locs.first().map(|l| l.pointer.clone()).unwrap_or_default();
                Problem::new(at, format!("not a valid schema: {e}"))
            })
    }

    /// Every loaded document, prepared for validators (built again when documents were
    /// loaded since).
    fn registry(&mut self) -> Result<&jsonschema::Registry<'static>, Problem> {
        if self
            .registry
            .as_ref()
            .is_none_or(|(n, _)| *n != self.docs.docs.len())
        {
            self.registry = Some((self.docs.docs.len(), prepare_registry(&self.docs)?));
        }
        let (_, registry) = self.registry.as_ref().expect("registry was just built");
        Ok(registry)
    }
}

/// A validator for the root document as written (so that its errors carry the
/// document's own pointers), references to the other documents resolved, formats
/// asserted: what `Table::validator` gives export's `--validate`.
pub fn root_validator(docs: &Documents) -> Result<jsonschema::Validator, Problem> {
    let root = &docs.docs[0];
    jsonschema::options()
        .with_registry(&prepare_registry(docs)?)
        .with_base_uri(root.uri.clone())
        .should_validate_formats(true)
        .build(&root.value)
        .map_err(|e| Problem::new("", format!("not a valid schema: {e}")))
}

/// Every document of `docs`, prepared for validators.
fn prepare_registry(docs: &Documents) -> Result<jsonschema::Registry<'static>, Problem> {
    let resources: Vec<(String, Value)> = docs
        .docs
        .iter()
        .map(|d| (d.uri.clone(), d.value.clone()))
        .collect();
    jsonschema::Registry::new()
        .extend(resources)
        .and_then(|b| b.prepare())
        .map_err(|e| {
            Problem::new(
                "",
                format!("the schema cannot be prepared for validation: {e}"),
            )
        })
}

/// Percent-encodes what a URI fragment cannot hold.
fn encode_fragment(pointer: &str) -> String {
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
