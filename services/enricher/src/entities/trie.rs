//! The gazetteer's forms as a flat, minimal automaton: built with `fst` (sorted keys in,
//! shared prefixes and suffixes out, in a fraction of an Aho–Corasick automaton's build
//! time), then laid out as plain arrays, because decoding `fst`'s compact nodes on every
//! step cost three times the instructions of a lookup in an array.

/// One state: its transitions are `edges[first..first + count]`, sorted by byte.
#[derive(Clone, Copy)]
struct State {
    first: u32,
    count: u16,
    /// Accepting, with this much more output (`u32::MAX` when not accepting).
    final_output: u32,
}

#[derive(Clone, Copy)]
struct Edge {
    byte: u8,
    output: u32,
    to: u32,
}

pub struct Forms {
    states: Vec<State>,
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
                edges.push(Edge {
                    byte: t.inp,
                    output: u32::try_from(t.out.value()).expect("outputs fit u32"),
                    to,
                });
            }
            states.push(State {
                first,
                count: (edges.len() as u32 - first) as u16,
                final_output: if node.is_final() {
                    u32::try_from(node.final_output().value()).expect("outputs fit u32")
                } else {
                    u32::MAX
                },
            });
        }
        let mut root = Box::new([u32::MAX; 256]);
        let r = states[0];
        for k in r.first..r.first + u32::from(r.count) {
            root[edges[k as usize].byte as usize] = k;
        }
        Forms {
            states,
            edges,
            root,
        }
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
            let edges =
                &self.edges[state.first as usize..state.first as usize + state.count as usize];
            let found = if edges.len() <= 8 {
                edges.iter().find(|e| e.byte == b)
            } else {
                edges
                    .binary_search_by_key(&b, |e| e.byte)
                    .ok()
                    .map(|k| &edges[k])
            };
            let Some(edge) = found else { break };
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
            self.edges.len() * std::mem::size_of::<Edge>(),
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
}
