//! The bytecode emitter: turns the compiler's stream of abstract operations into MicroPython
//! bytecode (`fun_data`, reference §1.7 and §2), byte for byte as upstream's `py/emitbc.c`.
//!
//! It owns the per-module qstr and constant tables ([`ModuleTables`]), the prelude encodings
//! (signature, sizes), the line-number table, labels and jump sizing. Jump sizing follows
//! upstream's pass scheme exactly (that is what makes the bytes identical): the compiler runs
//! each scope through [`Pass::Scope`], [`Pass::StackSize`], [`Pass::CodeSize`] and then
//! [`Pass::Emit`] until [`Emitter::end_pass`] reports that no jump shrank any more. Jump
//! encodings only ever shrink from one pass to the next.

use crate::bc;
use crate::rawcode::Const;
use crate::strmap::StrMap;
use alloc::vec::Vec;

/// Compilation passes, in upstream's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pass {
    /// Identifier analysis; the emitter only records qstrs and constants (first use order).
    Scope = 1,
    /// Maximum stack depth; every jump is assumed to take 3 bytes.
    StackSize = 2,
    /// Code size and label offsets.
    CodeSize = 3,
    /// Final bytes; repeated while the code still shrinks.
    Emit = 4,
}

/// Flag on a loop's break label: breaking out of a `for` must also drop the 4-slot iterator.
pub const BREAK_FROM_FOR: u32 = 0x8000;

/// Number of value-stack slots a `for` loop iterator occupies (`MP_OBJ_ITER_BUF_NSLOTS`).
pub const ITER_BUF_NSLOTS: i32 = 4;

/// Error raised when a jump does not fit the 15-bit encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BytecodeOverflow;

/// Appends the low `k` 7-bit groups of `v` (sign-extended when `signed`), most significant
/// first, each but the last with bit 7 set.
fn push_groups(out: &mut Vec<u8>, v: i64, signed: bool, k: u32) {
    for i in (0..k).rev() {
        let b = if signed {
            (v >> (7 * i)) as u8
        } else {
            ((v as u64) >> (7 * i)) as u8
        } & 0x7f;
        out.push(if i > 0 { b | 0x80 } else { b });
    }
}

/// Appends `val` as a vuint (7 bits per byte, most significant group first).
pub fn encode_uint(out: &mut Vec<u8>, val: u64) {
    let mut k = 1;
    while k < 10 && val >> (7 * k) != 0 {
        k += 1;
    }
    push_groups(out, val as i64, false, k);
}

/// Appends a signed vuint as used by LOAD_CONST_SMALL_INT (bit 6 of the first byte is the sign):
/// the fewest groups whose top bit is the sign.
pub fn encode_int(out: &mut Vec<u8>, num: i64) {
    let mut k = 1;
    while k < 10 && !matches!(num >> (7 * k - 1), 0 | -1) {
        k += 1;
    }
    push_groups(out, num, true, k);
}

/// Prelude signature fields (reference §1.7.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Signature {
    pub n_state: usize,
    pub n_exc_stack: usize,
    pub scope_flags: usize,
    pub n_pos_args: usize,
    pub n_kwonly_args: usize,
    pub n_def_pos_args: usize,
}

/// Appends the bit-interleaved prelude signature.
pub fn encode_signature(out: &mut Vec<u8>, sig: &Signature) {
    let mut s = sig.n_state.wrapping_sub(1);
    let mut e = sig.n_exc_stack;
    let mut f = sig.scope_flags & 0x0f;
    let mut a = sig.n_pos_args;
    let mut k = sig.n_kwonly_args;
    let mut d = sig.n_def_pos_args;
    // First byte: x S S S S E A A
    let mut z = ((s & 0xf) << 3 | (e & 1) << 2 | (a & 3)) as u8;
    s >>= 4;
    e >>= 1;
    a >>= 2;
    while (s | e | f | a | k | d) != 0 {
        out.push(0x80 | z);
        // Following bytes: x F S S K A E D
        z = ((f & 1) << 6 | (s & 3) << 4 | (k & 1) << 3 | (a & 1) << 2 | (e & 1) << 1 | (d & 1))
            as u8;
        s >>= 2;
        e >>= 1;
        f >>= 1;
        a >>= 1;
        k >>= 1;
        d >>= 1;
    }
    out.push(z);
}

/// Decodes a prelude signature, advancing `pos`. `None` on truncated input.
pub fn decode_signature(data: &[u8], pos: &mut usize) -> Option<Signature> {
    let mut z = *data.get(*pos)?;
    *pos += 1;
    let mut s = ((z >> 3) & 0xf) as usize;
    let mut e = ((z >> 2) & 1) as usize;
    let mut f = 0usize;
    let mut a = (z & 3) as usize;
    let mut k = 0usize;
    let mut d = 0usize;
    let mut n = 0u32;
    while z & 0x80 != 0 {
        z = *data.get(*pos)?;
        *pos += 1;
        if n > 24 {
            return None;
        }
        let zz = z as usize;
        s |= (zz & 0x30) << (2 * n);
        e |= (zz & 0x02) << n;
        f |= ((zz & 0x40) >> 6) << n;
        a |= (zz & 0x4) << n;
        k |= ((zz & 0x08) >> 3) << n;
        d |= (zz & 0x1) << n;
        n += 1;
    }
    Some(Signature {
        n_state: s + 1,
        n_exc_stack: e,
        scope_flags: f,
        n_pos_args: a,
        n_kwonly_args: k,
        n_def_pos_args: d,
    })
}

