/**
 * Spring's cache abstraction over a microstore {@link dev.microstore.Store}: {@link
 * dev.microstore.spring.cache.MicrostoreCacheManager}, whose caches are tables of one database,
 * with per-record TTLs and pluggable value serializers.
 */
@NullMarked
package dev.microstore.spring.cache;

import org.jspecify.annotations.NullMarked;
