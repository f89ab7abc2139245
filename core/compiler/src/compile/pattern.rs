//! The `match` statement (PEP 634) compiled to MicroPython's existing bytecode: no opcode
//! is added, so the output stays a valid .mpy 6.3 that upstream can load and run.
//!
//! Type tests call built-in functions (`isinstance`, `len`, `getattr`, ...), fetched from
//! the `builtins` module through IMPORT_NAME rather than by name, so that a program's own
//! `len` or `list` never changes how a pattern matches.
//!
//! Stack discipline (as CPython's compiler): the subject stays on the stack for the whole
//! statement and each case matches a copy of it. A sub-pattern finds its value on top of
//! the stack and consumes it; on failure it jumps to `fail_pop[n]`, a chain of POP_TOPs
//! that removes the `n` items then on the stack above the subject, then tries the next
//! case. The subject is popped before a case's body runs, so `break`, `continue` and
//! `return` in a body see the stack as the enclosing loop left it.
//!
//! Names are stored as soon as their sub-pattern matches, so a failed case can leave some
//! of its names bound (PEP 634 allows this; CPython happens to delay the stores).

use super::Compiler;
use crate::ast::*;
use crate::bc::binary;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Types whose class pattern `C(x)` matches the subject itself (CPython's list; `bool` is
/// named because MicroPython's is no subclass of `int`).
const SELF_MATCHING: [&str; 11] = [
    "bool",
    "bytearray",
    "bytes",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "set",
    "str",
    "tuple",
];

/// Types a sequence pattern accepts (those of `collections.abc.Sequence` that are built in;
/// `str`, `bytes` and `bytearray` are excluded by PEP 634).
const SEQUENCE_TYPES: [&str; 4] = ["list", "tuple", "range", "memoryview"];

struct PatCtx {
    /// Items on the stack above the subject that a failure must pop.
    on_top: usize,
    /// `fail_pop[n]`: pops `n` items, then falls into `fail_pop[n - 1]`.
    fail_pop: Vec<u32>,
}

impl<'a> Compiler<'a> {
    pub(super) fn match_stmt(&mut self, subject: &'a Expr, cases: &'a [MatchCase]) {
        let n = cases.len();
        for (i, c) in cases.iter().enumerate() {
            let allow = c.guard.is_some() || i + 1 == n;
            let mut names = Vec::new();
            if !self.check_pattern(&c.pattern, allow, &mut names) {
                return;
            }
        }
        self.expr(subject);
        let end = self.next_label();
        let base = self.emit.stack_size();
        for c in cases {
            self.emit.set_source_line(c.line as usize);
            let mut pc = PatCtx {
                on_top: 1,
                fail_pop: Vec::new(),
            };
            self.emit.dup_top();
            self.pattern(&c.pattern, &mut pc);
            if let Some(g) = &c.guard {
                let l = self.fail_label(&mut pc, 0);
                self.c_if_cond(g, false, l);
            }
            self.emit.pop_top();
            self.stmts(&c.body);
            self.emit.jump(end);
            self.emit_fail_pops(&pc, base);
            if self.error.is_some() {
                return;
            }
        }
        self.emit.pop_top();
        self.emit.label_assign(end);
        self.emit.set_stack_size(base - 1);
    }

    /// Assigns the failure labels of one case (or one OR alternative): the stack at
    /// `fail_pop[n]` is `base + n`.
    fn emit_fail_pops(&mut self, pc: &PatCtx, base: i32) {
        for n in (0..pc.fail_pop.len()).rev() {
            self.emit.label_assign(pc.fail_pop[n]);
            self.emit.set_stack_size(base + n as i32);
            if n > 0 {
                self.emit.pop_top();
            }
        }
        if pc.fail_pop.is_empty() {
            self.emit.set_stack_size(base);
        }
    }

    fn fail_label(&mut self, pc: &mut PatCtx, n: usize) -> u32 {
        while pc.fail_pop.len() <= n {
            let l = self.next_label();
            pc.fail_pop.push(l);
        }
        pc.fail_pop[n]
    }

    /// Pops the condition on top and fails the pattern when it is false.
    fn fail_if_false(&mut self, pc: &mut PatCtx) {
        let l = self.fail_label(pc, pc.on_top);
        self.emit.pop_jump_if(false, l);
    }

    fn fail_if_true(&mut self, pc: &mut PatCtx) {
        let l = self.fail_label(pc, pc.on_top);
        self.emit.pop_jump_if(true, l);
    }

    fn load_builtin(&mut self, name: &str) {
        self.emit.load_const_small_int(0);
        self.emit.load_const_none();
        self.emit.import_name(&mut self.tables, "builtins");
        self.emit.load_attr(&mut self.tables, name);
    }

    /// With `x` on top: replaces it by `isinstance(x, <types>)`, `types` pushed by `push`.
    fn isinstance_top(&mut self, push: impl FnOnce(&mut Self)) {
        self.load_builtin("isinstance");
        self.emit.rot_two();
        push(self);
        self.emit.call_function(2, 0, false);
    }

    fn builtin_tuple(&mut self, names: &[&str]) {
        for n in names {
            self.load_builtin(n);
        }
        self.emit.build_tuple(names.len());
    }

    /// Raises `TypeError(msg)` where the message is already on top.
    fn raise_type_error_top(&mut self) {
        self.load_builtin("TypeError");
        self.emit.rot_two();
        self.emit.call_function(1, 0, false);
        self.emit.raise_varargs(1);
    }

    fn pattern(&mut self, p: &'a Pattern, pc: &mut PatCtx) {
        match &p.kind {
            PatternKind::Wildcard | PatternKind::Star(None) => {
                self.emit.pop_top();
                pc.on_top -= 1;
            }
            PatternKind::Capture(n) | PatternKind::Star(Some(n)) => {
                self.store_id(n);
                pc.on_top -= 1;
            }
            PatternKind::Value(e) | PatternKind::Singleton(e) => {
                self.expr(e);
                let op = if matches!(p.kind, PatternKind::Value(_)) {
                    binary::EQUAL
                } else {
                    binary::IS
                };
                self.emit.binary_op(op);
                pc.on_top -= 1;
                self.fail_if_false(pc);
            }
            PatternKind::As(inner, n) => {
                self.emit.dup_top();
                pc.on_top += 1;
                self.pattern(inner, pc);
                self.store_id(n);
                pc.on_top -= 1;
            }
            PatternKind::Or(alts) => self.or_pattern(alts, pc),
            PatternKind::Sequence(items) => self.sequence_pattern(items, pc),
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => self.mapping_pattern(keys, patterns, rest.as_deref(), pc),
            PatternKind::Class { cls, args, kwargs } => self.class_pattern(cls, args, kwargs, pc),
        }
    }

    fn or_pattern(&mut self, alts: &'a [Pattern], pc: &mut PatCtx) {
        let end = self.next_label();
        let n = alts.len();
        let subject_depth = self.emit.stack_size();
        for (i, alt) in alts.iter().enumerate() {
            if i + 1 == n {
                self.pattern(alt, pc);
                break;
            }
            let mut sub = PatCtx {
                on_top: 1,
                fail_pop: Vec::new(),
            };
            self.emit.dup_top();
            self.pattern(alt, &mut sub);
            self.emit.pop_top();
            self.emit.jump(end);
            self.emit_fail_pops(&sub, subject_depth);
        }
        self.emit.label_assign(end);
        self.emit.set_stack_size(subject_depth - 1);
    }

    fn sequence_pattern(&mut self, items: &'a [Pattern], pc: &mut PatCtx) {
        let n = items.len();
        let star = items
            .iter()
            .position(|p| matches!(p.kind, PatternKind::Star(_)));
        self.emit.dup_top();
        self.isinstance_top(|c| c.builtin_tuple(&SEQUENCE_TYPES));
        self.fail_if_false(pc);
        let all_wild = items
            .iter()
            .all(|p| matches!(p.kind, PatternKind::Wildcard | PatternKind::Star(None)));
        if !(star.is_some() && n == 1) {
            self.emit.dup_top();
            self.load_builtin("len");
            self.emit.rot_two();
            self.emit.call_function(1, 0, false);
            let (want, op) = match star {
                Some(_) => (n - 1, binary::MORE_EQUAL),
                None => (n, binary::EQUAL),
            };
            self.emit.load_const_small_int(want as i64);
            self.emit.binary_op(op);
            self.fail_if_false(pc);
        }
        if n == 0 || all_wild {
            self.emit.pop_top();
            pc.on_top -= 1;
            return;
        }
        match star {
            Some(s) => self.emit.unpack_ex(s, n - s - 1),
            None => self.emit.unpack_sequence(n),
        }
        pc.on_top += n - 1;
        for p in items {
            self.pattern(p, pc);
        }
    }

    fn mapping_pattern(
        &mut self,
        keys: &'a [Expr],
        patterns: &'a [Pattern],
        rest: Option<&str>,
        pc: &mut PatCtx,
    ) {
        self.emit.dup_top();
        self.isinstance_top(|c| c.load_builtin("dict"));
        self.fail_if_false(pc);
        let k = keys.len();
        if k > 0 {
            self.emit.dup_top();
            self.load_builtin("len");
            self.emit.rot_two();
            self.emit.call_function(1, 0, false);
            self.emit.load_const_small_int(k as i64);
            self.emit.binary_op(binary::MORE_EQUAL);
            self.fail_if_false(pc);
        }
        for key in keys {
            self.emit.dup_top();
            self.expr(key);
            self.emit.rot_two();
            self.emit.binary_op(binary::IN);
            self.fail_if_false(pc);
        }
        for key in keys {
            self.emit.dup_top();
            self.expr(key);
            self.emit.load_subscr();
            self.emit.rot_two();
            pc.on_top += 1;
        }
        match rest {
            Some(name) => {
                self.load_builtin("dict");
                self.emit.rot_two();
                self.emit.call_function(1, 0, false);
                for key in keys {
                    self.emit.dup_top();
                    self.expr(key);
                    self.emit.delete_subscr();
                }
                self.store_id(name);
            }
            None => self.emit.pop_top(),
        }
        pc.on_top -= 1;
        if k > 1 {
            self.emit.build_tuple(k);
            self.emit.unpack_sequence(k);
        }
        for p in patterns {
            self.pattern(p, pc);
        }
    }

    /// `'<fmt>' % cls.__name__` on top.
    fn message_with_class_name(&mut self, cls: &'a Expr, fmt: &str) {
        self.emit.load_const_str(&mut self.tables, fmt);
        self.expr(cls);
        self.emit.load_attr(&mut self.tables, "__name__");
        self.emit.binary_op(binary::MODULO);
    }

    fn class_pattern(
        &mut self,
        cls: &'a Expr,
        args: &'a [Pattern],
        kwargs: &'a [(Name, Pattern)],
        pc: &mut PatCtx,
    ) {
        // `cls` must be a type, whatever the subject.
        let is_type = self.next_label();
        self.load_builtin("isinstance");
        self.expr(cls);
        self.load_builtin("type");
        self.emit.call_function(2, 0, false);
        self.emit.pop_jump_if(true, is_type);
        self.emit
            .load_const_str(&mut self.tables, "called match pattern must be a type");
        self.raise_type_error_top();
        self.emit.label_assign(is_type);

        self.emit.dup_top();
        self.isinstance_top(|c| c.expr(cls));
        self.fail_if_false(pc);
        let n_pos = args.len();
        if n_pos == 0 && kwargs.is_empty() {
            self.emit.pop_top();
            pc.on_top -= 1;
            return;
        }
        if n_pos > 0 {
            self.positional_attrs(cls, n_pos, kwargs, pc);
        }
        // Stack: v0 .. v(n_pos-1) subject.
        for (name, _) in kwargs {
            self.emit.dup_top();
            self.load_builtin("getattr");
            self.emit.rot_two();
            self.emit.load_const_str(&mut self.tables, name);
            self.load_builtin("getattr");
            self.emit.call_function(3, 0, false);
            self.fail_if_missing(pc);
            self.emit.rot_two();
        }
        self.emit.pop_top();
        pc.on_top -= 1;
        let m = n_pos + kwargs.len();
        if m > 1 {
            self.emit.build_tuple(m);
            self.emit.unpack_sequence(m);
        }
        for p in args {
            self.pattern(p, pc);
        }
        for (_, p) in kwargs {
            self.pattern(p, pc);
        }
    }

    /// With an attribute value on top (`getattr(s, name, getattr)`): counts it, and fails
    /// when it is the `getattr` marker (attribute missing).
    fn fail_if_missing(&mut self, pc: &mut PatCtx) {
        pc.on_top += 1;
        self.emit.dup_top();
        self.load_builtin("getattr");
        self.emit.binary_op(binary::IS);
        self.fail_if_true(pc);
    }

    /// Subject on top, of type `cls`: leaves `v0 .. v(n-1) subject` where `vi` is the
    /// attribute named by `cls.__match_args__[i]` (or the subject itself for `int(x)` and
    /// the other self-matching built-in types).
    fn positional_attrs(
        &mut self,
        cls: &'a Expr,
        n: usize,
        kwargs: &'a [(Name, Pattern)],
        pc: &mut PatCtx,
    ) {
        let have = self.next_label();
        let not_self = self.next_label();
        let join = self.next_label();
        let depth = self.emit.stack_size();
        self.load_builtin("getattr");
        self.expr(cls);
        self.emit.load_const_str(&mut self.tables, "__match_args__");
        self.emit.load_const_none();
        self.emit.call_function(3, 0, false);
        self.emit.dup_top();
        self.emit.load_const_none();
        self.emit.binary_op(binary::IS);
        self.emit.pop_jump_if(false, have);

        // No __match_args__: only the self-matching built-in types take one sub-pattern.
        self.emit.pop_top();
        self.load_builtin("issubclass");
        self.expr(cls);
        self.builtin_tuple(&SELF_MATCHING);
        self.emit.call_function(2, 0, false);
        self.emit.pop_jump_if(false, not_self);
        if n > 1 {
            let fmt = format!("%s() accepts 1 positional sub-pattern ({} given)", n);
            self.message_with_class_name(cls, &fmt);
            self.raise_type_error_top();
        } else {
            self.emit.dup_top();
            self.emit.jump(join);
        }
        self.emit.label_assign(not_self);
        self.emit.set_stack_size(depth);
        let fmt = format!("%s() accepts 0 positional sub-patterns ({} given)", n);
        self.message_with_class_name(cls, &fmt);
        self.raise_type_error_top();

        // Stack: subject match_args.
        self.emit.label_assign(have);
        self.emit.set_stack_size(depth + 1);
        let tuple_ok = self.next_label();
        self.emit.dup_top();
        self.isinstance_top(|c| c.load_builtin("tuple"));
        self.emit.pop_jump_if(true, tuple_ok);
        self.emit.dup_top();
        self.load_builtin("type");
        self.emit.rot_two();
        self.emit.call_function(1, 0, false);
        self.emit.load_attr(&mut self.tables, "__name__");
        self.emit.load_const_str(
            &mut self.tables,
            "%s.__match_args__ must be a tuple (got %s)",
        );
        self.emit.rot_two();
        self.expr(cls);
        self.emit.load_attr(&mut self.tables, "__name__");
        self.emit.rot_two();
        self.emit.build_tuple(2);
        self.emit.binary_op(binary::MODULO);
        self.raise_type_error_top();

        self.emit.label_assign(tuple_ok);
        self.emit.set_stack_size(depth + 1);
        let too_few = self.next_label();
        let plural = self.next_label();
        let fmt_done = self.next_label();
        self.emit.dup_top();
        self.load_builtin("len");
        self.emit.rot_two();
        self.emit.call_function(1, 0, false);
        self.emit.dup_top();
        self.emit.load_const_small_int(n as i64);
        self.emit.binary_op(binary::MORE_EQUAL);
        self.emit.pop_jump_if(false, too_few);
        self.emit.pop_top();
        let after_len = self.next_label();
        self.emit.jump(after_len);
        self.emit.label_assign(too_few);
        self.emit.set_stack_size(depth + 2);
        // Too few names: stack is subject match_args len.
        self.emit.dup_top();
        self.emit.load_const_small_int(1);
        self.emit.binary_op(binary::EQUAL);
        self.emit.pop_jump_if(false, plural);
        let one = format!("%s() accepts %d positional sub-pattern ({} given)", n);
        self.emit.load_const_str(&mut self.tables, &one);
        self.emit.jump(fmt_done);
        self.emit.label_assign(plural);
        self.emit.set_stack_size(depth + 2);
        let many = format!("%s() accepts %d positional sub-patterns ({} given)", n);
        self.emit.load_const_str(&mut self.tables, &many);
        self.emit.label_assign(fmt_done);
        self.emit.set_stack_size(depth + 3);
        self.emit.rot_two();
        self.expr(cls);
        self.emit.load_attr(&mut self.tables, "__name__");
        self.emit.rot_two();
        self.emit.build_tuple(2);
        self.emit.binary_op(binary::MODULO);
        self.raise_type_error_top();

        self.emit.label_assign(after_len);
        self.emit.set_stack_size(depth + 1);
        // Stack: [v0 ..] subject match_args; each round adds one value below the pair.
        pc.on_top += 1;
        for i in 0..n {
            let name_ok = self.next_label();
            self.emit.dup_top_two();
            self.emit.load_const_small_int(i as i64);
            self.emit.load_subscr();
            self.emit.dup_top();
            self.isinstance_top(|c| c.load_builtin("str"));
            self.emit.pop_jump_if(true, name_ok);
            self.load_builtin("type");
            self.emit.rot_two();
            self.emit.call_function(1, 0, false);
            self.emit.load_attr(&mut self.tables, "__name__");
            self.emit.load_const_str(
                &mut self.tables,
                "__match_args__ elements must be strings (got %s)",
            );
            self.emit.rot_two();
            self.emit.binary_op(binary::MODULO);
            self.raise_type_error_top();
            self.emit.label_assign(name_ok);
            self.emit.set_stack_size(depth + 1 + i as i32 + 2);
            // Stack: subject match_args subject name.
            self.load_builtin("getattr");
            self.emit.rot_three();
            self.load_builtin("getattr");
            self.emit.call_function(3, 0, false);
            self.fail_if_missing(pc);
            self.emit.rot_three();
        }
        // A keyword naming an attribute the positional sub-patterns already take.
        for (name, _) in kwargs {
            let distinct = self.next_label();
            self.emit.load_const_str(&mut self.tables, name);
            self.emit.rot_two();
            self.emit.dup_top();
            self.emit.rot_three();
            self.emit.load_const_none();
            self.emit.load_const_small_int(n as i64);
            self.emit.build_slice(2);
            self.emit.load_subscr();
            self.emit.binary_op(binary::IN);
            self.emit.pop_jump_if(false, distinct);
            let fmt = format!("%s() got multiple sub-patterns for attribute '{}'", name);
            self.message_with_class_name(cls, &fmt);
            self.raise_type_error_top();
            self.emit.label_assign(distinct);
            self.emit.set_stack_size(depth + n as i32 + 1);
        }
        self.emit.pop_top();
        pc.on_top -= 1;
        self.emit.label_assign(join);
        self.emit.set_stack_size(depth + n as i32);
    }

    // ---------------------------------------------------------------- checks

    /// CPython's compile-time pattern errors. `allow_irrefutable`: whether a pattern that
    /// always matches may stand here (last case, a guard, or inside another pattern).
    fn check_pattern(
        &mut self,
        p: &Pattern,
        allow_irrefutable: bool,
        names: &mut Vec<String>,
    ) -> bool {
        let line = p.line;
        match &p.kind {
            PatternKind::Wildcard => {
                if !allow_irrefutable {
                    self.error(line, "wildcard makes remaining patterns unreachable");
                    return false;
                }
                true
            }
            PatternKind::Capture(n) => {
                if !allow_irrefutable {
                    let msg = format!("name capture '{}' makes remaining patterns unreachable", n);
                    self.error(line, &msg);
                    return false;
                }
                self.bind(n, line, names)
            }
            PatternKind::Star(n) => match n {
                Some(n) => self.bind(n, line, names),
                None => true,
            },
            PatternKind::Value(_) | PatternKind::Singleton(_) => true,
            PatternKind::As(inner, n) => {
                self.check_pattern(inner, allow_irrefutable, names) && self.bind(n, line, names)
            }
            PatternKind::Sequence(items) => {
                let stars = items
                    .iter()
                    .filter(|i| matches!(i.kind, PatternKind::Star(_)))
                    .count();
                if stars > 1 {
                    self.error(line, "multiple starred names in sequence pattern");
                    return false;
                }
                items.iter().all(|i| self.check_pattern(i, true, names))
            }
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => {
                for (i, k) in keys.iter().enumerate() {
                    if keys[..i].iter().any(|o| same_literal(o, k)) {
                        let msg =
                            format!("mapping pattern checks duplicate key ({})", literal_repr(k));
                        self.error(line, &msg);
                        return false;
                    }
                }
                if !patterns.iter().all(|i| self.check_pattern(i, true, names)) {
                    return false;
                }
                match rest {
                    Some(r) => self.bind(r, line, names),
                    None => true,
                }
            }
            PatternKind::Class { args, kwargs, .. } => {
                args.iter().all(|i| self.check_pattern(i, true, names))
                    && kwargs
                        .iter()
                        .all(|(_, i)| self.check_pattern(i, true, names))
            }
            PatternKind::Or(alts) => {
                let n = alts.len();
                let mut first: Option<Vec<String>> = None;
                for (i, alt) in alts.iter().enumerate() {
                    let mut alt_names = Vec::new();
                    if !self.check_pattern(alt, allow_irrefutable && i + 1 == n, &mut alt_names) {
                        return false;
                    }
                    alt_names.sort();
                    match &first {
                        None => first = Some(alt_names),
                        Some(f) => {
                            if *f != alt_names {
                                self.error(line, "alternative patterns bind different names");
                                return false;
                            }
                        }
                    }
                }
                first
                    .unwrap_or_default()
                    .iter()
                    .all(|n| self.bind(n, line, names))
            }
        }
    }

    fn bind(&mut self, name: &str, line: u32, names: &mut Vec<String>) -> bool {
        if names.iter().any(|n| n == name) {
            let msg = format!("multiple assignments to name '{}' in pattern", name);
            self.error(line, &msg);
            return false;
        }
        names.push(String::from(name));
        true
    }
}

/// Whether two literal keys are equal (`True == 1`, `False == 0`).
fn same_literal(a: &Expr, b: &Expr) -> bool {
    let as_int = |e: &Expr| match e.kind {
        ExprKind::Int(v) => Some(v),
        ExprKind::True => Some(1),
        ExprKind::False => Some(0),
        _ => None,
    };
    if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
        return x == y;
    }
    match (&a.kind, &b.kind) {
        (ExprKind::Str(x), ExprKind::Str(y)) => x == y,
        (ExprKind::Bytes(x), ExprKind::Bytes(y)) => x == y,
        (ExprKind::None, ExprKind::None)
        | (ExprKind::True, ExprKind::True)
        | (ExprKind::False, ExprKind::False) => true,
        _ => false,
    }
}

