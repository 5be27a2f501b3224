//! `--redact`: replaces subjects, senders, recipients, display names and
//! folder names with keyed hashes, stable within a run (the same text gives
//! the same token) and unlinkable across runs (a fresh random key each run),
//! so a customer can share the output without sharing mail content.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};

use crate::summary::Run;

/// A keyed hasher for one run.
#[derive(Debug, Default)]
pub struct Redactor {
    key: RandomState,
}

impl Redactor {
    /// A redactor with a fresh random key.
    pub fn new() -> Self {
        Redactor { key: RandomState::new() }
    }

    /// The token for `text` of a kind (`subject`, `folder`, …).
    pub fn token(&self, kind: &str, text: &str) -> String {
        let mut h = self.key.build_hasher();
        kind.hash(&mut h);
        text.hash(&mut h);
        format!("{kind}-{:016x}", h.finish())
    }

    fn field(&self, kind: &str, v: &mut Option<String>) {
        if let Some(s) = v.as_mut() {
            *s = self.token(kind, s);
        }
    }

    /// Redacts a finished run in place (after classification, which needs the
    /// real texts).
    pub fn apply(&self, run: &mut Run) {
        for a in &mut run.mailboxes {
            self.field("name", &mut a.mailbox.display_name);
            for b in &mut a.mailbox.bad_items {
                self.field("subject", &mut b.subject);
                self.field("sender", &mut b.sender);
                self.field("recipient", &mut b.recipient);
                self.field("folder", &mut b.folder);
                // The record's text and its failure's message quote folder
                // names, subjects and display names.
                b.text = None;
                if let Some(f) = &mut b.failure {
                    self.field("message", &mut f.message);
                    f.data_context = None;
                }
            }
            for c in &mut a.classified {
                self.field("folder", &mut c.folder);
                if let Some(p) = &mut c.principal {
                    self.field("name", &mut p.display_name);
                }
            }
            for f in &mut a.mailbox.failures {
                self.field("message", &mut f.message);
                f.data_context = None;
            }
            a.mailbox.message = a.mailbox.message.take().map(|m| self.token("message", &m));
            for n in &mut a.facts.largest {
                self.field("subject", &mut n.subject);
                self.field("folder", &mut n.folder);
            }
            for set in a.facts.folders.values_mut() {
                *set = set.iter().map(|f| self.token("folder", f)).collect();
            }
            for p in &mut a.principals {
                self.field("name", &mut p.values.display_name);
                p.folders = p.folders.iter().map(|f| self.token("folder", f)).collect();
            }
        }
        for p in &mut run.principals {
            self.field("name", &mut p.display_name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_within_a_run_and_keyed() {
        let a = Redactor::new();
        assert_eq!(a.token("folder", "Inbox"), a.token("folder", "Inbox"));
        assert_ne!(a.token("folder", "Inbox"), a.token("folder", "Sent"));
        assert_ne!(a.token("folder", "Inbox"), a.token("subject", "Inbox"));
        assert!(a.token("folder", "Inbox").starts_with("folder-"));
        let b = Redactor::new();
        assert_ne!(a.token("folder", "Inbox"), b.token("folder", "Inbox"), "a new key each run");
    }
}
