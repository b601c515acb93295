//! Round trip through pydantic: records generated from `Model.model_json_schema()` must
//! load back into the model (`Model.model_validate_json`), for the models in
//! tests/pydantic/models.py and the shared examples, and pass Python `jsonschema` (float
//! `multipleOf`) against the exported schema. The work is done by
//! scripts/pydantic_check.py on the built binary; this test runs it and fails, never
//! skips, when pydantic is missing.

mod common;

use std::process::Command;

use common::repo_root;

/// Seconds one model's export of 1,000 records may take in a debug build.
const TIMEOUT_PER_MODEL: &str = "20";

#[test]
fn generated_records_load_into_their_pydantic_models() {
    let probe = Command::new("python3")
        .args(["-c", "import pydantic, email_validator, jsonschema; assert pydantic.VERSION == '2.14.4', pydantic.VERSION"])
        .output();
    match probe {
        Err(e) => panic!(
            "python3 cannot be run ({e}): install Python 3, then run scripts/setup-python.sh"
        ),
        Ok(out) if !out.status.success() => panic!(
            "pydantic 2.14.4, email-validator and jsonschema are needed for this test: run scripts/setup-python.sh\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Ok(_) => {}
    }

    let output = Command::new("python3")
        .arg(repo_root().join("scripts/pydantic_check.py"))
        .arg(common::synthtune_bin())
        .args([
            "-n",
            &common::ROWS.to_string(),
            "--seed",
            &common::SEED.to_string(),
            "--timeout",
            TIMEOUT_PER_MODEL,
        ])
        .current_dir(repo_root())
        .output()
        .expect("run scripts/pydantic_check.py");
    assert!(
        output.status.success(),
        "records that pydantic rejects (scripts/pydantic_check.py):\n{}",
        describe_output_in_full(&output)
    );
}

/// The script's report is the point of the failure message: show all of it.
fn describe_output_in_full(output: &std::process::Output) -> String {
    format!(
        "exit status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
