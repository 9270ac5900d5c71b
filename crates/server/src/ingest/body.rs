//! Request bodies as agents send them, read within the upload's [`Lease`]: the body itself
//! (at most `max_body` bytes, 413 above, each chunk taken from the budget before it is
//! kept), and `multipart/form-data` with `profile`, `prev_profile` and
//! `sample_type_config` parts, whose gzip parts are inflated within the lease too.
//! Content-Encoding and gzip sniffing live in [`super::inflate`].

use axum::body::Body;
use bytes::Bytes;
use cinder_profile::DecodeError;
use futures_util::StreamExt;

use super::budget::Lease;
use super::inflate::inflate_if_gzip;
use crate::error::AppError;

/// Maps a profile decoding error to the right status: 413 for size, 422 otherwise.
pub fn decode_error(e: &DecodeError) -> AppError {
    AppError::from(super::IngestError::from(e))
}

fn body_too_large(max_body: usize) -> AppError {
    AppError::TooLarge(format!("the body is larger than {max_body} bytes"))
}

/// Reads a request body of at most `max_body` bytes. A `Content-Length` above it is
/// refused before anything is read; otherwise the buffer's capacity is taken from the
/// lease before it is allocated (all at once when the length is declared).
pub async fn read_body(
    body: Body,
    content_length: Option<usize>,
    max_body: usize,
    lease: &mut Lease,
) -> Result<Bytes, AppError> {
    if content_length.is_some_and(|n| n > max_body) {
        return Err(body_too_large(max_body));
    }
    let mut stream = body.into_data_stream();
    // The usual case is a body in one chunk: it is kept as it is, without a copy.
    let mut first: Option<Bytes> = None;
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| AppError::BadBody(format!("reading the body: {e}")))?;
        total = total.saturating_add(chunk.len());
        if total > max_body {
            return Err(body_too_large(max_body));
        }
        if total == chunk.len() {
            lease.grow(chunk.len()).await?;
            first = Some(chunk);
            continue;
        }
        if let Some(f) = first.take() {
            buf = grow_into(buf, &f, content_length, max_body, lease).await?;
            lease.shrink(f.len());
        }
        buf = grow_into(buf, &chunk, content_length, max_body, lease).await?;
    }
    Ok(first.unwrap_or_else(|| Bytes::from(buf)))
}

/// Appends `data`, growing the buffer (within the lease) when it is full.
async fn grow_into(
    mut buf: Vec<u8>,
    data: &[u8],
    content_length: Option<usize>,
    max_body: usize,
    lease: &mut Lease,
) -> Result<Vec<u8>, AppError> {
    let len = buf.len() + data.len();
    if len > max_body {
        return Err(body_too_large(max_body));
    }
    if len > buf.capacity() {
        let target = content_length
            .filter(|&n| n >= len)
            .unwrap_or_else(|| buf.capacity().saturating_mul(2).max(len))
            .min(max_body);
        reserve(&mut buf, target, lease).await?;
    }
    buf.extend_from_slice(data);
    Ok(buf)
}

/// Grows `buf`'s capacity to `capacity` bytes within the lease. Growing copies the buffer
/// into a new allocation before the old one is freed, so the lease covers both meanwhile.
async fn reserve(buf: &mut Vec<u8>, capacity: usize, lease: &mut Lease) -> Result<(), AppError> {
    let old = buf.capacity();
    if capacity > old {
        lease.grow(capacity).await?;
        buf.reserve_exact(capacity - buf.len());
        lease.shrink(old);
    }
    Ok(())
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
/// agent labels its gzip pprof `text/json`); unknown parts are skipped. The parser copies
/// the body once (charged to the lease); gzip `profile` and `prev_profile` parts are
/// inflated within the lease.
pub async fn parse_multipart(
    content_type: &str,
    body: Bytes,
    lease: &mut Lease,
) -> Result<MultipartUpload, AppError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| AppError::BadBody(format!("multipart: {e}")))?;
    let body_len = body.len();
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    lease.grow(body_len).await?;
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
            "profile" => out.profile = Some(inflate_if_gzip(data, lease).await?),
            "prev_profile" => out.prev_profile = Some(inflate_if_gzip(data, lease).await?),
            "sample_type_config" => out.sample_type_config = Some(data),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::budget::MemoryBudget;
    use std::time::Duration;

    fn chunked(parts: &[&'static [u8]]) -> Body {
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn bodies_are_read_within_the_limit_and_the_lease() {
        let budget = MemoryBudget::new(1 << 20, Duration::from_millis(10));
        let mut lease = budget.lease(0);
        let one = read_body(chunked(&[b"abc"]), None, 10, &mut lease)
            .await
            .unwrap();
        assert_eq!((&one[..], lease.held()), (&b"abc"[..], 3));
        let mut lease = budget.lease(0);
        let many = read_body(chunked(&[b"ab", b"cd", b"e"]), None, 10, &mut lease)
            .await
            .unwrap();
        assert_eq!(&many[..], b"abcde");
        assert!(lease.held() >= 5 && lease.held() <= 10, "{}", lease.held());
        let over = read_body(chunked(&[b"abcdef", b"ghijk"]), None, 10, &mut lease).await;
        assert!(matches!(over, Err(AppError::TooLarge(_))), "{over:?}");
        let declared = read_body(chunked(&[b"a"]), Some(11), 10, &mut lease).await;
        let e = declared.unwrap_err();
        assert!(e.to_string().contains("larger than 10 bytes"), "{e}");
    }

    #[tokio::test]
    async fn multipart_parts_are_read_by_name() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"profile\"\r\n\
                    Content-Type: text/json\r\n\r\nPPROF\r\n--XX\r\nContent-Disposition: form-data; \
                    name=\"other\"\r\n\r\nignored\r\n--XX--\r\n";
        let budget = MemoryBudget::new(1 << 20, Duration::from_millis(10));
        let mut lease = budget.lease(1 << 20);
        let up = parse_multipart(
            "multipart/form-data; boundary=XX",
            Bytes::from(body),
            &mut lease,
        )
        .await
        .unwrap();
        assert_eq!(up.profile.as_deref(), Some(&b"PPROF"[..]));
        assert!(up.prev_profile.is_none());
        assert!(
            parse_multipart("multipart/form-data", Bytes::new(), &mut lease)
                .await
                .is_err()
        );
    }
}
