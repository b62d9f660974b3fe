package dev.microstore.nats;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Runs a test class only against the newest nats-server ({@code microstore.test.server=newest}, the
 * {@code newest-server} surefire execution); against the stable server it is reported as skipped,
 * with the reason, never as passed.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@EnabledIf(
    value = "dev.microstore.nats.TestServers#newest",
    disabledReason = NatsStoreConformanceTest.NEWEST_SERVER_ONLY)
@interface NewestServerOnly {}
