//! `_asyncio`: the native core of asyncio (extmod/modasyncio.c): `Task`, a coroutine
//! the scheduler runs, awaitable and cancellable, and `TaskQueue`, the time-ordered queue
//! of tasks. The scheduler itself is Python (`lib/asyncio/core.py`), which uses these when
//! present and its own Python versions otherwise.
//!
//! The queue is a pairing heap threaded through the tasks (scheduling never allocates).
//! Each task keeps its leftmost child, right sibling and a back link (left sibling, or
//! parent when leftmost), so a task can be cut out anywhere in O(1) before its children
//! are re-paired. Ordering is by wake-up tick, then by a push counter so equal times run
//! first-in first-out.

use crate::mem;
use crate::obj::{AttrOp, ObjBase, Print, PrintKind, PyErr, PyResult, Type};
use crate::objs::{dict, list};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Push counter: the tie-break between tasks due at the same tick.
static ORDER: AtomicUsize = AtomicUsize::new(0);

#[repr(C)]
pub struct Task {
    base: ObjBase,
    coro: Value,
    /// What the task waits on while queued, its result (StopIteration or exception)
    /// once finished, or an exception to throw into it.
    data: Value,
    /// True while running with nobody waiting; a TaskQueue of waiters; a callable to
    /// notify on completion; None when finished and not awaited; False when awaited.
    state: Value,
    /// The asyncio core module's globals (cur_task, _task_queue, CancelledError).
    context: Value,
    ph_key: Value,
    ph_seq: usize,
    /// Heap links; NULL when absent.
    ph_child: Value,
    ph_next: Value,
    ph_prev: Value,
}

#[repr(C)]
pub struct TaskQueue {
    base: ObjBase,
    /// The root task; NULL when empty.
    heap: Value,
}

fn node(v: Value) -> Option<&'static mut Task> {
    if v.is_null() {
        return None;
    }
    v.downcast(&TASK_TYPE)
}

fn task_arg(v: Value) -> PyResult<&'static mut Task> {
    node(v).ok_or_else(|| raise::type_error("expected a Task"))
}

fn queue(v: Value) -> PyResult<&'static mut TaskQueue> {
    v.downcast(&TASK_QUEUE_TYPE)
        .ok_or_else(|| raise::type_error("expected a TaskQueue"))
}

fn key_of(t: &Task) -> usize {
    t.ph_key.as_small_int().unwrap_or(0) as usize
}

/// Whether task `a` is due strictly before task `b`.
fn before(a: &Task, b: &Task) -> bool {
    let d = crate::modules::time::ticks_diff_raw(key_of(a), key_of(b));
    d < 0 || (d == 0 && a.ph_seq < b.ph_seq)
}

/// Join two heaps (either may be NULL); the new root.
fn link(a: Value, b: Value) -> Value {
    let (Some(ta), Some(tb)) = (node(a), node(b)) else {
        return if a.is_null() { b } else { a };
    };
    let (root, r, child, c) = if before(tb, ta) {
        (b, tb, a, ta)
    } else {
        (a, ta, b, tb)
    };
    let first = r.ph_child;
    c.ph_next = first;
    if let Some(f) = node(first) {
        f.ph_prev = child;
    }
    c.ph_prev = root;
    r.ph_child = child;
    root
}

/// Two-pass pairing of a sibling list: join neighbours left to right, stacking results
/// through ph_next, then fold the stack from the right. The new root (or NULL).
fn merge_children(mut first: Value) -> Value {
    let mut stack = Value::NULL;
    while let Some(a) = node(first) {
        let av = first;
        let bv = a.ph_next;
        match node(bv) {
            Some(b) => {
                first = b.ph_next;
                b.ph_next = Value::NULL;
                b.ph_prev = Value::NULL;
            }
            None => first = Value::NULL,
        }
        a.ph_next = Value::NULL;
        a.ph_prev = Value::NULL;
        let joined = link(av, bv);
        if let Some(j) = node(joined) {
            j.ph_next = stack;
        }
        stack = joined;
    }
    let mut root = Value::NULL;
    while let Some(s) = node(stack) {
        let sv = stack;
        stack = s.ph_next;
        s.ph_next = Value::NULL;
        root = link(root, sv);
    }
    root
}

fn queue_push(q: &mut TaskQueue, tv: Value, key: Option<Value>) -> PyResult<()> {
    let t = task_arg(tv)?;
    t.data = Value::NONE;
    t.ph_key = match key {
        Some(k) if !k.is_none() => k,
        _ => Value::small_int(crate::modules::time::ticks_ms_raw()? as isize),
    };
    t.ph_seq = ORDER.fetch_add(1, Ordering::Relaxed);
    t.ph_child = Value::NULL;
    t.ph_next = Value::NULL;
    t.ph_prev = Value::NULL;
    q.heap = link(tv, q.heap);
    Ok(())
}

