//! A [`Sink`] that routes every generated value to the statistics of its field path.
//!
//! Paths form a tree built as values arrive: object keys and array elements (`[]`) are
//! children. Each node keeps plain accumulators (counts, a value counter, raw numbers
//! for exact quantiles); [`Collector::finish`] turns them into [`FieldSummary`]s. No
//! `serde_json::Value` is built, and counting a value allocates nothing in the common
//! case.

use std::collections::{HashMap, HashSet};

use super::counter::ValueCounter;
use super::distribution::{Scale, describe};
use super::summary::{ChildrenPerParent, FieldSummary, Rate, TopValue, TypeCounts, ValueKind};
use super::temporal::{self, TemporalKind};
use crate::sink::Sink;
use crate::table::FieldInfo;

/// How many top values a field reports.
pub const TOP_K: usize = 10;

/// Keys the schema's field list does not name get paths of their own, at most this many
/// per object; further keys share the path `parent.*`. An object the list names but
/// whose keys it does not (a `dict[str, T]`) puts all its keys under `parent.*` at once.
pub const MAX_UNLISTED_KEYS: usize = 32;

const ROOT: usize = 0;

/// Collects statistics of the values written into it, row after row.
#[derive(Debug)]
pub struct Collector {
    nodes: Vec<PathNode>,
    listed: HashSet<String>,
    /// Paths of objects whose keys the field list names (the part before a `.`).
    described: HashSet<String>,
    stack: Vec<Frame>,
    /// The node of the value that follows the last `key`.
    pending: Option<usize>,
}

#[derive(Debug)]
struct PathNode {
    path: String,
    edge: Edge,
    parent: usize,
    keys: Vec<(Box<str>, usize)>,
    /// What the field list says about this node's keys, should it be an object.
    key_policy: KeyPolicy,
    unlisted_keys: usize,
    element: Option<usize>,
    other_keys: Option<usize>,
    stats: FieldStats,
}

/// How a new key of an object gets its path (decided once per node, so that a map's
/// keys cost no path building or lookups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyPolicy {
    /// The field list names some keys: a key gets its own path if named, or while the
    /// object has fewer than [`MAX_UNLISTED_KEYS`] unnamed ones.
    Listed,
    /// The field list names the object but none of its keys: every key goes to `.*`.
    Map,
    /// Nothing is known: keys get their own paths up to [`MAX_UNLISTED_KEYS`].
    Unlisted,
}

/// How a node hangs off its parent, which decides whether it can be absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Root,
    Key,
    Element,
    OtherKeys,
}

#[derive(Debug)]
enum Frame {
    /// `cursor`: where the next key is expected among the node's keys (keys come in the
    /// same order row after row, so the lookup is usually one comparison).
    Object { node: usize, cursor: usize },
    Array {
        node: usize,
        element: usize,
        len: u32,
    },
}

#[derive(Debug, Default)]
struct FieldStats {
    types: TypeCounts,
    numbers: Vec<f64>,
    string_lengths: WholeCounts,
    temporal: TemporalValues,
    array_lengths: WholeCounts,
    values: ValueCounter,
}

impl FieldStats {
    fn present(&self) -> u64 {
        let t = &self.types;
        t.null + t.boolean + t.integer + t.number + t.string + t.array + t.object
    }
}

/// Lengths below this are counted by value; longer ones are kept one by one.
const COUNTED_LENGTHS: usize = 4096;

/// Lengths (small whole numbers) counted by value rather than stored one by one: adding
/// one is an increment, and they come out sorted.
#[derive(Debug, Default)]
struct WholeCounts {
    by_value: Vec<u64>,
    long: Vec<f64>,
}

impl WholeCounts {
    fn add(&mut self, v: usize) {
        if v >= COUNTED_LENGTHS {
            self.long.push(v as f64);
            return;
        }
        if v >= self.by_value.len() {
            self.by_value.resize(v + 1, 0);
        }
        self.by_value[v] += 1;
    }

    /// Every length, in ascending order; leaves the counts empty.
    fn take_sorted(&mut self) -> Vec<f64> {
        let counted: u64 = self.by_value.iter().sum();
        let mut out = Vec::with_capacity(counted as usize + self.long.len());
        for (v, &n) in self.by_value.iter().enumerate() {
            out.extend(std::iter::repeat_n(v as f64, n as usize));
        }
        self.long.sort_unstable_by(f64::total_cmp);
        out.append(&mut self.long);
        self.by_value = Vec::new();
        out
    }
}

