//! `list`: a growable array of values in a separately allocated buffer, its iterator, the
//! stable sort behind `list.sort` and `sorted`, and the sequence helpers list and tuple share
//! (index resolution, lexicographic comparison, nesting guard).
//!
//! Python code run from inside a list operation (`__eq__`, a sort key, `__repr__`) may
//! mutate or shrink the list, so loops that call out re-read the list's length and items on
//! every step instead of holding a slice across the call.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyErr, PyResult, SubscrOp, Type};
use crate::qstr::Q;
use crate::raise;
use crate::runtime;
use crate::value::Value;
use core::sync::atomic::{AtomicUsize, Ordering};
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct List {
    pub base: ObjBase,
    pub len: usize,
    pub cap: usize,
    pub items: *mut Value,
}

impl List {
    pub fn items(&self) -> &'static mut [Value] {
        if self.items.is_null() {
            return &mut [];
        }
        // SAFETY: items holds len initialised values.
        unsafe { core::slice::from_raw_parts_mut(self.items, self.len) }
    }

    pub fn reserve(&mut self, extra: usize) -> PyResult<()> {
        let need = self.len.checked_add(extra).ok_or_else(mem::oom)?;
        if need <= self.cap {
            return Ok(());
        }
        let cap = need.max(self.cap + self.cap / 2).max(4);
        self.items = mem::realloc_array::<Value>(self.items, cap)?;
        self.cap = cap;
        Ok(())
    }

    pub fn push(&mut self, v: Value) -> PyResult<()> {
        if self.len == self.cap {
            self.reserve(1)?;
        }
        // SAFETY: len < cap after reserve.
        unsafe { *self.items.add(self.len) = v };
        self.len += 1;
        Ok(())
    }

    /// Item `i` if still in range (the list may have shrunk during a call-out).
    pub fn at(&self, i: usize) -> Option<Value> {
        self.items().get(i).copied()
    }

    /// Shorten to `n` items, clearing the dropped slots so the collector can free them.
    fn truncate(&mut self, n: usize) {
        if n < self.len {
            for x in &mut self.items()[n..] {
                *x = Value::NULL;
            }
            self.len = n;
        }
    }

    /// Replace `items[start..stop]` by `src` (which must not alias this list's buffer).
    fn splice(&mut self, start: usize, stop: usize, src: &[Value]) -> PyResult<()> {
        // The list may have shrunk since the caller computed the range (a generator
        // feeding a slice assignment can mutate it), so clamp both ends.
        let start = start.min(self.len);
        let stop = stop.clamp(start, self.len);
        let removed = stop - start;
        if src.len() > removed {
            self.reserve(src.len() - removed)?;
        }
        let tail = self.len - stop;
        let new_len = self.len - removed + src.len();
        // SAFETY: both ranges lie within the buffer's capacity (reserved above); `copy`
        // handles the overlap of the moved tail.
        unsafe {
            if !self.items.is_null() {
                core::ptr::copy(
                    self.items.add(stop),
                    self.items.add(start + src.len()),
                    tail,
                );
                core::ptr::copy_nonoverlapping(src.as_ptr(), self.items.add(start), src.len());
            }
        }
        if new_len < self.len {
            for i in new_len..self.len {
                // SAFETY: i < old len <= cap.
                unsafe { *self.items.add(i) = Value::NULL };
            }
        }
        self.len = new_len;
        Ok(())
    }
}

/// A new list holding a copy of `items`.
pub fn new(items: &[Value]) -> PyResult<Value> {
    let mut l = List {
        base: ObjBase::new(&TYPE),
        len: 0,
        cap: 0,
        items: core::ptr::null_mut(),
    };
    if !items.is_empty() {
        l.items = mem::alloc_array::<Value>(items.len())?;
        l.cap = items.len();
        // SAFETY: fresh buffer of items.len() values.
        unsafe { core::ptr::copy_nonoverlapping(items.as_ptr(), l.items, items.len()) };
        l.len = items.len();
    }
    Ok(Value::from_ptr(mem::alloc(l)?))
}

/// An empty list with room for `n` items.
pub fn with_capacity(n: usize) -> PyResult<Value> {
    let v = new(&[])?;
    if let Some(l) = get(v) {
        l.reserve(n)?;
    }
    Ok(v)
}

/// The list behind `v` (exact list type).
pub fn get(v: Value) -> Option<&'static mut List> {
    v.downcast(&TYPE)
}

fn this(v: Value) -> PyResult<&'static mut List> {
    get(v).ok_or_else(|| wrong_self(&TYPE, v))
}

/// MicroPython's error for a method called on the wrong type (`list.append(1, 2)`).
#[cold]
pub fn wrong_self(ty: &'static Type, v: Value) -> PyErr {
    raise::type_error_fmt(format_args!(
        "argument should be a '{}' not a '{}'",
        ty.name.as_str(),
        v.type_of().name.as_str()
    ))
}

/// Append to a list value.
pub fn append(list: Value, x: Value) -> PyResult<()> {
    this(list)?.push(x)
}

