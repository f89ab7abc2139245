//! `gc`: control of the garbage collector (py/modgc.c).

use crate::obj::PyResult;
use crate::objs::module::Module;
use crate::qstr::{Qstr, Q};
use crate::state;
use crate::value::Value;

fn collect() -> PyResult<Value> {
    let freed = state::get().heap.collect();
    Ok(Value::small_int(freed as isize))
}

fn enable() -> PyResult<Value> {
    state::get().heap.auto_collect = true;
    Ok(Value::NONE)
}

fn disable() -> PyResult<Value> {
    state::get().heap.auto_collect = false;
    Ok(Value::NONE)
}

fn isenabled() -> PyResult<Value> {
    Ok(Value::from_bool(state::get().heap.auto_collect))
}

fn mem_free() -> PyResult<Value> {
    Ok(Value::small_int(state::get().heap.info().free as isize))
}

fn mem_alloc() -> PyResult<Value> {
    Ok(Value::small_int(state::get().heap.info().used as isize))
}

fn threshold(args: &[Value]) -> PyResult<Value> {
    let h = &mut state::get().heap;
    match args.first() {
        None => Ok(Value::small_int(
            h.threshold.map(|t| t as isize).unwrap_or(-1),
        )),
        Some(v) => {
            let n = v
                .as_small_int()
                .ok_or_else(|| crate::raise::type_error("can't convert to int"))?;
            let bb = crate::gc::BLOCK_BYTES;
            h.threshold = if n < 0 {
                None
            } else {
                Some(n as usize / bb * bb)
            };
            Ok(Value::NONE)
        }
    }
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::gc)),
    crate::entry!(collect, crate::fun!(collect, F0(collect))),
    crate::entry!(disable, crate::fun!(disable, F0(disable))),
    crate::entry!(enable, crate::fun!(enable, F0(enable))),
    crate::entry!(isenabled, crate::fun!(isenabled, F0(isenabled))),
    crate::entry!(mem_alloc, crate::fun!(mem_alloc, F0(mem_alloc))),
    crate::entry!(mem_free, crate::fun!(mem_free, F0(mem_free))),
    crate::entry!(
        threshold,
        crate::fun!(
            threshold,
            Var {
                min: 0,
                max: 1,
                f: threshold
            }
        )
    ),
];

pub static MODULE: Module = Module::new_static(Q::gc, crate::locals!(GLOBALS));
