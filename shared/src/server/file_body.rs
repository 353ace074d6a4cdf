//! Response bodies that the kernel sends from a file, as nginx sends a static file.
//!
//! A body written with `writev` is copied from our memory into the socket's buffers;
//! with `sendfile(2)` from a file the socket takes references to the file's pages
//! instead. For the documents a server keeps and sends again and again (a rendered
//! feed of a few hundred KB), that copy was most of the cost of a full 200
//! (BENCHMARKS.md, feeds serving).
//!
//! [`file_backed`] puts such a body in a sealed memory file (`memfd_create(2)`, sealed
//! against any change, so the pages a socket still holds never change under it) and
//! returns it as ordinary [`Bytes`] read from a read-only mapping of that file: every
//! reader of the body (hyper, compressors, tests) sees the same bytes as before. The
//! connection's writer ([`write_vectored`]) recognises a slice of such a mapping among
//! the buffers hyper hands it (hyper passes a body's `Bytes` through unchanged) and
//! sends that part with `sendfile` from the same offset of the file; everything else is
//! written as before. HTTP framing stays hyper's: only the system call that moves the
//! bytes changes.
//!
//! Bounds: bodies of at least [`MIN_LEN`] bytes, at most [`MAX_FILES`] files open at
//! once (each holds a file descriptor; the connection bound leaves room for them).
//! Beyond either, or where memory files cannot be made, a body is kept in ordinary
//! memory and written with `writev`.

use axum::body::Bytes;
use std::io::IoSlice;

/// Bodies shorter than this are copied: a `sendfile` costs more than a small copy.
pub const MIN_LEN: usize = 16 * 1024;

/// File-backed bodies alive at once, each an open file descriptor.
pub const MAX_FILES: usize = 512;

/// `bytes` as a body the connection writer sends with `sendfile` (see the module
/// documentation), or as ordinary bytes when it is shorter than [`MIN_LEN`], when
/// [`MAX_FILES`] are in use, or when the system refuses a memory file.
pub fn file_backed(bytes: Vec<u8>) -> Bytes {
    #[cfg(target_os = "linux")]
    if bytes.len() >= MIN_LEN {
        if let Some(mapping) = linux::Mapping::new(&bytes) {
            return Bytes::from_owner(mapping);
        }
    }
    bytes.into()
}

