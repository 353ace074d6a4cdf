//! The gazetteer's forms as a flat, minimal automaton: built with `fst` (sorted keys in,
//! shared prefixes and suffixes out, in a fraction of an Aho–Corasick automaton's build
//! time), then laid out as plain arrays, because decoding `fst`'s compact nodes on every
//! step cost three times the instructions of a lookup in an array.

/// One state: its transitions are `labels[first..first + count]` (their bytes, sorted)
/// and `edges[first..first + count]` (where they go).
#[derive(Clone, Copy)]
struct State {
    first: u32,
    count: u32,
    /// Accepting, with this much more output (`u32::MAX` when not accepting).
    final_output: u32,
}

#[derive(Clone, Copy)]
struct Edge {
    output: u32,
    to: u32,
}

/// Labels are read eight at a time: the array ends in this many spare bytes.
const LABEL_PAD: usize = 8;

pub struct Forms {
    states: Vec<State>,
    /// Each edge's byte, apart from the edge: a state's bytes are searched eight at a
    /// time in one word (a step cost ~70 instructions as a search over 12-byte edges).
    labels: Vec<u8>,
    edges: Vec<Edge>,
    /// The root's edge for each first byte (every search starts there), or `u32::MAX`.
    root: Box<[u32; 256]>,
}

