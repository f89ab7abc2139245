//! The parser: tokens from [`crate::lexer`] in, an [`crate::ast::Module`] out, accepting exactly
//! the grammar of MicroPython's py/grammar.h (Python 3.4 plus async/await, f-strings, `:=`,
//! `*` unpacking, keyword-only parameters, annotations) and failing with its messages.
//!
//! Errors match py/parse.c: the first token that cannot continue the grammar is reported
//! as "invalid syntax" at that token's line, or as an IndentationError when that token is
//! an unexpected INDENT or a DEDENT that matches no outer level, or "malformed f-string".
//! Number literals that do not parse give upstream's number-parser messages; identifiers
//! longer than [`MAX_NAME_LEN`] give RuntimeError "name too long", as upstream's interning.
//!
//! A few checks upstream makes in its compiler but which this tree cannot express (for
//! example a keyword argument whose name is not an identifier, or a parameter list out of
//! order) are found here; they are reported only if the whole input parses, as upstream
//! reports them only after parsing.
//!
//! Recursion is bounded by [`MAX_DEPTH`] nested expressions and blocks, reported as
//! RuntimeError "maximum recursion depth exceeded" instead of overflowing the native stack.
//! No constant folding happens here: see the `ast` module docs.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::*;
use crate::compile::fold::Folder;
use crate::error::{SyntaxError, SyntaxErrorKind};
use crate::lexer::{Lexer, Tok};
use crate::mpz;
use crate::strmap::StrMap;

pub use crate::ast::ParseMode;

/// Default deepest nesting of expressions (brackets, unary operators, lambdas,
/// conditional expressions, trailers) and blocks accepted. Each level costs up to about
/// 2.5 KiB of native stack in the parser (opt-level 1) and again in the compiler.
/// Upstream has no fixed limit (its parser keeps its stacks on the heap); 200 is CPython's
/// limit on open brackets.
pub const MAX_DEPTH: u32 = 200;

/// Longest identifier accepted, in bytes (upstream's qstr length limit).
pub const MAX_NAME_LEN: usize = 255;

/// A parse step failed; the error itself waits in [`Parser::err`], so each `?` passes
/// nothing up but the failure (less code at every call site than even a boxed error).
pub(super) struct Fail;

type PResult<T> = Result<T, Fail>;

/// Parses UTF-8 source text.
pub fn parse(source: &str, mode: ParseMode) -> Result<Module, SyntaxError> {
    parse_bytes(source.as_bytes(), mode)
}

/// Parses source bytes. Like upstream's lexer it is 8-bit clean: bytes that are not valid
/// UTF-8 are accepted in identifiers and strings and become U+FFFD in the tree.
pub fn parse_bytes(source: &[u8], mode: ParseMode) -> Result<Module, SyntaxError> {
    parse_with(source, mode, &ParseOptions::default())
}

/// Language options that differ between MicroPython builds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept template strings `t'...{x}'`, lowered as upstream's lexer does to
    /// `__template__(('...', ...), x, 'x', conversion, 'format spec', ...)`. mpy-cross
    /// accepts them; the unix port's standard build does not.
    pub tstrings: bool,
    /// The optimisation level (`-O`): `__debug__` reads as `True` only at level 0.
    pub opt_level: u8,
}

/// Parses source bytes with the given options.
pub fn parse_with(
    source: &[u8],
    mode: ParseMode,
    options: &ParseOptions,
) -> Result<Module, SyntaxError> {
    parse_with_depth(source, mode, options, MAX_DEPTH)
}

/// Parses with a nesting limit other than [`MAX_DEPTH`], for ports whose native stack is
/// smaller than a host's.
pub fn parse_with_depth(
    source: &[u8],
    mode: ParseMode,
    options: &ParseOptions,
    max_depth: u32,
) -> Result<Module, SyntaxError> {
    parse_module(source, mode, options, max_depth, None).map(|(m, _)| m)
}

/// Identifiers longer than 10 bytes with the line each first appears on (by the name's
/// number): whether a long string literal is already interned depends on them (the
/// compiler's `str_is_qstr`). Shorter strings are always interned.
#[derive(Default)]
pub(crate) struct Idents {
    pub names: StrMap,
    pub lines: Vec<u32>,
}

/// [`parse_with`] for the compiler: the tree, constant-folded as it is built (with the
/// compiler's `module_const` hook, see `compile::fold`), and its long identifiers.
pub(crate) fn parse_for_compile(
    source: &[u8],
    mode: ParseMode,
    options: &ParseOptions,
    module_const: Option<fn(&str, &str) -> Option<i64>>,
) -> Result<(Module, Idents), SyntaxError> {
    let folder = Folder::new(module_const);
    parse_module(source, mode, options, MAX_DEPTH, Some(folder))
}

fn parse_module(
    source: &[u8],
    mode: ParseMode,
    options: &ParseOptions,
    max_depth: u32,
    folder: Option<Folder>,
) -> Result<(Module, Idents), SyntaxError> {
    let lex = Lexer::with_options(source, options.tstrings, options.opt_level == 0);
    let mut p = Parser {
        tok: lex.tok,
        line: lex.tok_line,
        lex,
        depth: 0,
        max_depth,
        stmt_line: 1,
        deferred: None,
        err: None,
        idents: Idents::default(),
        folder,
    };
    let body = match p.input(mode) {
        Ok(body) => body,
        Err(Fail) => {
            let line = p.cur_line();
            return Err(p
                .err
                .unwrap_or_else(|| SyntaxError::syntax("invalid syntax", line)));
        }
    };
    if let Some(e) = p.deferred {
        return Err(e);
    }
    if let Some(e) = p.folder.and_then(|f| f.error) {
        return Err(e);
    }
    Ok((Module { mode, body }, p.idents))
}

/// The items of a comma-separated list ([`Parser::expr_list`]).
#[derive(Clone, Copy)]
enum ListItems {
    /// `test`s (`testlist`).
    Tests,
    /// `test`s or `*expr`s (`testlist_star_expr`).
    TestsOrStarred,
    /// `expr`s or `*expr`s (`exprlist`).
    Exprs,
    /// Indexes or slices (`subscriptlist`).
    Subscripts,
}

// `repr(C)` with the current token, its line and the other small fields first: on Thumb a
// load from a small offset is a 2-byte instruction, and the parser reads the token and
// line at some two hundred sites.
#[repr(C)]
struct Parser {
    /// The lexer's current token and line, copied by [`Parser::bump`].
    tok: Tok,
    line: u32,
    depth: u32,
    max_depth: u32,
    /// Line of the statement being parsed (of its first token).
    stmt_line: u32,
    lex: Lexer,
    /// The first error upstream would find in its compiler rather than its parser.
    deferred: Option<SyntaxError>,
    /// The error of the step that returned [`Fail`].
    err: Option<SyntaxError>,
    /// Recorded as names are read, in token order: upstream interns names as it parses.
    idents: Idents,
    /// Constant folding, when parsing for the compiler.
    pub(crate) folder: Option<Folder>,
}

