//! Stage timings of the converter on the large inputs in `../shared`
//! (`cargo bench -p codegen --bench stages`).

use std::time::Instant;

fn main() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    for rel in [
        "belvo/belvo.postman_collection.json",
        "corpus/postman2openapi/github.postman.json",
    ] {
        let text = std::fs::read_to_string(shared.join(rel)).expect("input");
        let mut best = [f64::MAX; 4];
        let runs: usize = std::env::var("STAGE_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
        for _ in 0..runs {
            let t0 = Instant::now();
            let collection = codegen::postman::parse(&text).unwrap();
            let t1 = Instant::now();
            let (document, _) = codegen::openapi::build(collection).unwrap();
            let t2 = Instant::now();
            let spec: openapiv3::OpenAPI = serde_json::from_value(document).unwrap();
            let t3 = Instant::now();
            let yaml = codegen::to_yaml(&spec).unwrap();
            let t4 = Instant::now();
            std::hint::black_box(yaml);
            for (i, d) in [t1 - t0, t2 - t1, t3 - t2, t4 - t3].iter().enumerate() {
                best[i] = best[i].min(d.as_secs_f64() * 1e3);
            }
        }
        println!(
            "{rel}: parse {:.1} ms, build {:.1} ms, from_value {:.1} ms, yaml {:.1} ms",
            best[0], best[1], best[2], best[3]
        );
    }
}
