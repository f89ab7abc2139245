//! The core's [`ThreadHal`] over std threads: OS threads for `_thread`, the global
//! interpreter lock (a flag under a mutex with a condition variable, so a thread that passes
//! the GIL on can wait until another has taken it), and the wake-up counter threads waiting
//! for Python locks sleep on.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;
use upy_runtime::hal::ThreadHal;

/// Stack of a thread started without `_thread.stack_size` (or with less): generous, since it
/// is only reserved address space until used. A quarter of it (at most 2 MiB) is what Python
/// code may use; the rest is headroom, as on the interpreter's first thread.
const DEFAULT_STACK: usize = 16 * 1024 * 1024;
/// How long a thread waits for the GIL before asking the holder to pass it on.
const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

pub struct UnixThreads;

pub static THREADS: UnixThreads = UnixThreads;

struct Gil {
    held: bool,
    /// Threads blocked in `gil_acquire`.
    waiting: usize,
    /// Bumped every time the GIL is taken, so a yielding thread sees that someone took it.
    taken: u64,
}

static GIL: Mutex<Gil> = Mutex::new(Gil {
    held: false,
    waiting: 0,
    taken: 0,
});
static GIL_CHANGED: Condvar = Condvar::new();

static EVENTS: Mutex<u64> = Mutex::new(0);
static EVENT: Condvar = Condvar::new();

fn gil() -> MutexGuard<'static, Gil> {
    GIL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Wait (as one of the `waiting` threads) until the GIL is free, then take it. An `urgent`
/// taker (a thread coming back from a blocking call, or a new one) asks the holder to pass
/// the GIL on at once rather than after the switch interval, so that wake-ups are prompt.
fn take(mut g: MutexGuard<'static, Gil>, urgent: bool) {
    if g.held {
        if urgent {
            upy_runtime::thread::request_switch();
        }
        g.waiting += 1;
        while g.held {
            let (ng, t) = GIL_CHANGED
                .wait_timeout(g, SWITCH_INTERVAL)
                .unwrap_or_else(|e| e.into_inner());
            g = ng;
            if g.held && t.timed_out() {
                upy_runtime::thread::request_switch();
            }
        }
        g.waiting -= 1;
    }
    g.held = true;
    g.taken = g.taken.wrapping_add(1);
    drop(g);
    // A thread in `gil_yield` waits for this.
    GIL_CHANGED.notify_all();
}

impl ThreadHal for UnixThreads {
    fn spawn(
        &self,
        entry: fn(usize),
        arg: usize,
        stack_size: usize,
    ) -> Result<(usize, usize), i32> {
        use std::os::unix::thread::JoinHandleExt;
        let size = stack_size.max(DEFAULT_STACK);
        let handle = std::thread::Builder::new()
            .stack_size(size)
            .spawn(move || {
                // Ctrl-C is for the main interpreter thread.
                crate::hal::block_sigint_here();
                entry(arg)
            })
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EAGAIN))?;
        let ident = handle.as_pthread_t() as usize;
        // Detached: nobody joins a `_thread` thread.
        drop(handle);
        Ok((ident, size))
    }

    fn ident(&self) -> usize {
        // SAFETY: pthread_self has no preconditions.
        unsafe { libc::pthread_self() as usize }
    }

    fn gil_acquire(&self) {
        take(gil(), true);
    }

    fn gil_release(&self) {
        gil().held = false;
        GIL_CHANGED.notify_all();
    }

    fn gil_yield(&self) {
        let mut g = gil();
        if g.waiting == 0 {
            return;
        }
        let seen = g.taken;
        g.held = false;
        GIL_CHANGED.notify_all();
        while g.taken == seen {
            g = GIL_CHANGED.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        take(g, false);
    }

    fn event_count(&self) -> u64 {
        *EVENTS.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn event_notify(&self) {
        let mut n = EVENTS.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.wrapping_add(1);
        drop(n);
        EVENT.notify_all();
    }

    fn event_wait(&self, seen: u64, timeout_us: Option<u64>) {
        let n = EVENTS.lock().unwrap_or_else(|e| e.into_inner());
        let _unused = match timeout_us {
            None => EVENT
                .wait_while(n, |n| *n == seen)
                .unwrap_or_else(|e| e.into_inner()),
            Some(us) => {
                EVENT
                    .wait_timeout_while(n, Duration::from_micros(us), |n| *n == seen)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// The GIL tests share the one static GIL, so they run one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    #[test]
    fn gil_excludes_and_yield_hands_over() {
        let _s = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let inside = Arc::new(AtomicUsize::new(0));
        let turns = Arc::new(AtomicUsize::new(0));
        let mut hs = Vec::new();
        for _ in 0..3 {
            let (inside, turns) = (inside.clone(), turns.clone());
            hs.push(std::thread::spawn(move || {
                for _ in 0..200 {
                    THREADS.gil_acquire();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    turns.fetch_add(1, Ordering::SeqCst);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    THREADS.gil_yield();
                    assert_eq!(inside.load(Ordering::SeqCst), 0);
                    THREADS.gil_release();
                }
            }));
        }
        for h in hs {
            assert!(h.join().is_ok());
        }
        assert_eq!(turns.load(Ordering::SeqCst), 600);
        assert!(!gil().held);
    }

    #[test]
    fn yield_without_waiters_keeps_the_gil() {
        let _s = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        THREADS.gil_acquire();
        let before = gil().taken;
        THREADS.gil_yield();
        assert!(gil().held);
        assert_eq!(gil().taken, before);
        THREADS.gil_release();
    }

    #[test]
    fn event_wait_wakes_on_notify_and_times_out() {
        let seen = THREADS.event_count();
        let t = std::time::Instant::now();
        THREADS.event_wait(seen, Some(20_000));
        assert!(t.elapsed() >= Duration::from_millis(15));
        let h = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(10));
            THREADS.event_notify();
        });
        THREADS.event_wait(seen, None);
        assert!(THREADS.event_count() != seen);
        assert!(h.join().is_ok());
    }

    #[test]
    fn spawn_reports_ident_and_stack() {
        let (tx, rx) = std::sync::mpsc::channel();
        static TX: Mutex<Option<std::sync::mpsc::Sender<usize>>> = Mutex::new(None);
        *TX.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
        fn entry(_arg: usize) {
            if let Some(tx) = TX.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                let _ = tx.send(THREADS.ident());
            }
        }
        let r = THREADS.spawn(entry, 0, 4096);
        let Ok((ident, size)) = r else {
            panic!("spawn failed: {r:?}")
        };
        assert_eq!(size, DEFAULT_STACK);
        assert_eq!(rx.recv().ok(), Some(ident));
        assert_ne!(ident, THREADS.ident());
    }
}
