//! Fidelity tests use fixed seeds and large samples, and compare against the exact
//! law with stated tolerances: KS distance below 1.95/√n and chi-square below its
//! 0.1% critical value (a correct sampler passes either for 999 seeds in 1000), means
//! within 5 standard errors.
use super::sampler::{Cumulative, Shape};
use super::spec::pointer;
use super::special::{gamma_pq, ln_gamma, normal_cdf_sf, normal_quantile};
use super::*;
use proptest::prelude::*;
use serde_json::{Value, json};

const N: usize = 200_000;

fn spec(knob: Value) -> DistributionSpec {
    DistributionSpec::parse(&knob).expect("valid knob")
}

fn floats(sampler: &FloatSampler, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = crate::rng::rng_for(seed);
    (0..n).map(|_| sampler.sample(&mut rng)).collect()
}

fn ints(sampler: &IntSampler, n: usize, seed: u64) -> Vec<i64> {
    let mut rng = crate::rng::rng_for(seed);
    (0..n).map(|_| sampler.sample(&mut rng)).collect()
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Asserts the sample mean is within 5 standard errors of `mean`.
fn assert_mean(xs: &[f64], mean: f64, sd: f64) {
    let (got, _) = mean_sd(xs);
    let tolerance = 5.0 * sd / (xs.len() as f64).sqrt();
    assert!(
        (got - mean).abs() < tolerance,
        "mean {got}, expected {mean} ± {tolerance}"
    );
}

/// Asserts the Kolmogorov–Smirnov distance to `cdf` is below the α = 0.001 limit.
fn assert_ks(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let distance = xs
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max);
    let limit = 1.95 / n.sqrt();
    assert!(distance < limit, "KS distance {distance} exceeds {limit}");
}

/// Asserts Pearson's chi-square of integer draws against `pmf` is below its α = 0.001
/// critical value. Values whose expected count is under 5 share one pooled cell.
fn assert_chi_square(
    draws: &[i64],
    support: std::ops::RangeInclusive<i64>,
    pmf: impl Fn(i64) -> f64,
) {
    let n = draws.len() as f64;
    let mut counts = std::collections::HashMap::new();
    for &d in draws {
        *counts.entry(d).or_insert(0u64) += 1;
    }
    let (mut statistic, mut cells) = (0.0, 0usize);
    let (mut pooled_observed, mut pooled_expected) = (0.0, 0.0);
    for k in support {
        let expected = n * pmf(k);
        let observed = *counts.get(&k).unwrap_or(&0) as f64;
        if expected >= 5.0 {
            statistic += (observed - expected).powi(2) / expected;
            cells += 1;
        } else {
            pooled_observed += observed;
            pooled_expected += expected;
        }
    }
    if pooled_expected > 0.0 {
        statistic += (pooled_observed - pooled_expected).powi(2) / pooled_expected;
        cells += 1;
    }
    let df = (cells - 1) as f64;
    // Wilson–Hilferty approximation of the chi-square quantile, z = 3.09 (α = 0.001).
    let h = 2.0 / (9.0 * df);
    let limit = df * (1.0 - h + 3.09 * h.sqrt()).powi(3);
    assert!(
        statistic < limit,
        "chi-square {statistic} exceeds {limit} (df {df})"
    );
}

fn phi(z: f64) -> f64 {
    normal_cdf_sf(z).0
}

/// The CDF of a law conditioned on [a, b].
fn conditioned(cdf: impl Fn(f64) -> f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
    let (fa, fb) = (cdf(a), cdf(b));
    move |x| (cdf(x) - fa) / (fb - fa)
}

/// Forces sampling by CDF inversion, to test that path on its own.
fn without_rejection(mut sampler: FloatSampler) -> FloatSampler {
    match &mut sampler.shape {
        Shape::Truncated(t) => t.rejection_tries = 0,
        other => panic!("not truncated: {other:?}"),
    }
    sampler
}

// ---- special functions, against reference values ----

#[test]
fn ln_gamma_matches_factorials_and_half_integers() {
    let mut ln_factorial = 0.0;
    for n in 1..=170 {
        // ln Γ(n) = ln (n − 1)!
        assert!(
            (ln_gamma(n as f64) - ln_factorial).abs() < 1e-12 * ln_factorial.max(1.0),
            "n = {n}"
        );
        ln_factorial += (n as f64).ln();
    }
    assert!((ln_gamma(0.5) - 0.5 * std::f64::consts::PI.ln()).abs() < 1e-13);
    assert!((ln_gamma(1e-8) - 18.420_680_738_180_21).abs() < 1e-9);
}

#[test]
fn incomplete_gamma_matches_closed_forms() {
    for x in [0.01, 0.5, 1.0, 3.0, 10.0, 50.0] {
        // P(1, x) = 1 − e^−x
        let (p, q) = gamma_pq(1.0, x);
        assert!(
            (q - (-x).exp()).abs() < 1e-14 * (-x).exp().max(1e-300) + 1e-300,
            "x = {x}: {q} vs {}",
            (-x).exp()
        );
        assert!((p + q - 1.0).abs() < 1e-15);
    }
    // P(½, x²) = erf(x), Q(½, x²) = erfc(x): reference values from tables.
    assert!((gamma_pq(0.5, 1.0).0 - 0.842_700_792_949_714_9).abs() < 1e-14);
    assert!((gamma_pq(0.5, 0.25).0 - 0.520_499_877_813_046_5).abs() < 1e-14);
    assert!((gamma_pq(0.5, 9.0).1 / 2.209_049_699_858_544e-5 - 1.0).abs() < 1e-12);
    assert!((gamma_pq(0.5, 36.0).1 / 2.151_973_671_249_891_3e-17 - 1.0).abs() < 1e-12);
    // Poisson: P(X ≤ 2 | λ = 2.5) = Q(3, 2.5) = e^−2.5 (1 + 2.5 + 2.5²/2)
    let exact = (-2.5f64).exp() * (1.0 + 2.5 + 3.125);
    assert!((gamma_pq(3.0, 2.5).1 - exact).abs() < 1e-14);
}

