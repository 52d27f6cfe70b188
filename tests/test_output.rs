//! Golden views of real test runs (fixtures/test/, see fixtures/README.md): each
//! keeps its failing tests whole and its summary verbatim, counts the passing ones,
//! and still accounts for every input line.

mod common;

use common::{assert_accounts_for_every_line, filter_bytes, read_fixture};

fn view_with(name: &str, query: Option<&str>, cmd: Option<&str>) -> String {
    let input = read_fixture(&format!("test/{name}"));
    let (out, _) = filter_bytes(&input, query, cmd, headroom::pipeline::DEFAULT_BUDGET);
    assert_accounts_for_every_line(&input, &out);
    let view = String::from_utf8(out).expect("these fixtures are UTF-8");
    assert!(
        view.starts_with("[test: "),
        "{name} should be read as test output:\n{view}"
    );
    assert!(
        view.len() < input.len(),
        "{name}: the view should be smaller than the input"
    );
    view
}

fn view(name: &str) -> String {
    view_with(name, None, None)
}

fn assert_has(view: &str, needles: &[&str]) {
    for needle in needles {
        assert!(view.contains(needle), "missing {needle:?} in:\n{view}");
    }
}

#[test]
fn cargo_test_with_colour_progress_and_warnings() {
    let v = view("cargo-ledger-color.log");
    assert_has(
        &v,
        &[
            "test tests::parses_one_decimal ... FAILED",
            "test tests::rejects_garbage ... FAILED",
            "test src/lib.rs - parse_line (line 14) ... FAILED",
            "panicked at src/lib.rs:353:9:",
            "assertion `left == right` failed: one decimal digit means tens of cents",
            "  left: 1205",
            " right: 1250",
            "called `Result::unwrap()` on an `Err` value: \"bad amount \\\"12,50\\\": invalid digit found in string\"",
            "balances were {\"food\": 300}",
            "at ./src/lib.rs:358:40",
            "test result: FAILED. 60 passed; 3 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.12s",
            "test result: ok. 3 passed; 0 failed",
            "error: 2 targets failed:",
            "warning: unused variable: `unused_total`",
            "  --> src/lib.rs:23:9",
        ],
    );
    // Toolchain frames are elided, with their count.
    assert!(!v.contains("/rustc/"), "{v}");
    assert!(v.contains(" frames"), "{v}");
    insta::assert_snapshot!(v);
}

#[test]
fn pytest_verbose_keeps_failures_errors_and_rare_outcomes() {
    let v = view("pytest-inventory-v-color.log");
    assert_has(
        &v,
        &[
            "tests/test_inventory.py::test_report_is_sorted FAILED",
            "tests/test_pricing.py::test_parse_sku[q--want2] FAILED",
            "tests/test_pricing.py::test_price_table_loads ERROR",
            "tests/test_inventory.py::test_negative_stock XFAIL",
            "___________________ ERROR at setup of test_price_table_loads ___________________",
            ">       return open(path).read()",
            "E       FileNotFoundError: [Errno 2] No such file or directory",
            "E       AssertionError: assert {'small': 123, 'odd': 1235} == {'small': 124, 'odd': 1235}",
            "        got = {\"small\": price_with_tax(99, 0.25), \"odd\": price_with_tax(988, 0.25)}",
            "E       ValueError: invalid literal for int() with base 10: ''",
            "inventory/__init__.py:37: ValueError",
            "tests/test_pricing.py:13: AssertionError",
            "========= 3 failed, 152 passed, 2 skipped, 1 xfailed, 1 error in 0.12s =========",
        ],
    );
    assert!(v.contains(" passed"), "passing tests are counted: {v}");
    insta::assert_snapshot!(v);
}

#[test]
fn pytest_collection_errors_pass_whole_when_folding_saves_too_little() {
    // Everything here is a failure, an error or the summary: the only fold is a few
    // lines of frames and progress, 1.3% of the exact tokens (1,066 → 1,052), under
    // the 10% a view must save at any budget. So the input passes whole, read as
    // pytest output.
    let input = read_fixture("test/pytest-inventory-collection-error.log");
    for budget in [200, headroom::pipeline::DEFAULT_BUDGET] {
        let (out, report) = filter_bytes(&input, None, None, budget);
        assert_eq!(report.kind, "test");
        assert!(out == input, "budget {budget}");
    }
}

#[test]
fn go_test_verbose_keeps_failed_logs_and_panics() {
    let v = view("go-shop-v.log");
    assert_has(
        &v,
        &[
            "--- FAIL: TestMeanEmpty (0.00s)",
            "panic: runtime error: index out of range [0] with length 0 [recovered]",
            "example.com/shop/mathx.Mean(...)",
            "\t/tmp/tfx/go/mathx/mathx.go:9",
            "FAIL\texample.com/shop/mathx\t0.006s",
            "    slug_test.go:74: Make(\"Hello, World!\") = \"hello,-world!\", want \"hello-world\"",
            "    --- FAIL: TestMake/Hello,_World! (0.00s)",
            "FAIL\texample.com/shop/slug\t0.004s",
        ],
    );
    assert!(!v.contains("testing.tRunner"), "{v}");
    insta::assert_snapshot!(v);
}

#[test]
fn jest_with_colour_and_coverage() {
    let v = view("jest-cart-coverage-color.log");
    assert_has(
        &v,
        &[
            " FAIL  src/cart.test.js",
            "✕ TENOFF never goes below zero (1 ms)",
            "● discount › TENOFF never goes below zero",
            "Expected: 0",
            "Received: -6",
            "> 16 |     expect(discount(4, 'TENOFF')).toBe(0);",
            "at Object.toBe (src/cart.test.js:16:35)",
            "● Test suite failed to run",
            "Cannot find module './coupon' from 'src/broken.test.js'",
            "All files |     100 |",
            "Tests:       2 failed, 1 skipped, 1 todo, 77 passed, 81 total",
            "Test Suites: 2 failed, 1 passed, 3 total",
        ],
    );
    assert!(!v.contains("node_modules/jest-resolve"), "{v}");
    insta::assert_snapshot!(v);
}

#[test]
fn vitest_with_colour() {
    let v = view("vitest-slugify-color.log");
    assert_has(
        &v,
        &[
            "× test/slugify.test.js > slugify > drops punctuation",
            "→ expected 'hello,-world!' to be 'hello-world' // Object.is equality",
            "AssertionError: expected 'abcd…' to deeply equal 'abc…'",
            "Expected: \"abc…\"",
            "Received: \"abcd…\"",
            "❯ test/slugify.test.js:19:35",
            "     19|     expect(truncate('abcdef', 4)).toEqual('abc…');",
            "Tests  2 failed | 99 passed | 1 skipped (102)",
        ],
    );
    insta::assert_snapshot!(v);
}

#[test]
fn a_query_naming_a_passing_test_keeps_it() {
    let v = view_with(
        "vitest-slugify-color.log",
        Some("did `square 17` pass?"),
        Some("npx vitest run --reporter=verbose"),
    );
    assert!(v.contains("✓ test/more.test.js > square 17"), "{v}");
    assert!(!v.contains("square 16 "), "{v}");
}

#[test]
fn small_runs_pass_through_whole() {
    for name in ["mocha-cart-color.log", "rspec-stack-color.log"] {
        let input = read_fixture(&format!("test/{name}"));
        let (out, report) = filter_bytes(&input, None, None, headroom::pipeline::DEFAULT_BUDGET);
        if report.kind == "pass" {
            assert_eq!(out, input, "{name}");
        } else {
            assert_accounts_for_every_line(&input, &out);
        }
    }
}
