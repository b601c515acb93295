//! SIGINT, SIGTERM and SIGHUP stop an export cleanly: the exit status is 128 + the
//! signal's number, the temporary file is removed and nothing is left under the final
//! name.

mod common;

use std::process::{Command, Stdio};

use common::{files_in, start_long_export};

#[test]
fn a_signal_stops_an_export_and_leaves_no_file() {
    for (signal, status) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("customers.ndjson");
        let child = start_long_export(&target, Stdio::piped());
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
            files_in(dir.path()),
            Vec::<String>::new(),
            "SIG{signal} left files"
        );
    }
}
