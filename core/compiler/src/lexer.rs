//! The tokenizer: source bytes in, one token at a time out, with the indentation, string
//! and f-string behaviour of MicroPython's py/lexer.c.
//!
//! Behaviour that must match upstream, because programs can observe it:
//! * CR and CR LF become LF, NUL becomes 0x01, a missing final newline is added, tabs
//!   advance the column to the next multiple of 8, and indentation compares columns.
//! * A NEWLINE token carries the line of the logical line it ends; INDENT/DEDENT carry the
//!   line of the next statement.
//! * Adjacent string literals are joined into one token; a str next to a bytes literal
//!   ends the token so the parser reports "invalid syntax".
//! * f-strings are rewritten in the character stream: the literal keeps `{}`/`{!r:spec}`
//!   placeholders and the text `.format((expr),...)` is injected after it, to be lexed like
//!   source. This keeps upstream's quirks (no nested quotes of the same kind, `(a, b)` as one
//!   argument, `{x=}`) and line numbers.
//! * `__debug__` is the keyword `True` (`False` when optimising).
//! * Template strings (`t'...'`, only when enabled: upstream has them in mpy-cross and
//!   its largest builds) are rewritten the same way, into
//!   `__template__(('part', ...), (expr), 'expr', conversion, 'spec', ...)`.
//!
//! Malformed input never fails here: it becomes an error token ([`Tok::Invalid`],
//! [`Tok::LonelyStringOpen`], ...) that the parser reports when it reaches it.

use alloc::vec::Vec;

/// Columns per tab stop for indentation.
const TAB_SIZE: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    End,
    /// A character or escape that makes no token.
    Invalid,
    /// A dedent to a column that no enclosing block uses.
    DedentMismatch,
    /// A string literal without its closing quotes.
    LonelyStringOpen,
    MalformedFString,
    /// `\N{...}` in a string: upstream raises NotImplementedError on reading it.
    UnicodeNameEscape,
    Newline,
    Indent,
    Dedent,
    Name,
    Integer,
    FloatOrImag,
    String,
    Bytes,
    Ellipsis,

    KwFalse,
    KwNone,
    KwTrue,
    KwAnd,
    KwAs,
    KwAssert,
    KwAsync,
    KwAwait,
    KwBreak,
    KwClass,
    KwContinue,
    KwDef,
    KwDel,
    KwElif,
    KwElse,
    KwExcept,
    KwFinally,
    KwFor,
    KwFrom,
    KwGlobal,
    KwIf,
    KwImport,
    KwIn,
    KwIs,
    KwLambda,
    KwNonlocal,
    KwNot,
    KwOr,
    KwPass,
    KwRaise,
    KwReturn,
    KwTry,
    KwWhile,
    KwWith,
    KwYield,

    ParenOpen,
    ParenClose,
    BracketOpen,
    BracketClose,
    BraceOpen,
    BraceClose,
    Comma,
    Semicolon,
    Tilde,
    Colon,
    /// `:=`
    Walrus,
    Less,
    LessEqual,
    DblLess,
    DblLessEqual,
    More,
    MoreEqual,
    DblMore,
    DblMoreEqual,
    Star,
    StarEqual,
    DblStar,
    DblStarEqual,
    Plus,
    PlusEqual,
    Minus,
    MinusEqual,
    /// `->`
    Arrow,
    Ampersand,
    AmpersandEqual,
    Pipe,
    PipeEqual,
    Slash,
    SlashEqual,
    DblSlash,
    DblSlashEqual,
    Percent,
    PercentEqual,
    Caret,
    CaretEqual,
    At,
    AtEqual,
    Equal,
    DblEqual,
    NotEqual,
    Period,
}

/// The keywords, each preceded by its length (one string: less flash than a table of
/// slices), and their tokens in the same order.
const KEYWORDS: &[u8] = concat!(
    "\x05False",
    "\x04None",
    "\x04True",
    "\x03and",
    "\x02as",
    "\x06assert",
    "\x05async",
    "\x05await",
    "\x05break",
    "\x05class",
    "\x08continue",
    "\x03def",
    "\x03del",
    "\x04elif",
    "\x04else",
    "\x06except",
    "\x07finally",
    "\x03for",
    "\x04from",
    "\x06global",
    "\x02if",
    "\x06import",
    "\x02in",
    "\x02is",
    "\x06lambda",
    "\x08nonlocal",
    "\x03not",
    "\x02or",
    "\x04pass",
    "\x05raise",
    "\x06return",
    "\x03try",
    "\x05while",
    "\x04with",
    "\x05yield",
)
.as_bytes();
const KEYWORD_TOKS: [Tok; 35] = [
    Tok::KwFalse,
    Tok::KwNone,
    Tok::KwTrue,
    Tok::KwAnd,
    Tok::KwAs,
    Tok::KwAssert,
    Tok::KwAsync,
    Tok::KwAwait,
    Tok::KwBreak,
    Tok::KwClass,
    Tok::KwContinue,
    Tok::KwDef,
    Tok::KwDel,
    Tok::KwElif,
    Tok::KwElse,
    Tok::KwExcept,
    Tok::KwFinally,
    Tok::KwFor,
    Tok::KwFrom,
    Tok::KwGlobal,
    Tok::KwIf,
    Tok::KwImport,
    Tok::KwIn,
    Tok::KwIs,
    Tok::KwLambda,
    Tok::KwNonlocal,
    Tok::KwNot,
    Tok::KwOr,
    Tok::KwPass,
    Tok::KwRaise,
    Tok::KwReturn,
    Tok::KwTry,
    Tok::KwWhile,
    Tok::KwWith,
    Tok::KwYield,
];

