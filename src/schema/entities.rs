//! Entities: the fields of one object that show parts of one person (first name, last
//! name, full name, email, username) or one place (street, city, state, postcode,
//! country, phone) are drawn from that entity, so that they agree (domain/entity.rs).
//!
//! Fields are grouped by the words before what their names say they hold:
//! `billing_city` and `billing_postcode` are one place, `shipping_city` another, and
//! `first_name`, `last_name` and `email` one person. The `entity` knob names a field's
//! group (`"entity": "billing"`) or draws it on its own (`false`). Only fields whose
//! every entity value meets their constraints take part (a value that missed would be
//! drawn again, away from its entity); a country takes the place's own only beside a
//! field that locates the place (a lone `country` is any country).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::compile::Compiler;
use super::infer::entity_prefix;
use super::knobs::EntityKnob;
use crate::error::Severity;
use crate::generate::Node;
use crate::generate::domain::{Domain, EntityKind, EntityRole};
use crate::generate::object::Property;
use crate::generate::string::StringGen;
use crate::rng::hash_str;

/// One field that could show a part of an entity.
struct Member {
    index: usize,
    domain: Domain,
}

impl Compiler {
    /// Draws the person and place fields of one object's `properties` from their
    /// entities; `knobs[i]` is property `i`'s `entity` knob. Returns whether any field
    /// is, so that the object hands its key to them ([`crate::generate::Ctx::entity`]).
    pub(super) fn link_entities(
        &mut self,
        properties: &mut [Property],
        knobs: &[Option<(EntityKnob, String)>],
    ) -> bool {
        let mut groups: BTreeMap<String, Vec<Member>> = BTreeMap::new();
        let places = super::infer::place_prefixes(properties.iter().map(|p| p.name.as_str()));
        let mut named_by_knob = Vec::new();
        for (index, (prop, knob)) in properties.iter().zip(knobs).enumerate() {
            let domain = domain_of(&prop.node);
            let group = match (knob, domain.and_then(Domain::entity_kind)) {
                (Some((EntityKnob::Alone, _)), _) => continue,
                (Some((_, at)), None) => {
                    self.note(
                        Severity::Ignored,
                        at.clone(),
                        format!("entity has no effect: {:?} is no person or place field drawn from a domain (first_name, email, city, postcode, ...) on its own", prop.name),
                    );
                    continue;
                }
                (_, None) => continue,
                (Some((EntityKnob::Group(Some(name)), _)), _) => {
                    named_by_knob.push(name.clone());
                    name.clone()
                }
                (_, Some(_)) => entity_prefix(&prop.name, &places),
            };
            let domain = domain.expect("a domain field");
            groups
                .entry(group)
                .or_default()
                .push(Member { index, domain });
        }
        join_lone_contacts(&mut groups, &named_by_knob);
        let mut any = false;
        for (group, members) in &groups {
            let locates = members.iter().any(|m| m.domain.locates());
            let role = EntityRole {
                group: hash_str(&format!("entity {group}")),
                own_country: locates,
            };
            let mut linked = Vec::new();
            for member in members {
                let prop = &mut properties[member.index];
                let country = matches!(member.domain, Domain::Country | Domain::CountryCode);
                if country && !locates {
                    continue;
                }
                let Some(StringGen::Domain {
                    domain,
                    locale,
                    min,
                    max,
                    entity,
                    ..
                }) = domain_leaf(&mut prop.node)
                else {
                    continue;
                };
                if !domain.entity_fits(*locale, role, *min, *max) {
                    if members.len() > 1 {
                        self.note(
                            Severity::Note,
                            prop.pointer.clone(),
                            format!("{:?} is drawn on its own, not as part of its {}: some of that entity's values miss its length bounds", prop.name, kind_name(*domain)),
                        );
                    }
                    continue;
                }
                *entity = Some(role);
                linked.push(prop.name.clone());
            }
            any |= !linked.is_empty();
            if linked.len() > 1 {
                let at = properties[members[0].index].pointer.clone();
                let kinds = if members
                    .iter()
                    .all(|m| m.domain.entity_kind() == Some(EntityKind::Person))
                {
                    "one person"
                } else if members
                    .iter()
                    .all(|m| m.domain.entity_kind() == Some(EntityKind::Place))
                {
                    "one place"
                } else {
                    "one person and one place"
                };
                let named = if group.is_empty() {
                    String::new()
                } else {
                    format!(" ({group})")
                };
                self.note(
                    Severity::Inferred,
                    at,
                    format!(
                        "{} are {kinds}{named}, so their values agree (\"x-synth\": {{\"entity\": false}} on a field draws it on its own, {{\"entity\": \"NAME\"}} puts it in another group)",
                        linked.join(", ")
                    ),
                );
            }
        }
        any
    }
}

/// An email or username grouped apart from every name (`contact_email`, `login_username`
/// beside `first_name` and `last_name`) joins the person who has names, where the object
/// has exactly one: a record's contact address is its person's. Groups an `entity` knob
/// named stay as written.
fn join_lone_contacts(groups: &mut BTreeMap<String, Vec<Member>>, named_by_knob: &[String]) {
    let has_names = |members: &[Member]| {
        members.iter().any(|m| {
            matches!(
                m.domain,
                Domain::FirstName | Domain::LastName | Domain::Name
            )
        })
    };
    let mut people = groups.iter().filter(|(_, members)| has_names(members));
    let (Some((person, _)), None) = (people.next(), people.next()) else {
        return;
    };
    let person = person.clone();
    let contacts: Vec<String> = groups
        .iter()
        .filter(|(group, members)| {
            **group != person
                && !named_by_knob.contains(group)
                && members
                    .iter()
                    .all(|m| matches!(m.domain, Domain::Email | Domain::Username))
        })
        .map(|(group, _)| group.clone())
        .collect();
    for group in contacts {
        let members = groups.remove(&group).unwrap_or_default();
        groups.entry(person.clone()).or_default().extend(members);
    }
}

fn kind_name(domain: Domain) -> &'static str {
    match domain.entity_kind() {
        Some(EntityKind::Person) => "person",
        _ => "place",
    }
}

/// The domain of [`domain_leaf`], read without making a shared union the node's own.
fn domain_of(node: &Node) -> Option<Domain> {
    let leaf = |node: &Node| match node {
        Node::String(StringGen::Domain { domain, .. }) => Some(*domain),
        _ => None,
    };
    match node {
        Node::Union(union) => {
            let branches = union.branches();
            let nulls = branches.iter().filter(|b| matches!(b, Node::Null)).count();
            (nulls + 1 == branches.len())
                .then(|| branches.iter().find_map(leaf))
                .flatten()
        }
        other => leaf(other),
    }
}

/// The domain string a property's value is drawn from, where nothing else decides it: the
/// node itself, or the one non-null branch of a nullable field. A checked, ruled, keyed
/// or noisy field is drawn otherwise and takes no part.
fn domain_leaf(node: &mut Node) -> Option<&mut StringGen> {
    match node {
        Node::String(leaf @ StringGen::Domain { .. }) => Some(leaf),
        Node::Union(union) => {
            let branches = union.branches();
            let nulls = branches.iter().filter(|b| matches!(b, Node::Null)).count();
            if nulls + 1 != branches.len() {
                return None;
            }
            Arc::make_mut(union)
                .branches_mut()
                .iter_mut()
                .find_map(|b| match b {
                    Node::String(leaf @ StringGen::Domain { .. }) => Some(leaf),
                    _ => None,
                })
        }
        _ => None,
    }
}
