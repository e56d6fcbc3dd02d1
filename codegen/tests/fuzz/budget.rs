//! Memory and work of a conversion: a counting global allocator (per thread), a conversion's
//! cost measured with it, the memory budget of an input and the check that work grows
//! linearly with an input's size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Counts, per thread, the bytes allocated and not yet freed and their peak, so that a
/// conversion's memory can be measured while other tests run on other threads. Memory freed
/// on another thread than the one that allocated it is not seen (the counts saturate at 0).
struct Counting;

thread_local! {
    // `const` thread locals without `Drop` need no allocation and no destructor, so the
    // allocator may use them.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        shrank(layout.size());
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn grew(bytes: usize) {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrank(bytes: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(bytes)));
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What running a function cost on the current thread: time, the peak of memory it held
/// above what the thread held before, and how many allocations it made. Allocations count
/// work independently of the machine's load, so linearity is asserted on them, not on time.
pub(super) struct Cost {
    pub(super) elapsed: Duration,
    pub(super) peak_bytes: usize,
    allocations: usize,
}

pub(super) fn measured<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let allocations = ALLOCATIONS.with(Cell::get);
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    let peak_bytes = PEAK.with(Cell::get).saturating_sub(base);
    (
        value,
        Cost {
            elapsed,
            peak_bytes,
            allocations: ALLOCATIONS.with(Cell::get) - allocations,
        },
    )
}

/// Asserts that `work(n)` costs at most 2.5 times the allocations of `work(n / 2)`: linear
/// work doubles, quadratic work quadruples.
pub(super) fn assert_linear(what: &str, n: usize, work: impl Fn(usize)) {
    let (_, half) = measured(|| work(n / 2));
    let (_, whole) = measured(|| work(n));
    assert!(
        whole.allocations * 2 <= half.allocations * 5,
        "{what}: {} allocations for {n}, {} for {}",
        whole.allocations,
        half.allocations,
        n / 2
    );
}

/// Memory one conversion may hold: a fixed allowance plus a multiple of its input. Generated
/// inputs take a few times their size; the quadratic cases reported in issue 10 took a
/// thousand times theirs (1.2 GB for 1 MB).
pub(super) fn memory_budget(input_len: usize) -> usize {
    64 * 1024 * 1024 + 200 * input_len
}