/// Appends the prelude size field: n_info (source-info bytes) and n_cell (closure bytes).
pub fn encode_size(out: &mut Vec<u8>, n_info: usize, n_cell: usize) {
    let mut i = n_info;
    let mut c = n_cell;
    loop {
        let mut z = ((i & 0x3f) << 1 | (c & 1)) as u8;
        c >>= 1;
        i >>= 6;
        if (c | i) != 0 {
            z |= 0x80;
        }
        out.push(z);
        if (c | i) == 0 {
            break;
        }
    }
}

/// Decodes the prelude size field, advancing `pos`: `(n_info, n_cell)`.
pub fn decode_size(data: &[u8], pos: &mut usize) -> Option<(usize, usize)> {
    let mut c = 0usize;
    let mut i = 0usize;
    let mut n = 0u32;
    loop {
        let z = *data.get(*pos)? as usize;
        *pos += 1;
        if n > 9 {
            return None;
        }
        c |= (z & 1) << n;
        i |= ((z & 0x7e) >> 1) << (6 * n);
        n += 1;
        if z & 0x80 == 0 {
            break;
        }
    }
    Some((i, c))
}

/// Decodes a vuint, advancing `pos`.
pub fn decode_uint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for _ in 0..10 {
        let b = *data.get(*pos)?;
        *pos += 1;
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Appends line-table entries for skipping `bytes` of bytecode and `lines` source lines.
pub fn encode_lines(out: &mut Vec<u8>, mut bytes: usize, mut lines: usize) {
    while bytes > 0 || lines > 0 {
        let (b, l);
        if lines <= 6 || bytes > 0xf {
            // 0b0LLBBBBB
            b = bytes.min(0x1f);
            l = if b < bytes { 0 } else { lines.min(3) };
            out.push((b | (l << 5)) as u8);
        } else {
            // 0b1LLLBBBB 0bLLLLLLLL
            b = bytes.min(0xf);
            l = lines.min(0x7ff);
            out.push((0x80 | b | ((l >> 4) & 0x70)) as u8);
            out.push((l & 0xff) as u8);
        }
        bytes -= b;
        lines -= l;
    }
}

/// The module-wide qstr and constant tables, shared by every raw code of one module.
#[derive(Debug, Default)]
pub struct ModuleTables {
    /// The qstrs in first-use order.
    pub qstrs: StrMap,
    pub consts: Vec<Const>,
}

impl ModuleTables {
    /// New tables whose qstr 0 is the source file name.
    pub fn new(source_name: &str) -> Self {
        let mut t = ModuleTables::default();
        t.use_qstr(source_name);
        t
    }

    /// Index of `s` in the qstr table, adding it on first use.
    pub fn use_qstr(&mut self, s: &str) -> usize {
        self.qstrs.add(s).0
    }

    /// Index of `c` in the constant table, adding it unless a strictly equal one exists.
    pub fn use_const(&mut self, c: Const) -> usize {
        if let Some(i) = self.consts.iter().position(|x| strictly_equal(x, &c)) {
            return i;
        }
        self.consts.push(c);
        self.consts.len() - 1
    }
}

/// Type-aware equality used to merge constants (mirrors `strictly_equal` in py/emitcommon.c):
/// `0.0` and `-0.0` differ; NaNs are equal when their bits are.
pub fn strictly_equal(a: &Const, b: &Const) -> bool {
    match (a, b) {
        (Const::None, Const::None)
        | (Const::False, Const::False)
        | (Const::True, Const::True)
        | (Const::Ellipsis, Const::Ellipsis) => true,
        (Const::Str(x), Const::Str(y)) => x == y,
        (Const::Bytes(x), Const::Bytes(y)) => x == y,
        (Const::Int(x), Const::Int(y)) => x == y,
        // Bit equality: keeps 0.0 and -0.0 apart and lets one NaN literal (compiled again in
        // every pass, but a single object upstream) map to one entry.
        (Const::Float(x), Const::Float(y)) | (Const::Complex(x), Const::Complex(y)) => {
            x.to_bits() == y.to_bits()
        }
        (Const::Tuple(x), Const::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| strictly_equal(p, q))
        }
        _ => false,
    }
}

/// What the prelude needs to know about the scope being emitted.
#[derive(Clone, Debug, Default)]
pub struct ScopeInfo<'a> {
    pub num_locals: usize,
    pub exc_stack_size: usize,
    pub scope_flags: usize,
    pub num_pos_args: usize,
    pub num_kwonly_args: usize,
    pub num_def_pos_args: usize,
    pub simple_name: &'a str,
}

