//! Python values to bind parameters, and wire cells to Python values.

use informix_client::params::TextCodec;
use informix_client::{Columns, Param, RowBatch};
use informix_protocol::codec::date::{days_to_ymd, ymd_to_days};
use informix_protocol::codec::datetime::{self, DateTime, Interval, Qualifier, TimeUnit};
use informix_protocol::codec::decimal::{self, Decimal};
use informix_protocol::codec::int8::decode_int8;
use informix_protocol::row::{Cell, CellReader, ColumnKind, trim_char};
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
    for i in 0..batch.len() {
        let mut reader = CellReader::new(batch.row(i));
        let mut err = None;
        let cells = cols
            .kinds
            .iter()
            .zip(&cols.descriptors)
            .map(
                |(kind, desc)| match reader.next(*kind).map_err(|e| e.to_string()) {
                    Ok(Cell::BlobDescriptor { text, .. }) => match blobs.next() {
                        Some(content) if text => {
                            PyString::new(py, &codec.decode_borrowed(content)).into_any()
                        }
                        Some(content) => PyBytes::new(py, content).into_any(),
                        None => {
                            err.get_or_insert_with(|| {
                                client(py, ErrorKind::Internal, "BYTE/TEXT value was not fetched")
                            });
                            py.None().into_bound(py)
                        }
                    },
                    Ok(Cell::Complex { base, body }) => {
                        complex_to_py(py, base, body, &desc.extended_name).unwrap_or_else(|e| {
                            err.get_or_insert(e);
                            py.None().into_bound(py)
                        })
                    }
                    Ok(cell) => cell_to_py(py, cell, *kind, codec).unwrap_or_else(|e| {
                        err.get_or_insert(e);
                        py.None().into_bound(py)
                    }),
                    Err(msg) => {
                        err.get_or_insert_with(|| {
                            client(py, ErrorKind::Operational, format!("protocol error: {msg}"))
                        });
                        py.None().into_bound(py)
                    }
                },
            );
        let tuple = PyTuple::new(py, cells)?;
        if let Some(e) = err {
            return Err(e);
        }
        if atomic {
            // SAFETY: `tuple` is a live tuple we own; untracking a tracked GC object is
            // always allowed, and its items hold no references back to it.
            unsafe { pyo3::ffi::PyObject_GC_UnTrack(tuple.as_ptr().cast()) };
        }
        if !reader.is_exhausted() {
            return Err(client(
                py,
                ErrorKind::Operational,
                "protocol error: row payload longer than its columns",
            ));
        }
        out.append(tuple)?;
    }
    Ok(())
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
    let codec_err = |e: informix_protocol::codec::CodecError| {
        client(
            py,
            ErrorKind::Operational,
            format!("bad value from server: {e}"),
        )
    };
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
        Cell::Decimal(b) => match decimal::decode_packed(b).map_err(codec_err)? {
            None => py.None().into_bound(py),
            // The reference driver's value exactly: fraction digits without trailing
            // zeros (a DECIMAL(8,2) 12.50 reads as Decimal('12.5'), 7.00 as Decimal('7')),
            // integers in plain form (never '1E+3'). Measured against informix-driver
            // 2026.9.3 by tests/test_dropin.py.
            Some(d) => decimal_type(py)?.call1((d.to_string_with_scale(Some(0)),))?,
        },
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
        Cell::Text(b) => {
            let b = if matches!(kind, ColumnKind::Char { .. }) {
                trim_char(b)
            } else {
                b
            };
            PyString::new(py, &codec.decode_borrowed(b)).into_any()
        }
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
        Cell::Complex { body, .. } => PyString::new(py, &codec.decode_borrowed(body)).into_any(),
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
