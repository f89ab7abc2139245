//! Generators (and coroutines, which MicroPython implements as generators): a heap object
//! holding a suspended frame. `send`, `throw` and `close` resume it (py/objgenerator.c).

use crate::obj::{flags, ObjBase, Print, PrintKind, PyErr, PyResult, Type};
use crate::objs::exception;
use crate::objs::function::{self, Function};
use crate::qstr::Q;
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vm::{self, Frame, Ret};

#[repr(C)]
pub struct Generator {
    pub base: ObjBase,
    pub frame: Frame,
    pub running: bool,
    pub finished: bool,
    pub started: bool,
    /// Exception queued by `pend_throw`, thrown at the next resume (NULL: none).
    pub pending: Value,
}

pub fn new(fv: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let f: &Function = function::get(fv).ok_or_else(|| raise::type_error("not a function"))?;
    let code = f.code();
    let words = Frame::words_for(code);
    let mem = crate::mem::alloc_array::<Value>(words.max(1))?;
    let mut frame = Frame::empty();
    frame.code = code;
    // SAFETY: `mem` holds `words` words owned by the generator's allocation chain.
    unsafe { frame.attach(mem) };
    // SAFETY: mem holds n_state zeroed (NULL) values.
    let state = unsafe { core::slice::from_raw_parts_mut(mem, code.n_state) };
    function::bind_args(f, state, args, kw)?;
    function::init_frame(&mut frame, fv, f, Value::NULL);
    let g = crate::mem::alloc(Generator {
        base: ObjBase::new(&TYPE),
        frame,
        running: false,
        finished: false,
        started: false,
        pending: Value::NULL,
    })?;
    Ok(Value::from_ptr(g))
}

fn get(v: Value) -> PyResult<&'static mut Generator> {
    v.downcast(&TYPE)
        .ok_or_else(|| raise::type_error("expected a generator"))
}

/// Resume with `send` (or inject `throw`). Ok(Yield) = suspended again; Ok(Return) = done.
pub fn resume(gv: Value, send: Value, throw: Option<Value>) -> PyResult<Ret> {
    let g = get(gv)?;
    let mut throw = throw;
    if throw.is_none() && !g.pending.is_null() && !g.running {
        throw = Some(g.pending);
        g.pending = Value::NULL;
    }
    if g.finished {
        if let Some(t) = throw {
            return Err(vm::make_raise_obj(t));
        }
        return Ok(Ret::Return(Value::NONE));
    }
    if g.running {
        return Err(raise::value_error("generator already executing"));
    }
    if !g.started {
        if throw.is_none() && !send.is_none() && !send.is_null() {
            return Err(raise::type_error(
                "can't send non-None value to a just-started generator",
            ));
        }
    } else if throw.is_none() {
        // The value of the suspended yield expression.
        // SAFETY: sp indexes the yielded value's slot in the frame state.
        unsafe {
            *g.frame.state.offset(g.frame.sp) = if send.is_null() { Value::NONE } else { send }
        };
    }
    g.started = true;
    g.running = true;
    // The raw thrown value: a `yield from` passes it on to its delegate unconverted.
    let inject = throw.map(PyErr);
    vm::check_stack()?;
    let st = crate::state::get();
    let saved = st.roots.cur_globals;
    st.roots.cur_globals = g.frame.globals;
    let r = vm::execute(&mut g.frame, inject);
    crate::state::get().roots.cur_globals = saved;
    g.running = false;
    match r {
        Ok(Ret::Yield(v)) => Ok(Ret::Yield(v)),
        Ok(Ret::Return(v)) => {
            g.finished = true;
            Ok(Ret::Return(v))
        }
        Err(e) => {
            g.finished = true;
            if runtime::is_instance(e.0, &exception::STOP_ITERATION) {
                return Err(raise::runtime_error("generator raised StopIteration"));
            }
            Err(e)
        }
    }
}

fn iternext(gv: Value) -> PyResult<Option<Value>> {
    match resume(gv, Value::NONE, None)? {
        Ret::Yield(v) => Ok(Some(v)),
        Ret::Return(v) if v.is_none() => Ok(None),
        Ret::Return(v) => Err(raise::stop_iteration(v)),
    }
}

fn send(gv: Value, v: Value) -> PyResult<Value> {
    match resume(gv, v, None)? {
        Ret::Yield(v) => Ok(v),
        Ret::Return(v) => Err(raise::stop_iteration(v)),
    }
}

fn throw(args: &[Value]) -> PyResult<Value> {
    let gv = args[0];
    let mut exc = args[1];
    if args.len() > 2 && crate::objs::r#type::as_type(exc).is_some() && !args[2].is_none() {
        exc = if exception::is_exception(args[2]) {
            args[2]
        } else {
            runtime::call(exc, &[args[2]], &[])?
        };
    }
    match resume(gv, Value::NONE, Some(exc))? {
        Ret::Yield(v) => Ok(v),
        Ret::Return(v) => Err(raise::stop_iteration(v)),
    }
}

fn close(gv: Value) -> PyResult<Value> {
    let g = get(gv)?;
    if g.finished || !g.started {
        g.finished = true;
        return Ok(Value::NONE);
    }
    let ge = Value::from_static(&exception::GENERATOR_EXIT);
    match resume(gv, Value::NONE, Some(ge)) {
        Ok(Ret::Yield(_)) => Err(raise::runtime_error("generator ignored GeneratorExit")),
        Ok(Ret::Return(_)) => Ok(Value::NONE),
        Err(PyErr(e))
            if runtime::is_instance(e, &exception::GENERATOR_EXIT)
                || runtime::is_instance(e, &exception::STOP_ITERATION) =>
        {
            Ok(Value::NONE)
        }
        Err(e) => Err(e),
    }
}

fn print(out: &mut dyn Print, gv: Value, _k: PrintKind) -> PyResult<()> {
    let name = get(gv)
        .ok()
        .and_then(|g| function::get(g.frame.fun))
        .map(|f| f.code().name.as_str())
        .unwrap_or("?");
    out.write_str("<generator object '")?;
    out.write_str(name)?;
    out.write_str("' at ")?;
    crate::objs::str::print_hex(out, gv.bits())?;
    out.write_str(">")
}

fn pend_throw(gv: Value, v: Value) -> PyResult<Value> {
    let g = get(gv)?;
    if g.running {
        return Err(raise::value_error("generator already executing"));
    }
    let prev = if g.pending.is_null() {
        Value::NONE
    } else {
        g.pending
    };
    g.pending = if v.is_none() { Value::NULL } else { v };
    Ok(prev)
}

static LOCALS: [(crate::qstr::Qstr, Value); 4] = [
    crate::entry!(close, crate::fun!(close, F1(close))),
    crate::entry!(pend_throw, crate::fun!(pend_throw, F2(pend_throw))),
    crate::entry!(send, crate::fun!(send, F2(send))),
    crate::entry!(
        throw,
        crate::fun!(
            throw,
            Var {
                min: 2,
                max: 4,
                f: throw
            }
        )
    ),
];

pub static TYPE: Type = Type {
    name: Q::generator,
    flags: flags::ITER_IS_ITERNEXT,
    print: Some(print),
    iternext: Some(iternext),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};
