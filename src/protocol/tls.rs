//! AutoMTLS as go-plugin does it (tfplugin5.md §1.3, §8).
//!
//! A fresh self-signed server certificate (P-256, SAN `localhost`) per process start, and a
//! client verifier pinned to the exact certificate Terraform passed in `PLUGIN_CLIENT_CERT`.
//! Terraform's certificate is a CA:TRUE P-521 certificate used as a leaf, which stock webpki
//! verification rejects, so the verifier compares DER bytes and hands the handshake signature
//! checks to the aws-lc-rs provider (which verifies ECDSA P-521/SHA-512).

use std::sync::Arc;

use base64::Engine;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, Error, ServerConfig,
    SignatureScheme,
};

/// A TLS server configuration and the certificate to announce in the handshake line.
pub struct ServerTls {
    /// rustls configuration requiring Terraform's client certificate.
    pub config: Arc<ServerConfig>,
    /// Base64 (standard alphabet, no padding) of the server certificate's DER.
    pub cert_b64: String,
}

/// Builds the server side of AutoMTLS from the PEM text of `PLUGIN_CLIENT_CERT`.
/// Fails (and the plugin refuses to start) when that certificate does not parse.
pub fn server_tls(client_cert_pem: &str) -> Result<ServerTls, String> {
    let client_cert = CertificateDer::from_pem_slice(client_cert_pem.as_bytes())
        .map_err(|e| format!("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {e}"))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());

    let key = rcgen::KeyPair::generate().map_err(|e| format!("generating the server key: {e}"))?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .map_err(|e| format!("server certificate parameters: {e}"))?;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(365);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "terraform-provider-ocp");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params
        .self_signed(&key)
        .map_err(|e| format!("signing the server certificate: {e}"))?;
    let cert_der = cert.der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));

    let verifier = PinnedClientCert {
        pinned: client_cert.into_owned(),
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![cert_der.clone()], key_der)
        .map_err(|e| format!("TLS server configuration: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(ServerTls {
        config: Arc::new(config),
        cert_b64: base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert_der.as_ref()),
    })
}

/// The handshake signature checks, each by rustls's function of the same name with the
/// crypto provider's algorithms.
macro_rules! verify_signatures {
    ($($method:ident),*) => {$(
        fn $method(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            $method(message, cert, dss, &self.algorithms)
        }
    )*};
}

/// Accepts exactly one client certificate, byte for byte.
#[derive(Debug)]
struct PinnedClientCert {
    pinned: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    verify_signatures!(verify_tls12_signature, verify_tls13_signature);

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The crypto provider used for the plugin's TLS (aws-lc-rs: it verifies P-521).
pub fn crypto_provider() -> CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_pem() -> String {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn handshake_certificate_is_unpadded_base64_der() {
        let tls = server_tls(&client_pem()).unwrap();
        assert!(!tls.cert_b64.contains('='));
        assert!(tls.cert_b64.len() > 50);
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&tls.cert_b64)
            .unwrap();
        assert_eq!(der[0], 0x30, "DER SEQUENCE");
    }

    #[test]
    fn a_client_certificate_that_does_not_parse_refuses_to_start() {
        let err = server_tls("not a certificate").err().unwrap();
        assert!(err.contains("PLUGIN_CLIENT_CERT"));
    }

    #[test]
    fn only_the_pinned_certificate_is_accepted_and_p521_is_offered() {
        let pem = client_pem();
        let pinned = CertificateDer::from_pem_slice(pem.as_bytes())
            .unwrap()
            .into_owned();
        let other = CertificateDer::from_pem_slice(client_pem().as_bytes()).unwrap();
        let v = PinnedClientCert {
            pinned: pinned.clone(),
            algorithms: crypto_provider().signature_verification_algorithms,
        };
        assert!(v.verify_client_cert(&pinned, &[], UnixTime::now()).is_ok());
        assert!(v.verify_client_cert(&other, &[], UnixTime::now()).is_err());
        assert!(v
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
        assert!(v.client_auth_mandatory());
    }
}
