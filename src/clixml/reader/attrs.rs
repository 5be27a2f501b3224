//! The `N` and `RefId` attributes of a tag: a one-pass fast path for what
//! Export-CliXml writes, and quick-xml's attribute iterator for anything else
//! (which also reports a malformed attribute).

use std::io::Read;

use quick_xml::events::BytesStart;

use super::state::{Reader, Res};
use crate::clixml::error::ErrorKind;
use crate::clixml::escape;
use crate::clixml::value::{Name, RefId};
use crate::clixml::xml::is_xml_space;
use crate::clixml::xml::local;

impl<R: Read> Reader<R> {
    /// Reads the `N` and `RefId` attributes into `name` and `id` (out
    /// parameters, for the same reason as [`Self::push_value_frame`]).
    pub(super) fn attrs(
        &self,
        e: &BytesStart<'_>,
        name: &mut Name,
        id: &mut Option<RefId>,
    ) -> Res<()> {
        if plain_attrs(e.attributes_raw(), name, id) {
            return Ok(());
        }
        iterated_attrs(e, name, id).map_err(|msg| self.err_here(ErrorKind::Syntax(msg)))
    }
}

/// The attributes of a tag as Export-CliXml writes them (` N="…" RefId="…"`:
/// white space before each, plain names, no space around `=`, double quotes,
/// no `&` in `N`), read in one pass into `name` and `id` as the attribute
/// loop of [`Reader::attrs`] would (the last of each wins). `false`, with
/// both left alone, for anything else, which quick-xml's attribute iterator
/// then reads (and reports, if broken); on what this accepts the two agree
/// (tested below). A fast path only: the iterator, with its per-attribute
/// `Result`, took ~8 % of the reader's time (perf). Out parameters for the
/// reason given at [`Reader::push_value_frame`].
#[inline(never)]
fn plain_attrs(raw: &str, name: &mut Name, id: &mut Option<RefId>) -> bool {
    let bytes = raw.as_bytes();
    // The `N` text and whether it may hold `_x` escapes; the `RefId` text.
    let (mut n, mut r): (Option<(&str, bool)>, Option<&str>) = (None, None);
    let mut i = 0;
    loop {
        let space = i;
        while i < bytes.len() && is_xml_space(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        if i == space {
            return false; // `a="1"b="2"`: left to quick-xml
        }
        let Some(key_len) = bytes[i..].iter().position(|&b| !is_plain_name_byte(b)) else {
            return false;
        };
        let key = &raw[i..i + key_len];
        i += key_len;
        if key.is_empty() || bytes.get(i..i + 2) != Some(b"=\"") {
            return false;
        }
        i += 2;
        // Values are short: one plain loop finds the quote and notes what
        // `N` would need decoded.
        let start = i;
        let mut special = false;
        loop {
            match bytes.get(i) {
                Some(b'"') => break,
                Some(b'&' | b'_') => special = true,
                Some(_) => {}
                None => return false,
            }
            i += 1;
        }
        let value = &raw[start..i];
        i += 1;
        match key {
            "N" if special && value.contains('&') => return false,
            "N" => n = Some((value, special)),
            "RefId" => r = Some(value),
            _ => {}
        }
    }
    if let Some((text, escaped)) = n {
        *name = if escaped { name_from(text) } else { Name::from(text) };
    }
    if let Some(r) = r {
        *id = Some(RefId::parse(r));
    }
    true
}

/// [`Reader::attrs`] for any attributes, through quick-xml's iterator: the
/// message of the first malformed one as the error.
fn iterated_attrs(
    e: &BytesStart<'_>,
    name: &mut Name,
    id: &mut Option<RefId>,
) -> Result<(), String> {
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| err.to_string())?;
        match local(attr.key.into_inner()) {
            "N" if attr.value.contains('&') => {
                let raw = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| err.to_string())?;
                *name = name_from(&raw);
            }
            "N" => *name = name_from(&attr.value),
            "RefId" => *id = Some(RefId::parse(&attr.value)),
            _ => {}
        }
    }
    Ok(())
}

