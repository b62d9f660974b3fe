package dev.microstore.cli;

import io.nats.client.AuthHandler;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** NKey authentication from a seed file: signs the server's nonce, sends no JWT. */
final class NKeySeedAuth implements AuthHandler {
  private final NKey key;

  private NKeySeedAuth(NKey key) {
    this.key = key;
  }

  /**
   * Reads the first line starting with {@code S} (a seed, usually {@code SU...}) of the file.
   *
   * @throws ExitException (invalid input) when the file holds no valid seed
   */
  static NKeySeedAuth fromFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ExitException.invalidInput(
          "--nkey file " + file + " cannot be read: " + e.getMessage());
    }
    for (String line : lines) {
      String seed = line.trim();
      if (seed.startsWith("S") && seed.length() > 50) {
        try {
          NKey key = NKey.fromSeed(seed.toCharArray());
          key.getPublicKey();
          return new NKeySeedAuth(key);
        } catch (IllegalArgumentException | GeneralSecurityException | IOException e) {
          throw ExitException.invalidInput("--nkey file " + file + " holds an invalid seed", e);
        }
      }
    }
    throw ExitException.invalidInput(
        "--nkey file " + file + " holds no NKey seed (a line starting with SU)");
  }

  @Override
  public byte[] sign(byte[] nonce) {
    try {
      return key.sign(nonce);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot sign the server nonce with the NKey seed", e);
    }
  }

  @Override
  public char[] getID() {
    try {
      return key.getPublicKey();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot derive the public key of the NKey seed", e);
    }
  }

  @Override
  public char @Nullable [] getJWT() {
    return null;
  }
}
