//! The compiler proper: syntax tree to raw codes, following py/compile.c decision for
//! decision so the bytecode is identical to `mpy-cross`.
//!
//! Shape: constant folding as the parser builds the tree (`fold`), then upstream's passes. Every scope (module,
//! function, lambda, class body, comprehension) is found during the scope pass, in the same
//! order as upstream (a queue: a scope's children are appended as its own scope pass finds
//! them); then identifiers are numbered ([`crate::scope::compute_things`]); then each scope is
//! compiled again for stack size, code size and final bytes ([`crate::emit`]).
//!
//! Scopes are tied to their syntax nodes by node address, which is stable because the folded
//! tree is borrowed immutably for the whole compilation.
//!
//! Where upstream's output depends on its parse tree rather than on the program (which
//! nodes carry a line number, which long strings were already interned, constant objects
//! versus literals), the tree's line fields and a few markers set by `fold` carry the
//! facts; `tests/mpy_cross.rs` checks the result against the reference binary.
//!
//! Entry points: [`compile`] and [`compile_detailed`] (source text), both with
//! [`CompileOptions`]: `Default` reproduces mpy-cross, [`CompileOptions::for_port`] a running
//! interpreter (REPL and `exec`/`eval` use the modes of [`ParseMode`]).

mod bigint;
pub(crate) mod fold;
#[cfg(feature = "match_stmt")]
mod pattern;

// Upstream's exact float modulo, shared with the runtime's float type.
pub use fold::{float_divmod, fmod};

use crate::ast::*;
use crate::bc;
use crate::emit::{Emitter, ModuleTables, Pass, ScopeInfo, BREAK_FROM_FOR};
use crate::error::{SyntaxError, SyntaxErrorKind};
use crate::rawcode::{CodeKind, CompiledModule, Const, RawCode};
use crate::scope::{self, IdKind, ScopeIds, ScopeKind};
use alloc::string::String;
use alloc::vec::Vec;

pub use crate::ast::ParseMode;

/// Options of one compilation. `Default` is mpy-cross's behaviour (so `.mpy` output is
/// byte-identical to it); [`CompileOptions::for_port`] is what a running interpreter wants.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// File, REPL line (expression statements print via `__repl_print__`) or eval string.
    pub mode: ParseMode,
    /// 0..=3 as `-O`: >= 1 drops asserts, >= 3 drops line numbers.
    pub opt_level: u8,
    /// Bits in the target's small int (31 for mpy-cross compatibility, 63 on 64-bit hosts).
    pub small_int_bits: u8,
    /// Accept template strings (`t'...'`) as mpy-cross does; the unix port's standard build
    /// rejects them.
    pub tstrings: bool,
    /// What `@micropython.native`, `.viper` and `.asm_*` do (upy only emits bytecode).
    pub native: NativeDecorators,
    /// Compile `OrderedDict({...})` as an empty `OrderedDict()` filled in literal order, as
    /// ports with `collections.OrderedDict` do (mpy-cross has no `collections`).
    pub ordered_dict_literal: bool,
    /// Integer attributes of built-in modules folded at compile time (`errno.ENOENT`,
    /// `uctypes.UINT8`), as ports with `MICROPY_COMP_MODULE_CONST` and those modules do:
    /// `(module, attribute) -> value`. `math` float constants are always folded.
    pub module_const: Option<fn(&str, &str) -> Option<i64>>,
    /// Whether a string longer than 10 bytes is already in the target's qstr pool (then a
    /// literal equal to it loads as a qstr). `Default` has mpy-cross's static qstrs
    /// ([`mpy_cross_interned`]); with `None` only names of the source itself count.
    pub is_interned: Option<fn(&str) -> bool>,
    /// Whether line-number tables are written (mpy-cross `-X no-source-lines` clears it;
    /// `-O3` drops them regardless).
    pub source_lines: bool,
    /// Extra line-table entries at the start of each class body and `except` clause, as
    /// upstream's builds with `sys.settrace` write them (so those lines get `line` events).
    /// Off for mpy-cross output.
    pub trace_lines: bool,
}

impl CompileOptions {
    /// Settings matching MicroPython's unix port (standard variant) compiling in-process:
    /// the host's small-int width, no t-strings, no native emitters, `OrderedDict` literals.
    /// Callers add `module_const` / `is_interned` hooks for their own modules and qstr pool.
    pub fn for_port(mode: ParseMode, opt_level: u8, small_int_bits: u8) -> Self {
        CompileOptions {
            mode,
            opt_level,
            small_int_bits,
            tstrings: false,
            native: NativeDecorators::Unsupported,
            ordered_dict_literal: true,
            ..CompileOptions::default()
        }
    }
}

/// Treatment of the code-emitter decorators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeDecorators {
    /// SyntaxError "invalid arch", as mpy-cross without `-march`.
    InvalidArch,
    /// SyntaxError "invalid micropython decorator", as a port without native emitters.
    Unsupported,
    /// Accept them and emit bytecode anyway.
    AsBytecode,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            mode: ParseMode::File,
            opt_level: 0,
            small_int_bits: 31,
            tstrings: true,
            native: NativeDecorators::InvalidArch,
            ordered_dict_literal: false,
            module_const: None,
            is_interned: Some(mpy_cross_interned),
            source_lines: true,
            trace_lines: false,
        }
    }
}

/// Strings longer than 10 bytes that mpy-cross already has interned (its static qstrs); a
/// string literal equal to one of them is emitted as a qstr, not a constant object.
const LONG_STATIC_QSTRS: &[u8] = concat!(
    "\x0b__delitem__",
    "\x0b__getattr__",
    "\x0b__getitem__",
    "\x0c__qualname__",
    "\x0b__setitem__",
    "\x0fArithmeticError",
    "\x0eAssertionError",
    "\x0eAttributeError",
    "\x0dBaseException",
    "\x0dGeneratorExit",
    "\x0bImportError",
    "\x10IndentationError",
    "\x11KeyboardInterrupt",
    "\x0bLookupError",
    "\x0bMemoryError",
    "\x13NotImplementedError",
    "\x0dOverflowError",
    "\x0cRuntimeError",
    "\x0dStopIteration",
    "\x0bSyntaxError",
    "\x11ZeroDivisionError",
    "\x0bclassmethod",
    "\x0bmicropython",
    "\x0cstaticmethod",
    "\x0dInterpolation",
    "\x12StopAsyncIteration",
    "\x0cUnicodeError",
    "\x0eViperTypeError",
    "\x0f__build_class__",
    "\x0b__complex__",
    "\x0c__contains__",
    "\x0e__repl_print__",
    "\x0c__reversed__",
    "\x0c__template__",
    "\x0d__traceback__",
    "\x0cbound_method",
    "\x11difference_update",
    "\x0bformat_spec",
    "\x0bheap_unlock",
    "\x0einterpolations",
    "\x0cintersection",
    "\x13intersection_update",
    "\x20maximum recursion depth exceeded",
    "\x12string.templatelib",
    "\x14symmetric_difference",
    "\x1bsymmetric_difference_update",
    "\x0btemplatelib",
    "\x0bunpack_from",
    "\x0cvcvt_f32_s32",
    "\x0cvcvt_s32_f32",
)
.as_bytes();

/// Whether `s` is one of mpy-cross's static qstrs longer than 10 bytes (its
/// [`CompileOptions::is_interned`]; an interpreter passes a lookup in its own qstr pool, so
/// the firmware does not carry this list).
pub fn mpy_cross_interned(s: &str) -> bool {
    crate::strmap::packed_index(LONG_STATIC_QSTRS, s.as_bytes()).is_some()
}

const INVALID_LABEL: u32 = 0xffff;
static NO_ARGS: CallArgs = CallArgs { args: Vec::new() };
const MAX_DEPTH: usize = 200;

/// A failed compilation with the code block it failed in: upstream's traceback for a
/// compile-time SyntaxError names it (`File "x.py", line 2, in f`), while parse errors and
/// RuntimeErrors have none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub error: SyntaxError,
    /// Simple name of the scope being compiled (`<module>`, a function name, `<lambda>`...).
    pub block: Option<String>,
}

impl From<SyntaxError> for CompileError {
    fn from(error: SyntaxError) -> Self {
        CompileError { error, block: None }
    }
}

/// Parses and compiles `source`.
pub fn compile(
    source: &str,
    source_name: &str,
    opts: &CompileOptions,
) -> Result<CompiledModule, SyntaxError> {
    compile_detailed(source, source_name, opts).map_err(|e| e.error)
}

/// [`compile`], reporting the code block of a compile-time error as well.
pub fn compile_detailed(
    source: &str,
    source_name: &str,
    opts: &CompileOptions,
) -> Result<CompiledModule, CompileError> {
    let popts = crate::parse::ParseOptions {
        tstrings: opts.tstrings,
        opt_level: opts.opt_level,
    };
    let (m, idents) =
        crate::parse::parse_for_compile(source.as_bytes(), opts.mode, &popts, opts.module_const)?;
    compile_tree(m, idents, source, source_name, opts)
}

