//! The command layer's contact with the file system: which checkout to work on, reading every
//! input through one decoder, writing outputs all or none, and writing to standard output.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The checkout to work on: the nearest directory, from the current one upward, whose
/// `Cargo.toml` declares a workspace and which holds `spec/` or `xtask/`. It is found at run
/// time, not from the build: one xtask binary (a shared `CARGO_TARGET_DIR`) serves every clone.
pub fn project_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    find_root(&cwd).with_context(|| {
        format!(
            "{} is not inside a checkout of this project: no directory from here upward has a \
             Cargo.toml with `[workspace]` beside a spec/ or xtask/ directory; run the command \
             from the checkout",
            cwd.display()
        )
    })
}

fn find_root(start: &Path) -> Option<PathBuf> {
    // A crate written by `cargo xtask client` has a `[workspace]` table too, but neither
    // directory, so a command run inside one finds the checkout around it.
    let is_root = |dir: &Path| {
        std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
            && (dir.join("spec").is_dir() || dir.join("xtask").is_dir())
    };
    start
        .ancestors()
        .find(|dir| is_root(dir))
        .map(Path::to_path_buf)
}

/// Whether generated files are written (`regen`) or only compared (`check`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Write,
    Check,
}

/// `None` when `path` holds `expected`; otherwise what differs, as a unified diff under the
/// command that fixes it.
pub fn stale_diff(path: &Path, expected: &str) -> Option<String> {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    (actual != expected).then(|| {
        format!(
            "{} is stale; run `cargo xtask regen`\n{}",
            path.display(),
            similar::TextDiff::from_lines(actual.as_str(), expected)
                .unified_diff()
                .context_radius(2)
                .header("committed", "regenerated")
        )
    })
}

/// Reads an input file as text through [`decode`], with its path in every error.
pub fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    decode(bytes, &path.display().to_string())
}

/// A file that may not exist yet (a first release's changelog): `None` when it is absent, its
/// text when it reads (an empty file is empty text), and an error for anything else. Never an
/// empty string for a file that could not be read: a command that rewrites the file would
/// otherwise drop what it held.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Ok(meta) if meta.is_file() && meta.len() == 0 => Ok(Some(String::new())),
        _ => read(path).map(Some),
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The one decoder of every input (collections, specs, overlays, files and git revisions
/// compared by `diff`): a UTF-8 byte order mark is dropped, since editors on Windows add one
/// and JSON and YAML readers would take it for content; text that is not UTF-8 is refused with
/// the byte offset, line and column of the first bad byte; an empty input is called empty
/// rather than failing later as a document with missing fields. `what` names the input.
pub fn decode(mut bytes: Vec<u8>, what: &str) -> Result<String> {
    let skipped = if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        BOM.len()
    } else {
        0
    };
    let text = String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // The bytes before the bad one are valid UTF-8, so the column counts characters.
        let column = std::str::from_utf8(&bytes[line_start..at]).map_or(0, |s| s.chars().count());
        anyhow::anyhow!(
            "{what} is not UTF-8 text: byte 0x{:02X} at byte offset {} (line {}, column {})",
            bytes[at],
            at + skipped,
            bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1,
            column + 1
        )
    })?;
    if text.trim().is_empty() {
        bail!("{what} is empty");
    }
    Ok(text)
}

/// Writes `text` to standard output. A reader that went away (`| head`) ends the output
/// quietly, as for any Unix filter; every other failure (a full disk, a closed stdout) is an
/// error, so output is never lost with a success status.
pub fn write_stdout(text: &str) -> Result<()> {
    if stdout_was_closed() {
        bail!("standard output is closed, so there is nowhere to write the output");
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => result.context("writing to standard output"),
    }
}

/// Whether the parent closed our stdout. Rust's runtime reopens a closed stdout as
/// `/dev/null` before `main` (read-write, where a shell's `>/dev/null` is write-only), and
/// writes to it then succeed; this is the only trace left.
fn stdout_was_closed() -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    // SAFETY: `fcntl(F_GETFL)` reads the flags of a descriptor and touches no memory.
    let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL) };
    if flags < 0 || flags & libc::O_ACCMODE != libc::O_RDWR {
        return false;
    }
    let (Ok(out), Ok(null)) = (
        std::fs::metadata("/proc/self/fd/1"),
        std::fs::metadata("/dev/null"),
    ) else {
        return false;
    };
    out.file_type().is_char_device() && out.rdev() == null.rdev()
}

/// How one output path is written.
#[derive(Debug, PartialEq)]
enum Target {
    /// A regular file, or none yet: a temporary file beside it and a rename, so it is never
    /// half-written. The path is the symlinks' final target, so the links stay links.
    Replace(PathBuf),
    /// A FIFO, a device, a socket or a `/proc` link such as `/dev/stdout`: renaming onto it
    /// would replace the special file with a regular one, so it is opened and written.
    Direct(PathBuf),
}