/// Append every item of `iterable` to `list` (the VM's list unpacking, `list.extend`).
pub fn extend_from_iter(list: Value, iterable: Value) -> PyResult<()> {
    let l = this(list)?;
    let fixed = |v: Value| {
        get(v)
            .map(|s| s.items())
            .or_else(|| crate::objs::tuple::items(v))
    };
    if let Some(src) = fixed(iterable) {
        let n = src.len();
        l.reserve(n)?;
        // Re-read after reserving, which may have moved `l`'s own items (`l.extend(l)`);
        // only the first `n` are taken, so `l` does not see its own growth.
        for x in fixed(iterable).unwrap_or(&mut []).iter().take(n) {
            l.push(*x)?;
        }
        return Ok(());
    }
    let it = runtime::get_iter(iterable)?;
    while let Some(x) = runtime::iter_next(it)? {
        l.push(x)?;
    }
    Ok(())
}

/// `list(iterable)`.
pub fn from_iter(iterable: Value) -> PyResult<Value> {
    let l = new(&[])?;
    extend_from_iter(l, iterable)?;
    Ok(l)
}

// --- helpers shared with the other sequence types ---

/// Check a built-in's positional argument count like MicroPython's `mp_arg_check_num`.
pub fn check_args(args: &[Value], kw: &[Value], min: usize, max: usize) -> PyResult<()> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    let n = args.len();
    if min == max && n != min {
        return Err(crate::objs::fun::arg_count_error(min, n));
    }
    if n < min {
        return Err(crate::objs::fun::missing_args(min - n));
    }
    if n > max {
        return Err(too_many_args(max, n));
    }
    Ok(())
}

/// `TypeError: function expected at most <max> arguments, got <n>`.
#[cold]
#[inline(never)]
pub fn too_many_args(max: usize, n: usize) -> PyErr {
    raise::type_error_fmt(format_args!(
        "function expected at most {} arguments, got {}",
        max, n
    ))
}

/// `TypeError: can't convert <type> to int`.
#[cold]
#[inline(never)]
pub fn cant_convert_to_int(v: Value) -> PyErr {
    raise::type_error_fmt(format_args!(
        "can't convert {} to int",
        v.type_of().name.as_str()
    ))
}

/// `TypeError: <what> indices must be integers, not <type>`.
#[cold]
#[inline(never)]
pub fn bad_index_type(what: &str, index: Value) -> PyErr {
    raise::type_error_fmt(format_args!(
        "{} indices must be integers, not {}",
        what,
        index.type_of().name.as_str()
    ))
}

/// A machine integer from an int or bool, `None` for other types; OverflowError for ints
/// beyond a machine word (`mp_obj_get_int_maybe`).
pub fn int_maybe(v: Value) -> PyResult<Option<isize>> {
    if let Some(n) = v.as_small_int() {
        return Ok(Some(n));
    }
    if v.is_bool() {
        return Ok(Some((v == Value::TRUE) as isize));
    }
    if crate::objs::int::is_int(v) {
        return crate::objs::int::get_isize(v).map(Some);
    }
    Ok(None)
}

/// A machine integer, or MicroPython's TypeError for non-ints.
pub fn int_of(v: Value) -> PyResult<isize> {
    int_maybe(v)?.ok_or_else(|| cant_convert_to_int(v))
}

/// Resolve `index` against a sequence of length `len` (`mp_get_index`): negative indices
/// count from the end; slice bounds clamp, item indices raise IndexError.
pub fn get_index(ty: &'static Type, len: usize, index: Value, is_slice: bool) -> PyResult<usize> {
    let Some(i) = int_maybe(index)? else {
        return Err(bad_index_type(ty.name.as_str(), index));
    };
    let len = len as isize;
    let i = if i < 0 { i.saturating_add(len) } else { i };
    if is_slice {
        return Ok(i.clamp(0, len) as usize);
    }
    if i < 0 || i >= len {
        return Err(index_out_of_range(ty.name.as_str()));
    }
    Ok(i as usize)
}

/// `IndexError: <what> index out of range`.
#[cold]
#[inline(never)]
pub fn index_out_of_range(what: &str) -> PyErr {
    raise::index_error_fmt(format_args!("{} index out of range", what))
}

/// `TypeError: object '<type>' isn't a tuple or list`.
#[cold]
#[inline(never)]
pub fn not_tuple_or_list(v: Value) -> PyErr {
    raise::type_error_fmt(format_args!(
        "object '{}' isn't a tuple or list",
        v.type_of().name.as_str()
    ))
}

/// Items of `seq` at index `i`, re-read on every call (for lists that may change).
pub type ItemAt = fn(Value, usize) -> Option<Value>;

/// Lexicographic comparison of two sequences (`mp_seq_cmp_objs`); `o` is one of
/// `==`, `<`, `<=`, `>`, `>=`. The sequences are read through `at` so a comparison that
/// mutates them cannot read out of bounds.
pub fn seq_compare(o: u8, a: Value, b: Value, at: ItemAt) -> PyResult<bool> {
    let _g = NestGuard::enter()?;
    // Only `>` and `>=` are applied to items, as upstream does (it shows in error texts).
    let (o, a, b) = match o {
        op::LESS => (op::MORE, b, a),
        op::LESS_EQUAL => (op::MORE_EQUAL, b, a),
        _ => (o, a, b),
    };
    let mut i = 0;
    loop {
        let (x, y) = match (at(a, i), at(b, i)) {
            (Some(x), Some(y)) => (x, y),
            (xa, yb) => {
                // One (or both) ran out: compare lengths.
                let (ha, hb) = (xa.is_some(), yb.is_some());
                // `o` is `==`, `>` or `>=` here (the others were swapped above).
                return Ok(match o {
                    op::EQUAL => !ha && !hb,
                    op::MORE => ha && !hb,
                    _ => !hb,
                });
            }
        };
        if !runtime::equal(x, y)? {
            if o == op::EQUAL {
                return Ok(false);
            }
            return runtime::compare(o, x, y);
        }
        i += 1;
    }
}

