/**
 * The Store API ({@code dev.microstore}), the in-memory store behind {@code Stores.inMemory()} and
 * {@code memory:} URIs, and the registry that opens stores by URI.
 *
 * <p>{@code dev.microstore.internal} is shared with microstore's own NATS store and command line
 * only; it is not API.
 *
 * @uses dev.microstore.StoreProvider {@code Stores.open(uri)} finds the provider of a URI's scheme
 * @provides dev.microstore.StoreProvider the in-memory store, for {@code memory:} URIs
 */
// The modules named by the qualified export are built after this one, so javac cannot see them
// here ("module not found"); they compile against this descriptor, which checks the names.
@SuppressWarnings("module")
module dev.microstore {
  // @Nullable is a type-use annotation in exported signatures: readers of this module read it too
  // (-Xlint:exports); static: annotations only, nothing needs the jar at run time.
  requires static transitive org.jspecify;

  exports dev.microstore;
  exports dev.microstore.internal to
      dev.microstore.nats,
      dev.microstore.cli;

  uses dev.microstore.StoreProvider;

  provides dev.microstore.StoreProvider with
      dev.microstore.MemoryStoreProvider;
}