/// `source` and `idents` decide which long string literals count as already interned.
fn compile_tree(
    m: Module,
    idents: crate::parse::Idents,
    source: &str,
    source_name: &str,
    opts: &CompileOptions,
) -> Result<CompiledModule, CompileError> {
    let folded = &m;
    let mut c = Compiler {
        opts,
        is_repl: m.mode == ParseMode::Single,
        tables: ModuleTables::new(source_name),
        ids: Vec::new(),
        data: Vec::new(),
        scope_of: Vec::new(),
        emit: Emitter::new(),
        cur: 0,
        pass: Pass::Scope,
        next_label: 0,
        break_label: INVALID_LABEL,
        continue_label: INVALID_LABEL,
        cur_except_level: 0,
        break_continue_except_level: 0,
        have_star: false,
        num_dict_params: 0,
        num_default_params: 0,
        error: None,
        error_block: None,
        idents,
        source_name: String::from(source_name),
        source,
        depth: 0,
    };
    let node = match m.mode {
        ParseMode::Eval => match folded.body.first() {
            Some(Stmt {
                kind: StmtKind::Expr(e),
                ..
            }) => Node::Eval(e),
            _ => return Err(SyntaxError::syntax("invalid syntax", 1).into()),
        },
        _ => Node::Module(&folded.body),
    };
    c.new_scope(ScopeKind::Module, node, "<module>", 0);
    c.run()?;
    let top = c.build_raw(0, 0)?;
    Ok(CompiledModule {
        qstrs: c.tables.qstrs.keys,
        consts: c.tables.consts,
        top,
    })
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Module(&'a [Stmt]),
    Eval(&'a Expr),
    Function(&'a FunctionDef),
    Lambda(&'a Params, &'a Expr, u32),
    Comp(&'a Comprehension),
    Class(&'a ClassDef),
}

struct ScopeData<'a> {
    node: Node<'a>,
    simple_name: String,
    exc_stack_size: usize,
    emitter: Emitter,
    /// Scopes made by MAKE_FUNCTION/MAKE_CLOSURE, by child index (current pass).
    children: Vec<usize>,
    /// Line of the scope's node, for errors without a better line.
    line: u32,
    fun_data: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AssignKind {
    Store,
    AugLoad,
    AugStore,
    /// `del` (only for attribute and subscript targets, see `Compiler::assign_atom_expr`).
    Delete,
}

/// One postfix operation of an atom expression chain.
enum Trailer<'a> {
    Period(&'a str, u32),
    Paren(&'a CallArgs, u32),
    Bracket(&'a Expr, u32),
}

struct Compiler<'a> {
    opts: &'a CompileOptions,
    is_repl: bool,
    tables: ModuleTables,
    ids: Vec<ScopeIds>,
    data: Vec<ScopeData<'a>>,
    /// Scope index by syntax-node address, sorted by address (a small sorted list costs
    /// less code than a map).
    scope_of: Vec<(usize, usize)>,
    emit: Emitter,
    cur: usize,
    pass: Pass,
    next_label: u32,
    break_label: u32,
    continue_label: u32,
    cur_except_level: usize,
    break_continue_except_level: usize,
    have_star: bool,
    num_dict_params: usize,
    num_default_params: usize,
    error: Option<SyntaxError>,
    /// Scope the error occurred in (None for errors without one, like RuntimeErrors).
    error_block: Option<String>,
    idents: crate::parse::Idents,
    source_name: String,
    source: &'a str,
    depth: usize,
}

fn addr<T>(r: &T) -> usize {
    r as *const T as usize
}

fn flatten<'e>(mut e: &'e Expr) -> (&'e Expr, Vec<Trailer<'e>>) {
    let mut rev = Vec::new();
    loop {
        match &e.kind {
            ExprKind::Call {
                func,
                args,
                trailer_line,
            } => {
                rev.push(Trailer::Paren(args, *trailer_line));
                e = func;
            }
            ExprKind::Attribute {
                value,
                attr,
                trailer_line,
            } => {
                rev.push(Trailer::Period(attr, *trailer_line));
                e = value;
            }
            ExprKind::Subscript {
                value,
                index,
                trailer_line,
            } => {
                rev.push(Trailer::Bracket(index, *trailer_line));
                e = value;
            }
            _ => break,
        }
    }
    rev.reverse();
    (e, rev)
}

fn binop_index(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 0,
        BinOp::Xor => 1,
        BinOp::And => 2,
        BinOp::LShift => 3,
        BinOp::RShift => 4,
        BinOp::Add => 5,
        BinOp::Sub => 6,
        BinOp::Mul => 7,
        BinOp::MatMul => 8,
        BinOp::FloorDiv => 9,
        BinOp::TrueDiv => 10,
        BinOp::Mod => 11,
        BinOp::Pow => 12,
    }
}

/// An expression's source line, without the const-object marker bit.
fn ln(e: &Expr) -> u32 {
    e.line & !fold::CONST_OBJ
}

/// Where the non-overlapping occurrences of `pat` start in `text`, left to right, as
/// `str::match_indices` finds them, without linking core's two-way searcher (1 KB of flash
/// for this one caller). Matches of valid UTF-8 fall on character boundaries.
fn occurrences<'t>(text: &'t str, pat: &'t str) -> impl Iterator<Item = usize> + 't {
    let (text, pat) = (text.as_bytes(), pat.as_bytes());
    let mut i = 0;
    core::iter::from_fn(move || {
        if pat.is_empty() {
            return None;
        }
        while let Some(rest) = text.get(i..) {
            if rest.len() < pat.len() {
                break;
            }
            let at = i;
            if rest.starts_with(pat) {
                i += pat.len();
                return Some(at);
            }
            i += 1;
        }
        None
    })
}

/// `s` up to the first `sep`, and what follows it if there is one: `split(sep)` one part at a
/// time, with one searcher shared by its users.
fn cut(s: &str, sep: char) -> (&str, Option<&str>) {
    match s.split_once(sep) {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

fn is_const_obj(e: &Expr) -> bool {
    e.line & fold::CONST_OBJ != 0
}

/// Errors upstream raises as RuntimeError while compiling (bytecode overflow, nesting).
fn runtime_error(msg: &str, line: u32) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::RuntimeError,
        msg: String::from(msg),
        line,
    }
}

/// What the prelude needs about a scope (its name borrowed: no copies per pass).
fn scope_info<'s>(s: &'s ScopeIds, data: &'s ScopeData) -> ScopeInfo<'s> {
    ScopeInfo {
        num_locals: s.num_locals,
        exc_stack_size: data.exc_stack_size,
        scope_flags: s.scope_flags,
        num_pos_args: s.num_pos_args,
        num_kwonly_args: s.num_kwonly_args,
        num_def_pos_args: s.num_def_pos_args,
        simple_name: &data.simple_name,
    }
}

/// Decimal text of an integer (no core::fmt in the compiler).
fn int_text(v: i64) -> String {
    // Digits from the right end of a buffer (20 hold any u64): no reversal.
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut m = v.unsigned_abs();
    while let Some(slot) = i.checked_sub(1).and_then(|j| buf.get_mut(j)) {
        *slot = b'0' + (m % 10) as u8;
        i -= 1;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    let mut s = String::with_capacity(21);
    if v < 0 {
        s.push('-');
    }
    for &c in buf.get(i..).unwrap_or_default() {
        s.push(char::from(c));
    }
    s
}

fn parse_float(s: &str) -> Option<f64> {
    fold::float_value(s)
}

impl<'a> Compiler<'a> {
    // ---------------------------------------------------------------- infrastructure

    fn new_scope(&mut self, kind: ScopeKind, node: Node<'a>, name: &str, line: u32) -> usize {
        let parent = if self.data.is_empty() {
            None
        } else {
            Some(self.cur)
        };
        self.ids.push(ScopeIds::new(kind, parent));
        let mut em = Emitter::new();
        em.source_lines = self.opts.opt_level < 3 && self.opts.source_lines;
        self.data.push(ScopeData {
            node,
            simple_name: String::from(name),
            exc_stack_size: 0,
            emitter: em,
            children: Vec::new(),
            line,
            fun_data: Vec::new(),
        });
        self.data.len() - 1
    }

    /// The scope for a syntax node: created in the scope pass, looked up afterwards.
    fn scope_for(
        &mut self,
        key: usize,
        kind: ScopeKind,
        node: Node<'a>,
        name: &str,
        line: u32,
    ) -> usize {
        match self.scope_of.binary_search_by_key(&key, |&(k, _)| k) {
            Ok(i) => self.scope_of[i].1,
            Err(i) => {
                let s = self.new_scope(kind, node, name, line);
                self.scope_of.insert(i, (key, s));
                s
            }
        }
    }

    fn error(&mut self, line: u32, msg: &str) {
        if self.error.is_none() {
            self.error = Some(SyntaxError::syntax(msg, line));
            self.error_block = Some(self.data[self.cur].simple_name.clone());
        }
    }

    fn take_error(&mut self) -> Option<CompileError> {
        self.error.take().map(|error| CompileError {
            error,
            block: self.error_block.take(),
        })
    }

    fn runtime_error(&mut self, line: u32, msg: &str) {
        if self.error.is_none() {
            self.error = Some(runtime_error(msg, line));
        }
    }

    fn next_label(&mut self) -> u32 {
        let l = self.next_label;
        self.next_label += 1;
        l
    }

    fn run(&mut self) -> Result<(), CompileError> {
        let mut i = 0;
        while i < self.data.len() {
            self.compile_scope(i, Pass::Scope)?;
            if let Some(e) = self.take_error() {
                return Err(e);
            }
            for k in 0..self.ids[i].ids.len() {
                if self.ids[i].ids[k].kind == IdKind::GlobalImplicit {
                    scope::check_to_close_over(&mut self.ids, i, k);
                }
            }
            i += 1;
        }
        for i in 0..self.ids.len() {
            scope::compute_things(&mut self.ids, i);
        }
        for i in 0..self.data.len() {
            self.compile_scope(i, Pass::StackSize)?;
            self.compile_scope(i, Pass::CodeSize)?;
            let mut n = 0;
            while !self.compile_scope(i, Pass::Emit)? {
                n += 1;
                if n > 100 {
                    return Err(runtime_error("bytecode overflow", self.data[i].line).into());
                }
            }
            if let Some(e) = self.take_error() {
                return Err(e);
            }
            self.data[i].fun_data = self.data[i].emitter.fun_data();
        }
        Ok(())
    }

    fn build_raw(&mut self, si: usize, depth: usize) -> Result<RawCode, SyntaxError> {
        if depth > 200 {
            return Err(runtime_error(
                "maximum recursion depth exceeded",
                self.data[si].line,
            ));
        }
        let mut children = Vec::new();
        for c in core::mem::take(&mut self.data[si].children) {
            children.push(self.build_raw(c, depth + 1)?);
        }
        Ok(RawCode {
            kind: CodeKind::Bytecode,
            fun_data: core::mem::take(&mut self.data[si].fun_data),
            children,
        })
    }

    fn compile_scope(&mut self, si: usize, pass: Pass) -> Result<bool, SyntaxError> {
        self.pass = pass;
        self.cur = si;
        self.next_label = 0;
        // Swapped in and out (no placeholder built and dropped each pass).
        core::mem::swap(&mut self.emit, &mut self.data[si].emitter);
        let info = scope_info(&self.ids[si], &self.data[si]);
        self.emit.start_pass(pass, &info, &mut self.tables);
        let s = &self.ids[si];
        for i in 0..s.num_pos_args + s.num_kwonly_args {
            let name = s
                .ids
                .iter()
                .find(|id| id.flags & scope::FLAG_IS_PARAM != 0 && id.local_num == i)
                .map_or("*", |id| id.name.as_str());
            self.emit.arg_name(&mut self.tables, name);
        }
        if pass == Pass::Scope {
            self.data[si].exc_stack_size = 0;
        }
        self.data[si].children.clear();
        let node = self.data[si].node;
        let kind = self.ids[si].kind;
        match node {
            Node::Eval(e) => {
                self.expr(e);
                self.emit.return_value();
            }
            Node::Module(body) => {
                self.stmts(body);
                self.emit.load_const_none();
                self.emit.return_value();
            }
            Node::Function(f) => {
                if pass == Pass::Scope {
                    self.have_star = false;
                    self.scope_params(&f.params);
                }
                self.stmts(&f.body);
                self.emit.load_const_none();
                self.emit.return_value();
            }
            Node::Lambda(params, body, line) => {
                self.emit.set_source_line(line as usize);
                if pass == Pass::Scope {
                    self.have_star = false;
                    self.scope_params(params);
                }
                self.expr(body);
                if self.is_generator() {
                    self.emit.pop_top();
                    self.emit.load_const_none();
                }
                self.emit.return_value();
            }
            Node::Comp(c) => {
                if pass == Pass::Scope {
                    self.ids[si].find_or_add("", IdKind::Local);
                    self.ids[si].num_pos_args = 1;
                }
                self.emit.set_source_line(c.line as usize);
                match kind {
                    ScopeKind::ListComp => self.emit.build_list(0),
                    ScopeKind::DictComp => self.emit.build_map(0),
                    ScopeKind::SetComp => self.emit.build_set(0),
                    _ => {}
                }
                if kind == ScopeKind::GenExpr {
                    self.emit.load_null();
                    self.load_id("");
                    self.emit.load_null();
                    self.emit.load_null();
                } else {
                    self.load_id("");
                    self.emit.get_iter(true);
                }
                self.comp_iter(c, 0, 0);
                if kind == ScopeKind::GenExpr {
                    self.emit.load_const_none();
                }
                self.emit.return_value();
            }
            Node::Class(cd) => {
                if pass == Pass::Scope {
                    self.ids[si].find_or_add("__class__", IdKind::Local);
                }
                if self.opts.trace_lines {
                    self.emit.set_source_line(cd.class_line as usize);
                }
                self.load_id("__name__");
                self.store_id("__module__");
                self.emit.load_const_str(&mut self.tables, &cd.name);
                self.store_id("__qualname__");
                self.stmts(&cd.body);
                let s = &self.ids[si];
                match s.find("__class__").and_then(|i| s.ids.get(i)) {
                    Some(id) if id.kind != IdKind::Local => self.emit.load_fast(id.local_num),
                    _ => self.emit.load_const_none(),
                }
                self.emit.return_value();
            }
        }
        if self.emit.is_generator {
            self.ids[si].scope_flags |= bc::scope_flags::GENERATOR as usize;
        }
        let cells = self.ids[si].ids.iter().filter(|id| id.kind == IdKind::Cell);
        let r = self.emit.end_pass(cells.map(|id| id.local_num));
        core::mem::swap(&mut self.emit, &mut self.data[si].emitter);
        match r {
            Ok(done) => Ok(done),
            Err(_) => Err(runtime_error("bytecode overflow", self.data[si].line)),
        }
    }

    fn is_generator(&self) -> bool {
        self.emit.is_generator
            || self.ids[self.cur].scope_flags & bc::scope_flags::GENERATOR as usize != 0
    }

    fn scope_kind(&self) -> ScopeKind {
        self.ids[self.cur].kind
    }

    // ---------------------------------------------------------------- identifiers

    fn load_id(&mut self, name: &str) {
        if self.pass == Pass::Scope {
            self.ids[self.cur].find_or_add(name, IdKind::GlobalImplicit);
        } else {
            self.id_op(name, 0);
        }
    }

    fn store_id(&mut self, name: &str) {
        if self.pass == Pass::Scope {
            scope::id_for_modification(&mut self.ids, self.cur, name);
        } else {
            self.id_op(name, 1);
        }
    }

    fn delete_id(&mut self, name: &str) {
        if self.pass == Pass::Scope {
            scope::id_for_modification(&mut self.ids, self.cur, name);
        } else {
            self.id_op(name, 2);
        }
    }

    /// `op`: 0 load, 1 store, 2 delete.
    fn id_op(&mut self, name: &str, op: u8) {
        let s = &self.ids[self.cur];
        let (kind, local) = match s.find(name) {
            Some(i) => (s.ids[i].kind, s.ids[i].local_num),
            None => (IdKind::GlobalImplicit, 0),
        };
        match kind {
            IdKind::GlobalImplicit | IdKind::GlobalImplicitAssigned | IdKind::Undecided => {
                self.emit.name_op(&mut self.tables, false, op, name)
            }
            IdKind::GlobalExplicit => self.emit.name_op(&mut self.tables, true, op, name),
            IdKind::Local => self.emit.local_op(false, op, local),
            IdKind::Cell | IdKind::Free => self.emit.local_op(true, op, local),
        }
    }

    // ---------------------------------------------------------------- literals

    fn small_int_fits(&self, v: i64) -> bool {
        let bits = u32::from(self.opts.small_int_bits.clamp(2, 63));
        let min = -(1i64 << (bits - 1));
        let max = (1i64 << (bits - 1)) - 1;
        (min..=max).contains(&v)
    }

    /// Whether a string literal becomes a qstr (LOAD_CONST_STRING): short strings are
    /// interned by the parser; longer ones only if the qstr already exists (a static qstr
    /// of mpy-cross, the source name, or an identifier seen no later than the literal).
    fn str_is_qstr(&self, s: &str, line: u32) -> bool {
        s.len() <= 10
            || self.opts.is_interned.is_some_and(|f| f(s))
            || s == self.source_name
            || match self
                .idents
                .names
                .find(s)
                .and_then(|i| self.idents.lines.get(i))
            {
                Some(&l) if l < line => true,
                Some(&l) if l == line => self.ident_before_literal(s, line),
                _ => false,
            }
    }

    /// On a line holding both, whether identifier `s` comes before the literal `'s'`/`"s"`
    /// (token order decides whether the lexer had interned it already).
    fn ident_before_literal(&self, s: &str, line: u32) -> bool {
        // Line `line` (1-based) as `split('\n')` would give it, through the one splitter.
        if line == 0 {
            return true;
        }
        let (mut text, mut rest) = ("", Some(self.source));
        for _ in 0..line {
            let Some(r) = rest else {
                return true;
            };
            (text, rest) = cut(r, '\n');
        }
        let text = text.strip_suffix('\r').unwrap_or(text);
        let lit = occurrences(text, s)
            .find(|&i| i > 0 && matches!(text.as_bytes().get(i - 1), Some(b'"') | Some(b'\'')));
        let end = match lit {
            Some(i) => i,
            None => return true,
        };
        let head = &text[..end];
        let bytes = head.as_bytes();
        occurrences(head, s).any(|i| {
            // As upstream's lexer, any non-ASCII character may be part of an identifier (and
            // Unicode's alphanumeric tables stay out of the firmware). The bytes next to a
            // match are those of whole characters, non-ASCII exactly when >= 0x80: no
            // UTF-8 decoding needed.
            let word = |c: Option<&u8>| {
                c.is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || !c.is_ascii())
            };
            !word(i.checked_sub(1).and_then(|j| bytes.get(j))) && !word(bytes.get(i + s.len()))
        })
    }

    /// Whether upstream would have a leaf parse node here (no line number is set for it).
    fn is_leaf(&self, e: &Expr) -> bool {
        if is_const_obj(e) {
            return matches!(e.kind, ExprKind::Int(v) if self.small_int_fits(v));
        }
        match &e.kind {
            ExprKind::Name(_)
            | ExprKind::None
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Ellipsis => true,
            ExprKind::Int(v) => self.small_int_fits(*v),
            ExprKind::Str(s) => self.str_is_qstr(s, ln(e)),
            _ => false,
        }
    }

    /// The constant object for a parse-time constant.
    fn const_value(&self, e: &Expr) -> Option<Const> {
        Some(match &e.kind {
            ExprKind::Int(v) => Const::Int(int_text(*v)),
            ExprKind::BigInt(s) => Const::Int(s.clone()),
            ExprKind::Float(s) => Const::Float(parse_float(s)?),
            ExprKind::Imag(s) => Const::Complex(parse_float(s)?),
            ExprKind::Str(s) => Const::Str(s.clone()),
            ExprKind::Bytes(b) => Const::Bytes(b.clone()),
            ExprKind::None => Const::None,
            ExprKind::True => Const::True,
            ExprKind::False => Const::False,
            ExprKind::Ellipsis => Const::Ellipsis,
            ExprKind::Tuple { elts, parens, .. } => {
                if elts.is_empty() && !parens {
                    return None;
                }
                let mut v = Vec::with_capacity(elts.len());
                for x in elts {
                    v.push(self.const_value(x)?);
                }
                Const::Tuple(v)
            }
            _ => return None,
        })
    }

    fn is_const_tuple(&self, e: &Expr) -> bool {
        matches!(&e.kind, ExprKind::Tuple { elts, .. } if !elts.is_empty()) && fold::is_const(e)
    }

    fn const_true(&self, e: &Expr) -> bool {
        fold::const_truth(e) == Some(true)
    }

    fn const_false(&self, e: &Expr) -> bool {
        fold::const_truth(e) == Some(false)
    }

    // ---------------------------------------------------------------- statements

    fn stmts(&mut self, body: &'a [Stmt]) {
        // Two or more statements form a block node upstream, with the first one's line.
        if let [first, _, ..] = body {
            self.emit
                .set_source_line((first.line & !fold::CONST_OBJ) as usize);
        }
        for s in body {
            self.stmt(s);
            if self.error.is_some() {
                return;
            }
        }
    }

    fn stmt(&mut self, s: &'a Stmt) {
        if s.line & fold::CONST_OBJ == 0 {
            self.emit.set_source_line(s.line as usize);
        }
        let line = s.line & !fold::CONST_OBJ;
        match &s.kind {
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Assign { targets, value } => match targets.as_slice() {
                [] => self.expr_stmt(value),
                [target] => self.plain_assign(target, value),
                [first, rest @ ..] => {
                    self.expr(value);
                    self.emit.dup_top();
                    self.assign(first, AssignKind::Store, line);
                    let n = rest.len();
                    for (i, t) in rest.iter().enumerate() {
                        if i + 1 < n {
                            self.emit.dup_top();
                        }
                        self.assign(t, AssignKind::Store, line);
                    }
                }
            },
            StmtKind::AugAssign { target, op, value } => {
                self.assign(target, AssignKind::AugLoad, line);
                self.expr(value);
                self.emit
                    .binary_op(bc::binary::INPLACE_OR + binop_index(*op));
                self.assign(target, AssignKind::AugStore, line);
            }
            StmtKind::AnnAssign { target, value, .. } => match value {
                None => {
                    if self.scope_kind() == ScopeKind::Function {
                        if let ExprKind::Name(n) = &target.kind {
                            self.ids[self.cur].find_or_add(n, IdKind::Local);
                        }
                    }
                }
                Some(v) => self.plain_assign(target, v),
            },
            StmtKind::Del(ts) => {
                for t in ts {
                    self.del(t, line);
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break => self.break_cont(true, line),
            StmtKind::Continue => self.break_cont(false, line),
            StmtKind::Return(v) => self.return_stmt(v, line),
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, _) => self.emit.raise_varargs(0),
                (Some(x), Some(c)) => {
                    self.expr(x);
                    self.expr(c);
                    self.emit.raise_varargs(2);
                }
                (Some(x), None) => {
                    self.expr(x);
                    self.emit.raise_varargs(1);
                }
            },
            StmtKind::Global(names) => self.global_nonlocal(names, true, line),
            StmtKind::Nonlocal(names) => self.global_nonlocal(names, false, line),
            StmtKind::Import(aliases) => {
                for a in aliases {
                    self.emit.load_const_small_int(0);
                    self.emit.load_const_none();
                    let base = self.import_name(Some(&a.name), a.asname.as_deref());
                    self.store_id(&base);
                }
            }
            StmtKind::ImportFrom {
                level,
                module,
                names,
            } => self.import_from(*level, module.as_deref(), names.as_deref(), line),
            StmtKind::Assert { test, msg } => {
                if self.opts.opt_level != 0 {
                    return;
                }
                let l_end = self.next_label();
                self.c_if_cond(test, true, l_end);
                self.emit.load_global(&mut self.tables, "AssertionError");
                if let Some(m) = msg {
                    self.expr(m);
                    self.emit.call_function(1, 0, false);
                }
                self.emit.raise_varargs(1);
                self.emit.label_assign(l_end);
            }
            StmtKind::If {
                test,
                body,
                elifs,
                orelse,
            } => self.if_stmt(test, body, elifs, orelse),
            StmtKind::While { test, body, orelse } => self.while_stmt(test, body, orelse),
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => {
                if *is_async {
                    if !self.is_generator() {
                        self.error(line, "async for/with outside async function");
                        return;
                    }
                    self.async_for(target, iter, body, orelse, line);
                } else {
                    self.for_stmt(target, iter, body, orelse, line);
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => match finalbody {
                Some(f) => self.try_finally(body, handlers, orelse, f),
                None => self.try_except(body, handlers, orelse),
            },
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                if *is_async {
                    if !self.is_generator() {
                        self.error(line, "async for/with outside async function");
                        return;
                    }
                    self.async_with(items, body, line);
                } else {
                    self.with(items, body, line);
                }
            }
            StmtKind::FunctionDef(f) => self.funcdef(f),
            StmtKind::ClassDef(c) => self.classdef(c),
            #[cfg(feature = "match_stmt")]
            StmtKind::Match { subject, cases } => self.match_stmt(subject, cases),
        }
    }

    fn is_lonely_const(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(_) => false,
            ExprKind::Tuple { elts, .. } => !elts.is_empty() && self.is_const_tuple(e),
            _ => fold::is_const(e),
        }
    }

    fn expr_stmt(&mut self, e: &'a Expr) {
        if self.is_repl && self.scope_kind() == ScopeKind::Module {
            self.load_id("__repl_print__");
            self.expr(e);
            self.emit.call_function(1, 0, false);
            self.emit.pop_top();
        } else if self.is_lonely_const(e) {
            // Upstream's parser drops lonely constants such as docstrings.
        } else {
            self.expr(e);
            self.emit.pop_top();
        }
    }

    fn plain_assign(&mut self, target: &'a Expr, value: &'a Expr) {
        if let (
            ExprKind::Tuple {
                elts: lhs,
                parens: false,
                ..
            },
            ExprKind::Tuple {
                elts: rhs,
                parens: false,
                ..
            },
        ) = (&target.kind, &value.kind)
        {
            let n = lhs.len();
            if n == rhs.len()
                && (n == 2 || n == 3)
                && !lhs.iter().any(|x| matches!(x.kind, ExprKind::Starred(_)))
                && !self.is_const_tuple(value)
            {
                self.expr(&rhs[0]);
                self.expr(&rhs[1]);
                if n == 3 {
                    self.expr(&rhs[2]);
                    self.emit.rot_three();
                }
                self.emit.rot_two();
                for x in lhs.iter() {
                    self.assign(x, AssignKind::Store, target.line);
                }
                return;
            }
        }
        self.expr(value);
        self.assign(target, AssignKind::Store, target.line);
    }

    fn assign(&mut self, e: &'a Expr, kind: AssignKind, line: u32) {
        match &e.kind {
            ExprKind::Name(n) => match kind {
                AssignKind::AugLoad => self.load_id(n),
                _ => self.store_id(n),
            },
            ExprKind::Attribute { .. } | ExprKind::Subscript { .. } | ExprKind::Call { .. } => {
                self.assign_atom_expr(e, kind, line)
            }
            ExprKind::Tuple { elts, parens, .. } => {
                if kind != AssignKind::Store
                    || (elts.is_empty() && *parens)
                    || self.is_const_tuple(e)
                {
                    self.error(line, "can't assign to expression");
                    return;
                }
                self.assign_tuple(elts, line);
            }
            ExprKind::List(elts) => {
                if kind != AssignKind::Store {
                    self.error(line, "can't assign to expression");
                    return;
                }
                self.assign_tuple(elts, line);
            }
            _ => {
                let l = if self.is_leaf(e) { line } else { ln(e) };
                self.error(l, "can't assign to expression");
            }
        }
    }

    fn assign_atom_expr(&mut self, e: &'a Expr, kind: AssignKind, line: u32) {
        let (base, trailers) = flatten(e);
        let n = trailers.len();
        if kind != AssignKind::AugStore {
            self.expr(base);
            for t in trailers[..n.saturating_sub(1)].iter() {
                self.trailer(t);
            }
        }
        match trailers.last() {
            Some(Trailer::Bracket(index, _)) => {
                if kind == AssignKind::AugStore {
                    self.emit.rot_three();
                    self.emit.store_subscr();
                } else {
                    self.expr(index);
                    match kind {
                        AssignKind::AugLoad => {
                            self.emit.dup_top_two();
                            self.emit.load_subscr();
                        }
                        AssignKind::Delete => self.emit.delete_subscr(),
                        _ => self.emit.store_subscr(),
                    }
                }
            }
            Some(Trailer::Period(attr, _)) => match kind {
                AssignKind::AugLoad => {
                    self.emit.dup_top();
                    self.emit.load_attr(&mut self.tables, attr);
                }
                AssignKind::Delete => self.emit.delete_attr(&mut self.tables, attr),
                _ => {
                    if kind == AssignKind::AugStore {
                        self.emit.rot_two();
                    }
                    self.emit.store_attr(&mut self.tables, attr);
                }
            },
            _ if kind == AssignKind::Delete => self.error(ln(e), "can't delete expression"),
            _ => self.error(ln(e).max(line.min(ln(e))), "can't assign to expression"),
        }
    }

    fn assign_tuple(&mut self, elts: &'a [Expr], line: u32) {
        let n = elts.len();
        let mut star: Option<usize> = None;
        for (i, x) in elts.iter().enumerate() {
            if matches!(x.kind, ExprKind::Starred(_)) {
                if star.is_none() {
                    self.emit.unpack_ex(i, n - i - 1);
                    star = Some(i);
                } else {
                    self.error(ln(x), "multiple *x in assignment");
                    return;
                }
            }
        }
        if star.is_none() {
            self.emit.unpack_sequence(n);
        }
        for x in elts {
            match &x.kind {
                ExprKind::Starred(inner) => self.assign(inner, AssignKind::Store, line),
                _ => self.assign(x, AssignKind::Store, line),
            }
        }
    }

    fn del(&mut self, e: &'a Expr, line: u32) {
        match &e.kind {
            ExprKind::Name(n) => self.delete_id(n),
            ExprKind::Attribute { .. } | ExprKind::Subscript { .. } | ExprKind::Call { .. } => {
                self.assign_atom_expr(e, AssignKind::Delete, line)
            }
            ExprKind::Tuple {
                elts, parens: true, ..
            } if !elts.is_empty() => {
                for x in elts {
                    self.del(x, line);
                }
            }
            _ => {
                let l = if self.is_leaf(e) { line } else { ln(e) };
                self.error(l, "can't delete expression");
            }
        }
    }

    fn break_cont(&mut self, is_break: bool, line: u32) {
        let label = if is_break {
            self.break_label
        } else {
            self.continue_label
        };
        if label == INVALID_LABEL {
            self.error(line, "'break'/'continue' outside loop");
            return;
        }
        let depth = self.cur_except_level - self.break_continue_except_level;
        self.emit.unwind_jump(label, depth);
    }

    fn return_stmt(&mut self, v: &'a Option<Expr>, line: u32) {
        if self.scope_kind() != ScopeKind::Function {
            self.error(line, "'return' outside function");
            return;
        }
        match v {
            None => self.emit.load_const_none(),
            Some(Expr {
                kind: ExprKind::IfExp { test, body, orelse },
                ..
            }) => {
                let l_fail = self.next_label();
                self.c_if_cond(test, false, l_fail);
                self.expr(body);
                self.emit.return_value();
                self.emit.label_assign(l_fail);
                self.expr(orelse);
            }
            Some(e) => self.expr(e),
        }
        self.emit.return_value();
    }

    fn global_nonlocal(&mut self, names: &[Name], is_global: bool, line: u32) {
        if self.pass != Pass::Scope {
            return;
        }
        if !is_global && self.scope_kind() == ScopeKind::Module {
            self.error(line, "can't declare nonlocal in outer code");
            return;
        }
        for n in names {
            let idx = self.ids[self.cur].find_or_add(n, IdKind::Undecided);
            self.declare(idx, is_global, line);
        }
    }

    fn declare(&mut self, idx: usize, is_global: bool, line: u32) {
        let cur = self.cur;
        let kind = self.ids[cur].ids[idx].kind;
        if is_global {
            if kind != IdKind::Undecided && kind != IdKind::GlobalExplicit {
                self.error(line, "identifier redefined as global");
                return;
            }
            self.ids[cur].ids[idx].kind = IdKind::GlobalExplicit;
            let name = self.ids[cur].ids[idx].name.clone();
            if let Some(j) = self.ids[0].find(&name) {
                self.ids[0].ids[j].kind = IdKind::GlobalExplicit;
            }
        } else if kind == IdKind::Undecided {
            self.ids[cur].ids[idx].kind = IdKind::GlobalImplicit;
            scope::check_to_close_over(&mut self.ids, cur, idx);
            if self.ids[cur].ids[idx].kind == IdKind::GlobalImplicit {
                self.error(line, "no binding for nonlocal found");
            }
        } else if kind != IdKind::Free {
            self.error(line, "identifier redefined as nonlocal");
        }
    }

    /// IMPORT_NAME for a (possibly dotted, possibly empty) module; returns the name to
    /// bind for `import` statements.
    fn import_name(&mut self, module: Option<&str>, asname: Option<&str>) -> String {
        let m = module.unwrap_or("");
        self.emit.import_name(&mut self.tables, m);
        let (first, mut rest) = cut(m, '.');
        match asname {
            Some(a) => {
                while let Some(r) = rest {
                    let p;
                    (p, rest) = cut(r, '.');
                    self.emit.load_attr(&mut self.tables, p);
                }
                String::from(a)
            }
            None => String::from(first),
        }
    }

    fn import_from(
        &mut self,
        level: u32,
        module: Option<&str>,
        names: Option<&[ImportAlias]>,
        line: u32,
    ) {
        match names {
            None => {
                if self.scope_kind() != ScopeKind::Module {
                    self.error(line, "import * not at module level");
                    return;
                }
                self.emit.load_const_small_int(i64::from(level));
                self.emit.load_const_str(&mut self.tables, "*");
                self.emit.build_tuple(1);
                self.import_name(module, None);
                self.emit.import_star();
            }
            Some(names) => {
                self.emit.load_const_small_int(i64::from(level));
                for a in names {
                    self.emit.load_const_str(&mut self.tables, &a.name);
                }
                self.emit.build_tuple(names.len());
                self.import_name(module, None);
                for a in names {
                    self.emit.import_from(&mut self.tables, &a.name);
                    let target = a.asname.as_deref().unwrap_or(&a.name);
                    self.store_id(target);
                }
                self.emit.pop_top();
            }
        }
    }

    fn if_stmt(&mut self, test: &'a Expr, body: &'a [Stmt], elifs: &'a [Elif], orelse: &'a [Stmt]) {
        let l_end = self.next_label();
        if !self.const_false(test) {
            let l_fail = self.next_label();
            self.c_if_cond(test, false, l_fail);
            self.stmts(body);
            if self.const_true(test) {
                self.emit.label_assign(l_end);
                return;
            }
            if !(elifs.is_empty() && orelse.is_empty()) {
                self.emit.jump(l_end);
            }
            self.emit.label_assign(l_fail);
        }
        for el in elifs {
            if !self.const_false(&el.test) {
                let l_fail = self.next_label();
                self.c_if_cond(&el.test, false, l_fail);
                self.stmts(&el.body);
                if self.const_true(&el.test) {
                    self.emit.label_assign(l_end);
                    return;
                }
                self.emit.jump(l_end);
                self.emit.label_assign(l_fail);
            }
        }
        self.stmts(orelse);
        self.emit.label_assign(l_end);
    }

    fn start_loop(&mut self) -> (u32, u32, (u32, u32, usize)) {
        let saved = (
            self.break_label,
            self.continue_label,
            self.break_continue_except_level,
        );
        let b = self.next_label();
        let c = self.next_label();
        self.break_label = b;
        self.continue_label = c;
        self.break_continue_except_level = self.cur_except_level;
        (b, c, saved)
    }

    fn end_loop(&mut self, saved: (u32, u32, usize)) {
        self.break_label = saved.0;
        self.continue_label = saved.1;
        self.break_continue_except_level = saved.2;
    }

    fn while_stmt(&mut self, test: &'a Expr, body: &'a [Stmt], orelse: &'a [Stmt]) {
        let (break_label, continue_label, saved) = self.start_loop();
        if !self.const_false(test) {
            let top = self.next_label();
            if !self.const_true(test) {
                self.emit.jump(continue_label);
            }
            self.emit.label_assign(top);
            self.stmts(body);
            self.emit.label_assign(continue_label);
            self.c_if_cond(test, true, top);
        }
        self.end_loop(saved);
        self.stmts(orelse);
        self.emit.label_assign(break_label);
    }

    fn is_small_int(&self, e: &Expr) -> Option<i64> {
        match e.kind {
            ExprKind::Int(v) if self.small_int_fits(v) => Some(v),
            _ => None,
        }
    }

    fn for_stmt(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
        line: u32,
    ) {
        if let (ExprKind::Name(_), ExprKind::Call { func, args, .. }) = (&target.kind, &iter.kind) {
            if matches!(&func.kind, ExprKind::Name(n) if n == "range") {
                // One to three positional arguments, a step a nonzero small int.
                let range = match args.args.as_slice() {
                    [Arg::Positional(end)] => Some((None, end, None)),
                    [Arg::Positional(start), Arg::Positional(end)] => {
                        Some((Some(start), end, None))
                    }
                    [Arg::Positional(start), Arg::Positional(end), Arg::Positional(step)]
                        if self.is_small_int(step).is_some_and(|s| s != 0) =>
                    {
                        Some((Some(start), end, Some(step)))
                    }
                    _ => None,
                };
                if let Some((start, end, step)) = range {
                    self.for_range(target, start, end, step, body, orelse, line);
                    return;
                }
            }
        }
        let (break_label, continue_label, saved) = self.start_loop();
        self.break_label |= BREAK_FROM_FOR;
        let pop_label = self.next_label();
        self.expr(iter);
        self.emit.get_iter(true);
        self.emit.label_assign(continue_label);
        self.emit.for_iter(pop_label);
        self.assign(target, AssignKind::Store, line);
        self.stmts(body);
        self.emit.jump(continue_label);
        self.emit.label_assign(pop_label);
        self.emit.for_iter_end();
        self.end_loop(saved);
        self.stmts(orelse);
        self.emit.label_assign(break_label);
    }

    #[allow(clippy::too_many_arguments)]
    fn for_range(
        &mut self,
        var: &'a Expr,
        start: Option<&'a Expr>,
        end: &'a Expr,
        step: Option<&'a Expr>,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
        line: u32,
    ) {
        let (break_label, continue_label, saved) = self.start_loop();
        let top = self.next_label();
        let entry = self.next_label();
        let end_on_stack = self.is_small_int(end).is_none();
        if end_on_stack {
            self.expr(end);
        }
        match start {
            Some(s) => self.expr(s),
            None => self.emit.load_const_small_int(0),
        }
        self.emit.jump(entry);
        self.emit.label_assign(top);
        self.emit.dup_top();
        self.assign(var, AssignKind::Store, line);
        self.stmts(body);
        self.emit.label_assign(continue_label);
        let step_v = match step {
            Some(s) => self.is_small_int(s).unwrap_or(1),
            None => 1,
        };
        self.emit.load_const_small_int(step_v);
        self.emit.binary_op(bc::binary::INPLACE_ADD);
        self.emit.label_assign(entry);
        if end_on_stack {
            self.emit.dup_top_two();
            self.emit.rot_two();
        } else {
            self.emit.dup_top();
            self.expr(end);
        }
        if step_v >= 0 {
            self.emit.binary_op(bc::binary::LESS);
        } else {
            self.emit.binary_op(bc::binary::MORE);
        }
        self.emit.pop_jump_if(true, top);
        self.end_loop(saved);
        let mut end_label = 0;
        if !orelse.is_empty() {
            self.emit.pop_top();
            if end_on_stack {
                self.emit.pop_top();
            }
            self.stmts(orelse);
            end_label = self.next_label();
            self.emit.jump(end_label);
            self.emit.adjust_stack_size(1 + end_on_stack as i32);
        }
        self.emit.label_assign(break_label);
        self.emit.pop_top();
        if end_on_stack {
            self.emit.pop_top();
        }
        if !orelse.is_empty() {
            self.emit.label_assign(end_label);
        }
    }

    fn increase_except_level(&mut self, label: u32, kind: u8) {
        match kind {
            0 => self.emit.setup_with(label),
            1 => self.emit.setup_except(label),
            _ => self.emit.setup_finally(label),
        }
        self.cur_except_level += 1;
        let d = &mut self.data[self.cur];
        if self.cur_except_level > d.exc_stack_size {
            d.exc_stack_size = self.cur_except_level;
        }
    }

    fn decrease_except_level(&mut self) {
        self.cur_except_level = self.cur_except_level.saturating_sub(1);
        self.emit.end_finally();
    }

    fn try_except(&mut self, body: &'a [Stmt], handlers: &'a [ExceptHandler], orelse: &'a [Stmt]) {
        let l1 = self.next_label();
        let success = self.next_label();
        self.increase_except_level(l1, 1);
        self.stmts(body);
        self.emit.pop_except_jump(success);
        self.emit.label_assign(l1);
        self.emit.start_except_handler();
        let l2 = self.next_label();
        let n = handlers.len();
        for (i, h) in handlers.iter().enumerate() {
            let end_finally_label = self.next_label();
            if self.opts.trace_lines {
                self.emit.set_source_line(h.line as usize);
            }
            match &h.typ {
                None => {
                    if i + 1 != n {
                        self.error(h.line, "default 'except' must be last");
                        self.decrease_except_level();
                        return;
                    }
                }
                Some(t) => {
                    self.emit.dup_top();
                    self.expr(t);
                    self.emit.binary_op(bc::binary::EXCEPTION_MATCH);
                    self.emit.pop_jump_if(false, end_finally_label);
                }
            }
            match &h.name {
                None => self.emit.pop_top(),
                Some(name) => self.store_id(name),
            }
            let mut l3 = 0;
            if h.name.is_some() {
                l3 = self.next_label();
                self.increase_except_level(l3, 2);
            }
            self.stmts(&h.body);
            if let Some(name) = &h.name {
                self.emit.load_const_none();
                self.emit.label_assign(l3);
                self.emit.adjust_stack_size(1);
                self.emit.load_const_none();
                self.store_id(name);
                self.delete_id(name);
                self.emit.adjust_stack_size(-1);
                self.decrease_except_level();
            }
            self.emit.pop_except_jump(l2);
            self.emit.label_assign(end_finally_label);
            self.emit.adjust_stack_size(1);
        }
        self.decrease_except_level();
        self.emit.end_except_handler();
        self.emit.label_assign(success);
        self.stmts(orelse);
        self.emit.label_assign(l2);
    }

    fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) {
        let l_finally = self.next_label();
        self.increase_except_level(l_finally, 2);
        if handlers.is_empty() {
            self.emit.adjust_stack_size(3);
            self.stmts(body);
            self.emit.adjust_stack_size(-3);
        } else {
            self.try_except(body, handlers, orelse);
        }
        self.emit.load_const_none();
        self.emit.label_assign(l_finally);
        self.emit.adjust_stack_size(1);
        self.stmts(finalbody);
        self.emit.adjust_stack_size(-1);
        self.decrease_except_level();
    }

    fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt], line: u32) {
        match items.split_first() {
            None => self.stmts(body),
            Some((item, rest)) => {
                let l_end = self.next_label();
                self.expr(&item.context);
                self.increase_except_level(l_end, 0);
                match &item.target {
                    Some(t) => self.assign(t, AssignKind::Store, line),
                    None => self.emit.pop_top(),
                }
                self.with(rest, body, line);
                self.emit.with_cleanup(l_end);
                self.decrease_except_level();
            }
        }
    }

    fn yield_from(&mut self) {
        self.emit.get_iter(false);
        self.emit.load_const_none();
        self.emit.yield_from();
    }

    fn await_method(&mut self, method: &str) {
        self.emit.load_method(&mut self.tables, method, false);
        self.emit.call_method(0, 0, false);
        self.yield_from();
    }

    fn async_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
        line: u32,
    ) {
        let while_else = self.next_label();
        let try_exception = self.next_label();
        let try_else = self.next_label();
        let try_finally = self.next_label();
        self.expr(iter);
        self.emit.load_method(&mut self.tables, "__aiter__", false);
        self.emit.call_method(0, 0, false);
        let (break_label, continue_label, saved) = self.start_loop();
        self.emit.label_assign(continue_label);
        self.increase_except_level(try_exception, 1);
        self.emit.dup_top();
        self.await_method("__anext__");
        self.assign(target, AssignKind::Store, line);
        self.emit.pop_except_jump(try_else);
        self.emit.label_assign(try_exception);
        self.emit.start_except_handler();
        self.emit.dup_top();
        self.emit
            .load_global(&mut self.tables, "StopAsyncIteration");
        self.emit.binary_op(bc::binary::EXCEPTION_MATCH);
        self.emit.pop_jump_if(false, try_finally);
        self.emit.pop_top();
        self.emit.pop_except_jump(while_else);
        self.emit.label_assign(try_finally);
        self.emit.adjust_stack_size(1);
        self.decrease_except_level();
        self.emit.end_except_handler();
        self.emit.label_assign(try_else);
        self.stmts(body);
        self.emit.jump(continue_label);
        self.end_loop(saved);
        self.emit.label_assign(while_else);
        self.stmts(orelse);
        self.emit.label_assign(break_label);
        self.emit.pop_top();
    }

    fn async_with(&mut self, items: &'a [WithItem], body: &'a [Stmt], line: u32) {
        let (item, rest) = match items.split_first() {
            None => {
                self.stmts(body);
                return;
            }
            Some(p) => p,
        };
        let l_finally = self.next_label();
        let l_aexit_no_exc = self.next_label();
        let l_ret_unwind = self.next_label();
        let l_end = self.next_label();
        self.expr(&item.context);
        self.emit.dup_top();
        self.await_method("__aenter__");
        match &item.target {
            Some(t) => self.assign(t, AssignKind::Store, line),
            None => self.emit.pop_top(),
        }
        self.increase_except_level(l_finally, 2);
        self.emit.adjust_stack_size(3);
        self.async_with(rest, body, line);
        self.emit.adjust_stack_size(-3);
        self.emit.async_with_setup_finally(
            &mut self.tables,
            l_aexit_no_exc,
            l_finally,
            l_ret_unwind,
        );
        self.emit.dup_top();
        self.emit.rot_three();
        self.emit.rot_two();
        self.emit.load_method(&mut self.tables, "__aexit__", false);
        self.emit.rot_three();
        self.emit.rot_three();
        self.emit.dup_top();
        self.emit.load_attr(&mut self.tables, "__class__");
        self.emit.rot_two();
        self.emit.load_const_none();
        self.emit.call_method(3, 0, false);
        self.yield_from();
        self.emit.pop_jump_if(false, l_end);
        self.emit.pop_top();
        self.emit.load_const_none();
        self.emit.jump(l_end);
        self.emit.adjust_stack_size(2);
        self.emit.label_assign(l_ret_unwind);
        self.emit.rot_three();
        self.emit.rot_three();
        self.emit.label_assign(l_aexit_no_exc);
        self.emit.load_method(&mut self.tables, "__aexit__", false);
        self.emit.load_const_none();
        self.emit.dup_top();
        self.emit.dup_top();
        self.emit.call_method(3, 0, false);
        self.yield_from();
        self.emit.pop_top();
        self.emit.adjust_stack_size(-1);
        self.emit.label_assign(l_end);
        self.decrease_except_level();
    }

    // ---------------------------------------------------------------- functions, classes

    fn scope_params(&mut self, p: &'a Params) {
        for a in p.args.iter() {
            self.scope_param(&a.name, 0);
        }
        if p.star || p.vararg.is_some() {
            match &p.vararg {
                Some(v) => self.scope_param(&v.name, 1),
                None => self.scope_param("", 1),
            }
        }
        for a in p.kwonly.iter() {
            self.scope_param(&a.name, 0);
        }
        if let Some(k) = &p.kwarg {
            self.scope_param(&k.name, 2);
        }
    }

    /// `kind`: 0 plain, 1 star (empty name = bare `*`), 2 double star.
    fn scope_param(&mut self, name: &str, kind: u8) {
        let si = self.cur;
        let line = self.data[si].line;
        if self.ids[si].scope_flags & bc::scope_flags::VARKEYWORDS as usize != 0 {
            self.error(line, "invalid syntax");
            return;
        }
        let mut flag = scope::FLAG_IS_PARAM;
        match kind {
            0 => {
                if self.have_star {
                    self.ids[si].num_kwonly_args += 1;
                } else {
                    self.ids[si].num_pos_args += 1;
                }
            }
            1 => {
                if self.have_star {
                    self.error(line, "invalid syntax");
                    return;
                }
                self.have_star = true;
                flag |= scope::FLAG_IS_STAR_PARAM;
                if name.is_empty() {
                    return;
                }
                self.ids[si].scope_flags |= bc::scope_flags::VARARGS as usize;
            }
            _ => {
                flag |= scope::FLAG_IS_DBL_STAR_PARAM;
                self.ids[si].scope_flags |= bc::scope_flags::VARKEYWORDS as usize;
            }
        }
        let idx = self.ids[si].find_or_add(name, IdKind::Undecided);
        if self.ids[si].ids[idx].kind != IdKind::Undecided {
            self.error(line, "argument name reused");
            return;
        }
        self.ids[si].ids[idx].kind = IdKind::Local;
        self.ids[si].ids[idx].flags = flag;
    }

    fn funcdef_lambdef(&mut self, child: usize, p: &'a Params) {
        let saved = (
            self.have_star,
            self.num_dict_params,
            self.num_default_params,
        );
        self.have_star = false;
        self.num_dict_params = 0;
        self.num_default_params = 0;
        let line = self.data[child].line;
        for a in p.args.iter() {
            self.default_param(a, line);
        }
        if p.star || p.vararg.is_some() {
            self.have_star = true;
        }
        for a in p.kwonly.iter() {
            self.default_param(a, line);
        }
        if self.error.is_some() {
            return;
        }
        if self.num_default_params > 0 && self.num_dict_params == 0 {
            self.emit.build_tuple(self.num_default_params);
            self.emit.load_null();
        }
        let (nd, nk) = (self.num_default_params, self.num_dict_params);
        self.close_over(child, nd, nk);
        self.have_star = saved.0;
        self.num_dict_params = saved.1;
        self.num_default_params = saved.2;
    }

    fn default_param(&mut self, a: &'a Param, line: u32) {
        match &a.default {
            None => {
                if !self.have_star && self.num_default_params != 0 {
                    self.error(line, "non-default argument follows default argument");
                }
            }
            Some(d) => {
                if self.have_star {
                    self.num_dict_params += 1;
                    if self.num_dict_params == 1 {
                        if self.num_default_params > 0 {
                            self.emit.build_tuple(self.num_default_params);
                        } else {
                            self.emit.load_null();
                        }
                        self.emit.build_map(0);
                    }
                    self.expr(d);
                    self.emit.load_const_str(&mut self.tables, &a.name);
                    self.emit.store_map();
                } else {
                    self.num_default_params += 1;
                    self.expr(d);
                }
            }
        }
    }

    fn close_over(&mut self, child: usize, n_pos_def: usize, n_kw_def: usize) {
        if n_kw_def > 0 {
            self.ids[child].scope_flags |= bc::scope_flags::DEFKWARGS as usize;
        }
        self.ids[child].num_def_pos_args = n_pos_def;
        let mut nfree = 0;
        if self.scope_kind() != ScopeKind::Module {
            for i in 0..self.ids[self.cur].ids.len() {
                let id = &self.ids[self.cur].ids[i];
                if !matches!(id.kind, IdKind::Cell | IdKind::Free) {
                    continue;
                }
                let (local, name) = (id.local_num, &id.name);
                let n = self.ids[child]
                    .ids
                    .iter()
                    .filter(|id2| id2.kind == IdKind::Free && id2.name == *name)
                    .count();
                for _ in 0..n {
                    self.emit.load_fast(local);
                    nfree += 1;
                }
            }
        }
        let has_defaults = n_pos_def > 0 || n_kw_def > 0;
        if nfree == 0 {
            self.emit.make_function(has_defaults);
        } else {
            self.emit.make_closure(nfree, has_defaults);
        }
        self.data[self.cur].children.push(child);
    }

    fn decorators(&mut self, ds: &'a [Decorator]) -> usize {
        let mut n_builtin = 0;
        for d in ds {
            if d.name.first().map(|s| s.as_str()) == Some("micropython") {
                n_builtin += 1;
                if d.name.len() != 2 {
                    self.error(d.line, "invalid micropython decorator");
                    continue;
                }
                let emitters = concat!(
                    "\x08bytecode",
                    "\x06native",
                    "\x05viper",
                    "\x09asm_thumb",
                    "\x0aasm_xtensa",
                    "\x08asm_rv32"
                );
                let which = d
                    .name
                    .get(1)
                    .and_then(|n| crate::strmap::packed_index(emitters.as_bytes(), n.as_bytes()));
                match (which, self.opts.native) {
                    (Some(0), _) | (Some(_), NativeDecorators::AsBytecode) => {}
                    (Some(_), NativeDecorators::InvalidArch) => self.error(d.line, "invalid arch"),
                    _ => self.error(d.line, "invalid micropython decorator"),
                }
                continue;
            }
            if let Some(first) = d.name.first() {
                self.load_id(first);
            }
            for part in d.name.iter().skip(1) {
                self.emit.load_attr(&mut self.tables, part);
            }
            if let Some(args) = &d.call {
                self.emit.set_source_line(d.call_line as usize);
                self.call_args(args, false, 0);
            }
        }
        ds.len() - n_builtin
    }

    fn funcdef(&mut self, f: &'a FunctionDef) {
        let n_calls = self.decorators(&f.decorators);
        let child = self.scope_for(
            addr(f),
            ScopeKind::Function,
            Node::Function(f),
            &f.name,
            f.def_line,
        );
        self.funcdef_lambdef(child, &f.params);
        if f.is_async {
            self.ids[child].scope_flags |= bc::scope_flags::GENERATOR as usize;
        }
        for _ in 0..n_calls {
            self.emit.call_function(1, 0, false);
        }
        self.store_id(&f.name);
    }

    fn classdef(&mut self, c: &'a ClassDef) {
        let n_calls = self.decorators(&c.decorators);
        let child = self.scope_for(
            addr(c),
            ScopeKind::Class,
            Node::Class(c),
            &c.name,
            c.class_line,
        );
        self.emit.load_build_class();
        self.close_over(child, 0, 0);
        self.emit.load_const_str(&mut self.tables, &c.name);
        match &c.args {
            Some(a) => self.call_args(a, false, 2),
            None => self.call_args(&NO_ARGS, false, 2),
        }
        for _ in 0..n_calls {
            self.emit.call_function(1, 0, false);
        }
        self.store_id(&c.name);
    }

    // ---------------------------------------------------------------- expressions

    fn expr(&mut self, e: &'a Expr) {
        if !self.is_leaf(e) {
            self.emit.set_source_line(ln(e) as usize);
        }
        self.expr_noline(e);
    }

    fn expr_noline(&mut self, e: &'a Expr) {
        if self.error.is_some() {
            return;
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.runtime_error(ln(e), "maximum recursion depth exceeded");
        } else {
            self.expr_inner(e);
        }
        self.depth -= 1;
    }

    fn expr_inner(&mut self, e: &'a Expr) {
        if is_const_obj(e) && !self.is_leaf(e) {
            if let Some(c) = self.const_value(e) {
                self.emit.load_const_obj(&mut self.tables, c);
                return;
            }
        }
        match &e.kind {
            ExprKind::Name(n) => self.load_id(n),
            ExprKind::Int(v) => {
                if self.small_int_fits(*v) {
                    self.emit.load_const_small_int(*v);
                } else {
                    self.emit
                        .load_const_obj(&mut self.tables, Const::Int(int_text(*v)));
                }
            }
            ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Bytes(_)
            | ExprKind::Ellipsis => match self.const_value(e) {
                Some(c) => self.emit.load_const_obj(&mut self.tables, c),
                None => self.error(ln(e), "invalid syntax for number"),
            },
            ExprKind::Str(s) => {
                if self.str_is_qstr(s, ln(e)) {
                    self.emit.load_const_str(&mut self.tables, s);
                } else {
                    self.emit
                        .load_const_obj(&mut self.tables, Const::Str(s.clone()));
                }
            }
            ExprKind::None => self.emit.load_const_none(),
            ExprKind::True => self.emit.load_const_bool(true),
            ExprKind::False => self.emit.load_const_bool(false),
            ExprKind::Tuple { elts, .. } => {
                if self.is_const_tuple(e) {
                    if let Some(c) = self.const_value(e) {
                        self.emit.load_const_obj(&mut self.tables, c);
                        return;
                    }
                }
                for x in elts {
                    self.expr(x);
                }
                self.emit.build_tuple(elts.len());
            }
            ExprKind::List(elts) => {
                for x in elts {
                    self.expr(x);
                }
                self.emit.build_list(elts.len());
            }
            ExprKind::Dict(items) => {
                self.emit.build_map(items.len());
                self.store_items(items);
            }
            ExprKind::Set(elts) => self.build_set(elts),
            ExprKind::Comp(c) => self.comprehension(c, ln(e)),
            ExprKind::Starred(_) => self.error(ln(e), "*x must be assignment target"),
            ExprKind::NamedExpr { target, value } => self.namedexpr(target, value, ln(e)),
            ExprKind::BinOp { first, rest } => {
                self.expr(first);
                for (op, x) in rest {
                    self.expr(x);
                    self.emit.binary_op(bc::binary::OR + binop_index(*op));
                }
            }
            ExprKind::Power { base, exp } => {
                self.expr(base);
                self.expr(exp);
                self.emit.binary_op(bc::binary::POWER);
            }
            ExprKind::UnaryOp { op, operand } => {
                self.expr(operand);
                let u = match op {
                    UnaryOp::Pos => bc::unary::POSITIVE,
                    UnaryOp::Neg => bc::unary::NEGATIVE,
                    UnaryOp::Invert => bc::unary::INVERT,
                };
                self.emit.unary_op(u);
            }
            ExprKind::Not(x) => {
                self.expr(x);
                self.emit.unary_op(bc::unary::NOT);
            }
            ExprKind::Or(vals) | ExprKind::And(vals) => {
                let cond = matches!(e.kind, ExprKind::Or(_));
                let l_end = self.next_label();
                let n = vals.len();
                for (i, v) in vals.iter().enumerate() {
                    self.expr(v);
                    if i + 1 < n {
                        self.emit.jump_if_or_pop(cond, l_end);
                    }
                }
                self.emit.label_assign(l_end);
            }
            ExprKind::Compare { left, ops } => self.comparison(left, ops),
            ExprKind::IfExp { test, body, orelse } => {
                let l_fail = self.next_label();
                let l_end = self.next_label();
                self.c_if_cond(test, false, l_fail);
                self.expr(body);
                self.emit.jump(l_end);
                self.emit.label_assign(l_fail);
                self.emit.adjust_stack_size(-1);
                self.expr(orelse);
                self.emit.label_assign(l_end);
            }
            ExprKind::Lambda { params, body } => {
                let child = self.scope_for(
                    addr(e),
                    ScopeKind::Lambda,
                    Node::Lambda(params, body, ln(e)),
                    "<lambda>",
                    ln(e),
                );
                self.funcdef_lambdef(child, params);
            }
            ExprKind::Call { .. } | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
                self.atom_expr(e)
            }
            ExprKind::Slice {
                lower,
                upper,
                step,
                has_step,
            } => {
                match lower {
                    Some(l) => self.expr(l),
                    None => self.emit.load_const_none(),
                }
                match upper {
                    Some(u) => self.expr(u),
                    None => self.emit.load_const_none(),
                }
                match step {
                    Some(s) => {
                        self.expr(s);
                        self.emit.build_slice(3);
                    }
                    None => {
                        let _ = has_step;
                        self.emit.build_slice(2);
                    }
                }
            }
            ExprKind::Await(v) => {
                let k = self.scope_kind();
                if k != ScopeKind::Function && k != ScopeKind::Lambda {
                    self.error(ln(e), "'await' outside function");
                    return;
                }
                self.expr_noline(v);
                self.yield_from();
            }
            ExprKind::Yield(v) => {
                let k = self.scope_kind();
                if k != ScopeKind::Function && k != ScopeKind::Lambda {
                    self.error(ln(e), "'yield' outside function");
                    return;
                }
                match v {
                    None => self.emit.load_const_none(),
                    Some(x) => self.expr(x),
                }
                self.emit.yield_value();
            }
            ExprKind::YieldFrom(v) => {
                let k = self.scope_kind();
                if k != ScopeKind::Function && k != ScopeKind::Lambda {
                    self.error(ln(e), "'yield' outside function");
                    return;
                }
                self.expr(v);
                self.yield_from();
            }
        }
    }

    fn namedexpr(&mut self, target: &str, value: &'a Expr, line: u32) {
        self.expr(value);
        self.emit.dup_top();
        if self.pass == Pass::Scope && self.scope_kind().is_comp_like() {
            if let Some(parent) = self.ids[self.cur].parent {
                let pi = scope::id_for_modification(&mut self.ids, parent, target);
                if self.ids[parent].ids[pi].kind == IdKind::GlobalExplicit {
                    self.ids[self.cur].find_or_add(target, IdKind::GlobalExplicit);
                } else {
                    let idx = self.ids[self.cur].find_or_add(target, IdKind::Undecided);
                    let is_global = self.ids[parent].parent.is_none();
                    if !is_global && self.ids[self.cur].ids[idx].kind == IdKind::GlobalImplicit {
                        self.ids[self.cur].ids[idx].kind = IdKind::Undecided;
                    }
                    self.declare(idx, is_global, line);
                }
            }
        }
        self.store_id(target);
    }

    fn comparison(&mut self, left: &'a Expr, ops: &'a [(CmpOp, Expr)]) {
        self.expr(left);
        let multi = ops.len() > 1;
        let l_fail = if multi { self.next_label() } else { 0 };
        let n = ops.len();
        for (i, (op, x)) in ops.iter().enumerate() {
            self.expr(x);
            if i + 1 < n {
                self.emit.dup_top();
                self.emit.rot_three();
            }
            let b = match op {
                CmpOp::Lt => bc::binary::LESS,
                CmpOp::Gt => bc::binary::MORE,
                CmpOp::Eq => bc::binary::EQUAL,
                CmpOp::LtE => bc::binary::LESS_EQUAL,
                CmpOp::GtE => bc::binary::MORE_EQUAL,
                CmpOp::NotEq => bc::binary::NOT_EQUAL,
                CmpOp::In => bc::binary::IN,
                CmpOp::NotIn => bc::binary::NOT_IN,
                CmpOp::Is => bc::binary::IS,
                CmpOp::IsNot => bc::binary::IS_NOT,
            };
            self.emit.binary_op(b);
            if i + 1 < n {
                self.emit.jump_if_or_pop(false, l_fail);
            }
        }
        if multi {
            let l_end = self.next_label();
            self.emit.jump(l_end);
            self.emit.label_assign(l_fail);
            self.emit.adjust_stack_size(1);
            self.emit.rot_two();
            self.emit.pop_top();
            self.emit.label_assign(l_end);
        }
    }

    fn c_if_cond(&mut self, e: &'a Expr, jump_if: bool, label: u32) {
        if self.const_false(e) {
            if !jump_if {
                self.emit.jump(label);
            }
            return;
        }
        if self.const_true(e) {
            if jump_if {
                self.emit.jump(label);
            }
            return;
        }
        match &e.kind {
            ExprKind::Or(vals) | ExprKind::And(vals) => {
                let is_or = matches!(e.kind, ExprKind::Or(_));
                // `or` with jump_if false, or `and` with jump_if true, needs a local label.
                if is_or != jump_if {
                    let l2 = self.next_label();
                    let n = vals.len();
                    for v in vals[..n.saturating_sub(1)].iter() {
                        self.c_if_cond(v, !jump_if, l2);
                    }
                    if let Some(last) = vals.last() {
                        self.c_if_cond(last, jump_if, label);
                    }
                    self.emit.label_assign(l2);
                } else {
                    for v in vals {
                        self.c_if_cond(v, jump_if, label);
                    }
                }
            }
            ExprKind::Not(x) => self.c_if_cond(x, !jump_if, label),
            _ => {
                self.expr(e);
                self.emit.pop_jump_if(jump_if, label);
            }
        }
    }

    fn trailer(&mut self, t: &Trailer<'a>) {
        match t {
            Trailer::Period(attr, line) => {
                self.emit.set_source_line(*line as usize);
                self.emit.load_attr(&mut self.tables, attr);
            }
            Trailer::Paren(args, line) => {
                self.emit.set_source_line(*line as usize);
                self.call_args(args, false, 0);
            }
            Trailer::Bracket(index, line) => {
                self.emit.set_source_line(*line as usize);
                self.expr(index);
                self.emit.load_subscr();
            }
        }
    }

    fn atom_expr(&mut self, e: &'a Expr) {
        let (base, trailers) = flatten(e);
        self.expr(base);
        let n = trailers.len();
        let mut i = 0;
        if self.scope_kind() == ScopeKind::Function {
            if let (ExprKind::Name(b), Some(Trailer::Paren(a, tl))) = (&base.kind, trailers.first())
            {
                if b == "super" && a.args.is_empty() {
                    self.load_id("__class__");
                    let first_param = self.ids[self.cur]
                        .ids
                        .iter()
                        .find(|id| id.flags & scope::FLAG_IS_PARAM != 0)
                        .map(|id| id.name.clone());
                    match first_param {
                        Some(p) => self.load_id(&p),
                        None => {
                            self.error(*tl, "super() can't find self");
                            return;
                        }
                    }
                    if let (Some(Trailer::Period(attr, _)), Some(Trailer::Paren(args, _))) =
                        (trailers.get(1), trailers.get(2))
                    {
                        self.emit.load_method(&mut self.tables, attr, true);
                        self.call_args(args, true, 0);
                        i = 3;
                    } else {
                        self.emit.call_function(2, 0, false);
                        i = 1;
                    }
                }
            }
        }
        if i == 0 && self.opts.ordered_dict_literal {
            if let (ExprKind::Name(b), Some(Trailer::Paren(a, _))) = (&base.kind, trailers.first())
            {
                if let [Arg::Positional(brace)] = a.args.as_slice() {
                    if b == "OrderedDict" && self.brace_into_existing(brace) {
                        i = 1;
                    }
                }
            }
        }
        while i < n {
            if let (Trailer::Period(attr, _), Some(Trailer::Paren(args, _))) =
                (&trailers[i], trailers.get(i + 1))
            {
                self.emit.load_method(&mut self.tables, attr, false);
                self.call_args(args, true, 0);
                i += 2;
            } else {
                self.trailer(&trailers[i]);
                i += 1;
            }
        }
    }

    /// `OrderedDict({...})`: call with no arguments, then store the items into the result
    /// (upstream's `compile_atom_brace_helper` without creating a map). Returns false, having
    /// emitted nothing, when `brace` is not a `{...}` display.
    fn brace_into_existing(&mut self, brace: &'a Expr) -> bool {
        match &brace.kind {
            ExprKind::Dict(items) => {
                self.emit.call_function(0, 0, false);
                self.store_items(items);
                true
            }
            ExprKind::Set(elts) => {
                self.emit.call_function(0, 0, false);
                self.build_set(elts);
                true
            }
            ExprKind::Comp(c) if matches!(c.kind, CompKind::Dict | CompKind::Set) => {
                self.emit.call_function(0, 0, false);
                self.comprehension(c, ln(brace));
                true
            }
            _ => false,
        }
    }

    /// A dict display's items stored into the map below them.
    fn store_items(&mut self, items: &'a [(Expr, Expr)]) {
        for (k, v) in items {
            self.emit.set_source_line(ln(k) as usize);
            self.expr(v);
            self.expr(k);
            self.emit.store_map();
        }
    }

    fn build_set(&mut self, elts: &'a [Expr]) {
        for x in elts {
            self.expr(x);
        }
        self.emit.build_set(elts.len());
    }

    fn call_args(&mut self, args: &'a CallArgs, is_method: bool, n_positional_extra: usize) {
        let mut n_positional = n_positional_extra;
        let mut n_keyword = 0;
        let mut star_single = false;
        let mut star_double = false;
        let mut star_args: i64 = 0;
        for (i, a) in args.args.iter().enumerate() {
            match a {
                Arg::Star(x) => {
                    if star_double {
                        self.error(ln(x), "* arg after **");
                        return;
                    }
                    if n_keyword > 0 {
                        self.error(ln(x), "* arg after kwarg");
                        return;
                    }
                    if i + 1 >= usize::from(self.opts.small_int_bits) {
                        self.error(ln(x), "too many args");
                        return;
                    }
                    star_single = true;
                    star_args |= 1i64 << i;
                    self.expr(x);
                    n_positional += 1;
                }
                Arg::DoubleStar(x) => {
                    star_double = true;
                    self.emit.load_null();
                    self.expr(x);
                    n_keyword += 1;
                }
                Arg::Keyword { name, value, .. } => {
                    self.emit.load_const_str(&mut self.tables, name);
                    self.expr(value);
                    n_keyword += 1;
                }
                Arg::Generator(x) => {
                    match &x.kind {
                        ExprKind::Comp(c) => self.comprehension(c, ln(x)),
                        _ => self.expr(x),
                    }
                    n_positional += 1;
                }
                Arg::Positional(x) => {
                    if star_double {
                        self.error(ln(x), "positional arg after **");
                        return;
                    }
                    if n_keyword > 0 {
                        self.error(ln(x), "positional arg after keyword arg");
                        return;
                    }
                    if let ExprKind::NamedExpr { target, value } = &x.kind {
                        self.namedexpr(target, value, ln(x));
                    } else {
                        self.expr(x);
                    }
                    n_positional += 1;
                }
            }
        }
        let star = star_single || star_double;
        if star {
            self.emit.load_const_small_int(star_args);
        }
        if is_method {
            self.emit.call_method(n_positional, n_keyword, star);
        } else {
            self.emit.call_function(n_positional, n_keyword, star);
        }
    }

    fn comprehension(&mut self, c: &'a Comprehension, line: u32) {
        let (kind, name) = match c.kind {
            CompKind::List => (ScopeKind::ListComp, "<listcomp>"),
            CompKind::Dict => (ScopeKind::DictComp, "<dictcomp>"),
            CompKind::Set => (ScopeKind::SetComp, "<setcomp>"),
            CompKind::Generator => (ScopeKind::GenExpr, "<genexpr>"),
        };
        let child = self.scope_for(addr(c), kind, Node::Comp(c), name, line);
        self.close_over(child, 0, 0);
        if let Some(g) = c.generators.first() {
            self.expr(&g.iter);
        }
        if kind == ScopeKind::GenExpr {
            self.emit.get_iter(false);
        }
        self.emit.call_function(1, 0, false);
    }

    fn comp_iter(&mut self, c: &'a Comprehension, gi: usize, depth: usize) {
        let g = match c.generators.get(gi) {
            Some(g) => g,
            None => return,
        };
        let l_top = self.next_label();
        let l_end = self.next_label();
        self.emit.label_assign(l_top);
        self.emit.for_iter(l_end);
        self.assign(&g.target, AssignKind::Store, g.line);
        for cond in g.ifs.iter() {
            self.c_if_cond(cond, false, l_top);
        }
        if let Some(next) = c.generators.get(gi + 1) {
            self.expr(&next.iter);
            self.emit.get_iter(true);
            self.comp_iter(c, gi + 1, depth + 1);
        } else {
            let kind = self.scope_kind();
            match (&c.value, kind) {
                (Some(v), _) => {
                    self.emit.set_source_line(ln(&c.elt) as usize);
                    self.expr(v);
                    self.expr(&c.elt);
                }
                _ => self.expr(&c.elt),
            }
            if kind == ScopeKind::GenExpr {
                self.emit.yield_value();
                self.emit.pop_top();
            } else {
                let k = match kind {
                    ScopeKind::ListComp => 0,
                    ScopeKind::DictComp => 1,
                    _ => 2,
                };
                self.emit.store_comp(k, 4 * depth + 5);
            }
        }
        self.emit.jump(l_top);
        self.emit.label_assign(l_end);
        self.emit.for_iter_end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mpy;
    use alloc::vec;

    fn module(src: &str, opts: &CompileOptions) -> CompiledModule {
        match compile(src, "t.py", opts) {
            Ok(m) => m,
            Err(e) => panic!("compile failed: {e:?}"),
        }
    }

    /// Opcodes of the top-level code (after prelude and line table).
    fn top_code(m: &CompiledModule) -> Vec<u8> {
        let d = &m.top.fun_data;
        let mut p = 0;
        crate::emit::decode_signature(d, &mut p);
        let (n_info, n_cell) = crate::emit::decode_size(d, &mut p).unwrap_or((0, 0));
        d[p + n_info + n_cell..].to_vec()
    }

    #[test]
    fn reference_module_is_byte_identical() {
        let src = "x = 1\ndef f(a, b=2):\n    return a + b\nprint(f(x))\n";
        let m = module(src, &CompileOptions::default());
        let bytes = mpy::write(&m, 31);
        assert_eq!(bytes.len(), 71);
        assert_eq!(
            &bytes[0x1b..0x23],
            &[0x81, 0x6c, 0x10, 0x06, 0x01, 0x23, 0x48, 0x81]
        );
        assert_eq!(
            &bytes[0x3b..],
            &[0x58, 0x9a, 0x01, 0x08, 0x02, 0x05, 0x06, 0x40, 0xb0, 0xb1, 0xf2, 0x63]
        );
    }

    #[test]
    fn repl_mode_prints_expressions() {
        let opts = CompileOptions {
            mode: ParseMode::Single,
            ..CompileOptions::default()
        };
        let m = module("1 + x\n", &opts);
        assert!(m.qstrs.iter().any(|q| q == "__repl_print__"));
        // LOAD_NAME __repl_print__; 1; LOAD_NAME x; ADD; CALL 1; POP; None; RETURN
        assert_eq!(
            top_code(&m),
            vec![0x11, 0x02, 0x81, 0x11, 0x03, 0xf2, 0x34, 0x01, 0x59, 0x51, 0x63]
        );
    }

    #[test]
    fn eval_mode_returns_value() {
        let opts = CompileOptions {
            mode: ParseMode::Eval,
            ..CompileOptions::default()
        };
        let m = module("a * 2", &opts);
        assert_eq!(top_code(&m), vec![0x11, 0x02, 0x82, 0xf4, 0x63]);
    }

    #[test]
    fn optimisation_drops_asserts_and_lines() {
        let src = "x = 1\nassert x\ny = 2\n";
        let o0 = module(src, &CompileOptions::default());
        assert!(o0.qstrs.iter().any(|q| q == "AssertionError"));
        let o1 = module(
            src,
            &CompileOptions {
                opt_level: 1,
                ..CompileOptions::default()
            },
        );
        assert!(!o1.qstrs.iter().any(|q| q == "AssertionError"));
        let o3 = module(
            src,
            &CompileOptions {
                opt_level: 3,
                ..CompileOptions::default()
            },
        );
        // Prelude: signature, size (n_info 1: just the name), name.
        assert_eq!(&o3.top.fun_data[1..3], &[0x02, 0x01]);
    }

    #[test]
    fn occurrences_are_those_match_indices_finds() {
        let cases = [
            ("aaaaa", "aa"),
            ("xabcabc", "abc"),
            ("", "a"),
            ("h\u{e9}llo h\u{e9}llo", "llo"),
            ("abc", "abcd"),
            ("abc", "abc"),
        ];
        for (t, p) in cases {
            let want: Vec<usize> = t.match_indices(p).map(|(i, _)| i).collect();
            assert_eq!(occurrences(t, p).collect::<Vec<_>>(), want, "{t:?} {p:?}");
        }
        assert_eq!(occurrences("abc", "").next(), None);
    }

    #[test]
    fn int_text_is_decimal() {
        for v in [0, 7, -7, 10, 1 << 40, i64::MAX, i64::MIN] {
            assert_eq!(int_text(v), alloc::format!("{v}"));
        }
    }

    #[test]
    fn small_int_width_decides_constants() {
        let src = "x = 1 << 40\n";
        let m31 = module(src, &CompileOptions::default());
        assert_eq!(m31.consts, vec![Const::Int("1099511627776".into())]);
        let m63 = module(
            src,
            &CompileOptions {
                small_int_bits: 63,
                ..CompileOptions::default()
            },
        );
        assert!(m63.consts.is_empty());
    }

    #[test]
    fn long_literal_is_a_qstr_only_after_its_name() {
        // The name is read after the literal (two lines of the parameter list later), so the
        // literal is a constant object, as mpy-cross makes it.
        let src = "def foo(a,\n        b='some_long_name',\n        some_long_name=1):\n    pass\n";
        let m = module(src, &CompileOptions::default());
        assert_eq!(m.consts, vec![Const::Str("some_long_name".into())]);
        let src = "some_long_name = 1\nx = 'some_long_name'\n";
        let m = module(src, &CompileOptions::default());
        assert!(m.consts.is_empty());
        let src = "x = 'some_long_name'; some_long_name = 1\n";
        let m = module(src, &CompileOptions::default());
        assert_eq!(m.consts, vec![Const::Str("some_long_name".into())]);
    }

    #[test]
    fn long_literals_ask_the_interned_hook() {
        let src = "x = 'ArithmeticError'\ny = 'some_long_name'\n";
        let m = module(src, &CompileOptions::default());
        assert_eq!(m.consts, vec![Const::Str("some_long_name".into())]);
        let none = CompileOptions {
            is_interned: None,
            ..CompileOptions::default()
        };
        let m = module(src, &none);
        assert_eq!(m.consts.len(), 2);
        let all = CompileOptions {
            is_interned: Some(|_| true),
            ..CompileOptions::default()
        };
        assert!(module(src, &all).consts.is_empty());
        assert!(mpy_cross_interned("maximum recursion depth exceeded"));
        assert!(!mpy_cross_interned("some_long_name"));
    }

    #[test]
    fn ordered_dict_literal_keeps_order() {
        let opts = CompileOptions {
            ordered_dict_literal: true,
            ..CompileOptions::default()
        };
        let m = module("OrderedDict({1: 2})\n", &opts);
        // LOAD_NAME OrderedDict; CALL 0; 2; 1; STORE_MAP; POP_TOP; None; RETURN
        assert_eq!(
            top_code(&m),
            vec![0x11, 0x02, 0x34, 0x00, 0x82, 0x81, 0x62, 0x59, 0x51, 0x63]
        );
        let plain = module("OrderedDict({1: 2})\n", &CompileOptions::default());
        assert_eq!(top_code(&plain)[2..5], [0x2c, 0x01, 0x82]);
    }

    #[test]
    fn module_constants_fold_when_provided() {
        fn errno(m: &str, a: &str) -> Option<i64> {
            (m == "errno" && a == "ENOENT").then_some(2)
        }
        let opts = CompileOptions {
            module_const: Some(errno),
            ..CompileOptions::default()
        };
        let m = module("x = errno.ENOENT\n", &opts);
        assert_eq!(top_code(&m), vec![0x82, 0x16, 0x02, 0x51, 0x63]);
        let plain = module("x = errno.ENOENT\n", &CompileOptions::default());
        assert_eq!(top_code(&plain)[0], bc::LOAD_NAME);
    }

    #[test]
    fn closures_use_cells() {
        let src = "def f(a):\n    return lambda x: a + x\n";
        let m = module(src, &CompileOptions::default());
        let f = &m.top.children[0];
        let lam = &f.children[0];
        let mut p = 0;
        let sig = crate::emit::decode_signature(&lam.fun_data, &mut p).unwrap_or_default();
        assert_eq!(sig.n_pos_args, 2);
        // f's closure section lists local 0 (the parameter a).
        let mut q = 0;
        crate::emit::decode_signature(&f.fun_data, &mut q);
        let (n_info, n_cell) = crate::emit::decode_size(&f.fun_data, &mut q).unwrap_or((0, 0));
        assert_eq!(n_cell, 1);
        assert_eq!(f.fun_data[q + n_info], 0);
    }
}
