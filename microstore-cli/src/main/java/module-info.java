/**
 * The microstore command line ({@code dev.microstore.cli.Main}): read, write, list, watch, export
 * and import records of any store, run a development NATS server, and a guided demo. An
 * application, not a library: it exports nothing.
 *
 * <p>It ships as one runnable jar with every dependency inside, run on the class path ({@code java
 * -jar}); this descriptor is what compiles it and runs its tests as a module, which also checks the
 * API module's qualified export of {@code dev.microstore.internal} to it.
 */
// jnats is an automatic module (io.nats.jnats, named in its jar's manifest)
@SuppressWarnings("requires-automatic")
module dev.microstore.cli {
  requires dev.microstore;
  requires dev.microstore.nats;
  requires dev.microstore.testing;
  requires io.nats.jnats;
  requires info.picocli;
  requires java.management;
  requires jdk.httpserver;
  // bench --scale draws its chart with JFreeChart (an automatic module) on a headless AWT
  requires java.desktop;
  requires org.jfree.jfreechart;
  requires static org.jspecify;

  // picocli sets the annotated option and parameter fields of the commands by reflection
  opens dev.microstore.cli to
      info.picocli;
}
