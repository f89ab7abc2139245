//! The error value of the compiler front end: what becomes a Python `SyntaxError` or
//! `IndentationError` with a line number. Shared by the lexer, parser and compiler so a
//! compile-time error ("'return' outside function", ...) has the same shape as a parse error.

use alloc::string::String;

/// Which Python exception type the error becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    /// `\N{...}` escapes, which upstream's lexer refuses this way.
    NotImplementedError,
    /// Nesting deeper than the parser's limit ("maximum recursion depth exceeded").
    RuntimeError,
}

/// An error with the message text and 1-based source line MicroPython reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub msg: String,
    pub line: u32,
}

impl SyntaxError {
    pub fn syntax(msg: &str, line: u32) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::SyntaxError,
            msg: msg.into(),
            line,
        }
    }

    pub fn indentation(msg: &str, line: u32) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::IndentationError,
            msg: msg.into(),
            line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let e = SyntaxError::indentation("unexpected indent", 4);
        assert_eq!(e.kind, SyntaxErrorKind::IndentationError);
        assert_eq!(e.line, 4);
        assert_eq!(
            SyntaxError::syntax("invalid syntax", 1).msg,
            "invalid syntax"
        );
    }
}
