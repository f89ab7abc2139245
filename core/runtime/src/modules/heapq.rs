//! `heapq`: a binary min-heap kept in a list (extmod/modheapq.c): `heappush`, `heappop`,
//! `heapify`, ordering items with `<` only, as CPython's heapq does.

use crate::obj::PyResult;
use crate::objs::{list, module::Module};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::binary as op;

fn heap(v: Value) -> PyResult<Value> {
    if list::get(v).is_none() {
        return Err(raise::type_error("heap must be a list"));
    }
    Ok(v)
}

/// Item `i` of the heap list (None if the list shrank under a comparison call-out).
fn at(h: Value, i: usize) -> Value {
    list::get(h).and_then(|l| l.at(i)).unwrap_or(Value::NONE)
}

fn put(h: Value, i: usize, v: Value) {
    if let Some(s) = list::get(h).and_then(|l| l.items().get_mut(i)) {
        *s = v;
    }
}

fn len(h: Value) -> usize {
    list::get(h).map(|l| l.len).unwrap_or(0)
}

fn less(a: Value, b: Value) -> PyResult<bool> {
    Ok(runtime::binary_op(op::LESS, a, b)? == Value::TRUE)
}

/// Move the item at `pos` up towards `start` while it is smaller than its parent.
fn sift_down(h: Value, start: usize, mut pos: usize) -> PyResult<()> {
    let item = at(h, pos);
    while pos > start {
        let parent_pos = (pos - 1) / 2;
        let parent = at(h, parent_pos);
        if less(item, parent)? {
            put(h, pos, parent);
            pos = parent_pos;
        } else {
            break;
        }
    }
    put(h, pos, item);
    Ok(())
}

/// Move the item at `pos` down to a leaf along the smaller children, then back up.
fn sift_up(h: Value, mut pos: usize) -> PyResult<()> {
    let start = pos;
    let end = len(h);
    let item = at(h, pos);
    let mut child = 2 * pos + 1;
    while child < end {
        if child + 1 < end && !less(at(h, child), at(h, child + 1))? {
            child += 1;
        }
        put(h, pos, at(h, child));
        pos = child;
        child = 2 * pos + 1;
    }
    put(h, pos, item);
    sift_down(h, start, pos)
}

fn heappush(h: Value, item: Value) -> PyResult<Value> {
    let h = heap(h)?;
    list::append(h, item)?;
    sift_down(h, 0, len(h) - 1)?;
    Ok(Value::NONE)
}

fn heappop(h: Value) -> PyResult<Value> {
    let h = heap(h)?;
    let Some(l) = list::get(h) else {
        return Err(raise::type_error("heap must be a list"));
    };
    if l.len == 0 {
        return Err(raise::index_error("empty heap"));
    }
    let first = at(h, 0);
    let last = at(h, l.len - 1);
    put(h, l.len - 1, Value::NULL);
    l.len -= 1;
    if l.len > 0 {
        put(h, 0, last);
        sift_up(h, 0)?;
    }
    Ok(first)
}

fn heapify(h: Value) -> PyResult<Value> {
    let h = heap(h)?;
    let mut i = len(h) / 2;
    while i > 0 {
        i -= 1;
        sift_up(h, i)?;
    }
    Ok(Value::NONE)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::heapq)),
    crate::entry!(heapify, crate::fun!(heapify, F1(heapify))),
    crate::entry!(heappop, crate::fun!(heappop, F1(heappop))),
    crate::entry!(heappush, crate::fun!(heappush, F2(heappush))),
];

pub static MODULE: Module = Module::new_static(Q::heapq, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{i, r};
    use crate::state::testing::with_vm;

    #[test]
    fn push_pop_heapify() {
        with_vm(|| {
            let h = list::new(&[i(5), i(1), i(4), i(2), i(3)]).unwrap();
            heapify(h).unwrap();
            heappush(h, i(0)).unwrap();
            let mut out = alloc::vec::Vec::new();
            while len(h) > 0 {
                out.push(heappop(h).unwrap().as_small_int().unwrap());
            }
            assert_eq!(out, [0, 1, 2, 3, 4, 5]);
            assert_eq!(r(heappop(h)), "IndexError: empty heap");
            assert_eq!(
                r(heappush(crate::objs::tuple::new(&[]).unwrap(), i(1))),
                "TypeError: heap must be a list"
            );
        });
    }
}