static NEST_DEPTH: AtomicUsize = AtomicUsize::new(0);
const NEST_MAX: usize = 2000;

/// Bounds the native recursion of printing, comparing and hashing nested containers:
/// entering past the limit (or past the port's stack limit) raises RuntimeError instead
/// of overflowing the stack.
pub struct NestGuard(());

impl NestGuard {
    pub fn enter() -> PyResult<NestGuard> {
        crate::vm::check_stack()?;
        let d = NEST_DEPTH.load(Ordering::Relaxed);
        if d >= NEST_MAX {
            return Err(raise::runtime_error("maximum recursion depth exceeded"));
        }
        NEST_DEPTH.store(d + 1, Ordering::Relaxed);
        Ok(NestGuard(()))
    }
}

impl Drop for NestGuard {
    fn drop(&mut self) {
        let d = NEST_DEPTH.load(Ordering::Relaxed);
        NEST_DEPTH.store(d.saturating_sub(1), Ordering::Relaxed);
    }
}

/// Print `open item, item, ... close` reading items through `at`.
pub fn print_seq(
    out: &mut dyn Print,
    seq: Value,
    at: ItemAt,
    open: &str,
    close: &str,
) -> PyResult<()> {
    let mut i = 0;
    print_items(out, "", open, close, &mut || {
        i += 1;
        Ok(at(seq, i - 1).map(|x| (x, None)))
    })
}

/// One printing loop for every container: `pre` and `open`, then the items `next` yields
/// (`repr(key)`, or `repr(key): repr(value)` for a pair) separated by ", ", then `close`.
pub fn print_items(
    out: &mut dyn Print,
    pre: &str,
    open: &str,
    close: &str,
    next: &mut dyn FnMut() -> PyResult<Option<(Value, Option<Value>)>>,
) -> PyResult<()> {
    let _g = NestGuard::enter()?;
    out.write_str(pre)?;
    out.write_str(open)?;
    let mut first = true;
    while let Some((k, x)) = next()? {
        if !first {
            out.write_str(", ")?;
        }
        first = false;
        runtime::print_value(out, k, PrintKind::Repr)?;
        if let Some(x) = x {
            out.write_str(": ")?;
            runtime::print_value(out, x, PrintKind::Repr)?;
        }
    }
    out.write_str(close)
}

fn list_at(v: Value, i: usize) -> Option<Value> {
    get_or_native(v).and_then(|l| l.at(i))
}

/// The list behind `v`, or behind the native part of an instance of a list subclass.
pub fn get_or_native(v: Value) -> Option<&'static mut List> {
    get(v).or_else(|| crate::objs::r#type::native_of(v).and_then(get))
}

/// Index of the first item equal to `x` in `[start, stop)` (clamped to the current length).
pub fn find_item(
    seq: Value,
    at: ItemAt,
    x: Value,
    start: usize,
    stop: usize,
) -> PyResult<Option<usize>> {
    let mut i = start;
    while i < stop {
        let Some(y) = at(seq, i) else { break };
        if runtime::equal(y, x)? {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

/// Count items equal to `x`.
pub fn count_item(seq: Value, at: ItemAt, x: Value) -> PyResult<usize> {
    let mut n = 0;
    let mut i = 0;
    while let Some(y) = at(seq, i) {
        if runtime::equal(y, x)? {
            n += 1;
        }
        i += 1;
    }
    Ok(n)
}

/// `seq.index(x[, start[, stop]])` shared by list and tuple.
pub fn index_method(
    ty: &'static Type,
    seq: Value,
    len: usize,
    at: ItemAt,
    args: &[Value],
) -> PyResult<Value> {
    let x = args.get(1).copied().unwrap_or(Value::NONE);
    let start = match args.get(2) {
        Some(v) => get_index(ty, len, *v, true)?,
        None => 0,
    };
    let stop = match args.get(3) {
        Some(v) => get_index(ty, len, *v, true)?,
        None => len,
    };
    match find_item(seq, at, x, start, stop)? {
        Some(i) => Ok(Value::small_int(i as isize)),
        None => Err(raise::value_error("object not in sequence")),
    }
}

/// Repeat count for `seq * n` (negative counts give an empty result).
pub fn repeat_count(n: Value) -> PyResult<Option<usize>> {
    Ok(int_maybe(n)?.map(|n| n.max(0) as usize))
}

// --- slots ---

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    check_args(args, kw, 0, 1)?;
    match args.first() {
        None => new(&[]),
        Some(x) => from_iter(*x),
    }
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    print_seq(out, v, list_at, "[", "]")
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(l) = get(v) else { return Ok(None) };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(l.len != 0)),
        uop::LEN => Some(Value::small_int(l.len as isize)),
        uop::HASH => return Err(unhashable(v)),
        _ => None,
    })
}

/// MicroPython's error for hashing a mutable container.
#[cold]
pub fn unhashable(v: Value) -> PyErr {
    raise::type_error_fmt(format_args!(
        "unsupported type for __hash__: '{}'",
        v.type_of().name.as_str()
    ))
}

/// `n * seq` reaches the sequence's slot as the reflected multiply.
pub const REVERSE_MULTIPLY: u8 = op::REVERSE_OR + (op::MULTIPLY - op::OR);

