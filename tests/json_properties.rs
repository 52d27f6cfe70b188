//! JSON views account for everything, whatever the document and the budget:
//! - for every array, the items shown plus the items counted in its markers are
//!   the array's length, and each marker's range starts where the shown items stop;
//! - for every object, the keys shown plus the keys counted in its markers are the
//!   object's key count;
//! - a cut string is a prefix of the original followed by a marker giving exactly
//!   the number of bytes left out;
//! - a container replaced whole is named with its exact size;
//! - every marker's `--path` resolves, on the original, to the value it describes.
//!
//! Arrays here always start with a number so they stay inline JSON (tables are
//! checked by the compressor's own tests), which lets the view's document line be
//! parsed back: markers inside JSON are JSON strings.

use proptest::prelude::*;
use serde_json::{Map, Value};

use headroom::compress::json::compress;
use headroom::json::{self, path, Kind, Node};
use headroom::relevance::Query;

const HASH: &str = "0123456789ab";

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        "[a-z \"\\\\é€]{0,12}".prop_map(Value::from),
        (0usize..3000, "[a-z \"\\\\é\n]{1,4}")
            .prop_map(|(n, s)| Value::from(s.repeat(n / s.len().max(1) + 1))),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 2000, 200, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..300).prop_map(|mut items| {
                items.insert(0, Value::from(0));
                Value::Array(items)
            }),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..120).prop_map(|members| {
                let mut map = Map::new();
                for (k, v) in members {
                    map.insert(k, v);
                }
                Value::Object(map)
            }),
        ]
    })
}

fn document() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(value(), 0..60).prop_map(|mut items| {
            items.insert(0, Value::from(0));
            Value::Array(items)
        }),
        prop::collection::vec(("[a-z]{1,8}", value()), 1..80)
            .prop_map(|members| { Value::Object(members.into_iter().collect()) }),
    ]
}

