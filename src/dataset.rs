//! Several tables as one dataset: each table's row count, its foreign keys linked to the
//! parent rows they reference, and the order the tables load in.
//!
//! Linking never holds a parent table: a link is the parent's key generator, the path of
//! keys down to it and the parent's row count, from which a child recomputes any parent
//! row's key value ([`crate::generate::reference`]). What cannot be linked is refused
//! with the JSON Pointer of the `references` knob: an unknown table or field, a field that
//! is not a key, a parent with no rows, parent values the child's own schema refuses.

use foldhash::{HashMap, HashMapExt};
use std::path::PathBuf;

use serde_json::Value;

use crate::error::{Error, Problem};
use crate::export::DEFAULT_ROWS;
use crate::generate::fields;
use crate::generate::object::Property;
use crate::generate::parent_rule::{ParentOrder, recomputable};
use crate::generate::reference::{ParentDraw, ParentLink, ReferenceSlot};
use crate::generate::unique::UniqueKind;
use crate::generate::{Ctx, Node};
use crate::rng::{hash_str, table_key};
use crate::sink::ValueSink;
use crate::table::Table;

/// Parent rows whose keys are checked against the child's schema when linking: the
/// first and last rows (where sequences end) and rows spread in between.
const CHECKED_PARENT_ROWS: u64 = 300;

/// How many rows each table gets: by name (`--rows Customer=1000`), else one count for
/// all (`-n`), else the table's `x-synth.rows`, else [`DEFAULT_ROWS`].
#[derive(Debug, Clone, Default)]
pub struct RowCounts {
    pub all: Option<u64>,
    pub by_table: Vec<(String, u64)>,
}

impl RowCounts {
    fn for_table(&self, table: &Table) -> u64 {
        self.by_table
            .iter()
            .rev()
            .find(|(name, _)| *name == table.name)
            .map(|(_, n)| *n)
            .or(self.all)
            .or(table.default_rows)
            .unwrap_or(DEFAULT_ROWS)
    }
}

/// One foreign key of the dataset (a composite key is one relation per field).
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Index of the child table in [`Dataset::tables`].
    pub child: usize,
    /// The child field's path (`customer_id`, `items[].product_id`).
    pub child_field: String,
    pub parent: usize,
    pub parent_field: String,
    /// The JSON Pointer of the `references` knob.
    pub pointer: String,
    /// Fields of one composite key share a group.
    pub group: Option<u64>,
}

impl Relation {
    /// Under an array: the values live in a JSON column, which no SQL constraint reaches.
    pub fn under_array(&self) -> bool {
        self.child_field.contains("[]")
    }
}

/// Tables whose foreign keys point at rows the other tables really hold.
#[derive(Debug)]
pub struct Dataset {
    /// In the order given.
    pub tables: Vec<Table>,
    /// Row count of each table.
    pub rows: Vec<u64>,
    pub relations: Vec<Relation>,
}

impl Dataset {
    /// Links the foreign keys of `tables` with the row counts `counts` decides; the
    /// tables keep them as their default row counts.
    pub fn new(mut tables: Vec<Table>, counts: &RowCounts) -> Result<Dataset, Error> {
        if let Some((name, _)) = counts
            .by_table
            .iter()
            .find(|(name, _)| !tables.iter().any(|t| t.name == *name))
        {
            let known: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
            return Err(Error::Schema {
                path: PathBuf::from("--rows"),
                problem: Problem::new(
                    "",
                    format!("no table is called {name:?} (tables: {})", known.join(", ")),
                )
                .hint("name a table by its schema's title, as in --rows Customer=1000"),
            });
        }
        let rows: Vec<u64> = tables.iter().map(|t| counts.for_table(t)).collect();
        for (table, &n) in tables.iter_mut().zip(&rows) {
            table.default_rows = Some(n);
        }
        let mut relations = Vec::new();
        let mut links = Vec::new();
        for (child, table) in tables.iter().enumerate() {
            let paths = reference_fields(table);
            for (slot_index, slot) in table.plan().references.iter().enumerate() {
                let refuse = |problem: Problem| Error::Schema {
                    path: source_of(table),
                    problem,
                };
                // A key reached only through recursion has no field path of its own: it
                // is linked like one inside an array (a JSON column, never composite).
                let child_field = paths
                    .get(&slot_index)
                    .map_or_else(|| format!("{}[]", slot.pointer), |(path, _)| path.clone());
                let (parent, parent_field) = find_parent(&tables, slot).map_err(refuse)?;
                let relation = Relation {
                    child,
                    child_field,
                    parent,
                    parent_field: parent_field.to_owned(),
                    pointer: slot.pointer.clone(),
                    group: None,
                };
                relations.push(relation);
                links.push(slot_index);
            }
        }
        group_composite_keys(&tables, &mut relations);
        same_fanout_per_group(&tables, &relations, &links)?;
        for (relation, &slot_index) in relations.iter().zip(&links) {
            let link =
                link(&tables, &rows, relation, slot_index).map_err(|problem| Error::Schema {
                    path: source_of(&tables[relation.child]),
                    problem,
                })?;
            tables[relation.child].plan_mut().references[slot_index].link = Some(link);
        }
        for child in 0..tables.len() {
            for slot_index in 0..tables[child].plan().parent_orders.len() {
                let link = link_parent_order(&tables, child, slot_index).map_err(|problem| {
                    Error::Schema {
                        path: source_of(&tables[child]),
                        problem,
                    }
                })?;
                tables[child].plan_mut().parent_orders[slot_index].link = Some(link);
            }
        }
        Ok(Dataset {
            tables,
            rows,
            relations,
        })
    }

