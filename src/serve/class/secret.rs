//! Random secrets from the operating system: the class links' codes and the session ids.

/// `bytes` random bytes from the operating system, as lowercase hex (2 digits a byte).
pub fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `given` equals `secret`, in a time that does not depend on where they differ.
pub fn same_secret(given: &str, secret: &str) -> bool {
    let (a, b) = (given.as_bytes(), secret.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `text` has the shape of a secret of `bytes` bytes (lowercase hex).
pub fn looks_like_secret(text: &str, bytes: usize) -> bool {
    text.len() == 2 * bytes && text.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hex_distinct_and_compared_whole() {
        let (a, b) = (random_hex(16).unwrap(), random_hex(16).unwrap());
        assert!(looks_like_secret(&a, 16) && looks_like_secret(&b, 16));
        assert_ne!(a, b);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b) && !same_secret(&a[..31], &a));
        assert!(!looks_like_secret("ABCDEF", 3) && !looks_like_secret("abc", 2));
    }
}
