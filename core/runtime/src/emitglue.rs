//! Loaded code: turns a compiler [`CompiledModule`] (or a parsed `.mpy`) into runtime
//! objects on the GC heap — the module context (qstr table, constant table) and one
//! [`RawCode`] per function with its prelude decoded once — as MicroPython's
//! py/emitglue.c and py/persistentcode.c do.

use crate::mem;
use crate::obj::PyResult;
use crate::qstr::Qstr;
use crate::value::Value;
use upy_compiler::rawcode::{CompiledModule, Const, RawCode as SrcRawCode};

/// Tables shared by every function of one module.
#[repr(C)]
pub struct Context {
    pub globals: Value,
    pub qstrs: *const Qstr,
    pub n_qstrs: usize,
    pub consts: *const Value,
    pub n_consts: usize,
}

impl Context {
    #[inline(always)]
    pub fn qstr(&self, i: usize) -> Qstr {
        if i < self.n_qstrs {
            // SAFETY: bounds checked.
            unsafe { *self.qstrs.add(i) }
        } else {
            Qstr(1)
        }
    }

    #[inline(always)]
    pub fn constant(&self, i: usize) -> Value {
        if i < self.n_consts {
            // SAFETY: bounds checked.
            unsafe { *self.consts.add(i) }
        } else {
            Value::NONE
        }
    }

    pub fn source_file(&self) -> Qstr {
        self.qstr(0)
    }
}

/// One function's bytecode with its decoded prelude.
#[repr(C)]
pub struct RawCode {
    pub fun_data: *const u8,
    pub len: usize,
    pub children: *const *const RawCode,
    pub n_children: usize,
    /// Argument names as qstrs, positional then keyword-only.
    pub arg_names: *const Qstr,
    pub n_state: usize,
    pub n_exc_stack: usize,
    pub scope_flags: u8,
    pub n_pos_args: usize,
    pub n_kwonly_args: usize,
    pub n_def_pos_args: usize,
    /// Function name (qstr, resolved through the module table).
    pub name: Qstr,
    /// Offsets into fun_data: line-number table [line_info, closure_start), cell slots
    /// [closure_start, code_start), opcodes [code_start, len).
    pub line_info: usize,
    pub closure_start: usize,
    pub code_start: usize,
    /// Bytecode from a `.mpy` file: its stack depth is not proven by our compiler, so the
    /// VM bounds-checks its stack accesses (see vm.rs).
    pub checked: bool,
    /// The raw code whose MAKE_FUNCTION/MAKE_CLOSURE creates this one (NULL for a module,
    /// and for frozen code): `sys.settrace` reports a first call at the defining line.
    pub parent: *const RawCode,
}

// SAFETY: a raw code is immutable once built; frozen ones (see `frozen.rs`) are `static`
// and only read, and the runtime is single-threaded.
unsafe impl Sync for RawCode {}

impl RawCode {
    pub fn bytes(&self) -> &'static [u8] {
        // SAFETY: fun_data holds len bytes for the life of this raw code.
        unsafe { core::slice::from_raw_parts(self.fun_data, self.len) }
    }

    pub fn child(&self, i: usize) -> Option<&'static RawCode> {
        if i < self.n_children {
            // SAFETY: bounds checked; children are valid RawCodes.
            Some(unsafe { &**self.children.add(i) })
        } else {
            None
        }
    }

    pub fn arg_name(&self, i: usize) -> Qstr {
        // SAFETY: arg_names holds n_pos_args + n_kwonly_args entries.
        unsafe { *self.arg_names.add(i) }
    }

    /// Local slots that become cells at function entry.
    pub fn cell_slots(&self) -> &'static [u8] {
        self.bytes()
            .get(self.closure_start..self.code_start)
            .unwrap_or(&[])
    }

    /// Source line for the opcode at `offset` (bytes from the first opcode).
    pub fn line_of(&self, offset: usize) -> usize {
        let table = self
            .bytes()
            .get(self.line_info..self.closure_start)
            .unwrap_or(&[]);
        let mut line = 1usize;
        let mut rem = offset;
        let mut i = 0;
        while i < table.len() {
            let b = table[i];
            let (bc, ln, adv) = if b & 0x80 == 0 {
                ((b & 0x1f) as usize, ((b >> 5) & 3) as usize, 1)
            } else {
                let b2 = *table.get(i + 1).unwrap_or(&0) as usize;
                ((b & 0x0f) as usize, (((b as usize) << 4) & 0x700) | b2, 2)
            };
            if rem < bc {
                break;
            }
            rem -= bc;
            line += ln;
            i += adv;
        }
        line
    }
}

