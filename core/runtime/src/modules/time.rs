//! `time`: wall clock, sleeping, wrapping tick counters and calendar conversion, as
//! upstream's unix port has them (extmod/modtime.c with ports/unix/modtime.c): `time()` is
//! a float, `gmtime`/`localtime` return 9-tuples, `mktime` normalises out-of-range fields.
//! Calendar arithmetic is done here (proleptic Gregorian, Unix epoch); the port supplies
//! only the clocks and the local UTC offset.

use crate::obj::PyResult;
#[cfg(feature = "time_calendar")]
use crate::objs::tuple;
use crate::objs::{float, int, module::Module};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::{Value, SMALL_INT_MAX};

/// Tick counters wrap at the small-int range, like MICROPY_PY_TIME_TICKS_PERIOD.
const TICKS_PERIOD: usize = SMALL_INT_MAX as usize + 1;
const TICKS_MASK: usize = TICKS_PERIOD - 1;
const TICKS_HALF: usize = TICKS_PERIOD / 2;

fn hal() -> PyResult<&'static dyn crate::hal::Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no clock"))
}

fn ticks(v: u64) -> Value {
    Value::small_int((v as usize & TICKS_MASK) as isize)
}

/// `time.ticks_ms()` as a number (for asyncio's native queue).
pub fn ticks_ms_raw() -> PyResult<usize> {
    Ok(hal()?.ticks_ms() as usize & TICKS_MASK)
}

fn ticks_ms() -> PyResult<Value> {
    Ok(ticks(hal()?.ticks_ms()))
}

fn ticks_us() -> PyResult<Value> {
    Ok(ticks(hal()?.ticks_us()))
}

fn ticks_cpu() -> PyResult<Value> {
    Ok(ticks(hal()?.ticks_cpu()))
}

/// Signed distance from `start` to `end` on the tick circle.
pub fn ticks_diff_raw(end: usize, start: usize) -> isize {
    ((end.wrapping_sub(start).wrapping_add(TICKS_HALF)) & TICKS_MASK) as isize - TICKS_HALF as isize
}

/// `ticks + delta` on the tick circle, or None if `delta` is beyond what ticks_diff can
/// measure back.
pub fn ticks_add_raw(ticks: usize, delta: isize) -> Option<usize> {
    let d = delta as usize;
    if d.wrapping_add(TICKS_HALF - 1) >= TICKS_PERIOD - 1 {
        return None;
    }
    Some(ticks.wrapping_add(d) & TICKS_MASK)
}

fn ticks_diff(end: Value, start: Value) -> PyResult<Value> {
    let e = int::get_isize(end)? as usize;
    let s = int::get_isize(start)? as usize;
    Ok(Value::small_int(ticks_diff_raw(e, s)))
}

fn ticks_add(t: Value, delta: Value) -> PyResult<Value> {
    let t = int::get_isize(t)? as usize;
    let d = int::get_isize(delta)?;
    match ticks_add_raw(t, d) {
        Some(r) => Ok(Value::small_int(r as isize)),
        None => Err(raise::overflow_error("ticks interval overflow")),
    }
}

#[cfg(feature = "time_calendar")]
fn time() -> PyResult<Value> {
    float::new(float::narrow(hal()?.time()))
}

#[cfg(feature = "time_calendar")]
fn time_ns() -> PyResult<Value> {
    int::from_u64(hal()?.time_ns())
}

#[cfg(feature = "time_calendar")]
/// `time.clock()`: seconds as a float (upstream's unix port, kept for old benchmarks).
fn clock() -> PyResult<Value> {
    float::new(hal()?.ticks_us() as float::Real / 1e6)
}

/// Sleep, waking early only to deliver a pending interrupt. Other threads run meanwhile;
/// `sleep(0)` passes the interpreter to a waiting thread, if any.
fn sleep_for_us(us: u64) -> PyResult<()> {
    let h = hal()?;
    let flag = state::interrupt_flag();
    // Even `sleep(0)` is a point where pending events (scheduled callbacks, interrupts)
    // are handled, as upstream's event poll.
    if us == 0 {
        if flag.load(core::sync::atomic::Ordering::Relaxed) {
            crate::vm::take_pending()?;
        }
        crate::thread::yield_gil();
        return Ok(());
    }
    // Timed against the clock, not by adding up steps, so that late wake-ups on a loaded
    // machine do not accumulate.
    let deadline = h.ticks_us().saturating_add(us);
    // The steps asked for so far also end the sleep once they add up to `us`: a port whose
    // clock does not move still sleeps for as long as asked.
    let mut left = us;
    loop {
        if flag.load(core::sync::atomic::Ordering::Relaxed) {
            // Raises a KeyboardInterrupt; scheduled callbacks just run and sleeping goes on.
            crate::vm::take_pending()?;
        }
        if !sleep_until(h, deadline, &mut left) {
            return Ok(());
        }
    }
}

