//! Generic iterators: over any object with `__getitem__` (until IndexError), and the
//! callable/sentinel form of `iter(f, sentinel)`.

use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct GetItemIter {
    pub base: ObjBase,
    pub obj: Value,
    pub index: usize,
}

pub fn new_getitem_iter(obj: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(GetItemIter {
        base: ObjBase::new(&GETITEM_ITER_TYPE),
        obj,
        index: 0,
    })?))
}

fn getitem_next(it: Value) -> PyResult<Option<Value>> {
    // SAFETY: only installed on GETITEM_ITER_TYPE.
    let s: &mut GetItemIter = unsafe { it.downcast_unchecked() };
    match crate::runtime::subscr(s.obj, Value::small_int(s.index as isize)) {
        Ok(v) => {
            s.index += 1;
            Ok(Some(v))
        }
        Err(e) => {
            if crate::runtime::is_instance(e.0, &crate::objs::exception::INDEX_ERROR)
                || crate::runtime::is_instance(e.0, &crate::objs::exception::STOP_ITERATION)
            {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

pub static GETITEM_ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(getitem_next),
    ..Type::EMPTY
};

/// `iter(callable, sentinel)`: calls `callable()` until it returns `sentinel`.
#[repr(C)]
pub struct CallableIter {
    pub base: ObjBase,
    pub fun: Value,
    /// The sentinel, or NULL once the iterator has finished.
    pub sentinel: Value,
}

pub fn new_callable_iter(fun: Value, sentinel: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(CallableIter {
        base: ObjBase::new(&CALLABLE_ITER_TYPE),
        fun,
        sentinel,
    })?))
}

fn callable_next(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<CallableIter>(&CALLABLE_ITER_TYPE) else {
        return Ok(None);
    };
    if s.sentinel.is_null() {
        return Ok(None);
    }
    let v = crate::runtime::call0(s.fun)?;
    if crate::runtime::equal(v, s.sentinel)? {
        s.sentinel = Value::NULL;
        return Ok(None);
    }
    Ok(Some(v))
}

pub static CALLABLE_ITER_TYPE: Type = Type {
    name: Q::callable_iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(callable_next),
    ..Type::EMPTY
};

/// Iterator over a sequence with an item accessor (list, tuple): reads the item at the
/// current index on every step, so it sees the sequence as it is now, like upstream's.
#[repr(C)]
pub struct SeqIter {
    pub base: ObjBase,
    pub seq: Value,
    pub index: usize,
    pub at: crate::objs::list::ItemAt,
}

pub fn new_seq_iter(seq: Value, at: crate::objs::list::ItemAt) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(SeqIter {
        base: ObjBase::new(&SEQ_ITER_TYPE),
        seq,
        index: 0,
        at,
    })?))
}

/// [`new_seq_iter`] placed in `buf` (see `runtime::get_iter_buf`).
pub fn seq_iter_in(
    seq: Value,
    at: crate::objs::list::ItemAt,
    buf: &mut crate::runtime::IterBuf,
) -> Value {
    crate::runtime::place_iter(
        buf,
        SeqIter {
            base: ObjBase::new(&SEQ_ITER_TYPE),
            seq,
            index: 0,
            at,
        },
    )
}

fn seq_next(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<SeqIter>(&SEQ_ITER_TYPE) else {
        return Ok(None);
    };
    match (s.at)(s.seq, s.index) {
        Some(x) => {
            s.index += 1;
            Ok(Some(x))
        }
        None => Ok(None),
    }
}

pub static SEQ_ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(seq_next),
    ..Type::EMPTY
};
