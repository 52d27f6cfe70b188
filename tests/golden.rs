//! Golden views of real tool output (see fixtures/README.md for where each comes from).
//! Review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test --test golden`.

mod common;

use common::{assert_accounts_for_every_line, filter_fixture};

fn view(name: &str, query: Option<&str>, budget: u64) -> String {
    let (input, out, _) = filter_fixture(name, query, budget);
    if !name.ends_with(".json") {
        assert_accounts_for_every_line(&input, &out);
    }
    String::from_utf8(out).expect("these fixtures are UTF-8")
}

const DEFAULT: u64 = headroom::pipeline::DEFAULT_BUDGET;

#[test]
fn postgres_server_log() {
    let v = view("postgres-pgbench.log", None, DEFAULT);
    for error in [
        "ERROR:  division by zero",
        "ERROR:  syntax error at or near \"SELEC\"",
        "ERROR:  duplicate key value violates unique constraint",
        "ERROR:  relation \"no_such_table\" does not exist",
        "ERROR:  function no_such_function(integer) does not exist",
    ] {
        assert!(v.contains(error), "missing {error}");
    }
    insta::assert_snapshot!(v);
}

#[test]
fn python_worker_tracebacks_are_trimmed_not_lost() {
    let v = view("python-worker.log", None, DEFAULT);
    assert!(v.contains("KeyError: 'missing_field'"));
    assert!(v.contains("UpstreamTimeout: upstream did not answer within 30s for job 1337"));
    assert!(v.contains("Traceback (most recent call last):"));
    insta::assert_snapshot!(v);
}

#[test]
fn java_severe_with_chained_cause() {
    let v = view("java-orders.log", None, DEFAULT);
    assert!(v.contains("java.lang.RuntimeException: could not save order 777"));
    assert!(v.contains("Caused by: java.lang.IllegalStateException: sku 1000 has no stock row"));
    insta::assert_snapshot!(v);
}

#[test]
fn dpkg_log_with_a_query() {
    let v = view(
        "dpkg.log",
        Some("which packages were configured for libssl"),
        1000,
    );
    insta::assert_snapshot!(v);
}

#[test]
fn cargo_metadata_keeps_the_rare_licenses() {
    let v = view(
        "cargo-metadata-headroom.json",
        Some("which dependencies have a license other than MIT or Apache-2.0?"),
        DEFAULT,
    );
    for license in [
        "\"Zlib\"",
        "\"BSD-3-Clause\"",
        "\"MIT OR Apache-2.0 OR LGPL-2.1-or-later\"",
        "\"(MIT OR Apache-2.0) AND Unicode-3.0\"",
    ] {
        assert!(v.contains(license), "missing {license}");
    }
    assert!(v.contains("rows elided"));
    insta::assert_snapshot!(v);
}