/// Concatenate two item slices into a new list.
fn concat(a: &[Value], b: &[Value]) -> PyResult<Value> {
    let r = with_capacity(a.len() + b.len())?;
    let l = this(r)?;
    for x in a.iter().chain(b.iter()) {
        l.push(*x)?;
    }
    Ok(r)
}

/// `items * n` into a new list.
fn repeat(items: &[Value], n: usize) -> PyResult<Value> {
    let total = items.len().checked_mul(n).ok_or_else(mem::oom)?;
    let r = with_capacity(total)?;
    let l = this(r)?;
    for _ in 0..n {
        for x in items {
            l.push(*x)?;
        }
    }
    Ok(r)
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let Some(l) = get(a) else { return Ok(None) };
    match o {
        op::ADD => match get_or_native(b) {
            Some(r) => concat(l.items(), r.items()).map(Some),
            None => Ok(None),
        },
        op::INPLACE_ADD => {
            extend_from_iter(a, b)?;
            Ok(Some(a))
        }
        op::MULTIPLY | op::INPLACE_MULTIPLY | REVERSE_MULTIPLY => {
            let Some(n) = repeat_count(b)? else {
                return Ok(None);
            };
            let r = repeat(l.items(), n)?;
            if o == op::INPLACE_MULTIPLY {
                l.splice(0, l.len, this(r)?.items())?;
                return Ok(Some(a));
            }
            Ok(Some(r))
        }
        // `in` stays here, where `list_at` inlines into the search loop (hot).
        op::CONTAINS => Ok(Some(Value::from_bool(
            find_item(a, list_at, b, 0, usize::MAX)?.is_some(),
        ))),
        _ => seq_relation(o, a, b, get_or_native(b).is_some(), list_at),
    }
}

/// The comparisons of lists and tuples; `same_kind`: `b` is a sequence of `a`'s kind
/// (other operands are unequal and unordered).
pub fn seq_relation(
    o: u8,
    a: Value,
    b: Value,
    same_kind: bool,
    at: ItemAt,
) -> PyResult<Option<Value>> {
    match o {
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => {
            if !same_kind {
                return Ok(if o == op::EQUAL {
                    Some(Value::FALSE)
                } else {
                    None
                });
            }
            Ok(Some(Value::from_bool(seq_compare(o, a, b, at)?)))
        }
        _ => Ok(None),
    }
}

/// Items selected by a resolved slice, in order.
fn slice_positions(start: isize, step: isize, count: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |k| (start + k as isize * step) as usize)
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let Some(l) = get(v) else { return Ok(None) };
    if crate::objs::slice::get(index).is_some() {
        let (start, _stop, step, count) = crate::objs::slice::indices(index, l.len)?;
        return match sop {
            SubscrOp::Load => {
                let r = with_capacity(count)?;
                let rl = this(r)?;
                for p in slice_positions(start, step, count) {
                    if let Some(x) = l.at(p) {
                        rl.push(x)?;
                    }
                }
                Ok(Some(r))
            }
            SubscrOp::Store(src) => {
                // Tuples and other lists are read in place (no allocation, as upstream);
                // anything else, or this very list, is copied first.
                let src: &[Value] = match (crate::objs::tuple::items(src), get(src)) {
                    (Some(t), _) => t,
                    (None, Some(o)) if src != v => o.items(),
                    _ => {
                        let copy = from_iter(src).map_err(|e| {
                            if runtime::is_instance(e.0, &crate::objs::exception::TYPE_ERROR) {
                                not_tuple_or_list(src)
                            } else {
                                e
                            }
                        })?;
                        this(copy)?.items()
                    }
                };
                if step == 1 {
                    let start = start.max(0) as usize;
                    l.splice(start, start + count, src)?;
                } else {
                    if src.len() != count {
                        return Err(raise::value_error_fmt(format_args!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            src.len(),
                            count
                        )));
                    }
                    let items = l.items();
                    for (p, x) in slice_positions(start, step, count).zip(src.iter()) {
                        if let Some(slot) = items.get_mut(p) {
                            *slot = *x;
                        }
                    }
                }
                Ok(Some(Value::NONE))
            }
            SubscrOp::Delete => {
                if step == 1 {
                    let start = start.max(0) as usize;
                    l.splice(start, start + count, &[])?;
                } else if count > 0 {
                    // Keep the items not selected, in order.
                    let items = l.items();
                    let mut w = 0;
                    for r in 0..items.len() {
                        if !crate::objs::slice::selects(start, step, count, r as isize) {
                            items[w] = items[r];
                            w += 1;
                        }
                    }
                    l.truncate(w);
                }
                Ok(Some(Value::NONE))
            }
        };
    }
    if sop == SubscrOp::Delete {
        pop_at(l, index)?;
        return Ok(Some(Value::NONE));
    }
    let i = get_index(&TYPE, l.len, index, false)?;
    match sop {
        SubscrOp::Store(x) => {
            if let Some(slot) = l.items().get_mut(i) {
                *slot = x;
            }
            Ok(Some(Value::NONE))
        }
        _ => Ok(l.at(i)),
    }
}

// --- iterator ---

/// A list iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Value {
    crate::objs::iter::seq_iter_in(v, list_at, buf)
}

fn getiter(v: Value) -> PyResult<Value> {
    crate::objs::iter::new_seq_iter(v, list_at)
}

// --- methods ---

fn list_append(l: Value, x: Value) -> PyResult<Value> {
    append(l, x)?;
    Ok(Value::NONE)
}