#[test]
fn normal_cdf_and_quantile_match_references_and_invert_each_other() {
    assert!((phi(1.96) - 0.975_002_104_851_779_5).abs() < 1e-14);
    assert!((phi(-5.0) / 2.866_515_718_791_939e-7 - 1.0).abs() < 1e-12);
    assert!((normal_cdf_sf(8.0).1 / 6.220_960_574_271_785e-16 - 1.0).abs() < 1e-12);
    // Quantiles from Python's statistics.NormalDist (Wichura's AS241, ~1e-16).
    let references = [
        (1e-300, -37.0470962993612),
        (1e-100, -21.27345356096532),
        (1e-20, -9.262340089798405),
        (1e-10, -6.361340902404056),
        (1e-5, -4.2648907939228256),
        (0.001, -3.090232306167813),
        (0.02, -2.0537489106318225),
        (0.02425, -1.9729610513118845),
        (0.1, -1.2815515655446008),
        (0.3, -0.5244005127080407),
        (0.975, 1.959_963_984_540_054),
    ];
    for (p, z) in references {
        assert!((normal_quantile(p) / z - 1.0).abs() < 1.2e-9, "p = {p}");
    }
    // Round trips: a relative error ε in z moves Φ by about φ(z)·|z|·ε.
    for i in 1..1000 {
        let p = i as f64 / 1000.0;
        assert!((phi(normal_quantile(p)) - p).abs() < 1e-9, "p = {p}");
    }
}

// ---- fidelity, one law at a time ----

#[test]
fn uniform_floats_and_ints() {
    let sampler = spec(json!("uniform")).bind_float(-3.0, 7.0).unwrap();
    assert_ks(floats(&sampler, N, 1), |x| (x + 3.0) / 10.0);
    let dice = spec(json!({"uniform": {}})).bind_int(1, 6).unwrap();
    assert_chi_square(&ints(&dice, N, 2), 1..=6, |_| 1.0 / 6.0);
}

#[test]
fn normal_with_wide_bounds_keeps_its_parameters() {
    let sampler = spec(json!({"normal": {"mean": 40, "stddev": 9}}))
        .bind_float(-1e3, 1e3)
        .unwrap();
    let xs = floats(&sampler, N, 3);
    assert_mean(&xs, 40.0, 9.0);
    let (_, sd) = mean_sd(&xs);
    assert!((sd / 9.0 - 1.0).abs() < 0.01, "stddev {sd}");
    assert_ks(xs, |x| phi((x - 40.0) / 9.0));
}

#[test]
fn normal_truncated_by_rejection_is_the_conditioned_law() {
    // 69% of the mass is inside: rejection sampling.
    let sampler = spec(json!({"normal": {"mean": 0, "stddev": 1}}))
        .bind_float(-0.5, 10.0)
        .unwrap();
    assert_ks(floats(&sampler, N, 4), conditioned(phi, -0.5, 10.0));
    // Half-normal: mean √(2/π), stddev √(1 − 2/π).
    let half = spec(json!({"normal": {"mean": 0, "stddev": 1}}))
        .bind_float(0.0, 10.0)
        .unwrap();
    let sd = (1.0 - 2.0 / std::f64::consts::PI).sqrt();
    assert_mean(
        &floats(&half, N, 5),
        (2.0 / std::f64::consts::PI).sqrt(),
        sd,
    );
}

#[test]
fn normal_tails_are_sampled_exactly_by_inversion() {
    let standard = spec(json!({"normal": {"mean": 0, "stddev": 1}}));
    // Lower tail, upper tail (inverted through the survival function), and a long one.
    for (a, b) in [(-4.0, -3.0), (3.0, 4.0), (2.5, 100.0), (-0.2, 0.2)] {
        let sampler = standard.bind_float(a, b).unwrap();
        match &sampler.shape {
            Shape::Truncated(t) => assert_eq!(t.rejection_tries, 0, "[{a}, {b}] should invert"),
            other => panic!("{other:?}"),
        }
        let xs = floats(&sampler, 50_000, 6);
        if a > 0.0 {
            // Survival functions keep their precision in the upper tail.
            let (sa, sb) = (normal_cdf_sf(a).1, normal_cdf_sf(b).1);
            assert_ks(xs, |x| (sa - normal_cdf_sf(x).1) / (sa - sb));
        } else {
            assert_ks(xs, conditioned(phi, a, b));
        }
    }
}

#[test]
fn bare_normal_on_integers_is_centred_with_a_sixth_of_the_range() {
    let sampler = spec(json!("Normal")).bind_int(18, 99).unwrap();
    let (mean, sd) = (58.5, 13.5);
    let mass = phi((99.5 - mean) / sd) - phi((17.5 - mean) / sd);
    assert_chi_square(&ints(&sampler, N, 7), 18..=99, |k| {
        let k = k as f64;
        (phi((k + 0.5 - mean) / sd) - phi((k - 0.5 - mean) / sd)) / mass
    });
}

#[test]
fn lognormal_starts_at_the_minimum() {
    let sampler = spec(json!({"lognormal": {"mu": 3, "sigma": 0.5}}))
        .bind_float(10.0, 1e6)
        .unwrap();
    let xs = floats(&sampler, N, 8);
    let logs: Vec<f64> = xs.iter().map(|x| (x - 10.0).ln()).collect();
    assert_mean(&logs, 3.0, 0.5);
    let (_, sd) = mean_sd(&logs);
    assert!((sd / 0.5 - 1.0).abs() < 0.01, "sigma {sd}");
    assert_ks(xs, |x| phi(((x - 10.0).ln() - 3.0) / 0.5));
    // Truncated to [10, 30]: e^3 ≈ 20 is the median, so about half is cut.
    let cut = spec(json!({"lognormal": {"mu": 3, "sigma": 0.5}}))
        .bind_float(10.0, 30.0)
        .unwrap();
    let cdf = |x: f64| {
        if x <= 10.0 {
            0.0
        } else {
            phi(((x - 10.0).ln() - 3.0) / 0.5)
        }
    };
    assert_ks(floats(&cut, N, 9), conditioned(cdf, 10.0, 30.0));
}

