//! The page's Content-Security-Policy: nothing may load (`default-src 'none'`), and the
//! only script and style that may run are the page's own, named by their SHA-256. An
//! escaping bug elsewhere could then still not run an injected `<script>` or `onerror=`:
//! the browser refuses what the hashes do not name. A hash is stronger than
//! `'unsafe-inline'`, which would let any inline script run.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// `'sha256-BASE64'` of `content`, as CSP names an inline script or style.
pub(crate) fn source_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!("'sha256-{}'", STANDARD.encode(digest))
}

/// The policy for a page whose one `<script>` holds `script` and one `<style>` holds
/// `style`, byte for byte. `base-uri` and `form-action` are not covered by
/// `default-src`: both are closed too.
pub(crate) fn policy(script: &str, style: &str) -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; base-uri 'none'; form-action 'none'",
        source_hash(script),
        source_hash(style)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_known_digests() {
        // SHA-256 test vectors (FIPS 180-2): "abc" and the empty string, in base64.
        assert_eq!(
            source_hash("abc"),
            "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='"
        );
        assert_eq!(
            source_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        let p = policy("abc", "");
        assert!(
            p.starts_with("default-src 'none'; script-src 'sha256-ungW"),
            "{p}"
        );
        assert!(!p.contains("unsafe"), "{p}");
    }
}
