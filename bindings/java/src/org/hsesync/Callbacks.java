package org.hsesync;

import java.nio.charset.StandardCharsets;

/**
 * What the JNI shim calls back: an event or a conflict, as UTF-8 bytes, handed to the
 * app's listener or resolver. Nothing thrown here may unwind into C, and each thread
 * records whose callback it is running, so that HseEngine refuses the calls a
 * callback must not make (they would deadlock) instead of hanging.
 */
final class Callbacks {
  // The engine whose listener (resolver) this thread is running, else null.
  static final ThreadLocal<HseEngine> inListener = new ThreadLocal<HseEngine>();
  static final ThreadLocal<HseEngine> inResolver = new ThreadLocal<HseEngine>();

  private Callbacks() {}

  // Called on the engine's event thread.
  static final class EventDispatch {
    private final HseEngine engine;
    private final HseEventListener listener;

    EventDispatch(HseEngine engine, HseEventListener listener) {
      this.engine = engine;
      this.listener = listener;
    }

    void deliver(byte[] event) {
      HseEngine outer = inListener.get();
      inListener.set(engine);
      try {
        listener.onEvent(HseEngine.text(event));
      } catch (Throwable t) {  // printed and ignored, as documented
        t.printStackTrace();
      } finally {
        inListener.set(outer);
      }
    }
  }

  // Called on the thread running the round. Null defers the conflict to the app.
  static final class ResolverDispatch {
    private final HseEngine engine;
    private final HseConflictResolver resolver;

    ResolverDispatch(HseEngine engine, HseConflictResolver resolver) {
      this.engine = engine;
      this.resolver = resolver;
    }

    byte[] decide(byte[] conflict) {
      HseEngine outer = inResolver.get();
      inResolver.set(engine);
      try {
        String answer = resolver.resolve(HseEngine.text(conflict));
        return answer == null || answer.indexOf('\0') >= 0 ? null : answer.getBytes(StandardCharsets.UTF_8);
      } catch (Throwable t) {  // defers, as documented
        t.printStackTrace();
        return null;
      } finally {
        inResolver.set(outer);
      }
    }
  }
}