    /// A table that references none: nothing to link, and its row count left as its
    /// schema says.
    pub fn alone(table: Table) -> Dataset {
        let rows = vec![table.default_rows.unwrap_or(0)];
        Dataset {
            tables: vec![table],
            rows,
            relations: Vec::new(),
        }
    }

    /// The order to create and load the tables in: every parent before its children,
    /// ties (and the members of a cycle) in the order given.
    pub fn load_order(&self) -> Vec<usize> {
        let n = self.tables.len();
        let mut placed = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let ready = (0..n).filter(|&t| !placed[t]).find(|&t| {
                self.relations
                    .iter()
                    .all(|r| r.child != t || r.parent == t || placed[r.parent])
            });
            // A cycle: its first table goes first; its constraints come after the load.
            let next = ready.unwrap_or_else(|| (0..n).find(|&t| !placed[t]).unwrap_or(0));
            placed[next] = true;
            order.push(next);
        }
        order
    }

    /// Consumes the dataset: the tables in load order.
    pub fn into_tables_in_load_order(self) -> Vec<Table> {
        let order = self.load_order();
        let mut slots: Vec<Option<Table>> = self.tables.into_iter().map(Some).collect();
        order.into_iter().filter_map(|i| slots[i].take()).collect()
    }
}

fn source_of(table: &Table) -> PathBuf {
    table
        .source
        .clone()
        .unwrap_or_else(|| PathBuf::from("<schema>"))
}

/// The field path of each reference slot of `table` (the first, where a shared definition
/// puts one slot at several paths), and the field's own generator.
fn reference_fields(table: &Table) -> HashMap<usize, (String, &Node)> {
    let plan = table.plan();
    // The field list of a big schema costs more than its compilation's last steps.
    if plan.references.is_empty() {
        return HashMap::new();
    }
    let mut nodes = Vec::new();
    fields::collect_nodes(plan, &plan.root, &mut nodes);
    let mut paths = HashMap::new();
    for (info, node) in table.fields().into_iter().zip(nodes) {
        if let Node::Reference(r) = node {
            paths.entry(r.slot).or_insert((info.path, &*r.own));
        }
    }
    paths
}

/// The parent table and field a slot names, or why there is none.
fn find_parent<'s>(tables: &[Table], slot: &'s ReferenceSlot) -> Result<(usize, &'s str), Problem> {
    let (name, field) = slot
        .target
        .split_once('.')
        .expect("the knob parser requires Table.field");
    let Some(parent) = tables.iter().position(|t| t.name == name) else {
        let known: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        return Err(Problem::new(
            slot.pointer.clone(),
            format!(
                "this foreign key references table {name:?}, which is not in the dataset (tables: {})",
                known.join(", ")
            ),
        )
        .hint(format!(
            "give {name}'s schema file too (synthtune export child.json parent.json), or correct the table name: it is the schema's title"
        )));
    };
    Ok((parent, field))
}

