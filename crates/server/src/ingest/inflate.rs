//! Gzip, inflated as a stream into a buffer that never outgrows the upload's allowance nor
//! its [`Lease`]: a bomb is stopped after `max_decompressed` bytes of output (413), and
//! every byte of the buffer's capacity is taken from the shared budget before it is
//! allocated. The size a gzip stream declares in its trailer (ISIZE) is used as a hint:
//! an honest stream gets its whole buffer at once, a stream declaring more than the
//! allowance is refused before anything is inflated, and a lying one is still stopped by
//! the running count.

use std::io::Read;

use bytes::Bytes;
use flate2::read::MultiGzDecoder;

use super::budget::Lease;
use crate::error::AppError;

/// The first two bytes of every gzip stream.
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Output is produced this many bytes at a time.
const CHUNK: usize = 64 * 1024;

/// Size of the blocks that hold output beyond what the stream declared.
const BLOCK: usize = 1024 * 1024;

/// `data` inflated when it starts with the gzip magic (agents gzip bodies and parts with
/// or without saying so), else `data` itself.
pub async fn inflate_if_gzip(data: Bytes, lease: &mut Lease) -> Result<Bytes, AppError> {
    if data.starts_with(&GZIP_MAGIC) {
        inflate(&data, lease).await
    } else {
        Ok(data)
    }
}