fn keyword(word: &[u8]) -> Option<Tok> {
    crate::strmap::packed_index(KEYWORDS, word).and_then(|i| KEYWORD_TOKS.get(i).copied())
}

/// Operator characters, with their tokens alone and followed by `=` (`End`: none).
const OP_CHARS: &[u8] = b"()[]{},;~:<>*/+-&|%^@=!.";
const OP_PLAIN: [Tok; 24] = [
    Tok::ParenOpen,
    Tok::ParenClose,
    Tok::BracketOpen,
    Tok::BracketClose,
    Tok::BraceOpen,
    Tok::BraceClose,
    Tok::Comma,
    Tok::Semicolon,
    Tok::Tilde,
    Tok::Colon,
    Tok::Less,
    Tok::More,
    Tok::Star,
    Tok::Slash,
    Tok::Plus,
    Tok::Minus,
    Tok::Ampersand,
    Tok::Pipe,
    Tok::Percent,
    Tok::Caret,
    Tok::At,
    Tok::Equal,
    Tok::Invalid,
    Tok::Period,
];
const OP_EQ: [Tok; 24] = [
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::End,
    Tok::Walrus,
    Tok::LessEqual,
    Tok::MoreEqual,
    Tok::StarEqual,
    Tok::SlashEqual,
    Tok::PlusEqual,
    Tok::MinusEqual,
    Tok::AmpersandEqual,
    Tok::PipeEqual,
    Tok::PercentEqual,
    Tok::CaretEqual,
    Tok::AtEqual,
    Tok::DblEqual,
    Tok::NotEqual,
    Tok::End,
];
/// `<<`, `>>`, `**`, `//` alone and followed by `=`.
const OP_DBL: [(Tok, Tok); 4] = [
    (Tok::DblLess, Tok::DblLessEqual),
    (Tok::DblMore, Tok::DblMoreEqual),
    (Tok::DblStar, Tok::DblStarEqual),
    (Tok::DblSlash, Tok::DblSlashEqual),
];

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_ident_head(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_tail(c: u8) -> bool {
    is_ident_head(c) || c.is_ascii_digit()
}

/// Appends `c` UTF-8 encoded the way upstream's `vstr_add_char` does: any value below
/// 0x110000, surrogates included (they become invalid UTF-8, replaced when the literal is
/// turned into a `String`).
fn push_utf8(out: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.push(0xc0 | (c >> 6) as u8);
        out.push(0x80 | (c & 0x3f) as u8);
    } else if c < 0x10000 {
        out.push(0xe0 | (c >> 12) as u8);
        out.push(0x80 | ((c >> 6) & 0x3f) as u8);
        out.push(0x80 | (c & 0x3f) as u8);
    } else {
        out.push(0xf0 | (c >> 18) as u8);
        out.push(0x80 | ((c >> 12) & 0x3f) as u8);
        out.push(0x80 | ((c >> 6) & 0x3f) as u8);
        out.push(0x80 | (c & 0x3f) as u8);
    }
}

/// A string literal's prefix letters.
#[derive(Clone, Copy)]
struct Prefix {
    len: usize,
    bytes: bool,
    raw: bool,
    f: bool,
    t: bool,
}

impl Prefix {
    /// A template string; never without the `tstrings` feature, so that its code goes.
    fn template(&self) -> bool {
        cfg!(feature = "tstrings") && self.t
    }
}

/// Progress through a t-string's interpolations.
#[derive(Default)]
struct TState {
    interpolations: usize,
    /// Open `{` levels inside the current format spec (0: not in a spec).
    nesting: usize,
    needs_fstring: bool,
    /// Where the current format spec starts in the token text.
    format_start: usize,
}

#[derive(Clone)]
pub struct Lexer {
    /// Whether `t'...'` template strings are recognised.
    tstrings: bool,
    /// What `__debug__` reads as.
    debug: bool,
    /// Normalised source: LF line ends, ending in LF unless empty.
    src: Vec<u8>,
    pos: usize,
    /// Characters injected ahead of `src[pos..]` (f-string format arguments).
    inj: Vec<u8>,
    inj_pos: usize,
    line: u32,
    column: usize,
    indents: Vec<usize>,
    /// Pending INDENT (>0) or DEDENT (<0) tokens.
    pending_dents: i32,
    /// Open brackets; newlines inside brackets are whitespace. Wraps like upstream's
    /// unsigned counter when a closer has no opener (the parser fails there anyway).
    bracket_level: usize,
    /// `.format(...)` text collected while reading an f-string.
    fstring_args: Vec<u8>,

    pub tok: Tok,
    pub tok_line: u32,
    /// Text of a Name, Integer or FloatOrImag token (underscores dropped from numbers), or
    /// the value of a String/Bytes token.
    pub text: Vec<u8>,
}