/// Error decoding a function prelude from untrusted bytes.
#[derive(Debug)]
pub struct BadCode;

/// Read a vuint at `*i`; advances `*i`.
pub fn read_vuint(b: &[u8], i: &mut usize) -> Result<usize, BadCode> {
    let mut v: usize = 0;
    for _ in 0..10 {
        let x = *b.get(*i).ok_or(BadCode)?;
        *i += 1;
        v = (v << 7) | (x & 0x7f) as usize;
        if x & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(BadCode)
}

struct Prelude {
    n_state: usize,
    n_exc_stack: usize,
    scope_flags: u8,
    n_pos_args: usize,
    n_kwonly_args: usize,
    n_def_pos_args: usize,
    n_info: usize,
    n_cell: usize,
    after_size: usize,
}

fn decode_prelude(b: &[u8]) -> Result<Prelude, BadCode> {
    let mut i = 0;
    let z = *b.first().ok_or(BadCode)?;
    i += 1;
    let mut s = ((z >> 3) & 0xf) as usize;
    let mut e = ((z >> 2) & 1) as usize;
    let mut f = 0usize;
    let mut a = (z & 3) as usize;
    let mut k = 0usize;
    let mut d = 0usize;
    let mut n = 0;
    let mut zz = z;
    while zz & 0x80 != 0 {
        zz = *b.get(i).ok_or(BadCode)?;
        i += 1;
        if n > 8 {
            return Err(BadCode);
        }
        s |= (((zz >> 4) & 3) as usize) << (4 + 2 * n);
        e |= (((zz >> 1) & 1) as usize) << (1 + n);
        f |= (((zz >> 6) & 1) as usize) << n;
        a |= (((zz >> 2) & 1) as usize) << (2 + n);
        k |= (((zz >> 3) & 1) as usize) << n;
        d |= ((zz & 1) as usize) << n;
        n += 1;
    }
    let mut n_info = 0usize;
    let mut n_cell = 0usize;
    let mut n = 0;
    loop {
        let zz = *b.get(i).ok_or(BadCode)?;
        i += 1;
        n_info |= (((zz >> 1) & 0x3f) as usize) << (6 * n);
        n_cell |= ((zz & 1) as usize) << n;
        n += 1;
        if zz & 0x80 == 0 || n > 8 {
            break;
        }
    }
    Ok(Prelude {
        n_state: s + 1,
        n_exc_stack: e,
        scope_flags: f as u8,
        n_pos_args: a,
        n_kwonly_args: k,
        n_def_pos_args: d,
        n_info,
        n_cell,
        after_size: i,
    })
}

fn load_raw_code(src: &SrcRawCode, ctx: &Context, checked: bool) -> PyResult<*const RawCode> {
    let bad = || crate::raise::value_error("incompatible .mpy file");
    let len = src.fun_data.len();
    let data = mem::alloc_array::<u8>(len.max(1))?;
    // SAFETY: fresh buffer of len bytes.
    unsafe { core::ptr::copy_nonoverlapping(src.fun_data.as_ptr(), data, len) };
    let bytes = &src.fun_data[..];
    let p = decode_prelude(bytes).map_err(|_| bad())?;
    let mut i = p.after_size;
    let info_start = i;
    let name_idx = read_vuint(bytes, &mut i).map_err(|_| bad())?;
    let n_args = p.n_pos_args + p.n_kwonly_args;
    let names = mem::alloc_array::<Qstr>(n_args.max(1))?;
    for j in 0..n_args {
        let q = read_vuint(bytes, &mut i).map_err(|_| bad())?;
        // SAFETY: names has n_args slots.
        unsafe { *names.add(j) = ctx.qstr(q) };
    }
    let line_info = i;
    let closure_start = info_start + p.n_info;
    let code_start = closure_start + p.n_cell;
    if line_info > closure_start || code_start > len {
        return Err(bad());
    }
    let n_children = src.children.len();
    let children = mem::alloc_array::<*const RawCode>(n_children.max(1))?;
    let rc = mem::alloc(RawCode {
        fun_data: data,
        len,
        children,
        n_children: 0,
        arg_names: names,
        n_state: p.n_state,
        n_exc_stack: p.n_exc_stack,
        scope_flags: p.scope_flags,
        n_pos_args: p.n_pos_args,
        n_kwonly_args: p.n_kwonly_args,
        n_def_pos_args: p.n_def_pos_args,
        name: ctx.qstr(name_idx),
        line_info,
        closure_start,
        code_start,
        checked,
        parent: core::ptr::null(),
    })?;
    for (j, c) in src.children.iter().enumerate() {
        let child = load_raw_code(c, ctx, checked)?;
        // SAFETY: children has n_children slots; rc and child are ours.
        unsafe {
            *children.add(j) = child;
            (*rc).n_children = j + 1;
            (*(child as *mut RawCode)).parent = rc;
        }
    }
    Ok(rc)
}

fn load_const(c: &Const) -> PyResult<Value> {
    Ok(match c {
        Const::None => Value::NONE,
        Const::False => Value::FALSE,
        Const::True => Value::TRUE,
        Const::Ellipsis => crate::objs::singletons::ellipsis(),
        Const::Str(s) => crate::objs::str::new(s)?,
        Const::Bytes(b) => crate::objs::str::new_bytes(b)?,
        Const::Int(s) => crate::objs::int::parse_literal(s)?,
        Const::Float(f) => crate::objs::float::new(crate::objs::float::narrow(*f))?,
        Const::Complex(im) => crate::objs::complex::new(0.0, crate::objs::float::narrow(*im))?,
        Const::Tuple(items) => {
            let (t, dst) = crate::objs::tuple::new_uninit(items.len())?;
            for (i, it) in items.iter().enumerate() {
                dst[i] = load_const(it)?;
            }
            t
        }
    })
}

/// Load a compiled module: intern its names, build its constants, and return the context
/// (with `globals` as its namespace) and the top-level raw code.
pub fn load(module: &CompiledModule, globals: Value) -> PyResult<(*const Context, *const RawCode)> {
    load_with(module, globals, false)
}

/// [`load`] for a module read from a `.mpy` file: its code runs with checked stack accesses.
pub fn load_mpy(
    module: &CompiledModule,
    globals: Value,
) -> PyResult<(*const Context, *const RawCode)> {
    load_with(module, globals, true)
}

fn load_with(
    module: &CompiledModule,
    globals: Value,
    checked: bool,
) -> PyResult<(*const Context, *const RawCode)> {
    let nq = module.qstrs.len();
    let qstrs = mem::alloc_array::<Qstr>(nq.max(1))?;
    for (i, s) in module.qstrs.iter().enumerate() {
        let q = Qstr::intern(s).ok_or_else(mem::oom)?;
        // SAFETY: qstrs has nq slots.
        unsafe { *qstrs.add(i) = q };
    }
    let nc = module.consts.len();
    let consts = mem::alloc_array::<Value>(nc.max(1))?;
    let ctx = mem::alloc(Context {
        globals,
        qstrs,
        n_qstrs: nq,
        consts,
        n_consts: 0,
    })?;
    for (i, c) in module.consts.iter().enumerate() {
        let v = load_const(c)?;
        // SAFETY: consts has nc slots; ctx is ours.
        unsafe {
            *consts.add(i) = v;
            (*ctx).n_consts = i + 1;
        }
    }
    // SAFETY: ctx was just allocated and initialised.
    let rc = load_raw_code(&module.top, unsafe { &*ctx }, checked)?;
    Ok((ctx, rc))
}