use crate::thread::{is_main, without_gil};

/// Sleep in short steps (without the GIL when threads run) until `deadline` (in
/// `ticks_us`) or `left` is used up or, on the main thread, until an event is pending; true
/// in the latter case.
fn sleep_until(h: &'static dyn crate::hal::Hal, deadline: u64, left: &mut u64) -> bool {
    let main = is_main();
    let flag = state::interrupt_flag();
    without_gil(|| loop {
        let now = h.ticks_us();
        if now >= deadline || *left == 0 {
            return false;
        }
        let step = (deadline - now).min(10_000).min(*left);
        // A board's sleep may end early to let a pending event (a timer callback) run:
        // only a step during which the clock stood still counts against `left`.
        let before = h.ticks_us();
        h.sleep_us(step);
        if h.ticks_us() == before {
            *left -= step;
        }
        if main && flag.load(core::sync::atomic::Ordering::Relaxed) {
            return true;
        }
    })
}

fn sleep(secs: Value) -> PyResult<Value> {
    let s = float::get_f64(secs)?;
    if s.is_nan() || s < 0.0 {
        return Err(raise::os_error(22));
    }
    // `as` saturates; adding a half rounds to the nearest microsecond.
    sleep_for_us((s * 1e6 + 0.5) as u64)?;
    Ok(Value::NONE)
}

fn sleep_ms(ms: Value) -> PyResult<Value> {
    let n = int::get_isize(ms)?;
    if n > 0 {
        sleep_for_us((n as u64).saturating_mul(1000))?;
    }
    Ok(Value::NONE)
}

fn sleep_us(us: Value) -> PyResult<Value> {
    let n = int::get_isize(us)?;
    if n > 0 {
        sleep_for_us(n as u64)?;
    }
    Ok(Value::NONE)
}

// --- calendar ---

/// Days from 1970-01-01 to year-month-day (month 1..=12), any year.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    // Within the era everything fits 32 bits (64-bit division is a library call on
    // 32-bit boards). Months are 0..=15 here (FAT time stamps may hold 0 or 13..15).
    let yoe = (y - era * 400) as u32;
    let mp = ((m + 9) % 12) as u32;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + i64::from(doe) + d - 1 - 719_468
}

/// (year, month, day) of a day number counted from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let (y, m, d, _) = civil(z);
    (y, i64::from(m), i64::from(d))
}

/// (year, month, day, day of the year from 1) of a day number counted from 1970-01-01.
fn civil(z: i64) -> (i64, u32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    // Days since March 1 (the era's years start in March).
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let (m, yday) = if mp < 10 {
        // March..December: the civil year is the era's year `yoe`, leap like it.
        let leap = yoe.is_multiple_of(4) && (!yoe.is_multiple_of(100) || yoe == 0);
        (mp + 3, doy + 60 + u32::from(leap))
    } else {
        (mp - 9, doy - 305)
    };
    let y = i64::from(yoe) + era * 400 + i64::from(m <= 2);
    (y, m, d, yday)
}

/// Broken-down time: (year, month, mday, hour, minute, second, weekday Mon=0, yearday 1..).
pub fn broken_down(t: i64) -> [i64; 8] {
    let days = t.div_euclid(86_400);
    let secs = (t - days * 86_400) as u32;
    let (y, m, d, yday) = civil(days);
    // 1970-01-01 was a Thursday.
    let wday = (days + 3).rem_euclid(7);
    [
        y,
        i64::from(m),
        i64::from(d),
        i64::from(secs / 3600),
        i64::from(secs / 60 % 60),
        i64::from(secs % 60),
        wday,
        i64::from(yday),
    ]
}

/// Seconds since the epoch for a (possibly out-of-range) UTC date and time.
pub fn timegm(f: [i64; 6]) -> i64 {
    let [y, mon, d, h, mi, s] = f;
    let y = y + (mon - 1).div_euclid(12);
    let mon = (mon - 1).rem_euclid(12) + 1;
    (days_from_civil(y, mon, 1) + d - 1) * 86_400 + h * 3600 + mi * 60 + s
}

