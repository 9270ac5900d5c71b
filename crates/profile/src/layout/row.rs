//! One row of a [`Layout`](super::Layout), stored compactly: the layout is the app's
//! biggest structure after the tree (one entry per node), so its columns take 4-byte
//! ticks when the whole graph fits in `u32` ticks, and no node column at all when the
//! row's nodes are consecutive ids (as decoded flamebearers are).

use std::ops::Range;

use super::{Detail, TickRange};
use crate::units::{NameId, NodeId};

/// Offsets and widths, 4 or 8 bytes each (fixed per layout by its total).
#[derive(Debug, Clone)]
enum Ticks {
    Narrow { offset: Vec<u32>, width: Vec<u32> },
    Wide { offset: Vec<u64>, width: Vec<u64> },
}

/// The node of each bar: a run of consecutive ids while that holds, else listed.
#[derive(Debug, Clone)]
enum Nodes {
    Run { first: u32, len: usize },
    Listed(Vec<NodeId>),
}

/// One row as parallel columns, sorted by offset.
#[derive(Debug, Clone)]
pub(super) struct Row {
    ticks: Ticks,
    nodes: Nodes,
    name: Vec<NameId>,
}

impl Row {
    /// An empty row for `n` bars; `wide` when some tick of the graph exceeds `u32::MAX`.
    pub(super) fn with_capacity(n: usize, wide: bool) -> Row {
        let ticks = if wide {
            Ticks::Wide {
                offset: Vec::with_capacity(n),
                width: Vec::with_capacity(n),
            }
        } else {
            Ticks::Narrow {
                offset: Vec::with_capacity(n),
                width: Vec::with_capacity(n),
            }
        };
        Row {
            ticks,
            nodes: Nodes::Run { first: 0, len: 0 },
            name: Vec::with_capacity(n),
        }
    }

    pub(super) fn push(&mut self, offset: u64, width: u64, node: NodeId, name: NameId) {
        match &mut self.ticks {
            Ticks::Narrow {
                offset: o,
                width: w,
            } => {
                o.push(u32::try_from(offset).unwrap_or(u32::MAX));
                w.push(u32::try_from(width).unwrap_or(u32::MAX));
            }
            Ticks::Wide {
                offset: o,
                width: w,
            } => {
                o.push(offset);
                w.push(width);
            }
        }
        self.push_node(node);
        self.name.push(name);
    }

    fn push_node(&mut self, node: NodeId) {
        match &mut self.nodes {
            Nodes::Run { len: 0, first } => *first = node.0,
            Nodes::Run { first, len } if u64::from(*first) + *len as u64 == u64::from(node.0) => {}
            Nodes::Run { first, len } => {
                let mut listed: Vec<NodeId> = Vec::with_capacity(self.name.capacity());
                listed.extend((0..*len as u32).map(|k| NodeId(*first + k)));
                listed.push(node);
                self.nodes = Nodes::Listed(listed);
                return;
            }
            Nodes::Listed(v) => {
                v.push(node);
                return;
            }
        }
        if let Nodes::Run { len, .. } = &mut self.nodes {
            *len += 1;
        }
    }

    pub(super) fn len(&self) -> usize {
        self.name.len()
    }

    #[inline]
    pub(super) fn start(&self, i: usize) -> u64 {
        match &self.ticks {
            Ticks::Narrow { offset, .. } => offset.get(i).map_or(u64::MAX, |&v| u64::from(v)),
            Ticks::Wide { offset, .. } => offset.get(i).copied().unwrap_or(u64::MAX),
        }
    }

    #[inline]
    pub(super) fn width(&self, i: usize) -> u64 {
        match &self.ticks {
            Ticks::Narrow { width, .. } => width.get(i).map_or(0, |&v| u64::from(v)),
            Ticks::Wide { width, .. } => width.get(i).copied().unwrap_or(0),
        }
    }