fn literal_repr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(x) => format!("{}", x),
        ExprKind::Str(s) => format!("'{}'", s),
        ExprKind::Bytes(_) => String::from("b'...'"),
        ExprKind::None => String::from("None"),
        ExprKind::True => String::from("True"),
        ExprKind::False => String::from("False"),
        _ => String::from("?"),
    }
}

#[cfg(test)]
mod tests {
    use crate::bc;
    use crate::compile::{compile, CompileOptions};
    use crate::rawcode::CompiledModule;
    use alloc::vec;
    use alloc::vec::Vec;

    fn module(src: &str) -> CompiledModule {
        match compile(src, "t.py", &CompileOptions::default()) {
            Ok(m) => m,
            Err(e) => panic!("compile failed: {e:?}"),
        }
    }

    fn error(src: &str) -> alloc::string::String {
        match compile(src, "t.py", &CompileOptions::default()) {
            Ok(_) => panic!("compiled: {src}"),
            Err(e) => e.msg,
        }
    }

    /// Stack effect and jump target of the instruction at `pc`, for the opcodes match code
    /// uses. Returns (effect, length, jump target, whether control falls through).
    fn step(code: &[u8], pc: usize) -> (i32, usize, Option<usize>, bool) {
        let op = code[pc];
        let mut p = pc + 1;
        let mut arg = 0u64;
        let mut target = None;
        match bc::operand_format(op) {
            bc::OperandFormat::None => {}
            bc::OperandFormat::Qstr | bc::OperandFormat::VarUint => loop {
                let b = code[p];
                p += 1;
                arg = (arg << 7) | u64::from(b & 0x7f);
                if b & 0x80 == 0 {
                    break;
                }
            },
            bc::OperandFormat::Offset => {
                let b0 = code[p];
                p += 1;
                let mut off = i64::from(b0 & 0x7f);
                let mut bias = 0x40;
                if b0 & 0x80 != 0 {
                    off |= i64::from(code[p]) << 7;
                    p += 1;
                    bias = 0x4000;
                }
                if op <= bc::POP_JUMP_IF_FALSE {
                    off -= bias;
                }
                target = Some((p as i64 + off) as usize);
            }
        }
        if bc::has_extra_byte(op) {
            p += 1;
        }
        let n = arg as i32;
        let (eff, falls) = match op {
            bc::LOAD_CONST_STRING | bc::LOAD_NAME | bc::LOAD_GLOBAL | bc::LOAD_CONST_OBJ => {
                (1, true)
            }
            bc::LOAD_CONST_SMALL_INT | bc::LOAD_CONST_NONE | bc::LOAD_CONST_TRUE => (1, true),
            bc::LOAD_CONST_FALSE | bc::LOAD_NULL | bc::DUP_TOP => (1, true),
            bc::DUP_TOP_TWO => (2, true),
            bc::LOAD_ATTR | bc::ROT_TWO | bc::ROT_THREE | bc::JUMP => (0, op != bc::JUMP),
            bc::STORE_NAME | bc::IMPORT_NAME | bc::POP_TOP | bc::LOAD_SUBSCR => (-1, true),
            bc::POP_JUMP_IF_TRUE | bc::POP_JUMP_IF_FALSE => (-1, true),
            bc::STORE_SUBSCR => (-3, true),
            bc::BUILD_TUPLE | bc::BUILD_LIST | bc::BUILD_SLICE => (1 - n, true),
            bc::UNPACK_SEQUENCE => (n - 1, true),
            bc::UNPACK_EX => ((n & 0xff) + (n >> 8), true),
            bc::CALL_FUNCTION => (-((n & 0xff) + 2 * (n >> 8)), true),
            bc::RETURN_VALUE | bc::RAISE_OBJ => (-1, false),
            0x70..=0xbf => (1, true),
            0xc0..=0xcf => (-1, true),
            0xd0..=0xd3 => (0, true),
            0xd7..=0xf9 => (-1, true),
            _ => panic!("opcode {op:#x} not simulated"),
        };
        (eff, p - pc, target, falls)
    }

