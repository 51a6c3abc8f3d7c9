//! Python values to bind parameters, and wire cells to Python values.

use informix_client::params::TextCodec;
use informix_client::{Columns, Param, RowBatch};
use informix_protocol::codec::CodecError;
use informix_protocol::codec::date::{days_to_ymd, ymd_to_days};
use informix_protocol::codec::datetime::{
    self, DateTime, DateTimeDecoder, Interval, Qualifier, TimeUnit,
};
use informix_protocol::codec::decimal::{self, Decimal, PlainText};
use informix_protocol::codec::int8::decode_int8;
use informix_protocol::row::{Cell, CellReader, ColumnKind, trim_char};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateAccess, PyDateTime, PyDelta, PyDeltaAccess,
    PyFloat, PyInt, PyList, PyMemoryView, PyString, PyTime, PyTimeAccess, PyTuple, PyType,
};

use crate::errors::client;
use informix_client::ErrorKind;

static DECIMAL_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INTERVAL_YM: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BLOB_LOCATOR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CLOB_LOCATOR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL_TYPE.import(py, "decimal", "Decimal")
}

static DECIMAL_FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// What builds a fetched `Decimal` from its plain text (or from an int): `create_decimal`
/// of a private context with the largest precision and exponent range there are. That
/// builds exactly what `Decimal(text)` builds (the constructor parses under the same
/// maximal context) while skipping its keyword-argument parsing, about 15% of the cost.
/// With nothing to round, a conversion raises no signal and never writes to the context;
/// every signal traps all the same, so a changed value could only ever be an error.
///
/// Without a GIL (free-threaded CPython) threads would share that context, so there the
/// factory is the `Decimal` type itself.
fn decimal_factory(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    DECIMAL_FACTORY
        .get_or_try_init(py, || {
            let m = py.import("decimal")?;
            let sys = py.import("sys")?;
            let gil_disabled = match sys.getattr_opt("_is_gil_enabled")? {
                Some(f) => !f.call0()?.is_truthy()?,
                None => false,
            };
            if gil_disabled {
                return Ok::<_, PyErr>(decimal_type(py)?.clone().into_any().unbind());
            }
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("prec", m.getattr("MAX_PREC")?)?;
            kwargs.set_item("Emax", m.getattr("MAX_EMAX")?)?;
            kwargs.set_item("Emin", m.getattr("MIN_EMIN")?)?;
            let signals = PyList::empty(py);
            for name in [
                "Clamped",
                "DivisionByZero",
                "Inexact",
                "InvalidOperation",
                "Overflow",
                "Rounded",
                "Subnormal",
                "Underflow",
            ] {
                signals.append(m.getattr(name)?)?;
            }
            kwargs.set_item("traps", signals)?;
            let context = m.getattr("Context")?.call((), Some(&kwargs))?;
            Ok(context.getattr("create_decimal")?.unbind())
        })
        .map(|f| f.bind(py))
}

fn data_error(py: Python<'_>, msg: impl Into<String>) -> PyErr {
    client(py, ErrorKind::Data, msg)
}

/// Converts a parameter sequence (tuple or list) to bind values, failing before anything is sent.
pub fn params_from_py(seq: &Bound<'_, PyAny>, codec: TextCodec) -> PyResult<Vec<Param>> {
    let py = seq.py();
    if seq.is_instance_of::<PyString>() || seq.is_instance_of::<PyBytes>() {
        return Err(client(
            py,
            ErrorKind::Programming,
            "parameters must be a sequence, not a string",
        ));
    }
    if seq.hasattr("keys")? {
        return Err(client(
            py,
            ErrorKind::NotSupported,
            "named (dict) parameters are not supported; use ? or :1",
        ));
    }
    let mut out = Vec::new();
    for item in seq.try_iter()? {
        out.push(param_from_py(&item?, codec)?);
    }
    Ok(out)
}

