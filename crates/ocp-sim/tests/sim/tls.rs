//! HTTPS with `--tls-cert` / `--tls-key` (rustls).

use std::path::PathBuf;

use ocp_sim::{Phase, Sim, SimConfig};

use crate::support::{run_bin, spawn_bin, Client, TempDir};

/// A self-signed certificate for 127.0.0.1 and localhost: (dir, cert path, key path, cert PEM).
fn certificate() -> (TempDir, PathBuf, PathBuf, String) {
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".into()])
        .expect("generate certificate");
    let dir = TempDir::new("tls");
    let cert = dir.path("cert.pem");
    let key = dir.path("key.pem");
    let pem = ck.cert.pem();
    std::fs::write(&cert, &pem).expect("write cert");
    std::fs::write(&key, ck.signing_key.serialize_pem()).expect("write key");
    (dir, cert, key, pem)
}

fn trusting(pem: &str) -> reqwest::Client {
    let cert = reqwest::Certificate::from_pem(pem.as_bytes()).expect("certificate");
    reqwest::Client::builder()
        .tls_certs_only([cert])
        .build()
        .expect("client")
}

#[tokio::test]
async fn serves_https_with_the_given_certificate() {
    let (_dir, cert, key, pem) = certificate();
    let sim = Sim::start(SimConfig {
        tls_cert: Some(cert),
        tls_key: Some(key),
        ..SimConfig::default()
    })
    .await
    .expect("start https sim");
    assert!(sim.url().starts_with("https://127.0.0.1:"), "{}", sim.url());
    let c = Client::with_http(&sim, trusting(&pem));
    let r = c.get("/api/v2/time").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["successful"], true);
    // The admin API and the faults work over TLS too, including a dropped connection.
    sim.state().reset_next_requests(1, Phase::Before);
    let e = c
        .try_send(reqwest::Method::GET, "/api/v2/time", None)
        .await
        .expect_err("reset over TLS");
    assert!(e.status().is_none(), "{e}");
    assert_eq!(c.get("/_sim/requests").await.status, 200);
    // Plain HTTP on the TLS port fails, and so does a client that does not trust the cert.
    let plain = sim.url().replace("https://", "http://");
    assert!(reqwest::get(format!("{plain}/api/v2/time")).await.is_err());
    assert!(reqwest::get(format!("{}/api/v2/time", sim.url()))
        .await
        .is_err());
}

#[tokio::test]
async fn tls_configuration_errors_are_clear() {
    let (dir, cert, key, _) = certificate();
    let start = |cert: Option<PathBuf>, key: Option<PathBuf>| {
        Sim::start(SimConfig {
            tls_cert: cert,
            tls_key: key,
            ..SimConfig::default()
        })
    };
    let err = start(Some(cert.clone()), None).await.expect_err("no key");
    assert!(err.to_string().contains("private key"), "{err}");
    let err = start(None, Some(key.clone())).await.expect_err("no cert");
    assert!(err.to_string().contains("certificate"), "{err}");
    let missing = dir.path("missing.pem");
    let err = start(Some(missing.clone()), Some(key.clone()))
        .await
        .expect_err("missing cert");
    assert!(err.to_string().contains("missing.pem"), "{err}");
    let junk = dir.path("junk.pem");
    std::fs::write(&junk, "not a pem").expect("write");
    let err = start(Some(junk.clone()), Some(key.clone()))
        .await
        .expect_err("junk cert");
    assert!(err.to_string().contains("junk.pem"), "{err}");
    let err = start(Some(cert.clone()), Some(junk))
        .await
        .expect_err("junk key");
    assert!(err.to_string().contains("junk.pem"), "{err}");
    // A key that does not belong to the certificate.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("gen");
    let other_key = dir.path("other-key.pem");
    std::fs::write(&other_key, other.signing_key.serialize_pem()).expect("write");
    let err = start(Some(cert.clone()), Some(other_key))
        .await
        .expect_err("mismatched key");
    assert!(err.to_string().contains("pair"), "{err}");

    let cert_arg = cert.to_string_lossy().into_owned();
    let (ok, stderr) = run_bin(&["--listen", "127.0.0.1:0", "--tls-cert", &cert_arg]);
    assert!(!ok);
    assert!(stderr.contains("--tls-key"), "{stderr}");
    let missing_arg = missing.to_string_lossy().into_owned();
    let key_arg = key.to_string_lossy().into_owned();
    let (ok, stderr) = run_bin(&[
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        &missing_arg,
        "--tls-key",
        &key_arg,
    ]);
    assert!(!ok);
    assert!(stderr.contains("missing.pem"), "{stderr}");
}

#[tokio::test]
async fn cli_prints_the_https_url() {
    let (_dir, cert, key, pem) = certificate();
    let cert_arg = cert.to_string_lossy().into_owned();
    let key_arg = key.to_string_lossy().into_owned();
    let (mut child, url) = spawn_bin(&[
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        &cert_arg,
        "--tls-key",
        &key_arg,
    ])
    .await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let mut c = Client::at(&url, "admin", "aaAA11__");
    c.http = trusting(&pem);
    assert_eq!(c.get("/api/v2/time").await.status, 200);
    let _ = child.kill();
    let _ = child.wait();
}