    /// Walks every path of the top-level code: each offset must be reached with one stack
    /// depth, never below zero, never above the prelude's `n_state`.
    fn check_stack(m: &CompiledModule) {
        let d = &m.top.fun_data;
        let mut p = 0;
        let sig = crate::emit::decode_signature(d, &mut p).expect("signature");
        let (n_info, n_cell) = crate::emit::decode_size(d, &mut p).expect("size");
        let code = &d[p + n_info + n_cell..];
        let mut depth_at: Vec<Option<i32>> = vec![None; code.len() + 1];
        let mut work = vec![(0usize, 0i32)];
        while let Some((pc, depth)) = work.pop() {
            match depth_at[pc] {
                Some(d) => {
                    assert_eq!(d, depth, "inconsistent depth at {pc}");
                    continue;
                }
                None => depth_at[pc] = Some(depth),
            }
            let (eff, len, target, falls) = step(code, pc);
            let op = code[pc];
            let after = depth + eff;
            assert!(after >= 0, "stack underflow at {pc}");
            assert!(after as usize <= sig.n_state, "stack overflow at {pc}");
            // A conditional jump pops before jumping.
            if let Some(t) = target {
                work.push((t, after));
            }
            if falls && op != bc::JUMP {
                work.push((pc + len, after));
            }
        }
    }

