package dev.microstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** An {@link SSLContext} trusting exactly the CA certificates of a PEM file. */
final class PemTrust {
  private PemTrust() {}

  /**
   * Builds the context: PEM certificates → in-memory key store → trust manager → TLS context.
   *
   * @throws ExitException (invalid input) when the file holds no readable certificate
   */
  static SSLContext sslContext(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw ExitException.invalidInput("--tls-ca file " + pem + " holds no certificate");
      }
      KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
      trustStore.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trustStore.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw ExitException.invalidInput(
          "--tls-ca file " + pem + " is not a PEM CA certificate: " + e.getMessage(), e);
    }
  }
}
