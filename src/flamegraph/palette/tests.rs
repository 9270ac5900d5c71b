//! Palette tests: the hash against published vectors, each language's package rule on
//! real-looking frame names, the HSL conversions of the palette, and the diff scale.

use super::*;

#[test]
fn murmur3_matches_the_reference_vectors() {
    assert_eq!(murmur3_32(b"", 0), 0);
    assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
    assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
    assert_eq!(
        murmur3_32(b"The quick brown fox jumps over the lazy dog", 0),
        0x2e4f_f723
    );
}

#[test]
fn non_ascii_names_hash_their_utf16_units_low_bytes() {
    // "é" is U+00E9: one UTF-16 unit whose low byte is 0xe9.
    assert_eq!(
        package_color_index("é"),
        (murmur3_32(&[0xe9], 0) % 24) as u8
    );
    // "€" is U+20AC: the JavaScript original reads 0xac.
    assert_eq!(
        package_color_index("€"),
        (murmur3_32(&[0xac], 0) % 24) as u8
    );
}

#[test]
fn go_packages() {
    let go = |n| package_name(Spy::Go, n);
    assert_eq!(
        go("github.com/org/repo/pkg.(*Server).Serve"),
        "github.com/org/repo/pkg."
    );
    assert_eq!(go("runtime.mallocgc"), "runtime.");
    assert_eq!(go("net/http.(*conn).serve"), "net/http.");
    assert_eq!(go("a.b/c"), "a.");
    assert_eq!(go("main"), "main");
    assert_eq!(go(""), "");
    assert_eq!(package_name(Spy::from_spy_name("scrape"), "x.y"), "x.");
}

#[test]
fn script_language_packages() {
    assert_eq!(
        package_name(Spy::Python, "lib/python3.9/json/decoder.py:337 - decode"),
        "lib/python3.9/json/"
    );
    assert_eq!(package_name(Spy::Python, "app.py:10 - main"), "");
    assert_eq!(package_name(Spy::Python, "<module>"), "<module>");
    assert_eq!(
        package_name(Spy::Ruby, "gems/rack/lib/rack/builder.rb:244 - call"),
        "gems/rack/lib/rack/"
    );
    assert_eq!(
        package_name(Spy::Php, "/var/www/src/Kernel.php:40 - handle"),
        "/var/www/src/"
    );
}

#[test]
fn node_java_dotnet_rust_tracing_packages() {
    assert_eq!(
        package_name(
            Spy::Node,
            "./node_modules/express/lib/router/index.js:handle:284"
        ),
        "express"
    );
    assert_eq!(package_name(Spy::Node, "./src/server.ts:main:12"), ".");
    assert_eq!(package_name(Spy::Node, "app.js:main:12"), "app.js");
    assert_eq!(package_name(Spy::Node, "(program)"), "(program)");
    assert_eq!(
        package_name(
            Spy::Java,
            "java/util/concurrent/ThreadPoolExecutor.runWorker"
        ),
        "java/util/concurrent/"
    );
    assert_eq!(package_name(Spy::Java, "Main.main"), "Main.main");
    assert_eq!(
        package_name(
            Spy::DotNet,
            "System.Threading.Tasks.Task.Run(System.Action)"
        ),
        "System.Threading.Tasks"
    );
    assert_eq!(package_name(Spy::DotNet, "Main()"), "Main()");
    assert_eq!(
        package_name(Spy::Rust, "cinder_server::store::write"),
        "cinder_server"
    );
    assert_eq!(package_name(Spy::Rust, "::weird"), "::weird");
    assert_eq!(package_name(Spy::Tracing, "http:request:handler"), "http");
    assert_eq!(package_name(Spy::Tracing, ":a:b"), ":a");
    assert_eq!(
        package_name(Spy::from_spy_name("ebpfspy"), "do_syscall_64"),
        "do_syscall_64"
    );
}

#[test]
fn same_package_same_colour() {
    let a = package_color(Spy::Go, "runtime.mallocgc");
    let b = package_color(Spy::Go, "runtime.memmove");
    assert_eq!(a, b);
    assert_eq!(a, PACKAGE_COLORS[package_color_index("runtime.") as usize]);
    let tree = Tree::from_folded("runtime.mallocgc 1\nmain.main;runtime.memmove 1").0;
    let colors = NameColors::new(&tree, Spy::Go);
    let id = |n| tree.names().get(n).unwrap();
    assert_eq!(
        colors.color(&tree, id("runtime.mallocgc")),
        colors.color(&tree, id("runtime.memmove"))
    );
    assert_eq!(
        colors.color(&tree, NameId::EMPTY),
        package_color(Spy::Go, "total")
    );
}

/// HSL to RGB as CSS defines it, to check the first eight palette entries.
fn hsl(h: f64, s: f64, l: f64) -> Rgb {
    let (s, l) = (s / 100.0, l / 100.0);
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f64| ((v + m) * 255.0).round() as u8;
    Rgb(to(r), to(g), to(b))
}

#[test]
fn hsl_entries_are_converted_like_css() {
    let source = [
        (24., 69., 60.),
        (34., 65., 65.),
        (194., 52., 61.),
        (163., 45., 55.),
        (211., 48., 60.),
        (246., 40., 65.),
        (305., 63., 79.),
        (47., 100., 73.),
    ];
    for (i, (h, s, l)) in source.into_iter().enumerate() {
        assert_eq!(PACKAGE_COLORS[i], hsl(h, s, l), "entry {i}");
    }
}

#[test]
fn diff_scale_interpolates_between_the_stops() {
    let p = DiffPalette::Default;
    assert_eq!(p.color(0.0), Rgb(148, 142, 142));
    assert_eq!(p.color(100.0), Rgb(200, 0, 0));
    assert_eq!(p.color(-250.0), Rgb(0, 170, 0));
    assert_eq!(p.color(50.0), Rgb(174, 71, 71));
    assert_eq!(DiffPalette::ColorBlind.color(-100.0), Rgb(26, 133, 255));
    assert_eq!(side_percent(1, 3), 33.33);
    assert_eq!(diff_percent(10.0, 10.0), 0.0);
    assert_eq!(diff_percent(0.0, 5.0), 100.0);
    assert_eq!(diff_percent(10.0, 15.0), 50.0);
    assert_eq!(diff_percent(10.0, 0.0), -100.0);
    assert_eq!(diff_percent(1.0, 9.0), 100.0);
}

#[test]
fn css_strings() {
    assert_eq!(Rgb(1, 2, 3).opaque().css(), "rgb(1,2,3)");
    assert_eq!(GREY.css(), "rgba(200,200,200,0.659)");
    assert_eq!(Rgb(1, 2, 3).with_alpha(DIM_ALPHA).alpha, 84);
}