impl Lexer {
    pub fn new(source: &[u8]) -> Lexer {
        Lexer::with_options(source, false, true)
    }

    /// `tstrings`: also read template strings (`t'...'`), as mpy-cross and upstream's
    /// largest builds do (only with the `tstrings` feature). `debug`: the value of
    /// `__debug__` (false when optimising).
    pub fn with_options(source: &[u8], tstrings: bool, debug: bool) -> Lexer {
        let mut src = Vec::with_capacity(source.len() + 1);
        let mut i = 0;
        while i < source.len() {
            let c = source[i];
            if c == b'\r' {
                src.push(b'\n');
                if source.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            } else if c == 0 {
                // Upstream uses NUL as its end marker and reads a NUL byte as 0x01.
                src.push(1);
            } else {
                src.push(c);
            }
            i += 1;
        }
        if src.last().is_some_and(|&c| c != b'\n') {
            src.push(b'\n');
        }
        let mut lex = Lexer {
            tstrings: tstrings && cfg!(feature = "tstrings"),
            debug,
            src,
            pos: 0,
            inj: Vec::new(),
            inj_pos: 0,
            line: 1,
            column: 1,
            indents: alloc::vec![0],
            pending_dents: 0,
            bracket_level: 0,
            fstring_args: Vec::new(),
            tok: Tok::End,
            tok_line: 1,
            text: Vec::new(),
        };
        let col = lex.next_token();
        // The first statement must start in column 1.
        if col != 1 && lex.tok != Tok::Newline && lex.tok != Tok::UnicodeNameEscape {
            lex.tok = Tok::Indent;
        }
        lex
    }

    fn at(&self, k: usize) -> Option<u8> {
        let n_inj = self.inj.len() - self.inj_pos;
        if k < n_inj {
            self.inj.get(self.inj_pos + k).copied()
        } else {
            self.src.get(self.pos + k - n_inj).copied()
        }
    }

    fn cur(&self) -> Option<u8> {
        self.at(0)
    }

    fn is(&self, c: u8) -> bool {
        self.at(0) == Some(c)
    }

    fn is_eof(&self) -> bool {
        self.at(0).is_none()
    }

    fn advance(&mut self) {
        match self.cur() {
            Some(b'\n') => {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            }
            Some(b'\t') => self.column = (self.column - 1 + TAB_SIZE) / TAB_SIZE * TAB_SIZE + 1,
            Some(_) => self.column += 1,
            None => return,
        }
        if self.inj_pos < self.inj.len() {
            self.inj_pos += 1;
            if self.inj_pos == self.inj.len() {
                self.inj.clear();
                self.inj_pos = 0;
            }
        } else {
            self.pos += 1;
        }
    }

    /// Skips spaces, comments and backslash continuations. With `stop_at_newline`, stops
    /// on a newline outside brackets and returns true.
    fn skip_whitespace(&mut self, stop_at_newline: bool) -> bool {
        while let Some(c) = self.cur() {
            if c == b'\n' {
                if stop_at_newline && self.bracket_level == 0 {
                    return true;
                }
                self.advance();
            } else if is_space(c) {
                self.advance();
            } else if c == b'#' {
                while self.cur().is_some_and(|c| c != b'\n') {
                    self.advance();
                }
            } else if c == b'\\' && self.at(1) == Some(b'\n') {
                self.advance();
                self.advance();
            } else {
                break;
            }
        }
        false
    }

    /// Reads the next token into `tok`/`tok_line`/`text`; returns its column.
    pub fn next_token(&mut self) -> usize {
        self.text.clear();
        let had_newline = self.skip_whitespace(true);
        self.tok_line = self.line;
        let column = self.column;

        if self.pending_dents < 0 {
            self.tok = Tok::Dedent;
            self.pending_dents += 1;
        } else if self.pending_dents > 0 {
            self.tok = Tok::Indent;
            self.pending_dents -= 1;
        } else if had_newline {
            self.skip_whitespace(false);
            self.tok = Tok::Newline;
            let spaces = self.column - 1;
            let top = self.indents.last().copied().unwrap_or(0);
            if spaces > top {
                self.indents.push(spaces);
                self.pending_dents += 1;
            } else if spaces < top {
                while self.indents.last().is_some_and(|&t| spaces < t) {
                    self.indents.pop();
                    self.pending_dents -= 1;
                }
                if self.indents.last().copied().unwrap_or(0) != spaces {
                    self.tok = Tok::DedentMismatch;
                }
            }
        } else if self.is_eof() {
            self.tok = Tok::End;
        } else if let Some(prefix) = self.string_prefix() {
            self.read_strings(prefix);
        } else if self.cur().is_some_and(is_ident_head) {
            while let Some(c) = self.cur().filter(|&c| is_ident_tail(c)) {
                self.text.push(c);
                self.advance();
            }
            self.tok = match keyword(&self.text) {
                Some(t) => t,
                // Upstream turns `__debug__` into its value here, so `x.__debug__` is a
                // syntax error.
                None if self.text == b"__debug__" => {
                    if self.debug {
                        Tok::KwTrue
                    } else {
                        Tok::KwFalse
                    }
                }
                None => Tok::Name,
            };
        } else if self.cur().is_some_and(|c| c.is_ascii_digit())
            || (self.is(b'.') && self.at(1).is_some_and(|c| c.is_ascii_digit()))
        {
            self.read_number();
        } else {
            self.read_operator();
        }
        column
    }

