//! `unique`, `key: "primary"`, `sequence` and `references`: the knobs that make a field
//! a key.

use super::compile::Compiler;
use super::document::Loc;
use super::facts::Facts;
use crate::error::Problem;
use crate::generate::Node;
use crate::generate::reference::{Fanout, ReferenceGen, ReferenceSlot};
use crate::generate::string::StringGen;
use crate::generate::unique::{UniqueGen, UniqueKind};
use crate::rng::hash_str;

impl Compiler {
    /// Whether the facts ask for values that never repeat.
    pub(super) fn wants_unique(f: &Facts) -> bool {
        f.knobs.unique.is_some() || f.knobs.key.as_deref() == Some("primary")
    }

    /// Makes `own` (the field's generator) a foreign key: a slot that the dataset links
    /// to the parent table (`crate::dataset`), with the field's own schema kept to judge
    /// the parent's values and to generate while unlinked.
    pub(super) fn reference(
        &mut self,
        own: Node,
        (target, pointer): (String, String),
        fanout: Option<(Fanout, String)>,
        locs: &[Loc],
    ) -> Result<Node, Problem> {
        let accepts = self.validator(locs)?;
        let mut types = Vec::new();
        own.type_names(&mut types);
        let nullable = types.contains(&"null");
        let null_rate = match &own {
            Node::Union(u) => u.null_rate().unwrap_or(0.0),
            _ => 0.0,
        };
        let (fanout, fanout_pointer) = match fanout {
            Some((f, at)) => (f, Some(at)),
            None => (Fanout::default(), None),
        };
        let slot = match self.references.iter().position(|r| r.pointer == pointer) {
            Some(slot) => slot,
            None => {
                self.references.push(ReferenceSlot {
                    target,
                    pointer,
                    fanout,
                    fanout_pointer,
                    accepts,
                    nullable,
                    link: None,
                });
                self.references.len() - 1
            }
        };
        Ok(Node::Reference(ReferenceGen {
            slot,
            own: Box::new(own),
            null_rate,
        }))
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
            Node::String(StringGen::Pattern(p)) if p.distinct().is_some() => {
                let capacity = p.distinct().unwrap_or(0);
                (UniqueKind::Pattern(Box::new(p)), capacity)
            }
            other => {
                return Err(Problem::invalid(at, format!("unique is not supported for {} values", other.describe()))
                    .hint("unique works on integers, enums and values lists, free text, domains, emails, uuids and patterns of one fixed shape such as ^C-[0-9]{6}$"));
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
