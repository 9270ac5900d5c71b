//! Request bodies as agents send them: `Content-Encoding: gzip` (or not, with a gzip body
//! anyway), and `multipart/form-data` with `profile`, `prev_profile` and
//! `sample_type_config` parts. Every decompression is capped, so a small gzip bomb is a
//! 413, not an out-of-memory.

use std::borrow::Cow;

use bytes::Bytes;
use cinder_profile::pprof::gunzip_if_needed;
use cinder_profile::DecodeError;

use crate::error::AppError;

/// Undoes `Content-Encoding` (`gzip`, `x-gzip`, `identity`; comma lists right to left).
pub fn decode_content_encoding(
    encoding: Option<&str>,
    body: Bytes,
    limit: usize,
) -> Result<Bytes, AppError> {
    let Some(encoding) = encoding else {
        return Ok(body);
    };
    let mut body = body;
    for coding in encoding.split(',').map(str::trim).rev() {
        body = match coding.to_ascii_lowercase().as_str() {
            "" | "identity" => body,
            "gzip" | "x-gzip" => {
                if !body.starts_with(&[0x1f, 0x8b]) {
                    return Err(AppError::InvalidParameter(
                        "Content-Encoding is gzip but the body is not".into(),
                    ));
                }
                Bytes::from(gunzip(&body, limit)?.into_owned())
            }
            other => {
                return Err(AppError::InvalidParameter(format!(
                    "unsupported Content-Encoding {other:?}"
                )))
            }
        };
    }
    Ok(body)
}

/// Gunzips `bytes` when they start with the gzip magic, capped at `limit` bytes.
pub fn gunzip(bytes: &[u8], limit: usize) -> Result<Cow<'_, [u8]>, AppError> {
    gunzip_if_needed(bytes, limit).map_err(|e| decode_error(&e))
}

/// Maps a profile decoding error to the right status: 413 for size, 422 otherwise.
pub fn decode_error(e: &DecodeError) -> AppError {
    match e {
        DecodeError::TooLarge { .. } => AppError::TooLarge(e.to_string()),
        _ => AppError::BadBody(e.to_string()),
    }
}

/// The parts of a multipart upload that ingestion reads.
#[derive(Debug, Default)]
pub struct MultipartUpload {
    /// `profile`: the pprof (gzip optional).
    pub profile: Option<Bytes>,
    /// `prev_profile`: the previous pprof of the same process, for cumulative types.
    pub prev_profile: Option<Bytes>,
    /// `sample_type_config`: JSON replacing the default sample-type mapping.
    pub sample_type_config: Option<Bytes>,
}

/// Reads the parts of a `multipart/form-data` body. Part Content-Types are ignored (an
/// agent labels its gzip pprof `text/json`); unknown parts are skipped.
pub async fn parse_multipart(content_type: &str, body: Bytes) -> Result<MultipartUpload, AppError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| AppError::BadBody(format!("multipart: {e}")))?;
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut out = MultipartUpload::default();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| AppError::BadBody(format!("multipart: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let data = field
            .bytes()
            .await
            .map_err(|e| AppError::BadBody(format!("multipart: {e}")))?;
        match name.as_str() {
            "profile" => out.profile = Some(data),
            "prev_profile" => out.prev_profile = Some(data),
            "sample_type_config" => out.sample_type_config = Some(data),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_content_encoding_is_undone() {
        let body =
            decode_content_encoding(Some("gzip"), Bytes::from(gz(b"a;b 1\n")), 1 << 20).unwrap();
        assert_eq!(&body[..], b"a;b 1\n");
        let same = decode_content_encoding(None, Bytes::from_static(b"x"), 10).unwrap();
        assert_eq!(&same[..], b"x");
    }

    #[test]
    fn a_gzip_bomb_is_413() {
        let bomb = gz(&vec![b'a'; 10 * 1024 * 1024]);
        assert!(bomb.len() < 100_000);
        let e = decode_content_encoding(Some("gzip"), Bytes::from(bomb), 1024 * 1024).unwrap_err();
        assert!(matches!(e, AppError::TooLarge(_)), "{e:?}");
    }

    #[test]
    fn unknown_encodings_and_fake_gzip_are_rejected() {
        assert!(decode_content_encoding(Some("br"), Bytes::from_static(b"x"), 10).is_err());
        assert!(decode_content_encoding(Some("gzip"), Bytes::from_static(b"plain"), 10).is_err());
    }

    #[tokio::test]
    async fn multipart_parts_are_read_by_name() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"profile\"\r\n\
                    Content-Type: text/json\r\n\r\nPPROF\r\n--XX\r\nContent-Disposition: form-data; \
                    name=\"other\"\r\n\r\nignored\r\n--XX--\r\n";
        let up = parse_multipart("multipart/form-data; boundary=XX", Bytes::from(body))
            .await
            .unwrap();
        assert_eq!(up.profile.as_deref(), Some(&b"PPROF"[..]));
        assert!(up.prev_profile.is_none());
        assert!(parse_multipart("multipart/form-data", Bytes::new())
            .await
            .is_err());
    }
}
