/**
 * Test support for microstore: real {@code nats-server} processes for tests, using nothing but the
 * JDK.
 *
 * <ul>
 *   <li>{@link dev.microstore.testing.NatsServerBinary} finds a {@code nats-server} binary and
 *       reads its version: {@code find()} for the default one (Debian stable's, 2.9.x), {@code
 *       newest()} for the one from Debian's testing suite, if installed. Both are installed by
 *       {@code scripts/install-nats-server.sh}.
 *   <li>{@link dev.microstore.testing.NatsServer} runs one node with JetStream, on free ports of
 *       {@code 127.0.0.1}, and can stop, kill ({@code SIGKILL}) and restart it on the same port
 *       with the same store directory, or pause it ({@code SIGSTOP}) and resume it.
 *   <li>{@link dev.microstore.testing.NatsCluster} runs a JetStream cluster ({@code n1}, {@code
 *       n2}, ...), waits for its meta leader and finds a stream's leader.
 *   <li>{@link dev.microstore.testing.TcpProxy} stands between a client and a server on loopback
 *       and cuts, stalls (a partition as the client sees it) or delays its connections.
 *   <li>{@link dev.microstore.testing.Nemesis} injects those faults at random, one at a time, for
 *       Jepsen-style tests, and counts them; {@code dev.microstore.testing.history} records what a
 *       workload did and checks it.
 *   <li>{@link dev.microstore.testing.FreePorts} hands out free TCP ports.
 * </ul>
 *
 * <p>Every server started is killed by a JVM shutdown hook if the test did not close it.
 *
 * <p>Nullness: no public method in this package accepts or returns {@code null}; absent values are
 * {@link java.util.Optional} or {@link java.util.OptionalInt}.
 */
package dev.microstore.testing;