/// Follows `path`'s symlinks to what an output should be written to, and how.
fn target(path: &Path) -> Result<Target> {
    let mut current = path.to_path_buf();
    // Linux's own limit on symlinks followed in one lookup.
    for _ in 0..40 {
        let meta = match std::fs::symlink_metadata(&current) {
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Target::Replace(current)),
            Err(err) => return Err(err).with_context(|| format!("reading {}", current.display())),
            Ok(meta) => meta,
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Ok(Target::Replace(current));
        }
        if kind.is_dir() {
            bail!("{} is a directory, not a file", path.display());
        }
        // `/proc/self/fd/N` names an open file, not a path (`pipe:[123]`): written in place.
        if !kind.is_symlink() || current.starts_with("/proc") {
            return Ok(Target::Direct(current));
        }
        let link = std::fs::read_link(&current)
            .with_context(|| format!("reading the symlink {}", current.display()))?;
        current = current.parent().unwrap_or(Path::new("")).join(link);
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// Sets the modification time of `path` to now, so that a build script watching it runs again
/// (after installing a tool it looked for).
pub fn touch(path: &Path) -> Result<()> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .with_context(|| format!("touching {}", path.display()))
}

/// Writes `contents` to `path` as [`write_all`] does for several files.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    write_all(&[(path.to_path_buf(), contents)])
}

/// Writes every file or none. Each regular file is first written in full to a temporary file
/// beside it; only then are they renamed into place, one by one, keeping the previous version
/// (a hard link) until all are in place, so a failure half-way puts back the files already
/// replaced and removes those that did not exist. Special files ([`Target::Direct`]) are
/// written last, and a failure there also puts the renamed files back.
pub fn write_all<S: AsRef<str>>(files: &[(PathBuf, S)]) -> Result<()> {
    write_all_with(files, |from, to| std::fs::rename(from, to))
}

/// [`write_all`] with the rename as a parameter, so the tests can make one fail.
fn write_all_with<S: AsRef<str>>(
    files: &[(PathBuf, S)],
    mut rename: impl FnMut(&Path, &Path) -> std::io::Result<()>,
) -> Result<()> {
    let mut staged = Vec::new();
    let mut direct = Vec::new();
    for (path, contents) in files {
        let result = match target(path) {
            Ok(Target::Replace(real)) => {
                stage(&real, contents.as_ref()).map(|tmp| staged.push((real, tmp)))
            }
            Ok(Target::Direct(real)) => {
                direct.push((real, contents.as_ref()));
                Ok(())
            }
            Err(err) => Err(err),
        };
        if let Err(err) = result {
            for (_, tmp) in &staged {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(err);
        }
    }

    let mut replaced: Vec<(&Path, Option<PathBuf>)> = Vec::new();
    let mut result = Ok(());
    for (i, (real, tmp)) in staged.iter().enumerate() {
        let step = keep_previous(real).and_then(|backup| {
            let renamed = rename(tmp, real)
                .with_context(|| format!("renaming {} to {}", tmp.display(), real.display()));
            match renamed {
                Ok(()) => {
                    replaced.push((real, backup));
                    Ok(())
                }
                Err(err) => {
                    if let Some(backup) = backup {
                        let _ = std::fs::remove_file(backup);
                    }
                    Err(err)
                }
            }
        });
        if let Err(err) = step {
            for (_, tmp) in &staged[i..] {
                let _ = std::fs::remove_file(tmp);
            }
            result = Err(err);
            break;
        }
    }
    if result.is_ok() {
        result = direct.iter().try_for_each(|(path, contents)| {
            std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(contents.as_bytes()))
                .with_context(|| format!("writing {}", path.display()))
        });
    }
    for (real, backup) in replaced.into_iter().rev() {
        match (backup, result.is_ok()) {
            (Some(backup), true) => {
                let _ = std::fs::remove_file(backup);
            }
            (Some(backup), false) => {
                let _ = std::fs::rename(backup, real);
            }
            (None, false) => {
                let _ = std::fs::remove_file(real);
            }
            (None, true) => {}
        }
    }
    result
}

