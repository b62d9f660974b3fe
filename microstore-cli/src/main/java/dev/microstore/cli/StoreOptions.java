package dev.microstore.cli;

import dev.microstore.DeleteOptions;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.WatchOptions;
import dev.microstore.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Global options saying where the records are: server or store URI, database and table. */
final class StoreOptions {
  static final String SERVER_ENV = "MICROSTORE_SERVER";
  static final String DEFAULT_SERVER = "nats://127.0.0.1:4222";

  @Option(
      names = "--server",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description = {
        "NATS server URL; repeat for a cluster (default: $"
            + SERVER_ENV
            + ", else "
            + DEFAULT_SERVER
            + ")."
      })
  List<String> servers = new ArrayList<>();

  @Option(
      names = "--store",
      paramLabel = "URI",
      scope = ScopeType.INHERIT,
      description =
          "Any store URI, e.g. memory: or nats://host:4222?database=x; --server, the connection"
              + " and the bucket options are then ignored (give them as URI parameters).")
  @Nullable String storeUri;

  @Option(
      names = "--database",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "Database (NATS KV bucket) to use (default: the store's, 'default').")
  @Nullable String database;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description = "Table, the key prefix NAME_ (default: none).")
  @Nullable String table;

  @Option(
      names = "--encode-keys",
      scope = ScopeType.INHERIT,
      description =
          "Store keys base32-encoded, like the Go plugin's EncodeKeys(), so any key works.")
  boolean encodeKeys;

  /** The servers to connect to: the options, else the environment variable, else the default. */
  List<String> servers(CliEnvironment env) {
    if (!servers.isEmpty()) {
      return servers;
    }
    String fromEnv = env.variable(SERVER_ENV);
    return List.of(fromEnv != null ? fromEnv : DEFAULT_SERVER);
  }

  ReadOptions.Builder read() {
    ReadOptions.Builder b = ReadOptions.builder();
    if (database != null) {
      b.database(database);
    }
    if (table != null) {
      b.table(table);
    }
    return b;
  }

  WriteOptions.Builder write() {
    WriteOptions.Builder b = WriteOptions.builder();
    if (database != null) {
      b.database(database);
    }
    if (table != null) {
      b.table(table);
    }
    return b;
  }

  DeleteOptions.Builder delete() {
    DeleteOptions.Builder b = DeleteOptions.builder();
    if (database != null) {
      b.database(database);
    }
    if (table != null) {
      b.table(table);
    }
    return b;
  }

  ListOptions.Builder list() {
    ListOptions.Builder b = ListOptions.builder();
    if (database != null) {
      b.database(database);
    }
    if (table != null) {
      b.table(table);
    }
    return b;
  }

  WatchOptions.Builder watch() {
    WatchOptions.Builder b = WatchOptions.builder();
    if (database != null) {
      b.database(database);
    }
    if (table != null) {
      b.table(table);
    }
    return b;
  }
}
