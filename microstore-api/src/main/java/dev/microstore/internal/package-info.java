/**
 * Not API: code that microstore's own modules share (the JSON reader and writer of record envelopes
 * and of the command line). It may change in any release without notice; do not use it from
 * applications.
 */
@NullMarked
package dev.microstore.internal;

import org.jspecify.annotations.NullMarked;