/// Relations to the same parent's composite primary key, from fields of one object of
/// the child, pick one parent row together.
fn group_composite_keys(tables: &[Table], relations: &mut [Relation]) {
    let mut keys_of: HashMap<usize, Vec<String>> = HashMap::new();
    for r in relations.iter_mut() {
        let parent_keys = keys_of
            .entry(r.parent)
            .or_insert_with(|| primary_key_fields(&tables[r.parent]));
        if parent_keys.len() < 2 || !parent_keys.contains(&r.parent_field) {
            continue;
        }
        let object = parent_path(&r.child_field);
        r.group = Some(hash_str(&format!(
            "{}\u{0}{}\u{0}{object}",
            r.child, r.parent
        )));
    }
}

/// The fields of one composite key pick one parent row with one draw: their fanout
/// knobs must agree.
fn same_fanout_per_group(
    tables: &[Table],
    relations: &[Relation],
    slots: &[usize],
) -> Result<(), Error> {
    let slot_of = |i: usize| &tables[relations[i].child].plan().references[slots[i]];
    for i in 0..relations.len() {
        let Some(group) = relations[i].group else {
            continue;
        };
        let clash = (0..i)
            .find(|&j| relations[j].group == Some(group) && slot_of(j).fanout != slot_of(i).fanout);
        if let Some(j) = clash {
            return Err(Error::Schema {
                path: source_of(&tables[relations[i].child]),
                problem: Problem::new(
                    slot_of(i).pointer.clone(),
                    format!(
                        "this field and {} form one composite foreign key but give different fanout knobs: they pick one parent row together",
                        relations[j].child_field
                    ),
                )
                .hint("give every field of the key the same fanout"),
            });
        }
    }
    Ok(())
}

/// `a.b.c` → `a.b`; a top-level field's object is the root, `""`.
fn parent_path(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(object, _)| object)
}

/// The paths of the fields marked `key: "primary"`.
pub fn primary_key_fields(table: &Table) -> Vec<String> {
    let plan = table.plan();
    let mut nodes = Vec::new();
    fields::collect_nodes(plan, &plan.root, &mut nodes);
    table
        .fields()
        .into_iter()
        .zip(nodes)
        .filter(|(_, node)| matches!(node, Node::Unique(u) if u.primary_key))
        .map(|(info, _)| info.path)
        .collect()
}

/// The link for one relation: the parent's key generator and the path of keys to it, the
/// fan-out bound to the parent's rows, checked against the child's own schema.
fn link(
    tables: &[Table],
    rows: &[u64],
    relation: &Relation,
    slot_index: usize,
) -> Result<ParentLink, Problem> {
    let child = &tables[relation.child];
    let parent = &tables[relation.parent];
    let slot = &child.plan().references[slot_index];
    let at = slot.pointer.clone();
    let target = format!("{}.{}", parent.name, relation.parent_field);
    if relation.group.is_some() && relation.under_array() {
        return Err(Problem::new(
            at,
            "a field of a composite foreign key is inside an array: the fields of one key must sit in one object outside arrays",
        ));
    }
    let (salts, key, through_check) = key_path(parent, &relation.parent_field, &target, &at)?;
    if through_check && key_depends_on_draws(key) {
        return Err(Problem::new(
            at,
            format!("{target}'s table is validated by trial (its values may be redrawn), so its key values cannot be recomputed from the row number"),
        )
        .hint("make the key a sequence or an integer range, which depend on the row alone"));
    }
    let parent_rows = rows[relation.parent];
    if parent_rows == 0 {
        return Err(Problem::new(
            at,
            format!(
                "{} has 0 rows: there is no row for this foreign key to reference",
                parent.name
            ),
        )
        .hint(format!(
            "give {} rows, e.g. --rows {}=1000",
            parent.name, parent.name
        )));
    }
    let self_reference = relation.parent == relation.child;
    if self_reference && !slot.nullable {
        return Err(Problem::new(
                at,
                format!("{target} is a key of this same table: the first row has no earlier row to reference, so this field must be nullable"),
            )
            .hint("allow null (Optional[int] in pydantic, or anyOf with {\"type\": \"null\"})"));
    }
    let fanout_at = slot.fanout_pointer.clone().unwrap_or_else(|| at.clone());
    let active = parent_rows - (parent_rows as f64 * slot.fanout.none_share).floor() as u64;
    let ranks = |count: u64| {
        slot.fanout
            .distribution
            .bind_int(0, count.max(1) as i64 - 1)
            .map_err(|message| Problem::new(fanout_at.clone(), message))
    };
    let draw = if self_reference {
        ParentDraw::Earlier {
            ranks: (!slot.fanout.distribution.is_uniform())
                .then(|| ranks(parent_rows))
                .transpose()?,
        }
    } else {
        ParentDraw::Shuffled {
            ranks: ranks(active)?,
            // A composite key's fields shuffle alike, to land on the same row.
            shuffle_salt: relation
                .group
                .unwrap_or_else(|| hash_str(&format!("{}\u{0}{}", child.name, slot.pointer))),
        }
    };
    let link = ParentLink::new(
        parent.name.clone(),
        parent.name_hash(),
        relation.parent_field.clone(),
        parent_rows,
        salts,
        key.clone(),
        draw,
        relation.group,
    );
    check_parent_values(parent, &link, slot, &target, parent_rows)?;
    Ok(link)
}

