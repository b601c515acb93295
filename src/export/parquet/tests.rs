//! The parquet writer's parts together: records through [`ColumnSink`], encoded by
//! [`leaf`], read back with the parquet crate's record reader.

use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::{Row, RowAccessor};
use parquet::schema::printer::print_schema;
use parquet::schema::types::SchemaDescriptor;
use serde_json::{Value, json};

use super::columns::{ColumnSink, Misfit};
use super::leaf::parse_uuid;
use super::schema::schema;
use crate::Table;
use crate::export::shape::{Kind, Node, TextFormat, derive};
use crate::sink::{Sink, ValueSink};

fn shape(schema: Value) -> Node {
    derive(&Table::from_value(schema, None).unwrap())
}

/// `records` replayed into a sink, or the first misfit.
fn filled(root: &Node, records: &[Value]) -> Result<ColumnSink, Misfit> {
    let mut sink = ColumnSink::new(root);
    for record in records {
        sink.start_record();
        sink.value(record);
        sink.finish_record()?;
    }
    Ok(sink)
}

/// A parquet file of `sink`'s records, as one row group.
fn file_of(root: &Node, sink: &mut ColumnSink) -> Bytes {
    let schema = schema(root).unwrap();
    let columns = SchemaDescriptor::new(Arc::clone(&schema));
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let chunks = sink.encode(columns.columns(), &props).unwrap();
    let mut file = SerializedFileWriter::new(Vec::new(), schema, props).unwrap();
    let mut group = file.next_row_group().unwrap();
    for chunk in chunks {
        group.append_column(&chunk.bytes, chunk.close).unwrap();
    }
    group.close().unwrap();
    Bytes::from(file.into_inner().unwrap())
}

