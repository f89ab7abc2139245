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
    let iters = iters_of(args)?;
    Ok(Value::from_ptr(mem::alloc(Zip {
        base: ObjBase::new(&TYPE),
        iters,
    })?))
}

/// A tuple of an iterator over each of `args` (zip and map).
pub(crate) fn iters_of(args: &[Value]) -> PyResult<Value> {
    let (iters, dst) = crate::objs::tuple::new_uninit(args.len())?;
    for (d, a) in dst.iter_mut().zip(args.iter()) {
        *d = Value::NONE;
        *d = runtime::get_iter(*a)?;
    }
    Ok(iters)
}

/// A tuple of the next item of each iterator in tuple `iters`; `None` once one is
/// exhausted (or there are none). Shared by zip and map.
pub(crate) fn next_of_each(iters: Value) -> PyResult<Option<Value>> {
    // Nested iterators recurse natively through here: bound the depth.
    let _g = crate::objs::list::NestGuard::enter()?;
    let iters = crate::objs::tuple::items(iters).unwrap_or(&mut []);
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

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    match it.downcast::<Zip>(&TYPE) {
        Some(z) => next_of_each(z.iters),
        None => Ok(None),
    }
}

pub static TYPE: Type = Type {
    name: Q::zip,
    flags: flags::ITER_IS_ITERNEXT | flags::BASETYPE,
    make_new: Some(make_new),
    iternext: Some(iter_next),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    #[test]
    fn stops_at_shortest() {
        with_vm(|| {
            let a = crate::objs::range::new(0, 5, 1).unwrap();
            let b = crate::objs::list::new(&[Value::NONE, Value::TRUE]).unwrap();
            let z = make_new(&TYPE, &[a, b], &[]).unwrap();
            let first = runtime::iter_next(z).unwrap().unwrap();
            let items = crate::objs::tuple::items(first).unwrap();
            assert_eq!(items, &[Value::small_int(0), Value::NONE]);
            assert!(runtime::iter_next(z).unwrap().is_some());
            assert!(runtime::iter_next(z).unwrap().is_none());
            let empty = make_new(&TYPE, &[], &[]).unwrap();
            assert!(runtime::iter_next(empty).unwrap().is_none());
            assert!(make_new(&TYPE, &[Value::small_int(1)], &[]).is_err());
        });
    }
}
