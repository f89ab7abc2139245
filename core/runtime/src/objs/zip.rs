//! `zip(*iterables)`: tuples of the next item of every iterable, until the shortest ends.

use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::runtime;
use crate::value::Value;

/// The iterators live in a tuple so the collector sees them through one field.
#[repr(C)]
pub struct Zip {
    pub base: ObjBase,
    pub iters: Value,
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::objs::list::check_args(args, kw, 0, usize::MAX)?;
    let (iters, dst) = crate::objs::tuple::new_uninit(args.len())?;
    for (d, a) in dst.iter_mut().zip(args.iter()) {
        *d = Value::NONE;
        *d = runtime::get_iter(*a)?;
    }
    Ok(Value::from_ptr(mem::alloc(Zip {
        base: ObjBase::new(&TYPE),
        iters,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    // Nested iterators recurse natively through here: bound the depth.
    let _g = crate::objs::list::NestGuard::enter()?;
    let Some(z) = it.downcast::<Zip>(&TYPE) else {
        return Ok(None);
    };
    let iters = crate::objs::tuple::items(z.iters).unwrap_or(&mut []);
    if iters.is_empty() {
        return Ok(None);
    }
    let (r, dst) = crate::objs::tuple::new_uninit(iters.len())?;
    for d in dst.iter_mut() {
        *d = Value::NONE;
    }
    for (d, i) in dst.iter_mut().zip(iters.iter()) {
        match runtime::iter_next(*i)? {
            Some(x) => *d = x,
            None => return Ok(None),
        }
    }
    Ok(Some(r))
}

pub static TYPE: Type = Type {
    name: Q::zip,
    flags: flags::ITER_IS_ITERNEXT | flags::BASETYPE,
    make_new: Some(make_new),
    iternext: Some(iter_next),
    ..Type::EMPTY
};
