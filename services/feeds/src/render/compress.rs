//! The gzip and brotli bodies of rendered feeds, made after a change is served by a
//! thread of their own (see `Rendered::compressed`).

use super::cache::Rendered;
use axum::body::Bytes;
use newswire_shared::server::file_backed;
use std::io::Write;
use std::sync::{mpsc, Weak};

#[derive(Debug)]
pub struct Compressed {
    pub gzip: Bytes,
    pub brotli: Bytes,
}

impl Compressed {
    pub fn of(identity: &[u8]) -> Self {
        Self {
            gzip: file_backed(gzip(identity)),
            brotli: file_backed(brotli(identity)),
        }
    }
}

/// The thread that compresses renderings after they are served; it ends when the
/// cache is dropped.
pub fn spawn_compressor() -> mpsc::Sender<Weak<Rendered>> {
    let (tx, rx) = mpsc::channel::<Weak<Rendered>>();
    std::thread::Builder::new()
        .name("feeds-compressor".into())
        .spawn(move || {
            lower_priority();
            for waiting in rx {
                // Superseded (no longer cached nor being served): skip it.
                let Some(rendered) = waiting.upgrade() else {
                    continue;
                };
                if rendered.compressed.get().is_none() {
                    let _ = rendered.compressed.set(Compressed::of(&rendered.identity));
                }
            }
        })
        .expect("starting the compressor thread");
    tx
}

/// Compression must never delay a change being served: under load the compressor
/// gets the CPU the renderers leave (nice 10), and clients get identity bytes a little
/// longer. On Linux a thread's nice value is its own.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; 0 names the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

// Compression runs after a change is served (see `Rendered::compressed`), but a busy
// wire recompresses its feeds many times a minute: the middle of each codec's range.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(bytes).expect("writing to a Vec cannot fail");
    e.finish().expect("writing to a Vec cannot fail")
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("compressing to a Vec cannot fail");
    out
}
