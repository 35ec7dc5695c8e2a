package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.LoadBalancer;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTPS to an endpoint given as an IP address: the certificate is verified against the logical
 * service name (never against the IP, never skipped).
 */
class TlsTest {
  private final HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
  private final HeldCertificate ordersCertificate =
      new HeldCertificate.Builder().addSubjectAlternativeName("orders.test").signedBy(root).build();
  private final HandshakeCertificates trustRoot =
      new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
  private Backend backend;
  private LoadBalancer lb;

  @BeforeEach
  void start() throws Exception {
    HandshakeCertificates serverCertificates = new HandshakeCertificates.Builder().heldCertificate(ordersCertificate).build();
    backend = new Backend("secure", serverCertificates.sslSocketFactory());
    lb = LoadBalancer.builder("orders").endpoints(List.of(backend.endpoint())).build();
  }

  @AfterEach
  void stop() {
    for (OkHttpClient client : clients) {
      assertThat(client.connectionPool().connectionCount()).isEqualTo(client.connectionPool().idleConnectionCount());
      client.connectionPool().evictAll();
      client.dispatcher().executorService().shutdown();
    }
    lb.close();
    backend.close();
  }

  private OkHttpClient client(LoadBalancingInterceptor lbi) {
    OkHttpClient client =
        new OkHttpClient.Builder().addInterceptor(lbi).sslSocketFactory(trustRoot.sslSocketFactory(), trustRoot.trustManager()).build();
    clients.add(client);
    return client;
  }

  private final java.util.List<OkHttpClient> clients = new java.util.ArrayList<>();

  @Test
  void theCertificateOfTheLogicalName_isAcceptedFromAnIpEndpoint() throws Exception {
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders.test", lb).build());

    try (Response response = client.newCall(new Request.Builder().url("https://orders.test/x").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.handshake()).isNotNull();
    }
    assertThat(backend.endpoint().host()).isEqualTo("127.0.0.1");
    assertThat(backend.recorded.get(0).getHandshakeServerNames()).containsExactly("orders.test"); // SNI
  }

  @Test
  void aCertificateForAnotherName_isRefused() {
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("payments.test", lb).build());

    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("https://payments.test/x").build()).execute())
        .isInstanceOf(SSLPeerUnverifiedException.class);
  }

  @Test
  void certificatePins_applyToTheLogicalName() {
    OkHttpClient pinned = client(LoadBalancingInterceptor.builder().service("orders.test", lb).build()).newBuilder()
        .certificatePinner(new okhttp3.CertificatePinner.Builder()
            .add("orders.test", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").build())
        .build();
    clients.add(pinned);

    assertThatThrownBy(() -> pinned.newCall(new Request.Builder().url("https://orders.test/x").build()).execute())
        .isInstanceOf(SSLPeerUnverifiedException.class)
        .hasMessageContaining("Certificate pinning failure");
  }
}
