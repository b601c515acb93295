//! One leaf column of a row group: its values, and the definition and repetition levels
//! that place them in the records (computed by [`super::columns::ColumnSink`]), encoded
//! at the end of the row group into a column chunk with parquet's own column writer.
//!
//! Values are kept in the column's physical type as they arrive (microseconds, days,
//! units of a decimal, the 16 bytes of a uuid, the bytes of strings back to back), so
//! a record costs no allocation; only the encoding allocates, once per column chunk.

use bytes::Bytes;
use parquet::basic::Type as PhysicalType;
use parquet::column::writer::{ColumnCloseResult, ColumnWriterImpl};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DataType, DoubleType, FixedLenByteArray,
    FixedLenByteArrayType, Int32Type, Int64Type,
};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterPropertiesPtr;
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

use crate::export::rfc3339::{parse_date, parse_date_time};
use crate::export::shape::DecimalDigits;

/// The bytes of a uuid.
pub(super) const UUID_BYTES: usize = 16;

/// A leaf column: the levels of every entry, the values of the defined ones.
#[derive(Debug, PartialEq)]
pub(super) struct Leaf {
    /// The definition level of a value: how many optional or repeated levels lie above
    /// it, itself included. Without any, no definition levels are kept.
    pub max_def: i16,
    /// How many lists lie above it. Without any, no repetition levels are kept.
    pub max_rep: i16,
    def: Vec<i16>,
    rep: Vec<i16>,
    pub values: Values,
}

/// The values of a leaf, one variant per kind of column.
#[derive(Debug, PartialEq)]
pub(super) enum Values {
    Integer(Vec<i64>),
    Number(Vec<f64>),
    Decimal(DecimalValues),
    Boolean(Vec<bool>),
    Text(ByteValues),
    /// Microseconds since the epoch, UTC.
    DateTime(Vec<i64>),
    /// Days since the epoch.
    Date(Vec<i32>),
    /// The 16 bytes of each uuid, back to back.
    Uuid(Vec<u8>),
    /// Anything, as JSON text.
    Json(ByteValues),
}

/// Strings back to back, and where each ends.
#[derive(Debug, Default, PartialEq)]
pub(super) struct ByteValues {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
}

impl ByteValues {
    pub fn push(&mut self, value: &str) {
        self.bytes.extend_from_slice(value.as_bytes());
        self.ends.push(self.bytes.len());
    }
}

impl Leaf {
    pub fn new(values: Values, max_def: i16, max_rep: i16) -> Leaf {
        Leaf {
            max_def,
            max_rep,
            def: Vec::new(),
            rep: Vec::new(),
            values,
        }
    }

    /// Appends a value if it fits the column (else returns false and appends nothing).
    /// `rep` is the entry's repetition level.
    pub fn push_str(&mut self, v: &str, rep: i16) -> bool {
        let fits = match &mut self.values {
            Values::Text(b) => {
                b.push(v);
                true
            }
            Values::DateTime(b) => parse_date_time(v).map(|micros| b.push(micros)).is_some(),
            Values::Date(b) => parse_date(v).map(|days| b.push(days)).is_some(),
            Values::Uuid(b) => parse_uuid(v).map(|bytes| b.extend(bytes)).is_some(),
            _ => false,
        };
        self.levels_if(fits, rep)
    }

    /// Appends the JSON text of a value, if this is a JSON column.
    pub fn push_json(&mut self, text: &str, rep: i16) -> bool {
        let fits = match &mut self.values {
            Values::Json(b) => {
                b.push(text);
                true
            }
            _ => false,
        };
        self.levels_if(fits, rep)
    }

    pub fn push_int(&mut self, v: i64, rep: i16) -> bool {
        let fits = match &mut self.values {
            Values::Integer(b) => {
                b.push(v);
                true
            }
            Values::Number(b) => {
                b.push(v as f64);
                true
            }
            Values::Decimal(d) => d.push(v as f64),
            _ => false,
        };
        self.levels_if(fits, rep)
    }

    pub fn push_float(&mut self, v: f64, rep: i16) -> bool {
        let fits = match &mut self.values {
            Values::Number(b) => {
                b.push(v);
                true
            }
            Values::Decimal(d) => d.push(v),
            _ => false,
        };
        self.levels_if(fits, rep)
    }

    pub fn push_bool(&mut self, v: bool, rep: i16) -> bool {
        let fits = match &mut self.values {
            Values::Boolean(b) => {
                b.push(v);
                true
            }
            _ => false,
        };
        self.levels_if(fits, rep)
    }

    /// Appends the levels of a value that was appended.
    fn levels_if(&mut self, appended: bool, rep: i16) -> bool {
        if appended {
            self.push_levels(self.max_def, rep);
        }
        appended
    }

    /// Appends an entry without a value: null (or an empty list) `def` levels deep.
    pub fn push_null(&mut self, def: i16, rep: i16) {
        self.push_levels(def, rep);
    }