#[test]
fn exponential_starts_at_the_minimum() {
    let knob = spec(json!({"exponential": {"rate": 0.1}}));
    let xs = floats(&knob.bind_float(0.0, 1e4).unwrap(), N, 10);
    assert_mean(&xs, 10.0, 10.0);
    assert_ks(xs, |x| 1.0 - (-0.1 * x).exp());
    // Truncated: origin 5, cut at 20.
    let cdf = |x: f64| 1.0 - (-0.1 * (x - 5.0)).exp();
    assert_ks(
        floats(&knob.bind_float(5.0, 20.0).unwrap(), N, 11),
        conditioned(cdf, 5.0, 20.0),
    );
    // Integers: k takes [k − ½, k + ½) of the draw lo + Exp.
    let counts = knob.bind_int(0, 30).unwrap();
    let f = |x: f64| {
        if x <= 0.0 {
            0.0
        } else {
            1.0 - (-0.1 * x).exp()
        }
    };
    assert_chi_square(&ints(&counts, N, 12), 0..=30, |k| {
        let k = k as f64;
        (f(k + 0.5) - f(k - 0.5)) / f(30.5)
    });
}

#[test]
fn triangular_spans_the_bounds() {
    let sampler = spec(json!({"triangular": {"mode": 30}}))
        .bind_float(0.0, 100.0)
        .unwrap();
    let xs = floats(&sampler, N, 13);
    // mean (a + b + c)/3, variance (a² + b² + c² − ab − ac − bc)/18
    assert_mean(
        &xs,
        130.0 / 3.0,
        ((10000.0 + 900.0 - 3000.0) / 18.0f64).sqrt(),
    );
    assert_ks(xs, |x| {
        if x <= 30.0 {
            x * x / (100.0 * 30.0)
        } else {
            1.0 - (100.0 - x).powi(2) / (100.0 * 70.0)
        }
    });
    // Bare triangular peaks in the middle.
    let bare = spec(json!("triangular")).bind_float(-1.0, 1.0).unwrap();
    assert_mean(&floats(&bare, N, 14), 0.0, (1.0f64 / 6.0).sqrt());
}

#[test]
fn beta_spans_the_bounds() {
    let sampler = spec(json!({"beta": {"alpha": 2, "beta": 5}}))
        .bind_float(10.0, 20.0)
        .unwrap();
    let xs = floats(&sampler, N, 15);
    // Beta(2, 5): mean 2/7, variance 10/392; CDF 1 − 6(1−u)^5 + 5(1−u)^6.
    assert_mean(&xs, 10.0 + 20.0 / 7.0, 10.0 * (10.0f64 / 392.0).sqrt());
    assert_ks(xs, |x| {
        let v = 1.0 - (x - 10.0) / 10.0;
        1.0 - 6.0 * v.powi(5) + 5.0 * v.powi(6)
    });
}

#[test]
fn gamma_starts_at_the_minimum() {
    let knob = spec(json!({"gamma": {"shape": 2, "scale": 3}}));
    let xs = floats(&knob.bind_float(0.0, 1e4).unwrap(), N, 16);
    assert_mean(&xs, 6.0, 18f64.sqrt());
    let (_, sd) = mean_sd(&xs);
    assert!((sd / 18f64.sqrt() - 1.0).abs() < 0.01, "stddev {sd}");
    assert_ks(xs, |x| gamma_pq(2.0, x / 3.0).0);
}

#[test]
fn gamma_far_tail_falls_back_to_an_exact_search() {
    // Gamma(5, 1) on [0, 1] holds 0.37% of the mass: rejection gives up after 1000
    // draws 2.6% of the time and the numeric inversion takes over; the mixture must
    // still be exact.
    let sliver = spec(json!({"gamma": {"shape": 5, "scale": 1}}))
        .bind_float(0.0, 1.0)
        .unwrap();
    assert_ks(
        floats(&sliver, 20_000, 17),
        conditioned(|x| gamma_pq(5.0, x).0, 0.0, 1.0),
    );
    // The search alone, cut and uncut (the latter through the upper tail too).
    let knob = spec(json!({"gamma": {"shape": 2, "scale": 1}}));
    let cdf = |x: f64| gamma_pq(2.0, x).0;
    let searched = without_rejection(knob.bind_float(0.0, 5.0).unwrap());
    assert_ks(floats(&searched, 20_000, 19), conditioned(cdf, 0.0, 5.0));
    let searched = without_rejection(knob.bind_float(0.0, 1e3).unwrap());
    assert_ks(floats(&searched, 20_000, 19), cdf);
}

fn poisson_pmf(lambda: f64, k: i64) -> f64 {
    (k as f64 * lambda.ln() - lambda - ln_gamma(k as f64 + 1.0)).exp()
}

#[test]
fn poisson_counts_from_zero_and_is_conditioned_on_the_bounds() {
    let knob = spec(json!({"poisson": {"lambda": 2.5}}));
    assert_chi_square(
        &ints(&knob.bind_int(0, 100).unwrap(), N, 20),
        0..=100,
        |k| poisson_pmf(2.5, k),
    );
    // A length with bounds [1, 20] is the Poisson conditioned on [1, 20].
    let mass: f64 = (1..=20).map(|k| poisson_pmf(2.5, k)).sum();
    let length = knob.bind_int(1, 20).unwrap();
    let draws = ints(&length, N, 21);
    assert!(draws.iter().all(|&k| (1..=20).contains(&k)));
    assert_chi_square(&draws, 1..=20, |k| poisson_pmf(2.5, k) / mass);
    // Floats take whole numbers only.
    let float_draws = floats(&knob.bind_float(0.5, 20.5).unwrap(), 10_000, 22);
    assert!(
        float_draws
            .iter()
            .all(|x| x.fract() == 0.0 && (1.0..=20.0).contains(x))
    );
}

#[test]
fn poisson_inversion_is_exact_in_both_tails() {
    let knob = spec(json!({"poisson": {"lambda": 2.5}}));
    for (lo, hi) in [(1, 20), (8, 30), (0, 2)] {
        let sampler = without_rejection(knob.bind_float(lo as f64, hi as f64).unwrap());
        let draws: Vec<i64> = floats(&sampler, 50_000, 23)
            .iter()
            .map(|&x| x as i64)
            .collect();
        let mass: f64 = (lo..=hi).map(|k| poisson_pmf(2.5, k)).sum();
        assert_chi_square(&draws, lo..=hi, |k| poisson_pmf(2.5, k) / mass);
    }
}

