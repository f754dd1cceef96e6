//! The plugin binary Terraform starts. `--debug` serves for `TF_REATTACH_PROVIDERS` instead;
//! `--version` prints the version.

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args()
        .skip(1)
        .any(|a| a == "--version" || a == "-version" || a == "-v")
    {
        println!(
            "terraform-provider-ocp {}",
            terraform_provider_ocp::logging::VERSION
        );
        return ExitCode::SUCCESS;
    }
    let debug = std::env::args()
        .skip(1)
        .any(|a| a == "--debug" || a == "-debug");
    if !debug && !terraform_provider_ocp::protocol::check_magic_cookie() {
        eprintln!(
            "terraform-provider-ocp is a Terraform plugin: Terraform starts it itself.\n\
             Use it from a Terraform configuration that requires the provider \"oceanbase/ocp\" \
             (terraform init, plan, apply); do not run it directly.\n\
             To attach a debugger, run it with --debug and follow the instructions it prints."
        );
        return ExitCode::from(1);
    }
    terraform_provider_ocp::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-ocp: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let core = terraform_provider_ocp::provider_core();
    match runtime.block_on(terraform_provider_ocp::protocol::serve(core, debug)) {
        Ok(()) => {
            runtime.shutdown_timeout(std::time::Duration::from_millis(100));
            ExitCode::SUCCESS
        }
        Err(e) => {
            log::error!("plugin failed: {e}");
            eprintln!("terraform-provider-ocp: {e}");
            ExitCode::from(1)
        }
    }
}
