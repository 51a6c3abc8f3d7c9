"""Connection strings (DSNs) accepted by :func:`informix_db.connect`.

Three spellings, so that a DSN copied from a psycopg, JDBC or ODBC setup works:

* URL: ``informix://user:password@host:9088/database?server=informix&tls=true``.
  User and password are percent-decoded; the query carries any other
  ``connect()`` keyword (``server``, ``tls``, ``tls_ca_file``,
  ``connect_timeout``, ...). ``informix-sqli://`` is accepted as a scheme too.
* JDBC: ``jdbc:informix-sqli://host:9088/database:INFORMIXSERVER=informix;user=app;password=x``.
* key=value: ``host=db port=9088 database=stores user=app password=x server=informix``,
  separated by spaces or ``;`` (libpq and ODBC style, values may be single-quoted).
  ODBC names are understood as aliases (``UID``, ``PWD``, ``Service``, ``DB``).

Keys are case-insensitive. Upper-case Informix environment variables other than
``INFORMIXSERVER``, ``CLIENT_LOCALE`` and ``DATABASE`` (e.g. ``DB_LOCALE``,
``DBDATE``) go into ``env``. Unknown keys raise :class:`InterfaceError`, naming
the key but never echoing a value (the string may hold a password).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .exceptions import InterfaceError

__all__ = ["looks_like_dsn", "parse_dsn"]

_BOOL_KEYS = frozenset({"autocommit", "keepalive", "tls_insecure_skip_verify"})
_FLOAT_KEYS = frozenset({"connect_timeout", "read_timeout"})
_INT_KEYS = frozenset({"port", "statement_cache_size"})
_STR_KEYS = frozenset(
    {
        "host", "user", "password", "database", "server", "client_locale",
        "tls_server_hostname", "tls_ca_file", "tls_client_cert", "tls_client_key",
    }
)  # fmt: skip

_ALIASES = {
    "hostname": "host",
    "uid": "user",
    "username": "user",
    "pwd": "password",
    "passwd": "password",
    "dbname": "database",
    "db": "database",
    "service": "port",
    "informixserver": "server",
    "servername": "server",
    "sslrootcert": "tls_ca_file",
    "ssl": "tls",
    "timeout": "connect_timeout",
}

_KNOWN = _BOOL_KEYS | _FLOAT_KEYS | _INT_KEYS | _STR_KEYS | {"tls"}

_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})

# Informix environment variables passed through to the login environment.
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def looks_like_dsn(text: str) -> bool:
    """True when ``text`` is a connection string rather than a host name."""
    return "://" in text or "=" in text


def _to_bool(key: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InterfaceError(f"DSN option {key!r} must be a boolean (true/false)")


def _store(out: dict[str, Any], env: dict[str, str], raw_key: str, value: str) -> None:
    key = raw_key.strip()
    if not key:
        raise InterfaceError("DSN contains an empty option name")
    name = key.lower()
    name = _ALIASES.get(name, name)
    known = name in _KNOWN or name == "protocol"
    if not known and key.upper() == key and _ENV_NAME.match(key):
        # An Informix environment variable (DB_LOCALE, DBDATE, ...): sent at login.
        env[key] = value
        return
    if name == "tls":
        out["tls"] = _to_bool(key, value)
    elif name in _BOOL_KEYS:
        out[name] = _to_bool(key, value)
    elif name in _FLOAT_KEYS:
        try:
            out[name] = float(value)
        except ValueError:
            raise InterfaceError(f"DSN option {key!r} must be a number") from None
    elif name in _INT_KEYS:
        try:
            out[name] = int(value)
        except ValueError:
            raise InterfaceError(f"DSN option {key!r} must be an integer") from None
    elif name in _STR_KEYS:
        out[name] = value
    elif name == "protocol":
        if value.lower() not in {"onsoctcp", "tcp", "sqli", "onsocssl", "ssl", "tls"}:
            raise InterfaceError(f"DSN protocol {value!r} is not supported (use onsoctcp)")
        if value.lower() in {"onsocssl", "ssl", "tls"}:
            out["tls"] = True
    else:
        raise InterfaceError(f"unknown DSN option {key!r}")


def _parse_url(dsn: str) -> dict[str, Any]:
    parts = urlsplit(dsn)
    if parts.scheme.lower() not in {"informix", "informix-sqli", "informix+tls"}:
        raise InterfaceError(f"DSN scheme {parts.scheme!r} is not supported (use informix://)")
    out: dict[str, Any] = {}
    env: dict[str, str] = {}
    if parts.scheme.lower() == "informix+tls":
        out["tls"] = True
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise InterfaceError("DSN port must be an integer") from None
    if host:
        out["host"] = host
    if port is not None:
        out["port"] = port
    if parts.username:
        out["user"] = unquote(parts.username)
    if parts.password is not None:
        out["password"] = unquote(parts.password)
    database = unquote(parts.path.lstrip("/"))
    if database:
        out["database"] = database
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        _store(out, env, key, value)
    if env:
        out["env"] = env
    return out


def _parse_jdbc(dsn: str) -> dict[str, Any]:
    rest = dsn[len("jdbc:") :]
    scheme, sep, body = rest.partition("://")
    if not sep or scheme.lower() != "informix-sqli":
        raise InterfaceError("JDBC DSN must start with jdbc:informix-sqli://")
    address, _, tail = body.partition("/")
    out: dict[str, Any] = {}
    env: dict[str, str] = {}
    host, colon, port = address.rpartition(":")
    if not colon:
        host, port = address, ""
    if host:
        out["host"] = host.strip("[]")
    if port:
        try:
            out["port"] = int(port)
        except ValueError:
            raise InterfaceError("DSN port must be an integer") from None
    database, _, props = tail.partition(":")
    if database:
        out["database"] = database
    for item in props.split(";"):
        if not item.strip():
            continue
        key, eq, value = item.partition("=")
        if not eq:
            raise InterfaceError(f"JDBC DSN property {key.strip()!r} has no value")
        _store(out, env, key, value)
    if env:
        out["env"] = env
    return out


_KV = re.compile(r"\s*([^=;\s]+)\s*=\s*('(?:[^'\\]|\\.|'')*'|[^;\s]*)\s*[;]?")


def _parse_key_values(dsn: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    env: dict[str, str] = {}
    pos = 0
    text = dsn.strip()
    while pos < len(text):
        match = _KV.match(text, pos)
        if match is None or match.end() == pos:
            raise InterfaceError("malformed DSN: expected key=value pairs")
        key, value = match.group(1), match.group(2)
        if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
            value = re.sub(r"\\(.)", r"\1", value[1:-1].replace("''", "'"))
        _store(out, env, key, value)
        pos = match.end()
    if env:
        out["env"] = env
    return out


def parse_dsn(dsn: str) -> dict[str, Any]:
    """Keyword arguments for ``connect()`` described by ``dsn``."""
    text = dsn.strip()
    if text.lower().startswith("jdbc:"):
        return _parse_jdbc(text)
    if "://" in text:
        return _parse_url(text)
    return _parse_key_values(text)
