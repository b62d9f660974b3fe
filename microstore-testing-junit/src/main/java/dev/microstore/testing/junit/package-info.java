/**
 * JUnit 5 support: {@link dev.microstore.testing.junit.NatsServerExtension} runs a real nats-server
 * for a test class (or each test), so that an application's tests talk to NATS as production does.
 * Needs {@code junit-jupiter-api} on the class path, which JUnit 5 tests have.
 */
package dev.microstore.testing.junit;
