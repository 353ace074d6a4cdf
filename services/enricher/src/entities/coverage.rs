//! How many spans cover each byte of a story: "does anything already stand here?"
//! answered from the bytes of the range instead of a walk through every span found
//! so far (a name-dense story has a hundred).

pub struct Coverage(Vec<u16>);

impl Coverage {
    pub fn new(text_len: usize) -> Self {
        Coverage(vec![0; text_len])
    }

    pub fn add(&mut self, start: usize, end: usize) {
        for c in &mut self.0[start..end] {
            *c += 1;
        }
    }

    pub fn remove(&mut self, start: usize, end: usize) {
        for c in &mut self.0[start..end] {
            *c -= 1;
        }
    }

    /// Some span overlaps `start..end`.
    pub fn any(&self, start: usize, end: usize) -> bool {
        self.0[start..end].iter().any(|&c| c > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_are_seen_until_the_span_is_removed() {
        let mut c = Coverage::new(20);
        c.add(5, 10);
        c.add(8, 12);
        assert!(c.any(0, 6) && c.any(11, 15) && !c.any(0, 5) && !c.any(12, 20));
        c.remove(8, 12);
        assert!(!c.any(10, 20) && c.any(9, 10));
        c.remove(5, 10);
        assert!(!c.any(0, 20));
    }
}