/// The prepared salts from the parent's row key to `field`, its key generator, and
/// whether the path passes a checked (validated by trial) node.
fn key_path<'t>(
    parent: &'t Table,
    field: &str,
    target: &str,
    at: &str,
) -> Result<(Vec<u64>, &'t Node, bool), Problem> {
    let (salts, property, through_check) = field_path(parent, field, target, at)?;
    let node = &property.node;
    match node {
        Node::Unique(_) => Ok((salts, node, through_check)),
        _ => Err(Problem::new(
            at,
            format!("{target} is not a key: a foreign key references a field marked key: \"primary\" or unique: true, whose values never repeat"),
        )
        .hint(format!("mark {target} \"x-synth\": {{\"key\": \"primary\"}}"))),
    }
}

/// The prepared salts from the parent's row key to its required field `field` (a path
/// of property names), the field, and whether the path passes a checked (validated by
/// trial) node.
fn field_path<'t>(
    parent: &'t Table,
    field: &str,
    target: &str,
    at: &str,
) -> Result<(Vec<u64>, &'t Property, bool), Problem> {
    let mut node = &parent.plan().root;
    let mut salts = Vec::new();
    let mut through_check = false;
    let mut found = None;
    for name in field.split('.') {
        while let Node::Checked(c) = node {
            through_check = true;
            node = c.inner();
        }
        let Node::Object(object) = node else {
            return Err(Problem::new(
                at,
                format!(
                    "{target}: {} has no field {name:?} (the value there is not an object)",
                    parent.name
                ),
            ));
        };
        let Some(property) = object.properties().iter().find(|p| p.name == name) else {
            let known: Vec<&str> = object
                .properties()
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return Err(Problem::new(
                at,
                format!(
                    "{} has no field {name:?} (its fields: {})",
                    parent.name,
                    known.join(", ")
                ),
            )
            .hint("name the parent's key field, e.g. \"Customer.customer_id\""));
        };
        if !property.required {
            return Err(Problem::new(
                at,
                format!(
                    "{target} is optional in {}: a parent row may not hold it",
                    parent.name
                ),
            )
            .hint("reference a required key field"));
        }
        salts.push(property.value_salt());
        node = &property.node;
        found = Some(property);
    }
    let property = found.expect("a field path has a name");
    Ok((salts, property, through_check))
}

/// The link of an ordering against a parent table's field (`"after": "Customer.signup_at"`):
/// the path to that field in the parent's rows and the ordering's bounds against its
/// range.
fn link_parent_order(
    tables: &[Table],
    child: usize,
    slot_index: usize,
) -> Result<ParentOrder, Problem> {
    let slot = &tables[child].plan().parent_orders[slot_index];
    let at = slot.spec.at.as_str();
    let target = format!("{}.{}", slot.table, slot.field);
    let Some(parent) = tables.iter().find(|t| t.name == slot.table) else {
        let known: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        return Err(Problem::new(
            at,
            format!(
                "this rule reads {target}, and table {:?} is not in the dataset (tables: {})",
                slot.table,
                known.join(", ")
            ),
        )
        .hint(format!("give {}'s schema file too", slot.table)));
    };
    let (salts, source, through_check) = field_path(parent, &slot.field, &target, at)?;
    if through_check || !recomputable(&source.node) {
        return Err(Problem::new(
            at,
            format!(
                "{target} is {}{}: a rule across tables reads a date, date-time, integer or number that the parent row draws on its own (not a key, a reference or a field under rules)",
                source.node.describe(),
                if through_check { ", in a table validated by trial" } else { "" }
            ),
        )
        .hint("order against a plain date or number field of the parent"));
    }
    // Named as written in the child's knob, for the ordering's messages.
    let mut named = source.clone();
    named.name = target;
    let ordering = crate::schema::rules::ordering(&slot.spec, &slot.child, &named, 0)?;
    Ok(ParentOrder::new(
        ordering,
        parent.name_hash(),
        salts,
        source.node.clone(),
    ))
}