/// Letters, digits, `-`, `.`, `_`: a name without a prefix.
fn is_plain_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')
}

/// A property name from its attribute value (entities already resolved).
fn name_from(value: &str) -> Name {
    Name::from(escape::decode(value).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Just;

    /// What the fallback (quick-xml's iterator) makes of a tag's attributes,
    /// or `None` where it reports an error.
    fn attrs_by_quick_xml(raw: &str) -> Option<(Name, Option<RefId>)> {
        let tag = format!("S{raw}");
        let (mut name, mut id) = (Name::default(), None);
        iterated_attrs(&BytesStart::from_content(tag.as_str(), 1), &mut name, &mut id).ok()?;
        Some((name, id))
    }

    /// What the fast path makes of them, or `None` where it does not answer.
    fn attrs_by_plain(raw: &str) -> Option<(Name, Option<RefId>)> {
        let (mut name, mut id) = (Name::default(), None);
        plain_attrs(raw, &mut name, &mut id).then_some((name, id))
    }

    #[test]
    fn plain_attributes_are_what_export_clixml_writes() {
        let some = |n: &str, r: Option<u64>| Some((Name::from(n), r.map(RefId::Num)));
        assert_eq!(attrs_by_plain(""), some("", None));
        assert_eq!(attrs_by_plain(" N=\"Status\" RefId=\"12\""), some("Status", Some(12)));
        assert_eq!(attrs_by_plain(" RefId=\"3\" N=\"a_x0020_b\" "), some("a b", Some(3)));
        assert_eq!(attrs_by_plain("\tN=\"\"\n"), some("", None));
        assert_eq!(attrs_by_plain(" Version=\"1.1.0.1\" N=\"a>b\""), some("a>b", None));
        // Everything else goes to quick-xml.
        for raw in [
            " N='single'",
            " N = \"spaced\"",
            " N=\"a &amp; b\"",
            " x:N=\"prefixed\"",
            " N=\"a\"RefId=\"1\"",
            " N=\"unclosed",
            " N",
            " =\"no name\"",
            "N=\"no space before\"",
        ] {
            assert_eq!(attrs_by_plain(raw), None, "{raw}");
        }
    }

    proptest::proptest! {
        /// Wherever the fast path answers, quick-xml's iterator gives the
        /// same name and id without error. Attributes are built from
        /// parts near the accepted shape, so both answers are exercised.
        #[test]
        fn plain_attributes_agree_with_quick_xml(
            attrs in proptest::collection::vec(
                (
                    proptest::prop_oneof![6 => Just(" "), 1 => Just("\t"), 1 => Just("\r\n "), 1 => Just("")],
                    proptest::sample::select(vec!["N", "RefId", "x:N", "Version", "", "a-b.c_d", "N\""]),
                    proptest::prop_oneof![6 => Just("="), 1 => Just(" ="), 1 => Just("= "), 1 => Just("==")],
                    proptest::prop_oneof![6 => Just("\""), 1 => Just("'")],
                    "[a-z_0-9 <>/'&;:\u{e9}\t-]{0,8}|_x0020_|_x005F_x",
                    proptest::prop_oneof![6 => Just("\""), 1 => Just("'"), 1 => Just("")],
                ),
                0..5,
            ),
            tail in proptest::sample::select(vec!["", " ", "/", " /", "\n"]),
        ) {
            let mut parts: Vec<&str> = Vec::new();
            for (space, key, eq, open, value, close) in &attrs {
                parts.extend([*space, *key, *eq, *open, value.as_str(), *close]);
            }
            parts.push(tail);
            let raw = parts.concat();
            if let Some(fast) = attrs_by_plain(&raw) {
                proptest::prop_assert_eq!(Some(fast), attrs_by_quick_xml(&raw), "{:?}", raw);
            }
        }
    }
}
