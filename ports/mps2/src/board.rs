//! The MPS2 AN385 hardware as QEMU models it: the console UART (UART0, interrupt-driven
//! receive into a ring buffer), SysTick as the millisecond clock, the NVIC, and Arm
//! semihosting (exit, host files). Register maps: ../README.md and the embedded recipe.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, AtomicUsize, Ordering};

pub const UART0: usize = 0x4000_4000;
const UART_DATA: usize = 0x00;
const UART_STATE: usize = 0x04;
const UART_CTRL: usize = 0x08;
const UART_INT: usize = 0x0C;
const UART_BAUDDIV: usize = 0x10;
const STATE_TX_FULL: u32 = 1;
const STATE_RX_FULL: u32 = 2;
const CTRL_TX_EN: u32 = 1;
const CTRL_RX_EN: u32 = 2;
const CTRL_RX_INT_EN: u32 = 8;
const INT_RX: u32 = 2;

const SYST_CSR: usize = 0xE000_E010;
const SYST_RVR: usize = 0xE000_E014;
const SYST_CVR: usize = 0xE000_E018;
const NVIC_ISER: usize = 0xE000_E100;
const NVIC_ICER: usize = 0xE000_E180;
/// Core clock of every MPS2 peripheral.
pub const CLOCK_HZ: u32 = 25_000_000;
const TICKS_PER_MS: u32 = CLOCK_HZ / 1000;

/// NVIC interrupt numbers (QEMU's mps2.c).
pub const IRQ_UART0_RX: u32 = 0;

