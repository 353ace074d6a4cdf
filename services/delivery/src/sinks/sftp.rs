//! SFTP (OpenSSH's `sftp-server`, or any SFTP v3 server) through libssh2: each version
//! written as `.{name}.part` in the subscriber's directory, then renamed to
//! `{id}_v{version}.{ext}` — a rename within a directory is atomic on the server, so
//! the subscriber's pickup sees a whole file or none.
//!
//! The server must show the host key configured (`host_key`, as OpenSSH writes a public
//! key): the key type is asked for first, and any other key ends the connection before
//! a password or key is sent. A file already there under the final name (a crash after
//! the rename, before the ledger knew) counts as delivered; nothing is overwritten.
//! One connection per destination is kept open and made again after a failure.

use super::SendError;
use crate::queue::Item;
use base64::Engine;
use newswire_shared::config::SftpDestination;
use newswire_shared::formats::files::file_name;
use ssh2::{MethodType, RenameFlags, Session, Sftp};
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct SftpSink {
    inner: Arc<Inner>,
}

struct Inner {
    config: SftpDestination,
    host_key_type: String,
    host_key: Vec<u8>,
    timeout: Duration,
    connection: Mutex<Option<(Session, Sftp)>>,
}

impl SftpSink {
    pub fn new(d: &SftpDestination, timeout: Duration) -> anyhow::Result<Self> {
        let mut parts = d.host_key.split_whitespace();
        let host_key_type = parts.next().unwrap_or_default().to_string();
        let host_key = base64::engine::general_purpose::STANDARD
            .decode(parts.next().unwrap_or_default())
            .map_err(|_| anyhow::anyhow!("host_key of {}: not base64", d.host))?;
        Ok(Self {
            inner: Arc::new(Inner {
                config: d.clone(),
                host_key_type,
                host_key,
                timeout,
                connection: Mutex::new(None),
            }),
        })
    }

    pub async fn send(&self, item: &Item) -> Result<(), SendError> {
        let inner = self.inner.clone();
        let name = file_name(&item.id, item.version, item.extension);
        let body = item.body.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = inner.connection.lock().expect("sftp connection lock");
            if connection.is_none() {
                *connection = Some(inner.connect()?);
            }
            let (_, sftp) = connection.as_ref().expect("connected above");
            let result = inner.put(sftp, &name, &body);
            if result.is_err() {
                // Whatever broke, a new connection is the way to find out next time.
                *connection = None;
            }
            result
        })
        .await
        .map_err(|e| SendError::new(format!("sftp task: {e}")))?
    }
}

impl Inner {
    fn where_(&self) -> String {
        format!(
            "sftp://{}@{}:{}",
            self.config.user, self.config.host, self.config.port
        )
    }

    fn fail(&self, what: &str, e: impl std::fmt::Display) -> SendError {
        SendError::new(format!("{} {what}: {e}", self.where_()))
    }

    fn connect(&self) -> Result<(Session, Sftp), SendError> {
        let c = &self.config;
        let addr = (c.host.as_str(), c.port)
            .to_socket_addrs()
            .map_err(|e| self.fail("resolving", e))?
            .next()
            .ok_or_else(|| self.fail("resolving", "no address"))?;
        let tcp = TcpStream::connect_timeout(&addr, self.timeout)
            .map_err(|e| self.fail("connecting", e))?;
        let mut session = Session::new().map_err(|e| self.fail("session", e))?;
        session.set_timeout(self.timeout.as_millis().min(u32::MAX as u128) as u32);
        session
            .method_pref(MethodType::HostKey, &self.host_key_type)
            .map_err(|e| self.fail("host key type", e))?;
        session.set_tcp_stream(tcp);
        session.handshake().map_err(|e| self.fail("handshake", e))?;
        let shown = session
            .host_key()
            .map(|(k, _)| k.to_vec())
            .unwrap_or_default();
        if shown != self.host_key {
            return Err(self.fail(
                "host key",
                "the server's host key is not the one configured; not logging in",
            ));
        }
        match (&c.private_key, &c.password) {
            (Some(key), _) => session
                .userauth_pubkey_file(&c.user, None, key, None)
                .map_err(|e| self.fail("key authentication", e))?,
            (None, Some(password)) => session
                .userauth_password(&c.user, &password.0)
                .map_err(|e| self.fail("password authentication", e))?,
            (None, None) => return Err(self.fail("authentication", "no key or password")),
        }
        let sftp = session.sftp().map_err(|e| self.fail("sftp subsystem", e))?;
        Ok((session, sftp))
    }

    fn put(&self, sftp: &Sftp, name: &str, body: &[u8]) -> Result<(), SendError> {
        let dir = Path::new(&self.config.directory);
        let target: PathBuf = dir.join(name);
        if sftp
            .stat(&target)
            .is_ok_and(|s| s.size == Some(body.len() as u64))
        {
            return Ok(());
        }
        let temp = dir.join(format!(".{name}.part"));
        {
            let mut f = sftp.create(&temp).map_err(|e| self.fail("creating", e))?;
            f.write_all(body).map_err(|e| self.fail("writing", e))?;
            // fsync@openssh.com where the server has it; the rename is what counts.
            let _ = f.fsync();
        }
        match sftp.rename(
            &temp,
            &target,
            Some(RenameFlags::ATOMIC | RenameFlags::NATIVE),
        ) {
            Ok(()) => Ok(()),
            Err(e) => {
                let there = sftp
                    .stat(&target)
                    .is_ok_and(|s| s.size == Some(body.len() as u64));
                let _ = sftp.unlink(&temp);
                if there {
                    Ok(())
                } else {
                    Err(self.fail("renaming", e))
                }
            }
        }
    }
}
