//! HTTPS for `serve --tls-cert FILE --tls-key FILE`: the certificate chain and its private key
//! (PEM files, as Let's Encrypt or a campus authority hands them out) loaded into rustls on the
//! ring provider, HTTP/1.1 only. Without them the server speaks plain HTTP, which is right on
//! loopback or behind a reverse proxy that holds the certificate.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring::default_provider;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};
use crate::files::read_regular;

/// Largest PEM file read (a chain of a few certificates is a few kB).
const MAX_PEM_BYTES: u64 = 1 << 20;

/// An acceptor for the chain in `cert` (leaf first) and the key in `key`; the error names the
/// flag and the file.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor> {
    let read = |flag: &str, path: &Path| {
        read_regular(path, MAX_PEM_BYTES)
            .map_err(|e| Error::Config(format!("--{flag}: cannot read {} ({e})", path.display())))
    };
    let cert_pem = read("tls-cert", cert)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| {
            Error::Config(format!(
                "--tls-cert: {} is not a PEM certificate chain ({e})",
                cert.display()
            ))
        })?;
    if chain.is_empty() {
        return Err(Error::Config(format!(
            "--tls-cert: {} holds no certificate (expected -----BEGIN CERTIFICATE-----)",
            cert.display()
        )));
    }
    let key_pem = read("tls-key", key)?;
    let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        Error::Config(format!(
            "--tls-key: {} holds no PEM private key ({e})",
            key.display()
        ))
    })?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("--tls-cert: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| {
            Error::Config(format!(
                "--tls-key: {} does not go with the certificate of --tls-cert ({e})",
                key.display()
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
