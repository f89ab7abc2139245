//! The syntax tree the parser hands to the compiler (counterpart of MicroPython's parse
//! nodes in py/parse.h, shaped as a typed tree).
//!
//! The tree keeps every fact py/compile.c bases a decision on:
//!
//! * **Lines.** Every [`Stmt`] and [`Expr`] carries `line`: the line upstream stores in the
//!   parse-node struct for it, i.e. the line of its first token. A parenthesised single
//!   expression `(a + b)` has no node of its own (upstream drops the parens), so its line is
//!   that of `a`; a parenthesised tuple, generator, list, dict or set starts at its bracket.
//!   Upstream only sets the line for *struct* nodes: names, `None`/`True`/`False`/`...`, ints
//!   that fit the target's small int and short strings are leaves and set no line; the
//!   compiler decides that from the kind, the parser records a line for everything.
//!   Postfix nodes also record `trailer_line`, the line of their `(`, `[` or `.`, because
//!   compile.c sets the line of each trailer it compiles on its own.
//! * **Grouping.** Binary operators of one precedence level form one flat node
//!   ([`ExprKind::BinOp`]), `or`/`and` chains are flat lists, comparisons are chains, as in
//!   upstream's list rules: constant folding (below) folds a whole level or nothing.
//! * **Literal kinds.** Ints that fit `i64` are [`ExprKind::Int`] (the compiler checks them
//!   against its target's small-int width); larger ones are [`ExprKind::BigInt`] decimal
//!   text. Floats and imaginary literals keep their source text (underscores removed) so the
//!   consumer parses them exactly as the runtime's float parser would. Adjacent literals are
//!   already joined (`'a' 'b'` is one `Str`); f-strings are already lowered the way
//!   upstream's lexer does: `f'a{x!r:>{w}}b'` is `'a{!r:>{}}b'.format(x, w)`, i.e. a
//!   [`ExprKind::Call`] on an [`ExprKind::Attribute`] `format` of a [`ExprKind::Str`].
//!
//! **Constant folding is not done by [`crate::parse::parse`].** Upstream's parser folds
//! while building nodes (py/parse.c `fold_constants`, `fold_logical_constants`,
//! `build_tuple`); the compiler does the same through the parser's folding mode
//! (`compile::fold`, called on each node as it is built, so in source order):
//! * `X = const(v)` / `X: T = const(v)` with a plain name target, at any depth: `v` (after
//!   folding) must be a constant, else SyntaxError "not a constant" at the statement's
//!   line; from then on every later standalone name `X` becomes `v`: an
//!   [`ExprKind::Name`] anywhere (targets of assignment, `del`, `for`, `with` included),
//!   an [`Arg::Keyword`] name and an [`ExprKind::NamedExpr`] target, the last ones then
//!   failing as upstream does ("LHS of keyword arg must be an id", "can't assign to
//!   expression"). Attribute, parameter, import, `global`/`nonlocal`, `except ... as`,
//!   `def` and `class` names are not substituted. If `X` starts with `_` the statement
//!   becomes `pass`; otherwise it stays as `X = v`.
//! * [`ExprKind::BinOp`] levels, `**` ([`ExprKind::Power`]) and unary `+ - ~`
//!   ([`ExprKind::UnaryOp`]) whose operands are all numbers fold to one number (complex
//!   results are not folded, errors such as division by zero leave the node as is);
//!   folded nodes get line 0 upstream.
//! * `or`/`and` drop operands that are constant and short-circuit-neutral, `not` of a
//!   constant becomes `True`/`False`; tuples of constants become a constant tuple.
//! * Outside [`ParseMode::Single`], an expression statement that is (after folding) a
//!   constant other than a name, docstrings included, becomes `pass` (upstream builds
//!   without doc strings drop them in the parser).
//!
//! Lines upstream sets that are not an [`Expr`]'s own: a dict display item `k: v` sets the
//! line of `k`'s first token (a `(` around `k` included); a comprehension's scope starts at
//! [`Comprehension::line`]; each `except` clause sets [`ExceptHandler::line`].
//!
//! Beyond MicroPython's grammar: the `match` statement (PEP 634), as `StmtKind::Match`
//! (cargo feature `match_stmt`, on by default).
//!
//! Not supported (as in MicroPython's grammar): positional-only parameters (`/`), `**` inside dict displays, arbitrary decorator expressions (only
//! `@dotted.name` with an optional call), `*` in `return`/`yield` lists.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// What kind of input was parsed (upstream `mp_parse_input_kind_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseMode {
    /// A whole file (`file_input`).
    File,
    /// One REPL entry (`single_input`): expression statements print their value.
    Single,
    /// An `eval()` string (`eval_input`): the body is one [`StmtKind::Expr`].
    Eval,
}