/// Whether [`write_vectored`] may send any of `bufs` from a file: one of them is long
/// enough to be a file-backed body. A cheap test, so a 304 never looks further; the
/// tail of a body that `sendfile` left shorter than [`MIN_LEN`] is copied from the
/// mapping instead (the same bytes).
pub fn may_send_file(bufs: &[IoSlice<'_>]) -> bool {
    cfg!(target_os = "linux") && bufs.iter().any(|b| b.len() >= MIN_LEN)
}

/// Writes `bufs` in order to the non-blocking socket `socket`, as `writev` would — the
/// count of bytes written (a prefix of `bufs`), or an error (`WouldBlock` included)
/// when none was — but sends each slice of a file-backed body with `sendfile`, the
/// buffers before it marked `MSG_MORE` so that headers and body share segments.
#[cfg(target_os = "linux")]
pub fn write_vectored(socket: std::os::fd::RawFd, bufs: &[IoSlice<'_>]) -> std::io::Result<usize> {
    linux::write_vectored(socket, bufs)
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::BTreeMap;
    use std::io::{self, IoSlice};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::RwLock;

    /// File-backed bodies by the address their mapping starts at: (length, file).
    static MAPPED: RwLock<BTreeMap<usize, (usize, RawFd)>> = RwLock::new(BTreeMap::new());
    static FILES: AtomicUsize = AtomicUsize::new(0);

    /// A sealed memory file holding one body, and a read-only mapping of it.
    pub struct Mapping {
        ptr: *const u8,
        len: usize,
        file: OwnedFd,
    }

    // SAFETY: the mapping is read-only and the file sealed against writes, so the
    // bytes never change while any thread reads them.
    unsafe impl Send for Mapping {}
    unsafe impl Sync for Mapping {}

    impl AsRef<[u8]> for Mapping {
        fn as_ref(&self) -> &[u8] {
            // SAFETY: `ptr` maps `len` readable bytes until `drop`.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }

    impl Mapping {
        pub fn new(bytes: &[u8]) -> Option<Self> {
            if FILES.fetch_add(1, Ordering::Relaxed) >= super::MAX_FILES {
                FILES.fetch_sub(1, Ordering::Relaxed);
                return None;
            }
            let mapping = Self::create(bytes);
            if mapping.is_none() {
                FILES.fetch_sub(1, Ordering::Relaxed);
            }
            mapping
        }

        fn create(bytes: &[u8]) -> Option<Self> {
            // SAFETY: plain system calls on a file descriptor we own; the mapping is
            // checked before use and unmapped only in `drop`.
            unsafe {
                let fd = libc::memfd_create(
                    c"newswire-body".as_ptr(),
                    libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
                );
                if fd < 0 {
                    return None;
                }
                let file = OwnedFd::from_raw_fd(fd);
                let mut written = 0;
                while written < bytes.len() {
                    let n =
                        libc::write(fd, bytes[written..].as_ptr().cast(), bytes.len() - written);
                    if n <= 0 {
                        if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
                        {
                            continue;
                        }
                        return None;
                    }
                    written += n as usize;
                }
                // Pages handed to a socket are referenced, not copied: they must never
                // change, nor the file shrink under them.
                let seals = libc::F_SEAL_SHRINK
                    | libc::F_SEAL_GROW
                    | libc::F_SEAL_WRITE
                    | libc::F_SEAL_SEAL;
                if libc::fcntl(fd, libc::F_ADD_SEALS, seals) != 0 {
                    return None;
                }
                let ptr = libc::mmap(
                    std::ptr::null_mut(),
                    bytes.len(),
                    libc::PROT_READ,
                    libc::MAP_SHARED,
                    fd,
                    0,
                );
                if ptr == libc::MAP_FAILED {
                    return None;
                }
                let mapping = Self {
                    ptr: ptr.cast(),
                    len: bytes.len(),
                    file,
                };
                MAPPED
                    .write()
                    .expect("mapped bodies lock")
                    .insert(ptr as usize, (bytes.len(), mapping.file.as_raw_fd()));
                Some(mapping)
            }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // Forgotten before unmapped: the address may be mapped again at once.
            MAPPED
                .write()
                .expect("mapped bodies lock")
                .remove(&(self.ptr as usize));
            // SAFETY: our own mapping; no `Bytes` of it is left (this is its owner).
            unsafe {
                libc::munmap(self.ptr as *mut libc::c_void, self.len);
            }
            FILES.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// The file and offset `buf` is read from, if it lies in a file-backed body. The
    /// descriptor stays open while `buf` is borrowed: the body's owner outlives it.
    fn file_of(buf: &[u8]) -> Option<(RawFd, i64)> {
        if buf.len() < super::MIN_LEN {
            return None;
        }
        let at = buf.as_ptr() as usize;
        let mapped = MAPPED.read().expect("mapped bodies lock");
        let (&start, &(len, fd)) = mapped.range(..=at).next_back()?;
        (at + buf.len() <= start + len).then_some((fd, (at - start) as i64))
    }

    pub fn write_vectored(socket: RawFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let files: Vec<Option<(RawFd, i64)>> = bufs.iter().map(|b| file_of(b)).collect();
        let mut written = 0;
        let mut i = 0;
        while i < bufs.len() {
            let (sent, wanted) = match files[i] {
                Some((file, offset)) => {
                    let sent = retry(|| {
                        let mut offset = offset;
                        // SAFETY: valid descriptors; `offset` is ours.
                        unsafe { libc::sendfile(socket, file, &mut offset, bufs[i].len()) }
                    });
                    i += 1;
                    (sent, bufs[i - 1].len())
                }
                None => {
                    let end = (i..bufs.len())
                        .find(|&j| files[j].is_some())
                        .unwrap_or(bufs.len());
                    let plain = &bufs[i..end];
                    let more = if end < bufs.len() { libc::MSG_MORE } else { 0 };
                    let sent = retry(|| {
                        // SAFETY: `IoSlice` is ABI-compatible with `iovec` on Unix, and
                        // the message only points at `plain`.
                        unsafe {
                            let mut message: libc::msghdr = std::mem::zeroed();
                            message.msg_iov = plain.as_ptr() as *mut libc::iovec;
                            message.msg_iovlen = plain.len() as _;
                            libc::sendmsg(socket, &message, more | libc::MSG_NOSIGNAL)
                        }
                    });
                    i = end;
                    (sent, plain.iter().map(|b| b.len()).sum())
                }
            };
            match sent {
                Ok(n) => {
                    written += n;
                    if n < wanted {
                        return Ok(written);
                    }
                }
                Err(_) if written > 0 => return Ok(written),
                Err(e) => return Err(e),
            }
        }
        Ok(written)
    }

    fn retry(mut call: impl FnMut() -> isize) -> io::Result<usize> {
        loop {
            let n = call();
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}
