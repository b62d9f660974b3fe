package dev.microstore.spring;

import dev.microstore.Store;
import dev.microstore.StoreUri;
import dev.microstore.Stores;
import dev.microstore.nats.NatsStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Creates one {@link Store} bean from the {@code microstore.*} properties unless the application
 * defines its own, and closes it with the application context. A {@link
 * MicrostoreConnectionDetails} bean's URI replaces {@code microstore.uri}. For a NATS store the
 * builder is configured from {@code microstore.uri}, then from the separate properties (which
 * override the URI's parts), then handed to every {@link NatsStoreCustomizer} bean.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@EnableConfigurationProperties(MicrostoreProperties.class)
@ConditionalOnProperty(prefix = "microstore", name = "enabled", matchIfMissing = true)
public class MicrostoreAutoConfiguration {
  private static final Log LOG = LogFactory.getLog(MicrostoreAutoConfiguration.class);

  /** Created by Spring. */
  public MicrostoreAutoConfiguration() {}

  /** The store and the monitor of its NATS connection, unless the application has a store. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  static class StoreConfiguration {
    StoreConfiguration() {}

    @Bean
    NatsConnectionMonitor microstoreConnectionMonitor() {
      return new NatsConnectionMonitor();
    }

    @Bean(destroyMethod = "close")
    Store microstore(
        MicrostoreProperties properties,
        ObjectProvider<NatsStoreCustomizer> customizers,
        ObjectProvider<SslBundles> sslBundles,
        Environment environment,
        NatsConnectionMonitor monitor,
        ObjectProvider<MicrostoreConnectionDetails> connectionDetails) {
      MicrostoreConnectionDetails details = connectionDetails.getIfAvailable();
      Store store =
          open(
              properties,
              details != null ? details.getUri() : properties.getUri(),
              () -> customizers.orderedStream().toList(),
              sslBundles::getIfAvailable,
              environment.getProperty("spring.application.name"),
              monitor);
      LOG.info("Opened store " + store);
      return store;
    }
  }

  /** Opens the store the properties describe. */
  static Store open(
      MicrostoreProperties properties,
      @Nullable String uri,
      java.util.function.Supplier<List<NatsStoreCustomizer>> customizers,
      java.util.function.Supplier<@Nullable SslBundles> sslBundles,
      @Nullable String applicationName,
      NatsConnectionMonitor monitor) {
    MicrostoreProperties.Nats nats = properties.getNats();
    if (uri != null && uri.isBlank()) {
      throw new InvalidMicrostoreConfigurationException(
          "microstore.uri",
          "microstore.uri \"" + uri + "\" is invalid: it must name a store",
          "Set microstore.uri to a store URI, for example memory: or"
              + " nats://127.0.0.1:4222?database=orders, or remove it (the in-memory store is the"
              + " default).",
          null);
    }
    StoreUri parsed = uri == null ? null : parse(uri);
    String scheme = parsed != null ? parsed.scheme() : nats.selectsNats() ? "nats" : "memory";
    if (!scheme.equals("nats")) {
      if (nats.anySet() || properties.getTimeout() != null) {
        String which = nats.anySet() ? setNatsProperties(nats) : "microstore.timeout";
        throw new InvalidMicrostoreConfigurationException(
            which,
            which
                + (which.contains(",") ? " are set" : " is set")
                + ", but microstore.uri="
                + (parsed == null ? MicrostoreProperties.DEFAULT_URI : parsed)
                + " opens "
                + (scheme.equals("memory") ? "the in-memory store" : "a " + scheme + " store")
                + (which.contains(",") ? ", which does not use them" : ", which does not use it"),
            "To use NATS, set microstore.uri=nats://host:4222 or remove microstore.uri and set"
                + " microstore.nats.servers; otherwise remove the microstore.nats.* and"
                + " microstore.timeout properties.",
            null);
      }
      Map<String, String> parameters =
          new LinkedHashMap<>(parsed == null ? Map.of() : parsed.parameters());
      putIfSet(parameters, "database", properties.getDatabase());
      putIfSet(parameters, "table", properties.getTable());
      String text =
          parsed == null
              ? rebuild("memory", "", parameters)
              : parameters.equals(parsed.parameters())
                  ? parsed.text()
                  : rebuild(parsed.scheme(), parsed.authority(), parameters);
      try {
        return Stores.open(text);
      } catch (IllegalArgumentException e) {
        throw invalid(
            properties.getDatabase() != null || properties.getTable() != null
                ? "microstore.uri, microstore.database or microstore.table"
                : "microstore.uri",
            e);
      }
    }
    NatsStore builder = natsBuilder(parsed, properties);
    applyStoreProperties(builder, properties);
    int maxReconnects = nats.getMaxReconnects() == null ? -1 : nats.getMaxReconnects();
    monitor.reconnectPolicy(
        maxReconnects,
        nats.getReconnectWait() == null
            ? java.time.Duration.ofSeconds(2)
            : nats.getReconnectWait());
    Path credentials = credentials(nats);
    SSLContext ssl = sslContext(nats, sslBundles);
    String connectionName =
        nats.getConnectionName() != null ? nats.getConnectionName() : applicationName;
    builder.connectionOptions(
        o -> {
          o.errorListener(monitor);
          o.connectionListener(monitor.connectionListener());
          if (connectionName != null && !connectionName.isBlank()) {
            o.connectionName(connectionName);
          }
          if (nats.getConnectionTimeout() != null) {
            o.connectionTimeout(nats.getConnectionTimeout());
          }
          if (nats.getReconnectWait() != null) {
            o.reconnectWait(nats.getReconnectWait());
          }
          if (nats.getMaxReconnects() != null) {
            o.maxReconnects(nats.getMaxReconnects());
          }
          if (nats.getToken() != null) {
            o.token(nats.getToken().toCharArray());
          }
          if (nats.getUsername() != null) {
            o.userInfo(nats.getUsername(), nats.getPassword() == null ? "" : nats.getPassword());
          }
          if (credentials != null) {
            o.authHandler(io.nats.client.Nats.credentials(credentials.toString()));
          }
          if (ssl != null) {
            o.sslContext(ssl);
          }
        });
    for (NatsStoreCustomizer customizer : customizers.get()) {
      customizer.customize(builder);
    }
    return builder.build();
  }

  private static StoreUri parse(String uri) {
    try {
      return StoreUri.parse(uri);
    } catch (IllegalArgumentException e) {
      throw invalid("microstore.uri", e);
    }
  }

  private static InvalidMicrostoreConfigurationException invalid(
      String property, IllegalArgumentException e) {
    return new InvalidMicrostoreConfigurationException(
        property,
        property + " is invalid: " + e.getMessage(),
        "Correct "
            + property
            + ": a store URI is memory: or nats://host:4222[,host:4222][?parameter=value&...],"
            + " with the parameters of docs/nats.md; names of databases allow A-Z a-z 0-9 - _.",
        e);
  }

  /** The builder from the URI, without the parts that separate properties replace. */
  private static NatsStore natsBuilder(@Nullable StoreUri parsed, MicrostoreProperties properties) {
    MicrostoreProperties.Nats nats = properties.getNats();
    if (parsed == null) {
      return NatsStore.builder();
    }
    boolean ownAuth =
        nats.getToken() != null || nats.getUsername() != null || nats.getCredentials() != null;
    String authority = parsed.authority();
    if (!nats.getServers().isEmpty()) {
      authority = "";
    } else if (ownAuth && authority.contains("@")) {
      authority = authority.substring(authority.lastIndexOf('@') + 1);
    }
    Map<String, String> parameters = new LinkedHashMap<>(parsed.parameters());
    if (ownAuth) {
      parameters.remove("token");
      parameters.remove("creds");
    }
    String text =
        authority.equals(parsed.authority()) && parameters.equals(parsed.parameters())
            ? parsed.text()
            : rebuild("nats", authority, parameters);
    try {
      return NatsStore.fromUri(text);
    } catch (IllegalArgumentException e) {
      throw invalid("microstore.uri", e);
    }
  }

  private static void applyStoreProperties(NatsStore builder, MicrostoreProperties properties) {
    MicrostoreProperties.Nats nats = properties.getNats();
    try {
      for (String server : nats.getServers()) {
        builder.servers(server);
      }
    } catch (IllegalArgumentException e) {
      throw invalid("microstore.nats.servers", e);
    }
    try {
      if (properties.getDatabase() != null) {
        builder.database(properties.getDatabase());
      }
    } catch (IllegalArgumentException e) {
      throw invalid("microstore.database", e);
    }
    if (properties.getTable() != null) {
      builder.table(properties.getTable());
    }
    try {
      if (properties.getTimeout() != null) {
        builder.timeout(properties.getTimeout());
      }
    } catch (IllegalArgumentException e) {
      throw invalid("microstore.timeout", e);
    }
    if (nats.getEncodeKeys() != null) {
      builder.encodeKeys(nats.getEncodeKeys());
    }
    List<String> nearCache = nats.getNearCache();
    if (nearCache != null) {
      try {
        if (nearCache.size() == 1 && nearCache.get(0).equalsIgnoreCase("true")) {
          builder.nearCache(true);
        } else {
          builder.nearCache(false);
          List<String> databases =
              nearCache.stream().filter(d -> !d.isBlank() && !d.equalsIgnoreCase("false")).toList();
          builder.nearCache(databases.toArray(new String[0]));
        }
      } catch (IllegalArgumentException e) {
        throw invalid("microstore.nats.near-cache", e);
      }
    }
  }

  private static @Nullable Path credentials(MicrostoreProperties.Nats nats) {
    if (nats.getCredentials() == null) {
      return null;
    }
    Path path = Path.of(nats.getCredentials());
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new InvalidMicrostoreConfigurationException(
          "microstore.nats.credentials",
          "microstore.nats.credentials names "
              + path.toAbsolutePath()
              + ", which "
              + (Files.exists(path) ? "is not a readable file" : "does not exist"),
          "Set microstore.nats.credentials to the path of a readable NATS credentials file"
              + " (.creds, as written by nsc), or remove it.",
          null);
    }
    return path;
  }

  private static @Nullable SSLContext sslContext(
      MicrostoreProperties.Nats nats, java.util.function.Supplier<@Nullable SslBundles> bundles) {
    String name = nats.getSsl().getBundle();
    if (name == null) {
      return null;
    }
    SslBundles all = bundles.get();
    if (all == null) {
      throw new InvalidMicrostoreConfigurationException(
          "microstore.nats.ssl.bundle",
          "microstore.nats.ssl.bundle=" + name + " names an SSL bundle, but there are none",
          "Define the bundle with spring.ssl.bundle.pem."
              + name
              + ".* or spring.ssl.bundle.jks."
              + name
              + ".*, or remove microstore.nats.ssl.bundle.",
          null);
    }
    try {
      return all.getBundle(name).createSslContext();
    } catch (NoSuchSslBundleException e) {
      throw new InvalidMicrostoreConfigurationException(
          "microstore.nats.ssl.bundle",
          "microstore.nats.ssl.bundle=" + name + " names no SSL bundle",
          "Define the bundle with spring.ssl.bundle.pem."
              + name
              + ".* or spring.ssl.bundle.jks."
              + name
              + ".*, or correct microstore.nats.ssl.bundle; the bundles are "
              + all.getBundleNames()
              + ".",
          e);
    }
  }

  private static String setNatsProperties(MicrostoreProperties.Nats nats) {
    List<String> set = new java.util.ArrayList<>();
    if (!nats.getServers().isEmpty()) {
      set.add("microstore.nats.servers");
    }
    if (nats.getCredentials() != null) {
      set.add("microstore.nats.credentials");
    }
    if (nats.getToken() != null) {
      set.add("microstore.nats.token");
    }
    if (nats.getUsername() != null) {
      set.add("microstore.nats.username");
    }
    if (nats.getPassword() != null) {
      set.add("microstore.nats.password");
    }
    if (nats.getSsl().getBundle() != null) {
      set.add("microstore.nats.ssl.bundle");
    }
    if (nats.getConnectionName() != null) {
      set.add("microstore.nats.connection-name");
    }
    if (nats.getConnectionTimeout() != null) {
      set.add("microstore.nats.connection-timeout");
    }
    if (nats.getReconnectWait() != null) {
      set.add("microstore.nats.reconnect-wait");
    }
    if (nats.getMaxReconnects() != null) {
      set.add("microstore.nats.max-reconnects");
    }
    if (nats.getEncodeKeys() != null) {
      set.add("microstore.nats.encode-keys");
    }
    if (nats.getNearCache() != null) {
      set.add("microstore.nats.near-cache");
    }
    return String.join(", ", set);
  }

  private static void putIfSet(Map<String, String> parameters, String name, @Nullable String v) {
    if (v != null) {
      parameters.put(name, v);
    }
  }

  private static String rebuild(String scheme, String authority, Map<String, String> parameters) {
    StringBuilder text = new StringBuilder(scheme).append(':');
    if (!authority.isEmpty() || scheme.equals("nats")) {
      text.append("//").append(authority);
    }
    char sep = '?';
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      text.append(sep)
          .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return text.toString();
  }
}
