//! The plugin process and its RPCs: the magic cookie, the handshake line, SIGINT, Shutdown,
//! and every Provider RPC answering with diagnostics (never a panic) on bad input.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use terraform_provider_ocp::protocol::proto::plugin as gp;
use terraform_provider_ocp::protocol::proto::tfplugin5 as pb;
use terraform_provider_ocp::protocol::proto::tfplugin5::provider_server::Provider;
use terraform_provider_ocp::protocol::proto::tfplugin5::provisioner_server::Provisioner;
use terraform_provider_ocp::protocol::server::{NoProvisioners, ProviderService};
use terraform_provider_ocp::protocol::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use tonic::Request;

use crate::support::{record, runtime};

const PLUGIN: &str = env!("CARGO_BIN_EXE_terraform-provider-ocp");

#[test]
fn running_by_hand_says_it_is_a_plugin_and_exits_non_zero() {
    let out = Command::new(PLUGIN)
        .env_remove(MAGIC_COOKIE_KEY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a Terraform plugin"), "{err}");
    assert!(out.stdout.is_empty());
}

fn client_cert_pem() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.self_signed(&key).unwrap().pem()
}

struct Plugin {
    child: std::process::Child,
    line: String,
    started: Duration,
}

fn start_plugin(tls: bool) -> Plugin {
    let mut cmd = Command::new(PLUGIN);
    cmd.env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if tls {
        cmd.env("PLUGIN_CLIENT_CERT", client_cert_pem());
    }
    let t0 = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Plugin {
        child,
        line: line.trim_end().to_string(),
        started: t0.elapsed(),
    }
}

/// Ends a plugin the way a supervisor would (SIGTERM), so it removes its socket file.
fn terminate(child: &mut std::process::Child) {
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    child.wait().unwrap();
}

#[test]
fn the_handshake_line_announces_protocol_5_on_a_unix_socket_with_an_unpadded_certificate() {
    let mut p = start_plugin(true);
    let parts: Vec<&str> = p.line.split('|').collect();
    assert_eq!(parts.len(), 6, "{}", p.line);
    assert_eq!(&parts[..3], &["1", "5", "unix"]);
    assert_eq!(parts[4], "grpc");
    assert!(std::path::Path::new(parts[3]).exists(), "socket exists");
    assert!(
        parts[5].len() > 50 && !parts[5].contains('='),
        "unpadded base64 DER: {}",
        parts[5]
    );
    eprintln!("start-to-handshake (mTLS): {:?}", p.started);
    terminate(&mut p.child);
}

#[test]
fn sigterm_exits_cleanly_and_removes_the_socket_file() {
    let mut p = start_plugin(true);
    let socket = p.line.split('|').nth(3).unwrap().to_string();
    assert!(std::path::Path::new(&socket).exists(), "{}", p.line);
    let pid = p.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = p.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(3),
            "the plugin did not exit within 3 s of SIGTERM"
        );
        // Polling a condition (the plugin's exit) with a deadline.
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        !std::path::Path::new(&socket).exists(),
        "socket file {socket} removed"
    );
}

#[test]
fn a_client_certificate_that_does_not_parse_stops_the_plugin() {
    let out = Command::new(PLUGIN)
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_CLIENT_CERT", "garbage")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no handshake line");
    assert!(String::from_utf8_lossy(&out.stderr).contains("PLUGIN_CLIENT_CERT"));
}

#[test]
fn sigint_is_ignored_and_shutdown_exits_cleanly() {
    let mut p = start_plugin(false);
    let parts: Vec<String> = p.line.split('|').map(str::to_string).collect();
    assert_eq!(
        parts[5], "",
        "plaintext when Terraform sends no certificate"
    );
    let socket = parts[3].clone();
    let pid = p.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    // Proving that nothing happens needs a wait: a plugin that obeyed SIGINT would be gone
    // within a few milliseconds; 200 ms is the window in which it must stay alive.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        p.child.try_wait().unwrap().is_none(),
        "the plugin survived SIGINT"
    );

    runtime().block_on(async {
        let path = socket.clone();
        let channel = tonic::transport::Endpoint::try_from("http://localhost")
            .unwrap()
            .connect_with_connector(tower::service_fn(move |_| {
                let path = path.clone();
                async move {
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                        tokio::net::UnixStream::connect(path).await?,
                    ))
                }
            }))
            .await
            .unwrap();
        let mut ctl = gp::grpc_controller_client::GrpcControllerClient::new(channel);
        ctl.shutdown(gp::Empty {}).await.unwrap();
    });
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = p.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(2),
            "the plugin did not exit within 2 s of Shutdown"
        );
        // Polling a condition (the plugin's exit) with a deadline.
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        !std::path::Path::new(&socket).exists(),
        "socket file removed"
    );
}