#[test]
fn zipf_ranks_integers_upward_from_the_minimum() {
    let s = 1.6;
    let sampler = spec(json!({"zipf": {"s": s}})).bind_int(1, 1000).unwrap();
    let draws = ints(&sampler, N, 24);
    let ones = draws.iter().filter(|&&k| k == 1).count() as f64;
    let twos = draws.iter().filter(|&&k| k == 2).count() as f64;
    // 2^1.6 ≈ 3.03; the ratio of two counts of ~100k and ~33k has relative sd ≈ 0.6%.
    assert!(
        (ones / twos / 2f64.powf(s) - 1.0).abs() < 0.03,
        "rank-1/rank-2 = {}",
        ones / twos
    );
    let harmonic: f64 = (1..=1000).map(|r| (r as f64).powf(-s)).sum();
    assert_chi_square(&draws, 1..=1000, |k| (k as f64).powf(-s) / harmonic);
    // Shifted: lo is rank 1.
    let shifted = spec(json!({"zipf": {"s": s}})).bind_int(-50, 949).unwrap();
    assert_chi_square(&ints(&shifted, N, 25), -50..=949, |k| {
        ((k + 51) as f64).powf(-s) / harmonic
    });
}

proptest! {
    /// The guide table finds what a binary search finds, for any shares and any draw
    /// (ties and empty ranks included).
    #[test]
    fn guide_table_search_equals_binary_search(
        weights in proptest::collection::vec(0u32..5, 1..60),
        draws in proptest::collection::vec(0.0f64..1.0, 1..50),
    ) {
        let total = f64::from(weights.iter().sum::<u32>().max(1));
        let mut running = 0.0;
        let mut shares: Vec<f64> = weights.iter().map(|&w| { running += f64::from(w); running / total }).collect();
        *shares.last_mut().unwrap() = 1.0;
        let table = Cumulative::new(shares.clone().into_boxed_slice());
        for u in draws {
            let expected = shares.partition_point(|&c| c <= u).min(shares.len() - 1);
            prop_assert_eq!(table.find(u), expected, "u = {}", u);
        }
    }
}

/// Past the table's 4096 ranks, rejection-inversion takes over: the law over ranks
/// 1..=30,000 is exact across the seam, for steep and flat exponents (chi-square over
/// the first ranks one by one, then bins 10 % wide).
#[test]
fn zipf_beyond_the_table_keeps_its_law() {
    let n = 30_000i64;
    for (s, seed) in [(1.1, 40), (0.7, 41), (2.0, 42)] {
        let sampler = spec(json!({"zipf": {"s": s}})).bind_int(1, n).unwrap();
        let mut edges: Vec<i64> = (1..=100).collect();
        while *edges.last().unwrap() < n {
            let next = ((*edges.last().unwrap() as f64) * 1.1).ceil() as i64;
            edges.push(next.min(n));
        }
        // Bin b holds ranks [edges[b], edges[b + 1]), the last one up to n.
        let bin = |k: i64| (edges.partition_point(|&e| e <= k) - 1) as i64;
        let weight = |k: i64| (k as f64).powf(-s);
        let total: f64 = (1..=n).map(weight).sum();
        let mass: Vec<f64> = (0..edges.len())
            .map(|b| {
                let end = edges.get(b + 1).copied().unwrap_or(n + 1);
                (edges[b]..end).map(weight).sum::<f64>() / total
            })
            .collect();
        let draws: Vec<i64> = ints(&sampler, N, seed).into_iter().map(bin).collect();
        assert_chi_square(&draws, 0..=(edges.len() as i64 - 1), |b| mass[b as usize]);
    }
}

#[test]
fn zipf_over_huge_ranges_needs_no_table() {
    let sampler = spec(json!({"zipf": {"s": 1.1}}))
        .bind_int(0, 1_000_000_000_000)
        .unwrap();
    let draws = ints(&sampler, N, 26);
    assert!(draws.iter().all(|&k| (0..=1_000_000_000_000).contains(&k)));
    let zeros = draws.iter().filter(|&&k| k == 0).count() as f64;
    let ones = draws.iter().filter(|&&k| k == 1).count() as f64;
    assert!(
        (zeros / ones / 2f64.powf(1.1) - 1.0).abs() < 0.05,
        "ratio {}",
        zeros / ones
    );
    // s ≤ 1 is fine over a finite range; the full i64 range binds too.
    let flat = spec(json!({"zipf": {"s": 0.5}}))
        .bind_int(i64::MIN, i64::MAX)
        .unwrap();
    assert!(
        ints(&flat, 1000, 27)
            .iter()
            .any(|&k| k > i64::MIN + 1_000_000)
    );
    // Floats: whole ranks from lo.
    let float = spec(json!({"zipf": {"s": 2}}))
        .bind_float(0.25, 100.0)
        .unwrap();
    assert!(
        floats(&float, 10_000, 28)
            .iter()
            .all(|x| (x - 0.25).fract() == 0.0 && *x <= 99.25)
    );
}

#[test]
fn benford_gives_benford_first_digits() {
    let first_digit = |mut x: f64| {
        while x >= 10.0 {
            x /= 10.0;
        }
        x as i64
    };
    let expected = |d: i64| (1.0 + 1.0 / d as f64).log10();
    let int_sampler = spec(json!("benford")).bind_int(1, 1_000_000).unwrap();
    let digits: Vec<i64> = ints(&int_sampler, N, 29)
        .iter()
        .map(|&k| first_digit(k as f64))
        .collect();
    assert_chi_square(&digits, 1..=9, expected);
    let float_sampler = spec(json!({"benford": {}})).bind_float(1.0, 1e6).unwrap();
    let digits: Vec<i64> = floats(&float_sampler, N, 30)
        .into_iter()
        .map(first_digit)
        .collect();
    assert_chi_square(&digits, 1..=9, expected);
    // A minimum of 0 starts the logarithmic scale at 1.
    let from_zero = spec(json!("benford")).bind_int(0, 999).unwrap();
    assert!(
        ints(&from_zero, 10_000, 31)
            .iter()
            .all(|&k| (1..=999).contains(&k))
    );
}

/// The bin of `x` in the histogram `[[0, 10, _], [10, 20, _], [20, 50, _]]`.
fn histogram_bin(x: f64) -> i64 {
    if x < 10.0 {
        0
    } else if x < 20.0 {
        1
    } else {
        2
    }
}