    fn push_levels(&mut self, def: i16, rep: i16) {
        if self.max_def > 0 {
            self.def.push(def);
        }
        if self.max_rep > 0 {
            self.rep.push(rep);
        }
    }

    /// Encodes everything appended into a column chunk of column `descr` (which must
    /// have this leaf's physical type), and starts over empty.
    pub fn encode(
        &mut self,
        descr: &ColumnDescPtr,
        props: &WriterPropertiesPtr,
    ) -> Result<ColumnChunk, ParquetError> {
        let expected = self.values.physical_type();
        if descr.physical_type() != expected {
            return Err(ParquetError::General(format!(
                "column `{}` is {}, its values {expected}",
                descr.path(),
                descr.physical_type()
            )));
        }
        let mut buffer = TrackedWrite::new(Vec::new());
        let close = {
            let column = Column {
                descr,
                props,
                pages: SerializedPageWriter::new(&mut buffer),
                def: (self.max_def > 0).then_some(&self.def[..]),
                rep: (self.max_rep > 0).then_some(&self.rep[..]),
            };
            match &mut self.values {
                Values::Integer(v) | Values::DateTime(v) => column.write::<Int64Type>(v)?,
                Values::Number(v) => column.write::<DoubleType>(v)?,
                Values::Boolean(v) => column.write::<BoolType>(v)?,
                Values::Date(v) => column.write::<Int32Type>(v)?,
                Values::Text(v) | Values::Json(v) => {
                    column.write::<ByteArrayType>(&byte_arrays(v))?
                }
                Values::Uuid(v) => {
                    let bytes = Bytes::from(std::mem::take(v));
                    let uuids: Vec<FixedLenByteArray> = (0..bytes.len() / UUID_BYTES)
                        .map(|i| fixed(&bytes, i * UUID_BYTES, UUID_BYTES))
                        .collect();
                    column.write::<FixedLenByteArrayType>(&uuids)?
                }
                Values::Decimal(d) => d.write(column)?,
            }
        };
        self.clear();
        let bytes = Bytes::from(buffer.into_inner()?);
        Ok(ColumnChunk { bytes, close })
    }

    /// The definition and repetition levels of the entries so far.
    #[cfg(test)]
    pub fn levels(&self) -> (&[i16], &[i16]) {
        (&self.def, &self.rep)
    }

    fn clear(&mut self) {
        self.def.clear();
        self.rep.clear();
        match &mut self.values {
            Values::Integer(v) | Values::DateTime(v) => v.clear(),
            Values::Number(v) => v.clear(),
            Values::Boolean(v) => v.clear(),
            Values::Date(v) => v.clear(),
            Values::Uuid(v) => v.clear(),
            Values::Text(v) | Values::Json(v) => {
                v.bytes.clear();
                v.ends.clear();
            }
            Values::Decimal(d) => d.units.clear(),
        }
    }
}

/// An encoded column chunk, ready to be appended to its row group.
pub(super) struct ColumnChunk {
    pub bytes: Bytes,
    pub close: ColumnCloseResult,
}

/// What writing one column chunk needs besides the values.
struct Column<'a, 'b> {
    descr: &'a ColumnDescPtr,
    props: &'a WriterPropertiesPtr,
    pages: SerializedPageWriter<'b, Vec<u8>>,
    def: Option<&'a [i16]>,
    rep: Option<&'a [i16]>,
}

impl Column<'_, '_> {
    fn write<T: DataType>(self, values: &[T::T]) -> Result<ColumnCloseResult, ParquetError> {
        let mut writer = ColumnWriterImpl::<T>::new(
            self.descr.clone(),
            self.props.clone(),
            Box::new(self.pages),
        );
        writer.write_batch(values, self.def, self.rep)?;
        writer.close()
    }
}

/// The strings of `v` as parquet byte arrays: slices of one shared buffer, which `v`
/// gives up.
fn byte_arrays(v: &mut ByteValues) -> Vec<ByteArray> {
    let bytes = Bytes::from(std::mem::take(&mut v.bytes));
    let mut start = 0;
    v.ends
        .iter()
        .map(|&end| {
            let value = ByteArray::from(bytes.slice(start..end));
            start = end;
            value
        })
        .collect()
}

fn fixed(bytes: &Bytes, start: usize, len: usize) -> FixedLenByteArray {
    FixedLenByteArray::from(ByteArray::from(bytes.slice(start..start + len)))
}