    /// If a string literal starts here, its prefix.
    fn string_prefix(&self) -> Option<Prefix> {
        let mut p = Prefix {
            len: 0,
            bytes: false,
            raw: false,
            f: false,
            t: false,
        };
        let mut u = false;
        // Up to two letters, each at most once, then a quote: one letter alone, or `r`
        // with one of `b`, `f`, `t`.
        for i in 0..3 {
            let c = self.at(i)?;
            if c == b'\'' || c == b'"' {
                p.len = i;
                let others = u8::from(p.bytes) + u8::from(p.f) + u8::from(p.t);
                return (i < 2 || (p.raw && !u && others == 1)).then_some(p);
            }
            let flag = match c {
                b'u' => &mut u,
                b'b' => &mut p.bytes,
                b'r' => &mut p.raw,
                b'f' => &mut p.f,
                b't' if self.tstrings => &mut p.t,
                _ => return None,
            };
            if *flag {
                return None;
            }
            *flag = true;
        }
        None
    }

    /// Reads a run of adjacent string literals of one kind into one token.
    fn read_strings(&mut self, first: Prefix) {
        self.tok = if first.bytes { Tok::Bytes } else { Tok::String };
        let mut had_tstring = false;
        let mut prefix = Some(first);
        while let Some(p) = prefix {
            // Upstream notes a t-string before checking that it may join this token, so
            // a t-string after bytes still turns the bytes token into a template call.
            had_tstring |= p.template();
            let this_kind = if p.bytes { Tok::Bytes } else { Tok::String };
            if self.tok != this_kind {
                // Either str next to bytes (the next token starts here), or this token has
                // already gone bad: stop joining.
                break;
            }
            for _ in 0..p.len {
                self.advance();
            }
            self.read_string_literal(p);
            if self.tok == Tok::UnicodeNameEscape {
                return;
            }
            self.skip_whitespace(true);
            prefix = self.string_prefix();
        }
        if had_tstring {
            // The literal parts were collected as source text for a tuple of strings; the
            // token becomes a call `__template__((parts...), interpolations...)`.
            self.text.extend_from_slice(b",),");
            let mut args = core::mem::take(&mut self.text);
            args.append(&mut self.fstring_args);
            self.fstring_args = args;
            if !matches!(
                self.tok,
                Tok::Invalid | Tok::LonelyStringOpen | Tok::MalformedFString
            ) {
                self.tok = Tok::Name;
                self.text.extend_from_slice(b"__template__");
            }
        }
        if !self.fstring_args.is_empty() {
            self.fstring_args.push(b')');
            if self.is_eof() {
                // Upstream re-reads its three look-ahead characters after the injected
                // text; at the end of input they are end markers, the first of which
                // becomes the implicit final newline once more.
                self.fstring_args.push(b'\n');
            }
            let rest = self.inj.split_off(self.inj_pos);
            self.inj.clear();
            self.inj.append(&mut self.fstring_args);
            self.inj.extend_from_slice(&rest);
            self.inj_pos = 0;
        }
    }

    fn read_string_literal(&mut self, p: Prefix) {
        let quote = if self.is(b'"') { b'"' } else { b'\'' };
        self.advance();
        let num_quotes = if self.is(quote) && self.at(1) == Some(quote) {
            self.advance();
            self.advance();
            3
        } else {
            1
        };
        if p.f && self.fstring_args.is_empty() {
            self.fstring_args.extend_from_slice(b".format(");
        }
        if p.template() && self.fstring_args.is_empty() {
            self.text.extend_from_slice(b"((");
            for _ in 0..num_quotes {
                self.text.push(quote);
            }
        }
        let mut t = TState::default();

        let mut n_closing = 0;
        while let Some(c) = self.cur() {
            if n_closing >= num_quotes || (num_quotes == 1 && c == b'\n') {
                break;
            }
            if c == quote {
                n_closing += 1;
                self.text.push(c);
                self.advance();
                continue;
            }
            if p.template() && c == b'\n' {
                // The parts are re-read as one-line literals.
                self.text.extend_from_slice(b"\\n");
                self.advance();
                continue;
            }
            n_closing = 0;
            if (p.f || p.template()) && c == b'{' {
                if t.nesting > 0 {
                    // A `{` inside a t-string format spec stays in the spec.
                    t.nesting += 1;
                } else {
                    self.advance();
                    if self.is(b'{') {
                        // `{{` stays for str.format to turn into `{`; a t-string part is a
                        // plain literal, so it keeps one.
                        if !p.template() {
                            self.text.push(b'{');
                        }
                        self.advance();
                    } else {
                        self.read_fstring_argument(p, quote, num_quotes, &mut t);
                    }
                    self.text.push(b'{');
                    continue;
                }
            }
            if p.template() && c == b'\\' {
                // Escapes are left for the re-read of the part.
                self.text.push(b'\\');
                if p.raw {
                    self.text.push(b'\\');
                } else {
                    self.advance();
                    if let Some(e) = self.cur() {
                        self.text.push(e);
                    }
                }
            } else if c == b'\\' {
                self.advance();
                self.read_escape(p.raw);
                if self.tok == Tok::UnicodeNameEscape {
                    // Upstream raises the moment it reads the escape.
                    return;
                }
            } else if p.template() && t.nesting > 0 && c == b'}' {
                t.nesting -= 1;
                if t.nesting > 0 {
                    t.needs_fstring = true;
                    self.text.push(c);
                } else {
                    // End of an interpolation: its format spec becomes an argument.
                    t.interpolations += 1;
                    if t.needs_fstring {
                        self.fstring_args.push(b'f');
                        t.needs_fstring = false;
                    }
                    self.fstring_args.push(quote);
                    let spec = self.text.get(t.format_start + 1..).unwrap_or(&[]).to_vec();
                    self.fstring_args.extend_from_slice(&spec);
                    self.text.truncate(t.format_start);
                    self.fstring_args.push(quote);
                    self.fstring_args.push(b',');
                }
            } else {
                // Bytes are copied as they are, so UTF-8 passes through unchanged.
                self.text.push(c);
                if p.template() && c == b'}' {
                    if self.at(1) == Some(b'}') {
                        self.advance();
                    } else {
                        self.tok = Tok::MalformedFString;
                    }
                }
            }
            self.advance();
        }
        if n_closing < num_quotes {
            self.tok = Tok::LonelyStringOpen;
        }
        if p.template() {
            if t.nesting > 0 {
                self.tok = Tok::MalformedFString;
            }
            if 1 + t.interpolations * 4 > 255 {
                // Too many arguments for one call: pass the interpolations as a tuple.
                self.fstring_args.insert(0, b'(');
                self.fstring_args.push(b')');
            }
        } else {
            // The closing quotes are not part of the value.
            let keep = self.text.len().saturating_sub(n_closing);
            self.text.truncate(keep);
        }
    }