fn extend(l: Value, x: Value) -> PyResult<Value> {
    extend_from_iter(l, x)?;
    Ok(Value::NONE)
}

fn pop_at(l: &mut List, index: Value) -> PyResult<Value> {
    if l.len == 0 {
        return Err(raise::index_error("pop from empty list"));
    }
    let i = get_index(&TYPE, l.len, index, false)?;
    let x = l.at(i).unwrap_or(Value::NONE);
    l.splice(i, i + 1, &[])?;
    if l.cap > 8 && l.cap > 4 * l.len {
        // Give memory back after many pops, as upstream does.
        let cap = (l.len * 2).max(4);
        l.items = mem::realloc_array::<Value>(l.items, cap)?;
        l.cap = cap;
    }
    Ok(x)
}

fn pop(args: &[Value]) -> PyResult<Value> {
    let l = this(args[0])?;
    pop_at(l, args.get(1).copied().unwrap_or(Value::small_int(-1)))
}

fn insert(lv: Value, index: Value, x: Value) -> PyResult<Value> {
    let l = this(lv)?;
    let i = int_of(index)?;
    let len = l.len as isize;
    let i = if i < 0 { (i + len).max(0) } else { i.min(len) };
    l.splice(i as usize, i as usize, &[x])?;
    Ok(Value::NONE)
}

fn remove(lv: Value, x: Value) -> PyResult<Value> {
    match find_item(lv, list_at, x, 0, usize::MAX)? {
        Some(i) => {
            this(lv)?.splice(i, i + 1, &[])?;
            Ok(Value::NONE)
        }
        None => Err(raise::value_error("object not in sequence")),
    }
}

fn index(args: &[Value]) -> PyResult<Value> {
    let len = this(args[0])?.len;
    index_method(&TYPE, args[0], len, list_at, args)
}

fn count(lv: Value, x: Value) -> PyResult<Value> {
    this(lv)?;
    Ok(Value::small_int(count_item(lv, list_at, x)? as isize))
}

fn clear(lv: Value) -> PyResult<Value> {
    let l = this(lv)?;
    l.items = core::ptr::null_mut();
    l.len = 0;
    l.cap = 0;
    Ok(Value::NONE)
}

fn copy(lv: Value) -> PyResult<Value> {
    new(this(lv)?.items())
}

fn reverse(lv: Value) -> PyResult<Value> {
    this(lv)?.items().reverse();
    Ok(Value::NONE)
}

/// Parse `key=` and `reverse=` keyword arguments.
fn sort_options(kw: &[Value]) -> PyResult<(Value, bool)> {
    let mut key = Value::NONE;
    let mut rev = false;
    for pair in kw.chunks(2) {
        let [name, val] = pair else { continue };
        match name.as_qstr() {
            Some(Q::key) => key = *val,
            Some(Q::reverse) => rev = runtime::is_true(*val)?,
            _ => return Err(raise::type_error("extra keyword arguments given")),
        }
    }
    Ok((key, rev))
}

fn sort(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(raise::type_error("extra positional arguments given"));
    }
    let (key, rev) = sort_options(kw)?;
    sort_list(args[0], key, rev)?;
    Ok(Value::NONE)
}

/// Sort a list in place: stable, `key` may be None, exceptions from the key function or
/// the comparisons propagate (leaving the list in its original order).
pub fn sort_list(lv: Value, key: Value, reverse: bool) -> PyResult<()> {
    let n = this(lv)?.len;
    if n < 2 {
        return Ok(());
    }
    // Work on (key, item) pairs in a scratch buffer the collector scans.
    let work = mem::alloc_array::<[Value; 2]>(n)?;
    let tmp = mem::alloc_array::<[Value; 2]>(n)?;
    // SAFETY: both buffers were just allocated with n entries.
    let (work_s, tmp_s) = unsafe {
        (
            core::slice::from_raw_parts_mut(work, n),
            core::slice::from_raw_parts_mut(tmp, n),
        )
    };
    for (i, slot) in work_s.iter_mut().enumerate() {
        let x = list_at(lv, i).unwrap_or(Value::NONE);
        let k = if key.is_none() {
            x
        } else {
            crate::vm::check_keyboard_interrupt()?;
            runtime::call1(key, x)?
        };
        *slot = [k, x];
    }
    // A Ctrl-C ends a long sort between comparisons; the list keeps its old order.
    merge_sort(work_s, tmp_s, &mut |a, b| {
        crate::vm::check_keyboard_interrupt()?;
        if reverse {
            runtime::compare(op::LESS, b, a)
        } else {
            runtime::compare(op::LESS, a, b)
        }
    })?;
    let l = this(lv)?;
    let modified = l.len != n;
    if modified {
        // As CPython: the sorted items replace whatever the key function did to the list.
        l.truncate(0);
        l.reserve(n)?;
    }
    for (i, pair) in work_s.iter().enumerate() {
        match l.items().get_mut(i) {
            Some(slot) => *slot = pair[1],
            None => l.push(pair[1])?,
        }
    }
    mem::free(work);
    mem::free(tmp);
    if modified {
        return Err(raise::value_error("list modified during sort"));
    }
    Ok(())
}