/// The rows of a file, as the record reader shows them.
fn read(file: Bytes) -> Vec<Row> {
    let reader = SerializedFileReader::new(file).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// `records` written and read back, each row as the record reader shows it.
fn round_trip(root: &Node, records: &[Value]) -> Vec<String> {
    let mut sink = filled(root, records).unwrap();
    read(file_of(root, &mut sink))
        .iter()
        .map(Row::to_string)
        .collect()
}

fn schema_text(root: &Node) -> String {
    let mut text = Vec::new();
    print_schema(&mut text, &schema(root).unwrap());
    String::from_utf8(text).unwrap()
}

fn misfit_of(root: &Node, record: Value) -> (String, String) {
    let misfit = filled(root, &[record]).err().unwrap();
    (misfit.path, misfit.message)
}

#[test]
fn uuids_become_their_16_bytes() {
    let bytes = parse_uuid("123e4567-E89B-12d3-a456-426614174000").unwrap();
    assert_eq!(bytes[..3], [0x12, 0x3e, 0x45]);
    assert_eq!(bytes[15], 0x00);
    for bad in [
        "",
        "123e4567e89b12d3a456426614174000",
        "123e4567-e89b-12d3-a456-42661417400g",
        "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567-e89b-12d3-a456--26614174000",
        "123e4567-e89b-12d3-a4é-426614174000",
    ] {
        assert_eq!(parse_uuid(bad), None, "{bad}");
    }
}

#[test]
fn date_times_become_utc_timestamps_and_dates_dates() {
    let times = Node {
        kind: Kind::Text(TextFormat::DateTime),
        nullable: true,
    };
    assert_eq!(
        schema_text(&times).trim(),
        "message schema {\n  OPTIONAL INT64 value (TIMESTAMP(MICROS,true));\n}"
    );
    let mut sink = filled(&times, &[json!("2024-01-01T12:34:56+02:00"), Value::Null]).unwrap();
    let rows = read(file_of(&times, &mut sink));
    assert_eq!(
        rows.iter().map(Row::to_string).collect::<Vec<_>>(),
        [
            "{value: 2024-01-01 10:34:56.000000 +00:00}",
            "{value: null}"
        ]
    );
    assert_eq!(
        rows[0].get_timestamp_micros(0).unwrap(),
        1_704_105_296_000_000
    );
    assert_eq!(
        misfit_of(&times, json!("yesterday")),
        (
            "(root)".into(),
            "expected an RFC 3339 date-time, got \"yesterday\"".into()
        )
    );

    let dates = Node {
        kind: Kind::Text(TextFormat::Date),
        nullable: false,
    };
    let mut sink = filled(&dates, &[json!("1970-01-02")]).unwrap();
    let rows = read(file_of(&dates, &mut sink));
    let (_, day) = rows[0].get_column_iter().next().unwrap();
    assert_eq!(day, &parquet::record::Field::Date(1));
}

#[test]
fn a_misfit_names_its_path() {
    let root = shape(json!({
        "type": "object",
        "properties": {
            "counts": {"type": "array", "items": {"type": "integer"}},
            "items": {"type": "array", "items": {
                "type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]
            }}
        },
        "required": ["counts"]
    }));
    let cases = [
        (
            json!({"counts": [1, "two"]}),
            "counts[]",
            "expected an integer, got \"two\"",
        ),
        (
            json!({}),
            "counts",
            "is required and not nullable, but missing",
        ),
        (
            json!({"counts": null}),
            "counts",
            "is required and not nullable, but null",
        ),
        (
            json!({"counts": {"a": 1}}),
            "counts",
            "expected an array, got an object",
        ),
        (
            json!({"counts": [], "items": [{"sku": 5}]}),
            "items[].sku",
            "expected a string, got a number",
        ),
        (
            json!({"counts": [], "items": [{}]}),
            "items[].sku",
            "is required and not nullable, but missing",
        ),
        (json!("x"), "(root)", "expected an object, got a string"),
        (Value::Null, "(root)", "expected an object, got null"),
    ];
    for (record, path, message) in cases {
        assert_eq!(
            misfit_of(&root, record.clone()),
            (path.to_owned(), message.to_owned()),
            "{record}"
        );
    }
}

/// Properties in any order land in schema order; unknown keys are skipped; absent
/// and null are both null; JSON columns hold serde_json's text.
#[test]
fn records_fill_their_columns() {
    let root = shape(json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date"},
            "address": {"type": "object", "properties": {
                "city": {"type": "string"},
                "zip": {"type": ["string", "null"]}
            }, "required": ["city"]},
            "manager": {"anyOf": [
                {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                {"type": "null"}
            ]},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "sku": {"type": "string"},
                "qty": {"type": "integer"},
                "price": {"type": "number"}
            }, "required": ["sku"]}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "meta": {"type": "object"}
        },
        "required": ["id", "at", "address", "items"]
    }));
    assert_eq!(
        schema_text(&root),
        "message schema {
  REQUIRED INT64 id;
  REQUIRED INT64 at (TIMESTAMP(MICROS,true));
  OPTIONAL INT32 day (DATE);
  REQUIRED group address {
    REQUIRED BYTE_ARRAY city (STRING);
    OPTIONAL BYTE_ARRAY zip (STRING);
  }
  OPTIONAL group manager {
    REQUIRED BYTE_ARRAY name (STRING);
  }
  REQUIRED group items (LIST) {
    REPEATED group list {
      REQUIRED group item {
        REQUIRED BYTE_ARRAY sku (STRING);
        OPTIONAL INT64 qty;
        OPTIONAL DOUBLE price;
      }
    }
  }
  OPTIONAL BYTE_ARRAY labels (STRING);
  OPTIONAL BYTE_ARRAY meta (STRING);
}
"
    );
    let labels = json!({"b": "1", "a": "say \"hi\"\n"});
    let meta = json!({"n": 1.5, "list": [1, null, -0.25, "x"], "t": {"deep": true}});
    let records = [
        json!({
            "meta": meta,
            "labels": labels,
            "items": [{"price": 2, "qty": 2, "sku": "a"}, {"sku": "b", "price": 0.5}],
            "manager": null,
            "extra": {"deep": [1, {"id": 9}]},
            "address": {"zip": null, "city": "X"},
            "day": "2024-02-29",
            "at": "2024-01-01T00:00:00Z",
            "id": 1
        }),
        json!({
            "id": 2,
            "at": "1970-01-01T00:00:01.5+00:00",
            "address": {"city": "Y", "zip": "Z1"},
            "manager": {"name": "M"},
            "items": [],
            "meta": "text"
        }),
    ];
    let rows = round_trip(&root, &records);
    assert_eq!(
        rows,
        [
            format!(
                "{{id: 1, at: 2024-01-01 00:00:00.000000 +00:00, day: 2024-02-29, \
                 address: {{city: \"X\", zip: null}}, manager: null, \
                 items: [{{sku: \"a\", qty: 2, price: 2.0}}, {{sku: \"b\", qty: null, price: 0.5}}], \
                 labels: \"{labels}\", meta: \"{meta}\"}}"
            ),
            "{id: 2, at: 1970-01-01 00:00:01.500000 +00:00, day: null, \
             address: {city: \"Y\", zip: \"Z1\"}, manager: {name: \"M\"}, items: [], \
             labels: null, meta: \"\"text\"\"}"
                .to_owned(),
        ]
    );
    // serde_json's text, byte for byte.
    assert_eq!(
        format!("{labels}"),
        serde_json::to_string(&labels).unwrap(),
        "Display is compact JSON"
    );
}

