//! Raising the Python-defined PEP 249 exceptions from Rust errors.

use informix_client::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Interface => "InterfaceError",
        ErrorKind::Server => "DatabaseError",
        ErrorKind::Operational => "OperationalError",
        ErrorKind::Data => "DataError",
        ErrorKind::Programming => "ProgrammingError",
        ErrorKind::NotSupported => "NotSupportedError",
        ErrorKind::Internal => "InternalError",
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let module = py.import("informix_db.exceptions")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("connection_lost", e.connection_lost)?;
    let instance = if e.kind == ErrorKind::Server {
        kwargs.set_item("prefix", &e.prefix)?;
        module
            .getattr("error_from_server")?
            .call((e.sqlcode, e.isam, e.offset, &e.near), Some(&kwargs))?
    } else {
        if e.sqlcode != 0 {
            kwargs.set_item("sqlcode", e.sqlcode)?;
            kwargs.set_item("isam_code", e.isam)?;
            // Login rejections carry a server code too: give them the same SQLSTATE.
            let state = match &e.sqlstate {
                Some(s) => s.clone().into_pyobject(py)?.into_any(),
                None => module.getattr("sqlstate_for")?.call1((e.sqlcode,))?,
            };
            kwargs.set_item("sqlstate", state)?;
        }
        let class = module.getattr(class_name(e.kind))?;
        class.call((format!("{}{}", e.prefix, e.message),), Some(&kwargs))?
    };
    Ok(PyErr::from_value(instance))
}

/// Converts a client error into the matching `informix_db` exception.
pub fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    build(py, e).unwrap_or_else(|err| {
        PyRuntimeError::new_err(format!("{e} (and raising it failed: {err})"))
    })
}

/// A new exception of the same class as `e` with another message.
pub fn same_class(py: Python<'_>, e: &PyErr, message: String) -> PyErr {
    match e.get_type(py).call1((message.clone(),)) {
        Ok(v) => PyErr::from_value(v),
        Err(_) => PyRuntimeError::new_err(message),
    }
}

/// A client-side error of the given kind, raised with the Python class for it.
pub fn client(py: Python<'_>, kind: ErrorKind, message: impl Into<String>) -> PyErr {
    to_py(py, &Error::new(kind, message))
}