#[test]
fn histogram_picks_bins_by_weight() {
    let knob = spec(json!({"histogram": [[0, 10, 3], [10, 20, 1], [20, 50, 6]]}));
    let xs = floats(&knob.bind_float(0.0, 50.0).unwrap(), N, 32);
    let bins: Vec<i64> = xs.iter().map(|&x| histogram_bin(x)).collect();
    assert_chi_square(&bins, 0..=2, |b| [0.3, 0.1, 0.6][b as usize]);
    // Uniform within a bin.
    let third: Vec<f64> = xs.into_iter().filter(|&x| x >= 20.0).collect();
    assert_ks(third, |x| (x - 20.0) / 30.0);
    // Integers take the floor: bin [0, 10) is 0..=9, each 3%.
    let draws = ints(&knob.bind_int(0, 49).unwrap(), N, 33);
    assert_chi_square(&draws, 0..=49, |k| {
        if k < 10 {
            0.03
        } else if k < 20 {
            0.01
        } else {
            0.02
        }
    });
}

#[test]
fn histogram_bins_are_clipped_to_the_bounds() {
    // [5, 30] keeps half of bin 0 (weight 1.5), bin 1 (1) and a third of bin 2 (2).
    let knob = spec(json!({"histogram": [[0, 10, 3], [10, 20, 1], [20, 50, 6]]}));
    let xs = floats(&knob.bind_float(5.0, 30.0).unwrap(), N, 34);
    assert!(xs.iter().all(|x| (5.0..=30.0).contains(x)));
    let bins: Vec<i64> = xs.iter().map(|&x| histogram_bin(x)).collect();
    assert_chi_square(&bins, 0..=2, |b| {
        [1.5 / 4.5, 1.0 / 4.5, 2.0 / 4.5][b as usize]
    });
}

// ---- refusals when binding ----

#[test]
fn binding_refuses_distributions_that_miss_the_bounds() {
    let refusal = |knob: Value, lo: f64, hi: f64| spec(knob).bind_float(lo, hi).unwrap_err();
    assert_eq!(
        refusal(json!({"normal": {"mean": 500, "stddev": 10}}), 18.0, 99.0),
        "normal(500, 10) puts 0% of its mass inside [18, 99], and at least 0.10% must fall inside; move its parameters toward the bounds or widen the bounds"
    );
    let message = spec(json!({"normal": {"mean": 0, "stddev": 1}}))
        .bind_int(4, 5)
        .unwrap_err();
    assert!(
        message.starts_with("normal(0, 1) puts 0.023% of its mass inside [4, 5]"),
        "{message}"
    );
    let message = refusal(json!({"exponential": {"rate": 0.001}}), 0.0, 0.5);
    assert!(
        message.starts_with("exponential(rate=0.001) puts 0.050% of its mass"),
        "{message}"
    );
    let message = refusal(json!({"poisson": {"lambda": 100}}), 0.0, 10.0);
    assert!(
        message.starts_with("poisson(100) puts 0% of its mass inside [0, 10]"),
        "{message}"
    );
    assert_eq!(
        refusal(json!({"triangular": {"mode": 120}}), 18.0, 99.0),
        "triangular mode 120 lies outside [18, 99]; choose a mode within the bounds"
    );
    assert!(
        refusal(json!("benford"), -5.0, 0.5)
            .starts_with("benford is log-uniform over positive values")
    );
    assert!(
        refusal(json!({"poisson": {"lambda": 1}}), 0.2, 0.8)
            .starts_with("poisson draws whole numbers but [0.2, 0.8] contains none")
    );
    assert_eq!(
        refusal(json!({"histogram": [[100, 200, 1]]}), 18.0, 99.0),
        "no weighted histogram bin overlaps the bounds [18, 99] (the bins span [100, 200]); move the bins into the bounds"
    );
    assert!(
        refusal(json!({"histogram": [[0, 1e6, 1], [2e6, 3e6, 1]]}), 0.0, 5.0)
            .starts_with("histogram(2 bins) puts 0.00025% of its mass")
    );
    assert_eq!(
        spec(json!("uniform")).bind_int(5, 3).unwrap_err(),
        "empty range [5, 3]: the minimum is above the maximum"
    );
    assert!(
        spec(json!("uniform"))
            .bind_float(f64::NEG_INFINITY, 3.0)
            .unwrap_err()
            .contains("finite")
    );
}

#[test]
fn a_single_value_range_is_that_value() {
    let far = spec(json!({"normal": {"mean": 500, "stddev": 10}}));
    assert_eq!(ints(&far.bind_int(5, 5).unwrap(), 10, 35), vec![5; 10]);
    assert_eq!(
        floats(&far.bind_float(2.5, 2.5).unwrap(), 10, 35),
        vec![2.5; 10]
    );
}

// ---- parsing ----

#[test]
fn parses_every_family_with_defaults() {
    assert_eq!(spec(json!("UNIFORM")), DistributionSpec::Uniform);
    assert_eq!(
        spec(json!("normal")),
        DistributionSpec::Normal {
            mean: None,
            stddev: None
        }
    );
    assert_eq!(
        spec(json!({"Normal": {"stddev": 2}})),
        DistributionSpec::Normal {
            mean: None,
            stddev: Some(2.0)
        }
    );
    assert_eq!(
        spec(json!({"lognormal": {"mu": 1, "sigma": 0.5}})),
        DistributionSpec::LogNormal {
            mu: 1.0,
            sigma: 0.5
        }
    );
    assert_eq!(
        spec(json!({"exponential": {"rate": 2}})),
        DistributionSpec::Exponential { rate: 2.0 }
    );
    assert_eq!(
        spec(json!("triangular")),
        DistributionSpec::Triangular { mode: None }
    );
    assert_eq!(
        spec(json!({"beta": {"alpha": 2, "beta": 5}})),
        DistributionSpec::Beta {
            alpha: 2.0,
            beta: 5.0
        }
    );
    assert_eq!(
        spec(json!({"gamma": {"shape": 2, "scale": 3}})),
        DistributionSpec::Gamma {
            shape: 2.0,
            scale: 3.0
        }
    );
    assert_eq!(
        spec(json!({"poisson": {"lambda": 2.5}})),
        DistributionSpec::Poisson { lambda: 2.5 }
    );
    assert_eq!(
        spec(json!({"zipf": {"s": 0.8}})),
        DistributionSpec::Zipf { s: 0.8 }
    );
    assert_eq!(spec(json!("Benford")), DistributionSpec::Benford);
    assert_eq!(
        spec(json!({"histogram": [[0, 1, 2]]})),
        DistributionSpec::Histogram(vec![(0.0, 1.0, 2.0)])
    );
    assert!(spec(json!({"uniform": {}})).is_uniform());
    assert!(!spec(json!("normal")).is_uniform());
}

