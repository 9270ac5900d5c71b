//! Writes the frozen store fixture of format version 1
//! (`crates/server/tests/fixtures/store-v1/store`): a small database made by the store's
//! own write paths, which `tests/store_v1.rs` opens and reads back exactly.
//!
//! The checked-in fixture is frozen: this program documents how it was made and is run
//! again only to make the fixture of a *new* format version (into a new directory, with a
//! migration and a test of its own), never to overwrite `store-v1`.
//!
//! ```sh
//! cargo run -p cinder-server --example store_v1_fixture -- /tmp/store-vN
//! ```
//!
//! It prints the API key it created (the store keeps only its digest), which the test
//! needs to authenticate. The engine preallocates its journal (64 MiB of zeros); files are
//! cut after their last non-zero 4 KiB page so the fixture stays a few tens of KB (the
//! zeros beyond are what the engine reads as "no more records" either way).

use std::path::{Path, PathBuf};

use cinder_profile::selector::SeriesKey;
use cinder_profile::Tree;
use cinder_server::auth::{accounts, keys, password, Role};
use cinder_server::query::timeline::Window;
use cinder_server::store::{tables, Aggregation, SeriesMeta, Store, StoreError, Write};

/// Start of the data: a multiple of 10^8 s, so every level's blocks align with it.
const T0: i64 = 1_700_000_000;

fn meta(units: &str, aggregation: Aggregation) -> SeriesMeta {
    SeriesMeta {
        spy_name: "pyspy".into(),
        sample_rate: 100,
        units: units.into(),
        aggregation,
    }
}

fn write(key: &str, meta: &SeriesMeta, from: i64, until: i64, folded: &str) -> Write {
    let (tree, warnings) = Tree::from_folded(folded);
    assert!(warnings.is_empty(), "{warnings:?}");
    Write {
        key: SeriesKey::parse(key).expect("fixture series key"),
        meta: meta.clone(),
        window: Window::snap(from, until),
        tree,
    }
}

/// The data, one `Store::write` batch per line so apps get their creation order.
fn data(store: &Store) -> Result<(), StoreError> {
    let cpu = meta("samples", Aggregation::Sum);
    let bytes = meta("bytes", Aggregation::Sum);
    let inuse = meta("bytes", Aggregation::Average);
    let prod = "ride.cpu{env=prod,region=eu}";
    let t = T0;
    let db_json = "main;handle;db 30\nmain;handle;json 20\nmain;idle 10\n";
    store.write(vec![write(prod, &cpu, t, t + 10, db_json)])?;
    store.write(vec![write(
        prod,
        &cpu,
        t + 10,
        t + 20,
        "main;handle;db 5\n",
    )])?;
    // One hour: longer than 64 slots, so it is stored in 1000 s blocks.
    let staging = "ride.cpu{env=staging,region=us}";
    store.write(vec![write(staging, &cpu, t, t + 3_600, "main;batch 360\n")])?;
    let alloc = "ride.alloc_space{env=prod,region=eu}";
    store.write(vec![write(alloc, &bytes, t, t + 10, "main;alloc 4096\n")])?;
    let worker = "worker.inuse_space{}";
    store.write(vec![
        write(worker, &inuse, t, t + 10, "w;buf 100\n"),
        write(worker, &inuse, t + 10, t + 20, "w;buf 300\n"),
    ])?;
    // A day later, in the same series as the first write.
    store.write(vec![write(
        prod,
        &cpu,
        t + 86_400,
        t + 86_410,
        "main;handle;db 7\n",
    )])?;
    Ok(())
}

/// Two users (an admin and a disabled viewer, password `fixture-password`), the
/// "initial users created" mark, an Agent API key and the session signing key.
fn accounts_and_keys(store: &Store) -> Result<String, StoreError> {
    let hash = password::hash(b"fixture-password").expect("argon2");
    store.users_transaction(|t| {
        let user = |name: &str, role| {
            let email = format!("{name}@example.com");
            accounts::new_record(
                name,
                Some(&email),
                Some("Fixture User"),
                hash.clone(),
                role,
                T0,
            )
        };
        t.insert(user("fixture-admin", Role::Admin))
            .expect("unique");
        let mut viewer = user("fixture-viewer", Role::ReadOnly);
        viewer.is_disabled = true;
        t.insert(viewer).expect("unique");
        t.set_initialized();
        Ok::<_, StoreError>(())
    })?;
    let key = keys::create(store, "fixture-agent", Role::Agent, None, T0)?.expect("unique");
    store.secret_or_insert(tables::SECRET_JWT, || (0u8..32).collect())?;
    Ok(key.key)
}

/// Cuts the trailing zero pages of every file under `dir` (see the module doc).
fn trim_preallocation(dir: &Path) -> std::io::Result<()> {
    const PAGE: usize = 4096;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            trim_preallocation(&path)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let used = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        let keep = used.div_ceil(PAGE) * PAGE;
        if keep < bytes.len() {
            std::fs::write(&path, &bytes[..keep])?;
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: store_v1_fixture OUT_DIR"),
    );
    assert!(
        !out.exists(),
        "{} exists; fixtures are never overwritten",
        out.display()
    );
    let store = Store::open(&out)?;
    data(&store)?;
    let key = accounts_and_keys(&store)?;
    // A clean shutdown (from format 3: open coarse blocks stored), then memtables to
    // tables, so the fixture holds the engine's table files, not only its journal.
    store.close()?;
    store.flushed_table_bytes()?;
    drop(store);
    trim_preallocation(&out)?;
    println!("API key of fixture-agent: {key}");
    Ok(())
}
