package dev.microstore.nats;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Maps a full key ({@code <table>_<key>}) to the NATS KV key and back: either unchanged, or the RFC
 * 4648 base32 encoding (standard alphabet, {@code =} padding) of its UTF-8 bytes, identical to the
 * Go plugin's {@code EncodeKeys()}.
 */
final class KeyCodec {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final int[] DECODE = new int[128];

  static {
    java.util.Arrays.fill(DECODE, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = i;
    }
  }

  private final boolean encode;

  KeyCodec(boolean encode) {
    this.encode = encode;
  }

  boolean encodes() {
    return encode;
  }

  String toStored(String fullKey) {
    return encode ? base32(fullKey.getBytes(StandardCharsets.UTF_8)) : fullKey;
  }

  /** The full key of a stored key, or null when the stored key is not valid in this encoding. */
  @Nullable String fromStored(String storedKey) {
    if (!encode) {
      return storedKey;
    }
    byte[] bytes = unbase32(storedKey);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static String base32(byte[] data) {
    StringBuilder out = new StringBuilder((data.length + 4) / 5 * 8);
    int i = 0;
    while (i < data.length) {
      int n = Math.min(5, data.length - i);
      long buffer = 0;
      for (int j = 0; j < 5; j++) {
        buffer = (buffer << 8) | (j < n ? (data[i + j] & 0xff) : 0);
      }
      int chars = (n * 8 + 4) / 5;
      for (int j = 0; j < 8; j++) {
        if (j < chars) {
          out.append(ALPHABET[(int) ((buffer >>> (35 - 5 * j)) & 31)]);
        } else {
          out.append('=');
        }
      }
      i += 5;
    }
    return out.toString();
  }

  static byte @Nullable [] unbase32(String s) {
    if (s.isEmpty() || s.length() % 8 != 0) {
      return null;
    }
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    int padding = s.length() - end;
    if (padding != 0 && padding != 1 && padding != 3 && padding != 4 && padding != 6) {
      return null;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(end * 5 / 8);
    long buffer = 0;
    int bits = 0;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0) {
        return null;
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((int) (buffer >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