/// Nested lists of structs with nulls at every level: a null or absent list, an empty
/// list, a null item, a struct whose fields are null or absent, a null, empty and
/// partly null inner list. These are the levels Dremel's encoding gives them.
#[test]
fn nested_lists_of_structs_get_their_levels() {
    let root = shape(json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "orders": {"type": ["array", "null"], "items": {"anyOf": [
                {"type": "object", "properties": {
                    "sku": {"type": ["string", "null"]},
                    "tags": {"type": ["array", "null"], "items": {"type": ["string", "null"]}}
                }, "required": ["sku"]},
                {"type": "null"}
            ]}}
        },
        "required": ["id"]
    }));
    assert_eq!(
        schema_text(&root),
        "message schema {
  REQUIRED INT64 id;
  OPTIONAL group orders (LIST) {
    REPEATED group list {
      OPTIONAL group item {
        OPTIONAL BYTE_ARRAY sku (STRING);
        OPTIONAL group tags (LIST) {
          REPEATED group list {
            OPTIONAL BYTE_ARRAY item (STRING);
          }
        }
      }
    }
  }
}
"
    );
    let records = [
        json!({"id": 0, "orders": null}),
        json!({"id": 1}),
        json!({"id": 2, "orders": []}),
        json!({"id": 3, "orders": [
            null,
            {"sku": null},
            {"sku": "a", "tags": null},
            {"sku": "b", "tags": []},
            {"tags": [null, "x"], "sku": "c"}
        ]}),
        json!({"id": 4, "orders": [{"sku": "d", "tags": ["y"]}]}),
    ];
    let sink = filled(&root, &records).unwrap();
    let [id, sku, tag] = &sink.leaves[..] else {
        panic!("{} leaves", sink.leaves.len());
    };
    assert_eq!((id.max_def, id.max_rep), (0, 0));
    assert_eq!(id.levels(), (&[][..], &[][..]), "no levels to keep");
    assert_eq!((sku.max_def, sku.max_rep), (4, 1));
    assert_eq!(
        sku.levels(),
        (
            &[0, 0, 1, 2, 3, 4, 4, 4, 4][..],
            &[0, 0, 0, 0, 1, 1, 1, 1, 0][..]
        )
    );
    assert_eq!((tag.max_def, tag.max_rep), (6, 2));
    assert_eq!(
        tag.levels(),
        (
            &[0, 0, 1, 2, 3, 3, 4, 5, 6, 6][..],
            &[0, 0, 0, 0, 1, 1, 1, 1, 2, 0][..]
        )
    );
    assert_eq!(
        round_trip(&root, &records),
        [
            "{id: 0, orders: null}",
            "{id: 1, orders: null}",
            "{id: 2, orders: []}",
            "{id: 3, orders: [null, {sku: null, tags: null}, {sku: \"a\", tags: null}, \
             {sku: \"b\", tags: []}, {sku: \"c\", tags: [null, \"x\"]}]}",
            "{id: 4, orders: [{sku: \"d\", tags: [\"y\"]}]}",
        ]
    );

    // Lists of lists, as the whole record.
    let root = shape(json!({"type": ["array", "null"], "items": {
        "type": "array", "items": {"type": ["integer", "null"]}
    }}));
    let records = [
        json!([[1, 2], [], [null, 3]]),
        Value::Null,
        json!([]),
        json!([[4]]),
    ];
    assert_eq!(
        round_trip(&root, &records),
        [
            "{value: [[1, 2], [], [null, 3]]}",
            "{value: null}",
            "{value: []}",
            "{value: [[4]]}",
        ]
    );
}

/// Decimals are stored in the narrowest of INT32, INT64 and fixed bytes that holds
/// their precision, with their `DECIMAL(p,s)`.
#[test]
fn decimals_keep_their_digits_at_every_width() {
    use crate::export::shape::DecimalDigits;
    let decimal = |precision, scale| Node {
        kind: Kind::Decimal(Some(DecimalDigits { precision, scale })),
        nullable: true,
    };
    for (node, column, values, shown) in [
        (
            decimal(6, 2),
            "OPTIONAL INT32 value (DECIMAL(6,2));",
            json!([-9999.99, 0.05]),
            ["-9999.99", "0.05"],
        ),
        (
            decimal(15, 3),
            "OPTIONAL INT64 value (DECIMAL(15,3));",
            json!([123_456_789_012.345, -0.001]),
            ["123456789012.345", "-0.001"],
        ),
        (
            decimal(30, 2),
            "OPTIONAL FIXED_LEN_BYTE_ARRAY (13) value (DECIMAL(30,2));",
            json!([-1e20, 12.5]),
            ["-100000000000000000000.00", "12.50"],
        ),
    ] {
        assert!(
            schema_text(&node).contains(column),
            "{}",
            schema_text(&node)
        );
        let mut records: Vec<Value> = values.as_array().unwrap().clone();
        records.push(Value::Null);
        let rows = round_trip(&node, &records);
        assert_eq!(
            rows,
            [
                format!("{{value: {}}}", shown[0]),
                format!("{{value: {}}}", shown[1]),
                "{value: null}".to_owned()
            ]
        );
    }
    assert_eq!(
        misfit_of(&decimal(6, 2), json!(0.001)).1,
        "expected a number on the column's decimal grid, got a number"
    );
    assert_eq!(
        misfit_of(&decimal(4, 2), json!(100.0)).1,
        "expected a number on the column's decimal grid, got a number",
        "beyond the precision"
    );
}

