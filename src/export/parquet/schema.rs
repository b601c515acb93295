//! The file's parquet schema, from the table's shape: one column per property (objects
//! as groups, arrays as three-level `LIST` groups, the layout Arrow writes and every
//! reader expects), each leaf in the physical type [`super::leaf::Values`] keeps.

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use parquet::errors::ParquetError;
use parquet::schema::types::{Type, TypePtr};

use super::leaf::{DecimalStorage, UUID_BYTES};
use super::{VALUE_COLUMN, is_nullable};
use crate::export::shape::{Kind, Node, TextFormat};

/// The name of the schema's root group (readers ignore it).
const ROOT_NAME: &str = "schema";

/// A list's repeated group and its element, as the format's `LIST` layout names them
/// (and Arrow's writer does): `<list> (LIST) { repeated group list { <item> } }`.
const LIST_GROUP: &str = "list";
const LIST_ITEM: &str = "item";

/// The schema of a file of records of shape `root`: its properties when records are
/// objects, else one column, [`VALUE_COLUMN`].
pub(super) fn schema(root: &Node) -> Result<TypePtr, ParquetError> {
    let fields = match &root.kind {
        Kind::Object(properties) => properties
            .iter()
            .map(|p| field(&p.name, &p.node, is_nullable(p)))
            .collect::<Result<_, _>>()?,
        _ => vec![field(VALUE_COLUMN, root, root.nullable)?],
    };
    Ok(Arc::new(
        Type::group_type_builder(ROOT_NAME)
            .with_fields(fields)
            .build()?,
    ))
}

fn field(name: &str, node: &Node, nullable: bool) -> Result<TypePtr, ParquetError> {
    let repetition = if nullable {
        Repetition::OPTIONAL
    } else {
        Repetition::REQUIRED
    };
    let leaf = |physical, logical| {
        Type::primitive_type_builder(name, physical)
            .with_repetition(repetition)
            .with_logical_type(logical)
    };
    let built = match &node.kind {
        Kind::Integer(_) => leaf(PhysicalType::INT64, None).build(),
        Kind::Number | Kind::Decimal(None) => leaf(PhysicalType::DOUBLE, None).build(),
        Kind::Decimal(Some(digits)) => {
            let storage = DecimalStorage::of(digits.precision);
            let length = match storage {
                DecimalStorage::Bytes(len) => len as i32,
                DecimalStorage::Int32 | DecimalStorage::Int64 => -1,
            };
            let (precision, scale) = (i32::from(digits.precision), i32::from(digits.scale));
            leaf(
                storage.physical_type(),
                Some(LogicalType::decimal(scale, precision)),
            )
            .with_length(length)
            .with_precision(precision)
            .with_scale(scale)
            .build()
        }
        Kind::Boolean => leaf(PhysicalType::BOOLEAN, None).build(),
        Kind::Text(TextFormat::DateTime) => leaf(
            PhysicalType::INT64,
            Some(LogicalType::timestamp(true, TimeUnit::MICROS)),
        )
        .build(),
        Kind::Text(TextFormat::Date) => leaf(PhysicalType::INT32, Some(LogicalType::Date)).build(),
        Kind::Text(TextFormat::Uuid) => {
            leaf(PhysicalType::FIXED_LEN_BYTE_ARRAY, Some(LogicalType::Uuid))
                .with_length(UUID_BYTES as i32)
                .build()
        }
        // JSON text is text: readers show it as strings, as they did the Arrow file's.
        Kind::Text(TextFormat::Plain) | Kind::Json => {
            leaf(PhysicalType::BYTE_ARRAY, Some(LogicalType::String)).build()
        }
        Kind::Object(properties) => Type::group_type_builder(name)
            .with_repetition(repetition)
            .with_fields(
                properties
                    .iter()
                    .map(|p| field(&p.name, &p.node, is_nullable(p)))
                    .collect::<Result<_, _>>()?,
            )
            .build(),
        Kind::Array(item) => {
            let list = Type::group_type_builder(LIST_GROUP)
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![field(LIST_ITEM, item, item.nullable)?])
                .build()?;
            Type::group_type_builder(name)
                .with_repetition(repetition)
                .with_logical_type(Some(LogicalType::List))
                .with_fields(vec![Arc::new(list)])
                .build()
        }
    };
    Ok(Arc::new(built?))
}
