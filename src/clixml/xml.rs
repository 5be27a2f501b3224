//! XML-level rules shared by the reader and the byte scanners beside it:
//! what counts as white space, an element's local name, and what a character
//! reference or predefined entity stands for.

use std::borrow::Cow;

/// XML white space (what .NET also trims around numbers and booleans).
#[inline]
pub(crate) fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The local part of an element or attribute name (CLIXML uses no prefixes;
/// a short loop beats a `memchr` call on names this short).
#[inline]
pub(crate) fn local(name: &str) -> &str {
    // A plain loop: names are a few bytes long, too short for `memchr`.
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            return &name[i + 1..];
        }
        i += 1;
    }
    name
}

/// The text a character reference or predefined entity stands for; `None`
/// for an invalid or unknown one.
pub(crate) fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<Cow<'static, str>> {
    if r.is_char_ref() {
        r.resolve_char_ref().ok().flatten().map(|c| Cow::Owned(c.to_string()))
    } else {
        quick_xml::escape::resolve_predefined_entity(r).map(Cow::Borrowed)
    }
}
