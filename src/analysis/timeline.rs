//! A bounded histogram of bad items over time, by class: what the HTML
//! report charts. Bad items are dropped after classification, so each mailbox
//! keeps only this; its size never exceeds [`MAX_BUCKETS`] whatever the
//! number of items, because buckets double in width when there are too many.

use std::collections::BTreeMap;

use super::classify::Class;
use super::counts::ClassCounts;

/// Most buckets a timeline keeps.
pub const MAX_BUCKETS: usize = 96;
/// The finest bucket width, in seconds.
pub const BASE_WIDTH: i64 = 60;

/// Items per time bucket and class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Bucket width in seconds: [`BASE_WIDTH`] times a power of two.
    pub width: i64,
    /// Bucket start (seconds since the epoch, a multiple of `width`) to the
    /// count per class.
    pub buckets: BTreeMap<i64, ClassCounts>,
    /// Items without a readable timestamp.
    pub undated: u64,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline { width: BASE_WIDTH, buckets: BTreeMap::new(), undated: 0 }
    }
}

impl Timeline {
    /// Counts one item.
    pub fn add(&mut self, secs: Option<i64>, class: Class) {
        let Some(t) = secs else {
            self.undated += 1;
            return;
        };
        let start = t.div_euclid(self.width) * self.width;
        self.buckets.entry(start).or_default().add(class, 1);
        self.shrink();
    }

    /// Adds another timeline (of any width) into this one.
    pub fn merge(&mut self, other: &Timeline) {
        let mut other = other.clone();
        let width = self.width.max(other.width);
        self.coarsen(width);
        other.coarsen(width);
        for (start, counts) in other.buckets {
            *self.buckets.entry(start).or_default() += &counts;
        }
        self.undated += other.undated;
        self.shrink();
    }

    /// A copy coarse enough that its time span holds at most `max_slots`
    /// buckets, for drawing: few items far apart in time would otherwise
    /// spread over very many empty columns.
    pub fn for_display(&self, max_slots: usize) -> Timeline {
        let mut t = self.clone();
        let max_slots = max_slots.max(1) as i64;
        while let (Some(first), Some(last)) = (t.buckets.keys().next(), t.buckets.keys().last()) {
            if (last - first) / t.width < max_slots {
                break;
            }
            let w = t.width * 2;
            t.coarsen(w);
        }
        t
    }

    /// Total dated items.
    pub fn dated(&self) -> u64 {
        self.buckets.values().map(ClassCounts::total).sum()
    }

    // Doubling the width keeps the result independent of insertion order:
    // floor(floor(t / w) * w / 2w) = floor(t / 2w).
    fn shrink(&mut self) {
        while self.buckets.len() > MAX_BUCKETS {
            let w = self.width * 2;
            self.coarsen(w);
        }
    }

    fn coarsen(&mut self, width: i64) {
        if width <= self.width {
            return;
        }
        let mut out: BTreeMap<i64, ClassCounts> = BTreeMap::new();
        for (start, counts) in std::mem::take(&mut self.buckets) {
            *out.entry(start.div_euclid(width) * width).or_default() += &counts;
        }
        self.buckets = out;
        self.width = width;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_order_independent() {
        let times: Vec<i64> = (0..5000).map(|i| 1_700_000_000 + i * 37).collect();
        let mut a = Timeline::default();
        for &t in &times {
            a.add(Some(t), Class::Permissions);
        }
        let mut b = Timeline::default();
        for &t in times.iter().rev() {
            b.add(Some(t), Class::Permissions);
        }
        assert_eq!(a, b);
        assert!(a.buckets.len() <= MAX_BUCKETS);
        assert_eq!(a.dated(), 5000);
        assert_eq!(a.width % BASE_WIDTH, 0);
        a.add(None, Class::Large);
        assert_eq!(a.undated, 1);
    }

    #[test]
    fn display_copies_bound_the_span() {
        let mut t = Timeline::default();
        t.add(Some(0), Class::Large);
        t.add(Some(365 * 86_400), Class::Large);
        let d = t.for_display(120);
        let (first, last) = (d.buckets.keys().next().unwrap(), d.buckets.keys().last().unwrap());
        assert!((last - first) / d.width < 120);
        assert_eq!(d.dated(), 2);
    }

    #[test]
    fn merge_takes_the_coarser_width() {
        let mut fine = Timeline::default();
        fine.add(Some(60), Class::Large);
        fine.add(Some(130), Class::Corruption);
        let mut coarse = Timeline::default();
        for i in 0..200 {
            coarse.add(Some(i * 600), Class::Permissions);
        }
        let mut m = coarse.clone();
        m.merge(&fine);
        assert_eq!(m.width, coarse.width);
        assert_eq!(m.dated(), 202);
        assert_eq!(m.buckets[&0].get(Class::Large), 1);
    }
}
