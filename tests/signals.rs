//! SIGINT, SIGTERM and SIGHUP stop an export cleanly: the exit status is 128 + the
//! signal's number, the temporary file is removed and nothing is left under the final
//! name.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{schemas_dir, synthtune_bin};

/// The files in `dir`, temporaries included.
fn files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_signal_stops_an_export_and_leaves_no_file() {
    for (signal, status) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("customers.ndjson");
        let child = Command::new(synthtune_bin())
            .args(["export", "-n", "100000000", "--quiet", "-o"])
            .arg(&target)
            .arg(schemas_dir().join("customer.json"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start synthtune");
        // Wait until the export is writing its temporary file.
        let started = Instant::now();
        while !files(dir.path())
            .iter()
            .any(|f| f.contains("synthtune-tmp"))
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the export never started writing"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(status),
            "SIG{signal}: {output:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("stopped by SIG{signal}")),
            "SIG{signal}: {stderr}"
        );
        assert_eq!(
            files(dir.path()),
            Vec::<String>::new(),
            "SIG{signal} left files"
        );
    }
}
