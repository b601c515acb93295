//! The list of field paths a plan produces (`customer_id`, `address.city`,
//! `items[].unit_price`, `tags[]`), with their configured rates, for statistics and
//! the tuner.

use super::{Node, Plan};
use crate::table::{Configured, FieldInfo};

/// Every field of the plan, in schema order.
pub fn collect(plan: &Plan, root: &Node, out: &mut Vec<FieldInfo>) {
    let mut pairs = Pairs::default();
    children(plan, root, "", &mut pairs);
    out.extend(pairs.fields.into_iter().map(|(info, _)| info));
}

/// Every cross-field rule of the plan, in schema order.
pub fn collect_rules(plan: &Plan, root: &Node, out: &mut Vec<super::rule::RuleInfo>) {
    let mut pairs = Pairs::default();
    children(plan, root, "", &mut pairs);
    out.extend(pairs.rules);
}

/// The generator of each field, index-aligned with [`collect`].
pub fn collect_nodes<'p>(plan: &'p Plan, root: &'p Node, out: &mut Vec<&'p Node>) {
    let mut pairs = Pairs::default();
    children(plan, root, "", &mut pairs);
    out.extend(pairs.fields.into_iter().map(|(_, node)| node));
}

/// The fields found so far, in order, and their paths (a path met again, in another
/// branch, is the same field: found in constant time, as real schemas have thousands).
#[derive(Default)]
struct Pairs<'p> {
    fields: Vec<(FieldInfo, &'p Node)>,
    paths: foldhash::HashSet<String>,
    /// The shared nodes whose fields were listed under a path: met again there (a
    /// definition under every branch of a union), they add nothing new.
    listed: foldhash::HashSet<(*const (), String)>,
    /// The rules met on the way, each where its object is.
    rules: Vec<super::rule::RuleInfo>,
}

fn record<'p>(
    plan: &'p Plan,
    node: &'p Node,
    path: String,
    pointer: &str,
    absent_rate: Option<f64>,
    out: &mut Pairs<'p>,
) {
    if out.paths.insert(path.clone()) {
        let mut types = Vec::new();
        node.type_names(&mut types);
        out.fields.push((
            FieldInfo {
                path: path.clone(),
                type_name: types.join("|"),
                generator: describe(plan, node),
                null_rate: null_rate(node),
                absent_rate,
                pointer: pointer.to_owned(),
                references: references(plan, node),
                configured: configured(plan, node),
            },
            node,
        ));
    }
    children(plan, node, &path, out);
}

/// The parent rows of a linked foreign key.
fn references(plan: &Plan, node: &Node) -> Option<crate::table::ParentRows> {
    let Node::Reference(g) = node else {
        return None;
    };
    let link = plan.references[g.slot].link.as_ref()?;
    Some(crate::table::ParentRows {
        table: link.table.clone(),
        field: link.field.clone(),
        rows: link.rows,
    })
}

/// What generates `node`; a foreign key says where its values come from.
fn describe(plan: &Plan, node: &Node) -> String {
    match node {
        Node::Reference(g) => plan.references[g.slot].describe(&g.own),
        _ => node.describe(),
    }
}

