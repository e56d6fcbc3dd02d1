//! What the Prism end-to-end tests share: finding Prism and Belvo's published spec, the copy
//! of it Prism can serve, and a Prism process on a free loopback port, killed on drop.

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

/// A copy of `spec` (in the temporary directory, never in the project) without its `pattern`s
/// written in typographic quotes (`‘^(\\d+)([mhd])$’`, Belvo's payment links): no string
/// matches them, and Prism dies writing such a non-Latin-1 pattern into the `sl-violations`
/// header of its answer. Nor the `pattern` of a number (`Transaction.amount`, a JSON Schema
/// keyword for strings only), from which dynamic Prism makes a string where the spec says a
/// number. The rest of the document is Belvo's, byte for byte.
// Not every test file that includes this module serves the spec to Prism itself.
#[allow(dead_code)]
pub fn without_broken_patterns(spec: &Path) -> PathBuf {
    let text = std::fs::read_to_string(spec).expect("Belvo's spec is readable");
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("pattern: ‘"))
        .filter(|line| !line.trim_start().starts_with(NUMBER_PATTERN))
        .collect();
    let copy = std::env::temp_dir().join(format!("belvo-openapi-{}.yaml", std::process::id()));
    std::fs::write(&copy, kept.join("\n") + "\n").expect("writing the copy for Prism");
    copy
}

/// The one `pattern` Belvo's spec puts on a number, as its line starts.
const NUMBER_PATTERN: &str = "pattern: ^\\d{1,15}";

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
