//! The cache-hit counter, split into one shard per thread: a hit costs a plain load and
//! store on the thread's own shard instead of a locked increment that every thread shares.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use crate::state::lock;

/// The shards of one manager, and the hits of threads that stopped using it.
#[derive(Default)]
pub(crate) struct HitShards(Mutex<Registry>);

#[derive(Default)]
struct Registry {
    folded: u64,
    shards: Vec<Arc<AtomicU64>>,
}

impl HitShards {
    /// Returns the hits of every thread.
    pub(crate) fn total(&self) -> u64 {
        let registry = lock(&self.0);
        let live: u64 = registry
            .shards
            .iter()
            .map(|shard| shard.load(Ordering::Relaxed))
            .sum();
        registry.folded + live
    }

    fn register(&self) -> Arc<AtomicU64> {
        let shard = Arc::new(AtomicU64::new(0));
        lock(&self.0).shards.push(Arc::clone(&shard));
        shard
    }

    /// Moves a shard's count into `folded` and removes the shard, under one lock so that
    /// [`HitShards::total`] never counts it twice or not at all.
    fn fold(&self, shard: &Arc<AtomicU64>) {
        let mut registry = lock(&self.0);
        let Some(index) = registry.shards.iter().position(|s| Arc::ptr_eq(s, shard)) else {
            return;
        };
        registry.shards.swap_remove(index);
        registry.folded += shard.load(Ordering::Relaxed);
    }
}

/// One thread's shard of a manager's hit counter. Only the owning thread increments it.
pub(crate) struct LocalHits {
    shard: Arc<AtomicU64>,
    owner: Weak<HitShards>,
}

impl LocalHits {
    pub(crate) fn new(owner: &Arc<HitShards>) -> Self {
        Self {
            shard: owner.register(),
            owner: Arc::downgrade(owner),
        }
    }

    /// Counts one hit. A load and a store suffice because no other thread writes this shard.
    #[inline]
    pub(crate) fn increment(&self) {
        let hits = self.shard.load(Ordering::Relaxed);
        self.shard.store(hits + 1, Ordering::Relaxed);
    }
}

impl Drop for LocalHits {
    fn drop(&mut self) {
        if let Some(owner) = self.owner.upgrade() {
            owner.fold(&self.shard);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_counts_live_and_folded_shards() {
        let shards = Arc::new(HitShards::default());
        let first = LocalHits::new(&shards);
        let second = LocalHits::new(&shards);

        first.increment();
        second.increment();
        second.increment();
        assert_eq!(shards.total(), 3);

        drop(second);
        assert_eq!(shards.total(), 3);
        assert_eq!(lock(&shards.0).shards.len(), 1);
    }

    #[test]
    fn threads_count_exactly() {
        let shards = Arc::new(HitShards::default());
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let shards = Arc::clone(&shards);
                std::thread::spawn(move || {
                    let hits = LocalHits::new(&shards);
                    for _ in 0..10_000 {
                        hits.increment();
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("worker");
        }

        assert_eq!(shards.total(), 40_000);
    }
}
