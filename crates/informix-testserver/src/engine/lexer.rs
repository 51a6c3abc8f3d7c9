//! Informix SQL tokenizer.
//!
//! Informix lexical rules differ from SQLite's: `"..."` is a string literal
//! (no DELIMIDENT), a backslash escapes nothing, `{ ... }` is a comment and
//! `::` is the cast operator. Everything downstream works on these tokens, so
//! raw client text never reaches SQLite.

use super::error::SqlError;

/// One lexical token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Identifier or keyword, folded to lower case.
    Ident(String),
    /// String literal (quotes removed, doubled quotes collapsed).
    Str(String),
    /// Numeric literal exactly as written.
    Num(String),
    /// `?` placeholder.
    Param,
    /// Punctuation or operator.
    Op(&'static str),
    /// End of input.
    Eof,
}

/// A token with its byte span in the statement text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

const OPS: &[&str] = &[
    "::", "||", "<=", ">=", "<>", "!=", "==", "(", ")", ",", ".", ";", "*", "+", "-", "/", "=",
    "<", ">", ":", "[", "]", "@",
];

/// True when a `{` at `at` opens a collection literal.
fn coll_open(out: &[Token], at: usize) -> bool {
    let n = out.len();
    match out.last() {
        Some(Token {
            tok: Tok::Ident(w),
            end,
            ..
        }) => match w.as_str() {
            "multiset" | "list" => true,
            "set" => {
                *end == at
                    || !matches!(
                        n.checked_sub(2).map(|k| &out[k].tok),
                        Some(Tok::Ident(p)) if p != "select"
                    )
            }
            _ => false,
        },
        _ => false,
    }
}

/// Splits `sql` into tokens (the last one is `Eof`).
pub fn tokenize(sql: &str) -> Result<Vec<Token>, SqlError> {
    let b = sql.as_bytes();
    let mut out = Vec::with_capacity(sql.len() / 4 + 2);
    let mut i = 0;
    let mut coll_depth = 0usize;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        // Comments.
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            match sql[i + 2..].find("*/") {
                Some(p) => i = i + 2 + p + 2,
                None => return Err(SqlError::new(-943, 0).at(start)),
            }
            continue;
        }
        // `SET{`, `MULTISET{`, `LIST{` open a collection literal, not a comment.
        // After `SET` only when adjacent or not in an UPDATE's `t SET {comment}`.
        if c == b'{' && coll_open(&out, start) {
            coll_depth += 1;
            i += 1;
            out.push(Token {
                tok: Tok::Op("{"),
                start,
                end: i,
            });
            continue;
        }
        if c == b'}' && coll_depth > 0 {
            coll_depth -= 1;
            i += 1;
            out.push(Token {
                tok: Tok::Op("}"),
                start,
                end: i,
            });
            continue;
        }
        if c == b'{' {
            match sql[i + 1..].find('}') {
                Some(p) => i = i + 1 + p + 1,
                None => return Err(SqlError::new(-283, 0).at(start)),
            }
            continue;
        }
        if c == b'\'' || c == b'"' {
            let q = c;
            let mut s = String::new();
            i += 1;
            let mut seg = i;
            loop {
                if i >= b.len() {
                    return Err(SqlError::new(-282, 0).at(start));
                }
                if b[i] == q {
                    if b.get(i + 1) == Some(&q) {
                        s.push_str(&sql[seg..=i]);
                        i += 2;
                        seg = i;
                        continue;
                    }
                    s.push_str(&sql[seg..i]);
                    i += 1;
                    break;
                }
                i += 1;
            }
            out.push(Token {
                tok: Tok::Str(s),
                start,
                end: i,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i < b.len() && b[i] == b'.' {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            out.push(Token {
                tok: Tok::Num(sql[start..i].to_string()),
                start,
                end: i,
            });
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(sql[start..i].to_lowercase()),
                start,
                end: i,
            });
            continue;
        }
        if c == b'?' {
            i += 1;
            out.push(Token {
                tok: Tok::Param,
                start,
                end: i,
            });
            continue;
        }
        let rest = &sql[i..];
        match OPS.iter().find(|op| rest.starts_with(**op)) {
            Some(op) => {
                i += op.len();
                out.push(Token {
                    tok: Tok::Op(op),
                    start,
                    end: i,
                });
            }
            None => return Err(SqlError::new(-202, 0).at(start)),
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        start: sql.len(),
        end: sql.len(),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s)
            .map(|v| v.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    #[test]
    fn basic_tokens() {
        assert_eq!(
            toks("SELECT a, 'it''s' FROM T where x>=1.5e3 -- c\n"),
            vec![
                Tok::Ident("select".into()),
                Tok::Ident("a".into()),
                Tok::Op(","),
                Tok::Str("it's".into()),
                Tok::Ident("from".into()),
                Tok::Ident("t".into()),
                Tok::Ident("where".into()),
                Tok::Ident("x".into()),
                Tok::Op(">="),
                Tok::Num("1.5e3".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn comments_and_double_quotes() {
        assert_eq!(
            toks("{hint} /* x */ \"a\"\"b\" ? :: x"),
            vec![
                Tok::Str("a\"b".into()),
                Tok::Param,
                Tok::Op("::"),
                Tok::Ident("x".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn backslash_is_not_an_escape() {
        let e = tokenize("select 'a\\'b' from t").err().map(|e| e.sqlcode);
        assert_eq!(e, Some(-282));
        assert_eq!(toks("'a\\b'"), vec![Tok::Str("a\\b".into()), Tok::Eof]);
    }

    #[test]
    fn collection_braces() {
        assert_eq!(
            toks("SET{1} {c} LIST{ x }, update t set {c}"),
            vec![
                Tok::Ident("set".into()),
                Tok::Op("{"),
                Tok::Num("1".into()),
                Tok::Op("}"),
                Tok::Ident("list".into()),
                Tok::Op("{"),
                Tok::Ident("x".into()),
                Tok::Op("}"),
                Tok::Op(","),
                Tok::Ident("update".into()),
                Tok::Ident("t".into()),
                Tok::Ident("set".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn unterminated_comments() {
        assert_eq!(tokenize("select {x").err().map(|e| e.sqlcode), Some(-283));
        assert_eq!(tokenize("select /*x").err().map(|e| e.sqlcode), Some(-943));
        assert_eq!(tokenize("select #").err().map(|e| e.sqlcode), Some(-202));
    }
}
