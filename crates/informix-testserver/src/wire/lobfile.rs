//! Smart-LOB transfer through client files (SQLI-facts §8.2).
//!
//! `filetoblob('name', 'client')` / `filetoclob(...)` read a file from the client during
//! EXECUTE/OPEN; `lotofile(expr, 'name', 'client')` writes the value to a client file during
//! the fetch and returns the generated file name. The engine never sees these calls: the SQL
//! is rewritten (the read becomes an extra `?` parameter, the write becomes the bare
//! expression) and the session performs the SQ_FILE exchanges itself.

/// A `filetoblob`/`filetoclob` call replaced by a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// Position of the replacement `?` among all placeholders of the rewritten SQL.
    pub param_index: usize,
    pub name: String,
    pub clob: bool,
}

/// A `lotofile` call replaced by its expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWrite {
    /// Select-list position of the call.
    pub column: usize,
    pub name: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rewrite {
    pub sql: String,
    pub reads: Vec<FileRead>,
    pub writes: Vec<FileWrite>,
}

/// Cheap test before the full scan.
pub fn mentions_client_files(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    lower.contains("client")
        && (lower.contains("filetob") || lower.contains("filetoc") || lower.contains("lotofile"))
}

/// Skips a quoted literal or comment starting at `i`; returns the index after it, or None
/// when `i` does not start one.
fn skip_non_code(b: &[u8], i: usize) -> Option<usize> {
    let c = b[i];
    let find = |from: usize, pat: &[u8]| -> usize {
        b[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| from + p + pat.len())
            .unwrap_or(b.len())
    };
    match c {
        b'\'' | b'"' => {
            let mut j = i + 1;
            while j < b.len() {
                if b[j] == c {
                    if j + 1 < b.len() && b[j + 1] == c {
                        j += 2;
                        continue;
                    }
                    return Some(j + 1);
                }
                j += 1;
            }
            Some(b.len())
        }
        b'-' if b.get(i + 1) == Some(&b'-') => Some(find(i, b"\n")),
        b'/' if b.get(i + 1) == Some(&b'*') => Some(find(i + 2, b"*/")),
        b'{' => Some(find(i, b"}")),
        _ => None,
    }
}

/// Splits the argument list of a call whose `(` is at `open`; returns the raw argument
/// texts and the index after the matching `)`.
fn call_args(sql: &str, open: usize) -> Option<(Vec<&str>, usize)> {
    let b = sql.as_bytes();
    let mut depth = 0usize;
    let mut args = Vec::new();
    let mut start = open + 1;
    let mut i = open;
    while i < b.len() {
        if let Some(next) = skip_non_code(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    args.push(sql[start..i].trim());
                    return Some((args, i + 1));
                }
            }
            b',' if depth == 1 => {
                args.push(sql[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn literal(arg: &str) -> Option<String> {
    let inner = arg.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

fn count_placeholders(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        if let Some(next) = skip_non_code(b, i) {
            i = next;
            continue;
        }
        if b[i] == b'?' {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Rewrites client-file calls; returns None when there are none.
pub fn rewrite(sql: &str) -> Option<Rewrite> {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut rw = Rewrite::default();
    let mut i = 0;
    let mut copied = 0;
    let mut depth = 0usize;
    let mut placeholders = 0usize;
    // Select-list column of the outermost SELECT, counted by top-level commas.
    let mut column: Option<usize> = None;
    while i < b.len() {
        if let Some(next) = skip_non_code(b, i) {
            i = next;
            continue;
        }
        let c = b[i];
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = sql[start..i].to_ascii_lowercase();
            let prev_ok =
                start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'.');
            if depth == 0 {
                match word.as_str() {
                    "select" if column.is_none() => column = Some(0),
                    "from" => column = column.map(|_| usize::MAX),
                    _ => {}
                }
            }
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if !prev_ok || b.get(j) != Some(&b'(') {
                continue;
            }
            let is_read = word == "filetoblob" || word == "filetoclob";
            if !is_read && word != "lotofile" {
                continue;
            }
            let Some((args, end)) = call_args(sql, j) else {
                continue;
            };
            let client = args
                .last()
                .and_then(|a| literal(a))
                .is_some_and(|a| a.eq_ignore_ascii_case("client"));
            if !client {
                continue;
            }
            if is_read && args.len() == 2 {
                let Some(name) = literal(args[0]) else {
                    continue;
                };
                out.push_str(&sql[copied..start]);
                placeholders += count_placeholders(&sql[copied..start]);
                rw.reads.push(FileRead {
                    param_index: placeholders,
                    name,
                    clob: word == "filetoclob",
                });
                out.push('?');
                placeholders += 1;
            } else if !is_read && args.len() == 3 {
                let Some(name) = literal(args[1]) else {
                    continue;
                };
                let col = column.filter(|c| *c != usize::MAX).unwrap_or(0);
                out.push_str(&sql[copied..start]);
                placeholders += count_placeholders(&sql[copied..start]);
                placeholders += count_placeholders(args[0]);
                out.push_str(args[0]);
                rw.writes.push(FileWrite { column: col, name });
            } else {
                continue;
            }
            i = end;
            copied = end;
            continue;
        }
        match c {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                if let Some(n) = column.as_mut()
                    && *n != usize::MAX
                {
                    *n += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if rw.reads.is_empty() && rw.writes.is_empty() {
        return None;
    }
    out.push_str(&sql[copied..]);
    rw.sql = out;
    Some(rw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_reads_into_parameters() {
        let r = rewrite("INSERT INTO t VALUES (?, filetoblob('/tmp/_in', 'client'), '?')")
            .expect("rewritten");
        assert_eq!(r.sql, "INSERT INTO t VALUES (?, ?, '?')");
        assert_eq!(
            r.reads,
            vec![FileRead {
                param_index: 1,
                name: "/tmp/_in".into(),
                clob: false
            }]
        );
        let r =
            rewrite("UPDATE t SET c = FILETOCLOB('x', 'CLIENT') WHERE id = ?").expect("rewritten");
        assert_eq!(r.sql, "UPDATE t SET c = ? WHERE id = ?");
        assert_eq!(r.reads[0].param_index, 0);
        assert!(r.reads[0].clob);
    }

    #[test]
    fn rewrites_lotofile_into_its_expression() {
        let r = rewrite(
            "SELECT id, lotofile(data, '/tmp/_informix_db_blob', 'client') FROM t WHERE id = ?",
        )
        .expect("rewritten");
        assert_eq!(r.sql, "SELECT id, data FROM t WHERE id = ?");
        assert_eq!(
            r.writes,
            vec![FileWrite {
                column: 1,
                name: "/tmp/_informix_db_blob".into()
            }]
        );
        assert!(rewrite("SELECT lotofile(d, 'f', 'server') FROM t").is_none());
        assert!(rewrite("SELECT 'lotofile(d, ''f'', ''client'')' FROM t").is_none());
    }
}