fn param_from_py(v: &Bound<'_, PyAny>, codec: TextCodec) -> PyResult<Param> {
    let py = v.py();
    if v.is_none() {
        return Ok(Param::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Param::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        return match v.extract::<i64>() {
            Ok(i) if i != i64::MIN => Ok(Param::Int(i)),
            _ => {
                let text: String = v.str()?.extract()?;
                let d: Decimal = text
                    .parse()
                    .map_err(|_| data_error(py, format!("integer {text} out of range")))?;
                Ok(Param::Decimal(d))
            }
        };
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(Param::Float(f.value()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_str()?;
        // Check encodability now so a bad string fails before anything is sent.
        codec.encode(s).map_err(|e| data_error(py, e.message))?;
        return Ok(Param::Str(s.to_owned()));
    }
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(Param::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = v.cast::<PyByteArray>() {
        return Ok(Param::Bytes(b.to_vec()));
    }
    if v.is_instance_of::<PyMemoryView>() {
        let b: Vec<u8> = v.call_method0("tobytes")?.extract()?;
        return Ok(Param::Bytes(b));
    }
    if let Ok(dt) = v.cast::<PyDateTime>() {
        if !dt.getattr("tzinfo")?.is_none() {
            return Err(data_error(
                py,
                "timezone-aware datetimes are not supported; convert to naive local or UTC",
            ));
        }
        return Ok(Param::DateTime(DateTime {
            year: dt.get_year(),
            month: u32::from(dt.get_month()),
            day: u32::from(dt.get_day()),
            hour: u32::from(dt.get_hour()),
            minute: u32::from(dt.get_minute()),
            second: u32::from(dt.get_second()),
            microsecond: dt.get_microsecond(),
        }));
    }
    if let Ok(d) = v.cast::<PyDate>() {
        let days = ymd_to_days(
            d.get_year(),
            u32::from(d.get_month()),
            u32::from(d.get_day()),
        )
        .map_err(|e| data_error(py, e.to_string()))?;
        return Ok(Param::Date(days));
    }
    if let Ok(t) = v.cast::<PyTime>() {
        return Ok(Param::Time(DateTime {
            year: 0,
            month: 0,
            day: 0,
            hour: u32::from(t.get_hour()),
            minute: u32::from(t.get_minute()),
            second: u32::from(t.get_second()),
            microsecond: t.get_microsecond(),
        }));
    }
    if let Ok(td) = v.cast::<PyDelta>() {
        let total_us = i128::from(td.get_days()) * 86_400_000_000
            + i128::from(td.get_seconds()) * 1_000_000
            + i128::from(td.get_microseconds());
        let negative = total_us < 0;
        let abs = total_us.unsigned_abs();
        return Ok(Param::Interval(Interval::DayTime {
            negative,
            seconds: (abs / 1_000_000) as u64,
            microseconds: (abs % 1_000_000) as u32,
        }));
    }
    if v.is_instance(decimal_type(py)?)? {
        let text: String = v.str()?.extract()?;
        let d: Decimal = text
            .parse()
            .map_err(|_| data_error(py, format!("Decimal {text} cannot be sent to Informix")))?;
        return Ok(Param::Decimal(d));
    }
    let ym = INTERVAL_YM.import(py, "informix_db._types", "IntervalYM")?;
    if v.is_instance(ym)? {
        return Ok(Param::Interval(Interval::YearMonth {
            months: v.getattr("months")?.extract()?,
        }));
    }
    // ROW and collection values travel as their text form, which the server converts to
    // the column's type on assignment (as it does for any string).
    let row = ROW_VALUE.import(py, "informix_db._types", "RowValue")?;
    let collection = COLLECTION_VALUE.import(py, "informix_db._types", "CollectionValue")?;
    if v.is_instance(row)? || v.is_instance(collection)? {
        let raw: Vec<u8> = v.getattr("raw")?.extract()?;
        return Ok(Param::Str(codec.decode(&raw)));
    }
    Err(client(
        py,
        ErrorKind::Programming,
        format!(
            "parameters of type {} are not supported (use int, float, Decimal, str, bytes, \
             bool, None, date, datetime, time, timedelta or IntervalYM)",
            v.get_type().name()?
        ),
    ))
}

/// PEP 249 description: (name, type_code, display_size, internal_size, precision, scale, null_ok).
pub fn description<'py>(py: Python<'py>, cols: &Columns) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for c in &cols.descriptors {
        // Smart LOBs are described as an opaque UDTFIXED (41); report them as BLOB (102) and
        // CLOB (101) so that `type_code == informix_db.BINARY` holds for a BLOB column.
        let base = match (c.base_type(), c.extended_id) {
            (41, 10) => 102,
            (41, 11) => 101,
            (b, _) => i64::from(b),
        };
        let len = i64::from(c.encoded_length);
        let (precision, scale) = match c.base_type() {
            5 | 8 => {
                let s = len & 0xFF;
                (Some(len >> 8), if s == 255 { None } else { Some(s) })
            }
            _ => (None, None),
        };
        let t = PyTuple::new(
            py,
            [
                c.name.clone().into_pyobject(py)?.into_any(),
                base.into_pyobject(py)?.into_any(),
                len.into_pyobject(py)?.into_any(),
                len.into_pyobject(py)?.into_any(),
                precision.into_pyobject(py)?.into_any(),
                scale.into_pyobject(py)?.into_any(),
                PyBool::new(py, c.nullable()).to_owned().into_any(),
            ],
        )?;
        list.append(t)?;
    }
    Ok(list)
}

pub fn rows_to_list<'py>(
    py: Python<'py>,
    cols: &Columns,
    batch: &RowBatch,
    codec: TextCodec,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    append_rows(py, cols, batch, codec, &list)?;
    Ok(list)
}

/// How a column's cells become Python objects, worked out once per batch rather than
/// per cell.
enum Plan {
    /// DATETIME: the qualifier's decoder, or why the qualifier is unusable (reported for
    /// each non-NULL value, as decoding it would).
    DateTime(Result<DateTimeDecoder, CodecError>),
    /// Everything else goes through [`cell_to_py`].
    Cell,
}

impl Plan {
    fn of(kind: ColumnKind) -> Plan {
        match kind {
            ColumnKind::DateTime { qualifier, .. } => Plan::DateTime(
                Qualifier::from_encoded(qualifier).and_then(|q| DateTimeDecoder::new(&q)),
            ),
            _ => Plan::Cell,
        }
    }
}

/// Per-batch state of the row hot path: one tuple per row, filled in place.
struct RowBuilder<'a, 'py> {
    py: Python<'py>,
    codec: TextCodec,
    cols: &'a Columns,
    plans: Vec<Plan>,
    /// What builds DECIMAL values, looked up once per batch.
    decimal: &'py Bound<'py, PyAny>,
    /// Reused text buffer for DECIMAL values (no allocation per cell).
    scratch: Vec<u8>,
}

impl<'a, 'py> RowBuilder<'a, 'py> {
    fn new(py: Python<'py>, cols: &'a Columns, codec: TextCodec) -> PyResult<Self> {
        Ok(RowBuilder {
            py,
            codec,
            cols,
            plans: cols.kinds.iter().map(|k| Plan::of(*k)).collect(),
            decimal: decimal_factory(py)?,
            scratch: Vec::with_capacity(48),
        })
    }

    /// One TUPLE payload as a tuple. `blobs` yields the contents of BYTE/TEXT cells.
    fn row<'b>(
        &mut self,
        payload: &[u8],
        blobs: &mut impl Iterator<Item = &'b Vec<u8>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let py = self.py;
        let cols = self.cols;
        let n = cols.kinds.len();
        // SAFETY: PyTuple_New returns a new reference or NULL with an exception set; a
        // tuple with unset (NULL) items may be dropped or traversed by the GC safely.
        let tuple = unsafe {
            Bound::from_owned_ptr_or_err(py, ffi::PyTuple_New(n as ffi::Py_ssize_t))?
                .cast_into_unchecked::<PyTuple>()
        };
        let mut reader = CellReader::new(payload);
        for (i, kind) in cols.kinds.iter().enumerate() {
            let cell = reader
                .next(*kind)
                .map_err(|e| client(py, ErrorKind::Operational, format!("protocol error: {e}")))?;
            let value = match (cell, &self.plans[i]) {
                (Cell::Null, _) => py.None().into_bound(py),
                (Cell::DateTime { bytes, .. }, Plan::DateTime(decoder)) => {
                    let decoder = decoder.as_ref().map_err(|e| codec_error(py, *e))?;
                    match decoder.decode(bytes).map_err(|e| codec_error(py, e))? {
                        None => py.None().into_bound(py),
                        Some(v) => datetime_to_py(py, &v, decoder.qualifier())?,
                    }
                }
                (Cell::Decimal(b), _) => decimal_to_py(py, self.decimal, b, &mut self.scratch)?,
                // Text is the commonest cell: converted here rather than in the generic
                // conversion below (same result).
                (Cell::Text(b), _) => text_to_py(py, text_of(*kind, b), self.codec)?,
                (Cell::BlobDescriptor { text, .. }, _) => match blobs.next() {
                    Some(content) if text => text_to_py(py, content, self.codec)?,
                    Some(content) => PyBytes::new(py, content).into_any(),
                    None => {
                        return Err(client(
                            py,
                            ErrorKind::Internal,
                            "BYTE/TEXT value was not fetched",
                        ));
                    }
                },
                (Cell::Complex { base, body }, _) => {
                    complex_to_py(py, base, body, &cols.descriptors[i].extended_name)?
                }
                (cell, _) => cell_to_py(py, cell, *kind, self.codec)?,
            };
            // SAFETY: `tuple` is brand new with `n` slots and `i < n`; SET_ITEM steals the
            // reference `into_ptr` hands over.
            unsafe {
                ffi::PyTuple_SET_ITEM(tuple.as_ptr(), i as ffi::Py_ssize_t, value.into_ptr())
            };
        }
        if !reader.is_exhausted() {
            return Err(client(
                py,
                ErrorKind::Operational,
                "protocol error: row payload longer than its columns",
            ));
        }
        Ok(tuple)
    }
}

