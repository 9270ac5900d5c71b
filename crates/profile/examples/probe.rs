use cinder_profile::Tree;
use std::time::Instant;
fn main() {
    let folded = std::fs::read_to_string("target/bench-profiles/10000.folded.txt").unwrap();
    let lines: Vec<&str> = folded.lines().collect();
    let trees: Vec<Tree> = (0..360).map(|i| {
        let text: String = lines.iter().enumerate().filter(|(j, _)| (j + i) % 3 != 0).filter_map(|(_, line)| {
            let (stack, n) = line.rsplit_once(' ')?; let n: u64 = n.parse().ok()?;
            Some(format!("{stack} {}\n", n * (i as u64 % 5 + 1)))}).collect();
        Tree::from_folded(&text).0 }).collect();
    let nodes: usize = trees.iter().map(|t| t.len()).sum();
    println!("source nodes {nodes}, names per tree {}", trees[0].names().len());
    let mode = std::env::args().nth(1).unwrap_or_default();
    let bare: Vec<Tree> = trees.iter().map(|tr| { let mut t = Tree::new(); for (_, s) in tr.names().iter() { t.intern(s); } t }).collect();
    for _ in 0..3 {
        let t = Instant::now();
        let mut acc = Tree::new();
        for _ in 0..10 { acc = Tree::new(); for tr in &bare { acc.merge_from(tr); } }
        println!("import only {:?} per 360 ({})", t.elapsed() / 10, acc.names().len());
    }
    for _ in 0..5 {
        let t = Instant::now();
        let mut acc = Tree::new();
        for _ in 0..10 { acc = Tree::new(); for tr in &trees { acc.merge_from(tr); } }
        println!("{mode} merge {:?} per 360, acc {}", t.elapsed() / 10, acc.len());
    }
}
