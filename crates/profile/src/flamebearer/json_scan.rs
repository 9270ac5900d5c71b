//! A strict, allocation-free JSON reader for the shapes of the flamebearer object: objects
//! walked key by key, arrays element by element, strings handed out borrowed, and
//! non-negative integers. Any other value is skipped as a raw slice for serde to read
//! (and validate). Used by [`super::stream`]; never panics, whatever the input.

use std::borrow::Cow;

/// A JSON problem, as text.
pub(super) type JsonResult<T> = Result<T, String>;

/// A cursor over JSON text.
pub(super) struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Scanner<'a> {
        Scanner { bytes, pos: 0 }
    }

    /// The text not read yet.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        match self.peek() {
            None => format!("EOF while parsing {what}"),
            Some(_) => format!("expected {what} at byte {}", self.pos),
        }
    }

    /// Consumes `byte` (after whitespace) or fails.
    fn expect(&mut self, byte: u8, what: &str) -> JsonResult<()> {
        self.ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    /// Only whitespace may follow.
    pub(super) fn end(&mut self) -> JsonResult<()> {
        self.ws();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(format!("trailing characters at byte {}", self.pos)),
        }
    }

    /// An object: `f` is called with each key, positioned on its value, and must read it.
    pub(super) fn object(
        &mut self,
        mut f: impl FnMut(&mut Scanner<'a>, &str) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.expect(b'{', "`{`")?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let key = self.string_value()?;
            self.expect(b':', "`:`")?;
            self.ws();
            f(self, &key)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("`,` or `}`")),
            }
        }
    }

    /// An array: `f` is called on each element and must read it.
    pub(super) fn array(
        &mut self,
        mut f: impl FnMut(&mut Scanner<'a>) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.expect(b'[', "`[`")?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            f(self)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("`,` or `]`")),
            }
        }
    }

    /// A string, handed to `f` (borrowed from the text unless it has escapes).
    pub(super) fn string(&mut self, f: impl FnOnce(&str)) -> JsonResult<()> {
        let s = self.string_value()?;
        f(&s);
        Ok(())
    }

    fn string_value(&mut self) -> JsonResult<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.error("a string"));
        }
        let start = self.pos;
        let body = start + 1;
        let mut i = body;
        loop {
            match self.bytes.get(i) {
                None => return Err("EOF while parsing a string".into()),
                Some(b'"') => break,
                Some(b'\\') => return self.escaped_string(start),
                Some(&b) if b < 0x20 => {
                    return Err(format!("control character in string at byte {i}"));
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        let raw = self.bytes.get(body..i).unwrap_or(&[]);
        std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|_| format!("invalid unicode in string at byte {body}"))
    }

    /// A string with escapes, from its opening quote at `start`: serde decodes it. Through
    /// `from_str`, as every other serde read of the app: a `from_slice` would compile a second
    /// copy of serde_json's parser into the wasm bundle.
    fn escaped_string(&mut self, start: usize) -> JsonResult<Cow<'a, str>> {
        self.pos = start;
        let raw = self.skip_string()?;
        let text = std::str::from_utf8(raw)
            .map_err(|_| format!("invalid unicode in string at byte {start}"))?;
        serde_json::from_str::<String>(text)
            .map(Cow::Owned)
            .map_err(|e| e.to_string())
    }

    /// Skips a string from its opening quote; returns it, quotes included.
    fn skip_string(&mut self) -> JsonResult<&'a [u8]> {
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.bytes.get(i) {
                None => return Err("EOF while parsing a string".into()),
                Some(b'\\') => i += 2,
                Some(b'"') => break,
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        Ok(self.bytes.get(start..self.pos).unwrap_or(&[]))
    }

    /// A non-negative integer that fits a `u64` (what serde accepts for a `u64` field).
    pub(super) fn u64(&mut self) -> JsonResult<u64> {
        let start = self.pos;
        // The hot loop of a decode: one pass, wrapping arithmetic; nineteen digits always
        // fit a u64, and longer numbers are re-read with checks below.
        let (mut i, mut value) = (start, 0u64);
        while let Some(&b) = self.bytes.get(i) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
            i += 1;
        }
        let len = i - start;
        let text = self.bytes.get(start..i).unwrap_or(&[]);
        let after = self.bytes.get(i).copied();
        if len > 19 {
            value = text
                .iter()
                .try_fold(0u64, |v, &b| {
                    v.checked_mul(10)?.checked_add(u64::from(b - b'0'))
                })
                .ok_or_else(|| format!("integer out of range at byte {start}"))?;
        }
        self.pos = i;
        match after {
            _ if len == 0 => Err(self.error("a non-negative integer")),
            _ if len > 1 && text.first() == Some(&b'0') => {
                Err(format!("invalid number at byte {start}"))
            }
            Some(b'.' | b'e' | b'E') => Err(format!("expected an integer at byte {start}")),
            _ => Ok(value),
        }
    }

    /// Skips any value; returns its text for serde to read. The extent is found by
    /// matching brackets outside strings; serde then checks the slice is one valid value.
    pub(super) fn skip_value(&mut self) -> JsonResult<&'a [u8]> {
        self.ws();
        let start = self.pos;
        match self.peek() {
            None => return Err("EOF while parsing a value".into()),
            Some(b'"') => {
                self.skip_string()?;
            }
            Some(b'{' | b'[') => self.skip_nested()?,
            Some(_) => {
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'a'..=b'z' | b'+' | b'-' | b'.' | b'E')
                ) {
                    self.pos += 1;
                }
            }
        }
        Ok(self.bytes.get(start..self.pos).unwrap_or(&[]))
    }

    fn skip_nested(&mut self) -> JsonResult<()> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return Err("EOF while parsing a value".into()),
                Some(b'"') => {
                    self.skip_string()?;
                    continue;
                }
                Some(b'{' | b'[') => depth += 1,
                Some(b'}' | b']') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                Some(_) => {}
            }
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(text: &str) -> JsonResult<Vec<u64>> {
        let mut s = Scanner::new(text.as_bytes());
        let mut out = Vec::new();
        s.array(|s| s.u64().map(|v| out.push(v)))?;
        s.end().map(|()| out)
    }

    #[test]
    fn integers_follow_json_and_u64() {
        assert_eq!(
            ints("[ 0 , 12,18446744073709551615 ]"),
            Ok(vec![0, 12, u64::MAX])
        );
        assert_eq!(ints("[]"), Ok(vec![]));
        for bad in [
            "[01]",
            "[1.0]",
            "[1e3]",
            "[-1]",
            "[18446744073709551616]",
            "[1,]",
            "[,1]",
            "[1",
            "[1 2]",
            "[] x",
        ] {
            assert!(ints(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strings_are_borrowed_unless_escaped_and_checked() {
        let mut s = Scanner::new(br#"["a\u00e9\"b", "plain", "tab	here"]"#);
        let mut out = Vec::new();
        let r = s.array(|s| s.string(|v| out.push(v.to_owned())));
        assert!(r.is_err(), "a raw tab is not allowed in a JSON string");
        assert_eq!(out, vec!["aé\"b".to_owned(), "plain".to_owned()]);
    }

    #[test]
    fn skipped_values_are_whole() {
        let mut s = Scanner::new(br#"{"a":[1,{"b":"]}"}],"c":null,"d":-1.5e3}"#);
        let mut raw = Vec::new();
        s.object(|s, key| {
            raw.push(format!(
                "{key}={}",
                String::from_utf8_lossy(s.skip_value()?)
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(raw, vec![r#"a=[1,{"b":"]}"}]"#, "c=null", "d=-1.5e3"]);
    }
}