/// Stable bottom-up merge sort of `v` by the first element of each pair, using `tmp` (same
/// length) as scratch. Never indexes out of bounds whatever `less` answers.
fn merge_sort(
    v: &mut [[Value; 2]],
    tmp: &mut [[Value; 2]],
    less: &mut dyn FnMut(Value, Value) -> PyResult<bool>,
) -> PyResult<()> {
    let n = v.len();
    let mut width = 1;
    let (mut src, mut dst) = (v, tmp);
    let mut in_tmp = false;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            for d in dst.iter_mut().take(hi).skip(lo) {
                // Take from the right only when strictly less: keeps equal items in order.
                let right = j < hi && (i >= mid || less(src[j][0], src[i][0])?);
                if right {
                    *d = src[j];
                    j += 1;
                } else {
                    *d = src[i];
                    i += 1;
                }
            }
            lo = hi;
        }
        core::mem::swap(&mut src, &mut dst);
        in_tmp = !in_tmp;
        width *= 2;
    }
    if in_tmp {
        // The result is in the scratch buffer (now `src`); copy it back.
        dst.copy_from_slice(src);
    }
    Ok(())
}

/// The `sorted(iterable, key=None, reverse=False)` built-in.
pub fn sorted(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    match args.len() {
        0 => {
            return Err(raise::type_error(
                "function missing 1 required positional arguments",
            ))
        }
        1 => {}
        _ => {
            return Err(raise::type_error(
                "must use keyword argument for key function",
            ))
        }
    }
    let (key, rev) = sort_options(kw)?;
    let l = from_iter(args[0])?;
    sort_list(l, key, rev)?;
    Ok(l)
}

fn getitem(l: Value, i: Value) -> PyResult<Value> {
    this(l)?;
    runtime::subscr(l, i)
}

fn setitem(l: Value, i: Value, x: Value) -> PyResult<Value> {
    this(l)?;
    runtime::store_subscr(l, i, x)?;
    Ok(Value::NONE)
}

fn delitem(l: Value, i: Value) -> PyResult<Value> {
    this(l)?;
    runtime::delete_subscr(l, i)?;
    Ok(Value::NONE)
}

// The item dunders let subclasses call `super().__getitem__(i)` and friends.
#[rustfmt::skip]
static LOCALS: [(crate::qstr::Qstr, Value); 14] = [
    crate::entry!(append, crate::fun!(append, F2(list_append))),
    crate::entry!(clear, crate::fun!(clear, F1(clear))),
    crate::entry!(copy, crate::fun!(copy, F1(copy))),
    crate::entry!(count, crate::fun!(count, F2(count))),
    crate::entry!(extend, crate::fun!(extend, F2(extend))),
    crate::entry!(index, crate::fun!(index, Var { min: 2, max: 4, f: index })),
    crate::entry!(insert, crate::fun!(insert, F3(insert))),
    crate::entry!(pop, crate::fun!(pop, Var { min: 1, max: 2, f: pop })),
    crate::entry!(remove, crate::fun!(remove, F2(remove))),
    crate::entry!(reverse, crate::fun!(reverse, F1(reverse))),
    crate::entry!(sort, crate::fun!(sort, Kw { min: 1, f: sort })),
    crate::entry!(__getitem__, crate::fun!(__getitem__, F2(getitem))),
    crate::entry!(__setitem__, crate::fun!(__setitem__, F3(setitem))),
    crate::entry!(__delitem__, crate::fun!(__delitem__, F2(delitem))),
];