/// Seconds of a string field while every value so far parsed as the same temporal kind.
#[derive(Debug, Default)]
struct TemporalValues {
    state: TemporalState,
    seconds: Vec<f64>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum TemporalState {
    #[default]
    Unseen,
    Kind(TemporalKind),
    NotTemporal,
}

impl TemporalValues {
    fn add(&mut self, s: &str) {
        let kind = match self.state {
            TemporalState::NotTemporal => return,
            TemporalState::Kind(kind) => Some(kind),
            TemporalState::Unseen => temporal::detect(s),
        };
        match kind.and_then(|k| temporal::parse_seconds(k, s).map(|seconds| (k, seconds))) {
            Some((kind, seconds)) => {
                self.state = TemporalState::Kind(kind);
                self.seconds.push(seconds);
            }
            None => {
                self.state = TemporalState::NotTemporal;
                self.seconds = Vec::new();
            }
        }
    }

    fn kind(&self) -> Option<TemporalKind> {
        match self.state {
            TemporalState::Kind(kind) => Some(kind),
            _ => None,
        }
    }
}

impl Collector {
    /// A collector for a table with these fields (their paths are never folded into
    /// `.*`, and come first in the result).
    pub fn new(fields: &[FieldInfo]) -> Collector {
        let described: HashSet<String> = fields
            .iter()
            .flat_map(|f| {
                f.path
                    .match_indices('.')
                    .map(|(dot, _)| f.path[..dot].to_owned())
                    .chain(std::iter::once(String::new()))
            })
            .collect();
        let root_policy = if described.is_empty() {
            KeyPolicy::Unlisted
        } else {
            KeyPolicy::Listed
        };
        Collector {
            nodes: vec![PathNode::new(String::new(), Edge::Root, ROOT, root_policy)],
            listed: fields.iter().map(|f| f.path.clone()).collect(),
            described,
            stack: Vec::new(),
            pending: None,
        }
    }

    /// Rows written so far (one root value per row).
    pub fn rows(&self) -> u64 {
        self.nodes[ROOT].stats.present()
    }

    /// The node the next value belongs to.
    fn target(&mut self) -> usize {
        match self.stack.last_mut() {
            None => ROOT,
            Some(Frame::Array { element, len, .. }) => {
                *len += 1;
                *element
            }
            Some(&mut Frame::Object { node, .. }) => match self.pending.take() {
                Some(child) => child,
                // A value without a key: malformed input; keep it out of real fields.
                None => self.other_keys_of(node),
            },
        }
    }

    fn stats(&mut self) -> &mut FieldStats {
        let node = self.target();
        &mut self.nodes[node].stats
    }

    fn add_node(&mut self, parent: usize, edge: Edge, path: String) -> usize {
        let key_policy = self.key_policy(&path);
        self.nodes
            .push(PathNode::new(path, edge, parent, key_policy));
        self.nodes.len() - 1
    }

    fn key_policy(&self, path: &str) -> KeyPolicy {
        if self.described.contains(path) {
            KeyPolicy::Listed
        } else if self.listed.contains(path) {
            KeyPolicy::Map
        } else {
            KeyPolicy::Unlisted
        }
    }

    fn other_keys_of(&mut self, node: usize) -> usize {
        if let Some(child) = self.nodes[node].other_keys {
            return child;
        }
        let path = join_key(&self.nodes[node].path, "*");
        let child = self.add_node(node, Edge::OtherKeys, path);
        self.nodes[node].other_keys = Some(child);
        child
    }

    fn element_of(&mut self, node: usize) -> usize {
        if let Some(child) = self.nodes[node].element {
            return child;
        }
        let path = format!("{}[]", self.nodes[node].path);
        let child = self.add_node(node, Edge::Element, path);
        self.nodes[node].element = Some(child);
        child
    }

    /// The child of object node `node` for key `key`, and where the next key is expected.
    fn key_child(&mut self, node: usize, cursor: usize, key: &str) -> (usize, usize) {
        let keys = &self.nodes[node].keys;
        if let Some((name, child)) = keys.get(cursor)
            && **name == *key
        {
            return (*child, cursor + 1);
        }
        if let Some(position) = keys.iter().position(|(name, _)| **name == *key) {
            return (keys[position].1, position + 1);
        }
        let parent = &self.nodes[node];
        let full = parent.unlisted_keys >= MAX_UNLISTED_KEYS;
        let (path, listed) = match parent.key_policy {
            KeyPolicy::Map => return (self.other_keys_of(node), cursor),
            KeyPolicy::Unlisted if full => return (self.other_keys_of(node), cursor),
            KeyPolicy::Unlisted => (join_key(&parent.path, key), false),
            KeyPolicy::Listed => {
                let path = join_key(&parent.path, key);
                let listed = self.listed.contains(&path);
                if full && !listed {
                    return (self.other_keys_of(node), cursor);
                }
                (path, listed)
            }
        };
        let child = self.add_node(node, Edge::Key, path);
        let parent = &mut self.nodes[node];
        parent.keys.push((key.into(), child));
        parent.unlisted_keys += usize::from(!listed);
        (child, parent.keys.len())
    }

