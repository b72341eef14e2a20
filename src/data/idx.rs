//! Reader for the IDX format of the MNIST files, raw or gzip-compressed.
//!
//! Layout: a big-endian magic number `0x0000TTNN` (TT = 0x08 for unsigned bytes, NN = the
//! number of dimensions), one big-endian `u32` per dimension, then the data in row-major order.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use flate2::read::GzDecoder;

use crate::error::{Error, Result};

/// Type code of unsigned-byte data, the only one MNIST uses.
const U8_TYPE: u8 = 0x08;

/// An IDX array of unsigned bytes: its dimensions and its data (`dims.iter().product()` bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// Size of each dimension, outermost first (e.g. `[60000, 28, 28]`).
    pub dims: Vec<usize>,
    /// The bytes in row-major order.
    pub data: Vec<u8>,
}

/// Reads the IDX file at `path` and checks it has `expected_dims` dimensions of unsigned bytes.
///
/// A name ending in `.gz` is decompressed. Never allocates more than the bytes actually present:
/// a header that claims more data than the file holds is reported as truncated.
pub fn read_idx(path: &Path, expected_dims: usize) -> Result<IdxArray> {
    let metadata = std::fs::metadata(path).map_err(|e| open_error(path, e))?;
    if metadata.is_dir() {
        return Err(Error::data(path, "is a directory, expected an IDX file"));
    }
    if !metadata.is_file() {
        return Err(Error::data(
            path,
            "is not a regular file, expected an IDX file",
        ));
    }
    let file = File::open(path).map_err(|e| open_error(path, e))?;
    let gzip = path.extension().is_some_and(|ext| ext == "gz");
    if gzip {
        parse_idx(Gunzip(GzDecoder::new(BufReader::new(file))), expected_dims)
    } else {
        parse_idx(BufReader::new(file), expected_dims)
    }
    .map_err(|reason| Error::data(path, reason))
}

/// Parses in-memory IDX bytes, gzip-compressed or not, for tests and fuzzing; the error is
/// the reason that [`read_idx`] would report after the file name.
pub fn parse_idx_bytes(
    bytes: &[u8],
    expected_dims: usize,
    gzip: bool,
) -> std::result::Result<IdxArray, String> {
    if gzip {
        parse_idx(Gunzip(GzDecoder::new(bytes)), expected_dims)
    } else {
        parse_idx(bytes, expected_dims)
    }
}

/// A gzip decoder whose every error reads as corrupt data, so that a truncated or damaged
/// stream is reported as such rather than as a short IDX file.
struct Gunzip<R: Read>(GzDecoder<R>);

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0
            .read(buf)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

fn open_error(path: &Path, error: io::Error) -> Error {
    let reason = match error.kind() {
        io::ErrorKind::NotFound => "file not found".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    Error::data(path, reason)
}

fn parse_idx(mut reader: impl Read, expected_dims: usize) -> std::result::Result<IdxArray, String> {
    let mut magic = [0u8; 4];
    read_header(&mut reader, &mut magic, "magic number")?;
    let expected_magic = 0x0000_0800 | expected_dims as u32;
    let found_magic = u32::from_be_bytes(magic);
    if magic[0] != 0 || magic[1] != 0 || magic[2] != U8_TYPE || magic[3] as usize != expected_dims {
        return Err(format!(
            "wrong magic number 0x{found_magic:08x}, expected 0x{expected_magic:08x} \
             (IDX, unsigned bytes, {expected_dims} dimension{})",
            if expected_dims == 1 { "" } else { "s" }
        ));
    }

    let mut dims = Vec::with_capacity(expected_dims);
    for axis in 0..expected_dims {
        let mut size = [0u8; 4];
        read_header(&mut reader, &mut size, &format!("size of dimension {axis}"))?;
        dims.push(u32::from_be_bytes(size) as usize);
    }
    let expected_len = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| format!("header dimensions {dims:?} overflow"))?;

    // `take` bounds the read: the vector grows only with bytes that really arrive.
    let mut data = Vec::new();
    reader
        .by_ref()
        .take(expected_len as u64)
        .read_to_end(&mut data)
        .map_err(read_error)?;
    if data.len() < expected_len {
        return Err(format!(
            "truncated: header {dims:?} needs {expected_len} data bytes, found {}",
            data.len()
        ));
    }
    let mut extra = [0u8; 1];
    if reader.read(&mut extra).map_err(read_error)? != 0 {
        return Err(format!(
            "more data than header {dims:?} announces ({expected_len} bytes)"
        ));
    }
    Ok(IdxArray { dims, data })
}

fn read_header(
    reader: &mut impl Read,
    buf: &mut [u8],
    what: &str,
) -> std::result::Result<(), String> {
    reader.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => format!("file ends inside the header ({what})"),
        _ => read_error(e),
    })
}

fn read_error(error: io::Error) -> String {
    match error.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            format!("corrupt gzip data ({error})")
        }
        io::ErrorKind::UnexpectedEof => "truncated gzip stream".to_string(),
        _ => format!("read failed ({error})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(magic: u32, dims: &[u32]) -> Vec<u8> {
        let mut bytes = magic.to_be_bytes().to_vec();
        for d in dims {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes
    }

    #[test]
    fn parses_a_small_image_file() {
        let mut bytes = header(0x0803, &[2, 2, 3]);
        bytes.extend(0..12u8);
        let array = parse_idx_bytes(&bytes, 3, false).unwrap();
        assert_eq!(array.dims, vec![2, 2, 3]);
        assert_eq!(array.data, (0..12u8).collect::<Vec<_>>());
    }

    #[test]
    fn rejects_wrong_magic_truncation_and_trailing_bytes() {
        let bad_magic = parse_idx_bytes(&header(0x0801, &[3]), 3, false).unwrap_err();
        assert!(
            bad_magic.contains("wrong magic number 0x00000801"),
            "{bad_magic}"
        );

        let mut short = header(0x0801, &[5]);
        short.extend([1, 2]);
        let truncated = parse_idx_bytes(&short, 1, false).unwrap_err();
        assert!(truncated.contains("truncated"), "{truncated}");

        let mut long = header(0x0801, &[1]);
        long.extend([1, 2]);
        assert!(
            parse_idx_bytes(&long, 1, false)
                .unwrap_err()
                .contains("more data")
        );

        let cut_header = parse_idx_bytes(&[0, 0, 8], 1, false).unwrap_err();
        assert!(cut_header.contains("header"), "{cut_header}");
    }

    #[test]
    fn huge_header_claims_do_not_allocate() {
        // 4 billion images of 784 bytes announced, 3 bytes present.
        let mut bytes = header(0x0803, &[u32::MAX, 28, 28]);
        bytes.extend([0, 0, 0]);
        assert!(
            parse_idx_bytes(&bytes, 3, false)
                .unwrap_err()
                .contains("truncated")
        );
    }
}
