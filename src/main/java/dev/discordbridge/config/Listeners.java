package dev.discordbridge.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the node listens besides HTTP_PORT, and how the public port speaks.
 *
 * @param adminPort {@code ADMIN_PORT}: when set, /metrics, /health/* and /internal/events are served
 *     on this port only (plain HTTP on HTTP_HOST) and the public port answers 404 for them; null (the
 *     default) keeps them on the public port; 0 picks a free port (tests)
 * @param tlsCertFile {@code TLS_CERT_FILE}: a PEM certificate chain; with {@code tlsKeyFile} the public
 *     port speaks HTTPS with ALPN (HTTP/2, else HTTP/1.1); null: plain HTTP/1.1
 * @param tlsKeyFile {@code TLS_KEY_FILE}: the PEM private key (PKCS#8 or PKCS#1) of the certificate
 * @param http2MaxStreams {@code HTTP2_MAX_STREAMS}: concurrent streams a client may open on one HTTP/2
 *     connection (SETTINGS_MAX_CONCURRENT_STREAMS; one more is refused with RST_STREAM)
 */
public record Listeners(Integer adminPort, Path tlsCertFile, Path tlsKeyFile, int http2MaxStreams) {

  public boolean tls() {
    return tlsCertFile != null;
  }

  public Listeners withAdminPort(int port) {
    return new Listeners(port, tlsCertFile, tlsKeyFile, http2MaxStreams);
  }

  static Listeners from(ConfigReader r, int httpPort) {
    String admin = r.optional("ADMIN_PORT");
    Integer adminPort = admin == null ? null : r.integer("ADMIN_PORT", 0, 65535);
    if (adminPort != null && adminPort != 0 && adminPort == httpPort) {
      throw new ConfigException("ADMIN_PORT must differ from HTTP_PORT (" + httpPort + "), got " + adminPort);
    }
    Path cert = pem(r, "TLS_CERT_FILE");
    Path key = pem(r, "TLS_KEY_FILE");
    if ((cert == null) != (key == null)) {
      throw new ConfigException(cert == null ? "TLS_CERT_FILE is required when TLS_KEY_FILE is set"
          : "TLS_KEY_FILE is required when TLS_CERT_FILE is set");
    }
    return new Listeners(adminPort, cert, key, r.integer("HTTP2_MAX_STREAMS", 1, 10_000));
  }

  /** A PEM file that must exist and be readable now: a typo fails at start-up, not at the first handshake. */
  private static Path pem(ConfigReader r, String key) {
    if (r.optional(key) == null) {
      return null;
    }
    Path p = r.path(key);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new ConfigException(key + " must name a readable PEM file, got \"" + ConfigReader.shown(p.toString())
          + "\" (" + (Files.exists(p) ? "not a readable file" : "no such file") + ")");
    }
    return p;
  }
}
