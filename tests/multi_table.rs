//! Multi-table datasets through the binary: foreign keys that reference rows the parent
//! really holds, loaded into SQLite and PostgreSQL with the constraints enforced; the
//! fan-out's skew measured; cycles, self-references and composite keys; the same bytes
//! for any thread count and across shards; refusals with the knob's pointer.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::{describe_output, schema_folder, schemas_dir, synthtune};

/// A bundled schema's path, as a command-line argument.
fn schema(name: &str) -> String {
    schemas_dir()
        .join(format!("{name}.json"))
        .to_string_lossy()
        .into_owned()
}

/// Runs `synthtune ARGS` and returns its stdout, or fails with everything it said.
fn ok(args: &[&str]) -> Vec<u8> {
    let output = synthtune().args(args).output().expect("run synthtune");
    assert!(
        output.status.success(),
        "{args:?}\n{}",
        describe_output(&output)
    );
    output.stdout
}

/// Runs `synthtune ARGS`, which must be refused (exit 2); returns stderr.
fn refused(args: &[&str]) -> String {
    let output = synthtune().args(args).output().expect("run synthtune");
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?} should be refused\n{}",
        describe_output(&output)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The rows of a csv file as maps from column name to cell.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("read csv");
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// A tree of staff: each one's manager is an earlier member of staff; the first has none.
const STAFF: &str = r#"{
  "title": "Staff",
  "type": "object",
  "properties": {
    "id": {"type": "integer", "x-synth": {"key": "primary", "sequence": {"start": 1, "step": 1}}},
    "manager_id": {"anyOf": [{"type": "integer"}, {"type": "null"}],
                   "x-synth": {"references": "Staff.id", "null_rate": 0.01}},
    "name": {"type": "string", "x-synth": {"domain": "name"}}
  },
  "required": ["id", "manager_id", "name"]
}"#;

/// A composite primary key (aisle, slot), and items that reference both.
const SHELF: &str = r#"{
  "title": "Shelf",
  "type": "object",
  "properties": {
    "aisle": {"type": "integer", "minimum": 1, "maximum": 60, "x-synth": {"key": "primary"}},
    "slot": {"type": "integer", "minimum": 100, "maximum": 199, "x-synth": {"key": "primary"}},
    "label": {"type": "string", "maxLength": 12}
  },
  "required": ["aisle", "slot", "label"]
}"#;

const ITEM: &str = r#"{
  "title": "Item",
  "type": "object",
  "properties": {
    "sku": {"type": "string", "format": "uuid", "x-synth": {"key": "primary"}},
    "aisle": {"type": "integer", "minimum": 1, "maximum": 60, "x-synth": {"references": "Shelf.aisle"}},
    "slot": {"type": "integer", "minimum": 100, "maximum": 199, "x-synth": {"references": "Shelf.slot"}}
  },
  "required": ["sku", "aisle", "slot"]
}"#;

/// The customer ids of the Customer csv, and the customer_id of each Order row.
fn customer_ids(dir: &Path) -> (HashSet<String>, Vec<String>) {
    let customers: HashSet<String> = read_csv(&dir.join("Customer.csv"))
        .into_iter()
        .map(|r| r["customer_id"].clone())
        .collect();
    let orders = read_csv(&dir.join("Order.csv"))
        .into_iter()
        .map(|r| r["customer_id"].clone())
        .collect();
    (customers, orders)
}

/// Σ_{r ≤ n} r^−s.
fn harmonic(n: u64, s: f64) -> f64 {
    (1..=n).map(|r| (r as f64).powf(-s)).sum()
}

