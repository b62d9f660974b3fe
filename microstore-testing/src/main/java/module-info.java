/**
 * Test support with nothing but the JDK: finds nats-server binaries and runs real nats-server
 * processes (single nodes and JetStream clusters) on free loopback ports, with faults to inject
 * (stop, kill, pause, a TCP proxy that cuts or delays connections), and a history recorder with a
 * linearizability checker for Jepsen-style tests.
 */
module dev.microstore.testing {
  exports dev.microstore.testing;
  exports dev.microstore.testing.history;
}