#[inline(always)]
pub fn read32(addr: usize) -> u32 {
    // SAFETY: callers pass memory-mapped register addresses of this board.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

/// Positional argument `i` of a peripheral call, else its keyword argument `name` (`kw`
/// holds key/value pairs; keys are qstrs, or strs from a `**dict`). One copy for every class.
#[inline(never)]
pub fn arg(
    args: &[upy_runtime::value::Value],
    i: usize,
    kw: &[upy_runtime::value::Value],
    name: upy_runtime::qstr::Qstr,
) -> Option<upy_runtime::value::Value> {
    args.get(i).copied().or_else(|| {
        kw.chunks_exact(2)
            .find(|p| {
                p[0].as_qstr() == Some(name)
                    || upy_runtime::objs::str::as_str(p[0]) == Some(name.as_str())
            })
            .map(|p| p[1])
    })
}

#[inline(always)]
pub fn write32(addr: usize, v: u32) {
    // SAFETY: callers pass memory-mapped register addresses of this board.
    unsafe { core::ptr::write_volatile(addr as *mut u32, v) }
}

pub fn irq_enable(irq: u32) {
    write32(NVIC_ISER + 4 * (irq as usize / 32), 1 << (irq % 32));
}

pub fn irq_disable(irq: u32) {
    write32(NVIC_ICER + 4 * (irq as usize / 32), 1 << (irq % 32));
}

/// PRIMASK: returns the previous state (1 = interrupts were disabled).
pub fn disable_irq() -> u32 {
    let primask: u32;
    // SAFETY: reading PRIMASK and masking interrupts has no memory effects.
    unsafe { core::arch::asm!("mrs {}, PRIMASK", "cpsid i", out(reg) primask, options(nostack)) };
    primask & 1
}

pub fn enable_irq(state: u32) {
    if state & 1 == 0 {
        // SAFETY: unmasking interrupts; handlers only touch atomics and the ring buffer.
        unsafe { core::arch::asm!("cpsie i", options(nostack)) };
    }
}

/// Sleep until the next interrupt (SysTick wakes at least every millisecond).
pub fn wfi() {
    // SAFETY: WFI only waits.
    unsafe { core::arch::asm!("wfi", options(nostack, nomem)) };
}

// --- the console UART ---

const RING: usize = 1024;

/// Bytes received by the UART interrupt, consumed by the REPL and `sys.stdin`.
struct Ring {
    buf: [AtomicU8; RING],
    head: AtomicUsize,
    tail: AtomicUsize,
}

static RX: Ring = Ring {
    buf: [const { AtomicU8::new(0) }; RING],
    head: AtomicUsize::new(0),
    tail: AtomicUsize::new(0),
};

/// Set while Python code runs: then the interrupt character raises KeyboardInterrupt
/// instead of being queued (upstream sets the interrupt char only around execution).
pub static EXECUTING: AtomicBool = AtomicBool::new(false);

impl Ring {
    fn put(&self, b: u8) {
        let h = self.head.load(Ordering::Relaxed);
        let next = (h + 1) % RING;
        if next == self.tail.load(Ordering::Acquire) {
            return; // full: drop, as a UART overrun would
        }
        self.buf[h].store(b, Ordering::Relaxed);
        self.head.store(next, Ordering::Release);
    }

    fn get(&self) -> Option<u8> {
        let t = self.tail.load(Ordering::Relaxed);
        if t == self.head.load(Ordering::Acquire) {
            return None;
        }
        let b = self.buf[t].load(Ordering::Relaxed);
        self.tail.store((t + 1) % RING, Ordering::Release);
        Some(b)
    }

    fn clear(&self) {
        self.tail
            .store(self.head.load(Ordering::Acquire), Ordering::Release);
    }
}

pub fn uart_init(base: usize) {
    write32(base + UART_BAUDDIV, 16);
    write32(base + UART_CTRL, CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INT_EN);
    // Bytes piped in before RX was enabled can sit in QEMU's mux until DATA is read once.
    let _ = read32(base + UART_DATA);
}

pub fn console_init() {
    uart_init(UART0);
    irq_enable(IRQ_UART0_RX);
}

pub fn uart_putc(base: usize, b: u8) {
    while read32(base + UART_STATE) & STATE_TX_FULL != 0 {}
    write32(base + UART_DATA, b as u32);
}

pub fn uart_getc_nowait(base: usize) -> Option<u8> {
    (read32(base + UART_STATE) & STATE_RX_FULL != 0).then(|| read32(base + UART_DATA) as u8)
}

pub fn console_write(bytes: &[u8]) {
    for &b in bytes {
        uart_putc(UART0, b);
    }
}

/// Next console byte, if one arrived.
pub fn console_poll() -> Option<u8> {
    RX.get().or_else(|| {
        drain_masked();
        RX.get()
    })
}

// Belt and braces against a missed interrupt: look at the receive register too.
fn drain_masked() {
    let masked = disable_irq();
    drain_rx();
    enable_irq(masked);
}

/// Whether a console byte is waiting.
pub fn console_peek() -> bool {
    drain_masked();
    RX.head.load(Ordering::Acquire) != RX.tail.load(Ordering::Acquire)
}

/// UART0 receive interrupt: queue the byte, or turn the interrupt character into a
/// KeyboardInterrupt while code runs.
pub extern "C" fn uart0_rx_irq() {
    // Clear first: a byte arriving after the last read below raises the interrupt again,
    // where clearing afterwards would lose it and stall reception for good.
    write32(UART0 + UART_INT, INT_RX);
    drain_rx();
}

fn drain_rx() {
    while let Some(b) = uart_getc_nowait(UART0) {
        let st = upy_runtime::state::get();
        if EXECUTING.load(Ordering::Relaxed) && st.kbd_intr_char == b as i32 {
            RX.clear();
            upy_runtime::signal_interrupt();
        } else {
            RX.put(b);
        }
    }
}

// --- time ---

static MILLIS: AtomicU32 = AtomicU32::new(0);

pub fn systick_init() {
    write32(SYST_RVR, TICKS_PER_MS - 1);
    write32(SYST_CVR, 0);
    // Processor clock, interrupt, enable.
    write32(SYST_CSR, 0b111);
}

pub extern "C" fn systick_irq() {
    MILLIS.fetch_add(1, Ordering::Relaxed);
}

pub fn ticks_ms() -> u32 {
    MILLIS.load(Ordering::Relaxed)
}

/// Microseconds since boot (wraps at 2^32 ms).
pub fn ticks_us() -> u64 {
    loop {
        let ms = MILLIS.load(Ordering::Relaxed);
        let cvr = read32(SYST_CVR);
        // A wrap between the two reads shows as a changed millisecond count.
        if MILLIS.load(Ordering::Relaxed) == ms {
            let into = (TICKS_PER_MS - 1 - cvr.min(TICKS_PER_MS - 1)) / (CLOCK_HZ / 1_000_000);
            return ms as u64 * 1000 + into as u64;
        }
    }
}

/// SysTick's raw down-counter (`time.ticks_cpu`), in 25 MHz cycles.
pub fn ticks_cpu() -> u32 {
    let ms = MILLIS.load(Ordering::Relaxed);
    ms.wrapping_mul(TICKS_PER_MS)
        .wrapping_add(TICKS_PER_MS - 1 - read32(SYST_CVR).min(TICKS_PER_MS - 1))
}

// --- semihosting ---

/// # Safety
/// `arg` must be what operation `op` expects (a pointer to its parameter block, mostly).
pub unsafe fn semihost(op: u32, arg: usize) -> u32 {
    let r;
    // SAFETY: BKPT 0xAB is the semihosting call; QEMU runs with -semihosting.
    unsafe {
        core::arch::asm!("bkpt #0xab", inout("r0") op => r, in("r1") arg, options(nostack));
    }
    r
}

/// Stop QEMU with exit status `code`.
pub fn exit(code: u32) -> ! {
    let block = [0x20026u32, code];
    // SAFETY: SYS_EXIT_EXTENDED takes a pointer to (reason, code).
    unsafe { semihost(0x20, block.as_ptr() as usize) };
    loop {
        wfi();
    }
}

/// Host file operations for saving and loading the file-system image.
pub mod host_file {
    use super::semihost;

    const SYS_OPEN: u32 = 0x01;
    const SYS_CLOSE: u32 = 0x02;
    const SYS_WRITE: u32 = 0x05;
    const SYS_READ: u32 = 0x06;
    const SYS_FLEN: u32 = 0x0C;

    /// Open `name` (NUL-terminated) in mode 0 = "r", 1 = "rb", 4 = "w", 5 = "wb".
    pub fn open(name: &[u8], mode: u32) -> Option<u32> {
        if name.last() != Some(&0) {
            return None;
        }
        let block = [name.as_ptr() as u32, mode, (name.len() - 1) as u32];
        // SAFETY: SYS_OPEN reads the (name, mode, length) block and the name.
        let h = unsafe { semihost(SYS_OPEN, block.as_ptr() as usize) };
        (h != u32::MAX).then_some(h)
    }

    pub fn close(h: u32) {
        let block = [h];
        // SAFETY: SYS_CLOSE reads the handle block.
        unsafe { semihost(SYS_CLOSE, block.as_ptr() as usize) };
    }

    pub fn len(h: u32) -> Option<usize> {
        let block = [h];
        // SAFETY: SYS_FLEN reads the handle block.
        let n = unsafe { semihost(SYS_FLEN, block.as_ptr() as usize) };
        (n != u32::MAX).then_some(n as usize)
    }

    /// Read into `buf`; returns the bytes read.
    pub fn read(h: u32, buf: &mut [u8]) -> usize {
        let block = [h, buf.as_mut_ptr() as u32, buf.len() as u32];
        // SAFETY: SYS_READ writes at most `len` bytes into `buf`; returns the bytes NOT read.
        let left = unsafe { semihost(SYS_READ, block.as_ptr() as usize) } as usize;
        buf.len().saturating_sub(left)
    }

    /// Write all of `buf`; false on error.
    pub fn write(h: u32, buf: &[u8]) -> bool {
        let block = [h, buf.as_ptr() as u32, buf.len() as u32];
        // SAFETY: SYS_WRITE reads `len` bytes of `buf`; returns the bytes NOT written.
        unsafe { semihost(SYS_WRITE, block.as_ptr() as usize) == 0 }
    }
}