/// Every order's customer exists, and the zipf fan-out (s = 1.1 in order.json) gives the
/// top 1 % of customers the share of orders the exponent predicts.
#[test]
fn orders_reference_existing_customers_with_the_zipf_skew() {
    let dir = tempfile::tempdir().unwrap();
    let (customers, orders) = (2_000u64, 40_000u64);
    ok(&[
        "export",
        &schema("order"),
        &schema("customer"),
        "--rows",
        &format!("Customer={customers}"),
        "--rows",
        &format!("Order={orders}"),
        "--format",
        "csv",
        "-o",
        path_str(dir.path()),
        "--quiet",
    ]);
    let (ids, order_customers) = customer_ids(dir.path());
    assert_eq!(ids.len() as u64, customers);
    assert_eq!(order_customers.len() as u64, orders);
    let orphans = order_customers.iter().filter(|c| !ids.contains(*c)).count();
    assert_eq!(orphans, 0, "orders whose customer does not exist");

    let mut per_customer: HashMap<&str, u64> = HashMap::new();
    for c in &order_customers {
        *per_customer.entry(c).or_default() += 1;
    }
    let mut counts: Vec<u64> = per_customer.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top = (customers / 100) as usize;
    let observed = counts[..top].iter().sum::<u64>() as f64 / orders as f64;
    // The top 1 % of ranks hold H(top, s) / H(n, s) of the mass. The observed share is a
    // binomial proportion over the orders (σ = √(p(1−p)/n) ≈ 0.0025 here); picking the
    // busiest customers after the fact can only add the few orders by which rank 20 and
    // rank 21 trade places. 4σ plus half a percent covers both.
    let s = 1.1;
    let predicted = harmonic(top as u64, s) / harmonic(customers, s);
    let sigma = (predicted * (1.0 - predicted) / orders as f64).sqrt();
    let tolerance = 4.0 * sigma + 0.005;
    assert!(
        (observed - predicted).abs() < tolerance,
        "top 1% of customers own {observed:.4} of the orders; zipf(1.1) predicts {predicted:.4} ± {tolerance:.4}"
    );
    // The keyed shuffle: the busiest customers are not simply the first ids.
    let busiest = per_customer
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(id, _)| id.parse::<u64>().unwrap())
        .unwrap();
    let first_ids = (1..=top as u64).collect::<HashSet<_>>();
    assert!(
        counts[0] > 10 * (orders / customers),
        "zipf makes one customer far busier than the mean"
    );
    let top_ids: Vec<u64> = {
        let mut pairs: Vec<(&&str, &u64)> = per_customer.iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(a.1));
        pairs[..top]
            .iter()
            .map(|(id, _)| id.parse().unwrap())
            .collect()
    };
    let in_first = top_ids.iter().filter(|id| first_ids.contains(id)).count();
    assert!(
        in_first < top / 2,
        "the busiest customers are the first ids ({in_first} of {top}; busiest {busiest})"
    );
}

/// `none_share` leaves that share of parents without children; the default fan-out is
/// uniform over the rest.
#[test]
fn none_share_leaves_parents_childless() {
    let parent = r#"{"title": "P", "type": "object", "properties": {"id": {"type": "integer", "x-synth": {"key": "primary", "sequence": true}}}, "required": ["id"]}"#;
    let child = r#"{"title": "C", "type": "object", "properties": {"p": {"type": "integer", "x-synth": {"references": "P.id", "fanout": {"none_share": 0.33}}}}, "required": ["p"]}"#;
    let (dir, paths) = schema_folder(&[("p", parent), ("c", child)]);
    let out = dir.path().join("out");
    ok(&[
        "export",
        path_str(&paths[1]),
        path_str(&paths[0]),
        "--rows",
        "P=1000",
        "--rows",
        "C=50000",
        "--format",
        "csv",
        "-o",
        path_str(&out),
        "--quiet",
    ]);
    let used: HashSet<String> = read_csv(&out.join("C.csv"))
        .into_iter()
        .map(|r| r["p"].clone())
        .collect();
    let childless = 1000 - used.len();
    // 330 parents are never drawn; of the other 670, each is missed by all 50,000
    // children with probability (1 − 1/670)^50000 ≈ 0.
    assert_eq!(childless, 330, "parents without children");
    assert!(
        used.iter()
            .all(|id| (1..=1000).contains(&id.parse::<u64>().unwrap()))
    );
}

