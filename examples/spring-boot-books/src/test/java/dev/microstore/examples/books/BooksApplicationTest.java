package dev.microstore.examples.books;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ReadOptions;
import dev.microstore.Store;
import dev.microstore.testing.junit.NatsServerExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example application on a real web server against a real nats-server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BooksApplicationTest {
  @RegisterExtension static NatsServerExtension nats = NatsServerExtension.create();

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    registry.add("microstore.uri", () -> nats.url() + "?database=books");
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Value("${local.server.port}")
  int port;

  @Autowired Store store;

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void restOverTheStore_putGetListDelete_and404ForAMissingBook() throws Exception {
    assertThat(send("PUT", "/books/b1", "{\"title\":\"Dune\"}").statusCode()).isEqualTo(204);
    assertThat(send("PUT", "/books/b2", "{\"title\":\"Emma\"}").statusCode()).isEqualTo(204);

    HttpResponse<String> one = send("GET", "/books/b1", null);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).isEqualTo("{\"title\":\"Dune\"}");
    assertThat(send("GET", "/books", null).body()).contains("\"b1\"", "\"b2\"");
    assertThat(send("GET", "/books/none", null).statusCode()).isEqualTo(404);
    // the record is in the NATS bucket "books", table "books"
    assertThat(store.read("books_b1", ReadOptions.builder().database("books").build())).hasSize(1);

    assertThat(send("DELETE", "/books/b2", null).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/books/b2", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aPriceIsComputedOnce_thenAnsweredFromTheCacheInTheStore() throws Exception {
    String first = send("GET", "/prices/p1", null).body();
    String again = send("GET", "/prices/p1", null).body();
    send("GET", "/prices/p2", null);

    assertThat(again).isEqualTo(first);
    assertThat(send("GET", "/prices/computed", null).body()).isEqualTo("2");
    assertThat(
            store.list(dev.microstore.ListOptions.builder().from("books-cache", "prices").build()))
        .hasSize(2);
    // Micrometer's cache meters and the store's timers, through the actuator
    assertThat(
            send("GET", "/actuator/metrics/cache.gets?tag=cache:prices&tag=result:hit", null)
                .body())
        .contains("\"value\":1.0");
    assertThat(send("GET", "/actuator/metrics/microstore.operation", null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aChangeMadeByAnotherClient_reachesTheBrowserAsAServerSentEvent() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/books/changes"))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException closed) {
                // the test ended
              }
            });
    reader.setDaemon(true);
    reader.start();

    // another client: a store of its own on the same bucket; the stream's headers arrived after
    // the watch was registered
    try (Store other = dev.microstore.Stores.open(nats.url() + "?database=books&table=books")) {
      long written = other.write(dev.microstore.Record.of("sse-1", "{}"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      java.util.List<String> event = new java.util.ArrayList<>();
      while (!event.contains("data:sse-1") && System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          event.add(line);
        }
      }
      assertThat(event).contains("event:put", "id:" + written, "data:sse-1");
    }
    stream.body().close();
  }
}
