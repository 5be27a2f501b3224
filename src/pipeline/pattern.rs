//! How an input argument becomes a glob pattern for the tool's own
//! expansion (cmd.exe and PowerShell pass `*.xml` through unexpanded), as a
//! pure function of the text and the platform's path rules, so the Windows
//! forms are tested on every OS.
//!
//! The rules, which are cmd.exe's: `*` and `?` are the wildcards (and `**`
//! any depth of folders); `[` and `]` are ordinary characters, because
//! Windows names use them (`Exports [2024]`, `report[1].xml`) and neither
//! cmd.exe nor a Windows admin reads them as a class. So nothing needs
//! escaping: an argument without `*` or `?` is a path, whatever brackets it
//! holds. (A character class is not offered; a Unix shell expands its own
//! before the tool sees the arguments.) On Windows, the root of a path (a
//! drive `C:\`, a UNC share `\\server\share\`, the verbatim forms `\\?\C:\`
//! and `\\?\UNC\server\share\`) is taken as it is, and `\` and `/` both
//! separate folders.

use std::borrow::Cow;

/// The glob pattern an argument stands for, or `None` when it is a path
/// (it has no `*` or `?` outside its root). `windows` selects Windows' path
/// rules (roots, `\` as a separator), whatever the OS running.
pub(crate) fn glob_pattern(arg: &str, windows: bool) -> Option<String> {
    let (root, rest) = if windows { windows_root(arg) } else { (Cow::Borrowed(""), arg) };
    if !rest.contains(['*', '?']) {
        return None;
    }
    let mut out = String::with_capacity(arg.len() + 8);
    out.push_str(&root);
    for c in rest.chars() {
        // The glob crate reads `[…]` as a class: a bracket of a name is
        // written as the class holding only it.
        match c {
            '[' => out.push_str("[[]"),
            ']' => out.push_str("[]]"),
            c => out.push(c),
        }
    }
    Some(out)
}

fn is_separator(c: char) -> bool {
    c == '\\' || c == '/'
}

/// Splits a Windows path into its root (as glob should see it) and the
/// rest: `C:\`, `C:` (drive-relative), `\` (the current drive's root),
/// `\\server\share\`, `\\?\C:\`; `\\?\UNC\server\share\` becomes
/// `\\server\share\`, the form the glob crate walks (it lists nothing under
/// a verbatim UNC root).
fn windows_root(arg: &str) -> (Cow<'_, str>, &str) {
    if let Some(unc) = arg.strip_prefix(r"\\?\UNC\") {
        let len = share_len(unc);
        return (Cow::Owned(format!(r"\\{}", &unc[..len])), &unc[len..]);
    }
    if let Some(verbatim) = arg.strip_prefix(r"\\?\") {
        // `\\?\C:\…`: the drive and its separator.
        let len = drive_len(verbatim).unwrap_or(0);
        let len = len + usize::from(verbatim[len..].starts_with('\\'));
        return (Cow::Borrowed(&arg[..4 + len]), &verbatim[len..]);
    }
    let mut chars = arg.chars();
    if let (Some(a), Some(b)) = (chars.next(), chars.next())
        && is_separator(a)
        && is_separator(b)
    {
        // `\\server\share\…` (or `//server/share/…`).
        let len = 2 + share_len(&arg[2..]);
        return (Cow::Borrowed(&arg[..len]), &arg[len..]);
    }
    if let Some(len) = drive_len(arg) {
        let len = len + usize::from(arg[len..].starts_with(is_separator));
        return (Cow::Borrowed(&arg[..len]), &arg[len..]);
    }
    if arg.starts_with(is_separator) {
        return (Cow::Borrowed(&arg[..1]), &arg[1..]);
    }
    (Cow::Borrowed(""), arg)
}

/// `C:` at the start of a path: its length.
fn drive_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':').then_some(2)
}

