//! SFTP into a real OpenSSH server (Debian's openssh-server), started by the test on
//! loopback with its own host key, configuration and authorized key: every version
//! appears in the subscriber's directory whole (a reader watching the directory never
//! sees a partial file) and once; a server showing another host key gets nothing.

mod support;

use newswire_shared::config::{DeliverySubscriber, Destination, Format, SftpDestination};
use newswire_shared::testing::json_as;
use serde_json::json;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

struct Sshd {
    dir: PathBuf,
    port: u16,
    child: Child,
}

impl Sshd {
    fn start() -> Option<Self> {
        let sshd = Path::new("/usr/sbin/sshd");
        if !sshd.exists() || !Path::new("/usr/bin/ssh-keygen").exists() {
            newswire_shared::testing::skip("/usr/sbin/sshd is not installed (Debian's openssh-server; deploy/ci/install-deps.sh installs it)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!(
            "newswire-sshd-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        ));
        std::fs::create_dir_all(dir.join("inbox")).unwrap();
        for (name, kind) in [
            ("host_key", "ed25519"),
            ("user_key", "ed25519"),
            ("other_host_key", "ed25519"),
        ] {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", kind, "-N", "", "-f"])
                .arg(dir.join(name))
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "ssh-keygen");
        }
        std::fs::copy(dir.join("user_key.pub"), dir.join("authorized_keys")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/sshd.pid\n\
             AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
             PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
            d = dir.display()
        );
        std::fs::write(dir.join("sshd_config"), config).unwrap();
        // As root, sshd wants its privilege-separation directory.
        if unsafe { libc_geteuid() } == 0 {
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        let child = Command::new(sshd)
            .args(["-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sshd starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "sshd did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Self { dir, port, child })
    }

    fn public_key(&self, name: &str) -> String {
        let line = std::fs::read_to_string(self.dir.join(format!("{name}.pub"))).unwrap();
        line.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn destination(&self, name: &str, host_key: &str) -> Destination {
        Destination::Sftp(SftpDestination {
            name: Some(name.into()),
            host: "127.0.0.1".into(),
            port: self.port,
            user: whoami(),
            directory: self.dir.join("inbox").display().to_string(),
            format: Format::Ninjs,
            host_key: self.public_key(host_key),
            private_key: Some(self.dir.join("user_key")),
            password: None,
        })
    }

    fn inbox(&self) -> PathBuf {
        self.dir.join("inbox")
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Visible files of the inbox with (size, inode, mtime).
fn files(dir: &Path) -> BTreeMap<String, (u64, u64, i64)> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                (
                    m.size(),
                    m.ino(),
                    m.mtime_nsec() + m.mtime() * 1_000_000_000,
                ),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn versions_appear_whole_and_once_on_a_real_openssh_server() {
    let Some(sshd) = Sshd::start() else { return };
    let broker = Broker::start();
    let mut settings = delivery_settings(&broker, "sftp").await;
    settings.delivery.admin_keys = vec!["operator-key-0123456789".into()];
    settings.delivery.subscribers = vec![
        DeliverySubscriber {
            name: "agency-x".into(),
            items: vec!["*".into()],
            trust_embargo: false,
            destinations: vec![sshd.destination("sftp", "host_key")],
        },
        // The same server, pinned to another key: it must never be logged in to.
        DeliverySubscriber {
            name: "impostor-check".into(),
            items: vec!["*".into()],
            trust_embargo: false,
            destinations: vec![sshd.destination("sftp", "other_host_key")],
        },
    ];
    // A reader watching the inbox: every file it can see must be whole JSON.
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (stop, inbox) = (stop.clone(), sshd.inbox());
        std::thread::spawn(move || {
            let mut looks = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for (name, _) in files(&inbox) {
                    if let Ok(bytes) = std::fs::read(inbox.join(&name)) {
                        assert!(
                            serde_json::from_slice::<serde_json::Value>(&bytes).is_ok(),
                            "{name} was visible before it was whole"
                        );
                        looks += 1;
                    }
                }
            }
            looks
        })
    };
    let delivery = Running::start(&settings).await;
    let kafka = Producer::new(&settings);
    let big = "<p>".to_string() + &"Long paragraph of the story. ".repeat(4000) + "</p>";
    let long_body = json!({ "body": big });
    kafka
        .send(&enriched("flood", 1, "usable", "world", long_body))
        .await;
    kafka.send_version("vote", 1, "usable", "politics").await;
    // The first versions are on the server before the correction and the kill: a kill
    // read while its story's first version still waits replaces it in the queue (then
    // nothing goes at all, `isolation.rs` shows that rule); this test is about files.
    let deadline = Instant::now() + Duration::from_secs(30);
    while files(&sshd.inbox()).len() < 2 {
        assert!(
            Instant::now() < deadline,
            "first versions: {:?}",
            files(&sshd.inbox())
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kafka
        .send(&enriched(
            "flood",
            2,
            "usable",
            "world",
            json!({"signals": ["correction"], "body": big}),
        ))
        .await;
    kafka.send_version("vote", 2, "canceled", "politics").await;
    let want = [
        "flood_v1.json",
        "flood_v2.json",
        "vote_v1.json",
        "vote_v2.json",
    ];
    let deadline = Instant::now() + Duration::from_secs(30);
    while files(&sshd.inbox()).len() < want.len() {
        assert!(
            Instant::now() < deadline,
            "files: {:?}",
            files(&sshd.inbox())
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first = files(&sshd.inbox());
    assert_eq!(first.keys().cloned().collect::<Vec<_>>(), want);
    let v2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sshd.inbox().join("vote_v2.json")).unwrap()).unwrap();
    assert_eq!(v2["pubStatus"], "canceled");

    // The impostor check never got in, and says why.
    let view = json_as(
        reqwest::Client::new().get(format!("{}/v1/subscribers", delivery.base)),
        "operator-key-0123456789",
    )
    .await;
    let impostor = view["subscribers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "impostor-check")
        .unwrap();
    let d = &impostor["destinations"][0];
    assert_eq!(d["state"], "backing_off", "{d}");
    assert!(
        d["stats"]["last_error"]
            .as_str()
            .unwrap()
            .contains("host key"),
        "{d}"
    );
    assert_eq!(d["stats"]["delivered"], 0);
    delivery.stop().await;

    // A restart (on Apache Kafka, where the ledger and offsets are kept) writes
    // nothing again: same files, same inodes, same times.
    if broker.is_real() {
        settings.delivery.subscribers.truncate(1);
        let again = Running::start(&settings).await;
        kafka.send_version("storm", 1, "usable", "world").await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !files(&sshd.inbox()).contains_key("storm_v1.json") {
            assert!(Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        again.stop().await;
        let after = files(&sshd.inbox());
        for (name, meta) in &first {
            assert_eq!(after.get(name), Some(meta), "{name} was written again");
        }
    } else {
        eprintln!(
            "skipped the restart part: the embedded broker does not store transactional offsets"
        );
    }
    stop.store(true, Ordering::Relaxed);
    let looks = watcher.join().expect("no partial file was ever visible");
    assert!(looks > 0, "the watcher looked at files");
    let leftovers: Vec<_> = std::fs::read_dir(sshd.inbox())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}