/// The sql of customer.json and order.json, given child first, loads into SQLite with
/// foreign keys enforced: the tables come parents first and declare the key.
#[test]
fn sql_loads_into_sqlite_with_foreign_keys_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("shop.sql");
    ok(&[
        "export",
        &schema("order"),
        &schema("customer"),
        "--rows",
        "Customer=1500",
        "--rows",
        "Order=12000",
        "--format",
        "sql",
        "-o",
        path_str(&script),
        "--quiet",
    ]);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.find("CREATE TABLE \"Customer\"") < text.find("CREATE TABLE \"Order\""),
        "the parent is created first"
    );
    assert!(
        text.contains("FOREIGN KEY (\"customer_id\") REFERENCES \"Customer\" (\"customer_id\")")
    );
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch(&text)
        .expect("loads with foreign keys enforced");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM \"Customer\""), 1500);
    assert_eq!(count("SELECT count(*) FROM \"Order\""), 12000);
    assert_eq!(
        count("SELECT count(*) FROM pragma_foreign_key_list('Order')"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    // A row that breaks the key is refused: the constraint is really there.
    assert!(
        db.execute_batch("UPDATE \"Order\" SET customer_id = 999999 WHERE rowid = 1")
            .is_err()
    );
}

/// The same two tables as csv, imported with the sqlite3 shell's `.import` in the order
/// the sql gives, into tables declaring the key, with foreign keys on.
#[test]
fn csv_imports_into_sqlite_in_dependency_order() {
    let dir = tempfile::tempdir().unwrap();
    let rows = ["--rows", "Customer=800", "--rows", "Order=5000"];
    let (order, customer) = (schema("order"), schema("customer"));
    let ddl_path = dir.path().join("ddl.sql");
    let mut args = vec!["export", &order, &customer];
    args.extend(rows);
    ok(&[
        &args[..],
        &["--format", "sql", "-o", path_str(&ddl_path), "--quiet"],
    ]
    .concat());
    let csv_dir = dir.path().join("csv");
    ok(&[
        &args[..],
        &["--format", "csv", "-o", path_str(&csv_dir), "--quiet"],
    ]
    .concat());
    // Only the CREATE TABLE statements: the rows come from the csv files.
    let ddl: String = std::fs::read_to_string(&ddl_path)
        .unwrap()
        .split_inclusive(";\n")
        .filter(|s| s.starts_with("CREATE TABLE"))
        .collect();
    let db = dir.path().join("shop.db");
    let script = format!(
        "PRAGMA foreign_keys = ON;\n{ddl}.import --csv --skip 1 {} Customer\n.import --csv --skip 1 {} Order\nSELECT count(*) FROM \"Order\";\nSELECT count(*) FROM pragma_foreign_key_check;\n",
        csv_dir.join("Customer.csv").display(),
        csv_dir.join("Order.csv").display()
    );
    let output = std::process::Command::new("sqlite3")
        .arg("-bail")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run the sqlite3 shell (.ci/run installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "5000\n0\n");
}

/// Same bytes for any thread count; the shards concatenate to the whole, and every
/// shard's orders reference customers that exist.
#[test]
fn the_same_bytes_for_any_thread_count_and_across_shards() {
    let dir = tempfile::tempdir().unwrap();
    let (customer, order) = (schema("customer"), schema("order"));
    let base = |threads: &str, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "export",
            &customer,
            &order,
            "--rows",
            "Customer=3000",
            "--rows",
            "Order=30000",
            "--format",
            "ndjson",
            "--threads",
            threads,
            "--quiet",
            "-o",
        ];
        args.push(path_str(out));
        args.extend(extra);
        ok(&args);
    };
    let outs: Vec<PathBuf> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("t{t}"));
            base(t, &out, &[]);
            out
        })
        .collect();
    let read = |dir: &Path, name: &str| std::fs::read(dir.join(name)).unwrap();
    for name in ["Customer.ndjson", "Order.ndjson"] {
        assert_eq!(
            read(&outs[0], name),
            read(&outs[1], name),
            "{name}, 1 vs 2 threads"
        );
        assert_eq!(
            read(&outs[0], name),
            read(&outs[2], name),
            "{name}, 1 vs 8 threads"
        );
    }
    let customers: HashSet<u64> = String::from_utf8(read(&outs[0], "Customer.ndjson"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["customer_id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let mut joined = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("s{k}"));
        base("2", &out, &["--shard", &format!("{k}/3")]);
        let shard = read(&out, &format!("Order.{k}-of-3.ndjson"));
        for line in String::from_utf8(shard.clone()).unwrap().lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = record["customer_id"].as_u64().unwrap();
            assert!(
                customers.contains(&id),
                "shard {k}: order of unknown customer {id}"
            );
        }
        joined.extend(shard);
    }
    assert_eq!(
        joined,
        read(&outs[0], "Order.ndjson"),
        "shards concatenate to the whole"
    );
}

