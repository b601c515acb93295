//! Loading, reference resolution and compilation of schemas into plans.

mod alternatives;
mod arrays;
mod bundled;
mod collect;
pub mod compile;
pub mod document;
pub mod facts;
mod keys;
pub mod knobs;
mod listed;
mod noise;
mod numbers;
mod objects;
mod presence;
mod signature;
mod strings;
pub mod validator;
mod values_from;

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Problem};
use crate::generate::{Node, Plan};
use crate::synthesizer::Synthesizers;
use crate::table::Table;
use compile::Compiler;
use document::Documents;

pub use compile::RateDefaults;

/// What compilation takes besides the schema: rate defaults from the command line and
/// custom synthesizers.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub rates: RateDefaults,
    pub synthesizers: Synthesizers,
}

/// Loads and compiles a schema file.
pub fn compile_file(path: &Path, options: &Options) -> Result<Table, Error> {
    let docs = Documents::from_file(path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let mut table = compile_documents(docs, stem, options).map_err(|problem| Error::Schema {
        path: path.to_owned(),
        problem,
    })?;
    table.source = Some(path.to_owned());
    Ok(table)
}

/// Compiles an in-memory schema.
pub fn compile_value(
    document: Value,
    base_dir: Option<&Path>,
    options: &Options,
) -> Result<Table, Error> {
    let docs = Documents::from_value(document, base_dir);
    compile_documents(docs, None, options).map_err(|problem| Error::Schema {
        path: "<schema>".into(),
        problem,
    })
}

fn compile_documents(
    docs: Documents,
    fallback_name: Option<String>,
    options: &Options,
) -> Result<Table, Problem> {
    let root = docs.root();
    let mut compiler = Compiler::new(docs);
    compiler.defaults = options.rates;
    compiler.synthesizers = options.synthesizers.clone();
    let compiled = compiler.compile(std::slice::from_ref(&root))?;
    compiler.fill_recursive()?;
    let pointers: Vec<String> = compiler
        .recursive
        .iter()
        .map(|(loc, _)| loc.pointer.clone())
        .collect();
    let recursive: Vec<Node> = compiler
        .recursive
        .drain(..)
        .map(|(_, n)| n.expect("filled"))
        .collect();
    let mut plan = Plan {
        root: compiled.node,
        recursive,
        references: std::mem::take(&mut compiler.references),
    };
    finish_recursion(&mut plan, &pointers)?;
    let name = compiler.docs.docs[0]
        .value
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or(fallback_name)
        .unwrap_or_else(|| "table".to_owned());
    Ok(Table::new(
        name,
        None,
        std::mem::take(&mut compiler.docs),
        plan,
        compiled.knobs.rows,
        compiler.diagnostics,
    ))
}

/// Finds, for every union, the branch that leaves recursion soonest, and refuses
/// schemas whose recursion never ends (a required property that always recurses).
fn finish_recursion(plan: &mut Plan, pointers: &[String]) -> Result<(), Problem> {
    const INF: u32 = u32::MAX / 2;
    let n = plan.recursive.len();
    let mut heights = vec![INF; n];
    for _ in 0..=n {
        let next: Vec<u32> = plan
            .recursive
            .iter()
            .map(|node| height(node, &heights))
            .collect();
        if next == heights {
            break;
        }
        heights = next;
    }
    if let Some(i) = heights.iter().position(|&h| h >= INF) {
        return Err(Problem::new(pointers[i].clone(), "this recursive schema has no finite instance: a required property or minItems always recurses")
            .hint("make the recursive property optional, nullable, or allow an empty array"));
    }
    if height(&plan.root, &heights) >= INF {
        return Err(Problem::new("", "the schema's recursion never ends"));
    }
    set_shallow_branches(&mut plan.root, &heights);
    for node in &mut plan.recursive {
        set_shallow_branches(node, &heights);
    }
    Ok(())
}

/// How many recursion levels a value of `node` needs at least (with `heights` for the
/// recursive targets).
fn height(node: &Node, heights: &[u32]) -> u32 {
    const INF: u32 = u32::MAX / 2;
    match node {
        Node::Recurse(i) => heights[*i].saturating_add(1).min(INF),
        Node::Object(o) => o
            .properties
            .iter()
            .filter(|p| p.required)
            .map(|p| height(&p.node, heights))
            .max()
            .unwrap_or(0),
        Node::Array(a) => {
            let needed = a
                .prefix
                .iter()
                .take(a.min)
                .map(|n| height(n, heights))
                .max()
                .unwrap_or(0);
            let rest = if a.min > a.prefix.len() {
                a.items
                    .as_deref()
                    .or(a.contains.as_ref().map(|(n, _)| &**n))
                    .map_or(0, |n| height(n, heights))
            } else {
                0
            };
            needed.max(rest)
        }
        Node::Union(u) => u
            .branches()
            .iter()
            .map(|b| height(b, heights))
            .min()
            .unwrap_or(0),
        Node::Checked(c) => height(c.inner(), heights),
        _ => 0,
    }
}

fn set_shallow_branches(node: &mut Node, heights: &[u32]) {
    match node {
        Node::Union(u) => {
            let best = u
                .branches()
                .iter()
                .enumerate()
                .min_by_key(|(_, b)| height(b, heights))
                .map_or(0, |(i, _)| i);
            u.shallow_branch = best;
            u.branches_mut()
                .iter_mut()
                .for_each(|b| set_shallow_branches(b, heights));
        }
        Node::Object(o) => o
            .properties
            .iter_mut()
            .for_each(|p| set_shallow_branches(&mut p.node, heights)),
        Node::Array(a) => {
            a.prefix
                .iter_mut()
                .for_each(|n| set_shallow_branches(n, heights));
            if let Some(items) = a.items.as_deref_mut() {
                set_shallow_branches(items, heights);
            }
        }
        Node::Checked(c) => set_shallow_branches(c.inner_mut(), heights),
        _ => {}
    }
}