    /// Summaries of every path: `fields` first (in their order, with their
    /// configuration), then paths seen in the data only, in tree order.
    pub fn finish(mut self, fields: &[FieldInfo]) -> Vec<FieldSummary> {
        let mut by_path: HashMap<&str, usize> = HashMap::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            by_path.insert(&node.path, i);
        }
        let listed_nodes: Vec<Option<usize>> = fields
            .iter()
            .map(|f| by_path.get(f.path.as_str()).copied())
            .collect();
        drop(by_path);

        let mut summaries = Vec::with_capacity(self.nodes.len().max(fields.len()));
        for (field, node) in fields.iter().zip(&listed_nodes) {
            let fanout = field.references.as_ref().zip(*node).map(|(parent, node)| {
                ChildrenPerParent::from_counts(
                    format!("{}.{}", parent.table, parent.field),
                    parent.rows,
                    self.nodes[node].stats.values.counts().collect(),
                )
            });
            let mut summary = match node {
                Some(node) => self.summarize(*node),
                None => unobserved(&field.path),
            };
            summary.children_per_parent = fanout;
            summary.listed = true;
            summary.type_name = field.type_name.clone();
            summary.generator = field.generator.clone();
            summary.pointer = field.pointer.clone();
            summary.null_rate.configured = field.null_rate;
            summary.absent_rate.configured = field.absent_rate;
            if let (Some(configured), Some(node)) = (&field.configured, node) {
                // The distribution the field is shown by: its numbers, or its dates'
                // seconds.
                let shown = summary.headline().map(|(d, _)| d);
                let expected = super::fit::expected(
                    configured,
                    &self.nodes[*node].stats.values,
                    &summary.types,
                    shown,
                );
                summary.expected = expected;
            }
            summaries.push(summary);
        }
        let listed: HashSet<usize> = listed_nodes.into_iter().flatten().collect();
        for node in self.tree_order() {
            if !listed.contains(&node) {
                summaries.push(self.summarize(node));
            }
        }
        summaries
    }

    /// Node indices, parents before children, siblings in order of first appearance.
    fn tree_order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.nodes.len());
        let mut todo = vec![ROOT];
        while let Some(node) = todo.pop() {
            order.push(node);
            let n = &self.nodes[node];
            let children = n
                .keys
                .iter()
                .map(|(_, c)| *c)
                .chain(n.other_keys)
                .chain(n.element);
            let first = todo.len();
            todo.extend(children);
            todo[first..].reverse();
        }
        order
    }

    fn summarize(&mut self, node: usize) -> FieldSummary {
        let parent_objects = self.nodes[self.nodes[node].parent].stats.types.object;
        let n = &mut self.nodes[node];
        let stats = &mut n.stats;
        let types = stats.types;
        let count = stats.present();
        let absent = if n.edge == Edge::Key {
            parent_objects.saturating_sub(count)
        } else {
            0
        };
        let temporal_kind = stats.temporal.kind();
        let scalars = types.boolean + types.integer + types.number + types.string;
        FieldSummary {
            path: n.path.clone(),
            listed: false,
            type_name: types.names(),
            generator: String::new(),
            pointer: String::new(),
            kind: dominant_kind(&types, temporal_kind),
            count,
            nulls: types.null,
            absent,
            null_rate: Rate {
                configured: None,
                observed: share(types.null, count),
            },
            absent_rate: Rate {
                configured: None,
                observed: if n.edge == Edge::Key {
                    share(absent, parent_objects)
                } else {
                    None
                },
            },
            types,
            distinct: (scalars > 0).then(|| stats.values.distinct()),
            numbers: describe(&mut stats.numbers, Scale::Real),
            temporal: describe(&mut stats.temporal.seconds, Scale::Seconds),
            string_lengths: if temporal_kind.is_some() {
                None
            } else {
                describe(&mut stats.string_lengths.take_sorted(), Scale::Whole)
            },
            array_lengths: describe(&mut stats.array_lengths.take_sorted(), Scale::Whole),
            top: stats
                .values
                .top(TOP_K)
                .into_iter()
                .map(|(value, count)| TopValue { value, count })
                .collect(),
            cost: None,
            children_per_parent: None,
            expected: None,
        }
    }
}

