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
    lb.close();
    backend.close();
  }

  private OkHttpClient client(LoadBalancingInterceptor lbi, boolean verifyLogicalName) {
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder().addInterceptor(lbi).sslSocketFactory(trustRoot.sslSocketFactory(), trustRoot.trustManager());
    if (verifyLogicalName) {
      builder.hostnameVerifier(lbi.hostnameVerifier());
    }
    return builder.build();
  }

  @Test
  void theCertificateOfTheLogicalName_isAcceptedFromAnIpEndpoint() throws Exception {
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders.test", lb).build(), true);

    try (Response response = client.newCall(new Request.Builder().url("https://orders.test/x").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.handshake()).isNotNull();
    }
    assertThat(backend.endpoint().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void aCertificateForAnotherName_isRefused() {
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("payments.test", lb).build(), true);

    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("https://payments.test/x").build()).execute())
        .isInstanceOf(SSLPeerUnverifiedException.class);
  }

  @Test
  void withoutTheInterceptorsVerifier_theIpIsCheckedAndRefused() {
    OkHttpClient client = client(LoadBalancingInterceptor.builder().service("orders.test", lb).build(), false);

    assertThatThrownBy(() -> client.newCall(new Request.Builder().url("https://orders.test/x").build()).execute())
        .isInstanceOf(SSLPeerUnverifiedException.class)
        .hasMessageContaining("127.0.0.1");
  }
}
