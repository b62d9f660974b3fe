package dev.microstore.testing.junit;

import dev.microstore.testing.NatsServer;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a real {@code nats-server} with JetStream for a test class: started before the first test,
 * stopped (and its store directory removed) after the last. The binary is found as {@link
 * dev.microstore.testing.NatsServerBinary#find()} finds it; the ports are free ones.
 *
 * <p>Registered on a {@code static} field, one server serves every test of the class; on an
 * instance field, each test gets a fresh one. Test methods, constructors and lifecycle methods can
 * also take the {@link NatsServer} as a parameter.
 *
 * <pre>{@code
 * @SpringBootTest
 * class OrdersTest {
 *   @RegisterExtension static NatsServerExtension nats = NatsServerExtension.create();
 *
 *   @DynamicPropertySource
 *   static void store(DynamicPropertyRegistry registry) {
 *     registry.add("microstore.uri", () -> nats.url() + "?database=orders");
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #url()} starts the server if no test has yet (Spring evaluates dynamic properties
 * lazily, but another framework may ask earlier).
 */
// them
public final class NatsServerExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private final Supplier<NatsServer> starter;
  private NatsServer server;
  private boolean perClass;

  private NatsServerExtension(Supplier<NatsServer> starter) {
    this.starter = starter;
  }

  /**
   * An extension that starts a server with every setting at its default ({@link
   * NatsServer#start()}).
   *
   * @return the extension
   */
  public static NatsServerExtension create() {
    return new NatsServerExtension(NatsServer::start);
  }

  /**
   * An extension that starts its server with {@code builder}, for a chosen binary or extra
   * configuration.
   *
   * @param builder the configured builder; {@link NatsServer.Builder#start()} is called once per
   *     server
   * @return the extension
   */
  public static NatsServerExtension create(NatsServer.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    return new NatsServerExtension(builder::start);
  }

  /**
   * The running server, started now if it is not running yet.
   *
   * @return the server
   */
  public synchronized NatsServer server() {
    if (server == null) {
      server = starter.get();
    }
    return server;
  }

  /**
   * The URL clients connect to, e.g. {@code nats://127.0.0.1:40123}.
   *
   * @return the server's URL (the server starts if it is not running yet)
   */
  public String url() {
    return server().url();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    server();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == NatsServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }

  private synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