fn service() -> ProviderService {
    ProviderService::new(std::sync::Arc::new(terraform_provider_ocp::provider_core()))
}

fn msgpack(bytes: &[u8]) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: bytes.to_vec(),
        json: vec![],
    })
}

#[test]
fn get_schema_lists_the_provider_block_and_data_sources() {
    let r = runtime()
        .block_on(service().get_schema(Request::new(pb::get_provider_schema::Request {})))
        .unwrap()
        .into_inner();
    assert!(r.provider.is_some());
    assert!(r.data_source_schemas.contains_key("ocp_cluster"));
    assert!(r.data_source_schemas.contains_key("ocp_clusters"));
    assert!(r.diagnostics.is_empty());
}

#[test]
fn undecodable_values_are_error_diagnostics_not_panics() {
    let svc = service();
    let rt = runtime();
    for bytes in [
        &[0xc1u8][..],
        &[0x81, 0xa1],
        &[0xdf, 0xff, 0xff, 0xff, 0xff],
        &[0x92, 0xc0],
    ] {
        let r = rt
            .block_on(svc.validate_data_source_config(Request::new(
                pb::validate_data_source_config::Request {
                    type_name: "ocp_cluster".into(),
                    config: msgpack(bytes),
                },
            )))
            .unwrap()
            .into_inner();
        assert_eq!(r.diagnostics.len(), 1, "{bytes:?}");
        assert_eq!(
            r.diagnostics[0].severity,
            pb::diagnostic::Severity::Error as i32
        );
        let r = rt
            .block_on(svc.prepare_provider_config(Request::new(
                pb::prepare_provider_config::Request {
                    config: msgpack(bytes),
                },
            )))
            .unwrap()
            .into_inner();
        assert_eq!(
            r.diagnostics[0].severity,
            pb::diagnostic::Severity::Error as i32
        );
    }
    record(
        "bad msgpack/JSON (protocol side)",
        "error diagnostics, 0 panics",
        "4 undecodable msgpack payloads on 2 RPCs: error diagnostics",
        "0 panics (fuzzing: fuzz/README.md)",
        true,
    );
}

#[test]
fn unknown_type_names_are_error_diagnostics() {
    let svc = service();
    let rt = runtime();
    let r = rt
        .block_on(svc.read_resource(Request::new(pb::read_resource::Request {
            type_name: "ocp_nothing".into(),
            current_state: msgpack(&[0xc0]),
            private: b"keep".to_vec(),
            provider_meta: None,
        })))
        .unwrap()
        .into_inner();
    assert!(r.diagnostics[0].summary.contains("Unknown Resource Type"));
    assert_eq!(r.private, b"keep", "private is echoed");
    let r = rt
        .block_on(
            svc.plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: "ocp_nothing".into(),
                ..Default::default()
            })),
        )
        .unwrap()
        .into_inner();
    assert!(!r.legacy_type_system);
    assert_eq!(
        r.diagnostics[0].severity,
        pb::diagnostic::Severity::Error as i32
    );
    let r = rt
        .block_on(
            svc.upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
                type_name: "ocp_nothing".into(),
                version: 0,
                raw_state: None,
            })),
        )
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
    let r = rt
        .block_on(
            svc.import_resource_state(Request::new(pb::import_resource_state::Request {
                type_name: "ocp_nothing".into(),
                id: "1".into(),
            })),
        )
        .unwrap()
        .into_inner();
    assert!(r.imported_resources.is_empty());
    assert_eq!(r.diagnostics.len(), 1);
}

