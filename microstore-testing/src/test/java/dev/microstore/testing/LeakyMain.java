package dev.microstore.testing;

/**
 * Run in a child JVM by {@link ShutdownHookTest}: starts a server, prints its pid and temporary
 * directory, and exits without closing it.
 */
final class LeakyMain {

  private LeakyMain() {}

  public static void main(String[] args) {
    NatsServer server = NatsServer.start();
    System.out.println(server.pid().getAsInt() + " " + server.tempDir());
    System.out.flush();
    System.exit(0);
  }
}
