//! `map(function, *iterables)`: calls `function` on the next item of every iterable.

use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::raise;
use crate::runtime;
use crate::value::Value;

#[repr(C)]
pub struct Map {
    pub base: ObjBase,
    pub fun: Value,
    /// Tuple of iterators.
    pub iters: Value,
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::objs::list::check_args(args, kw, 2, usize::MAX)?;
    let Some((fun, rest)) = args.split_first() else {
        return Err(raise::type_error(
            "function missing 2 required positional arguments",
        ));
    };
    let (iters, dst) = crate::objs::tuple::new_uninit(rest.len())?;
    for (d, a) in dst.iter_mut().zip(rest.iter()) {
        *d = Value::NONE;
        *d = runtime::get_iter(*a)?;
    }
    Ok(Value::from_ptr(mem::alloc(Map {
        base: ObjBase::new(&TYPE),
        fun: *fun,
        iters,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    // Nested iterators recurse natively through here: bound the depth.
    let _g = crate::objs::list::NestGuard::enter()?;
    let Some(m) = it.downcast::<Map>(&TYPE) else {
        return Ok(None);
    };
    let iters = crate::objs::tuple::items(m.iters).unwrap_or(&mut []);
    // Arguments go in a tuple: GC-visible, and sized for any number of iterables.
    let (argt, args) = crate::objs::tuple::new_uninit(iters.len())?;
    for a in args.iter_mut() {
        *a = Value::NONE;
    }
    for (a, i) in args.iter_mut().zip(iters.iter()) {
        match runtime::iter_next(*i)? {
            Some(x) => *a = x,
            None => return Ok(None),
        }
    }
    let r = runtime::call(m.fun, args, &[]);
    core::hint::black_box(argt);
    r.map(Some)
}

pub static TYPE: Type = Type {
    name: Q::map,
    flags: flags::ITER_IS_ITERNEXT | flags::BASETYPE,
    make_new: Some(make_new),
    iternext: Some(iter_next),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn add(a: Value, b: Value) -> PyResult<Value> {
        runtime::binary_op(upy_compiler::bc::binary::ADD, a, b)
    }

    #[test]
    fn calls_with_one_item_of_each() {
        with_vm(|| {
            let f = crate::fun!(map, F2(add));
            let a = crate::objs::range::new(0, 3, 1).unwrap();
            let b = crate::objs::range::new(10, 12, 1).unwrap();
            let m = make_new(&TYPE, &[f, a, b], &[]).unwrap();
            assert_eq!(runtime::iter_next(m).unwrap(), Some(Value::small_int(10)));
            assert_eq!(runtime::iter_next(m).unwrap(), Some(Value::small_int(12)));
            assert_eq!(runtime::iter_next(m).unwrap(), None);
            assert!(make_new(&TYPE, &[f], &[]).is_err());
        });
    }
}