#[cfg(feature = "time_calendar")]
/// Timestamps whose year fits comfortably in an i64 calculation and a small int.
const TIMESTAMP_LIMIT: float::Real = 1e15;

#[cfg(feature = "time_calendar")]
fn timestamp_arg(args: &[Value]) -> PyResult<i64> {
    match args.first() {
        None => Ok(float::f64_to_i64(hal()?.time())),
        Some(v) => {
            let x = float::get_f64(*v)?;
            if x.is_nan() || !(-TIMESTAMP_LIMIT..=TIMESTAMP_LIMIT).contains(&x) {
                return Err(raise::overflow_error("timestamp out of range"));
            }
            // `as` truncates toward zero, like upstream's trunc().
            Ok(x as i64)
        }
    }
}

#[cfg(feature = "time_calendar")]
fn time_tuple(t: i64, isdst: bool) -> PyResult<Value> {
    let f = broken_down(t);
    let mut items = [Value::NONE; 9];
    for (slot, x) in items.iter_mut().zip(f.iter()) {
        *slot = Value::small_int(*x as isize);
    }
    items[8] = Value::small_int(isdst as isize);
    tuple::new(&items)
}

#[cfg(feature = "time_calendar")]
fn gmtime(args: &[Value]) -> PyResult<Value> {
    let t = timestamp_arg(args)?;
    time_tuple(t, false)
}

#[cfg(feature = "time_calendar")]
fn localtime(args: &[Value]) -> PyResult<Value> {
    let t = timestamp_arg(args)?;
    let (off, dst) = hal()?.local_offset(t);
    time_tuple(t + off, dst)
}

#[cfg(feature = "time_calendar")]
fn mktime(tup: Value) -> PyResult<Value> {
    let items: &[Value] = if let Some(t) = tuple::items(tup) {
        t
    } else if let Some(l) = crate::objs::list::get(tup) {
        l.items()
    } else {
        return Err(raise::type_error("mktime needs a tuple of length 8 or 9"));
    };
    if items.len() < 8 || items.len() > 9 {
        return Err(raise::type_error("mktime needs a tuple of length 8 or 9"));
    }
    let mut f = [0i64; 6];
    for (slot, v) in f.iter_mut().zip(items.iter()) {
        let n = int::get_isize(*v)? as i64;
        if n.unsigned_abs() > 1 << 40 {
            return Err(raise::overflow_error("invalid mktime usage"));
        }
        *slot = n;
    }
    let local = timegm(f);
    let h = hal()?;
    int::from_i64(local_to_utc(local, |t| h.local_offset(t).0))
}

#[cfg(feature = "time_calendar")]
/// The instant whose local time is `local` (seconds as if UTC), given the UTC offset in
/// force at each instant. Inside a daylight-saving gap the earlier offset applies, which
/// moves the time forward as C's mktime does.
pub fn local_to_utc(local: i64, offset: impl Fn(i64) -> i64) -> i64 {
    let o1 = offset(local);
    let t1 = local - o1;
    let o2 = offset(t1);
    if o2 == o1 {
        return t1;
    }
    let t2 = local - o2;
    if offset(t2) == o2 {
        t2
    } else {
        t1
    }
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::time)),
    #[cfg(feature = "time_calendar")]
    crate::entry!(clock, crate::fun!(clock, F0(clock))),
    #[cfg(feature = "time_calendar")]
    crate::entry!(
        gmtime,
        crate::fun!(
            gmtime,
            Var {
                min: 0,
                max: 1,
                f: gmtime
            }
        )
    ),
    #[cfg(feature = "time_calendar")]
    crate::entry!(
        localtime,
        crate::fun!(
            localtime,
            Var {
                min: 0,
                max: 1,
                f: localtime
            }
        )
    ),
    #[cfg(feature = "time_calendar")]
    crate::entry!(mktime, crate::fun!(mktime, F1(mktime))),
    crate::entry!(sleep, crate::fun!(sleep, F1(sleep))),
    crate::entry!(sleep_ms, crate::fun!(sleep_ms, F1(sleep_ms))),
    crate::entry!(sleep_us, crate::fun!(sleep_us, F1(sleep_us))),
    crate::entry!(ticks_add, crate::fun!(ticks_add, F2(ticks_add))),
    crate::entry!(ticks_cpu, crate::fun!(ticks_cpu, F0(ticks_cpu))),
    crate::entry!(ticks_diff, crate::fun!(ticks_diff, F2(ticks_diff))),
    crate::entry!(ticks_ms, crate::fun!(ticks_ms, F0(ticks_ms))),
    crate::entry!(ticks_us, crate::fun!(ticks_us, F0(ticks_us))),
    #[cfg(feature = "time_calendar")]
    crate::entry!(time, crate::fun!(time, F0(time))),
    #[cfg(feature = "time_calendar")]
    crate::entry!(time_ns, crate::fun!(time_ns, F0(time_ns))),
];

