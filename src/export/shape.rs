//! The storage shape of a table, derived from its JSON Schema: which values are
//! integers, numbers, text, nested objects or lists, and which may be null or absent.
//! csv and sql flatten it into columns ([`super::flat`]); parquet maps it to Arrow types.
//!
//! Rules: local `$ref`s are followed (a reference back into itself becomes JSON text);
//! `anyOf`/`oneOf` drop their `{"type": "null"}` branch (making the value nullable) and
//! merge the rest: objects into one object with every branch's properties (optional
//! unless every branch requires them), `integer` with `number` into `number`, anything
//! else into JSON text. Objects without `properties` (maps) are JSON text too.

use serde_json::{Map, Value};

/// One position in a record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    /// `null` is allowed here.
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Integer,
    Number,
    Boolean,
    Text(TextFormat),
    /// Anything else, stored as JSON text.
    Json,
    /// Properties in schema order.
    Object(Vec<Property>),
    /// A list of elements of one shape.
    Array(Box<Node>),
}

/// Strings whose format has a column type of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFormat {
    Plain,
    DateTime,
    Date,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Property {
    pub name: String,
    pub node: Node,
    /// Listed in `required`: never absent.
    pub required: bool,
    /// `x-synth.key` (or DataSynthTool's `sql.key`) is `"primary"`.
    pub primary_key: bool,
}

impl Node {
    fn new(kind: Kind, nullable: bool) -> Node {
        Node { kind, nullable }
    }

    fn json() -> Node {
        Node::new(Kind::Json, true)
    }
}

/// The shape of records of `document`.
pub(crate) fn derive(document: &Value) -> Node {
    Deriver {
        document,
        expanding: Vec::new(),
    }
    .node(document)
}

struct Deriver<'a> {
    document: &'a Value,
    /// The `$ref`s being expanded, to stop at recursion.
    expanding: Vec<&'a str>,
}

/// How sibling subschemas combine: `anyOf`/`oneOf` (a value matches one of them) or
/// `allOf` (a value matches all of them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Combine {
    Either,
    All,
}

impl<'a> Deriver<'a> {
    fn node(&mut self, schema: &'a Value) -> Node {
        let Some(map) = schema.as_object() else {
            // `true`, `false` or garbage: anything goes.
            return Node::json();
        };
        let nullable_keyword = map.get("nullable") == Some(&Value::Bool(true));
        let mut node = self.node_of(map);
        node.nullable |= nullable_keyword;
        node
    }