/// What generators stream equals what replaying their `Value` gives (the route of
/// `--validate`), with nested and null objects, lists of objects, absent keys, maps,
/// dates and date-times all present; and it reads back as those values.
#[test]
fn streamed_rows_equal_replayed_values() {
    let table = Table::from_value(
        json!({
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date", "x-synth": {"absent_rate": 0.3}},
                "nickname": {"type": ["string", "null"], "x-synth": {"null_rate": 0.3}},
                "score": {"type": "number"},
                "address": {"type": "object", "properties": {
                    "city": {"type": "string"},
                    "geo": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {
                        "lat": {"type": "number"}, "lon": {"type": "number"}
                    }, "required": ["lat", "lon"]}], "x-synth": {"null_rate": 0.3}}
                }, "required": ["city"]},
                "items": {"type": "array", "maxItems": 4, "items": {"type": "object", "properties": {
                    "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
                    "qty": {"type": "integer", "minimum": 1, "x-synth": {"absent_rate": 0.3}},
                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}
                }, "required": ["sku"]}},
                "labels": {"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 3, "x-synth": {"absent_rate": 0.3}},
                "mixed": {"type": ["string", "integer", "boolean"]}
            },
            "required": ["id", "at", "address", "items", "mixed"]
        }),
        None,
    )
    .unwrap();
    let root = derive(&table);
    let (mut streamed, mut replayed) = (ColumnSink::new(&root), ColumnSink::new(&root));
    let mut values = Vec::new();
    for row in 0..400 {
        streamed.start_record();
        table.write_row(7, row, &mut streamed).unwrap();
        streamed.finish_record().unwrap();
        let mut value = ValueSink::new();
        table.write_row(7, row, &mut value).unwrap();
        let value = value.finish();
        replayed.start_record();
        replayed.value(&value);
        replayed.finish_record().unwrap();
        values.push(value);
    }
    assert!(streamed.leaves == replayed.leaves);

    let rows = read(file_of(&root, &mut streamed));
    assert_eq!(rows.len(), 400);
    // Every case was met, and each reads back as its value.
    let (mut absent_days, mut null_nicknames, mut null_geos, mut items, mut absent_qty) =
        (0, 0, 0, 0, 0);
    let (mut maps, mut quoted) = (0, 0);
    for (row, value) in rows.iter().zip(&values) {
        let shown = row.to_string();
        assert!(
            shown.starts_with(&format!("{{id: {}, ", value["id"])),
            "{shown}"
        );
        absent_days += usize::from(value.get("day").is_none());
        null_nicknames += usize::from(value["nickname"].is_null());
        null_geos += usize::from(value["address"]["geo"].is_null());
        for item in value["items"].as_array().unwrap() {
            items += 1;
            absent_qty += usize::from(item.get("qty").is_none());
        }
        let fields: Vec<_> = row.get_column_iter().map(|(_, f)| f.to_string()).collect();
        let day = value
            .get("day")
            .map_or("null".into(), |d| d.as_str().unwrap().to_owned());
        assert_eq!(fields[2], day);
        let nickname = match &value["nickname"] {
            Value::Null => "null".to_owned(),
            v => format!("\"{}\"", v.as_str().unwrap()),
        };
        assert_eq!(fields[3], nickname);
        if let Some(labels) = value.get("labels") {
            maps += 1;
            assert_eq!(fields[7], format!("\"{labels}\""));
        }
        let mixed = value["mixed"].to_string();
        quoted += usize::from(mixed.starts_with('"'));
        assert_eq!(fields[8], format!("\"{mixed}\""));
        let item_count = row.get_list(6).unwrap().len();
        assert_eq!(item_count, value["items"].as_array().unwrap().len());
    }
    let partly = |n: usize, of: usize| n > 0 && n < of;
    assert!(partly(absent_days, 400) && partly(null_nicknames, 400));
    assert!(partly(null_geos, 400), "geo");
    assert!(items > 400, "lists of objects");
    assert!(partly(absent_qty, items), "qty");
    assert!(partly(maps, 400) && partly(quoted, 400));
}