/// A self-reference: every manager is an earlier member of staff, so the tree loads in
/// row order with the key enforced; the first row has no manager.
#[test]
fn a_self_referencing_tree_loads_with_its_key() {
    let (dir, paths) = schema_folder(&[("staff", STAFF)]);
    let script = dir.path().join("staff.sql");
    ok(&[
        "export",
        path_str(&paths[0]),
        "-n",
        "3000",
        "--format",
        "sql",
        "-o",
        path_str(&script),
        "--quiet",
    ]);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("FOREIGN KEY (\"manager_id\") REFERENCES \"Staff\" (\"id\")"));
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch(&text)
        .expect("loads with the key enforced");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM \"Staff\""), 3000);
    assert_eq!(
        count("SELECT count(*) FROM \"Staff\" WHERE manager_id >= id"),
        0,
        "a manager comes before the people they manage"
    );
    assert_eq!(
        count("SELECT count(*) FROM \"Staff\" WHERE id = 1 AND manager_id IS NULL"),
        1
    );
    let roots = count("SELECT count(*) FROM \"Staff\" WHERE manager_id IS NULL");
    assert!((2..=70).contains(&roots), "about 1% null: {roots}");
    if let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") {
        let loaded =
            common::in_scratch_schema(&url, &format!("st_tree_{}", std::process::id()), |psql| {
                psql(&["--single-transaction", "-f", path_str(&script)]);
                psql(&[
                    "-c",
                    "SELECT count(*) FROM \"Staff\" s JOIN \"Staff\" m ON s.manager_id = m.id",
                ])
            });
        assert_eq!(loaded.parse::<i64>().unwrap(), 3000 - roots);
    }
}

/// A composite key: both fields of an item name the same shelf row.
#[test]
fn a_composite_foreign_key_names_one_parent_row() {
    let (dir, paths) = schema_folder(&[("shelf", SHELF), ("item", ITEM)]);
    let script = dir.path().join("store.sql");
    ok(&[
        "export",
        path_str(&paths[1]),
        path_str(&paths[0]),
        "--rows",
        "Shelf=60",
        "--rows",
        "Item=4000",
        "--format",
        "sql",
        "-o",
        path_str(&script),
        "--quiet",
    ]);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains(
            "FOREIGN KEY (\"aisle\", \"slot\") REFERENCES \"Shelf\" (\"aisle\", \"slot\")"
        ),
        "{}",
        &text[..text.len().min(1500)]
    );
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch(&text)
        .expect("loads with the composite key enforced");
    let count: i64 = db
        .query_row(
            "SELECT count(*) FROM \"Item\" i JOIN \"Shelf\" s ON i.aisle = s.aisle AND i.slot = s.slot",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count, 4000);
    if let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") {
        common::in_scratch_schema(&url, &format!("st_comp_{}", std::process::id()), |psql| {
            psql(&["--single-transaction", "-f", path_str(&script)]);
        });
    }
}