/// The length of `server\share\` (or as much of it as there is).
fn share_len(s: &str) -> usize {
    let mut separators = 0;
    for (i, c) in s.char_indices() {
        if is_separator(c) {
            separators += 1;
            if separators == 2 {
                return i + 1;
            }
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win(arg: &str) -> Option<String> {
        glob_pattern(arg, true)
    }

    #[test]
    fn windows_paths_as_admins_type_them() {
        // A drive, backslashes, forward slashes, a drive-relative path.
        assert_eq!(win(r"C:\cases\wave3\*.xml").as_deref(), Some(r"C:\cases\wave3\*.xml"));
        assert_eq!(win("C:/cases/wave3/*.xml").as_deref(), Some("C:/cases/wave3/*.xml"));
        assert_eq!(win(r"c:wave3\*.XML").as_deref(), Some(r"c:wave3\*.XML"));
        assert_eq!(win(r"\cases\*.xml").as_deref(), Some(r"\cases\*.xml"));
        assert_eq!(win(r".\wave?\**\*.xml").as_deref(), Some(r".\wave?\**\*.xml"));
        // UNC shares, in both spellings, and the verbatim forms.
        assert_eq!(win(r"\\fs01\exports\*.xml").as_deref(), Some(r"\\fs01\exports\*.xml"));
        assert_eq!(win("//fs01/exports/*.xml").as_deref(), Some("//fs01/exports/*.xml"));
        assert_eq!(
            win(r"\\?\UNC\fs01\exports\wave3\*.xml").as_deref(),
            Some(r"\\fs01\exports\wave3\*.xml")
        );
        assert_eq!(win(r"\\?\C:\cases\*.xml").as_deref(), Some(r"\\?\C:\cases\*.xml"));
        // The `?` of a verbatim prefix is no wildcard: that is a path.
        assert_eq!(win(r"\\?\C:\cases\report.xml"), None);
        assert_eq!(win(r"\\?\UNC\fs01\exports\report.xml"), None);
        // No wildcard: a path.
        assert_eq!(win(r"C:\cases\wave3\report.xml"), None);
        assert_eq!(win(r"\\fs01\exports"), None);
    }

    #[test]
    fn brackets_are_part_of_names() {
        // Without a wildcard a bracket leaves a path a path.
        assert_eq!(win(r"C:\cases\report[1].xml"), None);
        assert_eq!(glob_pattern("cases/report[1].xml", false), None);
        // With one, every bracket outside the root matches itself.
        assert_eq!(
            win(r"C:\cases\Exports [2024]\*.xml").as_deref(),
            Some(r"C:\cases\Exports [[]2024[]]\*.xml")
        );
        assert_eq!(
            glob_pattern("cases/report[1]*.xml", false).as_deref(),
            Some("cases/report[[]1[]]*.xml")
        );
        // A root is not a pattern: its brackets stay as they are.
        assert_eq!(win(r"\\fs01\share[1]\*.xml").as_deref(), Some(r"\\fs01\share[1]\*.xml"));
        // What the glob crate then matches: the name with brackets, and not
        // the names a class would have matched.
        let escaped = glob_pattern("report[1]*.xml", false).unwrap();
        let p = glob::Pattern::new(&escaped).unwrap();
        assert!(p.matches("report[1].xml") && p.matches("report[1]-old.xml"));
        assert!(!p.matches("report1.xml"));
        let p = glob::Pattern::new(&glob_pattern("Exports [2024]*", false).unwrap()).unwrap();
        assert!(p.matches("Exports [2024]") && !p.matches("Exports 2"));
        // An unclosed bracket no longer makes an invalid pattern.
        assert!(glob::Pattern::new(&glob_pattern("a[*.xml", false).unwrap()).is_ok());
    }

    #[test]
    fn backslashes_are_names_outside_windows() {
        // On Unix a backslash is a character of a file name, not a root.
        assert_eq!(
            glob_pattern(r"\\fs01\share[1]\*.xml", false).as_deref(),
            Some(r"\\fs01\share[[]1[]]\*.xml")
        );
    }
}
