//! Export throughput: ndjson of the example tables into `io::sink`, on 1 and 2 threads.
//! The ratio of the two is the parallel speed-up (target: 2 threads ≥ 1.8× one).
//!
//!     cargo bench --bench export

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use synthtune::Table;
use synthtune::export::{ExportOptions, Format, TableRows, export_to_writer};

const ROWS: u64 = 50_000;
const EXAMPLES: [&str; 3] = ["customer", "order", "event"];

fn ndjson(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut group = c.benchmark_group("export_ndjson");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    for name in EXAMPLES {
        let path = dir.join(format!("{name}.json"));
        let table = match Table::load(&path) {
            Ok(table) => table,
            Err(error) => {
                eprintln!("skipping {name}: {error}");
                continue;
            }
        };
        let source = TableRows {
            table: &table,
            seed: synthtune::DEFAULT_SEED,
        };
        for threads in [1, 2] {
            let opts = ExportOptions {
                rows: Some(ROWS),
                format: Format::Ndjson,
                threads,
                quiet: true,
                ..ExportOptions::default()
            };
            group.bench_with_input(
                BenchmarkId::new(name, format!("{threads} threads")),
                &opts,
                |b, opts| {
                    b.iter(|| {
                        export_to_writer(&source, opts, &mut std::io::sink())
                            .map(|s| black_box(s.bytes))
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, ndjson);
criterion_main!(benches);
