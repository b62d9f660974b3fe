package dev.microstore.cli;

import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.nats.NatsStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/**
 * The top-level {@code microstore} command. It holds the global options, which every subcommand
 * inherits (they may be given before or after the subcommand), and opens the store they describe.
 */
@Command(
    name = "microstore",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = MicrostoreCommand.Version.class,
    sortOptions = false,
    abbreviateSynopsis = true,
    usageHelpAutoWidth = true,
    header = "Read, write, watch, export and import the records of a microstore key-value store.",
    description = {
      "Records live in databases (NATS JetStream KV buckets) and tables (key prefixes).",
      "Start with: microstore demo"
    },
    footer = ExitCodes.HELP_FOOTER,
    subcommands = {
      WriteCommand.class,
      ReadCommand.class,
      ListCommand.class,
      DeleteCommand.class,
      DatabasesCommand.class,
      DeleteDatabaseCommand.class,
      InfoCommand.class,
      HistoryCommand.class,
      WatchCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      ApplyCommand.class,
      ServerCommand.class,
      UiCommand.class,
      DemoCommand.class,
      BenchCommand.class
    })
final class MicrostoreCommand extends BaseCommand {
  @Mixin StoreOptions store = new StoreOptions();
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin BucketOptions buckets = new BucketOptions();
  @Mixin OutputOptions output = new OutputOptions();

  private final CliEnvironment environment;

  MicrostoreCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  CliEnvironment cliEnvironment() {
    return environment;
  }

  @Override
  int execute() {
    spec.commandLine().usage(out());
    return ExitCodes.OK;
  }

  /**
   * Opens the store the global options describe: {@code --store} through {@link Stores#open}, else
   * the NATS store at {@code --server}.
   */
  Store openConfiguredStore() {
    if (store.storeUri != null) {
      return Stores.open(store.storeUri);
    }
    return natsStore(store.servers(environment)).build();
  }

  /** A NATS store builder for these servers with the connection and bucket options applied. */
  NatsStore natsStore(java.util.List<String> servers) {
    NatsStore b =
        NatsStore.builder()
            .servers(servers.toArray(new String[0]))
            .connectionOptions(connection.customizer(environment, output.verbose, err()));
    if (store.encodeKeys) {
      b.encodeKeys();
    }
    if (buckets.bucketTtl != null) {
      b.defaultTtl(buckets.bucketTtl);
    }
    if (buckets.history != null) {
      b.history(buckets.history);
    }
    if (buckets.replicas != null) {
      b.replicas(buckets.replicas);
    }
    if (buckets.memoryStorage) {
      b.memoryStorage();
    }
    if (buckets.description != null) {
      b.description(buckets.description);
    }
    return b;
  }

  /**
   * Prints what this CLI is: its version, the jnats version inside it, the git commit it was built
   * from ({@code unknown} when it was built outside a git clone) and the Java runtime it runs on.
   */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = properties();
      return new String[] {
        "microstore " + value(p, "version"),
        "jnats " + value(p, "jnats"),
        "commit " + value(p, "commit"),
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.home")
            + ")"
      };
    }

    private static Properties properties() {
      Properties p = new Properties();
      try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // every value falls back to "unknown"
      }
      return p;
    }

    /** The value of a build property, or "unknown" when the build did not set it. */
    static String value(Properties p, String key) {
      String v = p.getProperty(key, "").trim();
      return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }
  }
}
