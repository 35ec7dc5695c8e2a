package dev.roundabout.lb.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * An authoritative DNS server for the zone {@code example.} on a loopback port, UDP and TCP, built
 * on dnsjava's message classes. The test changes its records and how it behaves; negative answers
 * carry the zone's SOA (TTL {@value #SOA_TTL}, minimum {@value #SOA_MINIMUM}: a negative TTL of
 * {@value #SOA_MINIMUM} seconds). Thread-safe.
 */
final class TestDnsServer implements AutoCloseable {
  static final Name ZONE = Name.fromConstantString("example.");
  static final long SOA_TTL = 3600;
  static final long SOA_MINIMUM = 30;

  /** How the server treats every query. */
  enum Behaviour {
    /** Answers from the zone, with authority. */
    ANSWER,
    /** Answers SERVFAIL. */
    SERVFAIL,
    /** Answers nothing at all. */
    DROP,
    /** Answers the query's id followed by bytes that do not parse. */
    GARBAGE,
    /** Answers NOERROR without records, without the AA flag and without an SOA: a lame server. */
    LAME,
    /** Answers over UDP with the TC bit and no records; answers from the zone over TCP. */
    TRUNCATE_UDP
  }

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Thread udpThread;
  private final Thread tcpThread;
  private final AtomicInteger udpQueries = new AtomicInteger();
  private final AtomicInteger tcpQueries = new AtomicInteger();
  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<Name, List<Record>> zone = new HashMap<>();
  private final Set<Name> failing = new HashSet<>();
  private final List<Socket> connections = new ArrayList<>();
  private final List<Thread> connectionThreads = new ArrayList<>();
  private Behaviour behaviour = Behaviour.ANSWER;
  private volatile boolean closed;

  private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    this.udpThread = new Thread(this::serveUdp, "test-dns-udp-" + udp.getLocalPort());
    this.tcpThread = new Thread(this::serveTcp, "test-dns-tcp-" + udp.getLocalPort());
    udpThread.setDaemon(true);
    tcpThread.setDaemon(true);
    udpThread.start();
    tcpThread.start();
  }

  /** A server on a free loopback port, UDP and TCP. */
  static TestDnsServer start() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; ; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      ServerSocket tcp = new ServerSocket();
      try {
        tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
        return new TestDnsServer(udp, tcp);
      } catch (BindException e) { // the TCP port is taken: try another
        udp.close();
        tcp.close();
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
  }

  /** {@code 127.0.0.1:port}, as the source names the server in its reasons. */
  String described() {
    return "127.0.0.1:" + udp.getLocalPort();
  }

  /** Replaces the records of {@code name} of {@code type} with {@code records} (none: removes them). */
  TestDnsServer set(String name, int type, Record... records) {
    Name owner = name(name);
    synchronized (lock) {
      List<Record> kept = new ArrayList<>();
      for (Record record : zone.getOrDefault(owner, List.of())) {
        if (record.getType() != type) {
          kept.add(record);
        }
      }
      kept.addAll(List.of(records));
      if (kept.isEmpty()) {
        zone.remove(owner);
      } else {
        zone.put(owner, kept);
      }
    }
    return this;
  }

  /** Removes every record of {@code name}: it answers NXDOMAIN. */
  TestDnsServer remove(String name) {
    synchronized (lock) {
      zone.remove(name(name));
    }
    return this;
  }

  /** Makes the server answer SERVFAIL to questions about {@code name} (and no other). */
  TestDnsServer failing(String name) {
    synchronized (lock) {
      failing.add(name(name));
    }
    return this;
  }

  TestDnsServer behave(Behaviour behaviour) {
    synchronized (lock) {
      this.behaviour = behaviour;
      failing.clear();
    }
    return this;
  }

  int udpQueries() {
    return udpQueries.get();
  }

  int tcpQueries() {
    return tcpQueries.get();
  }

  static ARecord a(String name, long ttl, String address) {
    return new ARecord(name(name), DClass.IN, ttl, literal(address));
  }

  static AAAARecord aaaa(String name, long ttl, String address) {
    return new AAAARecord(name(name), DClass.IN, ttl, literal(address));
  }

  static SRVRecord srv(String name, long ttl, int priority, int weight, int port, String target) {
    return new SRVRecord(name(name), DClass.IN, ttl, priority, weight, port, name(target));
  }

  static CNAMERecord cname(String name, long ttl, String target) {
    return new CNAMERecord(name(name), DClass.IN, ttl, name(target));
  }

  static TXTRecord txt(String name, long ttl, String text) {
    return new TXTRecord(name(name), DClass.IN, ttl, text);
  }

  private static Name name(String name) {
    return Name.fromConstantString(name.endsWith(".") ? name : name + ".");
  }

  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }

  /** The response to {@code query}, or null to answer nothing. */
  private byte[] respond(byte[] query, boolean overTcp) {
    Message request;
    try {
      request = new Message(query);
    } catch (IOException e) {
      return null;
    }
    Record question = request.getQuestion();
    Message response = new Message(request.getHeader().getID());
    Header header = response.getHeader();
    header.setFlag(Flags.QR);
    if (request.getHeader().getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
    }
    response.addRecord(question, Section.QUESTION);
    synchronized (lock) {
      switch (behaviour) {
        case DROP:
          return null;
        case SERVFAIL:
          header.setRcode(Rcode.SERVFAIL);
          return response.toWire();
        case GARBAGE:
          byte[] garbage = new byte[20];
          java.util.Arrays.fill(garbage, (byte) 0xff);
          garbage[0] = query[0];
          garbage[1] = query[1];
          return garbage;
        case LAME:
          return response.toWire();
        case TRUNCATE_UDP:
          if (!overTcp) {
            header.setFlag(Flags.AA);
            header.setFlag(Flags.TC);
            return response.toWire();
          }
          break;
        case ANSWER:
          break;
      }
      if (failing.contains(question.getName())) {
        header.setRcode(Rcode.SERVFAIL);
        return response.toWire();
      }
      header.setFlag(Flags.AA);
      Name owner = question.getName();
      boolean found = false;
      for (int hops = 0; hops < 10 && !found; hops++) {
        List<Record> records = zone.getOrDefault(owner, List.of());
        CNAMERecord next = null;
        for (Record record : records) {
          if (record.getType() == question.getType()) {
            response.addRecord(record, Section.ANSWER);
            found = true;
          } else if (record instanceof CNAMERecord cname) {
            next = cname;
          }
        }
        if (found || next == null) {
          break;
        }
        response.addRecord(next, Section.ANSWER);
        owner = next.getTarget();
      }
      if (!found) {
        if (!zone.containsKey(owner)) {
          header.setRcode(Rcode.NXDOMAIN);
        }
        response.addRecord(soa(), Section.AUTHORITY);
      }
    }
    return response.toWire();
  }

  private static SOARecord soa() {
    return new SOARecord(ZONE, DClass.IN, SOA_TTL, Name.fromConstantString("ns.example."),
        Name.fromConstantString("admin.example."), 1, 3600, 600, 86400, SOA_MINIMUM);
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
        udpQueries.incrementAndGet();
        byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        byte[] response = respond(query, false);
        if (response != null) {
          udp.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("UDP server failed", e);
        }
      }
    }
  }

  /** Accepts connections, each served on a thread of its own. */
  private void serveTcp() {
    while (!closed) {
      Socket accepted;
      try {
        accepted = tcp.accept();
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("TCP server failed", e);
        }
        return;
      }
      Thread thread = new Thread(() -> serveConnection(accepted), "test-dns-tcp-connection");
      thread.setDaemon(true);
      synchronized (lock) {
        connections.add(accepted);
        connectionThreads.add(thread);
      }
      thread.start();
    }
  }

  /**
   * Answers the queries of one connection in order (clients send several on one connection, RFC
   * 7766), until the client closes it or it stays idle for a second.
   */
  private void serveConnection(Socket accepted) {
    try (Socket socket = accepted) {
      socket.setSoTimeout(1_000);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      while (!closed) {
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        tcpQueries.incrementAndGet();
        byte[] response = respond(query, true);
        if (response != null) {
          out.writeShort(response.length);
          out.write(response);
          out.flush();
        }
      }
    } catch (IOException e) {
      // closed by the client, idle, or the server closing
    }
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    List<Thread> threads;
    synchronized (lock) {
      for (Socket connection : connections) {
        try {
          connection.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
      threads = List.copyOf(connectionThreads);
    }
    try {
      udpThread.join(5_000);
      tcpThread.join(5_000);
      for (Thread thread : threads) {
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