/// The bytecode emitter for one scope. Keep it across that scope's passes: it remembers label
/// offsets, the maximum stack depth and the section sizes from the previous pass.
#[derive(Debug)]
pub struct Emitter {
    pass: Pass,
    suppress: bool,
    stack_size: i32,
    pub max_stack_size: usize,
    last_source_line_offset: usize,
    last_source_line: usize,
    label_offsets: Vec<usize>,
    code_info: Vec<u8>,
    bytecode: Vec<u8>,
    code_info_size: usize,
    bytecode_size: usize,
    overflow: bool,
    n_info: usize,
    n_cell: usize,
    n_info_start: usize,
    /// Children made so far in this pass (MAKE_FUNCTION operand).
    cur_child: usize,
    /// Whether line numbers are recorded (off at -O3).
    pub source_lines: bool,
    /// Set when a YIELD is emitted: the scope becomes a generator.
    pub is_generator: bool,
}

impl Default for Emitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Emitter {
    /// Out of line: built for every scope and for the compiler itself.
    #[inline(never)]
    pub fn new() -> Self {
        Emitter {
            pass: Pass::Scope,
            suppress: false,
            stack_size: 0,
            max_stack_size: 0,
            last_source_line_offset: 0,
            last_source_line: 1,
            label_offsets: Vec::new(),
            code_info: Vec::new(),
            bytecode: Vec::new(),
            code_info_size: 0,
            bytecode_size: 0,
            overflow: false,
            n_info: 0,
            n_cell: 0,
            n_info_start: 0,
            cur_child: 0,
            source_lines: true,
            is_generator: false,
        }
    }

    pub fn pass(&self) -> Pass {
        self.pass
    }

    /// Size the label table (labels are numbered from 0 by the compiler, per scope).
    pub fn set_num_labels(&mut self, n: usize) {
        if self.label_offsets.len() < n {
            self.label_offsets.resize(n, 0);
        }
    }

    /// Start a pass: writes the prelude signature, size (from the last pass), name and
    /// argument names. `info.num_locals` and friends must be final for passes after Scope.
    pub fn start_pass(&mut self, pass: Pass, info: &ScopeInfo, t: &mut ModuleTables) {
        self.pass = pass;
        self.stack_size = 0;
        self.suppress = false;
        self.last_source_line_offset = 0;
        self.last_source_line = 1;
        self.overflow = false;
        self.cur_child = 0;
        self.code_info.clear();
        self.bytecode.clear();
        if pass == Pass::Scope {
            self.max_stack_size = 0;
        }
        let mut n_state = info.num_locals + self.max_stack_size;
        if n_state == 0 {
            n_state = 1;
        }
        let sig = Signature {
            n_state,
            n_exc_stack: info.exc_stack_size,
            scope_flags: info.scope_flags,
            n_pos_args: info.num_pos_args,
            n_kwonly_args: info.num_kwonly_args,
            n_def_pos_args: info.num_def_pos_args,
        };
        encode_signature(&mut self.code_info, &sig);
        if pass >= Pass::CodeSize {
            encode_size(&mut self.code_info, self.n_info, self.n_cell);
        }
        self.n_info_start = self.code_info.len();
        let q = t.use_qstr(info.simple_name);
        encode_uint(&mut self.code_info, q as u64);
    }

    /// The prelude's name of the next argument slot (`*` where it holds no parameter): after
    /// [`Emitter::start_pass`], one call per slot, so no list of names is built per pass.
    pub fn arg_name(&mut self, t: &mut ModuleTables, name: &str) {
        let q = t.use_qstr(name);
        encode_uint(&mut self.code_info, q as u64);
    }

    /// End a pass, given the local slots turned into cells at function entry (in id order).
    /// Returns `Ok(true)` when the pass is final, `Ok(false)` when the emit pass must be run
    /// again because the code shrank.
    pub fn end_pass(
        &mut self,
        cells: impl Iterator<Item = usize>,
    ) -> Result<bool, BytecodeOverflow> {
        if self.pass == Pass::Scope {
            return Ok(true);
        }
        self.n_info = self.code_info.len() - self.n_info_start;
        self.n_cell = 0;
        for c in cells {
            self.code_info.push((c & 0xff) as u8);
            self.n_cell += 1;
        }
        match self.pass {
            Pass::CodeSize => {
                self.code_info_size = self.code_info.len();
                self.bytecode_size = self.bytecode.len();
            }
            Pass::Emit => {
                if self.code_info.len() != self.code_info_size
                    || self.bytecode.len() != self.bytecode_size
                {
                    self.code_info_size = self.code_info.len();
                    self.bytecode_size = self.bytecode.len();
                    return Ok(false);
                }
                if self.overflow {
                    return Err(BytecodeOverflow);
                }
            }
            _ => {}
        }
        Ok(true)
    }

