package dev.microstore.nats;

/**
 * The long variants of the fault, fuzz and load tests run with {@code -Dmicrostore.longTests=true};
 * the default suite runs short ones.
 */
final class LongTests {
  private LongTests() {}

  static boolean enabled() {
    return Boolean.getBoolean("microstore.longTests");
  }
}
