//! Small media files for uploads: images, video (made with ffmpeg), WAV audio and ZIP.

use std::process::Command;

/// A small image of one colour in the given format (`png`, `jpeg`, `webp` or `gif`).
pub fn image(format: &str, width: u32, height: u32) -> Vec<u8> {
    let format = match format {
        "png" => image::ImageFormat::Png,
        "jpeg" => image::ImageFormat::Jpeg,
        "webp" => image::ImageFormat::WebP,
        "gif" => image::ImageFormat::Gif,
        other => panic!("no test images in format {other}"),
    };
    let pixels = image::RgbImage::from_pixel(width, height, image::Rgb([220, 80, 40]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut bytes, format)
        .expect("encoding a test image");
    bytes.into_inner()
}

/// An MP4 (H.264) test pattern of the given size and length, made with ffmpeg.
pub fn mp4(width: u32, height: u32, seconds: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("clip.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg(format!(
            "testsrc=size={width}x{height}:rate=10:duration={seconds}"
        ))
        .args(["-pix_fmt", "yuv420p", "-movflags", "+faststart"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs (scripts/setup installs it)");
    assert!(status.success(), "ffmpeg made the test clip");
    std::fs::read(out).expect("reading the test clip")
}

/// An MP3 of a 440 Hz tone of the given length, made with ffmpeg.
pub fn mp3(milliseconds: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("tone.mp3");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg(format!(
            "sine=frequency=440:duration={}",
            f64::from(milliseconds) / 1000.0
        ))
        .args(["-c:a", "libmp3lame", "-b:a", "64k"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs (scripts/setup installs it)");
    assert!(status.success(), "ffmpeg made the test tone");
    std::fs::read(out).expect("reading the test tone")
}

/// A WAV of silence: 8 kHz, mono, 16-bit.
pub fn wav(milliseconds: u32) -> Vec<u8> {
    let samples = 8 * milliseconds;
    let data_len = samples * 2;
    let mut bytes = Vec::with_capacity(44 + data_len as usize);
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data_len).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
    bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
    bytes.extend_from_slice(&8_000u32.to_le_bytes()); // sample rate
    bytes.extend_from_slice(&16_000u32.to_le_bytes()); // byte rate
    bytes.extend_from_slice(&2u16.to_le_bytes()); // block align
    bytes.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data_len.to_le_bytes());
    bytes.resize(44 + data_len as usize, 0);
    bytes
}

/// A ZIP archive holding one empty, stored file.
pub fn zip() -> Vec<u8> {
    const NAME: &[u8] = b"readme.txt";
    let name_len = u16::try_from(NAME.len()).expect("a short name");
    let mut local = Vec::new();
    local.extend_from_slice(b"PK\x03\x04");
    local.extend_from_slice(&20u16.to_le_bytes()); // version needed
    local.extend_from_slice(&[0; 2 + 2 + 2 + 2 + 4 + 4 + 4]); // flags, method, time, date, crc, sizes
    local.extend_from_slice(&name_len.to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes()); // extra length
    local.extend_from_slice(NAME);
    let mut central = Vec::new();
    central.extend_from_slice(b"PK\x01\x02");
    central.extend_from_slice(&20u16.to_le_bytes()); // version made by
    central.extend_from_slice(&20u16.to_le_bytes()); // version needed
    central.extend_from_slice(&[0; 2 + 2 + 2 + 2 + 4 + 4 + 4]);
    central.extend_from_slice(&name_len.to_le_bytes());
    central.extend_from_slice(&[0; 2 + 2 + 2 + 2 + 4]); // extra, comment, disk, attributes
    central.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    central.extend_from_slice(NAME);
    let mut end = Vec::new();
    end.extend_from_slice(b"PK\x05\x06");
    end.extend_from_slice(&[0; 4]); // disk numbers
    end.extend_from_slice(&1u16.to_le_bytes());
    end.extend_from_slice(&1u16.to_le_bytes());
    end.extend_from_slice(&u32::try_from(central.len()).expect("small").to_le_bytes());
    end.extend_from_slice(&u32::try_from(local.len()).expect("small").to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes());
    [local, central, end].concat()
}
