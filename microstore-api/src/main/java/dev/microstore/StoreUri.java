package dev.microstore;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A parsed store URI, {@code scheme:[//authority][?name=value&...]}, as given to {@link
 * Stores#open(String)} and passed on to a {@link StoreProvider}. Immutable.
 *
 * <p>Examples: {@code memory:}, {@code memory:?database=orders}, {@code
 * nats://host1:4222,host2:4222?encodeKeys=true&database=orders}. Parameter names and values are
 * URL-decoded; the authority is kept as written (it may list several hosts).
 */
public final class StoreUri {
  private final String text;
  private final String scheme;
  private final String authority;
  private final Map<String, String> parameters;

  private StoreUri(String text, String scheme, String authority, Map<String, String> parameters) {
    this.text = text;
    this.scheme = scheme;
    this.authority = authority;
    this.parameters = parameters;
  }

  /**
   * Parses a store URI.
   *
   * @param uri the URI text
   * @return the parsed URI
   * @throws IllegalArgumentException if the URI has no scheme or a malformed parameter
   */
  public static StoreUri parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    int colon = uri.indexOf(':');
    if (colon <= 0 || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      throw new IllegalArgumentException(
          "store URI \""
              + uri
              + "\" is invalid: it must start with a scheme such as memory: or nats://");
    }
    String scheme = uri.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
    String rest = uri.substring(colon + 1);
    int question = rest.indexOf('?');
    String hierarchical = question < 0 ? rest : rest.substring(0, question);
    String query = question < 0 ? "" : rest.substring(question + 1);
    String authority = "";
    if (hierarchical.startsWith("//")) {
      authority = hierarchical.substring(2);
      int slash = authority.indexOf('/');
      if (slash >= 0) {
        authority = authority.substring(0, slash);
      }
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), uri);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), uri);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "store URI \"" + uri + "\" has a parameter without a name: \"" + pair + "\"");
      }
      params.put(name, value);
    }
    return new StoreUri(uri, scheme, authority, Collections.unmodifiableMap(params));
  }

  private static String decode(String s, String uri) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "store URI \"" + uri + "\" has a malformed escape in \"" + s + "\"", e);
    }
  }

  /**
   * The scheme, lower case, for example {@code nats}.
   *
   * @return the scheme
   */
  public String scheme() {
    return scheme;
  }

  /**
   * The authority: what follows {@code //} up to {@code /} or {@code ?}, for example {@code
   * user:pass@host1:4222,host2:4222}.
   *
   * @return the authority, empty when there is none
   */
  public String authority() {
    return authority;
  }

  /**
   * Every query parameter, in the order given.
   *
   * @return an unmodifiable map of decoded names to decoded values
   */
  public Map<String, String> parameters() {
    return parameters;
  }

  /**
   * One query parameter.
   *
   * @param name the parameter name
   * @return its value, or empty when absent
   */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  /**
   * Checks that every parameter is one the provider knows.
   *
   * @param known the names the provider accepts
   * @return this URI
   * @throws IllegalArgumentException naming the first unknown parameter and the known ones
   */
  public StoreUri requireKnownParameters(Set<String> known) {
    for (String name : parameters.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "store URI parameter \""
                + name
                + "\" is unknown for scheme "
                + scheme
                + ": known parameters are "
                + new TreeSet<>(known));
      }
    }
    return this;
  }

  /**
   * The URI as given, which may contain credentials; do not log it.
   *
   * @return the original text
   */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StoreUri && ((StoreUri) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The URI with any user information in the authority replaced by {@code ***}. */
  @Override
  public String toString() {
    int at = authority.lastIndexOf('@');
    String safe = at < 0 ? authority : "***@" + authority.substring(at + 1);
    StringBuilder sb = new StringBuilder(scheme).append(':');
    if (!authority.isEmpty()) {
      sb.append("//").append(safe);
    }
    if (!parameters.isEmpty()) {
      sb.append('?');
      boolean first = true;
      for (Map.Entry<String, String> e : parameters.entrySet()) {
        if (!first) {
          sb.append('&');
        }
        first = false;
        boolean secret = e.getKey().matches("(?i).*(password|token|secret|seed|creds|nkey).*");
        sb.append(e.getKey()).append('=').append(secret ? "***" : e.getValue());
      }
    }
    return sb.toString();
  }
}