/// `N` in `[… N items elided` (thousands separators allowed).
fn count(text: &str) -> usize {
    text.trim_start_matches("[… ")
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

/// The `--path` of a marker, unquoted as a shell would.
fn marker_path(text: &str) -> Option<String> {
    let at = text.find("--path ")? + 7;
    let rest = &text[at..];
    if let Some(quoted) = rest.strip_prefix('\'') {
        let mut out = String::new();
        let mut s = quoted;
        loop {
            let end = s.find('\'').unwrap();
            out.push_str(&s[..end]);
            s = &s[end + 1..];
            match s.strip_prefix("\\''") {
                Some(more) => {
                    out.push('\'');
                    s = more;
                }
                None => return Some(out),
            }
        }
    }
    Some(rest.split([' ', ']']).next().unwrap().to_string())
}

/// `(a, b)` of `--items a:b`.
fn marker_items(text: &str) -> Option<(usize, usize)> {
    let at = text.find("--items ")? + 8;
    let range = text[at..].trim_end_matches(']');
    let (a, b) = range.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn resolve<'n, 'a>(root: &'n Node<'a>, p: &str) -> &'n Node<'a> {
    let parsed = path::parse(p).unwrap_or_else(|e| panic!("marker path {p:?}: {e}"));
    let selection = parsed
        .select(root, "")
        .unwrap_or_else(|e| panic!("marker path {p:?}: {e}"));
    assert_eq!(selection.values.len(), 1, "{p}");
    selection.values[0].1
}

/// Checks `view` against `orig` (at `at`, a jq path) as the module docs say.
fn check(root: &Node, orig: &Node, view: &Node, at: &str) {
    let as_marker = view
        .as_scalar()
        .map(|raw| json::unquote(raw).into_owned())
        .filter(|s| s.starts_with("[… ") && s.contains("headroom-cat "));
    if let (Some(m), true) = (&as_marker, orig.is_container()) {
        // Replaced whole.
        let p =
            marker_path(m).unwrap_or_else(|| panic!("a whole-value marker names its path: {m}"));
        assert_eq!(p, at, "{m}");
        assert!(std::ptr::eq(resolve(root, &p), orig) || resolve(root, &p) == orig);
        let n = match &orig.kind {
            Kind::Array(items) => items.len(),
            Kind::Object(members) => members.len(),
            Kind::Scalar(_) => unreachable!(),
        };
        assert_eq!(
            count(
                m.trim_start_matches("[… array of ")
                    .trim_start_matches("[… object of ")
            ),
            n,
            "{m}"
        );
        return;
    }
    match (&orig.kind, &view.kind) {
        (Kind::Array(items), Kind::Array(shown)) => {
            let mut next = 0;
            for element in shown {
                let marker = element
                    .as_scalar()
                    .map(|raw| json::unquote(raw).into_owned())
                    .filter(|s| {
                        // `1 item elided` or `N items elided`.
                        s.starts_with("[… ")
                            && (s.contains(" item elided") || s.contains(" items elided"))
                            && s.contains("--items ")
                    });
                match marker {
                    Some(m) => {
                        let (a, b) = marker_items(&m).unwrap();
                        assert_eq!(a, next, "{m}");
                        assert_eq!(count(&m), b - a, "{m}");
                        let p = marker_path(&m).unwrap_or_else(|| ".".into());
                        assert_eq!(p, at, "{m}");
                        assert_eq!(
                            resolve(root, &p).as_array().map(<[Node]>::len),
                            Some(items.len())
                        );
                        next = b;
                    }
                    None => {
                        check(root, &items[next], element, &path::index_path(at, next));
                        next += 1;
                    }
                }
            }
            assert_eq!(next, items.len(), "items of {at}");
        }
        (Kind::Object(members), Kind::Object(shown)) => {
            let mut next = 0;
            for member in shown {
                if member.key == "\"…\"" {
                    let m = json::unquote(member.value.as_scalar().unwrap()).into_owned();
                    let (a, b) = marker_items(&m).unwrap();
                    assert_eq!(a, next, "{m}");
                    assert_eq!(count(&m), b - a, "{m}");
                    assert_eq!(marker_path(&m).unwrap_or_else(|| ".".into()), at, "{m}");
                    next = b;
                } else {
                    assert_eq!(member.key, members[next].key, "keys of {at}");
                    let child = path::key_path(at, &members[next].name());
                    check(root, &members[next].value, &member.value, &child);
                    next += 1;
                }
            }
            assert_eq!(next, members.len(), "keys of {at}");
        }
        (Kind::Scalar(o), Kind::Scalar(v)) if o != v => {
            let (o, v) = (&o[1..o.len() - 1], &v[1..v.len() - 1]);
            let cut = v
                .rfind("…[+")
                .unwrap_or_else(|| panic!("{at}: {v:?} is not {o:?}"));
            let (prefix, m) = (
                &v[..cut],
                json::unquote(&format!("\"{}\"", &v[cut..])).into_owned(),
            );
            assert!(o.starts_with(prefix), "{at}");
            let omitted: usize = m["…[+".len()..]
                .split(' ')
                .next()
                .unwrap()
                .replace(',', "")
                .parse()
                .unwrap();
            assert_eq!(prefix.len() + omitted, o.len(), "{at}: {m}");
            assert_eq!(marker_path(&m).unwrap(), at, "{m}");
        }
        (Kind::Scalar(o), Kind::Scalar(v)) => assert_eq!(o, v),
        _ => panic!("{at}: the view changed the value's type"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_item_key_and_byte_is_shown_or_marked(
        doc in document(),
        budget in 30u64..3000,
        q in prop::option::of("[a-z]{3,6}"),
    ) {
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let query = Query::parse(q.as_deref().unwrap_or(""));
        let view = compress(text.as_bytes(), &query, budget, HASH).expect("valid JSON");
        let line = view.body.lines().next().unwrap_or("");
        let shown = json::parse(line).unwrap_or_else(|e| panic!("view line is not JSON ({e}): {line}"));
        let original = json::parse(&text).unwrap();
        check(&original, &original, &shown, ".");
    }
}
