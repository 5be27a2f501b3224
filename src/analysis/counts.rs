//! Counts keyed by an enum: one array slot per variant, merged with `+=`,
//! serialised as one map that holds every key (zeros included), so a mailbox,
//! a batch and the whole run count the same way.

use std::marker::PhantomData;
use std::ops::AddAssign;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::classify::{Category, Class};
use crate::keyed::Keyed;

/// How many of each `K` (`N` is the number of variants).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Counts<K: Keyed, const N: usize> {
    n: [u64; N],
    key: PhantomData<fn() -> K>,
}

/// Bad items per category.
pub type CategoryCounts = Counts<Category, 12>;
/// Bad items per class.
pub type ClassCounts = Counts<Class, 5>;

impl<K: Keyed, const N: usize> Counts<K, N> {
    // Fails the build if `N` is not the number of variants.
    const SIZED: () = assert!(K::ALL.len() == N, "Counts: N must be the number of variants");

    /// No items.
    pub fn new() -> Self {
        let () = Self::SIZED;
        Counts { n: [0; N], key: PhantomData }
    }

    /// The count of one key.
    pub fn get(&self, k: K) -> u64 {
        self.n[k.index()]
    }

    /// Adds `by` to one key.
    pub fn add(&mut self, k: K, by: u64) {
        self.n[k.index()] += by;
    }

    /// The sum over all keys.
    pub fn total(&self) -> u64 {
        self.n.iter().sum()
    }

    /// Every key with its count, in output order.
    pub fn iter(&self) -> impl Iterator<Item = (K, u64)> + '_ {
        K::ALL.iter().map(|&k| (k, self.get(k)))
    }
}

impl<K: Keyed, const N: usize> Default for Counts<K, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Keyed, const N: usize> AddAssign<&Counts<K, N>> for Counts<K, N> {
    fn add_assign(&mut self, other: &Counts<K, N>) {
        for (a, b) in self.n.iter_mut().zip(other.n) {
            *a += b;
        }
    }
}

impl<K: Keyed, const N: usize> FromIterator<K> for Counts<K, N> {
    fn from_iter<I: IntoIterator<Item = K>>(items: I) -> Self {
        let mut c = Self::new();
        for k in items {
            c.add(k, 1);
        }
        c
    }
}

impl<K: Keyed, const N: usize> std::fmt::Debug for Counts<K, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().filter(|(_, n)| *n > 0).map(|(k, n)| (k.key(), n)))
            .finish()
    }
}

impl<K: Keyed, const N: usize> Serialize for Counts<K, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(N))?;
        for (k, n) in self.iter() {
            map.serialize_entry(k.key(), &n)?;
        }
        map.end()
    }
}

impl CategoryCounts {
    /// The same items counted per class.
    pub fn classes(&self) -> ClassCounts {
        let mut out = ClassCounts::new();
        for (c, n) in self.iter() {
            out.add(c.class(), n);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_merge_and_serialise_every_key() {
        let mut a: CategoryCounts =
            [Category::LargeItem, Category::LargeItem, Category::SourcePrincipal]
                .into_iter()
                .collect();
        let b: CategoryCounts = [Category::CorruptPermissions].into_iter().collect();
        a += &b;
        assert_eq!(a.get(Category::LargeItem), 2);
        assert_eq!(a.total(), 4);
        let classes = a.classes();
        assert_eq!(classes.get(Class::Permissions), 2);
        assert_eq!(classes.get(Class::Large), 2);
        assert_eq!(classes.total(), a.total());
        let json = serde_json::to_value(classes).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), Class::ALL.len());
        assert_eq!(json["corruption"], 0);
    }

    #[test]
    fn merging_is_associative_and_order_free() {
        use crate::analysis::verdict::{Verdict, VerdictCounts};
        let parts: Vec<VerdictCounts> = Verdict::ALL
            .iter()
            .enumerate()
            .map(|(i, &v)| std::iter::repeat_n(v, i + 1).collect())
            .collect();
        let mut forward = VerdictCounts::new();
        parts.iter().for_each(|p| forward += p);
        let mut backward = VerdictCounts::new();
        parts.iter().rev().for_each(|p| backward += p);
        assert_eq!(forward, backward);
        assert_eq!(forward.total(), 15);
    }
}