    /// The finished `fun_data` (valid after the final emit pass).
    pub fn fun_data(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.code_info.len() + self.bytecode.len());
        v.extend_from_slice(&self.code_info);
        v.extend_from_slice(&self.bytecode);
        v
    }

    /// Current bytecode offset (relative to the first opcode).
    pub fn offset(&self) -> usize {
        self.bytecode.len()
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppress
    }

    pub fn adjust_stack_size(&mut self, delta: i32) {
        if self.pass == Pass::Scope {
            return;
        }
        self.stack_size += delta;
        if self.stack_size > 0 && self.stack_size as usize > self.max_stack_size {
            self.max_stack_size = self.stack_size as usize;
        }
    }

    /// The tracked stack depth, for code whose paths join at a label with a depth other
    /// than the one the straight-line tracking reached.
    pub fn stack_size(&self) -> i32 {
        self.stack_size
    }

    pub fn set_stack_size(&mut self, size: i32) {
        if self.pass == Pass::Scope {
            return;
        }
        self.adjust_stack_size(size - self.stack_size);
    }

    pub fn set_source_line(&mut self, line: usize) {
        if !self.source_lines {
            return;
        }
        if line > self.last_source_line {
            let bytes = self.bytecode.len() - self.last_source_line_offset;
            let lines = line - self.last_source_line;
            encode_lines(&mut self.code_info, bytes, lines);
            self.last_source_line_offset = self.bytecode.len();
            self.last_source_line = line;
        }
    }

    pub fn label_assign(&mut self, label: u32) {
        self.suppress = false;
        if self.pass == Pass::Scope {
            return;
        }
        let l = label as usize;
        if l >= self.label_offsets.len() {
            self.label_offsets.resize(l + 1, 0);
        }
        self.label_offsets[l] = self.bytecode.len();
    }

    // ---- raw writers ----

    fn write_raw(&mut self, bytes: &[u8]) {
        if !self.suppress {
            self.bytecode.extend_from_slice(bytes);
        }
    }

    fn op(&mut self, stack_adj: i32, op: u8) {
        self.adjust_stack_size(stack_adj);
        self.write_raw(&[op]);
    }

    fn op_uint(&mut self, stack_adj: i32, op: u8, val: u64) {
        self.adjust_stack_size(stack_adj);
        if self.suppress {
            return;
        }
        self.bytecode.push(op);
        encode_uint(&mut self.bytecode, val);
    }

    fn op_qstr(&mut self, t: &mut ModuleTables, stack_adj: i32, op: u8, q: &str) {
        // Registered even in dead code and in the scope pass, as upstream does: this fixes
        // the qstr table order.
        let idx = t.use_qstr(q);
        self.op_uint(stack_adj, op, idx as u64);
    }

    fn op_label(&mut self, stack_adj: i32, op: u8, label: u32) {
        self.adjust_stack_size(stack_adj);
        if self.suppress {
            return;
        }
        let is_signed = op <= bc::POP_JUMP_IF_FALSE;
        let mut size = 1usize;
        let mut offset: isize = 0;
        if self.pass >= Pass::CodeSize {
            let target = self.label_offsets.get(label as usize).copied().unwrap_or(0);
            offset = target as isize - self.bytecode.len() as isize - 2;
            if (is_signed && (-64..=63).contains(&offset))
                || (!is_signed && (0..=127).contains(&offset))
            {
                size = 0;
            }
            offset -= size as isize;
        }
        self.bytecode.push(op);
        if size == 0 {
            if is_signed {
                offset += 0x40;
            }
            self.bytecode.push((offset & 0x7f) as u8);
        } else {
            if is_signed {
                offset += 0x4000;
            }
            if self.pass == Pass::Emit && !(0..=0x7fff).contains(&offset) {
                self.overflow = true;
            }
            self.bytecode.push(0x80 | (offset & 0x7f) as u8);
            self.bytecode.push(((offset >> 7) & 0xff) as u8);
        }
    }

    // ---- operations (mirroring the emit method table) ----

    pub fn import_name(&mut self, t: &mut ModuleTables, q: &str) {
        self.op_qstr(t, -1, bc::IMPORT_NAME, q);
    }

    pub fn import_from(&mut self, t: &mut ModuleTables, q: &str) {
        self.op_qstr(t, 1, bc::IMPORT_FROM, q);
    }

    pub fn import_star(&mut self) {
        self.op(-1, bc::IMPORT_STAR);
    }

    pub fn load_const_none(&mut self) {
        self.op(1, bc::LOAD_CONST_NONE);
    }

    pub fn load_const_bool(&mut self, v: bool) {
        self.op(
            1,
            if v {
                bc::LOAD_CONST_TRUE
            } else {
                bc::LOAD_CONST_FALSE
            },
        );
    }

    pub fn load_const_small_int(&mut self, v: i64) {
        if (-16..48).contains(&v) {
            self.op(
                1,
                (i64::from(bc::LOAD_CONST_SMALL_INT_MULTI) + 16 + v) as u8,
            );
        } else {
            self.adjust_stack_size(1);
            if !self.suppress {
                self.bytecode.push(bc::LOAD_CONST_SMALL_INT);
                encode_int(&mut self.bytecode, v);
            }
        }
    }

    pub fn load_const_str(&mut self, t: &mut ModuleTables, q: &str) {
        self.op_qstr(t, 1, bc::LOAD_CONST_STRING, q);
    }

    pub fn load_const_obj(&mut self, t: &mut ModuleTables, c: Const) {
        let idx = t.use_const(c);
        self.op_uint(1, bc::LOAD_CONST_OBJ, idx as u64);
    }

    pub fn load_null(&mut self) {
        self.op(1, bc::LOAD_NULL);
    }

    /// LOAD, STORE or DELETE (`op` 0, 1, 2) of a name by qstr, through the globals when
    /// `global`. The opcodes' layout makes one body serve all six.
    pub fn name_op(&mut self, t: &mut ModuleTables, global: bool, op: u8, q: &str) {
        let (adj, base) = match op {
            0 => (1, bc::LOAD_NAME),
            1 => (-1, bc::STORE_NAME),
            _ => (0, bc::DELETE_NAME),
        };
        self.op_qstr(t, adj, base + global as u8, q);
    }

    /// LOAD, STORE or DELETE (`op` 0, 1, 2) of a local slot, through its cell when `cell`
    /// (the opcodes alternate fast, deref).
    pub fn local_op(&mut self, cell: bool, op: u8, local: usize) {
        let adj = [1, -1, 0][usize::from(op % 3)];
        if !cell && op < 2 && local <= 15 {
            self.op(adj, bc::LOAD_FAST_MULTI + 0x10 * op + local as u8);
        } else {
            self.op_uint(adj, bc::LOAD_FAST_N + 2 * op + cell as u8, local as u64);
        }
    }

    pub fn load_fast(&mut self, local: usize) {
        self.local_op(false, 0, local);
    }

    pub fn load_global(&mut self, t: &mut ModuleTables, q: &str) {
        self.name_op(t, true, 0, q);
    }

    pub fn load_method(&mut self, t: &mut ModuleTables, q: &str, is_super: bool) {
        if is_super {
            self.op_qstr(t, -1, bc::LOAD_SUPER_METHOD, q);
        } else {
            self.op_qstr(t, 1, bc::LOAD_METHOD, q);
        }
    }

    pub fn load_build_class(&mut self) {
        self.op(1, bc::LOAD_BUILD_CLASS);
    }

    pub fn load_subscr(&mut self) {
        self.op(-1, bc::LOAD_SUBSCR);
    }

    pub fn store_subscr(&mut self) {
        self.op(-3, bc::STORE_SUBSCR);
    }

    pub fn delete_subscr(&mut self) {
        self.load_null();
        self.rot_three();
        self.store_subscr();
    }

    pub fn load_attr(&mut self, t: &mut ModuleTables, q: &str) {
        self.op_qstr(t, 0, bc::LOAD_ATTR, q);
    }

    pub fn store_attr(&mut self, t: &mut ModuleTables, q: &str) {
        self.op_qstr(t, -2, bc::STORE_ATTR, q);
    }

    pub fn delete_attr(&mut self, t: &mut ModuleTables, q: &str) {
        self.load_null();
        self.rot_two();
        self.store_attr(t, q);
    }

    pub fn dup_top(&mut self) {
        self.op(1, bc::DUP_TOP);
    }

    pub fn dup_top_two(&mut self) {
        self.op(2, bc::DUP_TOP_TWO);
    }

    pub fn pop_top(&mut self) {
        self.op(-1, bc::POP_TOP);
    }

    pub fn rot_two(&mut self) {
        self.op(0, bc::ROT_TWO);
    }

    pub fn rot_three(&mut self) {
        self.op(0, bc::ROT_THREE);
    }

    pub fn jump(&mut self, label: u32) {
        self.op_label(0, bc::JUMP, label);
        self.suppress = true;
    }

    pub fn pop_jump_if(&mut self, cond: bool, label: u32) {
        let op = if cond {
            bc::POP_JUMP_IF_TRUE
        } else {
            bc::POP_JUMP_IF_FALSE
        };
        self.op_label(-1, op, label);
    }

    pub fn jump_if_or_pop(&mut self, cond: bool, label: u32) {
        let op = if cond {
            bc::JUMP_IF_TRUE_OR_POP
        } else {
            bc::JUMP_IF_FALSE_OR_POP
        };
        self.op_label(-1, op, label);
    }

    /// `break`/`continue`: a plain jump, or UNWIND_JUMP when leaving handler blocks.
    pub fn unwind_jump(&mut self, label: u32, except_depth: usize) {
        let from_for = label & BREAK_FROM_FOR != 0;
        let target = label & !BREAK_FROM_FOR;
        if except_depth == 0 {
            if from_for {
                for _ in 0..ITER_BUF_NSLOTS {
                    self.write_raw(&[bc::POP_TOP]);
                }
            }
            self.op_label(0, bc::JUMP, target);
        } else {
            self.op_label(0, bc::UNWIND_JUMP, target);
            let b = (if from_for { 0x80 } else { 0 }) | (except_depth as u8 & 0x7f);
            self.write_raw(&[b]);
        }
        self.suppress = true;
    }

    pub fn setup_with(&mut self, label: u32) {
        self.op_label(2, bc::SETUP_WITH, label);
    }

    pub fn setup_except(&mut self, label: u32) {
        self.op_label(0, bc::SETUP_EXCEPT, label);
    }

    pub fn setup_finally(&mut self, label: u32) {
        self.op_label(0, bc::SETUP_FINALLY, label);
    }

    pub fn with_cleanup(&mut self, label: u32) {
        self.load_const_none();
        self.label_assign(label);
        self.op(2, bc::WITH_CLEANUP);
        self.adjust_stack_size(-4);
    }

    pub fn async_with_setup_finally(
        &mut self,
        t: &mut ModuleTables,
        label_aexit_no_exc: u32,
        label_finally_block: u32,
        label_ret_unwind_jump: u32,
    ) {
        self.load_const_none();
        self.rot_two();
        self.jump(label_aexit_no_exc);
        self.label_assign(label_finally_block);
        self.dup_top();
        self.load_global(t, "BaseException");
        self.binary_op(bc::binary::EXCEPTION_MATCH);
        self.pop_jump_if(false, label_ret_unwind_jump);
    }

    pub fn end_finally(&mut self) {
        self.op(-1, bc::END_FINALLY);
    }

    pub fn get_iter(&mut self, use_stack: bool) {
        if use_stack {
            self.op(ITER_BUF_NSLOTS - 1, bc::GET_ITER_STACK);
        } else {
            self.op(0, bc::GET_ITER);
        }
    }

    pub fn for_iter(&mut self, label: u32) {
        self.op_label(1, bc::FOR_ITER, label);
    }

    pub fn for_iter_end(&mut self) {
        self.adjust_stack_size(-ITER_BUF_NSLOTS);
    }

    pub fn pop_except_jump(&mut self, label: u32) {
        self.op_label(0, bc::POP_EXCEPT_JUMP, label);
        self.suppress = true;
    }

    pub fn unary_op(&mut self, op: u8) {
        self.op(0, bc::UNARY_OP_MULTI + op);
    }

    /// Binary operator; `NOT_IN`/`IS_NOT` become `IN`/`IS` followed by `NOT`.
    pub fn binary_op(&mut self, op: u8) {
        let (op, invert) = match op {
            bc::binary::NOT_IN => (bc::binary::IN, true),
            bc::binary::IS_NOT => (bc::binary::IS, true),
            _ => (op, false),
        };
        self.op(-1, bc::BINARY_OP_MULTI + op);
        if invert {
            self.op(0, bc::UNARY_OP_MULTI + bc::unary::NOT);
        }
    }

    pub fn build_tuple(&mut self, n: usize) {
        self.op_uint(1 - n as i32, bc::BUILD_TUPLE, n as u64);
    }

    pub fn build_list(&mut self, n: usize) {
        self.op_uint(1 - n as i32, bc::BUILD_LIST, n as u64);
    }

    pub fn build_map(&mut self, n: usize) {
        self.op_uint(1, bc::BUILD_MAP, n as u64);
    }

    pub fn build_set(&mut self, n: usize) {
        self.op_uint(1 - n as i32, bc::BUILD_SET, n as u64);
    }

    pub fn build_slice(&mut self, n: usize) {
        self.op_uint(1 - n as i32, bc::BUILD_SLICE, n as u64);
    }

    pub fn store_map(&mut self) {
        self.op(-2, bc::STORE_MAP);
    }

    /// STORE_COMP; `kind` 0 list, 1 dict, 2 set.
    pub fn store_comp(&mut self, kind: u8, collection_stack_index: usize) {
        let n = if kind == 1 { 1 } else { 0 };
        let arg = ((collection_stack_index + n) << 2) | kind as usize;
        self.op_uint(-1 - n as i32, bc::STORE_COMP, arg as u64);
    }

    pub fn unpack_sequence(&mut self, n: usize) {
        self.op_uint(-1 + n as i32, bc::UNPACK_SEQUENCE, n as u64);
    }

    pub fn unpack_ex(&mut self, n_left: usize, n_right: usize) {
        let arg = n_left | (n_right << 8);
        self.op_uint(
            -1 + n_left as i32 + n_right as i32 + 1,
            bc::UNPACK_EX,
            arg as u64,
        );
    }

    fn alloc_child(&mut self) -> usize {
        let c = self.cur_child;
        self.cur_child += 1;
        c
    }

    /// MAKE_FUNCTION or MAKE_FUNCTION_DEFARGS; returns the child index the new raw code must get.
    pub fn make_function(&mut self, has_defaults: bool) -> usize {
        let c = self.alloc_child();
        if has_defaults {
            self.op_uint(-1, bc::MAKE_FUNCTION_DEFARGS, c as u64);
        } else {
            self.op_uint(1, bc::MAKE_FUNCTION, c as u64);
        }
        c
    }

    /// MAKE_CLOSURE or MAKE_CLOSURE_DEFARGS over `n_closed` cells on the stack.
    pub fn make_closure(&mut self, n_closed: usize, has_defaults: bool) -> usize {
        let c = self.alloc_child();
        let n = n_closed as i32;
        if has_defaults {
            self.op_uint(-2 - n + 1, bc::MAKE_CLOSURE_DEFARGS, c as u64);
        } else {
            self.op_uint(-n + 1, bc::MAKE_CLOSURE, c as u64);
        }
        self.write_raw(&[(n_closed & 0xff) as u8]);
        c
    }

    fn call_helper(&mut self, stack_adj: i32, base: u8, n_pos: usize, n_kw: usize, star: bool) {
        let arg = ((n_kw << 8) | n_pos) as u64;
        if star {
            let adj = stack_adj - (n_pos as i32 + 2 * n_kw as i32 + 1);
            self.op_uint(adj, base + 1, arg);
        } else {
            let adj = stack_adj - (n_pos as i32 + 2 * n_kw as i32);
            self.op_uint(adj, base, arg);
        }
    }

    pub fn call_function(&mut self, n_pos: usize, n_kw: usize, star: bool) {
        self.call_helper(0, bc::CALL_FUNCTION, n_pos, n_kw, star);
    }

    pub fn call_method(&mut self, n_pos: usize, n_kw: usize, star: bool) {
        self.call_helper(-1, bc::CALL_METHOD, n_pos, n_kw, star);
    }

    pub fn return_value(&mut self) {
        self.op(-1, bc::RETURN_VALUE);
        self.suppress = true;
    }

    /// RAISE_LAST (0), RAISE_OBJ (1) or RAISE_FROM (2).
    pub fn raise_varargs(&mut self, n: usize) {
        self.op(-(n as i32), bc::RAISE_LAST + n as u8);
        self.suppress = true;
    }

    pub fn yield_value(&mut self) {
        self.op(0, bc::YIELD_VALUE);
        self.is_generator = true;
    }

    pub fn yield_from(&mut self) {
        self.op(-1, bc::YIELD_FROM);
        self.is_generator = true;
    }

    pub fn start_except_handler(&mut self) {
        self.adjust_stack_size(4);
    }

    pub fn end_except_handler(&mut self) {
        self.adjust_stack_size(-3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn uint(v: u64) -> Vec<u8> {
        let mut o = Vec::new();
        encode_uint(&mut o, v);
        o
    }

    fn int(v: i64) -> Vec<u8> {
        let mut o = Vec::new();
        encode_int(&mut o, v);
        o
    }

    #[test]
    fn vuint_encoding() {
        assert_eq!(uint(0), vec![0]);
        assert_eq!(uint(127), vec![0x7f]);
        assert_eq!(uint(247), vec![0x81, 0x77]);
        let mut p = 0;
        assert_eq!(decode_uint(&[0x81, 0x77], &mut p), Some(247));
        assert_eq!(decode_uint(&[0x81], &mut 0), None);
    }

    #[test]
    fn encodings_are_minimal_at_every_width() {
        // Reference: groups from the bottom until the rest is all sign, plus one group when
        // the top group's bit 6 disagrees with the sign.
        fn reference(v: i64, signed: bool) -> Vec<u8> {
            let mut groups = Vec::new();
            let mut n = v;
            loop {
                groups.push((n & 0x7f) as u8);
                n = if signed {
                    n >> 7
                } else {
                    ((n as u64) >> 7) as i64
                };
                if n == 0 || (signed && n == -1) {
                    break;
                }
            }
            let top = groups.last().copied().unwrap_or(0);
            if signed && ((n == -1) != (top & 0x40 != 0)) {
                groups.push(if n == -1 { 0x7f } else { 0 });
            }
            groups.reverse();
            let last = groups.len() - 1;
            for g in groups.iter_mut().take(last) {
                *g |= 0x80;
            }
            groups
        }
        let mut values = vec![0i64, 1, -1, i64::MIN, i64::MAX];
        for b in 0..64 {
            let p = 1i64.wrapping_shl(b);
            for d in [-1, 0, 1] {
                values.extend([p.wrapping_add(d), p.wrapping_neg().wrapping_add(d)]);
            }
        }
        for v in values {
            assert_eq!(int(v), reference(v, true), "{v}");
            assert_eq!(uint(v as u64), reference(v, false), "{v}");
        }
    }

    #[test]
    fn signed_int_encoding() {
        assert_eq!(int(-17), vec![0x6f]);
        assert_eq!(int(100000), vec![0x86, 0x8d, 0x20]);
        assert_eq!(int(-(1 << 30)), vec![0xfc, 0x80, 0x80, 0x80, 0x00]);
        assert_eq!(int(64), vec![0x80, 0x40]);
    }

    #[test]
    fn signature_encoding() {
        let sig = Signature {
            n_state: 4,
            n_pos_args: 2,
            n_def_pos_args: 1,
            ..Signature::default()
        };
        let mut o = Vec::new();
        encode_signature(&mut o, &sig);
        assert_eq!(o, vec![0x9a, 0x01]);
        assert_eq!(decode_signature(&o, &mut 0), Some(sig));
        let sig2 = decode_signature(&[0xa9, 0x88, 0xc0, 0xc0, 0x40], &mut 0).unwrap_or_default();
        assert_eq!(sig2.n_state, 6);
        assert_eq!(sig2.n_pos_args, 1);
        assert_eq!(sig2.n_kwonly_args, 1);
        assert_eq!(sig2.scope_flags, 0b1110);
        let mut o2 = Vec::new();
        encode_signature(&mut o2, &sig2);
        assert_eq!(o2, vec![0xa9, 0x88, 0xc0, 0xc0, 0x40]);
    }

    #[test]
    fn size_encoding() {
        let mut o = Vec::new();
        encode_size(&mut o, 3, 0);
        assert_eq!(o, vec![0x06]);
        o.clear();
        encode_size(&mut o, 5, 1);
        assert_eq!(o, vec![0x0b]);
        o.clear();
        encode_size(&mut o, 1000, 3);
        assert_eq!(decode_size(&o, &mut 0), Some((1000, 3)));
    }

    #[test]
    fn line_table() {
        let mut o = Vec::new();
        encode_lines(&mut o, 3, 1);
        encode_lines(&mut o, 8, 2);
        assert_eq!(o, vec![0x23, 0x48]);
        o.clear();
        encode_lines(&mut o, 0, 11);
        assert_eq!(o, vec![0x80, 0x0b]);
        o.clear();
        encode_lines(&mut o, 40, 1);
        assert_eq!(o, vec![0x1f, 0x29]);
    }

    #[test]
    fn const_dedup() {
        let mut t = ModuleTables::new("t.py");
        assert_eq!(t.use_const(Const::Float(0.0)), 0);
        assert_eq!(t.use_const(Const::Float(-0.0)), 1);
        assert_eq!(t.use_const(Const::Float(0.0)), 0);
        assert_eq!(t.use_const(Const::Float(f64::NAN)), 2);
        assert_eq!(t.use_const(Const::Float(f64::NAN)), 2);
        assert_eq!(t.use_const(Const::Float(-f64::NAN)), 3);
        assert_eq!(t.use_const(Const::Str("a".into())), 4);
        assert_eq!(t.use_const(Const::Bytes(b"a".to_vec())), 5);
        assert_eq!(t.use_qstr("t.py"), 0);
    }

    /// Hand-drives the emitter through the passes for reference §1.8's module.
    fn run_scope(
        t: &mut ModuleTables,
        info: &ScopeInfo,
        arg_names: &[&str],
        body: &dyn Fn(&mut Emitter, &mut ModuleTables),
    ) -> Vec<u8> {
        let mut e = Emitter::new();
        e.set_num_labels(4);
        let start = |e: &mut Emitter, t: &mut ModuleTables, pass| {
            e.start_pass(pass, info, t);
            for name in arg_names {
                e.arg_name(t, name);
            }
        };
        for pass in [Pass::StackSize, Pass::CodeSize, Pass::Emit] {
            start(&mut e, t, pass);
            body(&mut e, t);
            if pass == Pass::Emit {
                while !e.end_pass(core::iter::empty()).unwrap_or(true) {
                    start(&mut e, t, Pass::Emit);
                    body(&mut e, t);
                }
            } else {
                assert_eq!(e.end_pass(core::iter::empty()), Ok(true));
            }
        }
        e.fun_data()
    }

    #[test]
    fn reference_dump_by_hand() {
        let mut t = ModuleTables::new("t.py");
        let module = ScopeInfo {
            simple_name: "<module>",
            ..ScopeInfo::default()
        };
        let f = ScopeInfo {
            simple_name: "f",
            num_locals: 2,
            num_pos_args: 2,
            num_def_pos_args: 1,
            ..ScopeInfo::default()
        };
        // Scope pass registers the simple names first.
        t.use_qstr("<module>");
        t.use_qstr("f");
        let m = run_scope(&mut t, &module, &[], &|e, t| {
            e.set_source_line(1);
            e.load_const_small_int(1);
            e.name_op(t, false, 1, "x");
            e.set_source_line(2);
            e.load_const_small_int(2);
            e.build_tuple(1);
            e.load_null();
            e.make_function(true);
            e.name_op(t, false, 1, "f");
            e.set_source_line(4);
            e.name_op(t, false, 0, "print");
            e.name_op(t, false, 0, "f");
            e.name_op(t, false, 0, "x");
            e.call_function(1, 0, false);
            e.call_function(1, 0, false);
            e.pop_top();
            e.load_const_none();
            e.return_value();
        });
        let fd = run_scope(&mut t, &f, &["a", "b"], &|e, _t| {
            e.set_source_line(3);
            e.load_fast(0);
            e.load_fast(1);
            e.binary_op(bc::binary::ADD);
            e.return_value();
        });
        assert_eq!(
            m,
            vec![
                0x10, 0x06, 0x01, 0x23, 0x48, 0x81, 0x16, 0x03, 0x82, 0x2a, 0x01, 0x53, 0x33, 0x00,
                0x16, 0x02, 0x11, 0x04, 0x11, 0x02, 0x11, 0x03, 0x34, 0x01, 0x34, 0x01, 0x59, 0x51,
                0x63
            ]
        );
        assert_eq!(
            fd,
            vec![0x9a, 0x01, 0x08, 0x02, 0x05, 0x06, 0x40, 0xb0, 0xb1, 0xf2, 0x63]
        );
        assert_eq!(
            t.qstrs.keys,
            vec!["t.py", "<module>", "f", "x", "print", "a", "b"]
        );
    }

    #[test]
    fn jumps_shrink_over_passes() {
        let mut t = ModuleTables::new("j.py");
        let info = ScopeInfo {
            simple_name: "<module>",
            ..ScopeInfo::default()
        };
        let code = run_scope(&mut t, &info, &[], &|e, _t| {
            e.label_assign(0);
            e.load_const_bool(true);
            e.pop_jump_if(false, 1);
            e.jump(0);
            e.label_assign(1);
            e.load_const_none();
            e.return_value();
        });
        // 52 POP_JUMP_IF_FALSE +2 ; JUMP -5 ; 51 63
        assert_eq!(&code[3..], &[0x52, 0x44, 0x42, 0x42, 0x3b, 0x51, 0x63]);
    }
}