impl Forms {
    /// `keys`: every form with its value, sorted and unique.
    pub fn build<'k>(keys: impl IntoIterator<Item = (&'k str, u32)>) -> Forms {
        let map = fst::Map::from_iter(keys.into_iter().map(|(k, v)| (k, u64::from(v))))
            .expect("gazetteer forms are unique and sorted");
        let fst = map.as_fst();
        // Number the states in the order they are reached; the root is 0.
        let mut index: foldhash::HashMap<fst::raw::CompiledAddr, u32> =
            foldhash::HashMap::default();
        let mut order = vec![fst.root().addr()];
        index.insert(fst.root().addr(), 0);
        let mut states = Vec::new();
        let mut labels = Vec::new();
        let mut edges = Vec::new();
        let mut next = 0;
        while next < order.len() {
            let node = fst.node(order[next]);
            next += 1;
            let first = edges.len() as u32;
            for t in node.transitions() {
                let to = *index.entry(t.addr).or_insert_with(|| {
                    order.push(t.addr);
                    (order.len() - 1) as u32
                });
                labels.push(t.inp);
                edges.push(Edge {
                    output: u32::try_from(t.out.value()).expect("outputs fit u32"),
                    to,
                });
            }
            states.push(State {
                first,
                count: edges.len() as u32 - first,
                final_output: if node.is_final() {
                    u32::try_from(node.final_output().value()).expect("outputs fit u32")
                } else {
                    u32::MAX
                },
            });
        }
        labels.extend([0; LABEL_PAD]);
        let mut root = Box::new([u32::MAX; 256]);
        let r = states[0];
        for k in r.first..r.first + r.count {
            root[labels[k as usize] as usize] = k;
        }
        Forms {
            states,
            labels,
            edges,
            root,
        }
    }

    /// The index of the edge of `state` labelled `byte`.
    #[inline]
    fn edge(&self, state: State, byte: u8) -> Option<usize> {
        let (first, count) = (state.first as usize, state.count as usize);
        let spread = u64::from_ne_bytes([byte; 8]);
        let mut k = 0;
        while k < count {
            let chunk: [u8; 8] = self.labels[first + k..first + k + 8]
                .try_into()
                .expect("eight bytes");
            // A zero byte where the label is `byte`: the lowest flagged byte is always a
            // true one (the borrow only runs upwards).
            let x = u64::from_le_bytes(chunk) ^ spread;
            let zeros = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
            if zeros != 0 {
                let at = k + (zeros.trailing_zeros() / 8) as usize;
                return (at < count).then_some(first + at);
            }
            k += 8;
        }
        None
    }

    /// The longest form `text` continues with from byte `start`: where it ends and its
    /// value.
    pub fn longest_at(&self, text: &[u8], start: usize) -> Option<(usize, u32)> {
        let rest = text.get(start..).filter(|r| !r.is_empty())?;
        let first = self.root[rest[0] as usize];
        if first == u32::MAX {
            return None;
        }
        let edge = self.edges[first as usize];
        let mut output = edge.output;
        let mut state = self.states[edge.to as usize];
        let mut longest =
            (state.final_output != u32::MAX).then(|| (start + 1, output + state.final_output));
        for (i, &b) in rest.iter().enumerate().skip(1) {
            let Some(k) = self.edge(state, b) else { break };
            let edge = self.edges[k];
            output += edge.output;
            state = self.states[edge.to as usize];
            if state.final_output != u32::MAX {
                longest = Some((start + i + 1, output + state.final_output));
            }
        }
        longest
    }

    /// Bytes the automaton's arrays take (states, edges).
    #[cfg(test)]
    pub fn bytes(&self) -> (usize, usize) {
        (
            self.states.len() * std::mem::size_of::<State>(),
            self.edges.len() * std::mem::size_of::<Edge>() + self.labels.len(),
        )
    }

    /// The value of exactly this form.
    pub fn get(&self, key: &[u8]) -> Option<u32> {
        self.longest_at(key, 0)
            .filter(|&(end, _)| end == key.len())
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_forms_and_exact_lookups() {
        // Sorted by their bytes, as the gazetteer gives them.
        let forms = Forms::build([("new york", 2), ("newport", 3), ("минск", 0), ("минске", 1)]);
        assert_eq!(
            forms.longest_at("в минске сегодня".as_bytes(), 3),
            Some((15, 1))
        );
        assert_eq!(forms.longest_at(b"new yorkers", 0), Some((8, 2)));
        assert_eq!(forms.longest_at(b"new", 0), None);
        assert_eq!(forms.get(b"newport"), Some(3));
        assert_eq!(forms.get(b"newpor"), None);
    }

    /// Longest forms as a plain scan of every key finds them, over generated keys whose
    /// states have from one to dozens of edges (the eight-at-a-time search crosses
    /// chunks) and texts that follow them part of the way.
    #[test]
    fn longest_forms_agree_with_a_scan_of_every_key() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        // A wide alphabet near the root, a narrow one further in.
        let alphabet: Vec<u8> = (b'a'..=b'z')
            .chain(b'0'..=b'9')
            .chain([0xd0, 0xb0, b' '])
            .collect();
        let mut keys = std::collections::BTreeMap::new();
        for v in 0..3000u32 {
            let len = 1 + next(9) as usize;
            let key: Vec<u8> = (0..len)
                .map(|i| alphabet[next(if i < 2 { alphabet.len() as u64 } else { 5 }) as usize])
                .collect();
            keys.entry(key).or_insert(v);
        }
        let forms = Forms::build(
            keys.iter()
                .filter_map(|(k, &v)| Some((std::str::from_utf8(k).ok()?, v))),
        );
        let valid: Vec<(&Vec<u8>, u32)> = keys
            .iter()
            .filter(|(k, _)| std::str::from_utf8(k).is_ok())
            .map(|(k, &v)| (k, v))
            .collect();
        let scan = |text: &[u8], start: usize| {
            valid
                .iter()
                .filter(|(k, _)| text[start..].starts_with(k))
                .max_by_key(|(k, _)| k.len())
                .map(|(k, v)| (start + k.len(), *v))
        };
        for (k, _) in &valid {
            for cut in 0..=k.len() {
                let mut text = b"x ".to_vec();
                text.extend_from_slice(&k[..cut]);
                text.push(alphabet[next(alphabet.len() as u64) as usize]);
                assert_eq!(forms.longest_at(&text, 2), scan(&text, 2), "{text:?}");
            }
        }
    }
}
