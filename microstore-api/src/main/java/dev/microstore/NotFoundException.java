package dev.microstore;

/**
 * Thrown by an exact read of a key that does not exist, has been deleted or has expired; Go-Micro
 * calls this {@code ErrNotFound}. Prefix and suffix reads never throw it: they return an empty
 * list.
 */
public class NotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String database;

  /**
   * Creates the exception for a missing key.
   *
   * @param key the key as the caller gave it (without the table prefix)
   * @param database the database that was searched
   */
  public NotFoundException(String key, String database) {
    super("key \"" + key + "\" not found in database \"" + database + "\"");
    this.key = key;
    this.database = database;
  }

  /**
   * The key that was not found.
   *
   * @return the key as the caller gave it
   */
  public String key() {
    return key;
  }

  /**
   * The database that was searched.
   *
   * @return the database name
   */
  public String database() {
    return database;
  }
}
