//! Writes `docs/` from the provider's schemas and `examples/` (see `docs.rs`).
//! Usage: `cargo run --bin ocp-docs` from the repository root.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = terraform_provider_ocp::provider_core();
    let docs = terraform_provider_ocp::docs::render_all(&core, &root.join("examples"));
    for (rel, content) in docs {
        let path = root.join("docs").join(&rel);
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("ocp-docs: {}: {e}", dir.display());
                return ExitCode::from(1);
            }
        }
        if let Err(e) = std::fs::write(&path, content) {
            eprintln!("ocp-docs: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        println!("wrote docs/{rel}");
    }
    ExitCode::SUCCESS
}