/// The DataSynthTool Employee ↔ Manager cycle, in both argument orders: PostgreSQL adds
/// the cycle's last key after the rows and checks every row; SQLite checks the csv rows
/// against keys declared on both tables.
#[test]
fn the_employee_manager_cycle_loads_with_integrity_in_either_order() {
    let employee = PathBuf::from(schema("employees_datasynthtool_employee"));
    let manager = PathBuf::from(schema("employees_datasynthtool_manager"));
    for (first, second) in [(&employee, &manager), (&manager, &employee)] {
        let dir = tempfile::tempdir().unwrap();
        let rows = ["--rows", "Employee=3000", "--rows", "Manager=200"];
        let script = dir.path().join("staff.sql");
        let mut args = vec!["export", path_str(first), path_str(second)];
        args.extend(rows);
        ok(&[
            &args[..],
            &["--format", "sql", "-o", path_str(&script), "--quiet"],
        ]
        .concat());
        let text = std::fs::read_to_string(&script).unwrap();
        assert_eq!(
            text.matches("ALTER TABLE").count(),
            1,
            "one key of the cycle waits for the rows"
        );
        let csv_dir = dir.path().join("csv");
        ok(&[
            &args[..],
            &["--format", "csv", "-o", path_str(&csv_dir), "--quiet"],
        ]
        .concat());
        let employees = read_csv(&csv_dir.join("Employee.csv"));
        let managers = read_csv(&csv_dir.join("Manager.csv"));
        let employee_ids: HashSet<&String> = employees.iter().map(|r| &r["id"]).collect();
        let manager_ids: HashSet<&String> = managers.iter().map(|r| &r["id"]).collect();
        assert!(
            employees
                .iter()
                .all(|r| manager_ids.contains(&r["manager"]))
        );
        assert!(
            managers
                .iter()
                .all(|r| employee_ids.contains(&r["employee_id"]))
        );

        // SQLite's own check, with both keys declared (it cannot add one afterwards), and
        // enforced only once both tables are loaded, as a bulk load does.
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch(
            "PRAGMA foreign_keys = OFF;
             CREATE TABLE \"Employee\" (id INTEGER PRIMARY KEY, manager INTEGER REFERENCES \"Manager\" (id));
             CREATE TABLE \"Manager\" (id INTEGER PRIMARY KEY, employee_id INTEGER REFERENCES \"Employee\" (id));",
        )
        .unwrap();
        for r in &employees {
            db.execute(
                "INSERT INTO \"Employee\" VALUES (?1, ?2)",
                [&r["id"], &r["manager"]],
            )
            .unwrap();
        }
        for r in &managers {
            db.execute(
                "INSERT INTO \"Manager\" VALUES (?1, ?2)",
                [&r["id"], &r["employee_id"]],
            )
            .unwrap();
        }
        let violations: i64 = db
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);

        if let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") {
            let schema = format!("st_cycle_{}", std::process::id());
            let counts = common::in_scratch_schema(&url, &schema, |psql| {
                psql(&["--single-transaction", "-f", path_str(&script)]);
                psql(&[
                    "-c",
                    "SELECT (SELECT count(*) FROM \"Employee\") || ',' || (SELECT count(*) FROM \"Manager\") || ',' || (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace)",
                ])
            });
            assert_eq!(counts, "3000,200,2");
        }
    }
}