fn queue_pop(q: &mut TaskQueue) -> PyResult<Value> {
    let tv = q.heap;
    let t = node(tv).ok_or_else(|| raise::index_error("empty heap"))?;
    q.heap = merge_children(t.ph_child);
    t.ph_child = Value::NULL;
    Ok(tv)
}

fn queue_remove(q: &mut TaskQueue, tv: Value) -> PyResult<()> {
    if tv == q.heap {
        queue_pop(q)?;
        return Ok(());
    }
    let t = task_arg(tv)?;
    let Some(back) = node(t.ph_prev) else {
        // Not in a queue.
        return Ok(());
    };
    let after = t.ph_next;
    if back.ph_child == tv {
        back.ph_child = after;
    } else {
        back.ph_next = after;
    }
    if let Some(a) = node(after) {
        a.ph_prev = t.ph_prev;
    }
    t.ph_next = Value::NULL;
    t.ph_prev = Value::NULL;
    let sub = merge_children(t.ph_child);
    t.ph_child = Value::NULL;
    q.heap = link(q.heap, sub);
    Ok(())
}

// --- TaskQueue ---

fn new_queue() -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(TaskQueue {
        base: ObjBase::new(&TASK_QUEUE_TYPE),
        heap: Value::NULL,
    })?))
}

fn queue_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 0, 0)?;
    new_queue()
}

fn tq_peek(q: Value) -> PyResult<Value> {
    let h = queue(q)?.heap;
    Ok(if h.is_null() { Value::NONE } else { h })
}

fn tq_push(args: &[Value]) -> PyResult<Value> {
    queue_push(queue(args[0])?, args[1], args.get(2).copied())?;
    Ok(Value::NONE)
}

fn tq_pop(q: Value) -> PyResult<Value> {
    queue_pop(queue(q)?)
}

fn tq_remove(q: Value, t: Value) -> PyResult<Value> {
    queue_remove(queue(q)?, t)?;
    Ok(Value::NONE)
}

static QUEUE_LOCALS: [(Qstr, Value); 4] = [
    crate::entry!(peek, crate::fun!(peek, F1(tq_peek))),
    crate::entry!(pop, crate::fun!(pop, F1(tq_pop))),
    crate::entry!(
        push,
        crate::fun!(
            push,
            Var {
                min: 2,
                max: 3,
                f: tq_push
            }
        )
    ),
    crate::entry!(remove, crate::fun!(remove, F2(tq_remove))),
];

pub static TASK_QUEUE_TYPE: Type = Type {
    name: Q::TaskQueue,
    make_new: Some(queue_new),
    locals: crate::locals!(&QUEUE_LOCALS),
    ..Type::EMPTY
};

// --- Task ---

fn task_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 2)?;
    let context = args.get(1).copied().unwrap_or(Value::NONE);
    Ok(Value::from_ptr(mem::alloc(Task {
        base: ObjBase::new(&TASK_TYPE),
        coro: args[0],
        data: Value::NONE,
        state: Value::TRUE,
        context,
        ph_key: Value::small_int(0),
        ph_seq: 0,
        ph_child: Value::NULL,
        ph_next: Value::NULL,
        ph_prev: Value::NULL,
    })?))
}

fn task_print(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("<Task>")
}

/// A name from the asyncio core module this task belongs to.
fn context_get(t: &Task, name: Qstr) -> PyResult<Value> {
    dict::map_of(t.context)
        .and_then(|m| m.get_qstr(name))
        .ok_or_else(|| {
            raise::runtime_error_fmt(format_args!("asyncio context has no '{}'", name.as_str()))
        })
}

fn is_done(t: &Task) -> PyResult<bool> {
    Ok(!runtime::is_true(t.state)?)
}

fn task_attr(v: Value, name: Qstr, op: AttrOp) -> PyResult<Option<Value>> {
    let t = task_arg(v)?;
    match op {
        AttrOp::Load => Ok(match name {
            Q::coro => Some(t.coro),
            Q::data => Some(t.data),
            Q::state => Some(t.state),
            Q::ph_key => Some(t.ph_key),
            _ => None,
        }),
        AttrOp::Store(x) => {
            match name {
                Q::data => t.data = x,
                Q::state => t.state = x,
                Q::ph_key => t.ph_key = x,
                _ => return Ok(None),
            }
            Ok(Some(Value::NONE))
        }
        AttrOp::Delete => Ok(None),
    }
}

fn task_done(v: Value) -> PyResult<Value> {
    Ok(Value::from_bool(is_done(task_arg(v)?)?))
}

