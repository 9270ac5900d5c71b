//! Errors and warnings of the crate's decoders.
//!
//! Strict decoders (flamebearer JSON, the binary tree codec, pprof, the `tree`/`trie`
//! ingestion formats) return [`DecodeError`]: the input is rejected whole. Lenient parsers
//! (folded, lines) return their result together with [`Warning`]s, so the caller decides
//! whether a warning is worth rejecting the request for (the original server answered 422
//! to a bad count; Cinder's server may choose to).

use thiserror::Error;

/// Why an input could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The text is not valid JSON or does not have the expected shape.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The flamebearer envelope has a `version` other than 1.
    #[error("unsupported flamebearer version {0}")]
    Version(u64),
    /// `metadata.format` does not match what the caller asked for.
    #[error("expected a {expected} flamebearer, got {found:?}")]
    Format {
        /// `single` or `double`.
        expected: &'static str,
        /// The format named in the input.
        found: String,
    },
    /// One node of a flamebearer `levels` array is inconsistent.
    #[error("flamebearer level {level}, node {node}: {problem}")]
    Level {
        /// Depth of the level (0 = root).
        level: usize,
        /// Position of the node within its level.
        node: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The binary input ended or was malformed at byte offset `at`.
    #[error("binary input at byte {at}: {problem}")]
    Binary {
        /// Byte offset where decoding failed.
        at: usize,
        /// What was expected there.
        problem: &'static str,
    },
    /// The binary tree format version is not one this crate reads.
    #[error("unsupported binary tree version {0}")]
    BinaryVersion(u64),
    /// A protobuf message (pprof, push request) could not be decoded.
    #[error("invalid protobuf: {0}")]
    Protobuf(String),
    /// A gzip stream is corrupt.
    #[error("invalid gzip: {0}")]
    Gzip(String),
    /// A gzip stream inflates past the configured limit (a decompression bomb, or simply
    /// a larger profile than the caller accepts).
    #[error("decompressed input exceeds {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A pprof sample type that cannot be stored (no valid, distinct series name).
    #[error("{0}")]
    SampleType(String),
}

/// Something a lenient parser skipped or repaired, with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line number in the input.
    pub line: usize,
    /// What happened.
    pub kind: WarningKind,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningKind {
    /// An empty line in the middle of the input; skipped.
    BlankLine,
    /// A folded line without a space before the count; skipped (the original skips it too).
    MissingCount,
    /// The text after the last space is not a non-negative integer; the line was skipped
    /// (the original answers 422 for the whole request).
    BadCount(String),
    /// The line ended in `\r` (CRLF input); the `\r` was removed and the line parsed (the
    /// original fails such lines with 422).
    CarriageReturn,
    /// The line is not valid UTF-8; invalid bytes were replaced by U+FFFD.
    InvalidUtf8,
    /// The line is longer than 64 KiB. It was parsed; the original stops reading there.
    LongLine,
    /// More warnings were found than are kept; this many were dropped.
    TooMany(usize),
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            WarningKind::BlankLine => f.write_str("blank line skipped"),
            WarningKind::MissingCount => f.write_str("no count after the stack; line skipped"),
            WarningKind::BadCount(c) => write!(f, "invalid count {c:?}; line skipped"),
            WarningKind::CarriageReturn => f.write_str("CRLF line ending; \\r removed"),
            WarningKind::InvalidUtf8 => f.write_str("invalid UTF-8 replaced"),
            WarningKind::LongLine => f.write_str("line longer than 64 KiB"),
            WarningKind::TooMany(n) => write!(f, "{n} more warnings not kept"),
        }
    }
}

/// Collects warnings up to a cap, so hostile input cannot grow memory without bound.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    kept: Vec<Warning>,
    dropped: usize,
    last_line: usize,
}

impl Warnings {
    /// Warnings kept before the rest are only counted.
    const CAP: usize = 100;

    pub(crate) fn push(&mut self, line: usize, kind: WarningKind) {
        self.last_line = line;
        if self.kept.len() < Self::CAP {
            self.kept.push(Warning { line, kind });
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Warning> {
        if self.dropped > 0 {
            self.kept.push(Warning {
                line: self.last_line,
                kind: WarningKind::TooMany(self.dropped),
            });
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_capped_and_counted() {
        let mut w = Warnings::default();
        for line in 1..=150 {
            w.push(line, WarningKind::BlankLine);
        }
        let out = w.finish();
        assert_eq!(out.len(), 101);
        assert_eq!(
            out[100],
            Warning {
                line: 150,
                kind: WarningKind::TooMany(50)
            }
        );
        assert_eq!(out[0].to_string(), "line 1: blank line skipped");
    }
}
