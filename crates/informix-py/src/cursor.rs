//! `CursorBase`: the row buffer under `informix_db.Cursor`, with the per-row fetch path
//! (`for row in cursor`, `fetchone`) in native code.
//!
//! A `__next__` written in Python costs a frame per row, several times the cost of
//! taking the row from the batch list: for a 100k-row result that is most of what
//! iteration adds over `fetchall()`. Here the next row of the converted batch is handed
//! out without entering the interpreter; everything else (refilling, end of rows,
//! scrollable cursors, closed cursors) calls back into the Python class.

use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3::{PyTraverseError, intern};

/// Base class of `informix_db.Cursor`: the current batch of rows and the position in it.
///
/// `_rows` is the list of rows held (the current batch, or every row once scrolling
/// keeps them), `_pos` the index of the next row to return (for a scrollable cursor, the
/// 1-based position of the current row), `_scrollable` whether rows are fetched by
/// position on the server instead.
#[pyclass(subclass, module = "informix_db._native")]
pub struct CursorBase {
    /// None only after the cyclic GC cleared it.
    rows: Option<Py<PyList>>,
    #[pyo3(get, set, name = "_pos")]
    pos: isize,
    #[pyo3(get, set, name = "_scrollable")]
    scrollable: bool,
}

impl CursorBase {
    /// The next buffered row when a forward fetch can take it as it is; advances.
    fn take_buffered<'py>(&mut self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        if self.scrollable {
            return None;
        }
        let rows = self.rows.as_ref()?.bind(py);
        let i = usize::try_from(self.pos).ok().filter(|&i| i < rows.len())?;
        let row = rows.get_item(i).ok()?;
        self.pos += 1;
        Some(row)
    }
}

#[pymethods]
impl CursorBase {
    /// Accepts (and ignores) the subclass's constructor arguments.
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(
        py: Python<'_>,
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> Self {
        CursorBase {
            rows: Some(PyList::empty(py).unbind()),
            pos: 0,
            scrollable: false,
        }
    }

    #[getter(_rows)]
    fn get_rows<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        match &self.rows {
            Some(rows) => rows.bind(py).clone(),
            None => PyList::empty(py),
        }
    }

    #[setter(_rows)]
    fn set_rows(&mut self, rows: Py<PyList>) {
        self.rows = Some(rows);
    }

    /// The next row, or None when no rows are left (PEP 249).
    fn fetchone<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        // A closed cursor or one without a result holds no rows, so the checks of the
        // slow path cannot fail when a buffered row is there.
        if let Some(row) = slf.try_borrow_mut()?.take_buffered(py) {
            return Ok(row);
        }
        slf.call_method0(intern!(py, "_fetchone"))
    }

    fn __next__<'py>(slf: &Bound<'py, Self>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = slf.py();
        if let Some(row) = slf.try_borrow_mut()?.take_buffered(py) {
            return Ok(Some(row));
        }
        let row = slf.call_method0(intern!(py, "_fetchone"))?;
        Ok(if row.is_none() { None } else { Some(row) })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.rows)
    }

    fn __clear__(&mut self) {
        self.rows = None;
    }
}