#[test]
fn describes_itself_briefly() {
    let labels = [
        (json!("uniform"), "uniform"),
        (json!("normal"), "normal"),
        (
            json!({"normal": {"mean": 41, "stddev": 12}}),
            "normal(41, 12)",
        ),
        (json!({"normal": {"stddev": 12.5}}), "normal(middle, 12.5)"),
        (
            json!({"lognormal": {"mu": 3, "sigma": 0.25}}),
            "lognormal(3, 0.25)",
        ),
        (
            json!({"exponential": {"rate": 0.3333333}}),
            "exponential(rate=0.3333)",
        ),
        (json!({"triangular": {"mode": 30}}), "triangular(mode=30)"),
        (json!({"beta": {"alpha": 2, "beta": 5}}), "beta(2, 5)"),
        (
            json!({"gamma": {"shape": 2, "scale": 3}}),
            "gamma(shape=2, scale=3)",
        ),
        (json!({"poisson": {"lambda": 2.5}}), "poisson(2.5)"),
        (json!({"zipf": {"s": 1.6}}), "zipf(s=1.6)"),
        (json!("benford"), "benford"),
        (
            json!({"histogram": [[0, 1, 1], [1, 2, 1], [2, 3, 1]]}),
            "histogram(3 bins)",
        ),
    ];
    for (knob, label) in labels {
        assert_eq!(spec(knob).describe(), label);
    }
}

/// Parses a knob that must fail; returns (message, path).
fn error(knob: Value) -> (String, String) {
    let e = DistributionSpec::parse(&knob).unwrap_err();
    (e.to_string(), e.path())
}

#[test]
fn parse_error_wrong_json_type() {
    let (message, path) = error(json!(42));
    assert!(
        message.starts_with("expected a distribution: a name such as \"normal\""),
        "{message}"
    );
    assert!(message.ends_with("found 42"));
    assert_eq!(path, "");
}

#[test]
fn parse_error_not_one_key() {
    let (message, _) = error(json!({"normal": {}, "zipf": {"s": 1}}));
    assert!(
        message.contains("found 2 keys (\"normal\", \"zipf\")"),
        "{message}"
    );
    assert!(error(json!({})).0.contains("found 0 keys"));
}

#[test]
fn parse_error_unknown_name_lists_the_known_ones() {
    let (message, path) = error(json!("gaussian"));
    assert_eq!(
        message,
        "unknown distribution \"gaussian\"; known distributions: uniform, normal, lognormal, exponential, triangular, beta, gamma, poisson, zipf, benford, histogram"
    );
    assert_eq!(path, "");
    assert!(
        error(json!({"pareto": {"a": 1}}))
            .0
            .starts_with("unknown distribution \"pareto\"")
    );
}

#[test]
fn parse_error_bare_name_that_needs_parameters() {
    let (message, _) = error(json!("poisson"));
    assert_eq!(
        message,
        r#""poisson" needs parameters; write {"poisson": {"lambda": 2.5}}"#
    );
    assert!(
        error(json!("histogram"))
            .0
            .contains("[[0, 10, 3], [10, 100, 1]]")
    );
}

#[test]
fn parse_error_parameters_not_an_object() {
    let (message, path) = error(json!({"normal": [40, 9]}));
    assert_eq!(
        message,
        r#"the parameters of "normal" must be an object such as {"normal": {"mean": 40, "stddev": 9}}; found [40,9]"#
    );
    assert_eq!(path, "/normal");
}

#[test]
fn parse_error_missing_parameter() {
    let (message, path) = error(json!({"gamma": {"shape": 2}}));
    assert_eq!(
        message,
        r#""gamma" is missing its parameter "scale"; write {"gamma": {"shape": 2, "scale": 10}}"#
    );
    assert_eq!(path, "/gamma");
}

#[test]
fn parse_error_extra_parameter() {
    let (message, path) = error(json!({"normal": {"mean": 1, "sd": 2}}));
    assert_eq!(
        message,
        r#""normal" has no parameter "sd"; its parameters are: mean, stddev"#
    );
    assert_eq!(path, "/normal/sd");
    let (message, path) = error(json!({"benford": {"base": 10}}));
    assert_eq!(
        message,
        r#""benford" has no parameter "base"; it takes none: write "benford""#
    );
    assert_eq!(path, "/benford/base");
}

#[test]
fn parse_error_non_numeric_parameter() {
    let (message, path) = error(json!({"normal": {"mean": "40"}}));
    assert_eq!(
        message,
        r#""normal" parameter "mean" must be a number; found "40""#
    );
    assert_eq!(path, "/normal/mean");
}

#[test]
fn parse_error_parameters_out_of_range() {
    let cases = [
        (
            json!({"normal": {"stddev": 0}}),
            "/normal/stddev",
            "greater than 0; found 0",
        ),
        (
            json!({"lognormal": {"mu": 0, "sigma": -1}}),
            "/lognormal/sigma",
            "greater than 0; found -1",
        ),
        (
            json!({"exponential": {"rate": 0}}),
            "/exponential/rate",
            "greater than 0",
        ),
        (
            json!({"beta": {"alpha": 0, "beta": 1}}),
            "/beta/alpha",
            "greater than 0",
        ),
        (
            json!({"beta": {"alpha": 1, "beta": -2}}),
            "/beta/beta",
            "greater than 0",
        ),
        (
            json!({"gamma": {"shape": -1, "scale": 1}}),
            "/gamma/shape",
            "greater than 0",
        ),
        (
            json!({"gamma": {"shape": 1, "scale": 0}}),
            "/gamma/scale",
            "greater than 0",
        ),
        (
            json!({"poisson": {"lambda": 0}}),
            "/poisson/lambda",
            "greater than 0 and at most 1.8e19",
        ),
        (
            json!({"poisson": {"lambda": 1e20}}),
            "/poisson/lambda",
            "at most 1.8e19",
        ),
        (json!({"zipf": {"s": 0}}), "/zipf/s", "greater than 0"),
    ];
    for (knob, expected_path, expected_rule) in cases {
        let (message, path) = error(knob);
        assert!(message.contains(expected_rule), "{message}");
        assert_eq!(path, expected_path);
    }
    assert_eq!(
        error(json!({"normal": {"stddev": -3}})).0,
        r#""normal" parameter "stddev" must be greater than 0; found -3"#
    );
}

