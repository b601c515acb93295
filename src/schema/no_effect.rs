//! Knobs written where they cannot act: each becomes a `check` note (and so a tuner
//! warning), never silently dropped.
//!
//! Judged once per compiled location, on the node built there: a knob reaches the
//! alternatives below it, so only the location that states it can tell whether it had
//! an effect.

use super::compile::Compiler;
use super::knobs::Knobs;
use crate::error::Severity;
use crate::generate::unique::UniqueKind;
use crate::generate::{Node, StringGen};

impl Compiler {
    /// Notes every knob of `knobs` that has no effect on `node`, the field they are
    /// written on.
    pub(super) fn note_knobs_without_effect(&mut self, knobs: &Knobs, node: &Node) {
        if knobs.null_rate.is_none()
            && knobs.weights.is_none()
            && knobs.domain.is_none()
            && knobs.locale.is_none()
            && knobs.distribution.is_none()
            && knobs.sequence.is_none()
            && knobs.range_at.is_none()
        {
            return;
        }
        let mut types = Vec::new();
        node.type_names(&mut types);
        let kind = strip(node);
        if let (Some(_), Some(at)) = (knobs.null_rate, &knobs.null_rate_at)
            && !types.contains(&"null")
        {
            self.note(
                Severity::Ignored,
                at.clone(),
                "null_rate has no effect: this field is never null (allow null to use it: \"type\": [..., \"null\"], or an anyOf branch {\"type\": \"null\"})",
            );
        }
        if let Some((_, at)) = &knobs.weights
            && matches!(
                kind,
                Node::Integer(_)
                    | Node::Number(_)
                    | Node::String(_)
                    | Node::Object(_)
                    | Node::Array(_)
            )
        {
            self.note(
                Severity::Ignored,
                at.clone(),
                format!(
                    "weights has no effect on {}: weights choose among enum values, anyOf/oneOf branches and booleans (use distribution for numbers)",
                    a_value_of(&types)
                ),
            );
        }
        if let Some((name, at)) = &knobs.domain
            && !types.contains(&"string")
        {
            self.note(
                Severity::Ignored,
                at.clone(),
                format!(
                    "domain {name:?} has no effect on {}: domains generate strings",
                    a_value_of(&types)
                ),
            );
        }
        if let Some((_, at)) = &knobs.distribution
            && matches!(
                kind,
                Node::Bool(_) | Node::Object(_) | Node::Array(_) | Node::Null | Node::Const(_)
            ) | matches!(kind, Node::String(s) if !matches!(s, StringGen::Temporal(_)))
        {
            self.note(
                Severity::Ignored,
                at.clone(),
                format!(
                    "distribution has no effect on {}: distributions shape integers, numbers and dates (use length for the length of strings and arrays)",
                    a_value_of(&types)
                ),
            );
        }
        if let Some(at) = &knobs.range_at
            && !matches!(kind, Node::String(StringGen::Temporal(_)))
        {
            self.note(
                Severity::Ignored,
                at.clone(),
                format!(
                    "range has no effect on {}: range bounds dates, date-times and times (use minimum and maximum for numbers)",
                    a_value_of(&types)
                ),
            );
        }
        if let Some((_, at)) = &knobs.sequence
            && !types.iter().all(|t| matches!(*t, "integer" | "null"))
        {
            self.note(
                Severity::Ignored,
                at.clone(),
                format!(
                    "sequence has no effect on {}: a sequence numbers integers (use unique for distinct strings)",
                    a_value_of(&types)
                ),
            );
        }
        if let (Some(_), Some(at)) = (&knobs.locale, &knobs.locale_at) {
            if matches!(kind, Node::Object(_) | Node::Array(_)) {
                if !has_domain_below(node) {
                    self.note(
                        Severity::Ignored,
                        at.clone(),
                        "locale has no effect: it applies to the fields inside with a domain (given, or guessed from their names), and none here has one",
                    );
                }
            } else if knobs.domain.is_none()
                && !matches!(
                    kind,
                    Node::String(crate::generate::string::StringGen::Domain { .. })
                )
            {
                // (A domain guessed from the field's name takes the locale too.)
                self.note(
                    Severity::Ignored,
                    at.clone(),
                    "locale has no effect without a domain: it picks the language of a domain's values (add \"domain\": \"name\", for instance)",
                );
            }
        }
    }
}

