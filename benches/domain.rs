//! Cost of one `domain` value, against going through the `fake` crate's own API
//! (which allocates a `String` per value).
//!
//!     CARGO_TARGET_DIR=/work/target-shared cargo bench --bench domain

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fake::Fake;
use fake::faker::address::raw::CityName;
use fake::faker::internet::raw::FreeEmail;
use fake::faker::lorem::raw::Sentence;
use fake::faker::name::raw::Name;
use fake::locales::EN;
use synthtune::generate::domain::{Domain, Locale};
use synthtune::rng::rng_for;

fn domains(c: &mut Criterion) {
    let mut group = c.benchmark_group("domain");
    for domain in [Domain::Name, Domain::Email, Domain::City, Domain::Sentence] {
        for locale in [Locale::En, Locale::FrFr] {
            let mut rng = rng_for(1);
            let mut out = String::with_capacity(256);
            let id = format!("{}/{}", domain.name(), locale.name());
            group.bench_function(id, |b| {
                b.iter(|| {
                    out.clear();
                    domain.generate(&mut rng, locale, &mut out);
                    black_box(out.len())
                })
            });
        }
    }
    group.finish();
}

fn fake_api(c: &mut Criterion) {
    let mut group = c.benchmark_group("fake_api");
    let mut rng = rng_for(1);
    group.bench_function("name/en", |b| {
        b.iter(|| black_box(Name(EN).fake_with_rng::<String, _>(&mut rng)))
    });
    group.bench_function("email/en", |b| {
        b.iter(|| black_box(FreeEmail(EN).fake_with_rng::<String, _>(&mut rng)))
    });
    group.bench_function("city/en", |b| {
        b.iter(|| black_box(CityName(EN).fake_with_rng::<String, _>(&mut rng)))
    });
    group.bench_function("sentence/en", |b| {
        b.iter(|| black_box(Sentence(EN, 4..10).fake_with_rng::<String, _>(&mut rng)))
    });
    group.finish();
}

criterion_group!(benches, domains, fake_api);
criterion_main!(benches);
