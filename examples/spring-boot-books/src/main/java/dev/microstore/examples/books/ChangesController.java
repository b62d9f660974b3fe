package dev.microstore.examples.books;

import dev.microstore.ChangeEvent;
import dev.microstore.Store;
import dev.microstore.StoreException;
import dev.microstore.Watch;
import dev.microstore.WatchListener;
import dev.microstore.WatchOptions;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The books' changes as Server-Sent Events, one watch per browser: {@code event: put}, {@code
 * event: delete} or {@code event: expire}, the key as {@code data}, the revision as {@code id} (a
 * browser reconnecting sends it back as {@code Last-Event-ID}).
 */
@RestController
public class ChangesController {
  private final Store store;
  private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();

  /**
   * Created by Spring.
   *
   * @param store the application's store
   */
  public ChangesController(Store store) {
    this.store = store;
  }

  /**
   * Opens a stream of changes; the watch closes when the browser goes away.
   *
   * @return the event stream
   */
  @GetMapping(path = "/books/changes", produces = "text/event-stream")
  public SseEmitter changes() {
    SseEmitter emitter = new SseEmitter(0L);
    Watch watch =
        store.watch(
            WatchOptions.builder().table("books").build(),
            new WatchListener() {
              @Override
              public void onEvent(ChangeEvent event) {
                try {
                  emitter.send(
                      SseEmitter.event()
                          .name(event.op().name().toLowerCase(java.util.Locale.ROOT))
                          .id(Long.toString(event.revision()))
                          .data(event.key()));
                } catch (IOException | IllegalStateException gone) {
                  emitter.completeWithError(gone);
                }
              }

              @Override
              public void onError(StoreException error) {
                emitter.completeWithError(error);
              }
            });
    open.add(emitter);
    emitter.onCompletion(
        () -> {
          open.remove(emitter);
          watch.close();
        });
    emitter.onTimeout(watch::close);
    emitter.onError(e -> watch.close());
    try {
      // a first comment sends the response's headers now: the browser knows the watch is open
      emitter.send(SseEmitter.event().comment("watching"));
    } catch (IOException gone) {
      watch.close();
      emitter.completeWithError(gone);
    }
    return emitter;
  }

  /**
   * Ends every stream when the application stops, before the web server's graceful shutdown would
   * wait for them.
   */
  @EventListener(ContextClosedEvent.class)
  public void stop() {
    for (SseEmitter emitter : open) {
      emitter.complete();
    }
  }
}