impl Compiler {
    /// Remembers the knobs written at `knobs`' location that only a property can act on
    /// (`absent_rate`, `after`, `before`, `when`), until a property reads them.
    pub(super) fn saw_property_knobs(&mut self, knobs: &Knobs) {
        for (name, at) in property_knobs(knobs) {
            self.property_knobs
                .entry(at.to_owned())
                .or_insert((name, false));
        }
    }

    /// Marks the property knobs of a property's `knobs` as read there.
    pub(super) fn read_property_knobs(&mut self, knobs: &Knobs) {
        for (name, at) in property_knobs(knobs) {
            self.property_knobs.insert(at.to_owned(), (name, true));
        }
    }

    /// Notes every property knob that no property read: one on the record itself, on an
    /// array's elements, or on a branch. Called once the whole schema is compiled, as
    /// only then is it known that no path reads it.
    pub(super) fn note_unread_property_knobs(&mut self) {
        let unread: Vec<(String, &'static str)> = std::mem::take(&mut self.property_knobs)
            .into_iter()
            .filter(|(_, (_, read))| !read)
            .map(|(at, (name, _))| (at, name))
            .collect();
        for (at, name) in unread {
            let message = if name == "absent_rate" {
                "absent_rate has no effect here: only an optional property can be left out of its object, not the record itself, an array's element or a branch (set it on the property)".to_owned()
            } else if name == "entity" {
                "entity has no effect here: it groups properties of one object into a person or a place, not the record itself, an array's element or a branch (set it on the property)".to_owned()
            } else {
                format!(
                    "{name} has no effect here: a rule ties a property to its siblings in one object, not the record itself, an array's element or a branch (set it on the property)"
                )
            };
            self.note(Severity::Ignored, at, message);
        }
    }
}

/// The knobs of `knobs` that only a property acts on, by name, with where each is written.
fn property_knobs(knobs: &Knobs) -> impl Iterator<Item = (&'static str, &str)> {
    let absent = knobs
        .absent_rate_at
        .as_deref()
        .map(|at| ("absent_rate", at));
    let order = knobs.order.as_ref().map(|o| {
        let name = match o.direction {
            crate::generate::rule::Direction::After => "after",
            crate::generate::rule::Direction::Before => "before",
        };
        (name, o.at.as_str())
    });
    let when = knobs.when.as_ref().map(|w| ("when", w.at.as_str()));
    let derive = knobs.derive.as_ref().map(|d| ("derive", d.at.as_str()));
    let entity = knobs.entity.as_ref().map(|(_, at)| ("entity", at.as_str()));
    absent
        .into_iter()
        .chain(order)
        .chain(when)
        .chain(derive)
        .chain(entity)
}

/// The generator that decides what a field's values are, wrappers removed.
fn strip(node: &Node) -> &Node {
    match node {
        Node::Checked(c) => strip(c.inner()),
        Node::Noisy(n) => strip(&n.inner),
        Node::Reference(r) => strip(&r.own),
        Node::Ruled(r) => strip(&r.own),
        Node::Unique(u) => match &u.kind {
            UniqueKind::Natural(n) => strip(n),
            _ => node,
        },
        _ => node,
    }
}

/// "an integer", "a string|null".
fn a_value_of(types: &[&str]) -> String {
    let names = types.join("|");
    let article = if names.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {names}")
}

/// Whether a string below `node` draws from a domain (and so takes a locale from around).
fn has_domain_below(node: &Node) -> bool {
    let mut found = false;
    crate::generate::fields::visit(node, &mut |n| {
        found |= matches!(
            n,
            Node::String(crate::generate::string::StringGen::Domain { .. })
        );
    });
    found
}
