//! The man pages in `man/` are generated from the clap definitions in `src/cli.rs`;
//! this test fails when they are stale. Regenerate with:
//!
//!     UPDATE_MAN=1 cargo test --test man

use clap::CommandFactory;
use headroom::cli::{CatArgs, Cli};

fn render(cmd: clap::Command) -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .expect("render man page");
    page
}

#[test]
fn man_pages_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for (name, cmd) in [
        ("headroom", Cli::command()),
        ("headroom-cat", CatArgs::command()),
    ] {
        let path = dir.join(format!("{name}.1"));
        let fresh = render(cmd);
        if std::env::var_os("UPDATE_MAN").is_some() {
            std::fs::write(&path, &fresh).expect("write man page");
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `UPDATE_MAN=1 cargo test --test man` and commit it",
            path.display()
        );
    }
}

#[test]
fn man_pages_document_every_flag() {
    let page = String::from_utf8(render(Cli::command())).unwrap();
    for flag in [
        "query", "type", "cmd", "budget", "lossless", "store", "stats",
    ] {
        assert!(
            page.contains(&format!("\\-\\-{flag}")),
            "--{flag} missing from headroom.1"
        );
    }
    let cat = String::from_utf8(render(CatArgs::command())).unwrap();
    for flag in ["lines", "grep", "query", "path", "items", "store"] {
        assert!(
            cat.contains(&format!("\\-\\-{flag}")),
            "--{flag} missing from headroom-cat.1"
        );
    }
}