    #[inline]
    pub(super) fn end(&self, i: usize) -> u64 {
        self.start(i).saturating_add(self.width(i))
    }

    #[inline]
    pub(super) fn name(&self, i: usize) -> NameId {
        self.name.get(i).copied().unwrap_or(NameId::EMPTY)
    }

    /// The node of bar `i`.
    pub(super) fn node(&self, i: usize) -> Option<NodeId> {
        match &self.nodes {
            Nodes::Run { first, len } => (i < *len).then(|| NodeId(*first + i as u32)),
            Nodes::Listed(v) => v.get(i).copied(),
        }
    }

    /// The position of `node` in the row.
    pub(super) fn position(&self, node: NodeId) -> Option<usize> {
        match &self.nodes {
            Nodes::Run { first, len } => {
                let k = node.0.checked_sub(*first)? as usize;
                (k < *len).then_some(k)
            }
            Nodes::Listed(v) => v.iter().position(|&n| n == node),
        }
    }

    /// First index whose bar satisfies `pred`, for a predicate that is false then true.
    pub(super) fn partition(&self, pred: impl Fn(usize) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// Indexes of the bars intersecting `range`. Ends never decrease along a row (bars do not
    /// overlap), so both bounds are binary searches.
    pub(super) fn span(&self, range: TickRange) -> Range<usize> {
        let lo = self.partition(|i| self.end(i) > range.start.0);
        let hi = self.partition(|i| self.start(i) >= range.end.0);
        lo..hi.max(lo)
    }

    #[inline]
    pub(super) fn is_thin(&self, i: usize, detail: Detail) -> bool {
        self.width(i) < detail.min_width.0
    }

    /// Whether bars `i` and `i + 1` belong to one run (see [`Detail`]).
    pub(super) fn linked(&self, i: usize, detail: Detail, class: &impl Fn(NameId) -> bool) -> bool {
        let j = i + 1;
        self.is_thin(i, detail)
            && self.is_thin(j, detail)
            && self.start(j).saturating_sub(self.end(i)) <= detail.max_gap.0
            && class(self.name(i)) == class(self.name(j))
    }

    /// The hot loop of a frame: from thin bar `i` (ending at `end`, of class `class`), the
    /// last index `< stop` of its run. Walks the columns as slices (no bounds checks),
    /// carrying the run's end instead of re-reading it per pair.
    pub(super) fn run_end(
        &self,
        i: usize,
        stop: usize,
        detail: Detail,
        class: (bool, &impl Fn(NameId) -> bool),
    ) -> usize {
        match &self.ticks {
            Ticks::Narrow { offset, width } => {
                scan(offset, width, &self.name, i, stop, detail, class)
            }
            Ticks::Wide { offset, width } => {
                scan(offset, width, &self.name, i, stop, detail, class)
            }
        }
    }
}

fn scan<T: Copy + Into<u64>>(
    offsets: &[T],
    widths: &[T],
    names: &[NameId],
    i: usize,
    stop: usize,
    detail: Detail,
    (class, of): (bool, &impl Fn(NameId) -> bool),
) -> usize {
    let tail = (i + 1)..stop;
    let (Some(first_off), Some(first_w)) = (offsets.get(i), widths.get(i)) else {
        return i;
    };
    let mut end = (*first_off).into().saturating_add((*first_w).into());
    let mut last = i;
    let (Some(offsets), Some(widths), Some(names)) = (
        offsets.get(tail.clone()),
        widths.get(tail.clone()),
        names.get(tail),
    ) else {
        return i;
    };
    for ((&offset, &width), &name) in offsets.iter().zip(widths).zip(names) {
        let (offset, width): (u64, u64) = (offset.into(), width.into());
        if width >= detail.min_width.0
            || offset.saturating_sub(end) > detail.max_gap.0
            || of(name) != class
        {
            break;
        }
        end = offset.saturating_add(width);
        last += 1;
    }
    last
}
