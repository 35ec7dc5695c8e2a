package dev.roundabout.lb.okhttp;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The sockets of one attempt: made by the client's own socket factory, they connect to the port
 * an address marked by {@link EndpointRoute} stands for, and tell the route whether the endpoint
 * was reached and whether it answered. Unmarked addresses connect as they are.
 */
final class RoutedSocketFactory extends SocketFactory {
  private final SocketFactory delegate;
  private final EndpointRoute route;

  RoutedSocketFactory(SocketFactory delegate, EndpointRoute route) {
    this.delegate = delegate;
    this.route = route;
  }

  @Override
  public Socket createSocket() throws IOException {
    return new RoutedSocket(delegate.createSocket(), route);
  }

  // OkHttp creates unconnected sockets only; the connecting forms are here for completeness.
  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return delegate.createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return delegate.createSocket(address, port, localAddress, localPort);
  }

  /** A socket that forwards everything to the client's socket and maps marked addresses. */
  private static final class RoutedSocket extends Socket {
    private final Socket socket;
    private final EndpointRoute route;
    private volatile boolean own;
    /** The mark of the address this socket connected to, null if it was not marked. */
    private volatile @Nullable String mark;

    RoutedSocket(Socket socket, EndpointRoute route) {
      this.socket = socket;
      this.route = route;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      SocketAddress target = endpoint;
      if (endpoint instanceof InetSocketAddress address) {
        int port = EndpointRoute.markedPort(address);
        if (port >= 0) {
          target = new InetSocketAddress(address.getAddress(), port);
          mark = address.getHostString();
        }
      }
      own = route.isOwn(endpoint);
      route.onConnect(endpoint);
      try {
        route.waiting(this); // connects run for the attempt that made the socket, maybe on another thread
        socket.connect(target, timeout);
      } catch (IOException | RuntimeException e) {
        route.onConnectFailed(endpoint);
        throw e;
      } finally {
        route.doneWaiting();
      }
      route.onConnected(endpoint);
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return new FilterInputStream(socket.getInputStream()) {
        @Override
        public int read() throws IOException {
          return guardedRead(null, 0, 1);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return guardedRead(b, off, len);
        }

        /** Reads into {@code b}, or one byte when {@code b} is null, as {@code read()} does. */
        private int guardedRead(byte @Nullable [] b, int off, int len) throws IOException {
          // The attempt reading on its own thread (an HTTP/1.1 exchange, a TLS handshake), which
          // may be a later attempt than the one that made the socket (a pooled connection).
          EndpointRoute reader = EndpointRoute.current();
          try {
            if (reader != null) {
              reader.waiting(RoutedSocket.this);
            }
            int n = b == null ? in.read() : in.read(b, off, len);
            if (b == null ? n >= 0 : n > 0) {
              route.onAnswer(own);
            }
            return n;
          } catch (IOException e) {
            route.onIoFailure(own);
            throw e;
          } finally {
            if (reader != null) {
              reader.doneWaiting();
            }
          }
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return new FilterOutputStream(socket.getOutputStream()) {
        @Override
        public void write(int b) throws IOException {
          try {
            out.write(b);
          } catch (IOException e) {
            route.onIoFailure(own);
            throw e;
          }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          try {
            out.write(b, off, len);
          } catch (IOException e) {
            route.onIoFailure(own);
            throw e;
          }
        }
      };
    }

    @Override
    public void bind(@Nullable SocketAddress bindpoint) throws IOException {
      socket.bind(bindpoint);
    }

    @Override
    public @Nullable InetAddress getInetAddress() {
      return socket.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
      return socket.getLocalAddress();
    }

    @Override
    public int getPort() {
      return socket.getPort();
    }

    @Override
    public int getLocalPort() {
      return socket.getLocalPort();
    }

    @Override
    public @Nullable SocketAddress getRemoteSocketAddress() {
      return socket.getRemoteSocketAddress();
    }

    @Override
    public @Nullable SocketAddress getLocalSocketAddress() {
      return socket.getLocalSocketAddress();
    }

    @Override
    public @Nullable SocketChannel getChannel() {
      return null; // a channel would bypass the routing of this socket
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
      socket.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
      return socket.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
      socket.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
      return socket.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
      socket.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
      socket.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
      return socket.getOOBInline();
    }

    // The methods Socket declares synchronized stay synchronized here, so the wrapper locks as a
    // socket does; the delegate still guards its own state.
    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      socket.setSoTimeout(timeout);
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
      return socket.getSoTimeout();
    }

    @Override
    public synchronized void setSendBufferSize(int size) throws SocketException {
      socket.setSendBufferSize(size);
    }

    @Override
    public synchronized int getSendBufferSize() throws SocketException {
      return socket.getSendBufferSize();
    }

    @Override
    public synchronized void setReceiveBufferSize(int size) throws SocketException {
      socket.setReceiveBufferSize(size);
    }

    @Override
    public synchronized int getReceiveBufferSize() throws SocketException {
      return socket.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
      socket.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
      return socket.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
      socket.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
      return socket.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
      socket.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
      return socket.getReuseAddress();
    }

    @Override
    public synchronized void close() throws IOException {
      socket.close();
    }

    @Override
    public void shutdownInput() throws IOException {
      socket.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
      socket.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
      return socket.isConnected();
    }

    @Override
    public boolean isBound() {
      return socket.isBound();
    }

    @Override
    public boolean isClosed() {
      // Also "closed" to an attempt for another endpoint of the same logical host: see EndpointRoute.
      return socket.isClosed() || EndpointRoute.refuses(mark);
    }

    @Override
    public boolean isInputShutdown() {
      return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
      return socket.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
      socket.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
      socket.setOption(name, value);
      return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
      return socket.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
      return socket.supportedOptions();
    }

    @Override
    public String toString() {
      return socket.toString();
    }
  }
}
