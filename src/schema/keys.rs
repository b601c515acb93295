//! `unique`, `key: "primary"`, `sequence` and `references`: the knobs that make a field
//! a key.

use super::compile::Compiler;
use super::facts::Facts;
use crate::error::{Problem, Severity};
use crate::generate::Node;
use crate::generate::string::StringGen;
use crate::generate::unique::{UniqueGen, UniqueKind};
use crate::rng::hash_str;

impl Compiler {
    /// Whether the facts ask for values that never repeat.
    pub(super) fn wants_unique(f: &Facts) -> bool {
        f.knobs.unique.is_some() || f.knobs.key.as_deref() == Some("primary")
    }

    /// Notes the knobs that are recognised but not acted on yet.
    pub(super) fn note_key_knobs(&mut self, f: &Facts) {
        if let Some((target, at)) = &f.knobs.references {
            self.note(Severity::Note, at.clone(), format!("foreign key to {target} is not followed yet (multi-table datasets come later): values come from this field's own schema"));
        }
    }

    /// Makes `node` unique across the dataset, or says why it cannot be.
    pub(super) fn make_unique(&mut self, f: &Facts, node: Node) -> Result<Node, Problem> {
        let pointer = f.pointer();
        let at = f.knobs.unique.clone().unwrap_or_else(|| pointer.clone());
        let (kind, capacity) = match node {
            Node::Integer(g) if g.sequence.is_some() => {
                let seq = g.sequence.expect("checked");
                let span = if seq.step > 0 {
                    (g.hi - seq.start) / seq.step
                } else {
                    (seq.start - g.lo) / -seq.step
                };
                let capacity = u64::try_from(span + 1).unwrap_or(0);
                (UniqueKind::Natural(Box::new(Node::Integer(g))), capacity)
            }
            Node::Integer(g) => {
                let capacity = ((g.hi - g.lo) / g.step) as u64 + 1;
                (
                    UniqueKind::Integer {
                        lo: g.lo,
                        step: g.step,
                    },
                    capacity,
                )
            }
            Node::Const(v) => (UniqueKind::Listed(vec![v]), 1),
            Node::Enum(e) => {
                let values = e.values().to_vec();
                let n = values.len() as u64;
                (UniqueKind::Listed(values), n)
            }
            Node::String(StringGen::Format(fmt)) if fmt.name() == "uuid" => (
                UniqueKind::Natural(Box::new(Node::String(StringGen::Format(fmt)))),
                u64::MAX,
            ),
            Node::String(inner @ (StringGen::Text(_) | StringGen::Domain { .. })) => {
                let max = f
                    .max_length
                    .as_ref()
                    .map_or(usize::MAX, |m| m.value as usize);
                if max < 8 {
                    return Err(Problem::new(
                        at,
                        format!(
                            "a unique string needs room for a row token, but maxLength is {max}"
                        ),
                    )
                    .hint("raise maxLength to 8 or more"));
                }
                (UniqueKind::Tagged { inner, max }, u64::MAX)
            }
            Node::String(StringGen::Format(fmt)) if fmt.name() == "email" => {
                let max = f
                    .max_length
                    .as_ref()
                    .map_or(usize::MAX, |m| m.value as usize);
                (
                    UniqueKind::Tagged {
                        inner: StringGen::Format(fmt),
                        max,
                    },
                    u64::MAX,
                )
            }
            other => {
                return Err(Problem::invalid(at, format!("unique is not supported for {} values", other.describe()))
                    .hint("unique works on integers, enums and values lists, free text, domains, emails and uuids"));
            }
        };
        Ok(Node::Unique(Box::new(UniqueGen {
            kind,
            capacity,
            salt: hash_str(&pointer),
            pointer,
            primary_key: f.knobs.key.as_deref() == Some("primary"),
        })))
    }
}
