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
    let iters = crate::objs::zip::iters_of(rest)?;
    Ok(Value::from_ptr(mem::alloc(Map {
        base: ObjBase::new(&TYPE),
        fun: *fun,
        iters,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    let Some(m) = it.downcast::<Map>(&TYPE) else {
        return Ok(None);
    };
    // The arguments are a tuple: GC-visible, and sized for any number of iterables.
    let Some(argt) = crate::objs::zip::next_of_each(m.iters)? else {
        return Ok(None);
    };
    let args = crate::objs::tuple::items(argt).unwrap_or(&mut []);
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