/// A name beside `path` for its temporary (`tmp`) or previous (`bak`) version.
fn sibling(path: &Path, suffix: &str) -> Result<PathBuf> {
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    Ok(path.with_file_name(format!(
        ".{}.{}.{suffix}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Writes `contents` to a temporary file beside `path`, with `path`'s permissions when it
/// exists; returns the temporary file's path.
fn stage(path: &Path, contents: &str) -> Result<PathBuf> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = sibling(path, "tmp")?;
    let written = std::fs::write(&tmp, contents).and_then(|()| match std::fs::metadata(path) {
        Ok(meta) => std::fs::set_permissions(&tmp, meta.permissions()),
        Err(_) => Ok(()),
    });
    if let Err(err) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(err).with_context(|| format!("writing {}", tmp.display()));
    }
    Ok(tmp)
}

/// Keeps the current version of `path`, if any, as a hard link beside it (a copy where the
/// file system has no hard links), so it can be put back.
fn keep_previous(path: &Path) -> Result<Option<PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    let backup = sibling(path, "bak")?;
    let _ = std::fs::remove_file(&backup);
    std::fs::hard_link(path, &backup)
        .or_else(|_| std::fs::copy(path, &backup).map(drop))
        .with_context(|| format!("keeping the previous {}", path.display()))?;
    Ok(Some(backup))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A rename that fails half-way (after the first file is in place) puts the first file
    /// back, removes the one that did not exist before, and leaves no temporary file.
    #[test]
    fn a_failure_half_way_restores_every_file() {
        for fail_at in 0..3 {
            let dir = tempdir(&format!("restore{fail_at}"));
            std::fs::write(dir.join("a"), "old a").unwrap();
            std::fs::write(dir.join("c"), "old c").unwrap();
            let files = [
                (dir.join("a"), "new a".to_owned()),
                (dir.join("b"), "new b".to_owned()),
                (dir.join("c"), "new c".to_owned()),
            ];
            let mut calls = 0;
            let err = write_all_with(&files, |from, to| {
                calls += 1;
                if calls > fail_at {
                    Err(std::io::Error::other("injected"))
                } else {
                    std::fs::rename(from, to)
                }
            })
            .unwrap_err();
            assert!(format!("{err:#}").contains("injected"), "{err:#}");
            assert_eq!(std::fs::read_to_string(dir.join("a")).unwrap(), "old a");
            assert_eq!(std::fs::read_to_string(dir.join("c")).unwrap(), "old c");
            assert_eq!(listing(&dir), ["a", "c"], "fail at rename {fail_at}");
        }
    }

    #[test]
    fn every_file_is_written_when_nothing_fails() {
        let dir = tempdir("all");
        std::fs::write(dir.join("a"), "old a").unwrap();
        let files = [
            (dir.join("a"), "new a".to_owned()),
            (dir.join("sub/b"), "new b".to_owned()),
        ];
        write_all(&files).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(dir.join("sub/b")).unwrap(), "new b");
        assert_eq!(listing(&dir), ["a", "sub"]);
    }

    #[test]
    fn targets_follow_symlinks_and_keep_special_files() {
        let dir = tempdir("target");
        std::fs::write(dir.join("file"), "x").unwrap();
        std::os::unix::fs::symlink("file", dir.join("link")).unwrap();
        std::os::unix::fs::symlink("link", dir.join("link2")).unwrap();
        std::os::unix::fs::symlink("missing", dir.join("dangling")).unwrap();
        std::os::unix::fs::symlink("loop", dir.join("loop")).unwrap();
        assert_eq!(
            target(&dir.join("link2")).unwrap(),
            Target::Replace(dir.join("file"))
        );
        assert_eq!(
            target(&dir.join("dangling")).unwrap(),
            Target::Replace(dir.join("missing"))
        );
        assert!(target(&dir.join("loop")).is_err());
        assert!(target(&dir).is_err());
        assert_eq!(
            target(Path::new("/dev/null")).unwrap(),
            Target::Direct("/dev/null".into())
        );
        assert!(matches!(
            target(Path::new("/dev/stdout")).unwrap(),
            Target::Direct(p) if p.starts_with("/proc")
        ));
    }

    /// Every decoding rule, over the class of inputs: with and without a BOM, empty or blank,
    /// and bad bytes at the start, inside a line and after a BOM and multi-byte characters.
    #[test]
    fn inputs_decode_with_a_bom_and_bad_bytes_are_located() {
        let ok = |b: &[u8]| decode(b.to_vec(), "IN").unwrap();
        let err = |b: &[u8]| format!("{:#}", decode(b.to_vec(), "IN").unwrap_err());
        assert_eq!(ok(b"{}"), "{}");
        assert_eq!(ok(b"\xEF\xBB\xBFopenapi: 3.0.3\n"), "openapi: 3.0.3\n");
        assert_eq!(
            ok("é\u{FEFF}".as_bytes()),
            "é\u{FEFF}",
            "only a leading BOM"
        );
        for empty in [&b""[..], b"\xEF\xBB\xBF", b" \n\t\r\n"] {
            assert_eq!(err(empty), "IN is empty");
        }
        let cases: [(&[u8], &str); 4] = [
            (b"\xFF{}", "byte 0xFF at byte offset 0 (line 1, column 1)"),
            (
                b"{\n  \"a\": \"\xC3\"\n}",
                "byte 0xC3 at byte offset 10 (line 2, column 9)",
            ),
            (
                b"\xEF\xBB\xBFa\n\xE9",
                "byte 0xE9 at byte offset 5 (line 2, column 1)",
            ),
            (
                b"\xC3\xB1\n\xE6\x97\xA5\x00\x80",
                "byte 0x80 at byte offset 7 (line 2, column 3)",
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(err(bytes), format!("IN is not UTF-8 text: {expected}"));
        }
    }
}
