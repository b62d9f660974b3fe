package dev.microstore.tck.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.Stores;
import dev.microstore.WriteOptions;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The default {@code Store.scan} and {@code Store.scanKeys}, for stores that do not stream: the
 * keys of {@code list}, the records read in chunks, in list order.
 */
class DefaultScanTest {
  /** An in-memory store whose scans are the interface's default methods. */
  private static Store withDefaultScans(Store backing) {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.getName().startsWith("scan")) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          try {
            return method.invoke(backing, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Store)
        Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, h);
  }

  @Test
  void defaultScans_streamWhatListAndReadReturn_inListOrder() {
    try (Store backing = Stores.inMemory().build()) {
      Store store = withDefaultScans(backing);
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        records.add(Record.of(String.format("k%04d", i), "v" + i));
      }
      store.writeAll(records, WriteOptions.builder().table("t").build()).throwIfFailed();
      store.write(Record.of("other", "v"));
      ListOptions table = ListOptions.builder().table("t").offset(10).limit(500).build();

      List<String> keys;
      try (Stream<String> s = store.scanKeys(table)) {
        keys = s.collect(Collectors.toList());
      }
      List<Record> scanned;
      try (Stream<Record> s = store.scan(table)) {
        scanned = s.collect(Collectors.toList());
      }

      assertThat(keys).isEqualTo(store.list(table));
      assertThat(scanned)
          .isEqualTo(
              store.read(
                  "", ReadOptions.builder().table("t").prefix().offset(10).limit(500).build()));
    }
  }
}