/// A parsed module, REPL line or eval string.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub mode: ParseMode,
    /// For [`ParseMode::Eval`] exactly one [`StmtKind::Expr`] statement.
    pub body: Vec<Stmt>,
}

/// An identifier, as written (UTF-8).
pub type Name = String;

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// Line of the statement's first token (`@` for a decorated definition, `async` for
    /// `async def/for/with`).
    pub line: u32,
    pub kind: StmtKind,
}

#[derive(Clone, Debug, PartialEq)]
// An explicit tag byte, not a niche in a field: a `match` and a failed parse step's check
// test one byte (0.6 KB less code on thumbv7m, with ExprKind and Arg).
#[repr(u8)]
pub enum StmtKind {
    /// An expression statement (also a bare `yield`, and a docstring).
    Expr(Expr),
    /// `t1 = t2 = value`: targets left to right. `value` may be a [`ExprKind::Yield`].
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    /// `target op= value`; `op` is the in-place form of the operator.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `target: annotation [= value]`.
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
    },
    /// `del a, b`: the comma-separated targets (a parenthesised tuple stays one Tuple).
    Del(Vec<Expr>),
    Pass,
    Break,
    Continue,
    /// `return [value]`; `return a, b` has a Tuple value.
    Return(Option<Expr>),
    /// `raise [exc [from cause]]`.
    Raise {
        exc: Option<Expr>,
        cause: Option<Expr>,
    },
    Global(Vec<Name>),
    Nonlocal(Vec<Name>),
    /// `import a.b as c, d`.
    Import(Vec<ImportAlias>),
    /// `from ..mod import a as b, c` / `from . import *`. `level` counts leading dots
    /// (`...` counts 3). `names` is `None` for `*`.
    ImportFrom {
        level: u32,
        module: Option<Name>,
        names: Option<Vec<ImportAlias>>,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    /// `if test: body` then `elif`s then `else` (empty `orelse` when absent).
    If {
        test: Expr,
        body: Vec<Stmt>,
        elifs: Vec<Elif>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        is_async: bool,
        /// A single target, or a Tuple for `for a, b in ...`.
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        /// `Some` when a `finally:` clause is present (even if it is only `pass`).
        finalbody: Option<Vec<Stmt>>,
    },
    With {
        is_async: bool,
        items: Vec<WithItem>,
        body: Vec<Stmt>,
    },
    FunctionDef(Box<FunctionDef>),
    ClassDef(Box<ClassDef>),
    /// `match subject:` with its `case` blocks (at least one).
    #[cfg(feature = "match_stmt")]
    Match {
        subject: Expr,
        cases: Vec<MatchCase>,
    },
}

/// One `case pattern [if guard]: body`.
#[cfg(feature = "match_stmt")]
#[derive(Clone, Debug, PartialEq)]
pub struct MatchCase {
    /// Line of the `case` keyword.
    pub line: u32,
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: Vec<Stmt>,
}

#[cfg(feature = "match_stmt")]
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// Line of the pattern's first token.
    pub line: u32,
    pub kind: PatternKind,
}

