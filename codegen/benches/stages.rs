//! Time per stage of the converter (parse, build, YAML) on the large inputs in `../shared`:
//! `cargo bench -p codegen --bench stages`, best of `STAGE_RUNS` runs (default 5). The
//! whole-process comparison with the peer converter is `cargo xtask bench`.

use std::time::{Duration, Instant};

fn main() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let runs: usize = std::env::var("STAGE_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    for rel in [
        "belvo/belvo.postman_collection.json",
        "corpus/postman2openapi/github.postman.json",
    ] {
        let Ok(text) = std::fs::read_to_string(shared.join(rel)) else {
            eprintln!("{rel}: not found under {}; skipped", shared.display());
            continue;
        };
        let mut best = [Duration::MAX; 3];
        for _ in 0..runs {
            let t0 = Instant::now();
            let collection = codegen::postman::parse(&text).expect("the input parses");
            let t1 = Instant::now();
            let (document, _) = codegen::openapi::build(collection).expect("the input converts");
            let t2 = Instant::now();
            std::hint::black_box(codegen::to_yaml(&document));
            let t3 = Instant::now();
            for (best, took) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2]) {
                *best = (*best).min(took);
            }
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{rel}: parse {:.1} ms, build {:.1} ms, yaml {:.1} ms",
            ms(best[0]),
            ms(best[1]),
            ms(best[2])
        );
    }
}