/// Undoes `Content-Encoding` (`gzip`, `x-gzip`, `identity`; comma lists right to left).
pub async fn decode_content_encoding(
    encoding: Option<&str>,
    body: Bytes,
    lease: &mut Lease,
) -> Result<Bytes, AppError> {
    let Some(encoding) = encoding else {
        return Ok(body);
    };
    let mut body = body;
    for coding in encoding.split(',').map(str::trim).rev() {
        body = match coding.to_ascii_lowercase().as_str() {
            "" | "identity" => body,
            "gzip" | "x-gzip" => {
                if !body.starts_with(&GZIP_MAGIC) {
                    return Err(AppError::InvalidParameter(
                        "Content-Encoding is gzip but the body is not".into(),
                    ));
                }
                inflate(&body, lease).await?
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

/// The size the last gzip member declares in its trailer (its length modulo 2³²); `None`
/// for input shorter than a gzip header and trailer.
fn declared_size(gz: &[u8]) -> Option<usize> {
    if gz.len() < 18 {
        return None;
    }
    let tail: [u8; 4] = gz.get(gz.len().checked_sub(4)?..)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(tail)).ok()
}

fn too_large(lease: &Lease) -> AppError {
    AppError::TooLarge(format!(
        "the upload decompresses to more than {} bytes",
        lease.max_decompressed()
    ))
}

/// Inflates the gzip stream `gz` (several members allowed) within the lease.
///
/// Output goes into one buffer of the declared size, then (when the trailer lied, or for
/// several members) into blocks of [`BLOCK`] bytes that are joined at the end. Buffers are
/// never grown by reallocation: a bomb that doubles its buffer up to the cap leaves a trail
/// of freed buffers that the allocator returns to the OS only later, which under
/// concurrent bombs doubled the server's peak memory.
pub async fn inflate(gz: &[u8], lease: &mut Lease) -> Result<Bytes, AppError> {
    let left = lease.decompressed_left();
    let declared = declared_size(gz).unwrap_or(0);
    if declared > left {
        return Err(too_large(lease));
    }
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    let mut decoder = MultiGzDecoder::new(gz);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = decoder
            .read(&mut chunk)
            .map_err(|e| AppError::BadBody(format!("gzip: {e}")))?;
        if n == 0 {
            break;
        }
        // Inflating is CPU work on an async worker: let other tasks run now and then.
        tokio::task::consume_budget().await;
        total += n;
        if total > left {
            return Err(too_large(lease));
        }
        let mut data = &chunk[..n];
        while !data.is_empty() {
            let room = blocks.last().map_or(0, |b| b.capacity() - b.len());
            if room == 0 {
                let size = if blocks.is_empty() { declared } else { BLOCK };
                let size = size.max(data.len()).min(left - (total - data.len()));
                lease.grow(size).await?;
                blocks.push(Vec::with_capacity(size));
                continue;
            }
            let (now, later) = data.split_at(room.min(data.len()));
            if let Some(block) = blocks.last_mut() {
                block.extend_from_slice(now);
            }
            data = later;
        }
    }
    lease.spend_decompressed(total);
    join(blocks, total, lease).await
}

/// One buffer from the blocks (the usual case is a single block, returned as it is).
async fn join(
    mut blocks: Vec<Vec<u8>>,
    total: usize,
    lease: &mut Lease,
) -> Result<Bytes, AppError> {
    if blocks.len() <= 1 {
        return Ok(Bytes::from(blocks.pop().unwrap_or_default()));
    }
    lease.grow(total).await?;
    let mut out = Vec::with_capacity(total);
    for block in &blocks {
        out.extend_from_slice(block);
    }
    lease.shrink(blocks.iter().map(Vec::capacity).sum());
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::budget::MemoryBudget;
    use std::io::Write;
    use std::time::Duration;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn budget() -> MemoryBudget {
        MemoryBudget::new(64 << 20, Duration::from_millis(10))
    }

    #[tokio::test]
    async fn gzip_content_encoding_is_undone() {
        let b = budget();
        let mut lease = b.lease(1 << 20);
        let body = decode_content_encoding(Some("gzip"), Bytes::from(gz(b"a;b 1\n")), &mut lease)
            .await
            .unwrap();
        assert_eq!(&body[..], b"a;b 1\n");
        assert_eq!(lease.decompressed_left(), (1 << 20) - 6);
        let same = decode_content_encoding(None, Bytes::from_static(b"x"), &mut lease)
            .await
            .unwrap();
        assert_eq!(&same[..], b"x");
    }

    #[tokio::test]
    async fn a_gzip_bomb_is_413_whatever_its_trailer_says() {
        let b = budget();
        let mut bomb = gz(&vec![b'a'; 10 * 1024 * 1024]);
        assert!(bomb.len() < 100_000);
        let e = inflate(&bomb, &mut b.lease(1 << 20)).await.unwrap_err();
        assert!(matches!(e, AppError::TooLarge(_)), "{e:?}");
        // A trailer that lies (claims 10 bytes) is caught by the running count.
        let n = bomb.len();
        bomb[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        let mut lease = b.lease(1 << 20);
        let e = inflate(&bomb, &mut lease).await.unwrap_err();
        assert!(e.to_string().contains("more than 1048576 bytes"), "{e}");
        assert!(lease.held() <= 1 << 20, "{}", lease.held());
        drop(lease);
        assert_eq!(b.available(), b.total());
    }

    #[tokio::test]
    async fn the_allowance_covers_every_stream_of_an_upload() {
        let b = budget();
        let mut lease = b.lease(1000);
        let part = gz(&[b'x'; 600]);
        assert_eq!(inflate(&part, &mut lease).await.unwrap().len(), 600);
        let e = inflate(&part, &mut lease).await.unwrap_err();
        assert!(matches!(e, AppError::TooLarge(_)), "{e:?}");
    }

    #[tokio::test]
    async fn an_honest_stream_takes_its_size_from_the_budget_once() {
        let b = budget();
        let mut lease = b.lease(1 << 30);
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let out = inflate(&gz(&data), &mut lease).await.unwrap();
        assert_eq!(&out[..], &data[..]);
        assert_eq!(lease.held(), data.len());
    }

    #[tokio::test]
    async fn several_members_are_joined_into_one_buffer() {
        let b = budget();
        let mut lease = b.lease(1 << 30);
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
        let mut two = gz(&data);
        two.extend_from_slice(&gz(b"tail"));
        let out = inflate(&two, &mut lease).await.unwrap();
        assert_eq!(out.len(), data.len() + 4);
        assert_eq!(
            (&out[..data.len()], &out[data.len()..]),
            (&data[..], &b"tail"[..])
        );
        assert_eq!(
            lease.held(),
            out.len(),
            "only the joined buffer is still held"
        );
    }

    #[tokio::test]
    async fn unknown_encodings_and_fake_gzip_are_rejected() {
        let b = budget();
        let mut lease = b.lease(10);
        let br = decode_content_encoding(Some("br"), Bytes::from_static(b"x"), &mut lease).await;
        assert!(matches!(br, Err(AppError::InvalidParameter(_))));
        let fake =
            decode_content_encoding(Some("gzip"), Bytes::from_static(b"plain"), &mut lease).await;
        assert!(matches!(fake, Err(AppError::InvalidParameter(_))));
        let broken = inflate(&[0x1f, 0x8b, 8, 0, 0], &mut lease).await;
        assert!(matches!(broken, Err(AppError::BadBody(_))), "{broken:?}");
    }
}
