/**
 * {@link dev.microstore.testing.junit.NatsServerExtension}: a real nats-server for JUnit 5 tests.
 */
module dev.microstore.testing.junit {
  requires transitive dev.microstore.testing;
  requires transitive org.junit.jupiter.api;

  exports dev.microstore.testing.junit;
}