/// Builds one tuple per TUPLE payload, straight from the received bytes.
pub fn append_rows(
    py: Python<'_>,
    cols: &Columns,
    batch: &RowBatch,
    codec: TextCodec,
    out: &Bound<'_, PyList>,
) -> PyResult<()> {
    let mut blobs = batch.blobs.iter();
    // Rows made only of atomic values (numbers, text, bytes, dates, Decimal) can never
    // be part of a reference cycle: keep them out of the cyclic GC's generations, which
    // otherwise rescan every row of a large fetchall().
    let atomic = cols.kinds.iter().all(|k| {
        !matches!(
            k,
            ColumnKind::Interval { .. } | ColumnKind::SmartLob { .. } | ColumnKind::Complex { .. }
        )
    });
    let mut builder = RowBuilder::new(py, cols, codec)?;
    for i in 0..batch.len() {
        let tuple = builder.row(batch.row(i), &mut blobs)?;
        if atomic {
            // SAFETY: `tuple` is a live tuple we own; untracking a tracked GC object is
            // always allowed, and its items hold no references back to it.
            unsafe { ffi::PyObject_GC_UnTrack(tuple.as_ptr().cast()) };
        }
        out.append(tuple)?;
    }
    Ok(())
}

fn codec_error(py: Python<'_>, e: CodecError) -> PyErr {
    client(
        py,
        ErrorKind::Operational,
        format!("bad value from server: {e}"),
    )
}