#[test]
fn parse_error_histogram_shapes() {
    let (message, path) = error(json!({"histogram": []}));
    assert!(
        message.starts_with(r#""histogram" must be a non-empty array of bins [low, high, weight]"#),
        "{message}"
    );
    assert_eq!(path, "/histogram");
    let (message, path) = error(json!({"histogram": [[0, 1, 1], [1, 2]]}));
    assert_eq!(
        message,
        "histogram bin 1 must be [low, high, weight], three numbers; found [1,2]"
    );
    assert_eq!(path, "/histogram/1");
    assert!(
        error(json!({"histogram": [[0, "a", 1]]}))
            .0
            .contains("three numbers")
    );
    let (message, path) = error(json!({"histogram": [[5, 5, 1]]}));
    assert_eq!(
        message,
        "histogram bin 0 is empty: its low 5 must be below its high 5"
    );
    assert_eq!(path, "/histogram/0");
    let (message, path) = error(json!({"histogram": [[0, 1, -1]]}));
    assert_eq!(
        message,
        "histogram bin 0 has weight -1; weights must be 0 or more"
    );
    assert_eq!(path, "/histogram/0/2");
    let (message, path) = error(json!({"histogram": [[0, 1, 0], [1, 2, 0]]}));
    assert_eq!(
        message,
        "every histogram weight is 0; give at least one bin a positive weight"
    );
    assert_eq!(path, "/histogram");
}

#[test]
fn error_paths_escape_json_pointer_tokens() {
    assert_eq!(pointer(&["a/b", "c~d"]), "/a~1b/c~0d");
}

// ---- determinism and sampler properties ----

#[test]
fn the_same_seed_gives_the_same_values() {
    let knobs = [
        json!("normal"),
        json!({"lognormal": {"mu": 1, "sigma": 1}}),
        json!({"gamma": {"shape": 2, "scale": 3}}),
        json!({"poisson": {"lambda": 4}}),
        json!({"zipf": {"s": 1.2}}),
        json!("benford"),
        json!({"histogram": [[0, 10, 1], [10, 100, 2]]}),
    ];
    for knob in knobs {
        let sampler = spec(knob.clone()).bind_float(1.0, 100.0).unwrap();
        assert_eq!(
            floats(&sampler, 100, 36),
            floats(&sampler, 100, 36),
            "{knob}"
        );
        assert_ne!(
            floats(&sampler, 100, 36),
            floats(&sampler, 100, 37),
            "{knob}"
        );
        let sampler = spec(knob.clone()).bind_int(1, 100).unwrap();
        assert_eq!(ints(&sampler, 100, 36), ints(&sampler, 100, 36), "{knob}");
    }
}

#[test]
fn samplers_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync + Clone + std::fmt::Debug>() {}
    shareable::<IntSampler>();
    shareable::<FloatSampler>();
}

fn any_spec() -> impl Strategy<Value = DistributionSpec> {
    use DistributionSpec as D;
    let maybe = |r: std::ops::Range<f64>| proptest::option::of(r);
    prop_oneof![
        Just(D::Uniform),
        (maybe(-1e4..1e4), maybe(1e-3..1e4)).prop_map(|(mean, stddev)| D::Normal { mean, stddev }),
        (-5.0..10.0, 0.01..4.0).prop_map(|(mu, sigma)| D::LogNormal { mu, sigma }),
        (1e-4..100.0).prop_map(|rate| D::Exponential { rate }),
        maybe(-1e4..1e4).prop_map(|mode| D::Triangular { mode }),
        (0.05..20.0, 0.05..20.0).prop_map(|(alpha, beta)| D::Beta { alpha, beta }),
        (0.05..50.0, 1e-3..1e3).prop_map(|(shape, scale)| D::Gamma { shape, scale }),
        (0.01..1e4).prop_map(|lambda| D::Poisson { lambda }),
        (0.01..5.0).prop_map(|s| D::Zipf { s }),
        Just(D::Benford),
        proptest::collection::vec((-1e4..1e4, 1e-3..1e4, 0.0..10.0), 1..5).prop_map(|bins| {
            D::Histogram(
                bins.into_iter()
                    .map(|(lo, w, weight)| (lo, lo + w, weight))
                    .collect(),
            )
        }),
    ]
}

fn any_int_bounds() -> impl Strategy<Value = (i64, i64)> {
    prop_oneof![
        (-10_000i64..10_000, 0i64..10_000).prop_map(|(lo, width)| (lo, lo + width)),
        (-1_000_000_000i64..1_000_000_000, 0i64..1_000_000_000_000)
            .prop_map(|(lo, width)| (lo, lo + width)),
        Just((i64::MIN, i64::MAX)),
        Just((0, 0)),
    ]
}

