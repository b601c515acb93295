//! Rules across tables: a child's date (or number) ordered after or before a field of
//! the parent row its foreign key picks, `"after": "Customer.signup_at"` on an order's
//! `placed_at`. The parent row is never stored or read: as a foreign key recomputes the
//! parent's key from the parent row number (reference.rs), the rule recomputes the
//! parent's field from it, under the parent's table key.

use super::object::Property;
use super::rule::{Ordering, Peeked, peek_node};
use super::{Ctx, Node};
use crate::rng::{mix, mix_prepared, table_key};
use crate::schema::rules::OrderSpec;

/// An ordering against a parent table's field, as compiled; [`ParentOrderSlot::link`]
/// is filled when the tables of a dataset are put together (`crate::dataset`). Until
/// then (a table compiled on its own) the field is drawn on its own.
#[derive(Debug, Clone)]
pub struct ParentOrderSlot {
    /// The parent table's name and the field's path in it (`Customer`, `signup_at`).
    pub table: String,
    pub field: String,
    /// The knob as written: the gap, and where it is (what a refusal names).
    pub spec: OrderSpec,
    /// The child field, whose bounds the ordering keeps.
    pub child: Property,
    pub link: Option<ParentOrder>,
}

/// How to recompute the parent's field for a parent row, and the ordering against it.
#[derive(Debug, Clone)]
pub struct ParentOrder {
    pub ordering: Ordering,
    table_hash: u64,
    /// Prepared salts from the parent's row key down to the field (one per property).
    salts: Vec<u64>,
    /// The parent field's generator: a date, date-time, integer or number drawn from
    /// its key alone (no recursion, no references, no rules).
    node: Node,
}

impl ParentOrder {
    pub fn new(ordering: Ordering, table_hash: u64, salts: Vec<u64>, node: Node) -> ParentOrder {
        ParentOrder {
            ordering,
            table_hash,
            salts,
            node,
        }
    }

    /// The parent field's value in parent row `row`, in the ordering's units (`None`
    /// where it is null there).
    pub fn base(&self, ctx: &Ctx, row: u64) -> Option<i64> {
        let parent_key = table_key(ctx.seed, self.table_hash);
        let key = self
            .salts
            .iter()
            .fold(mix(parent_key, row), |k, &salt| mix_prepared(k, salt));
        // The field's generator reads nothing of the plan: the child's serves as any.
        let mut parent = Ctx::new(ctx.plan, ctx.seed, parent_key, row);
        match peek_node(&self.node, &mut parent, key) {
            Peeked::Null | Peeked::Absent => None,
            peeked => peeked.units(self.ordering.scale),
        }
    }
}

/// Where a ruled field finds its parent ordering: the slot in [`super::Plan::parent_orders`],
/// and the index of the foreign-key sibling that picks the parent row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParentOrderRef {
    pub slot: usize,
    pub via: usize,
}

/// Whether a parent field's values are drawn from its key alone, so that a child can
/// recompute them: a date, date-time, integer or number, or a nullable one.
pub fn recomputable(node: &Node) -> bool {
    match node {
        Node::String(super::StringGen::Temporal(_)) | Node::Integer(_) | Node::Number(_) => true,
        Node::Union(u) => u
            .branches()
            .iter()
            .all(|b| matches!(b, Node::Null) || recomputable(b)),
        _ => false,
    }
}
