//! What the Prism end-to-end tests share: finding Prism and Belvo's published spec, and a
//! Prism process on a free loopback port, killed on drop.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Prism binary and `../shared/belvo/openapi.yaml`. The tests that call this are
/// ignored when the build found either absent (`build.rs`); run anyway (`cargo xtask test`
/// runs ignored tests), they fail here.
pub fn tools() -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let prism = std::env::var_os("PRISM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tools/prism/node_modules/.bin/prism"));
    let spec = root.join("../shared/belvo/openapi.yaml");
    for (path, what) in [
        (&prism, "Prism (`npm ci --prefix tools/prism`)"),
        (&spec, "../shared/belvo/openapi.yaml"),
    ] {
        assert!(path.exists(), "{what} is absent at {}", path.display());
    }
    (prism, spec)
}

/// A running Prism mock server, killed on drop (also when the test panics).
pub struct Prism {
    child: Child,
    log: PathBuf,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Prism {
    /// Starts `bin mock spec` on a free port and waits until it accepts connections.
    #[allow(dead_code)] // not every test file that includes this module starts a plain one
    pub fn start(bin: &Path, spec: &Path) -> Prism {
        Prism::start_with(bin, spec, &[])
    }

    /// Like [`Prism::start`], with more arguments for `prism mock` (e.g. `--dynamic`).
    pub fn start_with(bin: &Path, spec: &Path, args: &[&str]) -> Prism {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let log = std::env::temp_dir().join(format!("belvo-prism-{port}.log"));
        let out = std::fs::File::create(&log).expect("Prism log file");
        let err = out.try_clone().expect("Prism log file");
        let child = Command::new(bin)
            .args(["mock", "--host", "127.0.0.1", "-p", &port.to_string()])
            .args(args)
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let mut prism = Prism {
            child,
            log,
            url: format!("http://127.0.0.1:{port}"),
        };
        prism.wait_listening(port);
        prism
    }

    /// Polls the port until Prism accepts connections; its start takes several seconds.
    fn wait_listening(&mut self, port: u16) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("Prism exited with {status}:\n{}", self.log_text());
            }
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                eprintln!("Prism listening after {:.1?}", start.elapsed());
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("Prism did not listen within 120 s:\n{}", self.log_text());
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