/// Boxes a child node: one out-of-line copy instead of an allocation and a 32-byte move
/// at each of the parser's twenty-odd sites.
#[inline(never)]
fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn augassign_op(t: Tok) -> Option<BinOp> {
    Some(match t {
        Tok::PlusEqual => BinOp::Add,
        Tok::MinusEqual => BinOp::Sub,
        Tok::StarEqual => BinOp::Mul,
        Tok::AtEqual => BinOp::MatMul,
        Tok::SlashEqual => BinOp::TrueDiv,
        Tok::PercentEqual => BinOp::Mod,
        Tok::AmpersandEqual => BinOp::And,
        Tok::PipeEqual => BinOp::Or,
        Tok::CaretEqual => BinOp::Xor,
        Tok::DblLessEqual => BinOp::LShift,
        Tok::DblMoreEqual => BinOp::RShift,
        Tok::DblStarEqual => BinOp::Pow,
        Tok::DblSlashEqual => BinOp::FloorDiv,
        _ => return None,
    })
}

/// Operator levels, loosest first, as upstream's grammar rules nest them: `or`, `and`,
/// prefix `not`, comparisons, `|`, `^`, `&`, shifts, `+ -`, `* @ / % //`, prefix
/// `+ - ~`, `**`.
const L_OR: u8 = 0;
const L_AND: u8 = 1;
const L_NOT: u8 = 2;
const L_CMP: u8 = 3;
const L_BITOR: u8 = 4;
const L_UNARY: u8 = 10;
const L_POW: u8 = 11;

/// The level of the infix operator starting at `t`, with its operator (for binary
/// levels) or comparison (for [`L_CMP`]; `NotIn` and `Is` still need their second token).
fn infix(t: Tok) -> Option<(u8, BinOp, CmpOp)> {
    use BinOp as B;
    use CmpOp as C;
    let (level, b, c) = match t {
        Tok::KwOr => (L_OR, B::Or, C::Lt),
        Tok::KwAnd => (L_AND, B::Or, C::Lt),
        Tok::Less => (L_CMP, B::Or, C::Lt),
        Tok::More => (L_CMP, B::Or, C::Gt),
        Tok::DblEqual => (L_CMP, B::Or, C::Eq),
        Tok::LessEqual => (L_CMP, B::Or, C::LtE),
        Tok::MoreEqual => (L_CMP, B::Or, C::GtE),
        Tok::NotEqual => (L_CMP, B::Or, C::NotEq),
        Tok::KwIn => (L_CMP, B::Or, C::In),
        Tok::KwNot => (L_CMP, B::Or, C::NotIn),
        Tok::KwIs => (L_CMP, B::Or, C::Is),
        Tok::Pipe => (4, B::Or, C::Lt),
        Tok::Caret => (5, B::Xor, C::Lt),
        Tok::Ampersand => (6, B::And, C::Lt),
        Tok::DblLess => (7, B::LShift, C::Lt),
        Tok::DblMore => (7, B::RShift, C::Lt),
        Tok::Plus => (8, B::Add, C::Lt),
        Tok::Minus => (8, B::Sub, C::Lt),
        Tok::Star => (9, B::Mul, C::Lt),
        Tok::At => (9, B::MatMul, C::Lt),
        Tok::Slash => (9, B::TrueDiv, C::Lt),
        Tok::Percent => (9, B::Mod, C::Lt),
        Tok::DblSlash => (9, B::FloorDiv, C::Lt),
        Tok::DblStar => (L_POW, B::Pow, C::Lt),
        _ => return None,
    };
    Some((level, b, c))
}

/// An operator node of [`Parser::operators`] still waiting for its next operand.
struct Open {
    level: u8,
    /// Line of the node's first token (its first operand's, or the prefix operator's).
    line: u32,
    /// The operator before the next operand, on a binary or comparison level.
    bin: BinOp,
    cmp: CmpOp,
    /// `Or`/`And`/`Compare`/`BinOp` with the operands so far, or `Not`/`UnaryOp`/`Power`
    /// with a placeholder for the last one.
    node: Expr,
}

/// Stands in for an operand not yet parsed.
fn placeholder() -> Box<Expr> {
    bx(Expr::new(0, ExprKind::None))
}

/// Adds the next operand to an open node.
fn put(open: &mut Open, e: Expr) {
    match &mut open.node.kind {
        ExprKind::Or(v) | ExprKind::And(v) => v.push(e),
        ExprKind::Compare { ops, .. } => ops.push((open.cmp, e)),
        ExprKind::BinOp { rest, .. } => rest.push((open.bin, e)),
        ExprKind::Not(b)
        | ExprKind::UnaryOp { operand: b, .. }
        | ExprKind::Power { exp: b, .. } => **b = e,
        _ => {}
    }
}

/// Tokens that can start a `test` (an expression); used where the grammar has an optional
/// expression, as upstream decides by trying the rule on the current token.
fn starts_test(t: Tok) -> bool {
    matches!(
        t,
        Tok::Name
            | Tok::Integer
            | Tok::FloatOrImag
            | Tok::String
            | Tok::Bytes
            | Tok::Ellipsis
            | Tok::KwNone
            | Tok::KwTrue
            | Tok::KwFalse
            | Tok::ParenOpen
            | Tok::BracketOpen
            | Tok::BraceOpen
            | Tok::KwLambda
            | Tok::KwNot
            | Tok::KwAwait
            | Tok::Plus
            | Tok::Minus
            | Tok::Tilde
    )
}

impl Parser {
    // ---- token helpers ----

    fn tok(&self) -> Tok {
        self.tok
    }

    fn cur_line(&self) -> u32 {
        self.line
    }

    /// Out of line on the board (flash): one copy of the token's caching instead of one
    /// per call site. Hosts inline it (compile speed).
    #[cfg_attr(target_os = "none", inline(never))]
    #[cfg_attr(not(target_os = "none"), inline)]
    fn bump(&mut self) {
        self.lex.next_token();
        self.sync();
    }

    /// Takes the lexer's current token (after it moved).
    fn sync(&mut self) {
        self.tok = self.lex.tok;
        self.line = self.lex.tok_line;
    }