/// The text of a text cell: CHAR values without their blank padding.
fn text_of(kind: ColumnKind, b: &[u8]) -> &[u8] {
    if matches!(kind, ColumnKind::Char { .. }) {
        trim_char(b)
    } else {
        b
    }
}

/// Text cells. ASCII (the common case, the same in both codesets) is copied straight
/// into a new compact ASCII string. Otherwise ISO-8859-1 maps each byte to the code point
/// of the same value, which is exactly CPython's Latin-1 decoder, and UTF-8 decodes with
/// U+FFFD for invalid sequences, as before.
fn text_to_py<'py>(py: Python<'py>, b: &[u8], codec: TextCodec) -> PyResult<Bound<'py, PyAny>> {
    if b.is_ascii() && b.len() > 1 {
        // SAFETY: PyUnicode_New(n, 127) returns a new compact ASCII string of n characters
        // (or NULL with an exception set) whose n data bytes the creator fills in before
        // anyone else sees it; the bytes are ASCII, as that kind requires.
        unsafe {
            let s = Bound::from_owned_ptr_or_err(
                py,
                ffi::PyUnicode_New(b.len() as ffi::Py_ssize_t, 127),
            )?;
            std::ptr::copy_nonoverlapping(
                b.as_ptr(),
                ffi::PyUnicode_1BYTE_DATA(s.as_ptr()),
                b.len(),
            );
            return Ok(s);
        }
    }
    if codec == TextCodec::Latin1 || b.is_ascii() {
        // Also the empty and one-character strings, which CPython shares.
        // SAFETY: `b` is valid for `b.len()` bytes; the call returns a new reference or
        // NULL with an exception set (memory only: Latin-1 decoding cannot fail).
        unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                ffi::PyUnicode_DecodeLatin1(
                    b.as_ptr().cast(),
                    b.len() as ffi::Py_ssize_t,
                    std::ptr::null(),
                ),
            )
        }
    } else {
        Ok(PyString::new(py, &String::from_utf8_lossy(b)).into_any())
    }
}

