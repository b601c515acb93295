//! Loading, reference resolution and compilation of schemas into plans.

mod alternatives;
mod arrays;
mod bundled;
mod collect;
pub mod compile;
mod derived_check;
pub mod document;
mod entities;
pub mod facts;
mod infer;
mod keys;
pub mod knobs;
pub mod limits;
mod listed;
mod loops;
mod no_effect;
mod noise;
mod numbers;
mod objects;
mod presence;
pub mod rules;
mod signature;
mod strings;
pub mod validator;
mod values_from;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Problem};
use crate::generate::object::KeyNames;
use crate::generate::presence::PresenceRules;
use crate::generate::{Node, ObjectGen, Plan};
use crate::synthesizer::Synthesizers;
use crate::table::Table;
use compile::Compiler;
use document::Documents;

pub use compile::RateDefaults;

/// What compilation takes besides the schema: rate defaults from the command line,
/// custom synthesizers, and `--no-infer`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub rates: RateDefaults,
    pub synthesizers: Synthesizers,
    /// Guess no domain or date range from field names (`--no-infer`; see infer.rs).
    pub no_infer: bool,
}

/// Loads and compiles a schema file.
pub fn compile_file(path: &Path, options: &Options) -> Result<Table, Error> {
    limits::on_compile_stack(|| compile_file_here(path, options))
}

fn compile_file_here(path: &Path, options: &Options) -> Result<Table, Error> {
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
    limits::on_compile_stack(|| compile_value_here(document, base_dir, options))
}

fn compile_value_here(
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
    mut docs: Documents,
    fallback_name: Option<String>,
    options: &Options,
) -> Result<Table, Problem> {
    docs.refuse_other_dialects()?;
    docs.refuse_duplicate_anchors()?;
    loops::refuse_loops(&mut docs)?;
    let root = docs.root();
    let mut compiler = Compiler::new(docs);
    compiler.defaults = options.rates;
    compiler.synthesizers = options.synthesizers.clone();
    compiler.no_infer = options.no_infer;
    let compiled = compiler.compile(std::slice::from_ref(&root))?;
    compiler.fill_recursive()?;
    compiler.note_unread_property_knobs();
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
    let plan = Plan {
        root: compiled.node,
        recursive,
        recursive_at: pointers,
        references: std::mem::take(&mut compiler.references),
        parent_orders: std::mem::take(&mut compiler.parent_orders),
    };
    finish_recursion(&plan)?;
    limits::check_plan(&plan)?;
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
fn finish_recursion(plan: &Plan) -> Result<(), Problem> {
    let n = plan.recursive.len();
    let mut heights = vec![INF; n];
    for _ in 0..=n {
        let mut at = Heights::new(&heights);
        let next: Vec<u32> = plan.recursive.iter().map(|node| at.of(node)).collect();
        if next == heights {
            break;
        }
        heights = next;
    }
    if let Some(i) = heights.iter().position(|&h| h >= INF) {
        return Err(Problem::new(plan.recursive_at[i].clone(), "this recursive schema has no finite instance: a property every object has (required, or kept by minProperties), or minItems, always recurses")
            .hint("make the recursive property optional and not needed by minProperties, nullable, or allow an empty array"));
    }
    let mut at = Heights::new(&heights);
    if at.of(&plan.root) >= INF {
        return Err(Problem::new("", "the schema's recursion never ends"));
    }
    let mut done = HashSet::new();
    for node in std::iter::once(&plan.root).chain(&plan.recursive) {
        set_shallow_branches(node, &mut at, &mut done);
    }
    Ok(())
}

/// A height no value reaches: recursion that never ends.
const INF: u32 = u32::MAX / 2;

/// How many recursion levels a value of a node needs at least, given `targets` for the
/// recursive targets; computed once per shared node.
struct Heights<'h> {
    targets: &'h [u32],
    memo: HashMap<*const (), u32>,
    /// Each presence-ruled object's keys past the bound, with their height.
    shallow: HashMap<*const ObjectGen, (u32, Box<[bool]>)>,
}