#[cfg(feature = "match_stmt")]
#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// A literal (number, complex sum, string, bytes) or a dotted name: matches by `==`.
    Value(Expr),
    /// `None`, `True`, `False`: matches by `is`.
    Singleton(Expr),
    /// A bare name (not `_`): always matches and binds.
    Capture(Name),
    /// `_`: always matches, binds nothing.
    Wildcard,
    /// `[p, ...]` or `(p, ...)` or an open `p, q`; items may include one [`PatternKind::Star`].
    Sequence(Vec<Pattern>),
    /// `*name` (`None` for `*_`), only inside a sequence pattern.
    Star(Option<Name>),
    /// `{key: p, ..., **rest}`: keys are literals or dotted names.
    Mapping {
        keys: Vec<Expr>,
        patterns: Vec<Pattern>,
        rest: Option<Name>,
    },
    /// `cls(p, ..., name=p, ...)`: `cls` is a (dotted) name.
    Class {
        cls: Expr,
        args: Vec<Pattern>,
        kwargs: Vec<(Name, Pattern)>,
    },
    /// `p | q | ...` (at least two alternatives).
    Or(Vec<Pattern>),
    /// `p as name`.
    As(Box<Pattern>, Name),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Elif {
    /// Line of the `elif` keyword.
    pub line: u32,
    pub test: Expr,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportAlias {
    /// Dotted module path for `import`, a plain name for `from ... import`.
    pub name: Name,
    pub asname: Option<Name>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExceptHandler {
    /// Line of the `except` keyword.
    pub line: u32,
    /// `None` for a bare `except:`.
    pub typ: Option<Expr>,
    pub name: Option<Name>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    pub context: Expr,
    pub target: Option<Expr>,
}

/// `@a.b.c(args)`: MicroPython only accepts a dotted name with an optional call.
#[derive(Clone, Debug, PartialEq)]
pub struct Decorator {
    /// Line of the `@`.
    pub line: u32,
    /// The dotted name, split at the dots (at least one part).
    pub name: Vec<Name>,
    /// The call arguments when written `@name(...)`.
    pub call: Option<CallArgs>,
    /// Line of the `(` when there is a call.
    pub call_line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub is_async: bool,
    pub decorators: Vec<Decorator>,
    /// Line of the `def` keyword (the Stmt line is that of the first decorator or `async`).
    pub def_line: u32,
    pub name: Name,
    pub params: Params,
    pub returns: Option<Expr>,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub decorators: Vec<Decorator>,
    /// Line of the `class` keyword.
    pub class_line: u32,
    pub name: Name,
    /// `class C(...)`: the bases and keywords, as call arguments. `None` without parens,
    /// `Some(empty)` for `class C():`.
    pub args: Option<CallArgs>,
    pub body: Vec<Stmt>,
}

/// A parameter list of `def` or `lambda`, in source order within each group.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Params {
    /// Parameters before any `*`; those with defaults come last.
    pub args: Vec<Param>,
    /// `*name` (`Some`), or a bare `*` (`None` with `star` true).
    pub vararg: Option<Param>,
    pub star: bool,
    /// Keyword-only parameters (after `*` or `*args`), each with or without a default.
    pub kwonly: Vec<Param>,
    pub kwarg: Option<Param>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Name,
    /// Only ever set for `def` parameters (lambda has no annotations).
    pub annotation: Option<Expr>,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// See the module docs: line of the first token (inside redundant parentheses).
    pub line: u32,
    pub kind: ExprKind,
}

#[derive(Clone, Debug, PartialEq)]
#[repr(u8)]
pub enum ExprKind {
    Name(Name),
    /// An integer literal (or folded value) that fits `i64`.
    Int(i64),
    /// An integer literal too large for `i64`: decimal digits with optional leading `-`.
    BigInt(String),
    /// A float literal's text, underscores removed (`1.5e3`, `.5`, `1.`, `1e5`).
    Float(String),
    /// An imaginary literal's text without the `j`, underscores removed (`2`, `1.5e3`).
    Imag(String),
    /// A str literal (adjacent literals joined, escapes resolved).
    Str(String),
    /// A bytes literal (adjacent literals joined, escapes resolved).
    Bytes(Vec<u8>),
    None,
    True,
    False,
    Ellipsis,

    /// A tuple display: `a, b` or `(a, b)` or `()`. `parens` says whether it was written in
    /// parentheses (then `line` is that of the `(`). `const_line` is the line upstream's
    /// parser gives the tuple when all items are constants and it becomes one constant
    /// object: `line` for a bare tuple; for `(a,)` and `(a, b)` the line of the token after
    /// the `(`; for `(a, b, c...)` and `(a, b,)` the line of the token after the first comma.
    Tuple {
        elts: Vec<Expr>,
        parens: bool,
        const_line: u32,
    },
    List(Vec<Expr>),
    /// `{k: v, ...}` (also `{}`).
    Dict(Vec<(Expr, Expr)>),
    Set(Vec<Expr>),
    /// `[elt for ...]`, `{elt for ...}`, `(elt for ...)`, `{k: v for ...}`.
    Comp(Box<Comprehension>),

    /// `*value` in a tuple/list/set display, an assignment target or a call argument list.
    Starred(Box<Expr>),
    /// `target := value` (target is always a name).
    NamedExpr {
        target: Name,
        value: Box<Expr>,
    },

    /// One precedence level of binary operators, evaluated left to right:
    /// `first op0 e0 op1 e1 ...`. Levels: `|`; `^`; `&`; `<< >>`; `+ -`; `* @ / % //`.
    BinOp {
        first: Box<Expr>,
        rest: Vec<(BinOp, Expr)>,
    },
    /// `base ** exp` (right associative: `a ** b ** c` nests in `exp`).
    Power {
        base: Box<Expr>,
        exp: Box<Expr>,
    },
    /// `+x`, `-x`, `~x`.
    UnaryOp {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    /// `not x`.
    Not(Box<Expr>),
    /// `a or b or c` (at least two operands).
    Or(Vec<Expr>),
    /// `a and b and c` (at least two operands).
    And(Vec<Expr>),
    /// `a < b <= c`: `left` then each operator with its right operand (at least one).
    Compare {
        left: Box<Expr>,
        ops: Vec<(CmpOp, Expr)>,
    },
    /// `body if test else orelse`.
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda {
        params: Box<Params>,
        body: Box<Expr>,
    },

    /// `func(args)`. `trailer_line` is the line of the `(`.
    Call {
        func: Box<Expr>,
        args: CallArgs,
        trailer_line: u32,
    },
    /// `value.attr`. `trailer_line` is the line of the `.`.
    Attribute {
        value: Box<Expr>,
        attr: Name,
        trailer_line: u32,
    },
    /// `value[index]`; `a[i, j]` has a Tuple index (parens false), slices are
    /// [`ExprKind::Slice`]. `trailer_line` is the line of the `[`.
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
        trailer_line: u32,
    },
    /// `lower:upper:step` inside a subscript. `has_step` distinguishes `a[::]` (step
    /// written as an empty second colon) from `a[:]`, which upstream compiles alike but
    /// parses differently.
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
        has_step: bool,
    },

    /// `await value` (value is an atom with trailers, as in MicroPython's grammar).
    Await(Box<Expr>),
    /// `yield [value]`; `yield a, b` has a Tuple value.
    Yield(Option<Box<Expr>>),
    /// `yield from value`.
    YieldFrom(Box<Expr>),
}

