//! The report's one inline script ([`SCRIPT`], `report.js`) and the
//! Content-Security-Policy that allows it, decided together here: the
//! policy names the script by the SHA-256 of its exact text, computed from
//! the same constant the page inlines, so the two cannot drift apart and
//! no other script (an injected one included) can run.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The script, inlined as the last element of the page's body. It makes
/// every table sortable and filterable and mailbox rows open their next
/// steps; the page is complete without it.
pub(super) const SCRIPT: &str = include_str!("report.js");

/// `sha256-…` of [`SCRIPT`] (base64), as `script-src` names it.
pub fn script_hash() -> String {
    let digest = Sha256::digest(SCRIPT.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// The policy in the page's `<meta http-equiv>`: inline styles, `data:`
/// images and that one script; nothing else, no network.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{}'; \
         base-uri 'none'; form-action 'none'",
        script_hash()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_script_by_its_hash() {
        // SHA-256 is 32 bytes: 44 base64 characters with one `=`.
        let hash = script_hash();
        assert_eq!(hash.len(), "sha256-".len() + 44);
        assert!(csp().contains(&format!("script-src '{hash}';")));
        // Inline styles only: no inline or evaluated script but that one.
        assert_eq!(csp().matches("'unsafe-inline'").count(), 1);
        assert!(csp().contains("style-src 'unsafe-inline';") && !csp().contains("unsafe-eval"));
        // The script never writes markup: report text cannot become HTML.
        for banned in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
            assert!(!SCRIPT.contains(banned), "{banned}");
        }
        // It cannot close its own element early.
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
    }
}