    /// Copies the expression of an f-string placeholder into the format arguments: up to a
    /// `:` or `}` or `!r`/`!s` conversion outside brackets, without understanding Python
    /// syntax (upstream's limitation: no `:` or `}` inside the expression's strings).
    /// For a t-string it also adds the expression's text, the conversion and starts
    /// collecting the format spec.
    fn read_fstring_argument(&mut self, p: Prefix, quote: u8, num_quotes: usize, t: &mut TState) {
        self.fstring_args.push(b'(');
        let start = self.fstring_args.len();
        let mut depth: u32 = 0;
        while let Some(c) = self.cur() {
            if depth == 0 {
                let conversion = c == b'!'
                    && matches!(self.at(1), Some(b'r') | Some(b's'))
                    && matches!(self.at(2), Some(b':') | Some(b'}'));
                if c == b':' || c == b'}' || conversion {
                    break;
                }
            }
            match c {
                b'[' | b'{' => depth = depth.wrapping_add(1),
                b']' | b'}' => depth = depth.wrapping_sub(1),
                _ => {}
            }
            self.fstring_args.push(c);
            self.advance();
        }
        let mut was_debug = false;
        if self.fstring_args.len() > start && self.fstring_args.last() == Some(&b'=') {
            // `{x=}` prints as `x={}`.
            let expr = self.fstring_args.get(start..).unwrap_or(&[]).to_vec();
            self.text.extend_from_slice(&expr);
            self.fstring_args.pop();
            was_debug = true;
        }
        if p.template() {
            while self.fstring_args.len() > start
                && self.fstring_args.last().is_some_and(|&c| is_space(c))
            {
                self.fstring_args.pop();
            }
        }
        if self.fstring_args.len() == start {
            self.tok = Tok::MalformedFString;
        }
        let expr_end = self.fstring_args.len();
        self.fstring_args.extend_from_slice(b"),");
        if !p.template() {
            return;
        }
        // The expression's source text, as a string literal argument.
        self.fstring_args.push(quote);
        for j in start..expr_end {
            let b = self.fstring_args.get(j).copied().unwrap_or(b' ');
            if b == quote || b == b'\\' {
                self.fstring_args.push(b'\\');
            }
            self.fstring_args.push(b);
        }
        self.fstring_args.push(quote);
        self.fstring_args.push(b',');
        // The next literal part starts as a new string in the tuple.
        for _ in 0..num_quotes {
            self.text.push(quote);
        }
        self.text.push(b',');
        for _ in 0..num_quotes {
            self.text.push(quote);
        }
        if self.is(b'!') {
            self.advance();
            let conv = self.cur().unwrap_or(b'r');
            self.fstring_args.push(quote);
            self.fstring_args.push(conv);
            self.fstring_args.push(quote);
            self.fstring_args.push(b',');
            self.advance();
        } else if was_debug && !self.is(b':') {
            self.fstring_args.extend_from_slice(b"'r',");
        } else {
            self.fstring_args.extend_from_slice(b"None,");
        }
        if self.is(b':') {
            self.advance();
        }
        t.nesting = 1;
        t.format_start = self.text.len();
    }