/// customer.json and order.json into PostgreSQL: the sql script, and the csv files with
/// `COPY` into tables created by the script's DDL, both with the key enforced.
#[test]
fn customer_and_order_load_into_postgres() {
    let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") else {
        eprintln!(
            "skipped: set SYNTHTUNE_PG_URL (see scripts/start-postgres.sh) to load into PostgreSQL"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("shop.sql");
    let csv_dir = dir.path().join("csv");
    let args = [
        "export",
        &schema("order"),
        &schema("customer"),
        "--rows",
        "Customer=2000",
        "--rows",
        "Order=20000",
    ];
    ok(&[
        &args[..],
        &["--format", "sql", "-o", path_str(&script), "--quiet"],
    ]
    .concat());
    ok(&[
        &args[..],
        &["--format", "csv", "-o", path_str(&csv_dir), "--quiet"],
    ]
    .concat());
    let schema = format!("st_shop_{}", std::process::id());
    let (counts, orphans) = common::in_scratch_schema(&url, &schema, |psql| {
        psql(&["--single-transaction", "-f", path_str(&script)]);
        let counts = psql(&[
            "-c",
            "SELECT (SELECT count(*) FROM \"Customer\") || ',' || (SELECT count(*) FROM \"Order\")",
        ]);
        let orphans = psql(&[
            "-c",
            "SELECT count(*) FROM \"Order\" o LEFT JOIN \"Customer\" c USING (customer_id) WHERE c.customer_id IS NULL",
        ]);
        // The csv files, into empty copies of the tables (keys included), parents first.
        psql(&["-c", "TRUNCATE \"Order\", \"Customer\""]);
        for table in ["Customer", "Order"] {
            let file = csv_dir.join(format!("{table}.csv"));
            psql(&[
                "-c",
                &format!(
                    "\\copy \"{table}\" FROM '{}' WITH (FORMAT csv, HEADER true)",
                    file.display()
                ),
            ]);
        }
        let copied = psql(&["-c", "SELECT count(*) FROM \"Order\""]);
        assert_eq!(copied, "20000");
        (counts, orphans)
    });
    assert_eq!(counts, "2000,20000");
    assert_eq!(orphans, "0");
}

/// What cannot be linked is refused with the pointer of the `references` knob.
#[test]
fn unlinkable_references_are_refused_with_the_knobs_pointer() {
    let parent = r#"{"title": "P", "type": "object", "properties": {"id": {"type": "integer", "x-synth": {"key": "primary", "sequence": true}}, "code": {"type": "string", "x-synth": {"key": "primary"}}, "note": {"type": "string"}}, "required": ["id", "code", "note"]}"#;
    let child = |target: &str, ty: &str| {
        format!(
            r#"{{"title": "C", "type": "object", "properties": {{"p": {{"type": "{ty}", "x-synth": {{"references": "{target}"}}}}}}, "required": ["p"]}}"#
        )
    };
    let cases = [
        (
            child("Nope.id", "integer"),
            "table \"Nope\", which is not in the dataset",
        ),
        (child("P.nope", "integer"), "P has no field \"nope\""),
        (child("P.note", "string"), "P.note is not a key"),
        (
            child("P.code", "integer"),
            "which this field's own schema refuses",
        ),
    ];
    for (text, expected) in &cases {
        let (_dir, paths) = schema_folder(&[("p", parent), ("c", text)]);
        let stderr = refused(&[
            "export",
            path_str(&paths[1]),
            path_str(&paths[0]),
            "-n",
            "10",
            "-o",
            "-",
            "--only",
            "C",
        ]);
        assert!(
            stderr.contains("/properties/p/x-synth/references"),
            "{stderr}"
        );
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in:\n{stderr}"
        );
        // check refuses it the same way.
        let output = synthtune()
            .args(["check", path_str(&paths[1]), path_str(&paths[0])])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains(expected));
    }
    // A parent with no rows.
    let (_dir, paths) = schema_folder(&[("p", parent), ("c", &child("P.id", "integer"))]);
    let stderr = refused(&[
        "export",
        path_str(&paths[1]),
        path_str(&paths[0]),
        "--rows",
        "P=0",
        "-o",
        "-",
        "--only",
        "C",
    ]);
    assert!(
        stderr.contains("/properties/p/x-synth/references") && stderr.contains("P has 0 rows"),
        "{stderr}"
    );
    // A self-reference that cannot be null: the first row has nothing to reference.
    let own = r#"{"title": "T", "type": "object", "properties": {"id": {"type": "integer", "x-synth": {"key": "primary", "sequence": true}}, "up": {"type": "integer", "x-synth": {"references": "T.id"}}}, "required": ["id", "up"]}"#;
    let (_dir, paths) = schema_folder(&[("t", own)]);
    let stderr = refused(&["export", path_str(&paths[0]), "-o", "-"]);
    assert!(
        stderr.contains("/properties/up/x-synth/references") && stderr.contains("must be nullable"),
        "{stderr}"
    );
    // The command line: --rows and --only of tables that do not exist.
    let stderr = refused(&[
        "export",
        &schema("customer"),
        "--rows",
        "Custmer=5",
        "-o",
        "-",
    ]);
    assert!(
        stderr.contains("no table is called \"Custmer\""),
        "{stderr}"
    );
    let stderr = refused(&["export", &schema("customer"), "--only", "Order", "-o", "-"]);
    assert!(stderr.contains("--only Order"), "{stderr}");
    // A bad fanout knob names its own pointer.
    let bad = r#"{"title": "C", "type": "object", "properties": {"p": {"type": "integer", "x-synth": {"references": "P.id", "fanout": {"none_share": 1.5}}}}, "required": ["p"]}"#;
    let (_dir, paths) = schema_folder(&[("p", parent), ("c", bad)]);
    let stderr = refused(&[
        "export",
        path_str(&paths[0]),
        path_str(&paths[1]),
        "-o",
        "-",
        "--only",
        "C",
    ]);
    assert!(
        stderr.contains("/properties/p/x-synth/fanout/none_share"),
        "{stderr}"
    );
}

