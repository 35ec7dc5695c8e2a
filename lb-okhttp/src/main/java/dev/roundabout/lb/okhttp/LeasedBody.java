package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Lease;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * A response body that closes its call's {@link Lease} when it is closed, so that the endpoint
 * counts the call in flight until the caller is done with the body, streamed bodies included.
 */
final class LeasedBody extends ResponseBody {
  private final ResponseBody delegate;
  private final BufferedSource source;

  LeasedBody(ResponseBody delegate, Lease lease) {
    this.delegate = delegate;
    this.source =
        Okio.buffer(
            new ForwardingSource(delegate.source()) {
              @Override
              public void close() throws java.io.IOException {
                try {
                  super.close();
                } finally {
                  lease.close();
                }
              }
            });
  }

  @Override
  public @Nullable MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    return source;
  }
}