pub static MODULE: Module = Module::new_static(Q::time, GLOBALS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips_with_year_days() {
        // Around the epoch, a century leap year and the 400-year rule, and far dates.
        for start in [
            -800_000i64,
            -1000,
            10_900,
            11_000,
            2_000_000,
            300_000_000_000,
        ] {
            for z in start..start + 1500 {
                let (y, m, d, yday) = civil(z);
                assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), z);
                assert_eq!(i64::from(yday), z - days_from_civil(y, 1, 1) + 1);
                assert!((1..=12).contains(&m) && (1..=31).contains(&d));
            }
        }
        assert_eq!(broken_down(951_782_400), [2000, 2, 29, 0, 0, 0, 1, 60]);
        assert_eq!(broken_down(-1), [1969, 12, 31, 23, 59, 59, 2, 365]);
    }

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(broken_down(0), [1970, 1, 1, 0, 0, 0, 3, 1]);
        assert_eq!(broken_down(-1), [1969, 12, 31, 23, 59, 59, 2, 365]);
        assert_eq!(broken_down(946_684_800), [2000, 1, 1, 0, 0, 0, 5, 1]);
        assert_eq!(broken_down(1 << 40), [36812, 2, 20, 0, 36, 16, 0, 51]);
        assert_eq!(timegm([2000, 1, 1, 0, 0, 0]), 946_684_800);
    }

    #[test]
    fn timegm_normalises_like_mktime() {
        assert_eq!(timegm([2020, 14, 35, 25, 61, 61]), 1_615_168_921);
        assert_eq!(
            timegm([2021, 0, 1, 0, 0, 0]),
            timegm([2020, 12, 1, 0, 0, 0])
        );
    }

    #[test]
    fn round_trip_every_day_of_a_leap_century() {
        let mut t = timegm([1999, 12, 1, 12, 0, 0]);
        for _ in 0..40_000 {
            let f = broken_down(t);
            assert_eq!(timegm([f[0], f[1], f[2], f[3], f[4], f[5]]), t);
            t += 86_400;
        }
    }

    #[cfg(feature = "time_calendar")]
    #[test]
    fn mktime_offsets_around_daylight_saving() {
        // A zone at -5h switching to -4h at 1_000_000 (UTC).
        let off = |t: i64| if t < 1_000_000 { -18_000 } else { -14_400 };
        assert_eq!(local_to_utc(500_000, off), 518_000);
        assert_eq!(local_to_utc(2_000_000, off), 2_014_400);
        // 1_000_000 - 18_000 + 1_800 falls in the gap: moved forward by the old offset.
        assert_eq!(local_to_utc(983_800, off), 1_001_800);
        assert_eq!(local_to_utc(0, |_| 0), 0);
    }

    #[test]
    fn ticks_wrap_around() {
        let max = TICKS_MASK;
        assert_eq!(ticks_add_raw(0, -1), Some(max));
        assert_eq!(ticks_add_raw(max, 1), Some(0));
        assert_eq!(ticks_diff_raw(0, max), 1);
        assert_eq!(ticks_diff_raw(max, 0), -1);
        assert_eq!(ticks_diff_raw(TICKS_HALF, 0), -(TICKS_HALF as isize));
        assert_eq!(ticks_diff_raw(TICKS_HALF, 1), TICKS_HALF as isize - 1);
        assert_eq!(ticks_add_raw(0, TICKS_HALF as isize), None);
        assert_eq!(ticks_add_raw(0, -(TICKS_HALF as isize)), None);
        assert_eq!(
            ticks_add_raw(0, TICKS_HALF as isize - 1),
            Some(TICKS_HALF - 1)
        );
    }
}
