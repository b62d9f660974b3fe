package dev.microstore.cli;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request to the web console: its path segments, query and form parameters, and the ways to
 * answer it. Form bodies ({@code application/x-www-form-urlencoded}) are read at most once and at
 * most {@link #MAX_FORM_BYTES} long.
 */
final class UiRequest {
  /** The largest form body accepted: imports are posted as forms. */
  static final int MAX_FORM_BYTES = 32 << 20;

  private final HttpExchange exchange;
  private final List<String> segments;
  private final Map<String, String> query;
  private @Nullable Map<String, String> form;

  UiRequest(HttpExchange exchange) {
    this.exchange = exchange;
    this.segments = segments(exchange.getRequestURI().getRawPath());
    this.query = parse(exchange.getRequestURI().getRawQuery());
  }

  String method() {
    return exchange.getRequestMethod();
  }

  /** Whether the request may change something: anything but GET and HEAD. */
  boolean changes() {
    return !method().equals("GET") && !method().equals("HEAD");
  }

  /** The decoded path segments: {@code /db/orders/record} is {@code [db, orders, record]}. */
  List<String> segments() {
    return segments;
  }

  @Nullable String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** A query parameter. */
  @Nullable String query(String name) {
    return query.get(name);
  }

  /** The query without {@code name}, for redirects: {@code ?a=1&b=2}, or empty. */
  String queryWithout(String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return "";
    }
    List<String> kept = new ArrayList<>();
    for (String pair : raw.split("&")) {
      String n = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (!decode(n).equals(name) && !pair.isEmpty()) {
        kept.add(pair);
      }
    }
    return kept.isEmpty() ? "" : "?" + String.join("&", kept);
  }

  /** The raw path, as the browser sent it. */
  String rawPath() {
    return exchange.getRequestURI().getRawPath();
  }

  /** A parameter of the query or, for a form post, of the form. */
  @Nullable String param(String name) throws IOException {
    String q = query.get(name);
    if (q != null) {
      return q;
    }
    return changes() ? form().get(name) : null;
  }

  /** A parameter, or null when it is absent or blank. */
  @Nullable String optional(String name) throws IOException {
    String value = param(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** A parameter that must be there and not be blank. */
  String required(String name) throws IOException {
    String value = param(name);
    if (value == null || value.isBlank()) {
      throw UiException.badRequest("\"" + name + "\" is missing");
    }
    return value;
  }

  /** A whole number parameter, {@code fallback} when absent or blank. */
  int intParam(String name, int fallback, int min, int max) throws IOException {
    String value = param(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw UiException.badRequest(
            "\"" + name + "\" is " + n + ": it must be " + min + " to " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw UiException.badRequest("\"" + name + "\" is \"" + value + "\": not a whole number");
    }
  }

  /** A revision or other non-negative long parameter, {@code fallback} when absent or blank. */
  long longParam(String name, long fallback) throws IOException {
    String value = param(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0) {
        throw UiException.badRequest("\"" + name + "\" is " + n + ": it must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw UiException.badRequest("\"" + name + "\" is \"" + value + "\": not a whole number");
    }
  }

  /** The form parameters of a posted {@code application/x-www-form-urlencoded} body. */
  Map<String, String> form() throws IOException {
    if (form == null) {
      String type = header("Content-Type");
      if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
        form = Map.of();
      } else {
        form = parse(new String(body(), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private byte[] body() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buffer = new byte[16384];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (bytes.size() + n > MAX_FORM_BYTES) {
          throw new UiException(
              413, "the request is larger than " + (MAX_FORM_BYTES >> 20) + " MiB");
        }
        bytes.write(buffer, 0, n);
      }
    }
    return bytes.toByteArray();
  }

  void setHeader(String name, String value) {
    exchange.getResponseHeaders().set(name, value);
  }

  /** Answers with an HTML page or fragment. */
  void html(int status, String html) throws IOException {
    send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers with a body of this type. */
  void send(int status, String contentType, byte[] body) throws IOException {
    setHeader("Content-Type", contentType);
    boolean head = method().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  /** Starts a streamed answer (chunked); the caller writes the body and closes it. */
  OutputStream stream(int status, String contentType) throws IOException {
    setHeader("Content-Type", contentType);
    exchange.sendResponseHeaders(status, 0);
    return exchange.getResponseBody();
  }

  /** Sends the browser on to another page of the console (303: the next request is a GET). */
  void redirect(String location) throws IOException {
    setHeader("Location", location);
    exchange.sendResponseHeaders(303, -1);
    exchange.close();
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(decodePath(s));
      }
    }
    return Collections.unmodifiableList(out);
  }

  private static Map<String, String> parse(@Nullable String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest("malformed URL encoding: " + e.getMessage());
    }
  }

  /** Decodes a path segment: unlike a query, '+' stays '+'. */
  private static String decodePath(String s) {
    return decode(s.replace("+", "%2B"));
  }
}
