//! Hostile pictures for `predict --image`, over the real binary: not a picture, empty, 0×0,
//! blank, a header claiming 100,000² pixels, a 9,000² decompression bomb, truncated, other
//! formats, a device, a directory. The invariants are in `common/hostile.rs`.

mod common;

use std::io::Write;
use std::path::Path;

use common::fixture::{Fixture, symlink_to_dev_zero, unique};
use common::hostile::{Case, args, assert_none, check_all};

/// A PNG of `width`×`height` grey pixels from rows of zeros (`rows` of them actually encoded).
fn png(width: u32, height: u32, rows: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(crc.sum().to_be_bytes());
        out
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    let raw = vec![0u8; (rows as usize) * (width as usize + 1)];
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    zlib.write_all(&raw).unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &header));
    out.extend(chunk(b"IDAT", &zlib.finish().unwrap()));
    out.extend(chunk(b"IEND", &[]));
    out
}

#[test]
fn hostile_pictures() {
    let fixture = Fixture::new();
    let scratch = fixture.scratch("pictures");
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("text.png", b"plain text, not a picture".to_vec()),
        ("empty.png", Vec::new()),
        ("zero-size.png", png(0, 0, 0)),
        ("one-pixel.png", png(1, 1, 1)),
        ("huge-header.png", png(100_000, 100_000, 1)),
        ("bomb.png", png(9_000, 9_000, 9_000)),
        ("truncated.png", png(28, 28, 28)[..60].to_vec()),
        (
            "jpeg-header.jpg",
            [&[0xff, 0xd8, 0xff, 0xe0][..], &[0; 64]].concat(),
        ),
        ("gif.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()),
    ];
    let mut cases = Vec::new();
    let mut add = |path: &Path| {
        let png_out = scratch.join(format!("out-{}.png", unique()));
        let words = args(&[
            "predict",
            "--artifact-dir",
            fixture.model.to_str().unwrap(),
            "--image",
            path.to_str().unwrap(),
            "--png",
            png_out.to_str().unwrap(),
        ]);
        cases.push(
            Case::new(words, vec![path.display().to_string()])
                .guarding(&fixture.model)
                .bad_input(),
        );
    };
    for (name, bytes) in variants {
        let path = scratch.join(name);
        std::fs::write(&path, bytes).unwrap();
        add(&path);
    }
    let zero = scratch.join("zero.png");
    symlink_to_dev_zero(&zero);
    add(&zero);
    add(&scratch);
    let failures = check_all(&cases);
    assert_none("hostile pictures", cases.len(), &failures);
}
