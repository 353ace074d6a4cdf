//! Randomness from the operating system (`getrandom`), the one source for trace and span
//! ids, WebSub challenges and backoff jitter — so nothing that must be unguessable is
//! made from a hasher's per-process keys.

/// `N` random bytes. Panics only if the operating system has no random source.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("the operating system's random source");
    out
}

/// A random number in [0, 1), for jitter.
pub fn unit() -> f64 {
    (u64::from_le_bytes(bytes::<8>()) >> 11) as f64 / (1u64 << 53) as f64
}

/// `N` random bytes as `2N` lower-case hex digits (a token, a challenge).
pub fn hex<const N: usize>() -> String {
    bytes::<N>().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_stay_in_range_and_tokens_differ() {
        for _ in 0..1000 {
            let u = unit();
            assert!((0.0..1.0).contains(&u));
        }
        let (a, b) = (hex::<16>(), hex::<16>());
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
