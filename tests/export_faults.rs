//! Export under faults: a full disk, a read-only folder, a reader that stops early, and a
//! process killed mid-run. In each, nothing is ever left under the final name, and the
//! message says what happened.
//!
//! The full and read-only file systems are small tmpfs mounts, which need root (as the
//! CI machine has); without it a read-only folder is a folder without write permission,
//! and the full disk is `/dev/full`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{describe_output, files_in, schemas_dir, start_long_export, synthtune_bin};

fn export_to(target: &Path, rows: &str) -> Output {
    Command::new(synthtune_bin())
        .args(["export", "-n", rows, "--quiet", "-o"])
        .arg(target)
        .arg(schemas_dir().join("customer.json"))
        .stdin(Stdio::null())
        .output()
        .expect("run synthtune")
}

fn is_root() -> bool {
    // The owner of /proc/self is the effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

/// A tmpfs mounted on a fresh folder (root only), unmounted when dropped.
struct Mount {
    dir: tempfile::TempDir,
}

impl Mount {
    fn tmpfs(options: &str) -> Option<Mount> {
        if !is_root() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(
            status.success(),
            "root, but cannot mount a tmpfs ({options})"
        );
        Some(Mount { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_fails_the_export_and_leaves_no_file() {
    let Some(disk) = Mount::tmpfs("size=256k") else {
        eprintln!("not root: the full disk is /dev/full only (next test)");
        return;
    };
    let target = disk.path().join("customers.ndjson");
    let output = export_to(&target, "1000000");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_output(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("No space left on device") && stderr.contains("customers.ndjson"),
        "the message names the file and the cause: {stderr}"
    );
    assert!(
        !stderr.contains("synthtune-tmp"),
        "the message names the user's path, not the temporary: {stderr}"
    );
    assert_eq!(
        files_in(disk.path()),
        Vec::<String>::new(),
        "files left on the full disk"
    );
}

#[test]
fn dev_full_as_the_output_or_as_stdout_fails_with_the_cause() {
    let output = export_to(Path::new("/dev/full"), "10000");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_output(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/dev/full") && stderr.contains("No space left on device"),
        "{stderr}"
    );

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(synthtune_bin())
        .args(["export", "-n", "10000", "--quiet"])
        .arg(schemas_dir().join("customer.json"))
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_output(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
}

#[test]
fn a_read_only_folder_is_refused_with_the_path() {
    let mounted = Mount::tmpfs("ro,size=64k");
    let plain = tempfile::tempdir().unwrap();
    let dir: PathBuf = match &mounted {
        Some(m) => m.path().to_owned(),
        None => {
            let dir = plain.path().to_owned();
            let mut permissions = std::fs::metadata(&dir).unwrap().permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o555);
            std::fs::set_permissions(&dir, permissions).unwrap();
            dir
        }
    };
    let target = dir.join("customers.ndjson");
    let output = export_to(&target, "100");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        describe_output(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&target.display().to_string())
            && (stderr.contains("Read-only file system") || stderr.contains("Permission denied")),
        "{stderr}"
    );
    assert_eq!(files_in(&dir), Vec::<String>::new());
}

/// `export ... | head -c 100`: the reader has what it wants; the export stops quietly
/// (exit 0, nothing on stderr) instead of failing on the closed pipe.
#[test]
fn a_reader_that_stops_early_ends_the_export_quietly() {
    let output = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" export -n 10000000 --quiet \"$1\" | head -c 100 > /dev/null")
        .arg(synthtune_bin())
        .arg(schemas_dir().join("customer.json"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe_output(&output));
    let started = Instant::now();
    // With a pipe, sh's status is head's: ask synthtune's through a file.
    let dir = tempfile::tempdir().unwrap();
    let status_file = dir.path().join("status");
    let output = Command::new("sh")
        .arg("-c")
        .arg("{ \"$0\" export -n 10000000 --quiet \"$1\"; echo $? > \"$2\"; } | head -c 100 > /dev/null")
        .arg(synthtune_bin())
        .arg(schemas_dir().join("customer.json"))
        .arg(&status_file)
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the export went on after its reader left"
    );
    assert_eq!(
        std::fs::read_to_string(&status_file).unwrap().trim(),
        "0",
        "{}",
        describe_output(&output)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// SIGKILL leaves no time to clean up: the temporary stays (hidden, beside the target),
/// nothing is under the final name, and the next export to that name removes it.
#[test]
fn a_killed_export_leaves_only_its_temporary_which_the_next_run_removes() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("customers.ndjson");
    let mut child = start_long_export(&target, Stdio::null());
    child.kill().unwrap();
    child.wait().unwrap();
    let left = files_in(dir.path());
    assert_eq!(
        left,
        vec![format!(".customers.ndjson.synthtune-tmp-{}", child.id())],
        "only the temporary is left"
    );
    let output = export_to(&target, "10");
    assert!(output.status.success(), "{}", describe_output(&output));
    assert_eq!(files_in(dir.path()), vec!["customers.ndjson".to_owned()]);
    let text = std::fs::read_to_string(&target).unwrap();
    assert_eq!(text.lines().count(), 10);
}
