//! Refusing references that apply a schema to the very value it is describing.
//!
//! `{"not": {"$ref": "#"}}` at the root says what the root is in terms of itself, on the
//! same value: there is no base case. Validators loop on it or cut it off somewhere of
//! their own choosing, so no generated value can be promised valid. Recursion is a
//! reference back that passes through a property's or an item's value first: each turn
//! then describes a smaller part of the value, and it ends.
//!
//! Before compiling, every subschema reachable from the root is walked once. Schemas are
//! linked by the keywords that apply to the same value (`allOf`, `anyOf`, `oneOf`, `not`,
//! `if`/`then`/`else`, `dependentSchemas`, and the references), and a cycle of those links
//! is refused at the reference that closes it. `$dynamicRef` and `$recursiveRef` are
//! followed to their static target here; compiling also refuses a loop through the
//! dynamic scope (collect.rs), which this walk does not see.

use foldhash::{HashMap, HashMapExt};
use serde_json::Value;

use super::document::{Documents, Loc, child_pointer};
use crate::error::Problem;

/// Where a walk over one value's schemas stands in a subschema.
enum Visit {
    /// On the walk's current path: a link back to it is a loop.
    OnPath,
    Done,
}

/// A link from a subschema to one that applies to the same value.
struct Link {
    to: Loc,
    /// The pointer of the reference keyword, for a link that is a reference.
    reference: Option<String>,
}

/// One subschema on the walk's path, with the links still to follow.
struct Frame {
    key: (usize, String),
    links: std::vec::IntoIter<Link>,
    /// The reference that led here, if a reference did.
    reference: Option<String>,
}

/// Refuses the first reference found that leads back to a schema on the same value.
pub fn refuse_loops(docs: &mut Documents) -> Result<(), Problem> {
    let mut visits: HashMap<(usize, String), Visit> = HashMap::new();
    // The schemas of properties' and items' values, each the start of a walk of its own.
    let mut values = vec![docs.root()];
    while let Some(start) = values.pop() {
        let start = docs.enter(start);
        if visits.contains_key(&key(&start)) {
            continue;
        }
        let mut path = vec![enter(docs, start, None, &mut visits, &mut values)];
        while let Some(frame) = path.last_mut() {
            let Some(link) = frame.links.next() else {
                let done = path.pop().expect("a frame");
                visits.insert(done.key, Visit::Done);
                continue;
            };
            let to = docs.enter(link.to);
            match visits.get(&key(&to)) {
                Some(Visit::Done) => {}
                Some(Visit::OnPath) => return Err(loop_problem(docs, &path, link.reference, &to)),
                None => {
                    let frame = enter(docs, to, link.reference, &mut visits, &mut values);
                    path.push(frame);
                }
            }
        }
    }
    Ok(())
}

fn key(loc: &Loc) -> (usize, String) {
    (loc.doc, loc.pointer.clone())
}

/// Marks `loc` as on the path and lists its links; the schemas of values below it are
/// queued as starts of their own.
fn enter(
    docs: &mut Documents,
    loc: Loc,
    reference: Option<String>,
    visits: &mut HashMap<(usize, String), Visit>,
    values: &mut Vec<Loc>,
) -> Frame {
    visits.insert(key(&loc), Visit::OnPath);
    let links = links(docs, &loc, values);
    Frame {
        key: key(&loc),
        links: links.into_iter(),
        reference,
    }
}

/// The subschemas that apply to the same value as the one at `loc`.
fn links(docs: &mut Documents, loc: &Loc, values: &mut Vec<Loc>) -> Vec<Link> {
    let doc = docs.value(loc.doc);
    let Some(Value::Object(map)) = super::document::resolve_pointer(&doc, &loc.pointer) else {
        return Vec::new();
    };
    let mut links = Vec::new();
    let mut same = |tokens: &[&str]| {
        links.push(Link {
            to: loc.child(tokens),
            reference: None,
        })
    };
    for (keyword, value) in map {
        let k = keyword.as_str();
        match (k, value) {
            ("allOf" | "anyOf" | "oneOf", Value::Array(branches)) => {
                for i in 0..branches.len() {
                    same(&[k, &i.to_string()]);
                }
            }
            ("not" | "if" | "then" | "else", _) => same(&[k]),
            ("dependentSchemas" | "dependencies", Value::Object(entries)) => {
                // A `dependencies` entry that is a list of names is dependentRequired.
                for (name, entry) in entries {
                    if !entry.is_array() {
                        same(&[k, name]);
                    }
                }
            }
            ("items" | "prefixItems", Value::Array(items)) => {
                values.extend((0..items.len()).map(|i| loc.child(&[k, &i.to_string()])));
            }
            ("properties" | "patternProperties", Value::Object(entries)) => {
                values.extend(entries.keys().map(|name| loc.child(&[k, name])));
            }
            (
                "items"
                | "additionalItems"
                | "contains"
                | "additionalProperties"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties",
                _,
            ) => values.push(loc.child(&[k])),
            _ => {}
        }
    }
    for keyword in ["$ref", "$dynamicRef", "$recursiveRef"] {
        let Some(reference) = map.get(keyword).and_then(Value::as_str) else {
            continue;
        };
        // One that leads nowhere is refused by compiling, with its reason.
        if let Ok(to) = docs.resolve(loc, reference) {
            links.push(Link {
                to,
                reference: Some(child_pointer(&loc.pointer, keyword)),
            });
        }
    }
    links
}

/// The refusal of a link from the top of `path` back to `to`, which is on the path: at
/// the last reference of the loop.
fn loop_problem(docs: &Documents, path: &[Frame], closing: Option<String>, to: &Loc) -> Problem {
    let back = path
        .iter()
        .rposition(|f| f.key == key(to))
        .expect("the target is on the path");
    let at = closing
        .or_else(|| {
            path[back + 1..]
                .iter()
                .rev()
                .find_map(|f| f.reference.clone())
        })
        .unwrap_or_else(|| to.pointer.clone());
    refusal(docs, at, to)
}

/// The refusal of the reference at `at`, which leads back to `to` on the same value.
pub(super) fn refusal(docs: &Documents, at: String, to: &Loc) -> Problem {
    let target = if to.doc == 0 {
        format!("#{}", to.pointer)
    } else {
        docs.uri_of(to)
    };
    Problem::invalid(
        at,
        format!("this reference leads back to {target} on the same value, through no property or item: it never reaches a base case"),
    )
    .hint("put the reference under properties or items (recursion), or remove it")
}