impl Values {
    /// What fits, for error messages.
    pub fn expected(&self) -> &'static str {
        match self {
            Values::Integer(_) => "an integer",
            Values::Number(_) => "a number",
            Values::Decimal(_) => "a number on the column's decimal grid",
            Values::Boolean(_) => "a boolean",
            Values::Text(_) => "a string",
            Values::DateTime(_) => "an RFC 3339 date-time",
            Values::Date(_) => "an RFC 3339 date",
            Values::Uuid(_) => "a uuid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
            Values::Json(_) => "any value",
        }
    }

    /// How the column stores its values.
    pub fn physical_type(&self) -> PhysicalType {
        match self {
            Values::Integer(_) | Values::DateTime(_) => PhysicalType::INT64,
            Values::Number(_) => PhysicalType::DOUBLE,
            Values::Decimal(d) => d.storage().physical_type(),
            Values::Boolean(_) => PhysicalType::BOOLEAN,
            Values::Text(_) | Values::Json(_) => PhysicalType::BYTE_ARRAY,
            Values::Date(_) => PhysicalType::INT32,
            Values::Uuid(_) => PhysicalType::FIXED_LEN_BYTE_ARRAY,
        }
    }
}

/// A money field's column: each number as its units of `10^-scale`.
#[derive(Debug, PartialEq)]
pub(super) struct DecimalValues {
    units: Vec<i128>,
    digits: DecimalDigits,
    /// `10^scale`.
    unit: f64,
    /// `10^precision`: the first number of units that does not fit.
    limit: f64,
}

/// How parquet stores a decimal of some precision: as a 32- or 64-bit integer where it
/// fits (as the format recommends, and Arrow writes it), else as the fewest big-endian
/// two's-complement bytes that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DecimalStorage {
    Int32,
    Int64,
    Bytes(usize),
}

impl DecimalStorage {
    pub fn of(precision: u8) -> DecimalStorage {
        match precision {
            0..=9 => DecimalStorage::Int32,
            10..=18 => DecimalStorage::Int64,
            _ => {
                // The fewest bytes whose signed range holds `10^precision - 1`.
                let largest = 10f64.powi(i32::from(precision));
                let bits = largest.log2().ceil() as usize + 1;
                DecimalStorage::Bytes(bits.div_ceil(8).min(16))
            }
        }
    }

    pub fn physical_type(self) -> PhysicalType {
        match self {
            DecimalStorage::Int32 => PhysicalType::INT32,
            DecimalStorage::Int64 => PhysicalType::INT64,
            DecimalStorage::Bytes(_) => PhysicalType::FIXED_LEN_BYTE_ARRAY,
        }
    }
}

impl DecimalValues {
    pub fn new(digits: DecimalDigits) -> DecimalValues {
        DecimalValues {
            units: Vec::new(),
            digits,
            unit: 10f64.powi(i32::from(digits.scale)),
            limit: 10f64.powi(i32::from(digits.precision)),
        }
    }

    pub fn storage(&self) -> DecimalStorage {
        DecimalStorage::of(self.digits.precision)
    }

    /// Appends `v` if it is a whole number of units within the precision: a grid value
    /// `units / 10^scale` times `10^scale` rounds back to its units, whatever the last
    /// bit of the division; anything else (deliberate noise) does not fit.
    fn push(&mut self, v: f64) -> bool {
        let units = (v * self.unit).round();
        if !(units.abs() < self.limit && units / self.unit == v) {
            return false;
        }
        self.units.push(units as i128);
        true
    }

    /// The units in the column's storage; they are below `10^precision`, so each fits.
    fn write(&self, column: Column<'_, '_>) -> Result<ColumnCloseResult, ParquetError> {
        match self.storage() {
            DecimalStorage::Int32 => {
                let units: Vec<i32> = self.units.iter().map(|&u| u as i32).collect();
                column.write::<Int32Type>(&units)
            }
            DecimalStorage::Int64 => {
                let units: Vec<i64> = self.units.iter().map(|&u| u as i64).collect();
                column.write::<Int64Type>(&units)
            }
            DecimalStorage::Bytes(len) => {
                let mut bytes = Vec::with_capacity(self.units.len() * len);
                for u in &self.units {
                    bytes.extend_from_slice(&u.to_be_bytes()[16 - len..]);
                }
                let bytes = Bytes::from(bytes);
                let units: Vec<FixedLenByteArray> = (0..self.units.len())
                    .map(|i| fixed(&bytes, i * len, len))
                    .collect();
                column.write::<FixedLenByteArrayType>(&units)
            }
        }
    }
}

/// The 16 bytes of a hyphenated uuid (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either
/// case), as PostgreSQL's `UUID` reads it; `None` for anything else.
pub(super) fn parse_uuid(text: &str) -> Option<[u8; UUID_BYTES]> {
    let text = text.as_bytes();
    if text.len() != 36 || [8, 13, 18, 23].iter().any(|&i| text[i] != b'-') {
        return None;
    }
    let mut digits = text.iter().filter(|&&b| b != b'-');
    let mut bytes = [0u8; UUID_BYTES];
    for byte in &mut bytes {
        let high = char::from(*digits.next()?).to_digit(16)?;
        let low = char::from(*digits.next()?).to_digit(16)?;
        *byte = (high << 4 | low) as u8;
    }
    Some(bytes)
}