    const PROGRAMS: [&str; 9] = [
        "match x:\n case 1 | 2: a = 1\n case [p, *q, r]: a = 2\n case _: a = 3\n",
        "match x:\n case {'k': v, 'j': [w, 1], **rest} if v: a = 1\n case (1 as z) | (2 as z): a = 2\n",
        "match x:\n case C(1, y, k=K.v, m=[n]): a = 1\n case C(): a = 2\n",
        "match x:\n case C(1, y=2): a = 1\n",
        "match x:\n case P(a): b = a\n case P(a, b, c, d): e = 1\n",
        "match x, y:\n case [1, 2] | [3, 4]: pass\n case (a, b) if a > b: pass\n",
        "match x:\n case -1 | 1+2j | 'a' | b'b' | None | True | K.v: pass\n",
        "match x:\n case [[a, [b, *c]], {'z': d} | {'y': d}]: pass\n",
        "match x:\n case str() | bytes() as s if s: pass\n case [*_]: pass\n case [_, *_]: pass\n",
    ];

    #[test]
    fn stack_depth_is_consistent_on_every_path() {
        for src in PROGRAMS {
            check_stack(&module(src));
        }
    }

    #[test]
    fn output_passes_the_mpy_verifier() {
        for src in PROGRAMS {
            let m = module(src);
            let bytes = crate::mpy::write(&m, 31);
            assert!(crate::mpy::read(&bytes).is_ok(), "{src}");
        }
    }

    #[test]
    fn builtins_come_from_the_builtins_module() {
        let m = module("match x:\n case [a]: pass\n");
        assert!(m.qstrs.iter().any(|q| q == "builtins"));
        assert!(m.qstrs.iter().any(|q| q == "isinstance"));
    }

    #[test]
    fn compile_time_errors() {
        assert_eq!(
            error("match x:\n case y: pass\n case 1: pass\n"),
            "name capture 'y' makes remaining patterns unreachable"
        );
        assert_eq!(
            error("match x:\n case _: pass\n case 1: pass\n"),
            "wildcard makes remaining patterns unreachable"
        );
        assert_eq!(
            error("match x:\n case [a, a]: pass\n"),
            "multiple assignments to name 'a' in pattern"
        );
        assert_eq!(
            error("match x:\n case [a] | [b]: pass\n"),
            "alternative patterns bind different names"
        );
        assert_eq!(
            error("match x:\n case [*a, *b]: pass\n"),
            "multiple starred names in sequence pattern"
        );
        assert_eq!(
            error("match x:\n case {1: a, True: b}: pass\n"),
            "mapping pattern checks duplicate key (True)"
        );
    }
}