    fn eat(&mut self, t: Tok) -> bool {
        if self.tok() == t {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: Tok) -> PResult<()> {
        if self.tok() == t {
            self.bump();
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// Fails with `e`.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: SyntaxError) -> Fail {
        self.err = Some(e);
        Fail
    }

    /// Fails with `msg` at the current token's line: one out-of-line body for every
    /// message the parser makes itself.
    #[cold]
    #[inline(never)]
    fn fail_here(&mut self, kind: SyntaxErrorKind, msg: &str) -> Fail {
        let line = self.cur_line();
        self.fail(SyntaxError {
            kind,
            msg: msg.into(),
            line,
        })
    }

    /// Fails at the current token.
    fn error(&mut self) -> Fail {
        use SyntaxErrorKind as K;
        let (kind, msg) = match self.tok() {
            Tok::Indent => (K::IndentationError, "unexpected indent"),
            Tok::DedentMismatch => (
                K::IndentationError,
                "unindent doesn't match any outer indent level",
            ),
            Tok::MalformedFString => (K::SyntaxError, "malformed f-string"),
            // Upstream's lexer raises this the moment it reads the token; no rule accepts
            // the token, so the parser fails on it before going past it.
            Tok::UnicodeNameEscape => (K::NotImplementedError, "unicode name escapes"),
            _ => (K::SyntaxError, "invalid syntax"),
        };
        self.fail_here(kind, msg)
    }

    fn defer(&mut self, msg: &str, line: u32) {
        if self.deferred.is_none() {
            self.deferred = Some(SyntaxError::syntax(msg, line));
        }
    }

    fn name(&mut self) -> PResult<Name> {
        if self.tok() != Tok::Name {
            return Err(self.error());
        }
        if self.lex.text.len() > MAX_NAME_LEN {
            // Upstream interns each name as it parses it, and a qstr's length must fit
            // its one length byte.
            return Err(self.fail_here(SyntaxErrorKind::RuntimeError, "name too long"));
        }
        let n = lossy(&self.lex.text);
        if n.len() > 10 {
            // Token order: the first time a name is seen is its first line.
            if let (_, true) = self.idents.names.add(&n) {
                self.idents.lines.push(self.cur_line());
            }
        }
        self.bump();
        Ok(n)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.tok() == Tok::UnicodeNameEscape {
            // Upstream fails on reading that token, before any nesting at it.
            return Err(self.error());
        }
        if self.depth > self.max_depth {
            return Err(self.fail_here(
                SyntaxErrorKind::RuntimeError,
                "maximum recursion depth exceeded",
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A node just built, constant-folded when parsing for the compiler.
    fn fold(&mut self, e: Expr) -> Expr {
        match &mut self.folder {
            Some(f) => f.node(e),
            None => e,
        }
    }

    /// A dict key or comprehension element just parsed keeps its own line when it folded
    /// to a node without one (upstream's item node holds the line).
    fn keep_line(&self, e: &mut Expr) {
        if let (0, Some(f)) = (e.line, &self.folder) {
            e.line = f.folded_line();
        }
    }

    // ---- top level ----

    /// The whole input, up to its end.
    fn input(&mut self, mode: ParseMode) -> PResult<Vec<Stmt>> {
        let body = match mode {
            ParseMode::File => self.file_input()?,
            ParseMode::Single => self.single_input()?,
            ParseMode::Eval => self.eval_input()?,
        };
        if self.tok() != Tok::End {
            return Err(self.error());
        }
        Ok(body)
    }

    fn file_input(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        while self.tok() != Tok::End {
            if !self.eat(Tok::Newline) {
                self.stmt(&mut body)?;
            }
        }
        Ok(body)
    }

    fn single_input(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if !self.eat(Tok::Newline) {
            self.stmt(&mut body)?;
        }
        Ok(body)
    }

    fn eval_input(&mut self) -> PResult<Vec<Stmt>> {
        let line = self.cur_line();
        let e = self.testlist()?;
        self.eat(Tok::Newline);
        Ok(alloc::vec![Stmt::new(line, StmtKind::Expr(e))])
    }

    // ---- statements ----

    fn stmt(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        match self.tok() {
            Tok::KwIf
            | Tok::KwWhile
            | Tok::KwFor
            | Tok::KwTry
            | Tok::KwWith
            | Tok::KwDef
            | Tok::KwClass
            | Tok::At
            | Tok::KwAsync => self.compound_stmt(out),
            #[cfg(feature = "match_stmt")]
            Tok::Name => match self.try_match_stmt()? {
                Some(s) => {
                    out.push(s);
                    Ok(())
                }
                None => self.simple_stmt(out),
            },
            _ => self.simple_stmt(out),
        }
    }

    fn simple_stmt(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            self.small_stmt(out)?;
            if !self.eat(Tok::Semicolon) {
                break;
            }
            if self.tok() == Tok::Newline {
                break;
            }
        }
        self.expect(Tok::Newline)
    }

    fn small_stmt(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let line = self.cur_line();
        self.stmt_line = line;
        let kind = match self.tok() {
            Tok::KwDel => {
                self.bump();
                // The targets as written: a parenthesised tuple stays one.
                StmtKind::Del(match self.exprlist()? {
                    Expr {
                        kind:
                            ExprKind::Tuple {
                                elts,
                                parens: false,
                                ..
                            },
                        ..
                    } => elts,
                    e => alloc::vec![e],
                })
            }
            Tok::KwPass => {
                self.bump();
                StmtKind::Pass
            }
            Tok::KwBreak => {
                self.bump();
                StmtKind::Break
            }
            Tok::KwContinue => {
                self.bump();
                StmtKind::Continue
            }
            Tok::KwReturn => {
                self.bump();
                StmtKind::Return(self.opt_testlist()?)
            }
            Tok::KwRaise => {
                self.bump();
                let exc = if starts_test(self.tok()) {
                    Some(self.test()?)
                } else {
                    None
                };
                let cause = if exc.is_some() && self.eat(Tok::KwFrom) {
                    Some(self.test()?)
                } else {
                    None
                };
                StmtKind::Raise { exc, cause }
            }
            Tok::KwYield => StmtKind::Expr(self.yield_expr()?),
            Tok::KwImport => {
                self.bump();
                StmtKind::Import(self.aliases(true)?)
            }
            Tok::KwFrom => self.import_from()?,
            Tok::KwGlobal | Tok::KwNonlocal => {
                let global = self.tok() == Tok::KwGlobal;
                self.bump();
                let names = self.names(Tok::Comma)?;
                if global {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            Tok::KwAssert => {
                self.bump();
                let test = self.test()?;
                let msg = if self.eat(Tok::Comma) {
                    Some(self.test()?)
                } else {
                    None
                };
                StmtKind::Assert { test, msg }
            }
            _ => self.expr_stmt()?,
        };
        let mut s = Stmt::new(line, kind);
        if let Some(f) = &mut self.folder {
            f.stmt(&mut s);
        }
        out.push(s);
        Ok(())
    }

    fn expr_stmt(&mut self) -> PResult<StmtKind> {
        let first = self.testlist_star_expr()?;
        if let Some(op) = augassign_op(self.tok()) {
            self.bump();
            let value = self.yield_or_testlist_star()?;
            return Ok(StmtKind::AugAssign {
                target: first,
                op,
                value,
            });
        }
        if self.tok() == Tok::Colon {
            self.bump();
            let annotation = self.test()?;
            let value = if self.eat(Tok::Equal) {
                Some(self.yield_or_testlist_star()?)
            } else {
                None
            };
            return Ok(StmtKind::AnnAssign {
                target: first,
                annotation,
                value,
            });
        }
        let mut targets = Vec::new();
        let mut value = first;
        while self.eat(Tok::Equal) {
            targets.push(value);
            value = self.yield_or_testlist_star()?;
        }
        Ok(if targets.is_empty() {
            StmtKind::Expr(value)
        } else {
            StmtKind::Assign { targets, value }
        })
    }

    /// A `testlist` if one starts here (`return` and `yield` values).
    fn opt_testlist(&mut self) -> PResult<Option<Expr>> {
        if starts_test(self.tok()) {
            Ok(Some(self.testlist()?))
        } else {
            Ok(None)
        }
    }

    fn yield_or_testlist_star(&mut self) -> PResult<Expr> {
        if self.tok() == Tok::KwYield {
            self.yield_expr()
        } else {
            self.testlist_star_expr()
        }
    }

    /// `name (sep name)*`.
    fn names(&mut self, sep: Tok) -> PResult<Vec<Name>> {
        let mut names = alloc::vec![self.name()?];
        while self.eat(sep) {
            names.push(self.name()?);
        }
        Ok(names)
    }

    fn dotted_name(&mut self) -> PResult<Name> {
        let mut name = self.name()?;
        while self.eat(Tok::Period) {
            name.push('.');
            name.push_str(&self.name()?);
        }
        Ok(name)
    }

    fn as_name(&mut self) -> PResult<Option<Name>> {
        if self.eat(Tok::KwAs) {
            Ok(Some(self.name()?))
        } else {
            Ok(None)
        }
    }

    /// The names of `import` (`dotted`) or of `from ... import`, each with its `as` name.
    fn aliases(&mut self, dotted: bool) -> PResult<Vec<ImportAlias>> {
        let mut names = Vec::new();
        loop {
            let name = if dotted {
                self.dotted_name()?
            } else {
                self.name()?
            };
            let asname = self.as_name()?;
            names.push(ImportAlias { name, asname });
            if !self.eat(Tok::Comma) || (!dotted && self.tok() != Tok::Name) {
                break;
            }
        }
        Ok(names)
    }

    fn import_from(&mut self) -> PResult<StmtKind> {
        self.bump();
        let mut level: u32 = 0;
        loop {
            match self.tok() {
                Tok::Period => level = level.saturating_add(1),
                Tok::Ellipsis => level = level.saturating_add(3),
                _ => break,
            }
            self.bump();
        }
        let module = if level == 0 || self.tok() == Tok::Name {
            Some(self.dotted_name()?)
        } else {
            None
        };
        self.expect(Tok::KwImport)?;
        if self.eat(Tok::Star) {
            return Ok(StmtKind::ImportFrom {
                level,
                module,
                names: None,
            });
        }
        let parens = self.eat(Tok::ParenOpen);
        let names = self.aliases(false)?;
        if parens {
            self.expect(Tok::ParenClose)?;
        }
        Ok(StmtKind::ImportFrom {
            level,
            module,
            names: Some(names),
        })
    }

    fn compound_stmt(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let line = self.cur_line();
        self.stmt_line = line;
        let kind = match self.tok() {
            Tok::KwIf => self.if_stmt()?,
            Tok::KwWhile => {
                let (test, body) = self.cond_suite()?;
                let orelse = self.else_clause()?;
                StmtKind::While { test, body, orelse }
            }
            Tok::KwTry => self.try_stmt()?,
            // `for`, `with`, `def`, `class`, decorators, `async`.
            _ => {
                let mut decorators = Vec::new();
                while self.tok() == Tok::At {
                    decorators.push(self.decorator()?);
                }
                let is_async = self.eat(Tok::KwAsync);
                let plain = decorators.is_empty();
                match self.tok() {
                    Tok::KwDef => self.funcdef(decorators, is_async)?,
                    Tok::KwClass if !is_async => self.classdef(decorators)?,
                    Tok::KwFor if plain => self.for_stmt(is_async)?,
                    Tok::KwWith if plain => self.with_stmt(is_async)?,
                    _ => return Err(self.error()),
                }
            }
        };
        out.push(Stmt::new(line, kind));
        Ok(())
    }

    /// `if`/`elif`/`while` (the current token) `test: suite`.
    fn cond_suite(&mut self) -> PResult<(Expr, Vec<Stmt>)> {
        self.bump();
        let test = self.namedexpr_test()?;
        Ok((test, self.colon_suite()?))
    }

    fn if_stmt(&mut self) -> PResult<StmtKind> {
        let (test, body) = self.cond_suite()?;
        let mut elifs = Vec::new();
        while self.tok() == Tok::KwElif {
            let line = self.cur_line();
            let (test, body) = self.cond_suite()?;
            elifs.push(Elif { line, test, body });
        }
        let orelse = self.else_clause()?;
        Ok(StmtKind::If {
            test,
            body,
            elifs,
            orelse,
        })
    }

    fn else_clause(&mut self) -> PResult<Vec<Stmt>> {
        if self.eat(Tok::KwElse) {
            self.colon_suite()
        } else {
            Ok(Vec::new())
        }
    }

    /// At `for`.
    fn for_stmt(&mut self, is_async: bool) -> PResult<StmtKind> {
        self.bump();
        let target = self.exprlist()?;
        self.expect(Tok::KwIn)?;
        let iter = self.testlist()?;
        let body = self.colon_suite()?;
        let orelse = self.else_clause()?;
        Ok(StmtKind::For {
            is_async,
            target,
            iter,
            body,
            orelse,
        })
    }

    fn try_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let body = self.colon_suite()?;
        let mut handlers = Vec::new();
        while self.tok() == Tok::KwExcept {
            let line = self.cur_line();
            self.bump();
            let (typ, name) = if self.tok() == Tok::Colon {
                (None, None)
            } else {
                let t = self.test()?;
                (Some(t), self.as_name()?)
            };
            let body = self.colon_suite()?;
            handlers.push(ExceptHandler {
                line,
                typ,
                name,
                body,
            });
        }
        let orelse = if handlers.is_empty() {
            Vec::new()
        } else {
            self.else_clause()?
        };
        let finalbody = if self.eat(Tok::KwFinally) {
            Some(self.colon_suite()?)
        } else {
            None
        };
        if handlers.is_empty() && finalbody.is_none() {
            return Err(self.error());
        }
        Ok(StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        })
    }

    /// At `with`.
    fn with_stmt(&mut self, is_async: bool) -> PResult<StmtKind> {
        self.bump();
        let mut items = Vec::new();
        loop {
            let context = self.test()?;
            let target = if self.eat(Tok::KwAs) {
                Some(self.expr()?)
            } else {
                None
            };
            items.push(WithItem { context, target });
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        let body = self.colon_suite()?;
        Ok(StmtKind::With {
            is_async,
            items,
            body,
        })
    }

    /// At `@`.
    fn decorator(&mut self) -> PResult<Decorator> {
        let line = self.cur_line();
        self.bump();
        let name = self.names(Tok::Period)?;
        let call_line = self.cur_line();
        let call = if self.eat(Tok::ParenOpen) {
            let args = self.arglist(Tok::ParenClose)?;
            self.expect(Tok::ParenClose)?;
            Some(args)
        } else {
            None
        };
        self.expect(Tok::Newline)?;
        Ok(Decorator {
            line,
            name,
            call,
            call_line,
        })
    }

    /// At `def`.
    fn funcdef(&mut self, decorators: Vec<Decorator>, is_async: bool) -> PResult<StmtKind> {
        let def_line = self.cur_line();
        self.bump();
        let name = self.name()?;
        self.expect(Tok::ParenOpen)?;
        let params = self.params(true, Tok::ParenClose)?;
        self.expect(Tok::ParenClose)?;
        let returns = if self.eat(Tok::Arrow) {
            Some(self.test()?)
        } else {
            None
        };
        let body = self.colon_suite()?;
        Ok(StmtKind::FunctionDef(Box::new(FunctionDef {
            is_async,
            decorators,
            def_line,
            name,
            params,
            returns,
            body,
        })))
    }

    /// At `class`.
    fn classdef(&mut self, decorators: Vec<Decorator>) -> PResult<StmtKind> {
        let class_line = self.cur_line();
        self.bump();
        let name = self.name()?;
        let args = if self.eat(Tok::ParenOpen) {
            let a = self.arglist(Tok::ParenClose)?;
            self.expect(Tok::ParenClose)?;
            Some(a)
        } else {
            None
        };
        let body = self.colon_suite()?;
        Ok(StmtKind::ClassDef(Box::new(ClassDef {
            decorators,
            class_line,
            name,
            args,
            body,
        })))
    }

    /// A `def` (`typed`) or `lambda` parameter list up to `close`. Upstream's grammar takes
    /// the items in any order and its compiler checks the order; the checks are here.
    fn params(&mut self, typed: bool, close: Tok) -> PResult<Params> {
        let mut p = Params::default();
        let mut seen_default = false;
        while self.tok() != close {
            let line = self.cur_line();
            let after_kwarg = p.kwarg.is_some();
            let kind = self.tok();
            let starred = matches!(kind, Tok::Star | Tok::DblStar);
            if starred {
                self.bump();
                if after_kwarg || (kind == Tok::Star && p.star) {
                    self.defer("invalid syntax", line);
                }
            }
            if kind == Tok::Star {
                p.star = true;
            }
            // A bare `*` has no name.
            if kind != Tok::Star || self.tok() == Tok::Name {
                let name = self.name()?;
                let annotation = self.annotation(typed)?;
                let default = if !starred && self.eat(Tok::Equal) {
                    Some(self.test()?)
                } else {
                    None
                };
                // Upstream reports these errors at the parameter's node; a plain name is a
                // leaf without a line, so the enclosing statement's line is used.
                let error_line = if annotation.is_none() && default.is_none() {
                    self.stmt_line
                } else {
                    line
                };
                let has_default = default.is_some();
                let param = Param {
                    name,
                    annotation,
                    default,
                };
                match kind {
                    Tok::Star => p.vararg = Some(param),
                    Tok::DblStar => p.kwarg = Some(param),
                    _ => {
                        if after_kwarg {
                            self.defer("invalid syntax", error_line);
                        }
                        if p.star {
                            p.kwonly.push(param);
                        } else {
                            if has_default {
                                seen_default = true;
                            } else if seen_default {
                                self.defer(
                                    "non-default argument follows default argument",
                                    error_line,
                                );
                            }
                            p.args.push(param);
                        }
                    }
                }
            }
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        Ok(p)
    }

    fn annotation(&mut self, typed: bool) -> PResult<Option<Expr>> {
        if typed && self.eat(Tok::Colon) {
            Ok(Some(self.test()?))
        } else {
            Ok(None)
        }
    }

    /// `: suite`.
    fn colon_suite(&mut self) -> PResult<Vec<Stmt>> {
        self.expect(Tok::Colon)?;
        self.suite()
    }

    fn suite(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if self.tok() != Tok::Newline {
            self.simple_stmt(&mut body)?;
            return Ok(body);
        }
        self.enter()?;
        self.bump();
        self.expect(Tok::Indent)?;
        loop {
            self.stmt(&mut body)?;
            if self.eat(Tok::Dedent) {
                break;
            }
        }
        self.leave();
        Ok(body)
    }

    // ---- expression lists ----

    /// `testlist_star_expr`: `a`, or `a, *b,` as a Tuple.
    fn testlist_star_expr(&mut self) -> PResult<Expr> {
        self.expr_list(ListItems::TestsOrStarred)
    }

    /// `testlist`: `a` or `a, b` (no `*`).
    fn testlist(&mut self) -> PResult<Expr> {
        self.expr_list(ListItems::Tests)
    }

    /// `exprlist` as one expression (for-loop and comprehension targets).
    fn exprlist(&mut self) -> PResult<Expr> {
        self.expr_list(ListItems::Exprs)
    }

    fn starts_exprlist_item(&self) -> bool {
        self.tok() == Tok::Star || starts_test(self.tok()) && self.tok() != Tok::KwLambda
    }

    fn exprlist_item(&mut self) -> PResult<Expr> {
        if self.tok() == Tok::Star {
            self.star_expr()
        } else {
            self.expr()
        }
    }

    fn list_item(&mut self, items: ListItems) -> PResult<Expr> {
        match items {
            ListItems::Tests => self.test(),
            ListItems::TestsOrStarred if self.tok() == Tok::Star => self.star_expr(),
            ListItems::TestsOrStarred => self.test(),
            ListItems::Exprs => self.exprlist_item(),
            ListItems::Subscripts => self.subscript(),
        }
    }

    /// A comma-separated list with optional trailing comma: one item without a comma is
    /// itself, otherwise a Tuple starting at the first token.
    fn expr_list(&mut self, items: ListItems) -> PResult<Expr> {
        let line = self.cur_line();
        let first = self.list_item(items)?;
        if self.tok() != Tok::Comma {
            return Ok(first);
        }
        let mut elts = alloc::vec![first];
        while self.eat(Tok::Comma) {
            let more = match items {
                ListItems::Exprs => self.starts_exprlist_item(),
                ListItems::Subscripts => self.tok() == Tok::Colon || starts_test(self.tok()),
                _ => self.tok() == Tok::Star || starts_test(self.tok()),
            };
            if !more {
                break;
            }
            elts.push(self.list_item(items)?);
        }
        Ok(Expr::new(
            line,
            ExprKind::Tuple {
                elts,
                parens: false,
                const_line: line,
            },
        ))
    }

    /// At `*`.
    fn star_expr(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        self.bump();
        let e = self.expr()?;
        Ok(Expr::new(line, ExprKind::Starred(bx(e))))
    }

    // ---- expressions ----

    fn namedexpr_test(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        let target = self.test()?;
        if self.tok() != Tok::Walrus {
            return Ok(target);
        }
        self.bump();
        let value = self.test()?;
        self.named_expr(line, target, value)
    }

    fn named_expr(&mut self, line: u32, target: Expr, value: Expr) -> PResult<Expr> {
        let name = match target.kind {
            ExprKind::Name(n) => n,
            _ => {
                self.defer("can't assign to expression", line);
                String::new()
            }
        };
        Ok(Expr::new(
            line,
            ExprKind::NamedExpr {
                target: name,
                value: bx(value),
            },
        ))
    }

    fn test(&mut self) -> PResult<Expr> {
        self.test_cond(true)
    }

    /// `test`, or with `allow_cond` false `test_nocond`: no conditional expression
    /// (comprehension `if` clauses).
    fn test_cond(&mut self, allow_cond: bool) -> PResult<Expr> {
        self.enter()?;
        let r = self.test_inner(allow_cond);
        self.leave();
        r
    }

    fn test_inner(&mut self, allow_cond: bool) -> PResult<Expr> {
        let line = self.cur_line();
        if self.tok() == Tok::KwLambda {
            self.bump();
            let params = self.params(false, Tok::Colon)?;
            self.expect(Tok::Colon)?;
            let body = self.test_cond(allow_cond)?;
            return Ok(Expr::new(
                line,
                ExprKind::Lambda {
                    params: Box::new(params),
                    body: bx(body),
                },
            ));
        }
        let body = self.or_test()?;
        if !allow_cond || self.tok() != Tok::KwIf {
            return Ok(body);
        }
        self.bump();
        let test = self.or_test()?;
        self.expect(Tok::KwElse)?;
        let orelse = self.test()?;
        Ok(Expr::new(
            line,
            ExprKind::IfExp {
                test: bx(test),
                body: bx(body),
                orelse: bx(orelse),
            },
        ))
    }

    fn or_test(&mut self) -> PResult<Expr> {
        self.operators(L_OR)
    }

    /// `expr`: the `|` level and everything tighter.
    fn expr(&mut self) -> PResult<Expr> {
        self.operators(L_BITOR)
    }

    /// Every operator level from `min` (an `L_` constant) down to `**` in one loop over
    /// an explicit stack of open nodes, in place of one recursive function per level:
    /// less code, and little native stack per nesting level. Nodes are built, and folded,
    /// in the order the per-level recursive descent of upstream's grammar builds them.
    fn operators(&mut self, min: u8) -> PResult<Expr> {
        let mut stack: Vec<Open> = Vec::new();
        loop {
            // Prefix operators: `not` only where a `not_test` may start.
            loop {
                let line = self.cur_line();
                let unary = |op| ExprKind::UnaryOp {
                    op,
                    operand: placeholder(),
                };
                let (level, kind) = match self.tok() {
                    Tok::KwNot if min <= L_NOT && stack.last().is_none_or(|o| o.level <= L_NOT) => {
                        (L_NOT, ExprKind::Not(placeholder()))
                    }
                    Tok::Plus => (L_UNARY, unary(UnaryOp::Pos)),
                    Tok::Minus => (L_UNARY, unary(UnaryOp::Neg)),
                    Tok::Tilde => (L_UNARY, unary(UnaryOp::Invert)),
                    _ => break,
                };
                stack.push(Open {
                    level,
                    line,
                    bin: BinOp::Or,
                    cmp: CmpOp::Lt,
                    node: Expr::new(line, kind),
                });
                self.bump();
                self.enter()?;
            }
            let mut line = self.cur_line();
            let mut cur = self.atom_expr()?;
            let found = infix(self.tok()).filter(|o| o.0 >= min);
            // Operands bind to the tightest open level first; a node of the operator's own level
            // takes more operands (`**` nests instead: it binds to the right).
            while let Some(top) = stack.pop() {
                if let Some((level, ..)) = found {
                    if top.level <= level {
                        stack.push(top);
                        break;
                    }
                }
                line = top.line;
                cur = self.close(top, cur);
            }
            let Some((level, bin, mut cmp)) = found else {
                return Ok(cur);
            };
            self.bump();
            match cmp {
                CmpOp::NotIn => self.expect(Tok::KwIn)?,
                CmpOp::Is if self.eat(Tok::KwNot) => cmp = CmpOp::IsNot,
                _ => {}
            }
            match stack.last_mut() {
                Some(top) if top.level == level && level != L_POW => {
                    put(top, cur);
                    top.bin = bin;
                    top.cmp = cmp;
                }
                _ => {
                    let kind = match level {
                        L_OR => ExprKind::Or(alloc::vec![cur]),
                        L_AND => ExprKind::And(alloc::vec![cur]),
                        L_CMP => ExprKind::Compare {
                            left: bx(cur),
                            ops: Vec::new(),
                        },
                        L_POW => ExprKind::Power {
                            base: bx(cur),
                            exp: placeholder(),
                        },
                        _ => ExprKind::BinOp {
                            first: bx(cur),
                            rest: Vec::new(),
                        },
                    };
                    stack.push(Open {
                        level,
                        line,
                        bin,
                        cmp,
                        node: Expr::new(line, kind),
                    });
                    if level == L_POW {
                        self.enter()?;
                    }
                }
            }
        }
    }

    /// An open operator node completed with its last operand, then folded (comparisons
    /// are not folded).
    fn close(&mut self, mut open: Open, last: Expr) -> Expr {
        put(&mut open, last);
        if matches!(open.level, L_NOT | L_UNARY | L_POW) {
            self.leave();
        }
        if open.level == L_CMP {
            open.node
        } else {
            self.fold(open.node)
        }
    }

    fn atom_expr(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        if self.tok() == Tok::KwAwait {
            self.bump();
            // Upstream compiles the awaited atom and trailers as part of the await node.
            let inner = self.atom_with_trailers(line)?;
            return Ok(Expr::new(line, ExprKind::Await(bx(inner))));
        }
        self.atom_with_trailers(line)
    }

    fn atom_with_trailers(&mut self, line: u32) -> PResult<Expr> {
        let atom = self.atom()?;
        let depth = self.depth;
        let r = self.trailers(line, atom);
        self.depth = depth;
        r
    }

    /// Each trailer nests the tree one level deeper (upstream keeps them in a flat list),
    /// so trailers count towards [`MAX_DEPTH`] too: the compiler and `Drop` recurse on it.
    fn trailers(&mut self, line: u32, mut e: Expr) -> PResult<Expr> {
        loop {
            let trailer_line = self.cur_line();
            match self.tok() {
                Tok::ParenOpen | Tok::BracketOpen | Tok::Period => self.enter()?,
                _ => return Ok(e),
            }
            match self.tok() {
                Tok::ParenOpen => {
                    self.bump();
                    let args = self.arglist(Tok::ParenClose)?;
                    self.expect(Tok::ParenClose)?;
                    e = Expr::new(
                        line,
                        ExprKind::Call {
                            func: bx(e),
                            args,
                            trailer_line,
                        },
                    );
                }
                Tok::BracketOpen => {
                    self.bump();
                    let index = self.expr_list(ListItems::Subscripts)?;
                    self.expect(Tok::BracketClose)?;
                    e = Expr::new(
                        line,
                        ExprKind::Subscript {
                            value: bx(e),
                            index: bx(index),
                            trailer_line,
                        },
                    );
                }
                Tok::Period => {
                    self.bump();
                    let attr = self.name()?;
                    e = self.fold(Expr::new(
                        line,
                        ExprKind::Attribute {
                            value: bx(e),
                            attr,
                            trailer_line,
                        },
                    ));
                }
                _ => return Ok(e),
            }
        }
    }

    fn subscript(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        let lower = if self.tok() == Tok::Colon {
            None
        } else {
            let t = self.test()?;
            if self.tok() != Tok::Colon {
                return Ok(t);
            }
            Some(bx(t))
        };
        self.expect(Tok::Colon)?;
        let upper = if starts_test(self.tok()) {
            Some(bx(self.test()?))
        } else {
            None
        };
        let mut has_step = false;
        let mut step = None;
        if self.eat(Tok::Colon) {
            has_step = true;
            if starts_test(self.tok()) {
                step = Some(bx(self.test()?));
            }
        }
        Ok(Expr::new(
            line,
            ExprKind::Slice {
                lower,
                upper,
                step,
                has_step,
            },
        ))
    }

    fn arglist(&mut self, close: Tok) -> PResult<CallArgs> {
        let mut args = Vec::new();
        while self.tok() != close {
            let line = self.cur_line();
            let kind = self.tok();
            if matches!(kind, Tok::Star | Tok::DblStar) {
                self.bump();
            }
            let e = self.test()?;
            let arg = match (kind, self.tok()) {
                (Tok::Star, _) => Arg::Star(e),
                (Tok::DblStar, _) => Arg::DoubleStar(e),
                (_, Tok::KwFor) => Arg::Generator(self.comprehension(
                    (line, line),
                    CompKind::Generator,
                    e,
                    None,
                )?),
                (_, Tok::Equal) => {
                    self.bump();
                    let value = self.test()?;
                    let name = match e.kind {
                        ExprKind::Name(n) => n,
                        _ => {
                            self.defer("LHS of keyword arg must be an id", line);
                            String::new()
                        }
                    };
                    Arg::Keyword {
                        name,
                        value,
                        name_line: line,
                    }
                }
                (_, Tok::Walrus) => {
                    self.bump();
                    let value = self.test()?;
                    Arg::Positional(self.named_expr(line, e, value)?)
                }
                _ => Arg::Positional(e),
            };
            args.push(arg);
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        Ok(CallArgs { args })
    }

    /// The `for ... in ... if ...` clauses after `elt`, building a comprehension that
    /// starts at `line`.
    fn comprehension(
        &mut self,
        (line, scope_line): (u32, u32),
        kind: CompKind,
        elt: Expr,
        value: Option<Expr>,
    ) -> PResult<Expr> {
        let mut elt = elt;
        self.keep_line(&mut elt);
        // The iterables nest (`[x for x in [y for y in ...]]`) outside the enclosing
        // bracket's own depth count, so the comprehension counts as one more level (left
        // as it is on failure: parsing stops there, or a `match` lookahead restores it).
        self.enter()?;
        let mut generators = Vec::new();
        while self.tok() == Tok::KwFor {
            let for_line = self.cur_line();
            self.bump();
            let target = self.exprlist()?;
            self.expect(Tok::KwIn)?;
            let iter = self.or_test()?;
            let mut ifs = Vec::new();
            while self.eat(Tok::KwIf) {
                ifs.push(self.test_cond(false)?);
            }
            generators.push(CompFor {
                line: for_line,
                target,
                iter,
                ifs,
            });
        }
        self.leave();
        Ok(Expr::new(
            line,
            ExprKind::Comp(Box::new(Comprehension {
                line: scope_line,
                kind,
                elt,
                value,
                generators,
            })),
        ))
    }

    /// At `yield`.
    fn yield_expr(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        self.bump();
        if self.eat(Tok::KwFrom) {
            let e = self.test()?;
            return Ok(Expr::new(line, ExprKind::YieldFrom(bx(e))));
        }
        let value = self.opt_testlist()?.map(bx);
        Ok(Expr::new(line, ExprKind::Yield(value)))
    }

    fn testlist_comp_item(&mut self) -> PResult<Expr> {
        if self.tok() == Tok::Star {
            self.star_expr()
        } else {
            self.namedexpr_test()
        }
    }

    fn atom(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        let kind = match self.tok() {
            Tok::Name => {
                let e = Expr::new(line, ExprKind::Name(self.name()?));
                return Ok(self.fold(e));
            }
            Tok::Integer => self.int_literal()?,
            Tok::FloatOrImag => self.float_literal()?,
            Tok::String => ExprKind::Str(lossy(&self.lex.text)),
            Tok::Bytes => ExprKind::Bytes(core::mem::take(&mut self.lex.text)),
            Tok::Ellipsis => ExprKind::Ellipsis,
            Tok::KwNone => ExprKind::None,
            Tok::KwTrue => ExprKind::True,
            Tok::KwFalse => ExprKind::False,
            Tok::ParenOpen | Tok::BracketOpen | Tok::BraceOpen => return self.display(),
            _ => return Err(self.error()),
        };
        self.bump();
        Ok(Expr::new(line, kind))
    }

    /// A `(...)`, `[...]` or `{...}` display or comprehension, in one routine for the three
    /// brackets: parenthesised expression, tuple, generator, list, set, dict.
    fn display(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        let (close, comp) = match self.tok() {
            Tok::ParenOpen => (Tok::ParenClose, CompKind::Generator),
            Tok::BracketOpen => (Tok::BracketClose, CompKind::List),
            _ => (Tok::BraceClose, CompKind::Set),
        };
        let brace = close == Tok::BraceClose;
        self.bump();
        let mut elts = Vec::new();
        let mut pairs = Vec::new();
        // `{}` is a dict; the first item decides for the others.
        let mut is_dict = true;
        // `()` is a tuple; one item in parentheses without a comma is that item.
        let mut comma = true;
        let mut const_line = line;
        if !self.eat(close) {
            if close == Tok::ParenClose && self.tok() == Tok::KwYield {
                let y = self.yield_expr()?;
                self.expect(close)?;
                return Ok(y);
            }
            let item_line = self.cur_line();
            let mut second_line = item_line;
            let mut trailing = false;
            let mut first = true;
            comma = false;
            loop {
                let mut e = if brace {
                    self.test()?
                } else {
                    self.testlist_comp_item()?
                };
                let mut value = None;
                if brace {
                    if first {
                        is_dict = self.tok() == Tok::Colon;
                    }
                    // Dict keys and comprehension elements keep a line of their own,
                    // decided before the value is parsed.
                    if is_dict || (first && self.tok() == Tok::KwFor) {
                        self.keep_line(&mut e);
                    }
                    if self.eat(Tok::Colon) {
                        value = Some(self.test()?);
                    }
                }
                if first && self.tok() == Tok::KwFor {
                    let kind = if value.is_some() {
                        CompKind::Dict
                    } else {
                        comp
                    };
                    let c = self.comprehension((line, item_line), kind, e, value)?;
                    self.expect(close)?;
                    return Ok(c);
                }
                first = false;
                match (brace && is_dict, value) {
                    (false, None) => elts.push(e),
                    (true, Some(v)) => pairs.push((e, v)),
                    (true, None) => self.defer("expecting key:value for dict", item_line),
                    (false, Some(_)) => self.defer("expecting just a value for set", item_line),
                }
                if !self.eat(Tok::Comma) {
                    break;
                }
                if !comma {
                    second_line = self.cur_line();
                }
                comma = true;
                if self.tok() == close {
                    trailing = true;
                    break;
                }
            }
            self.expect(close)?;
            // Upstream's list rule for the items after the first comma only makes a node
            // (with its own line) when it holds two or more items or a trailing comma.
            const_line = if elts.len() == 1 || (elts.len() == 2 && !trailing) {
                item_line
            } else {
                second_line
            };
        }
        let kind = match close {
            Tok::ParenClose if !comma => {
                // Redundant parentheses make no node: the expression keeps its own line.
                return elts.pop().ok_or_else(|| self.error());
            }
            Tok::ParenClose => ExprKind::Tuple {
                elts,
                parens: true,
                const_line,
            },
            Tok::BracketClose => ExprKind::List(elts),
            _ if is_dict => ExprKind::Dict(pairs),
            _ => ExprKind::Set(elts),
        };
        Ok(self.fold(Expr::new(line, kind)))
    }

    // ---- number literals ----

    fn literal_error(&mut self, msg: String) -> Fail {
        let line = self.cur_line();
        self.fail(SyntaxError {
            kind: SyntaxErrorKind::SyntaxError,
            msg,
            line,
        })
    }

    fn int_literal(&mut self) -> PResult<ExprKind> {
        parse_int(&self.lex.text).map_err(|m| self.literal_error(m))
    }

    fn float_literal(&mut self) -> PResult<ExprKind> {
        let text = &self.lex.text;
        if !valid_float(text) {
            return Err(self.literal_error("invalid syntax for number".into()));
        }
        // Byte operations: `str`'s pattern searchers cost far more code.
        Ok(match text.split_last() {
            // Upstream reads `1ej` and `1e+j` as `1j` (an empty exponent before the `j`);
            // drop it so the text reads back as the same number anywhere.
            Some((&(b'j' | b'J'), mut imag)) => {
                while let Some((&(b'+' | b'-'), head)) = imag.split_last() {
                    imag = head;
                }
                if let Some((&b'e', head)) = imag.split_last() {
                    imag = head;
                }
                ExprKind::Imag(lossy(imag))
            }
            _ => ExprKind::Float(lossy(text)),
        })
    }
}

/// Parses an integer literal's text (underscores already dropped) the way upstream's
/// number parser does for source code, including its error message.
fn parse_int(text: &[u8]) -> Result<ExprKind, String> {
    let (base, digits) = match text {
        [b'0', c, rest @ ..] if matches!(c | 0x20, b'x' | b'o' | b'b') => (
            match c | 0x20 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            },
            rest,
        ),
        // A leading zero allows only zeros ("base 0" in the message).
        [b'0', _, ..] => (1, text),
        _ => (10, text),
    };
    // The runtime's own big-int code reads the digits (the firmware carries it anyway);
    // the lexer leaves only ASCII letters and digits in an integer's text.
    let radix = base.max(2);
    let len = mpz::from_str_len(digits.len(), radix);
    // Most literals fit the stack buffer: no allocation for them (compile speed).
    let mut stack = [0u32; 4];
    let mut heap;
    let mag: &mut [u32] = if len <= stack.len() {
        &mut stack
    } else {
        heap = alloc::vec![0u32; len];
        &mut heap
    };
    let value = match mpz::from_str(digits, false, radix, mag) {
        Ok(w) if base != 1 || digits.iter().all(|&c| c == b'0') => mag.get(..w.len),
        _ => None,
    };
    let Some(mag) = value else {
        // Built by hand: the compiler needs no core::fmt.
        let mut msg = String::from("invalid syntax for integer with base ");
        msg.push_str(match base {
            16 => "16",
            8 => "8",
            2 => "2",
            1 => "0",
            _ => "10",
        });
        msg.push_str(": '");
        msg.push_str(&lossy(digits));
        msg.push('\'');
        return Err(msg);
    };
    let int = mpz::Int::new(false, mag);
    Ok(match mpz::to_i64(int) {
        Some(v) => ExprKind::Int(v),
        None => {
            let mut out = alloc::vec![0u8; mpz::to_str_len(mag.len(), 10)];
            let mut scratch = alloc::vec![0u32; mpz::to_str_scratch_len(mag.len())];
            let len = mpz::to_str(int, 10, &mut out, &mut scratch).unwrap_or(0);
            ExprKind::BigInt(lossy(out.get(..len).unwrap_or_default()))
        }
    })
}

/// Whether upstream's float parser accepts the whole of `text` (a FloatOrImag token):
/// digits with at most one `.`, an optional exponent with digits, an optional `j`.
fn valid_float(text: &[u8]) -> bool {
    let mut i = 0;
    let mut seen_dot = false;
    let mut in_exp = false;
    let mut any = false;
    while let Some(&c) = text.get(i) {
        if c.is_ascii_digit() {
            any = true;
        } else if c == b'.' && !seen_dot && !in_exp {
            seen_dot = true;
            any = true;
        } else if (c | 0x20) == b'e' && !in_exp {
            in_exp = true;
            if matches!(text.get(i + 1), Some(b'+') | Some(b'-')) {
                i += 1;
            }
            if i + 1 >= text.len() {
                return false;
            }
        } else {
            break;
        }
        i += 1;
    }
    if matches!(text.get(i), Some(b'j') | Some(b'J')) {
        i += 1;
        any = true;
    }
    any && i == text.len()
}

#[cfg(feature = "match_stmt")]
mod pattern;

#[cfg(test)]
mod tests;
