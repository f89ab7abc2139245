//! Loaded code: turns a compiler [`CompiledModule`] (or a parsed `.mpy`) into runtime
//! objects on the GC heap — the module context (qstr table, constant table) and one
//! [`RawCode`] per function with its prelude decoded once — as MicroPython's
//! py/emitglue.c and py/persistentcode.c do.

use crate::mem;
use crate::obj::PyResult;
use crate::qstr::Qstr;
use crate::value::Value;
use upy_compiler::emit;
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

fn load_raw_code(src: &SrcRawCode, ctx: &Context, checked: bool) -> PyResult<*const RawCode> {
    let bad = || crate::raise::value_error("incompatible .mpy file");
    let len = src.fun_data.len();
    let data = mem::alloc_array::<u8>(len.max(1))?;
    // SAFETY: fresh buffer of len bytes.
    unsafe { core::ptr::copy_nonoverlapping(src.fun_data.as_ptr(), data, len) };
    // The prelude is read with the compiler's own decoders (the `.mpy` verifier's too).
    let bytes = &src.fun_data[..];
    let mut i = 0;
    let p = emit::decode_signature(bytes, &mut i).ok_or_else(bad)?;
    let (n_info, n_cell) = emit::decode_size(bytes, &mut i).ok_or_else(bad)?;
    let info_start = i;
    let name_idx = emit::decode_uint(bytes, &mut i).ok_or_else(bad)?;
    let n_args = p.n_pos_args + p.n_kwonly_args;
    let names = mem::alloc_array::<Qstr>(n_args.max(1))?;
    for j in 0..n_args {
        let q = emit::decode_uint(bytes, &mut i).ok_or_else(bad)?;
        // SAFETY: names has n_args slots.
        unsafe { *names.add(j) = ctx.qstr(q as usize) };
    }
    let line_info = i;
    let closure_start = info_start + n_info;
    let code_start = closure_start + n_cell;
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
        scope_flags: p.scope_flags as u8,
        n_pos_args: p.n_pos_args,
        n_kwonly_args: p.n_kwonly_args,
        n_def_pos_args: p.n_def_pos_args,
        name: ctx.qstr(name_idx as usize),
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
