//! Injected time: the engine reads every instant through a [`Clock`], so tests can drive
//! expiry, jitter and backoff with a [`ManualClock`] instead of sleeping.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use tokio::sync::oneshot;

/// A source of monotonic time, wall-clock time and sleeps.
///
/// Monotonic readings are a [`Duration`] since an arbitrary origin fixed for the clock's
/// life; only differences between readings are meaningful.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    kind: ClockKind,
}

#[derive(Clone, Debug, Default)]
enum ClockKind {
    #[default]
    System,
    Manual(ManualClock),
}

impl Clock {
    /// Returns the operating system's clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// Returns the monotonic reading.
    #[inline]
    pub fn now(&self) -> Duration {
        match &self.kind {
            ClockKind::System => system_monotonic(),
            ClockKind::Manual(manual) => manual.now(),
        }
    }

    /// Returns the wall-clock time.
    pub fn wall(&self) -> SystemTime {
        match &self.kind {
            ClockKind::System => system_wall(),
            ClockKind::Manual(manual) => manual.wall(),
        }
    }

    /// Returns a future that completes once the monotonic reading reaches `deadline`.
    pub fn sleep_until(&self, deadline: Duration) -> BoxFuture<'static, ()> {
        match &self.kind {
            ClockKind::System => {
                let remaining = deadline.saturating_sub(system_monotonic());
                Box::pin(tokio::time::sleep(remaining))
            }
            ClockKind::Manual(manual) => manual.sleep_until(deadline),
        }
    }
}

impl From<ManualClock> for Clock {
    fn from(manual: ManualClock) -> Self {
        Self {
            kind: ClockKind::Manual(manual),
        }
    }
}

/// Reads `CLOCK_MONOTONIC_COARSE`: a few nanoseconds per read through the vDSO, with a
/// resolution of a few milliseconds, which is plenty for token lifetimes.
#[cfg(target_os = "linux")]
#[inline]
fn system_monotonic() -> Duration {
    let mut spec = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };

    // SAFETY: `spec` is a valid, writable timespec and the clock id is a constant that Linux
    // has supported since 2.6.32. The call cannot fail with these arguments.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut spec) };

    Duration::new(spec.tv_sec as u64, spec.tv_nsec as u32)
}

#[cfg(not(target_os = "linux"))]
fn system_monotonic() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;

    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    #[allow(clippy::disallowed_methods)] // This is the one place that reads the system clock.
    let now = Instant::now();
    now.duration_since(*ORIGIN.get_or_init(|| now))
}

#[allow(clippy::disallowed_methods)] // This is the one place that reads the wall clock.
fn system_wall() -> SystemTime {
    SystemTime::now()
}

/// A clock that moves only when a test calls [`ManualClock::advance`].
///
/// Sleepers registered through [`Clock::sleep_until`] wake when an advance reaches their
/// deadline. Clones share the same time.
#[derive(Clone, Default)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Default)]
struct ManualState {
    now: Duration,
    wall_offset: Duration,
    sleepers: Vec<(Duration, oneshot::Sender<()>)>,
}

impl ManualClock {
    /// Creates a clock whose monotonic reading starts at zero and whose wall clock starts at
    /// 2026-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves both readings forward by `step` and wakes every sleeper whose deadline passed.
    pub fn advance(&self, step: Duration) {
        let mut state = self.lock();
        state.now += step;
        let now = state.now;

        let (due, pending) = std::mem::take(&mut state.sleepers)
            .into_iter()
            .partition(|(deadline, _)| *deadline <= now);
        state.sleepers = pending;
        drop(state);

        for (_, waker) in due {
            let _ = waker.send(());
        }
    }

    /// Moves only the wall clock, as when the host's clock is corrected.
    pub fn shift_wall(&self, offset: Duration) {
        self.lock().wall_offset += offset;
    }

    /// Returns how many sleeps are waiting for the clock to advance; a sleep whose future
    /// was dropped no longer counts.
    pub fn sleepers(&self) -> usize {
        let mut state = self.lock();
        state.sleepers.retain(|(_, waker)| !waker.is_closed());
        state.sleepers.len()
    }

    fn now(&self) -> Duration {
        self.lock().now
    }

    fn wall(&self) -> SystemTime {
        let state = self.lock();
        manual_epoch() + state.now + state.wall_offset
    }

    fn sleep_until(&self, deadline: Duration) -> BoxFuture<'static, ()> {
        let mut state = self.lock();
        if deadline <= state.now {
            return Box::pin(std::future::ready(()));
        }

        let (waker, sleeper) = oneshot::channel();
        state.sleepers.push((deadline, waker));
        Box::pin(async move {
            let _ = sleeper.await;
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ManualClock")
            .field("now", &state.now)
            .field("sleepers", &state.sleepers.len())
            .finish()
    }
}

fn manual_epoch() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_is_monotonic() {
        let clock = Clock::system();
        let first = clock.now();
        let second = clock.now();

        assert!(second >= first);
    }

    #[tokio::test]
    async fn manual_sleep_wakes_on_advance() {
        let manual = ManualClock::new();
        let clock = Clock::from(manual.clone());
        let sleep = tokio::spawn(clock.sleep_until(Duration::from_secs(10)));
        tokio::task::yield_now().await;

        manual.advance(Duration::from_secs(9));
        tokio::task::yield_now().await;
        assert!(!sleep.is_finished());

        manual.advance(Duration::from_secs(1));
        sleep.await.expect("sleep task");
        assert_eq!(clock.now(), Duration::from_secs(10));
    }

    #[test]
    fn manual_wall_moves_with_shift() {
        let manual = ManualClock::new();
        let clock = Clock::from(manual.clone());
        let before = clock.wall();

        manual.shift_wall(Duration::from_secs(3600));

        assert_eq!(clock.wall(), before + Duration::from_secs(3600));
        assert_eq!(clock.now(), Duration::ZERO);
    }
}