fn task_cancel(v: Value) -> PyResult<Value> {
    let me = task_arg(v)?;
    if is_done(me)? {
        return Ok(Value::FALSE);
    }
    if context_get(me, Q::cur_task)? == v {
        return Err(raise::runtime_error("can't cancel self"));
    }
    // A task awaiting another task is cancelled through the innermost one it waits on
    // (the walk is bounded in case a chain was made circular by hand).
    let mut tv = v;
    for _ in 0..10_000 {
        match node(task_arg(tv)?.data) {
            Some(_) => tv = task_arg(tv)?.data,
            None => break,
        }
    }
    let t = task_arg(tv)?;
    let run_queue = context_get(me, Q::_task_queue)?;
    let waiting_on = t.data;
    if let Some(q) = waiting_on.downcast::<TaskQueue>(&TASK_QUEUE_TYPE) {
        queue_remove(q, tv)?;
        queue_push(queue(run_queue)?, tv, None)?;
    } else if let Some(rm) = runtime::load_attr_opt(waiting_on, Q::remove)? {
        runtime::call(rm, &[tv], &[])?;
        queue_push(queue(run_queue)?, tv, None)?;
    } else {
        let now = crate::modules::time::ticks_ms_raw()?;
        if crate::modules::time::ticks_diff_raw(key_of(t), now) > 0 {
            // Sleeping on the run queue: bring it forward to now.
            let q = queue(run_queue)?;
            queue_remove(q, tv)?;
            queue_push(q, tv, None)?;
        }
    }
    t.data = context_get(me, Q::CancelledError)?;
    Ok(Value::TRUE)
}

/// `await task` (GET_ITER): note that someone waits, creating the waiters' queue.
fn task_getiter(v: Value) -> PyResult<Value> {
    let t = task_arg(v)?;
    if is_done(t)? {
        t.state = Value::FALSE;
    } else if t.state == Value::TRUE {
        t.state = new_queue()?;
    } else if !t.state.is_type(&TASK_QUEUE_TYPE) {
        return Err(raise::runtime_error("can't wait"));
    }
    Ok(v)
}

/// One step of `await task`: the result once it is done, else queue the awaiting task.
fn task_iternext(v: Value) -> PyResult<Option<Value>> {
    let t = task_arg(v)?;
    if is_done(t)? {
        if t.data.is_none() {
            // Finished and already reported to the exception handler.
            return Err(raise::stop_iteration(Value::NONE));
        }
        return Err(raise_obj(t.data));
    }
    let cur = context_get(t, Q::cur_task)?;
    queue_push(queue(t.state)?, cur, None)?;
    task_arg(cur)?.data = v;
    Ok(Some(Value::NONE))
}

/// An exception instance (or class) as the error to raise.
fn raise_obj(e: Value) -> PyErr {
    crate::vm::make_raise_obj(e)
}

static TASK_LOCALS: [(Qstr, Value); 2] = [
    crate::entry!(cancel, crate::fun!(cancel, F1(task_cancel))),
    crate::entry!(done, crate::fun!(done, F1(task_done))),
];

pub static TASK_TYPE: Type = Type {
    name: Q::Task,
    make_new: Some(task_new),
    print: Some(task_print),
    attr: Some(task_attr),
    getiter: Some(task_getiter),
    iternext: Some(task_iternext),
    locals: crate::locals!(&TASK_LOCALS),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::_asyncio)),
    (Q::TaskQueue, Value::from_static(&TASK_QUEUE_TYPE)),
    (Q::Task, Value::from_static(&TASK_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::_asyncio, crate::locals!(GLOBALS));

use crate::objs::module::Module;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn new_task(key: isize) -> Value {
        let t = task_new(&TASK_TYPE, &[Value::NONE], &[]).unwrap();
        task_arg(t).unwrap().ph_key = Value::small_int(key);
        t
    }

    #[test]
    fn queue_orders_by_key_then_fifo() {
        with_vm(|| {
            let qv = new_queue().unwrap();
            let q = queue(qv).unwrap();
            let keys = [5, 3, 9, 3, 1, 5, 7, 3];
            let tasks: alloc::vec::Vec<Value> = keys.iter().map(|k| new_task(*k)).collect();
            for (t, k) in tasks.iter().zip(keys.iter()) {
                queue_push(q, *t, Some(Value::small_int(*k))).unwrap();
            }
            // Remove one from the middle (the second task with key 5).
            queue_remove(q, tasks[5]).unwrap();
            let mut order = alloc::vec::Vec::new();
            while !q.heap.is_null() {
                let t = queue_pop(q).unwrap();
                order.push(tasks.iter().position(|x| *x == t).unwrap());
            }
            // Keys ascending; equal keys in push order.
            assert_eq!(order, [4, 1, 3, 7, 0, 6, 2]);
            assert!(queue_pop(q).is_err());
        });
    }

    #[test]
    fn removing_absent_tasks_is_harmless() {
        with_vm(|| {
            let qv = new_queue().unwrap();
            let q = queue(qv).unwrap();
            let a = new_task(0);
            queue_remove(q, a).unwrap();
            queue_push(q, a, Some(Value::small_int(2))).unwrap();
            queue_remove(q, a).unwrap();
            assert!(q.heap.is_null());
        });
    }
}
