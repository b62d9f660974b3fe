package dev.microstore.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.Store;
import dev.microstore.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The web console's HTTP server: the JDK's {@link HttpServer} on one address, one handler that
 * admits each request ({@link UiAccess}) and routes it to a screen. Requests run on a pool of
 * daemon threads (a live feed holds one for as long as the browser listens).
 *
 * <p>Routes: {@code /} databases; {@code POST /databases} create one; {@code /db/NAME} browse;
 * {@code POST /db/NAME/delete}; {@code /db/NAME/record?key=K} a record, {@code POST} saves it;
 * {@code POST /db/NAME/record/delete}; {@code /db/NAME/events} the live feed (Server-Sent Events);
 * {@code /db/NAME/export}; {@code POST /db/NAME/import}; {@code /static/*} the scripts and styles.
 */
final class UiServer implements AutoCloseable {
  /** Creates a database with bucket options; absent when the store creates them on first write. */
  interface DatabaseCreator {
    void create(String name, UiDatabases.BucketSpec spec);
  }

  /** How the console runs. */
  static final class Settings {
    final String bindAddress;
    final int port;
    final boolean readOnly;
    final @Nullable DatabaseCreator creator;
    final Duration heartbeat;

    Settings(
        String bindAddress,
        int port,
        boolean readOnly,
        @Nullable DatabaseCreator creator,
        Duration heartbeat) {
      this.bindAddress = bindAddress;
      this.port = port;
      this.readOnly = readOnly;
      this.creator = creator;
      this.heartbeat = heartbeat;
    }
  }

  private static final Map<String, String> ASSETS =
      Map.of(
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8",
          "htmx.min.js", "text/javascript; charset=utf-8");

  private final HttpServer http;
  private final ExecutorService pool;
  private final UiAccess access;
  private final UiDatabases databases;
  private final UiBrowse browse;
  private final UiRecordPage records;
  private final UiLiveFeed live;
  private final UiTransfer transfer;

  private UiServer(HttpServer http, ExecutorService pool, Store store, Settings settings) {
    this.http = http;
    this.pool = pool;
    this.access = new UiAccess(http.getAddress().getPort(), settings.readOnly);
    this.databases = new UiDatabases(store, settings.readOnly, settings.creator);
    this.browse = new UiBrowse(store, settings.readOnly);
    this.records = new UiRecordPage(store, settings.readOnly);
    this.live = new UiLiveFeed(store, settings.heartbeat);
    this.transfer = new UiTransfer(store);
  }

  /**
   * Starts the console on the settings' address and port (0: a free one).
   *
   * @throws IOException if the address cannot be bound
   */
  static UiServer start(Store store, Settings settings) throws IOException {
    HttpServer http =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(settings.bindAddress), settings.port), 64);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "microstore-ui-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    UiServer server = new UiServer(http, pool, store, settings);
    http.setExecutor(pool);
    http.createContext("/", server::handle);
    http.start();
    return server;
  }

  /** The console's address, without the access token. */
  URI baseUri() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /** The URL to open: the address with the one-time access token. */
  URI url() {
    return baseUri().resolve("/?token=" + access.accessToken());
  }

  /** How many live feeds are open (each holds a watch of the store). */
  int openFeeds() {
    return live.open();
  }

  /** Stops serving; ends the live feeds and closes their watches. The store stays open. */
  @Override
  public void close() {
    live.stop();
    http.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    UiRequest request = new UiRequest(exchange);
    try {
      UiAccess.Session session = access.admit(request);
      if (session != null) {
        route(request, session);
      }
    } catch (UiException e) {
      request.html(e.status(), UiHtml.error(e.status(), e.getMessage()));
    } catch (NotFoundException e) {
      request.html(404, UiHtml.error(404, ErrorHandler.message(e)));
    } catch (ConflictException e) {
      request.html(409, UiHtml.error(409, ErrorHandler.message(e)));
    } catch (IllegalArgumentException e) {
      request.html(400, UiHtml.error(400, ErrorHandler.message(e)));
    } catch (StoreException e) {
      request.html(502, UiHtml.error(502, "The store failed: " + ErrorHandler.message(e)));
    } catch (IOException e) {
      exchange.close(); // the browser went away
    } catch (RuntimeException e) {
      request.html(500, UiHtml.error(500, ErrorHandler.message(e)));
    }
  }

  private void route(UiRequest r, UiAccess.Session session) throws IOException {
    List<String> s = r.segments();
    String method = r.method().equals("HEAD") ? "GET" : r.method();
    if (s.isEmpty() && method.equals("GET")) {
      databases.list(r, session);
    } else if (s.size() == 1 && s.get(0).equals("databases") && method.equals("POST")) {
      databases.create(r);
    } else if (s.size() == 2 && s.get(0).equals("static") && method.equals("GET")) {
      asset(r, s.get(1));
    } else if (s.size() >= 2 && s.get(0).equals("db")) {
      routeDatabase(r, session, s.get(1), String.join("/", s.subList(2, s.size())), method);
    } else {
      throw UiException.notFound("There is no page at " + r.rawPath());
    }
  }

  private void routeDatabase(
      UiRequest r, UiAccess.Session session, String db, String rest, String method)
      throws IOException {
    switch (method + " " + rest) {
      case "GET ":
        browse.page(r, session, db);
        break;
      case "POST delete":
        databases.delete(r, db);
        break;
      case "GET record":
        records.page(r, session, db);
        break;
      case "POST record":
        records.save(r, session, db);
        break;
      case "POST record/delete":
        records.delete(r, db);
        break;
      case "GET events":
        live.stream(r, db);
        break;
      case "GET export":
        transfer.export(r, db);
        break;
      case "POST import":
        transfer.importLines(r, db);
        break;
      default:
        throw UiException.notFound("There is no page at " + r.rawPath());
    }
  }

  private void asset(UiRequest r, String name) throws IOException {
    String type = ASSETS.get(name);
    if (type == null) {
      throw UiException.notFound("There is no file " + name);
    }
    String resource =
        name.equals("htmx.min.js")
            ? "META-INF/resources/webjars/htmx.org/" + UiAssets.HTMX_VERSION + "/dist/htmx.min.js"
            : "dev/microstore/cli/ui/" + name;
    try (InputStream in = UiAssets.open(resource)) {
      r.setHeader("Cache-Control", "no-cache");
      r.send(200, type, in.readAllBytes());
    }
  }
}
