//! Records what `GET /build` reports: the git commit, whether the tree was dirty, and when the
//! binary was built. Outside a git checkout the commit is `unknown`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let sha = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let time = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    println!("cargo:rustc-env=CINDER_GIT_SHA={sha}");
    println!("cargo:rustc-env=CINDER_GIT_DIRTY={dirty}");
    println!("cargo:rustc-env=CINDER_BUILD_TIME={time}");
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
        println!("cargo:rerun-if-changed={git_dir}/index");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