/// Parquet: one file per table, and every order's customer among the customers.
#[cfg(feature = "parquet")]
#[test]
fn parquet_per_table_keeps_the_keys() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    let dir = tempfile::tempdir().unwrap();
    ok(&[
        "export",
        &schema("order"),
        &schema("customer"),
        "--rows",
        "Customer=1000",
        "--rows",
        "Order=9000",
        "--format",
        "parquet",
        "-o",
        path_str(dir.path()),
        "--quiet",
    ]);
    let column = |table: &str, name: &str| -> Vec<i64> {
        let file = std::fs::File::open(dir.path().join(format!("{table}.parquet"))).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let mut values = Vec::new();
        for row in reader.get_row_iter(None).unwrap() {
            let row = row.unwrap();
            let (_, field) = row
                .get_column_iter()
                .find(|(column, _)| *column == name)
                .unwrap();
            match field {
                Field::Long(v) => values.push(*v),
                other => panic!("an integer column, got {other:?}"),
            }
        }
        values
    };
    let customers: HashSet<i64> = column("Customer", "customer_id").into_iter().collect();
    let orders = column("Order", "customer_id");
    assert_eq!((customers.len(), orders.len()), (1000, 9000));
    assert!(orders.iter().all(|c| customers.contains(c)));
}

/// `stats` reports children per parent for a foreign key: in the text report and in
/// `--json`, consistent with the sample.
#[test]
fn stats_report_children_per_parent() {
    let out = ok(&[
        "stats",
        &schema("order"),
        &schema("customer"),
        "-n",
        "5000",
        "--json",
    ]);
    let docs: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let order = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["table"] == "Order")
        .unwrap();
    let field = order["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "customer_id")
        .unwrap();
    let c = &field["children_per_parent"];
    assert_eq!(c["parent"], "Customer.customer_id");
    assert_eq!(c["children"], 5000);
    let parents: u64 = c["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[2].as_u64().unwrap())
        .sum();
    assert_eq!(parents, c["parent_rows"].as_u64().unwrap());
    assert!(
        c["top_1pct_share"].as_f64().unwrap() > 0.5,
        "zipf(1.1) is skewed: {c}"
    );
    let text = String::from_utf8(ok(&[
        "stats",
        &schema("order"),
        &schema("customer"),
        "-n",
        "2000",
    ]))
    .unwrap();
    assert!(
        text.contains("customer_id -> Customer.customer_id"),
        "{text}"
    );
}

/// String keys: a pattern of one fixed shape (enumerated through a keyed permutation) and
/// a unique UUID, referenced by a child, load into SQLite with both keys enforced; a
/// pattern with fewer strings than rows is refused with the arithmetic.
#[test]
fn pattern_and_uuid_keys_are_referenced() {
    let parent = r#"{"title": "Account", "type": "object", "properties": {
        "code": {"type": "string", "pattern": "^AC-[0-9]{4}[A-Z]$", "x-synth": {"key": "primary"}},
        "token": {"type": "string", "format": "uuid", "x-synth": {"unique": true}}},
        "required": ["code", "token"]}"#;
    let child = r#"{"title": "Login", "type": "object", "properties": {
        "account": {"type": "string", "pattern": "^AC-", "x-synth": {"references": "Account.code"}},
        "token": {"type": "string", "format": "uuid", "x-synth": {"references": "Account.token", "fanout": {"zipf": {"s": 1.2}}}}},
        "required": ["account", "token"]}"#;
    let (dir, paths) = schema_folder(&[("account", parent), ("login", child)]);
    let script = dir.path().join("logins.sql");
    ok(&[
        "export",
        path_str(&paths[1]),
        path_str(&paths[0]),
        "--rows",
        "Account=5000",
        "--rows",
        "Login=20000",
        "--format",
        "sql",
        "-o",
        path_str(&script),
        "--quiet",
    ]);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains("UNIQUE (\"token\")"),
        "a unique parent field is declared UNIQUE"
    );
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch(&text)
        .expect("loads with both keys enforced");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(DISTINCT code) FROM \"Account\""), 5000);
    assert_eq!(
        count(
            "SELECT count(*) FROM \"Account\" WHERE code NOT GLOB 'AC-[0-9][0-9][0-9][0-9][A-Z]'"
        ),
        0
    );
    assert_eq!(count("SELECT count(*) FROM \"Login\""), 20000);
    let stderr = refused(&[
        "export",
        path_str(&paths[0]),
        "--rows",
        "Account=300000",
        "-o",
        "-",
    ]);
    assert!(
        stderr.contains("260000 distinct values but 300000 rows"),
        "{stderr}"
    );
}