/// Keys whose value depends on the random draws (and so on a redrawn attempt), not only
/// on the row number.
fn key_depends_on_draws(key: &Node) -> bool {
    match key {
        Node::Unique(u) => match &u.kind {
            UniqueKind::Integer { .. } | UniqueKind::Listed(_) | UniqueKind::Pattern(_) => false,
            UniqueKind::Tagged { .. } => true,
            UniqueKind::Natural(inner) => {
                !matches!(&**inner, Node::Integer(g) if g.sequence.is_some())
            }
        },
        _ => true,
    }
}

/// Refuses a link whose parent values the child's own schema would not accept (a key
/// type the field does not have, a range beyond its bounds), from a sample of parent rows.
fn check_parent_values(
    parent: &Table,
    link: &ParentLink,
    slot: &ReferenceSlot,
    target: &str,
    rows: u64,
) -> Result<(), Problem> {
    let step = (rows / CHECKED_PARENT_ROWS).max(1);
    let sample = (0..rows.min(CHECKED_PARENT_ROWS))
        .chain((0..CHECKED_PARENT_ROWS).map(|i| i * step))
        .chain(rows.saturating_sub(CHECKED_PARENT_ROWS)..rows)
        .filter(|&row| row < rows);
    // Keys computed apart from the link's cache, which the export's seed fills.
    let seed = crate::DEFAULT_SEED;
    let keys = link.keys(seed);
    let ctx = Ctx::new(parent.plan(), seed, table_key(seed, parent.name_hash()), 0);
    for row in sample {
        let mut sink = ValueSink::new();
        link.write_key(&ctx, &keys, row, &mut sink);
        let value: Value = sink.finish();
        if !slot.accepts.is_valid(&value) {
            let why = slot
                .accepts
                .iter_errors(&value)
                .next()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return Err(Problem::new(
                slot.pointer.clone(),
                format!("{target} holds {value} (row {row}), which this field's own schema refuses: {why}"),
            )
            .hint("make the field's schema accept every key value (its type, its bounds), or reference another key"));
        }
    }
    Ok(())
}

/// A foreign key as SQL declares it: the child's columns (field paths) and the parent's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub parent: String,
    pub parent_columns: Vec<String>,
}

/// The linked foreign keys of `table` that a column can hold (not those under arrays),
/// a composite key's fields together, in field order.
pub fn foreign_keys(table: &Table) -> Vec<ForeignKey> {
    let fields = reference_fields(table);
    let mut slots: Vec<(&String, &ParentLink)> = fields
        .iter()
        .filter(|(_, (path, _))| !path.contains("[]"))
        .filter_map(|(slot, (path, _))| {
            table.plan().references[*slot]
                .link
                .as_ref()
                .map(|link| (path, link))
        })
        .collect();
    let order: HashMap<String, usize> = table
        .fields()
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f.path, i))
        .collect();
    slots.sort_by_key(|(path, _)| order.get(*path).copied().unwrap_or(usize::MAX));
    let mut keys: Vec<(Option<u64>, ForeignKey)> = Vec::new();
    for (path, link) in slots {
        let grouped = link.group.and_then(|g| {
            keys.iter_mut()
                .find(|(group, key)| *group == Some(g) && key.parent == link.table)
        });
        match grouped {
            Some((_, key)) => {
                key.columns.push(path.clone());
                key.parent_columns.push(link.field.clone());
            }
            None => keys.push((
                link.group,
                ForeignKey {
                    columns: vec![path.clone()],
                    parent: link.table.clone(),
                    parent_columns: vec![link.field.clone()],
                },
            )),
        }
    }
    keys.into_iter().map(|(_, key)| key).collect()
}