impl PathNode {
    fn new(path: String, edge: Edge, parent: usize, key_policy: KeyPolicy) -> PathNode {
        PathNode {
            path,
            edge,
            parent,
            keys: Vec::new(),
            key_policy,
            unlisted_keys: 0,
            element: None,
            other_keys: None,
            stats: FieldStats::default(),
        }
    }
}

fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A listed field that never appeared in the sample.
fn unobserved(path: &str) -> FieldSummary {
    FieldSummary {
        path: path.to_owned(),
        listed: true,
        type_name: String::new(),
        generator: String::new(),
        pointer: String::new(),
        kind: ValueKind::None,
        count: 0,
        nulls: 0,
        absent: 0,
        null_rate: Rate {
            configured: None,
            observed: None,
        },
        absent_rate: Rate {
            configured: None,
            observed: None,
        },
        types: TypeCounts::default(),
        distinct: None,
        numbers: None,
        temporal: None,
        string_lengths: None,
        array_lengths: None,
        top: Vec::new(),
        cost: None,
        children_per_parent: None,
        expected: None,
    }
}

/// The most frequent non-null type (integers and floats count together as numbers).
fn dominant_kind(types: &TypeCounts, temporal: Option<TemporalKind>) -> ValueKind {
    let string_kind = match temporal {
        Some(TemporalKind::Date) => ValueKind::Date,
        Some(TemporalKind::DateTime) => ValueKind::DateTime,
        Some(TemporalKind::Time) => ValueKind::Time,
        None => ValueKind::String,
    };
    let number_kind = if types.number > 0 {
        ValueKind::Number
    } else {
        ValueKind::Integer
    };
    let candidates = [
        (types.integer + types.number, number_kind),
        (types.string, string_kind),
        (types.boolean, ValueKind::Boolean),
        (types.array, ValueKind::Array),
        (types.object, ValueKind::Object),
    ];
    let mut best = (
        0,
        if types.null > 0 {
            ValueKind::Null
        } else {
            ValueKind::None
        },
    );
    for candidate in candidates {
        if candidate.0 > best.0 {
            best = candidate;
        }
    }
    best.1
}

impl Sink for Collector {
    fn null(&mut self) {
        self.stats().types.null += 1;
    }

    fn bool(&mut self, v: bool) {
        let stats = self.stats();
        stats.types.boolean += 1;
        stats.values.add_bool(v);
    }

    fn int(&mut self, v: i64) {
        let stats = self.stats();
        stats.types.integer += 1;
        stats.numbers.push(v as f64);
        stats.values.add_int(v);
    }

    fn float(&mut self, v: f64) {
        let stats = self.stats();
        stats.types.number += 1;
        stats.numbers.push(v);
        stats.values.add_float(v);
    }

    fn str(&mut self, v: &str) {
        let stats = self.stats();
        stats.types.string += 1;
        stats.string_lengths.add(v.chars().count());
        stats.temporal.add(v);
        stats.values.add_str(v);
    }

    fn begin_object(&mut self) {
        let node = self.target();
        self.nodes[node].stats.types.object += 1;
        self.stack.push(Frame::Object { node, cursor: 0 });
    }

    fn key(&mut self, k: &str) {
        if let Some(&Frame::Object { node, cursor }) = self.stack.last() {
            let (child, next) = self.key_child(node, cursor, k);
            if let Some(Frame::Object { cursor, .. }) = self.stack.last_mut() {
                *cursor = next;
            }
            self.pending = Some(child);
        }
    }

    fn end_object(&mut self) {
        self.pending = None;
        self.stack.pop();
    }

    fn begin_array(&mut self) {
        let node = self.target();
        self.nodes[node].stats.types.array += 1;
        let element = self.element_of(node);
        self.stack.push(Frame::Array {
            node,
            element,
            len: 0,
        });
    }