    /// Handles the character after a backslash (the current one); the caller advances
    /// past it.
    fn read_escape(&mut self, is_raw: bool) {
        let Some(c) = self.cur() else {
            return;
        };
        let is_bytes = self.tok == Tok::Bytes;
        let mut value = u32::from(c);
        if is_raw {
            self.text.push(b'\\');
        } else {
            match c {
                b'\n' => return,
                b'\\' | b'\'' | b'"' => {}
                // `\a` .. `\r`: BEL, BS, TAB, LF, VT, FF, CR.
                b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' => {
                    value = b"abtnvfr".iter().position(|&x| x == c).unwrap_or(0) as u32 + 7
                }
                b'u' | b'U' if is_bytes => self.text.push(b'\\'),
                b'x' | b'u' | b'U' => {
                    let digits = match c {
                        b'x' => 2,
                        b'u' => 4,
                        _ => 8,
                    };
                    let mut num: u32 = 0;
                    for _ in 0..digits {
                        self.advance();
                        match self.cur().and_then(|d| (d as char).to_digit(16)) {
                            Some(d) => num = num.wrapping_shl(4) | d,
                            None => {
                                self.tok = Tok::Invalid;
                                break;
                            }
                        }
                    }
                    value = num;
                }
                b'N' => {
                    self.tok = Tok::UnicodeNameEscape;
                    return;
                }
                b'0'..=b'7' => {
                    let mut num = u32::from(c - b'0');
                    for _ in 1..3 {
                        match self.at(1) {
                            Some(d @ b'0'..=b'7') => {
                                self.advance();
                                num = num * 8 + u32::from(d - b'0');
                            }
                            _ => break,
                        }
                    }
                    value = num;
                }
                // Unknown escapes stay as written, like CPython.
                _ => self.text.push(b'\\'),
            }
        }
        if !is_bytes && self.tok == Tok::String && value < 0x110000 {
            push_utf8(&mut self.text, value);
        } else if is_bytes && value < 0x100 {
            self.text.push(value as u8);
        } else {
            self.tok = Tok::Invalid;
        }
    }

    fn read_number(&mut self) {
        let mut forced_integer = false;
        if self.is(b'.') {
            self.tok = Tok::FloatOrImag;
        } else {
            self.tok = Tok::Integer;
            forced_integer =
                self.is(b'0') && matches!(self.at(1).map(|c| c | 0x20), Some(b'b' | b'o' | b'x'));
        }
        if let Some(c) = self.cur() {
            self.text.push(c);
            self.advance();
        }
        while let Some(c) = self.cur() {
            if !forced_integer && (c == b'e' || c == b'E') {
                self.tok = Tok::FloatOrImag;
                self.text.push(b'e');
                self.advance();
                if let Some(s @ (b'+' | b'-')) = self.cur() {
                    self.text.push(s);
                    self.advance();
                }
            } else if c.is_ascii_alphanumeric() || c == b'.' {
                if matches!(c, b'.' | b'j' | b'J') {
                    self.tok = Tok::FloatOrImag;
                }
                self.text.push(c);
                self.advance();
            } else if c == b'_' {
                self.advance();
            } else {
                break;
            }
        }
    }

    fn read_operator(&mut self) {
        let Some(c) = self.cur() else {
            self.tok = Tok::End;
            return;
        };
        self.advance();
        // Tables instead of a match per character: the token alone and with `=` after it
        // (`End`: no such token), then the doubled forms of `<`, `>`, `*`, `/`.
        let i = OP_CHARS.iter().position(|&x| x == c);
        let mut tok = i
            .and_then(|i| OP_PLAIN.get(i))
            .copied()
            .unwrap_or(Tok::Invalid);
        let mut with_eq = i.and_then(|i| OP_EQ.get(i)).copied().unwrap_or(Tok::End);
        if let Some(&(dbl, dbl_eq)) = b"<>*/"
            .iter()
            .position(|&x| x == c && self.is(c))
            .and_then(|k| OP_DBL.get(k))
        {
            self.advance();
            (tok, with_eq) = (dbl, dbl_eq);
        } else if c == b'-' && self.is(b'>') {
            self.advance();
            (tok, with_eq) = (Tok::Arrow, Tok::End);
        } else if c == b'.' && self.is(b'.') && self.at(1) == Some(b'.') {
            self.advance();
            self.advance();
            (tok, with_eq) = (Tok::Ellipsis, Tok::End);
        }
        if with_eq != Tok::End && self.is(b'=') {
            self.advance();
            tok = with_eq;
        }
        match tok {
            Tok::ParenOpen | Tok::BracketOpen | Tok::BraceOpen => {
                self.bracket_level = self.bracket_level.wrapping_add(1)
            }
            Tok::ParenClose | Tok::BracketClose | Tok::BraceClose => {
                self.bracket_level = self.bracket_level.wrapping_sub(1)
            }
            _ => {}
        }
        self.tok = tok;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn toks(src: &str) -> Vec<(Tok, u32)> {
        let mut lex = Lexer::new(src.as_bytes());
        let mut out = Vec::new();
        for _ in 0..1000 {
            out.push((lex.tok, lex.tok_line));
            if lex.tok == Tok::End {
                break;
            }
            lex.next_token();
        }
        out
    }

    fn kinds(src: &str) -> Vec<Tok> {
        toks(src).into_iter().map(|(t, _)| t).collect()
    }

    fn first_text(src: &str) -> (Tok, Vec<u8>) {
        let lex = Lexer::new(src.as_bytes());
        (lex.tok, lex.text.clone())
    }

    #[test]
    fn simple_statement() {
        use Tok::*;
        assert_eq!(kinds("x = 1\n"), [Name, Equal, Integer, Newline, End]);
        assert_eq!(kinds("x = 1"), [Name, Equal, Integer, Newline, End]);
        assert_eq!(kinds(""), [End]);
    }

    #[test]
    fn operators_maximal_munch() {
        use Tok::*;
        assert_eq!(
            kinds("a<<=b**=c//=d->e:=f!=g...h.i"),
            [
                Name,
                DblLessEqual,
                Name,
                DblStarEqual,
                Name,
                DblSlashEqual,
                Name,
                Arrow,
                Name,
                Walrus,
                Name,
                NotEqual,
                Name,
                Ellipsis,
                Name,
                Period,
                Name,
                Newline,
                End
            ]
        );
        assert_eq!(kinds("a ! b")[1], Invalid);
        assert_eq!(kinds("a $ b")[1], Invalid);
        assert_eq!(kinds("a<b>c<=d>=e==f")[1..12].len(), 11);
        // Every operator alone, then with `=` after it: the `=` joins only where a token
        // exists (`->=` is `->` then `=`, `...=` is `...` then `=`).
        let ops = "( ) [ ] { } , ; ~ : < > * / + - & | % ^ @ = . << >> ** // -> ...";
        assert_eq!(
            kinds(&ops.replace(' ', " a ")),
            [
                ParenOpen,
                Name,
                ParenClose,
                Name,
                BracketOpen,
                Name,
                BracketClose,
                Name,
                BraceOpen,
                Name,
                BraceClose,
                Name,
                Comma,
                Name,
                Semicolon,
                Name,
                Tilde,
                Name,
                Colon,
                Name,
                Less,
                Name,
                More,
                Name,
                Star,
                Name,
                Slash,
                Name,
                Plus,
                Name,
                Minus,
                Name,
                Ampersand,
                Name,
                Pipe,
                Name,
                Percent,
                Name,
                Caret,
                Name,
                At,
                Name,
                Equal,
                Name,
                Period,
                Name,
                DblLess,
                Name,
                DblMore,
                Name,
                DblStar,
                Name,
                DblSlash,
                Name,
                Arrow,
                Name,
                Ellipsis,
                Newline,
                End
            ]
        );
        let with_eq = ops.replace(' ', "= a ") + "=";
        assert_eq!(
            kinds(&with_eq),
            [
                ParenOpen,
                Equal,
                Name,
                ParenClose,
                Equal,
                Name,
                BracketOpen,
                Equal,
                Name,
                BracketClose,
                Equal,
                Name,
                BraceOpen,
                Equal,
                Name,
                BraceClose,
                Equal,
                Name,
                Comma,
                Equal,
                Name,
                Semicolon,
                Equal,
                Name,
                Tilde,
                Equal,
                Name,
                Walrus,
                Name,
                LessEqual,
                Name,
                MoreEqual,
                Name,
                StarEqual,
                Name,
                SlashEqual,
                Name,
                PlusEqual,
                Name,
                MinusEqual,
                Name,
                AmpersandEqual,
                Name,
                PipeEqual,
                Name,
                PercentEqual,
                Name,
                CaretEqual,
                Name,
                AtEqual,
                Name,
                DblEqual,
                Name,
                Period,
                Equal,
                Name,
                DblLessEqual,
                Name,
                DblMoreEqual,
                Name,
                DblStarEqual,
                Name,
                DblSlashEqual,
                Name,
                Arrow,
                Equal,
                Name,
                Ellipsis,
                Equal,
                Newline,
                End
            ]
        );
    }

    #[test]
    fn utf8_as_upstream() {
        for c in [
            0, 0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd800, 0xffff, 0x10000, 0x10ffff,
        ] {
            let mut out = Vec::new();
            push_utf8(&mut out, c);
            let expected: Vec<u8> = match char::from_u32(c) {
                Some(ch) => ch.encode_utf8(&mut [0; 4]).as_bytes().to_vec(),
                // A surrogate: the three-byte pattern all the same.
                None => alloc::vec![
                    0xed,
                    0xa0 | ((c >> 6) & 0x1f) as u8,
                    0x80 | (c & 0x3f) as u8
                ],
            };
            assert_eq!(out, expected, "{c:#x}");
        }
    }

    #[test]
    fn string_prefixes() {
        let letters = ["", "u", "b", "r", "f", "t", "x"];
        for tstrings in [false, true] {
            for a in letters {
                for b in letters {
                    let prefix = alloc::format!("{a}{b}");
                    let ok = match prefix.as_str() {
                        "" | "u" | "b" | "r" | "f" | "rb" | "br" | "rf" | "fr" => true,
                        "t" | "rt" | "tr" => tstrings && cfg!(feature = "tstrings"),
                        _ => false,
                    };
                    let src = alloc::format!("{prefix}'a'\n");
                    let lx = Lexer::with_options(src.as_bytes(), tstrings, true);
                    // Not a prefix: the letters read as a name. (A t-string reads as the
                    // call it is lowered to.)
                    let as_name = lx.tok == Tok::Name && lx.text == prefix.as_bytes();
                    assert_eq!(!as_name, ok, "{prefix:?} tstrings={tstrings}");
                    if ok && !prefix.contains('f') && !prefix.contains('t') {
                        assert_eq!(lx.tok == Tok::Bytes, prefix.contains('b'), "{prefix:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn indentation_and_lines() {
        use Tok::*;
        let t = toks("if x:\n    y\n\n  # c\nz\n");
        assert_eq!(
            t,
            [
                (KwIf, 1),
                (Name, 1),
                (Colon, 1),
                (Newline, 1),
                (Indent, 2),
                (Name, 2),
                (Newline, 2),
                (Dedent, 5),
                (Name, 5),
                (Newline, 5),
                (End, 6)
            ]
        );
        // The NEWLINE before the bad dedent becomes the mismatch token.
        assert_eq!(kinds("if x:\n    y\n  z\n")[6], DedentMismatch);
        assert_eq!(kinds("  x\n")[0], Indent);
        // A tab reaches column 9, the same as 8 spaces.
        assert!(!kinds("if x:\n\ty\n        z\n").contains(&DedentMismatch));
    }

    #[test]
    fn brackets_join_lines() {
        use Tok::*;
        assert_eq!(
            toks("(a,\n b)\nc \\\n + d\n"),
            [
                (ParenOpen, 1),
                (Name, 1),
                (Comma, 1),
                (Name, 2),
                (ParenClose, 2),
                (Newline, 2),
                (Name, 3),
                (Plus, 4),
                (Name, 4),
                (Newline, 4),
                (End, 5)
            ]
        );
    }

    #[test]
    fn crlf_is_newline() {
        assert_eq!(toks("a\r\nb\rc")[4], (Tok::Name, 3));
    }

    #[test]
    fn numbers() {
        assert_eq!(first_text("1_000"), (Tok::Integer, b"1000".to_vec()));
        assert_eq!(first_text("0x1E"), (Tok::Integer, b"0x1E".to_vec()));
        assert_eq!(first_text("1E5"), (Tok::FloatOrImag, b"1e5".to_vec()));
        assert_eq!(
            first_text("1.5e-3j"),
            (Tok::FloatOrImag, b"1.5e-3j".to_vec())
        );
        assert_eq!(first_text(".5"), (Tok::FloatOrImag, b".5".to_vec()));
        assert_eq!(first_text("12abc"), (Tok::Integer, b"12abc".to_vec()));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(first_text(r"'a\tb\x41\101\u00e9'").1, "a\tbAAé".as_bytes());
        assert_eq!(first_text(r"'\q'").1, br"\q");
        assert_eq!(first_text(r"r'\n'").1, br"\n");
        assert_eq!(
            first_text(r"b'\xff\u0041'"),
            (Tok::Bytes, b"\xff\\u0041".to_vec())
        );
        assert_eq!(first_text(r"rb'\x'").1, br"\x");
        assert_eq!(first_text("'a' \"b\" '''c\nd'''").1, b"abc\nd");
        assert_eq!(first_text("'a\\\nb'").1, b"ab");
        assert_eq!(first_text(r"'\x4g'").0, Tok::Invalid);
        // Upstream's hex reader swallows the quote after a short escape.
        assert_eq!(first_text(r"'\x4'").0, Tok::LonelyStringOpen);
        assert_eq!(first_text(r"b'\400'").0, Tok::Invalid);
        assert_eq!(first_text(r"'\N{DASH}'").0, Tok::UnicodeNameEscape);
        assert_eq!(first_text("'abc").0, Tok::LonelyStringOpen);
        assert_eq!(first_text("'''abc\n").0, Tok::LonelyStringOpen);
        assert_eq!(kinds("'a' b'c'")[..2], [Tok::String, Tok::Bytes]);
    }

    #[test]
    fn fstring_injects_format_call() {
        use Tok::*;
        let mut lex = Lexer::new(b"f'a{x!r:>{w}}b{{}}{y=}'");
        assert_eq!(lex.tok, String);
        assert_eq!(lex.text, b"a{!r:>{}}b{{}}y={}");
        let mut rest = Vec::new();
        loop {
            lex.next_token();
            if lex.tok == End {
                break;
            }
            rest.push(lex.tok);
        }
        assert_eq!(
            rest,
            [
                Period, Name, ParenOpen, ParenOpen, Name, ParenClose, Comma, ParenOpen, Name,
                ParenClose, Comma, ParenOpen, Name, ParenClose, Comma, ParenClose, Newline
            ]
        );
        assert_eq!(first_text("f'{}'").0, MalformedFString);
    }

    /// Without the `tstrings` feature `t'...'` is a name then a string even when asked
    /// for, as in a build without template strings.
    #[cfg(not(feature = "tstrings"))]
    #[test]
    fn no_template_strings_without_the_feature() {
        let mut lex = Lexer::with_options(b"t'a{x}'\n", true, true);
        assert_eq!(lex.tok, Tok::Name);
        lex.next_token();
        assert_eq!(lex.tok, Tok::String);
        let opts = crate::compile::CompileOptions {
            tstrings: true,
            ..Default::default()
        };
        let e = crate::compile::compile("t'a{x}'\n", "<stdin>", &opts).map_err(|e| e.msg);
        assert_eq!(e, Err("invalid syntax".into()));
    }
}