/// A foreign key inside a recursive definition (reached again through `$ref`) is linked
/// at every depth.
#[test]
fn a_key_inside_recursion_is_linked_at_every_depth() {
    let parent = r#"{"title": "P", "type": "object", "properties": {"id": {"type": "integer", "minimum": 1, "maximum": 100000, "x-synth": {"key": "primary"}}}, "required": ["id"]}"#;
    let tree = r##"{"title": "Node", "$defs": {"n": {"type": "object", "properties": {
        "owner": {"type": "integer", "x-synth": {"references": "P.id"}},
        "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}, "maxItems": 2}},
        "required": ["owner"]}},
        "type": "object", "properties": {"root": {"$ref": "#/$defs/n"}}, "required": ["root"]}"##;
    let (dir, paths) = schema_folder(&[("p", parent), ("tree", tree)]);
    let out = dir.path().join("out");
    ok(&[
        "export",
        path_str(&paths[1]),
        path_str(&paths[0]),
        "-n",
        "300",
        "-o",
        path_str(&out),
        "--quiet",
    ]);
    let ids: HashSet<i64> = std::fs::read_to_string(out.join("P.ndjson"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    fn owners(node: &serde_json::Value, out: &mut Vec<i64>) {
        out.push(node["owner"].as_i64().unwrap());
        for kid in node["kids"].as_array().into_iter().flatten() {
            owners(kid, out);
        }
    }
    let mut all = Vec::new();
    for line in std::fs::read_to_string(out.join("Node.ndjson"))
        .unwrap()
        .lines()
    {
        owners(
            &serde_json::from_str::<serde_json::Value>(line).unwrap()["root"],
            &mut all,
        );
    }
    assert!(all.len() > 300, "the trees nest: {} owners", all.len());
    assert!(
        all.iter().all(|o| ids.contains(o)),
        "an owner that is not a P id"
    );
}

/// A self-reference inside a recursive definition is linked at every depth: each `up`
/// is null or an earlier row's id.
#[test]
fn a_self_reference_inside_recursion_is_linked() {
    let tree = r##"{"title": "T", "$defs": {"n": {"type": "object", "properties": {
        "up": {"anyOf": [{"type": "integer"}, {"type": "null"}], "x-synth": {"references": "T.id"}},
        "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}, "maxItems": 1}}, "required": ["up"]}},
        "type": "object", "properties": {
            "id": {"type": "integer", "x-synth": {"key": "primary", "sequence": true}},
            "node": {"$ref": "#/$defs/n"}},
        "required": ["id", "node"]}"##;
    let (_dir, paths) = schema_folder(&[("t", tree)]);
    let out = ok(&[
        "export",
        path_str(&paths[0]),
        "-n",
        "200",
        "-o",
        "-",
        "--quiet",
    ]);
    for (row, line) in String::from_utf8(out).unwrap().lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut node = &record["node"];
        loop {
            let up = &node["up"];
            assert!(
                up.is_null() || up.as_u64().is_some_and(|id| (1..=row as u64).contains(&id)),
                "row {row}: {up}"
            );
            match node["kids"].get(0) {
                Some(kid) => node = kid,
                None => break,
            }
        }
    }
}
