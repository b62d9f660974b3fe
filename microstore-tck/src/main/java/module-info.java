/**
 * The conformance kit: {@code StoreContract}, an abstract JUnit 5 suite that every store
 * implementation extends in its tests, with the {@code StoreFactory} it implements and the optional
 * {@code StoreFeature}s it declares; and a Jepsen-style {@code Workload} that runs against any
 * store and checks its history.
 */
// Open: the whole module is test code that JUnit reflects over (the kit's @Nested groups and their
// package-private test methods, and the tests of any package patched into the module).
open module dev.microstore.tck {
  requires transitive dev.microstore;
  // a store's test extends StoreContract, a JUnit test class, and writes JUnit tests beside it
  requires transitive org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires org.assertj.core;
  requires static org.jspecify;
  // a workload's result hands out the recorded history and the checker's report
  requires transitive dev.microstore.testing;

  exports dev.microstore.tck;
  exports dev.microstore.tck.workload;
}
