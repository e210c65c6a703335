package io.modelfleet.ops.jmx;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The server sockets of remote JMX: bound to one address (the JDK's RMI binds every interface), and
 * TLS when a context is given. The RMI registry and the RMI server are exported with this one
 * instance, so the RMI runtime shares one listening socket between them and remote JMX needs one
 * port, which a firewall rule or a container's port mapping can name.
 */
final class BoundServerSockets implements RMIServerSocketFactory, Serializable {
  private static final long serialVersionUID = 1L;
  private static final int BACKLOG = 50;

  /** Null: every interface. */
  private final transient InetAddress bind;

  private final transient SSLContext tls;

  BoundServerSockets(InetAddress bind, SSLContext tls) {
    this.bind = bind;
    this.tls = tls;
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    if (tls == null) {
      return new ServerSocket(port, BACKLOG, bind);
    }
    SSLServerSocket s =
        (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port, BACKLOG, bind);
    s.setNeedClientAuth(false);
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BoundServerSockets b && Objects.equals(bind, b.bind) && tls == b.tls;
  }

  @Override
  public int hashCode() {
    return Objects.hash(bind, System.identityHashCode(tls));
  }
}