    fn end_array(&mut self) {
        if let Some(Frame::Array { node, len, .. }) = self.stack.pop() {
            self.nodes[node].stats.array_lengths.add(len as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn collect(rows: &[serde_json::Value], fields: &[FieldInfo]) -> Vec<FieldSummary> {
        let mut c = Collector::new(fields);
        for row in rows {
            c.value(row);
        }
        assert_eq!(c.rows(), rows.len() as u64);
        c.finish(fields)
    }

    #[test]
    fn paths_absent_and_null_counts() {
        let rows = [
            json!({"a": 1, "b": {"c": "x"}, "items": [{"p": 1.5}, {"p": 2.5}]}),
            json!({"a": null, "b": {}, "items": []}),
            json!({"b": null, "items": [{"p": 3.5, "q": true}]}),
        ];
        let fields = collect(&rows, &[]);
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "",
                "a",
                "b",
                "b.c",
                "items",
                "items[]",
                "items[].p",
                "items[].q"
            ]
        );
        let a = &fields[1];
        assert_eq!((a.count, a.nulls, a.absent), (2, 1, 1));
        assert_eq!(a.null_rate.observed, Some(0.5));
        assert_eq!(a.absent_rate.observed, Some(1.0 / 3.0));
        // b is an object twice and null once: b.c is absent from one of the two objects.
        let bc = &fields[3];
        assert_eq!((bc.count, bc.absent), (1, 1));
        let items = &fields[4];
        assert_eq!(items.kind, ValueKind::Array);
        assert_eq!(items.array_lengths.as_ref().unwrap().mean, 1.0);
        let p = &fields[6];
        assert_eq!((p.count, p.absent, p.kind), (3, 0, ValueKind::Number));
        assert_eq!(p.numbers.as_ref().unwrap().quantiles.p50, 2.5);
        let q = &fields[7];
        assert_eq!((q.count, q.absent), (1, 2));
        assert_eq!(
            q.top,
            vec![TopValue {
                value: json!(true),
                count: 1
            }]
        );
    }

    #[test]
    fn temporal_strings_and_fallback_to_plain_strings() {
        let rows = [
            json!({"d": "2024-01-01", "t": "2024-01-01T00:00:00Z", "s": "2024-01-01"}),
            json!({"d": "2024-01-03", "t": "2024-01-02T00:00:00Z", "s": "soon"}),
        ];
        let fields = collect(&rows, &[]);
        let d = &fields[1];
        assert_eq!(d.kind, ValueKind::Date);
        assert_eq!(d.temporal.as_ref().unwrap().quantiles.p50, 1_704_153_600.0);
        assert!(d.string_lengths.is_none());
        assert_eq!(fields[2].kind, ValueKind::DateTime);
        let s = &fields[3];
        assert_eq!(s.kind, ValueKind::String);
        assert!(s.temporal.is_none());
        assert_eq!(s.string_lengths.as_ref().unwrap().max, 10.0);
    }

    #[test]
    fn unlisted_keys_are_folded_after_a_limit_but_listed_ones_never() {
        let mut map = serde_json::Map::new();
        for i in 0..100 {
            map.insert(format!("k{i}"), json!(i));
        }
        let row = json!({ "m": map });
        let info = |path: &str| FieldInfo {
            path: path.into(),
            type_name: "integer".into(),
            generator: "g".into(),
            null_rate: None,
            absent_rate: Some(0.1),
            pointer: "/p".into(),
            references: None,
            configured: None,
        };
        let listed = [info("m.k99")];
        let fields = collect(&[row], &listed);
        assert_eq!(fields[0].path, "m.k99");
        assert!(fields[0].listed);
        assert_eq!(fields[0].absent_rate.configured, Some(0.1));
        let other = fields.iter().find(|f| f.path == "m.*").unwrap();
        assert_eq!(other.count, 100 - MAX_UNLISTED_KEYS as u64 - 1);
        assert_eq!(fields.len(), 1 + 1 + 1 + MAX_UNLISTED_KEYS + 1);
    }

    #[test]
    fn keys_of_a_listed_object_with_no_listed_keys_share_one_path() {
        let info = |path: &str| FieldInfo {
            path: path.into(),
            type_name: "object".into(),
            generator: "g".into(),
            null_rate: None,
            absent_rate: None,
            pointer: String::new(),
            references: None,
            configured: None,
        };
        let listed = [info("labels"), info("meta"), info("meta.owner")];
        let rows = [
            json!({"labels": {"x": "1", "y": "2"}, "meta": {"owner": "a", "extra": 1}}),
            json!({"labels": {"z": "3"}, "meta": {"owner": "b"}}),
        ];
        let fields = collect(&rows, &listed);
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["labels", "meta", "meta.owner", "", "labels.*", "meta.extra"]
        );
        assert_eq!(fields[4].count, 3);
    }

    #[test]
    fn listed_fields_never_seen_are_reported_empty() {
        let info = FieldInfo {
            path: "gone".into(),
            type_name: "string".into(),
            generator: "word".into(),
            null_rate: Some(0.2),
            absent_rate: None,
            pointer: "/properties/gone".into(),
            references: None,
            configured: None,
        };
        let fields = collect(&[json!({})], &[info]);
        assert_eq!(
            (fields[0].path.as_str(), fields[0].count, fields[0].kind),
            ("gone", 0, ValueKind::None)
        );
        assert_eq!(fields[0].null_rate.configured, Some(0.2));
    }
}