/// A packed DECIMAL/MONEY cell as `decimal.Decimal`, from its plain text.
///
/// The reference driver's value exactly: fraction digits without trailing zeros (a
/// DECIMAL(8,2) 12.50 reads as Decimal('12.5'), 7.00 as Decimal('7')), integers in plain
/// form (never '1E+3'). Measured against informix-driver 2026.9.3 by tests/test_dropin.py.
fn decimal_to_py<'py>(
    py: Python<'py>,
    decimal: &Bound<'py, PyAny>,
    b: &[u8],
    scratch: &mut Vec<u8>,
) -> PyResult<Bound<'py, PyAny>> {
    scratch.clear();
    let Some(form) = decimal::write_packed_plain(b, scratch).map_err(|e| codec_error(py, e))?
    else {
        return Ok(py.None().into_bound(py));
    };
    // Integral values up to 18 digits go as an int: the same Decimal (coefficient, sign,
    // exponent 0), without the string round trip.
    if form == PlainText::Integer
        && let Some(v) = small_integer(scratch)
    {
        return decimal.call1((v,));
    }
    // The text is ASCII: digits, '-' and '.'.
    let text = text_to_py(py, scratch, TextCodec::Latin1)?;
    decimal.call1((text,))
}

/// The value of an integer as `write_packed_plain` writes it (an optional '-', then
/// digits) when it has at most 18 digits.
fn small_integer(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut magnitude = 0i64;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude * 10 + i64::from(d - b'0');
    }
    Some(if negative { -magnitude } else { magnitude })
}

/// The values of a fast-path call as a list, converted like result columns.
pub fn fast_path_values<'py>(
    py: Python<'py>,
    values: &[informix_client::FastPathValue],
    codec: TextCodec,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for v in values {
        let cell = v.cell().map_err(|e| crate::errors::to_py(py, &e))?;
        // CHAR values come back already trimmed: convert every text as VARCHAR.
        list.append(cell_to_py(py, cell, ColumnKind::VarChar, codec)?)?;
    }
    Ok(list)
}

