/**
 * The microstore conformance kit (TCK): the behaviour every {@link dev.microstore.Store} must have,
 * written once as JUnit 5 tests.
 *
 * <p>A store implementation runs the kit by extending {@link dev.microstore.tck.StoreContract} in
 * its tests and returning a {@link dev.microstore.tck.StoreFactory} from {@code factory()}. The
 * factory declares the optional {@link dev.microstore.tck.StoreFeature features} the store has; the
 * tests of the other features are reported as skipped.
 *
 * <p>The kit depends on JUnit Jupiter, AssertJ and Awaitility at compile scope, so a test module
 * that depends on the kit gets them too.
 */
@NullMarked
package dev.microstore.tck;

import org.jspecify.annotations.NullMarked;