/// A call's argument list, kept in source order: upstream's compiler checks the order
/// itself ("positional arg after keyword arg" and the like).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CallArgs {
    pub args: Vec<Arg>,
}

#[derive(Clone, Debug, PartialEq)]
#[repr(u8)]
pub enum Arg {
    Positional(Expr),
    /// `*value`.
    Star(Expr),
    /// `**value`.
    DoubleStar(Expr),
    /// `name=value`. `name_line` is the line of the name token.
    Keyword {
        name: Name,
        value: Expr,
        name_line: u32,
    },
    /// `f(x for x in y)`: a bare generator argument (the Comp is in the Expr).
    Generator(Expr),
}

/// What a comprehension builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

/// `[elt for t in it if c for ...]`. For dict comprehensions `elt` is the key and `value`
/// the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Comprehension {
    /// Line upstream gives the comprehension's own scope: that of the first token after
    /// the opening bracket (the element's start, counting a `(` that wraps it). The
    /// enclosing [`Expr`]'s line is the bracket's.
    pub line: u32,
    pub kind: CompKind,
    pub elt: Expr,
    pub value: Option<Expr>,
    /// At least one; the first `for`'s iterable is evaluated in the enclosing scope.
    pub generators: Vec<CompFor>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompFor {
    /// Line of the `for` keyword.
    pub line: u32,
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

/// Binary operators, in MicroPython's `mp_binary_op_t` order for the ones it shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    Xor,
    And,
    LShift,
    RShift,
    Add,
    Sub,
    Mul,
    MatMul,
    FloorDiv,
    TrueDiv,
    Mod,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Pos,
    Neg,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Gt,
    Eq,
    LtE,
    GtE,
    NotEq,
    In,
    NotIn,
    Is,
    IsNot,
}

impl Expr {
    pub fn new(line: u32, kind: ExprKind) -> Expr {
        Expr { line, kind }
    }
}

impl Stmt {
    pub fn new(line: u32, kind: StmtKind) -> Stmt {
        Stmt { line, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_keep_line() {
        let e = Expr::new(7, ExprKind::Name("x".into()));
        assert_eq!(e.line, 7);
        let s = Stmt::new(3, StmtKind::Expr(e.clone()));
        assert_eq!(
            s,
            Stmt {
                line: 3,
                kind: StmtKind::Expr(e)
            }
        );
    }
}