fn cell_to_py<'py>(
    py: Python<'py>,
    cell: Cell<'_>,
    kind: ColumnKind,
    codec: TextCodec,
) -> PyResult<Bound<'py, PyAny>> {
    let codec_err = |e: CodecError| codec_error(py, e);
    Ok(match cell {
        Cell::Null => py.None().into_bound(py),
        Cell::SmallInt(v) => v.into_pyobject(py)?.into_any(),
        Cell::Integer(v) => v.into_pyobject(py)?.into_any(),
        Cell::BigInt(v) => v.into_pyobject(py)?.into_any(),
        Cell::Int8(b) => match decode_int8(b).map_err(codec_err)? {
            Some(v) => v.into_pyobject(py)?.into_any(),
            None => py.None().into_bound(py),
        },
        Cell::SmallFloat(v) => f64::from(v).into_pyobject(py)?.into_any(),
        Cell::Float(v) => v.into_pyobject(py)?.into_any(),
        Cell::Decimal(b) => decimal_to_py(py, decimal_factory(py)?, b, &mut Vec::new())?,
        Cell::Date(days) => {
            let (y, m, d) = days_to_ymd(days).map_err(codec_err)?;
            PyDate::new(py, y, m as u8, d as u8)?.into_any()
        }
        Cell::DateTime { qualifier, bytes } => {
            let q = Qualifier::from_encoded(qualifier).map_err(codec_err)?;
            match datetime::decode_datetime(bytes, &q).map_err(codec_err)? {
                None => py.None().into_bound(py),
                Some(v) => datetime_to_py(py, &v, &q)?,
            }
        }
        Cell::Interval { qualifier, bytes } => {
            let q = Qualifier::from_encoded(qualifier).map_err(codec_err)?;
            match datetime::decode_interval(bytes, &q).map_err(codec_err)? {
                None => py.None().into_bound(py),
                Some(Interval::YearMonth { months }) => INTERVAL_YM
                    .import(py, "informix_db._types", "IntervalYM")?
                    .call1((months,))?,
                Some(Interval::DayTime {
                    negative,
                    seconds,
                    microseconds,
                }) => {
                    let days = i32::try_from(seconds / 86_400).unwrap_or(i32::MAX);
                    let secs = (seconds % 86_400) as i32;
                    let us = microseconds as i32;
                    let td = if negative {
                        PyDelta::new(py, -days, -secs, -us, true)?
                    } else {
                        PyDelta::new(py, days, secs, us, true)?
                    };
                    td.into_any()
                }
            }
        }
        Cell::Text(b) => text_to_py(py, text_of(kind, b), codec)?,
        Cell::Boolean(v) => PyBool::new(py, v).to_owned().into_any(),
        Cell::BlobDescriptor { .. } => {
            return Err(client(
                py,
                ErrorKind::NotSupported,
                "BYTE/TEXT columns are not fetched yet",
            ));
        }
        Cell::SmartLob { clob, locator } => {
            let raw = hex_to_bytes(locator).unwrap_or_else(|| locator.to_vec());
            let class = if clob {
                CLOB_LOCATOR.import(py, "informix_db._types", "ClobLocator")?
            } else {
                BLOB_LOCATOR.import(py, "informix_db._types", "BlobLocator")?
            };
            class.call1((PyBytes::new(py, &raw),))?
        }
        Cell::Complex { body, .. } => text_to_py(py, body, codec)?,
        Cell::Raw(b) => PyBytes::new(py, b).into_any(),
    })
}

static ROW_VALUE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static COLLECTION_VALUE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// ROW and SET/MULTISET/LIST values: the undecoded body with the type's schema text,
/// as the reference driver returns them (`RowValue` / `CollectionValue`).
fn complex_to_py<'py>(
    py: Python<'py>,
    base: u8,
    body: &[u8],
    schema: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let raw = PyBytes::new(py, body);
    let kind = match base {
        19 => "set",
        20 => "multiset",
        21 => "list",
        23 => "collection",
        _ => {
            return ROW_VALUE
                .import(py, "informix_db._types", "RowValue")?
                .call1((raw, schema));
        }
    };
    COLLECTION_VALUE
        .import(py, "informix_db._types", "CollectionValue")?
        .call1((raw, kind, schema))
}

fn datetime_to_py<'py>(
    py: Python<'py>,
    v: &DateTime,
    q: &Qualifier,
) -> PyResult<Bound<'py, PyAny>> {
    let start = q.start as u8;
    let end = q.end as u8;
    if end <= TimeUnit::Day as u8 {
        let (m, d) = (v.month.max(1) as u8, v.day.max(1) as u8);
        return Ok(PyDate::new(py, if start == 0 { v.year } else { 1 }, m, d)?.into_any());
    }
    if start >= TimeUnit::Hour as u8 {
        return Ok(PyTime::new(
            py,
            v.hour as u8,
            v.minute as u8,
            v.second as u8,
            v.microsecond,
            None,
        )?
        .into_any());
    }
    // Fields the qualifier lacks default to the earliest value (year 1, January, day 1),
    // exactly as the reference driver fills them.
    let year = if start == 0 { v.year } else { 1 };
    Ok(PyDateTime::new(
        py,
        year,
        v.month.max(1) as u8,
        v.day.max(1) as u8,
        v.hour as u8,
        v.minute as u8,
        v.second as u8,
        v.microsecond,
        None,
    )?
    .into_any())
}

/// Smart-LOB locators arrive as ASCII hex.
fn hex_to_bytes(b: &[u8]) -> Option<Vec<u8>> {
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect()
}