fn any_float_bounds() -> impl Strategy<Value = (f64, f64)> {
    prop_oneof![
        (-1e4..1e4, 0.0..1e4).prop_map(|(lo, width)| (lo, lo + width)),
        (-1e9..1e9, 1e-9..1e-3).prop_map(|(lo, width)| (lo, lo + width)),
        Just((-1e308, 1e308)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Either binding refuses, or every draw lies in the bounds (and drawing ends).
    #[test]
    fn every_draw_is_in_bounds(knob in any_spec(), (lo, hi) in any_int_bounds(), (flo, fhi) in any_float_bounds(), seed in any::<u64>()) {
        let mut rng = crate::rng::rng_for(seed);
        if let Ok(sampler) = knob.bind_int(lo, hi) {
            for _ in 0..200 {
                let k = sampler.sample(&mut rng);
                prop_assert!((lo..=hi).contains(&k), "{k} outside [{lo}, {hi}] for {knob:?}");
            }
        }
        if let Ok(sampler) = knob.bind_float(flo, fhi) {
            for _ in 0..200 {
                let x = sampler.sample(&mut rng);
                prop_assert!((flo..=fhi).contains(&x), "{x} outside [{flo}, {fhi}] for {knob:?}");
            }
        }
    }
}

/// `cargo test --release --lib generate::distribution -- --ignored --nocapture`
#[test]
#[ignore = "timing, run in release"]
fn measure_nanoseconds_per_draw() {
    let cases = [
        ("uniform", json!("uniform")),
        ("normal", json!({"normal": {"mean": 50, "stddev": 10}})),
        (
            "normal tail (inversion)",
            json!({"normal": {"mean": 0, "stddev": 1}}),
        ),
        ("lognormal", json!({"lognormal": {"mu": 2, "sigma": 0.5}})),
        ("exponential", json!({"exponential": {"rate": 0.1}})),
        ("gamma", json!({"gamma": {"shape": 2, "scale": 5}})),
        ("poisson", json!({"poisson": {"lambda": 4}})),
        ("zipf", json!({"zipf": {"s": 1.2}})),
        ("benford", json!("benford")),
        (
            "histogram",
            json!({"histogram": [[0, 10, 3], [10, 20, 1], [20, 100, 6]]}),
        ),
    ];
    let draws = 5_000_000;
    for (name, knob) in cases {
        let knob = spec(knob);
        let (lo, hi) = if name.contains("tail") {
            (3.0, 4.0)
        } else {
            (1.0, 100.0)
        };
        let floats = knob.bind_float(lo, hi).unwrap();
        let ints = knob
            .bind_int(lo as i64, 1_000_000)
            .unwrap_or_else(|_| knob.bind_int(1, 100).unwrap());
        let mut rng = crate::rng::rng_for(1);
        let start = std::time::Instant::now();
        let mut sum = 0.0;
        for _ in 0..draws {
            sum += floats.sample(&mut rng);
        }
        let float_ns = start.elapsed().as_nanos() as f64 / draws as f64;
        let start = std::time::Instant::now();
        let mut total = 0i64;
        for _ in 0..draws {
            total = total.wrapping_add(ints.sample(&mut rng));
        }
        let int_ns = start.elapsed().as_nanos() as f64 / draws as f64;
        std::hint::black_box((sum, total));
        println!("{name:<26} float {float_ns:6.1} ns/draw   int {int_ns:6.1} ns/draw");
    }
}

/// Every sampler's `cdf` is the law of its own draws: the KS distance of a sample to it
/// stays below the α = 0.001 limit, for reals and, on every integer, for integers.
#[test]
fn cdfs_describe_the_samplers_own_draws() {
    let n = 20_000;
    let floats_specs = [
        (json!("uniform"), 0.0, 10.0),
        (json!({"normal": {"mean": 3, "stddev": 2}}), 0.0, 10.0),
        (json!({"lognormal": {"mu": 3.2, "sigma": 0.9}}), 0.0, 5000.0),
        (json!({"exponential": {"rate": 0.5}}), 1.0, 4.0),
        (json!({"triangular": {"mode": 2}}), 0.0, 10.0),
        (json!({"beta": {"alpha": 2, "beta": 5}}), -1.0, 1.0),
        (json!({"gamma": {"shape": 2, "scale": 3}}), 0.0, 50.0),
        (json!("benford"), 1.0, 1e6),
        (json!({"histogram": [[0, 10, 3], [10, 100, 1]]}), 0.0, 50.0),
    ];
    for (seed, (knob, lo, hi)) in floats_specs.into_iter().enumerate() {
        let sampler = spec(knob.clone()).bind_float(lo, hi).unwrap();
        assert_eq!(
            (sampler.cdf(lo - 1.0), sampler.cdf(hi)),
            (0.0, 1.0),
            "{knob}"
        );
        assert_ks(floats(&sampler, n, seed as u64), |x| sampler.cdf(x));
    }
    let int_specs = [
        (json!("uniform"), 1, 6),
        (json!({"normal": {"mean": 40, "stddev": 12}}), 18, 99),
        (json!({"poisson": {"lambda": 2.5}}), 1, 20),
        (json!({"zipf": {"s": 1.6}}), 1, 50),
        (json!({"zipf": {"s": 1.1}}), 1, 100_000),
        (json!({"lognormal": {"mu": 1, "sigma": 1}}), 0, 1000),
        (json!({"histogram": [[1, 5, 1], [5, 9, 3]]}), 1, 8),
    ];
    for (seed, (knob, lo, hi)) in int_specs.into_iter().enumerate() {
        let sampler = spec(knob.clone()).bind_int(lo, hi).unwrap();
        let mut draws = ints(&sampler, n, 100 + seed as u64);
        draws.sort_unstable();
        let mut worst: f64 = 0.0;
        let mut at = 0;
        for k in [lo - 1].into_iter().chain(draws.iter().copied()) {
            while at < draws.len() && draws[at] <= k {
                at += 1;
            }
            worst = worst.max((at as f64 / n as f64 - sampler.cdf(k)).abs());
        }
        assert!(worst < 1.95 / (n as f64).sqrt(), "{knob}: distance {worst}");
        assert_eq!(sampler.cdf(hi), 1.0);
    }
}

#[test]
fn incomplete_beta_matches_closed_forms() {
    use super::special::beta_inc;
    for x in [0.0, 0.1, 0.37, 0.5, 0.9, 1.0] {
        // I_x(1, 1) = x; I_x(2, 1) = x²; I_x(1, 3) = 1 − (1 − x)³.
        assert!((beta_inc(1.0, 1.0, x) - x).abs() < 1e-12, "{x}");
        assert!((beta_inc(2.0, 1.0, x) - x * x).abs() < 1e-12, "{x}");
        assert!((beta_inc(1.0, 3.0, x) - (1.0 - (1.0 - x).powi(3))).abs() < 1e-12);
    }
    // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a).
    let (a, b, x) = (2.5, 7.0, 0.3);
    assert!((beta_inc(a, b, x) + beta_inc(b, a, 1.0 - x) - 1.0).abs() < 1e-12);
}