pub static TYPE: Type = Type {
    name: Q::list,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::{String, ToString};

    fn repr(v: Value) -> String {
        let s = runtime::repr(v).expect("repr");
        crate::objs::str::as_str(s).unwrap_or("?").to_string()
    }

    fn ints(ns: &[isize]) -> Value {
        let l = new(&[]).unwrap();
        for n in ns {
            append(l, Value::small_int(*n)).unwrap();
        }
        l
    }

    fn int(n: isize) -> Value {
        Value::small_int(n)
    }

    fn exc_text(e: PyErr) -> String {
        let mut s = crate::vstr::VStr::new();
        s.write_str(e.0.type_of().name.as_str()).unwrap();
        s.write_str(": ").unwrap();
        runtime::print_value(&mut s, e.0, PrintKind::Str).unwrap();
        String::from_utf8_lossy(s.as_bytes()).into_owned()
    }

    fn slice(a: Value, b: Value, c: Value) -> Value {
        crate::objs::slice::new(a, b, c).unwrap()
    }

    #[test]
    fn construct_print_and_index() {
        with_vm(|| {
            let l = ints(&[1, 2, 3]);
            assert_eq!(repr(l), "[1, 2, 3]");
            assert_eq!(runtime::subscr(l, int(-1)).unwrap(), int(3));
            let e = runtime::subscr(l, int(3)).unwrap_err();
            assert_eq!(exc_text(e), "IndexError: list index out of range");
            let e = runtime::subscr(l, Value::NONE).unwrap_err();
            assert_eq!(
                exc_text(e),
                "TypeError: list indices must be integers, not NoneType"
            );
            let t = crate::objs::tuple::new(&[int(4), int(5)]).unwrap();
            let l2 = make_new(&TYPE, &[t], &[]).unwrap();
            assert_eq!(repr(l2), "[4, 5]");
            assert_eq!(repr(make_new(&TYPE, &[], &[]).unwrap()), "[]");
            // Nested and self-containing prints.
            append(l2, l).unwrap();
            assert_eq!(repr(l2), "[4, 5, [1, 2, 3]]");
            // No `__sizeof__`: upstream's builds without sys.getsizeof answer as here.
            let e = runtime::unary_op(uop::SIZEOF, l).unwrap_err();
            assert_eq!(
                exc_text(e),
                "TypeError: unsupported type for __sizeof__: 'list'"
            );
            let e = runtime::hash(l).unwrap_err();
            assert_eq!(
                exc_text(e),
                "TypeError: unsupported type for __hash__: 'list'"
            );
        });
    }

    #[test]
    fn slices_load_store_delete() {
        with_vm(|| {
            let n = Value::NONE;
            let l = ints(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
            assert_eq!(
                repr(runtime::subscr(l, slice(int(2), int(5), n)).unwrap()),
                "[2, 3, 4]"
            );
            assert_eq!(
                repr(runtime::subscr(l, slice(n, n, int(-3))).unwrap()),
                "[9, 6, 3, 0]"
            );
            assert_eq!(
                repr(runtime::subscr(l, slice(int(8), int(2), int(-2))).unwrap()),
                "[8, 6, 4]"
            );
            assert_eq!(
                repr(runtime::subscr(l, slice(int(5), int(2), n)).unwrap()),
                "[]"
            );
            let e = runtime::subscr(l, slice(n, n, int(0))).unwrap_err();
            assert_eq!(exc_text(e), "ValueError: slice step can't be zero");
            // Grow, shrink, insert at a point.
            runtime::store_subscr(l, slice(int(1), int(3), n), ints(&[10, 11, 12, 13])).unwrap();
            assert_eq!(repr(l), "[0, 10, 11, 12, 13, 3, 4, 5, 6, 7, 8, 9]");
            runtime::store_subscr(l, slice(int(1), int(5), n), ints(&[1])).unwrap();
            assert_eq!(repr(l), "[0, 1, 3, 4, 5, 6, 7, 8, 9]");
            runtime::store_subscr(l, slice(int(2), int(2), n), ints(&[2])).unwrap();
            assert_eq!(repr(l), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
            // Extended store must match in size.
            runtime::store_subscr(l, slice(n, n, int(2)), ints(&[-1, -2, -3, -4, -5])).unwrap();
            assert_eq!(repr(l), "[-1, 1, -2, 3, -3, 5, -4, 7, -5, 9]");
            let e = runtime::store_subscr(l, slice(n, n, int(2)), ints(&[1])).unwrap_err();
            assert_eq!(
                exc_text(e),
                "ValueError: attempt to assign sequence of size 1 to extended slice of size 5"
            );
            runtime::delete_subscr(l, slice(n, n, int(2))).unwrap();
            assert_eq!(repr(l), "[1, 3, 5, 7, 9]");
            runtime::delete_subscr(l, slice(n, n, int(-2))).unwrap();
            assert_eq!(repr(l), "[3, 7]");
            runtime::delete_subscr(l, slice(int(0), int(1), n)).unwrap();
            assert_eq!(repr(l), "[7]");
            runtime::delete_subscr(l, int(0)).unwrap();
            assert_eq!(repr(l), "[]");
            // Self-assignment copies first.
            let l = ints(&[1, 2]);
            runtime::store_subscr(l, slice(int(1), int(1), n), l).unwrap();
            assert_eq!(repr(l), "[1, 1, 2, 2]");
        });
    }

    #[test]
    fn operators() {
        with_vm(|| {
            let a = ints(&[1, 2]);
            let b = ints(&[1, 3]);
            assert_eq!(
                repr(runtime::binary_op(op::ADD, a, b).unwrap()),
                "[1, 2, 1, 3]"
            );
            assert_eq!(
                repr(runtime::binary_op(op::MULTIPLY, a, int(3)).unwrap()),
                "[1, 2, 1, 2, 1, 2]"
            );
            assert_eq!(
                repr(runtime::binary_op(op::MULTIPLY, int(2), a).unwrap()),
                "[1, 2, 1, 2]"
            );
            assert_eq!(
                repr(runtime::binary_op(op::MULTIPLY, a, int(-1)).unwrap()),
                "[]"
            );
            assert!(runtime::compare(op::LESS, a, b).unwrap());
            assert!(!runtime::compare(op::MORE, a, b).unwrap());
            assert!(runtime::compare(op::LESS, ints(&[1]), a).unwrap());
            assert!(runtime::compare(op::LESS_EQUAL, a, ints(&[1, 2])).unwrap());
            assert!(!runtime::compare(op::LESS, a, ints(&[1, 2])).unwrap());
            assert!(runtime::equal(a, ints(&[1, 2])).unwrap());
            assert!(!runtime::equal(a, Value::NONE).unwrap());
            assert!(runtime::contains(a, int(2)).unwrap());
            assert!(!runtime::contains(a, int(5)).unwrap());
            let r = runtime::binary_op(
                op::INPLACE_ADD,
                a,
                crate::objs::tuple::new(&[int(9)]).unwrap(),
            )
            .unwrap();
            assert_eq!(r, a);
            assert_eq!(repr(a), "[1, 2, 9]");
            let r = runtime::binary_op(op::INPLACE_MULTIPLY, a, int(2)).unwrap();
            assert_eq!(r, a);
            assert_eq!(repr(a), "[1, 2, 9, 1, 2, 9]");
            assert!(runtime::binary_op(op::ADD, a, int(1)).is_err());
            assert!(runtime::compare(op::LESS, a, int(1)).is_err());
        });
    }

    #[test]
    fn methods() {
        with_vm(|| {
            let l = ints(&[3, 1, 2]);
            insert(l, int(-1), int(7)).unwrap();
            insert(l, int(100), int(8)).unwrap();
            insert(l, int(-100), int(9)).unwrap();
            assert_eq!(repr(l), "[9, 3, 1, 7, 2, 8]");
            assert_eq!(pop(&[l]).unwrap(), int(8));
            assert_eq!(pop(&[l, int(0)]).unwrap(), int(9));
            assert_eq!(
                exc_text(pop(&[l, int(10)]).unwrap_err()),
                "IndexError: list index out of range"
            );
            remove(l, int(7)).unwrap();
            assert_eq!(
                exc_text(remove(l, int(7)).unwrap_err()),
                "ValueError: object not in sequence"
            );
            assert_eq!(index(&[l, int(2)]).unwrap(), int(2));
            assert!(index(&[l, int(3), int(1)]).is_err());
            assert_eq!(count(ints(&[1, 2, 1, 1]), int(1)).unwrap(), int(3));
            reverse(l).unwrap();
            assert_eq!(repr(l), "[2, 1, 3]");
            let c = copy(l).unwrap();
            clear(l).unwrap();
            assert_eq!(repr(l), "[]");
            assert_eq!(repr(c), "[2, 1, 3]");
            assert_eq!(
                exc_text(pop(&[l]).unwrap_err()),
                "IndexError: pop from empty list"
            );
            extend(l, c).unwrap();
            extend(l, l).unwrap();
            assert_eq!(repr(l), "[2, 1, 3, 2, 1, 3]");
        });
    }

    #[test]
    fn sort_is_stable_and_reverse_stable() {
        with_vm(|| {
            // Pairs (key, tag): sort by key only through a tuple's first item is not
            // available without a key function, so sort tuples whose second item records
            // the original position and check equal keys keep that order.
            let l = new(&[]).unwrap();
            let keys = [5, 3, 5, 1, 3, 5, 0, 1];
            for (i, k) in keys.iter().enumerate() {
                append(
                    l,
                    crate::objs::tuple::new(&[int(*k), int(i as isize)]).unwrap(),
                )
                .unwrap();
            }
            sort_list(l, Value::NONE, false).unwrap();
            assert_eq!(
                repr(l),
                "[(0, 6), (1, 3), (1, 7), (3, 1), (3, 4), (5, 0), (5, 2), (5, 5)]"
            );
            let big: std::vec::Vec<isize> = (0..300).map(|i| (i * 7919) % 301).collect();
            let l = ints(&big);
            sort_list(l, Value::NONE, true).unwrap();
            let items = get(l).unwrap().items();
            assert_eq!(items.len(), 300);
            for w in items.windows(2) {
                assert!(w[0].as_small_int() >= w[1].as_small_int());
            }
            // sorted() with reverse keyword.
            let kw = [Value::qstr(Q::reverse), Value::TRUE];
            let r = sorted(&[ints(&[2, 3, 1])], &kw).unwrap();
            assert_eq!(repr(r), "[3, 2, 1]");
            assert!(sorted(&[ints(&[1]), Value::NONE], &[]).is_err());
            // Incomparable items raise and do not panic.
            let l = new(&[int(1), Value::NONE, int(0)]).unwrap();
            assert!(sort_list(l, Value::NONE, false).is_err());
            assert_eq!(repr(l), "[1, None, 0]");
        });
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        with_vm(|| {
            let mut l = new(&[]).unwrap();
            for _ in 0..5000 {
                l = new(&[l]).unwrap();
            }
            let e = runtime::repr(l).unwrap_err();
            assert_eq!(
                exc_text(e),
                "RuntimeError: maximum recursion depth exceeded"
            );
            let m = new(&[l]).unwrap();
            assert!(runtime::equal(l, m).is_err() || !runtime::equal(l, m).unwrap());
            // The guard unwinds: shallow prints still work.
            assert_eq!(repr(ints(&[1])), "[1]");
        });
    }

    #[test]
    fn gc_stress_nested_lists_and_dicts() {
        with_vm(|| {
            let outer = new(&[]).unwrap();
            for i in 0..200isize {
                let inner = new(&[]).unwrap();
                let d = crate::objs::dict::new().unwrap();
                for j in 0..20isize {
                    append(inner, int(i * 100 + j)).unwrap();
                    let key = crate::objs::tuple::new(&[int(i), int(j)]).unwrap();
                    crate::objs::dict::store(d, key, ints(&[j; 3])).unwrap();
                }
                append(outer, crate::objs::tuple::new(&[inner, d]).unwrap()).unwrap();
                if i % 10 == 0 {
                    crate::state::get().heap.collect();
                }
                // Garbage to give the collector something to free and reuse.
                for _ in 0..20 {
                    let _ = ints(&[1, 2, 3, 4, 5, 6, 7, 8]);
                }
            }
            crate::state::get().heap.collect();
            for i in 0..200isize {
                let pair = runtime::subscr(outer, int(i)).unwrap();
                let inner = runtime::subscr(pair, int(0)).unwrap();
                let d = runtime::subscr(pair, int(1)).unwrap();
                assert_eq!(runtime::len(inner).unwrap(), 20);
                for j in 0..20isize {
                    assert_eq!(runtime::subscr(inner, int(j)).unwrap(), int(i * 100 + j));
                    let key = crate::objs::tuple::new(&[int(i), int(j)]).unwrap();
                    let v = runtime::subscr(d, key).unwrap();
                    assert_eq!(repr(v), std::format!("[{j}, {j}, {j}]"));
                }
            }
        });
    }
}