#[test]
fn provider_config_errors_carry_the_attribute_path() {
    use terraform_provider_ocp::value::{encode_msgpack, Value};
    let core = terraform_provider_ocp::provider_core();
    let ty = core.provider_schema().value_type();
    let mut cfg = core.provider_schema().block.empty_value();
    *cfg.get_mut("endpoint").unwrap() = Value::string("not a url");
    *cfg.get_mut("username").unwrap() = Value::Unknown;
    let bytes = encode_msgpack(&cfg, ty).unwrap();
    let r = runtime()
        .block_on(service().prepare_provider_config(Request::new(
            pb::prepare_provider_config::Request {
                config: msgpack(&bytes),
            },
        )))
        .unwrap()
        .into_inner();
    assert_eq!(
        r.diagnostics.len(),
        1,
        "unknown values are not errors: {:?}",
        r.diagnostics
    );
    let step = &r.diagnostics[0].attribute.as_ref().unwrap().steps[0];
    assert_eq!(
        step.selector,
        Some(pb::attribute_path::step::Selector::AttributeName(
            "endpoint".into()
        ))
    );
}

#[test]
fn stop_answers_at_once_and_provisioners_say_there_are_none() {
    let rt = runtime();
    let r = rt
        .block_on(service().stop(Request::new(pb::stop::Request {})))
        .unwrap()
        .into_inner();
    assert_eq!(r.error, "");
    let r = rt
        .block_on(NoProvisioners.get_schema(Request::new(pb::get_provisioner_schema::Request {})))
        .unwrap()
        .into_inner();
    assert!(r.diagnostics[0].detail.contains("no provisioners"));
}

/// Opens a TLS connection to the plugin's socket; `client` is the certificate and key to
/// present (None: none). Returns whether the handshake and one HTTP/2 preface round trip
/// succeeded.
fn tls_connects(
    socket: &str,
    server_cert_b64: &str,
    client: Option<(&str, &rcgen::KeyPair)>,
) -> bool {
    use base64::Engine;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(server_cert_b64)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(der)).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut config = match client {
        Some((pem, key)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_slice(pem.as_bytes()).unwrap()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    runtime().block_on(async move {
        let Ok(stream) = tokio::net::UnixStream::connect(socket).await else {
            return false;
        };
        let Ok(mut tls) = connector
            .connect(ServerName::try_from("localhost").unwrap(), stream)
            .await
        else {
            return false;
        };
        // TLS 1.3 reports a refused client certificate only on the first read.
        if tls
            .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            .await
            .is_err()
        {
            return false;
        }
        let mut buf = [0u8; 9];
        matches!(
            tokio::time::timeout(Duration::from_secs(5), tls.read_exact(&mut buf)).await,
            Ok(Ok(_))
        )
    })
}

#[test]
fn mtls_refuses_clients_without_terraforms_certificate() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let pem = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap()
        .pem();
    let other_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let other_pem = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .self_signed(&other_key)
        .unwrap()
        .pem();

    let mut child = Command::new(PLUGIN)
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .env("PLUGIN_CLIENT_CERT", &pem)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let parts: Vec<String> = line.trim_end().split('|').map(str::to_string).collect();
    let (socket, cert) = (parts[3].clone(), parts[5].clone());

    assert!(
        tls_connects(&socket, &cert, Some((&pem, &key))),
        "the certificate Terraform passed is accepted"
    );
    assert!(
        !tls_connects(&socket, &cert, None),
        "a client without a certificate is refused"
    );
    assert!(
        !tls_connects(&socket, &cert, Some((&other_pem, &other_key))),
        "another certificate is refused"
    );
    let plaintext_refused = runtime().block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::UnixStream::connect(&socket).await.unwrap();
        let _ = s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await;
        let mut buf = [0u8; 9];
        // The TLS server answers a plaintext HTTP/2 preface with an alert or a closed stream,
        // never with an HTTP/2 SETTINGS frame.
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(n)) => n == 0 || buf[0] == 0x15,
            _ => true,
        }
    });
    assert!(plaintext_refused, "plaintext gRPC is refused");
    terminate(&mut child);
    record(
        "mTLS",
        "3 of 3 refused",
        "no client certificate, another certificate, plaintext: each refused; Terraform's accepted",
        "3 of 3 refused",
        true,
    );
}
