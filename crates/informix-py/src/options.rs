//! Connection settings as Python passes them, built once and shared by `connect` and
//! the pool.

use std::time::Duration;

use informix_client::{ConnectOptions, TlsOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Durations beyond this (including infinity) mean "forever" for the pool.
const FOREVER_SECS: f64 = 100.0 * 365.0 * 24.0 * 3600.0;

pub(crate) fn seconds(name: &str, v: f64) -> PyResult<Duration> {
    if v.is_nan() || v < 0.0 {
        return Err(PyValueError::new_err(format!(
            "{name} must be a non-negative number of seconds, not {v}"
        )));
    }
    Ok(Duration::from_secs_f64(v.min(FOREVER_SECS)))
}

/// None or a non-positive value turns the feature off.
pub(crate) fn optional_seconds(name: &str, v: Option<f64>) -> PyResult<Option<Duration>> {
    match v {
        None => Ok(None),
        Some(s) if s <= 0.0 => Ok(None),
        Some(s) => seconds(name, s).map(Some),
    }
}

/// TLS settings from the dict the Python layer builds (see `connections._tls_options`).
fn tls_from_dict(d: &Bound<'_, PyDict>) -> PyResult<TlsOptions> {
    Ok(TlsOptions {
        ca_file: d
            .get_item("ca_file")?
            .map(|v| v.extract::<std::path::PathBuf>())
            .transpose()?,
        ca_der: d
            .get_item("ca_der")?
            .map(|v| v.extract::<Vec<Vec<u8>>>())
            .transpose()?
            .unwrap_or_default(),
        server_name: d
            .get_item("server_name")?
            .map(|v| v.extract::<String>())
            .transpose()?,
        client_cert: match (d.get_item("client_cert")?, d.get_item("client_key")?) {
            (Some(c), Some(k)) => Some((c.extract()?, k.extract()?)),
            _ => None,
        },
        danger_accept_invalid_certs: d
            .get_item("danger_accept_invalid_certs")?
            .map(|v| v.extract::<bool>())
            .transpose()?
            .unwrap_or(false),
    })
}

/// Validated connection settings; keyword names follow the reference driver's `connect`.
#[pyclass(frozen, module = "informix_db._native")]
pub(crate) struct ConnectSpec {
    pub(crate) opts: ConnectOptions,
}

#[pymethods]
impl ConnectSpec {
    #[new]
    #[pyo3(signature = (host, port, user, password, database=None, server="informix".to_owned(),
        connect_timeout=None, read_timeout=None, keepalive=true,
        client_locale="en_US.8859-1".to_owned(), env=None, autocommit=false, tls=None,
        statement_cache_size=32))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        host: String,
        port: u16,
        user: String,
        password: Option<String>,
        database: Option<String>,
        server: String,
        connect_timeout: Option<f64>,
        read_timeout: Option<f64>,
        keepalive: bool,
        client_locale: String,
        env: Option<Vec<(String, String)>>,
        autocommit: bool,
        tls: Option<Bound<'_, PyDict>>,
        statement_cache_size: usize,
    ) -> PyResult<Self> {
        let tls = tls.as_ref().map(tls_from_dict).transpose()?;
        Ok(ConnectSpec {
            opts: ConnectOptions {
                host,
                port,
                user,
                password,
                database,
                server,
                connect_timeout: optional_seconds("connect_timeout", connect_timeout)?
                    .or(Some(Duration::from_secs(30))),
                read_timeout: optional_seconds("read_timeout", read_timeout)?,
                keepalive,
                client_locale,
                env: env.unwrap_or_default(),
                autocommit,
                tls,
                app_name: None,
                statement_cache_size,
            },
        })
    }
}