/// The law a field's generator was configured with: of its non-null values, for a
/// nullable one. A checked generator's values are filtered by validation, so its law
/// is not the configured one and none is given.
fn configured(plan: &Plan, node: &Node) -> Option<Configured> {
    match node {
        Node::Enum(g) => Some(Configured::Values(
            g.values().iter().cloned().zip(g.shares()).collect(),
        )),
        Node::Bool(g) => Some(Configured::Values(vec![
            (true.into(), g.p_true),
            (false.into(), 1.0 - g.p_true),
        ])),
        Node::Integer(g) => g.law().map(Configured::Numbers),
        Node::Number(g) => Some(Configured::Numbers(g.law())),
        Node::String(super::StringGen::Temporal(t)) => Some(Configured::Numbers(t.law())),
        Node::String(super::StringGen::Text(t)) => Some(Configured::Numbers(t.length_law())),
        Node::Array(a) => a.length_law().map(Configured::Numbers),
        Node::Union(u) => {
            let shares = u.shares();
            let null = u.null_rate().unwrap_or(0.0);
            let others: Vec<(&Node, f64)> = u
                .branches()
                .iter()
                .zip(shares)
                .filter(|(b, _)| !matches!(b, Node::Null))
                .collect();
            if let [(only, _)] = others.as_slice() {
                return configured(plan, only);
            }
            if null >= 1.0 {
                return None;
            }
            let mut types: Vec<(&'static str, f64)> = Vec::new();
            for (branch, share) in others {
                let mut names = Vec::new();
                branch.type_names(&mut names);
                let [name] = names.as_slice() else {
                    return None;
                };
                let share = share / (1.0 - null);
                match types.iter_mut().find(|(t, _)| t == name) {
                    Some((_, total)) => *total += share,
                    None => types.push((name, share)),
                }
            }
            (types.len() > 1).then_some(Configured::Types(types))
        }
        Node::Reference(g) if plan.references[g.slot].link.is_none() => configured(plan, &g.own),
        _ => None,
    }
}

fn null_rate(node: &Node) -> Option<f64> {
    match node {
        Node::Reference(g) => null_rate(&g.own),
        Node::Union(u) => u.null_rate(),
        Node::Checked(c) => null_rate(c.inner()),
        // Null where its condition fails: no rate was asked for.
        Node::Ruled(r) if r.when.is_some() => None,
        Node::Ruled(r) => null_rate(&r.own),
        _ => None,
    }
}

/// Records the fields below `node`, whose own path is `path`.
fn children<'p>(plan: &'p Plan, node: &'p Node, path: &str, out: &mut Pairs<'p>) {
    if let Some(at) = node.shared_address()
        && !out.listed.insert((at, path.to_owned()))
    {
        return;
    }
    match node {
        Node::Object(obj) => {
            for p in obj.properties() {
                let child = if path.is_empty() {
                    p.name.clone()
                } else {
                    [path, ".", &p.name].concat()
                };
                let absent = (!p.required).then_some(p.absent_rate);
                if let Node::Ruled(rule) = &p.node
                    && !out.paths.contains(&child)
                {
                    for check in rule.checks(plan, obj) {
                        out.rules.push(super::rule::RuleInfo {
                            path: child.clone(),
                            object: path.to_owned(),
                            field: p.name.clone(),
                            label: rule.label.clone(),
                            check,
                        });
                    }
                }
                record(plan, &p.node, child, &p.pointer, absent, out);
            }
        }
        Node::Array(arr) => {
            let element = [path, "[]"].concat();
            for node in arr
                .prefix
                .iter()
                .chain(arr.items.as_deref())
                .chain(arr.contains.as_ref().map(|(n, _)| &**n))
            {
                if matches!(strip(node), Node::Object(_)) {
                    children(plan, node, &element, out);
                } else {
                    record(plan, node, element.clone(), "", None, out);
                }
            }
        }
        Node::Union(u) => u
            .branches()
            .iter()
            .for_each(|b| children(plan, b, path, out)),
        Node::Checked(c) => children(plan, c.inner(), path, out),
        Node::Noisy(n) => children(plan, &n.inner, path, out),
        Node::Ruled(r) => children(plan, &r.own, path, out),
        Node::Unique(u) => {
            if let super::unique::UniqueKind::Natural(n) = &u.kind {
                children(plan, n, path, out);
            }
        }
        _ => {}
    }
}

fn strip(node: &Node) -> &Node {
    match node {
        Node::Checked(c) => strip(c.inner()),
        Node::Ruled(r) => strip(&r.own),
        Node::Union(u) if u.branches().len() == 2 && u.null_rate().is_some() => u
            .branches()
            .iter()
            .find(|b| !matches!(b, Node::Null))
            .map_or(node, strip),
        other => other,
    }
}

/// Calls `f` on every node of the tree below `node` (not following recursion), each
/// shared node once: a definition reused at many levels is a graph whose expansion can
/// be exponentially larger than the plan.
pub fn visit(node: &Node, f: &mut dyn FnMut(&Node)) {
    visit_once(node, f, &mut std::collections::HashSet::new());
}

fn visit_once(
    node: &Node,
    f: &mut dyn FnMut(&Node),
    seen: &mut std::collections::HashSet<*const ()>,
) {
    if node.shared_address().is_some_and(|at| !seen.insert(at)) {
        return;
    }
    f(node);
    let mut next = |n: &Node| visit_once(n, f, seen);
    match node {
        Node::Object(o) => o.properties().iter().for_each(|p| next(&p.node)),
        Node::Array(a) => {
            a.prefix.iter().for_each(&mut next);
            if let Some(items) = a.items.as_deref() {
                next(items);
            }
            if let Some((n, _)) = &a.contains {
                next(n);
            }
        }
        Node::Union(u) => u.branches().iter().for_each(next),
        Node::Checked(c) => next(c.inner()),
        Node::Noisy(n) => next(&n.inner),
        Node::Ruled(r) => {
            next(&r.own);
            next(&r.value);
        }
        Node::Unique(u) => {
            if let super::unique::UniqueKind::Natural(n) = &u.kind {
                next(n);
            }
        }
        _ => {}
    }
}
