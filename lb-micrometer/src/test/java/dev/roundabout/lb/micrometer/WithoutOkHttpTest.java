package dev.roundabout.lb.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * lb-okhttp is an optional dependency: {@link LoadBalancerMetrics} works on a class path without
 * lb-okhttp, OkHttp and Okio, as an application that does not use OkHttp has.
 */
class WithoutOkHttpTest {
  /** Runs in the class loader without OkHttp: a balancer's metrics, bound and timing a call. */
  public static final class Scenario implements Runnable {
    @Override
    public void run() {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      LoadBalancerMetrics metrics = LoadBalancerMetrics.create();
      try (LoadBalancer lb = LoadBalancer.builder("orders").endpoints(List.of(Endpoint.of("10.0.0.1", 8080)))
          .executor(Runnable::run).listener(metrics.listener()).callListener(metrics.callListener()).build()) {
        metrics.forBalancer(lb).bindTo(registry);
        try (Lease lease = lb.acquire()) {
          lease.success();
        }
        if (registry.get("roundabout.lb.endpoint.calls").tags("outcome", "success").functionTimer().count() != 1) {
          throw new AssertionError("the call was not timed");
        }
      }
      registry.close();
    }
  }

  @Test
  void loadBalancerMetrics_needNeitherLbOkHttpNorOkHttp() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String lower = entry.toLowerCase(Locale.ROOT);
      if (!lower.contains("okhttp") && !lower.contains("okio") && !lower.contains("mockwebserver")) {
        urls.add(toUrl(entry));
      }
    }
    try (URLClassLoader withoutOkHttp = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> withoutOkHttp.loadClass("dev.roundabout.lb.okhttp.InterceptorListener"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> withoutOkHttp.loadClass("okhttp3.OkHttpClient")).isInstanceOf(ClassNotFoundException.class);
      Class<?> scenario = withoutOkHttp.loadClass(Scenario.class.getName());
      assertThat(scenario.getClassLoader()).isSameAs(withoutOkHttp);
      ((Runnable) scenario.getConstructor().newInstance()).run();
    }
  }

  private static URL toUrl(String entry) {
    try {
      return new File(entry).toURI().toURL();
    } catch (MalformedURLException e) {
      throw new AssertionError(entry, e);
    }
  }
}