    fn node_of(&mut self, map: &'a Map<String, Value>) -> Node {
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return self.reference(reference);
        }
        if let Some(branches) = ["anyOf", "oneOf"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_array))
        {
            return self.union(branches);
        }
        if let Some(parts) = map.get("allOf").and_then(Value::as_array)
            && !map.contains_key("type")
            && !map.contains_key("properties")
        {
            let nodes: Vec<Node> = parts.iter().map(|p| self.node(p)).collect();
            return merge_all(nodes, Combine::All).unwrap_or_else(Node::json);
        }
        match map.get("type") {
            Some(Value::String(t)) => self.typed(map, t),
            Some(Value::Array(types)) => {
                let mut nullable = false;
                let mut nodes = Vec::new();
                for t in types.iter().filter_map(Value::as_str) {
                    if t == "null" {
                        nullable = true;
                    } else {
                        nodes.push(self.typed(map, t));
                    }
                }
                let mut node = merge_all(nodes, Combine::Either).unwrap_or_else(Node::json);
                node.nullable |= nullable;
                node
            }
            _ => self.untyped(map),
        }
    }

    fn reference(&mut self, reference: &'a str) -> Node {
        let Some(pointer) = reference.strip_prefix('#') else {
            // Another file: not resolved here.
            return Node::json();
        };
        if self.expanding.contains(&reference) {
            return Node::json();
        }
        let Some(target) = self.document.pointer(pointer) else {
            return Node::json();
        };
        self.expanding.push(reference);
        let node = self.node(target);
        self.expanding.pop();
        node
    }

    fn union(&mut self, branches: &'a [Value]) -> Node {
        let mut nullable = false;
        let mut nodes = Vec::new();
        for branch in branches {
            if is_null_schema(branch) {
                nullable = true;
            } else {
                nodes.push(self.node(branch));
            }
        }
        let mut node = merge_all(nodes, Combine::Either).unwrap_or_else(Node::json);
        node.nullable |= nullable;
        node
    }

    fn typed(&mut self, map: &'a Map<String, Value>, type_name: &str) -> Node {
        let kind = match type_name {
            "integer" => Kind::Integer,
            "number" => Kind::Number,
            "boolean" => Kind::Boolean,
            "string" => Kind::Text(text_format(map)),
            "object" => return self.object(map),
            "array" => return self.array(map),
            "null" => return Node::json(),
            _ => Kind::Json,
        };
        Node::new(kind, false)
    }

    /// No `type`: guess from the other keywords.
    fn untyped(&mut self, map: &'a Map<String, Value>) -> Node {
        if let Some(value) = map.get("const") {
            return node_of_values(std::slice::from_ref(value));
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            return node_of_values(values);
        }
        if map.contains_key("properties") {
            return self.object(map);
        }
        if map.contains_key("items") || map.contains_key("prefixItems") {
            return self.array(map);
        }
        if map.contains_key("format") {
            return Node::new(Kind::Text(text_format(map)), false);
        }
        Node::json()
    }

    fn object(&mut self, map: &'a Map<String, Value>) -> Node {
        let Some(properties) = map.get("properties").and_then(Value::as_object) else {
            return Node::new(Kind::Json, false);
        };
        if properties.is_empty() {
            return Node::new(Kind::Json, false);
        }
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = properties
            .iter()
            .map(|(name, schema)| Property {
                name: name.clone(),
                node: self.node(schema),
                required: required.contains(&name.as_str()),
                primary_key: is_primary_key(schema),
            })
            .collect();
        Node::new(Kind::Object(properties), false)
    }

    fn array(&mut self, map: &'a Map<String, Value>) -> Node {
        // A tuple (`prefixItems`, or draft-07 `items: [...]`) is a list of the merged
        // element shapes; `items` after `prefixItems` describes the remaining elements.
        let mut elements = Vec::new();
        let tuple = map
            .get("prefixItems")
            .or_else(|| map.get("items").filter(|i| i.is_array()));
        if let Some(Value::Array(items)) = tuple {
            elements.extend(items.iter().map(|item| self.node(item)));
        }
        let rest = if map.contains_key("prefixItems") {
            map.get("items")
        } else {
            map.get("items").filter(|i| !i.is_array())
        };
        match rest {
            Some(Value::Bool(false)) => {}
            Some(schema) => elements.push(self.node(schema)),
            None if elements.is_empty() => elements.push(Node::json()),
            None => {}
        }
        let element = merge_all(elements, Combine::Either).unwrap_or_else(Node::json);
        Node::new(Kind::Array(Box::new(element)), false)
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn text_format(map: &Map<String, Value>) -> TextFormat {
    match map.get("format").and_then(Value::as_str) {
        Some("date-time") => TextFormat::DateTime,
        Some("date") => TextFormat::Date,
        _ => TextFormat::Plain,
    }
}

fn is_primary_key(schema: &Value) -> bool {
    ["x-synth", "sql"].iter().any(|k| {
        schema
            .get(k)
            .and_then(|s| s.get("key"))
            .and_then(Value::as_str)
            == Some("primary")
    })
}

/// The shape of a value drawn from `values` (an `enum` or a `const`).
fn node_of_values(values: &[Value]) -> Node {
    let mut nullable = false;
    let mut nodes = Vec::new();
    for value in values {
        let kind = match value {
            Value::Null => {
                nullable = true;
                continue;
            }
            Value::Bool(_) => Kind::Boolean,
            Value::Number(n) if n.is_i64() => Kind::Integer,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::Text(TextFormat::Plain),
            Value::Array(_) | Value::Object(_) => Kind::Json,
        };
        nodes.push(Node::new(kind, false));
    }
    let mut node = merge_all(nodes, Combine::Either).unwrap_or_else(Node::json);
    node.nullable |= nullable;
    node
}

fn merge_all(nodes: Vec<Node>, how: Combine) -> Option<Node> {
    nodes.into_iter().reduce(|a, b| merge(a, b, how))
}

/// One shape that holds the values of both.
fn merge(a: Node, b: Node, how: Combine) -> Node {
    let nullable = match how {
        Combine::Either => a.nullable || b.nullable,
        Combine::All => a.nullable && b.nullable,
    };
    let kind = match (a.kind, b.kind) {
        (Kind::Integer, Kind::Number) | (Kind::Number, Kind::Integer) => Kind::Number,
        (Kind::Text(x), Kind::Text(y)) => Kind::Text(if x == y { x } else { TextFormat::Plain }),
        (Kind::Object(x), Kind::Object(y)) => Kind::Object(merge_properties(x, y, how)),
        (Kind::Array(x), Kind::Array(y)) => Kind::Array(Box::new(merge(*x, *y, how))),
        (x, y) if x == y => x,
        _ => Kind::Json,
    };
    Node { kind, nullable }
}

fn merge_properties(mut into: Vec<Property>, from: Vec<Property>, how: Combine) -> Vec<Property> {
    let both_have: Vec<bool> = into
        .iter()
        .map(|p| from.iter().any(|q| q.name == p.name))
        .collect();
    if how == Combine::Either {
        // A property missing from one branch is absent from that branch's records.
        for (property, shared) in into.iter_mut().zip(both_have) {
            property.required &= shared;
        }
    }
    for property in from {
        match into.iter_mut().find(|p| p.name == property.name) {
            Some(existing) => {
                let node = std::mem::replace(&mut existing.node, Node::json());
                existing.node = merge(node, property.node, how);
                existing.required = match how {
                    Combine::Either => existing.required && property.required,
                    Combine::All => existing.required || property.required,
                };
                existing.primary_key |= property.primary_key;
            }
            None => into.push(Property {
                required: property.required && how == Combine::All,
                ..property
            }),
        }
    }
    into
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(node: &Node) -> &[Property] {
        match &node.kind {
            Kind::Object(properties) => properties,
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn pydantic_shapes() {
        let schema = json!({
            "$defs": {
                "Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                "Span": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Span"}}
                }, "required": ["name"]},
                "Level": {"enum": [10, 20]}
            },
            "type": "object",
            "properties": {
                "id": {"type": "integer", "x-synth": {"key": "primary"}},
                "at": {"type": "string", "format": "date-time"},
                "phone": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "address": {"$ref": "#/$defs/Address"},
                "level": {"$ref": "#/$defs/Level"},
                "trace": {"anyOf": [{"$ref": "#/$defs/Span"}, {"type": "null"}]},
                "position": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "integer"}]},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "payment": {"oneOf": [
                    {"type": "object", "properties": {"kind": {"const": "card"}, "last4": {"type": "string"}}, "required": ["kind", "last4"]},
                    {"type": "object", "properties": {"kind": {"const": "bank"}, "iban": {"type": "string"}}, "required": ["kind", "iban"]}
                ]},
                "mixed": {"type": ["string", "integer", "null"]}
            },
            "required": ["id", "address"]
        });
        let root = derive(&schema);
        let props = object(&root);
        let find = |name: &str| props.iter().find(|p| p.name == name).unwrap();
        assert!(find("id").primary_key && find("id").required);
        assert_eq!(find("at").node.kind, Kind::Text(TextFormat::DateTime));
        assert!(find("phone").node.nullable && !find("phone").required);
        assert_eq!(object(&find("address").node)[0].name, "city");
        assert_eq!(find("level").node.kind, Kind::Integer);
        let trace = &find("trace").node;
        assert!(trace.nullable);
        let children = &object(trace)[1].node;
        assert_eq!(
            children.kind,
            Kind::Array(Box::new(Node::json())),
            "recursion stops at JSON"
        );
        assert_eq!(
            find("position").node.kind,
            Kind::Array(Box::new(Node::new(Kind::Number, false)))
        );
        assert_eq!(find("labels").node.kind, Kind::Json);
        let payment: Vec<(&str, bool)> = object(&find("payment").node)
            .iter()
            .map(|p| (p.name.as_str(), p.required))
            .collect();
        assert_eq!(payment, [("kind", true), ("last4", false), ("iban", false)]);
        assert_eq!(find("mixed").node, Node::new(Kind::Json, true));
    }
}
