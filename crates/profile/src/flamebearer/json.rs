//! JSON text exactly as Go's `encoding/json` writes it, so responses are byte-identical
//! to the original server's: compact, and with `<`, `>`, `&`, U+2028 and U+2029 escaped
//! as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029` (Go's HTML-safe default; Python
//! frames such as `<module>` hit this). Backspace and form feed are `\u0008`/`\u000c`,
//! as in the Go releases the original was built with.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

/// A serde_json formatter with Go's string escaping.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(fragment.get(start..i).unwrap_or("").as_bytes())?;
            writer.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(fragment.get(start..).unwrap_or("").as_bytes())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let text: &[u8] = match escape {
            CharEscape::Backspace => b"\\u0008",
            CharEscape::FormFeed => b"\\u000c",
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let hi = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
                let lo = HEX.get(usize::from(byte & 0xf)).copied().unwrap_or(b'0');
                return writer.write_all(&[b'\\', b'u', b'0', b'0', hi, lo]);
            }
        };
        writer.write_all(text)
    }
}

/// `value` as compact JSON with Go's escaping (no trailing newline; Go's HTTP encoder adds
/// one, so the server appends `\n`).
pub fn to_go_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    // Serializing our own types into a Vec cannot fail (no IO, string map keys only).
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_go() {
        let names = [
            "py_demo.py:28 - <module>",
            "a&b",
            "tab\there",
            "\u{8}\u{c}\u{1}",
            "\u{2028}é",
        ];
        expect_test::expect![[r#"["py_demo.py:28 - \u003cmodule\u003e","a\u0026b","tab\there","\u0008\u000c\u0001","\u2028é"]"#]]
            .assert_eq(&to_go_json(&names));
        let back: Vec<String> = serde_json::from_str(&to_go_json(&names)).unwrap();
        assert_eq!(back, names);
    }
}
