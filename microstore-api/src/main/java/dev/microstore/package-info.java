/**
 * microstore: Go-Micro's key-value store interface for Java.
 *
 * <p>A {@link dev.microstore.Store} keeps {@link dev.microstore.Record records} (a key, value
 * bytes, metadata and an optional expiry) in named <em>databases</em>; inside a database a
 * <em>table</em> is a key prefix {@code <table>_}. Reads, writes, deletes and lists take optional
 * {@link dev.microstore.ReadOptions}, {@link dev.microstore.WriteOptions}, {@link
 * dev.microstore.DeleteOptions} and {@link dev.microstore.ListOptions} with Go-Micro's meaning.
 *
 * <p>Stores are obtained from {@link dev.microstore.Stores}: {@code Stores.inMemory()} for the
 * in-memory store, or {@code Stores.open(uri)} for any store registered through {@link
 * dev.microstore.StoreProvider} (for example {@code nats://127.0.0.1:4222}).
 *
 * <p>Every failure is an unchecked {@link dev.microstore.StoreException} or one of its subclasses,
 * except invalid arguments ({@link java.lang.IllegalArgumentException}) and calls on a closed store
 * ({@link java.lang.IllegalStateException}).
 *
 * <p>Nothing in this package returns or accepts {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package dev.microstore;

import org.jspecify.annotations.NullMarked;