impl<'h> Heights<'h> {
    fn new(targets: &'h [u32]) -> Heights<'h> {
        Heights {
            targets,
            memo: HashMap::new(),
            shallow: HashMap::new(),
        }
    }

    fn of(&mut self, node: &Node) -> u32 {
        // A subtree met again on another path is the same (the plan is a graph whose
        // expansion can be far larger than itself).
        let Some(at) = node.shared_address() else {
            return match node {
                Node::Recurse(i) => self.targets[*i].saturating_add(1).min(INF),
                Node::Noisy(n) => self.of(&n.inner),
                Node::Ruled(r) => self.of(&r.own),
                _ => 0,
            };
        };
        if let Some(&h) = self.memo.get(&at) {
            return h;
        }
        let h = match node {
            Node::Object(o) => {
                // Past the bound an object has its required keys, or those its presence
                // rules keep there.
                let (required, declared) = match &o.presence {
                    Some(rules) => {
                        let (height, keys) = self.shallow_keys(o, rules);
                        (height, keys.iter().filter(|&&k| k).count())
                    }
                    None => {
                        let required = o.properties.iter().filter(|p| p.required);
                        (
                            required
                                .clone()
                                .map(|p| self.of(&p.node))
                                .max()
                                .unwrap_or(0),
                            required.count(),
                        )
                    }
                };
                // It still brings its keys up to minProperties with extra keys, each
                // named by `propertyNames` (a schema may name its own keys by
                // recursion).
                let extra = match &o.extra {
                    Some(extra) if o.min_properties.saturating_sub(declared).max(extra.min) > 0 => {
                        let names = match &extra.names {
                            KeyNames::Schema(node) => self.of(node),
                            KeyNames::Text(_) => 0,
                        };
                        names.max(self.of(&extra.value))
                    }
                    _ => 0,
                };
                required.max(extra)
            }
            Node::Array(a) => {
                let needed = a
                    .prefix
                    .iter()
                    .take(a.min)
                    .map(|n| self.of(n))
                    .max()
                    .unwrap_or(0);
                // After the prefix come the `contains` elements (compilation makes
                // `min` hold them all), then `items`.
                let after = a.min.saturating_sub(a.prefix.len());
                let contained = match &a.contains {
                    Some((n, count)) if after > 0 && *count > 0 => self.of(n),
                    _ => 0,
                };
                let counted = a.contains.as_ref().map_or(0, |(_, count)| *count);
                let rest = if after > counted {
                    a.items
                        .as_deref()
                        .or(a.contains.as_ref().map(|(n, _)| &**n))
                        .map_or(0, |n| self.of(n))
                } else {
                    0
                };
                needed.max(contained).max(rest)
            }
            Node::Union(u) => u.branches().iter().map(|b| self.of(b)).min().unwrap_or(0),
            Node::Checked(c) => self.of(c.inner()),
            _ => 0,
        };
        self.memo.insert(at, h);
        h
    }
}

impl Heights<'_> {
    /// The keys `object` keeps past the recursion bound under its presence `rules`, and
    /// the recursion levels they need.
    fn shallow_keys(&mut self, object: &ObjectGen, rules: &PresenceRules) -> (u32, Box<[bool]>) {
        if let Some(found) = self.shallow.get(&std::ptr::from_ref(object)) {
            return found.clone();
        }
        let required: Vec<bool> = object.properties.iter().map(|p| p.required).collect();
        let heights: Vec<u32> = object.properties.iter().map(|p| self.of(&p.node)).collect();
        let found = rules.shallowest(&required, &heights);
        self.shallow
            .insert(std::ptr::from_ref(object), found.clone());
        found
    }
}

/// Sets each union's shallow branch and each presence-ruled object's keys past the bound,
/// visiting each shared node once (`done`).
fn set_shallow_branches(node: &Node, heights: &mut Heights, done: &mut HashSet<*const ()>) {
    if node.shared_address().is_some_and(|at| !done.insert(at)) {
        return;
    }
    match node {
        Node::Union(u) => {
            let best = u
                .branches()
                .iter()
                .enumerate()
                .min_by_key(|(_, b)| heights.of(b))
                .map_or(0, |(i, _)| i);
            u.set_shallow_branch(best);
            u.branches()
                .iter()
                .for_each(|b| set_shallow_branches(b, heights, done));
        }
        Node::Object(o) => {
            if let Some(rules) = &o.presence {
                let (_, keys) = heights.shallow_keys(o, rules);
                let _ = rules.shallow.set(keys);
            }
            o.properties
                .iter()
                .for_each(|p| set_shallow_branches(&p.node, heights, done));
            if let Some(extra) = &o.extra {
                if let KeyNames::Schema(node) = &extra.names {
                    set_shallow_branches(node, heights, done);
                }
                set_shallow_branches(&extra.value, heights, done);
            }
        }
        Node::Noisy(n) => set_shallow_branches(&n.inner, heights, done),
        Node::Array(a) => {
            a.prefix
                .iter()
                .for_each(|n| set_shallow_branches(n, heights, done));
            if let Some(items) = a.items.as_deref() {
                set_shallow_branches(items, heights, done);
            }
            if let Some((contains, _)) = &a.contains {
                set_shallow_branches(contains, heights, done);
            }
        }
        Node::Checked(c) => set_shallow_branches(c.inner(), heights, done),
        Node::Ruled(r) => {
            set_shallow_branches(&r.own, heights, done);
            set_shallow_branches(&r.value, heights, done);
        }
        _ => {}
    }
}
