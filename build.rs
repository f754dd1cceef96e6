//! Compiles `proto/` into Rust with a pure-Rust protobuf compiler (protox), so no
//! system `protoc` is needed. Server code for the services we serve; client code
//! too, because the protocol tests drive the server in-process.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = ["proto/tfplugin5.proto", "proto/plugin.proto"];
    for p in &protos {
        println!("cargo:rerun-if-changed={p}");
    }
    let fds = protox::compile(protos, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .build_transport(false)
        .compile_fds(fds)?;
    Ok(())
}
