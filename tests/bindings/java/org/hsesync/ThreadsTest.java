package org.hsesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java threads and the engine's own threads together. */
class ThreadsTest {
  @TempDir Path dir;

  // The engine's threads as the JVM sees them once attached (jni_support.cpp names them).
  private static boolean nativeThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("hsesync-native"));
  }

  @Test
  void twoThreadsWriteAtOnce() throws Exception {
    try (HseEngine db = HseEngine.open(dir.resolve("threads.db").toString())) {
      CountDownLatch go = new CountDownLatch(1);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 2; ++t) {
        String country = t == 0 ? "IT" : "DE";
        Thread w = new Thread(() -> {
          try {
            go.await();
            for (int i = 0; i < 50; ++i) {
              db.create("project", "{\"name\": \"P" + i + "\", \"country\": \"" + country + "\"}");
              db.query("project", "{\"per-page\": 5}");
            }
          } catch (Throwable e) {
            failed.compareAndSet(null, e);
          }
        });
        w.start();
        writers.add(w);
      }
      go.countDown();
      for (Thread w : writers) w.join(60_000);
      if (failed.get() != null) throw new AssertionError(failed.get());
      assertEquals(50, Json.number(db.query("project", "{\"filter\": {\"country\": \"IT\"}}"), "totalCount"));
      assertEquals(50, Json.number(db.query("project", "{\"filter\": {\"country\": \"DE\"}}"), "totalCount"));
      assertEquals(100, Json.number(db.status(), "pending"));
    }
  }

  @Test
  void closeWhileTheSchedulerRuns() throws Exception {
    try (Emulator emu = Emulator.start()) {
      HseEngine db = HseEngine.open(dir.resolve("scheduler.db").toString(),
                                    emu.config("\"sync\": {\"interval_s\": 1, \"debounce_ms\": 10}"));
      AtomicInteger rounds = new AtomicInteger();
      CountDownLatch firstRound = new CountDownLatch(1);
      db.setEventListener(event -> {
        if ("round_finished".equals(Json.string(event, "type"))) {
          rounds.incrementAndGet();
          firstRound.countDown();
        }
      });
      db.start();
      assertTrue(firstRound.await(30, TimeUnit.SECONDS));
      assertTrue(nativeThreadAlive(), "the event thread is attached while it delivers");
      for (int i = 0; i < 20; ++i) db.create("project", "{\"name\": \"P" + i + "\", \"country\": \"IT\"}");
      db.close();  // while the scheduler runs (and likely pushes)

      int after = rounds.get();
      Thread.sleep(1500);  // longer than the interval: a scheduler still running would finish a round
      assertEquals(after, rounds.get(), "no callback after close()");
      assertFalse(nativeThreadAlive(), "the engine's threads are detached on close");
      assertEquals(HseCode.INVALID, assertThrows(HseException.class, db::status).getCode());
    }
  }

  @Test
  void closeWaitsForACallInAnotherThread() throws Exception {
    try (Emulator emu = Emulator.start()) {
      HseEngine db = HseEngine.open(dir.resolve("wait.db").toString(), emu.config(""));
      CountDownLatch roundStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicReference<String> report = new AtomicReference<>();
      db.setEventListener(event -> {
        if ("round_started".equals(Json.string(event, "type"))) {
          roundStarted.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      Thread syncing = new Thread(() -> report.set(db.sync()));
      syncing.start();
      assertTrue(roundStarted.await(30, TimeUnit.SECONDS));
      Thread closing = new Thread(db::close);
      closing.start();
      closing.join(300);
      assertTrue(closing.isAlive(), "close() waits for the sync running in another thread");
      release.countDown();
      closing.join(30_000);
      syncing.join(30_000);
      assertFalse(closing.isAlive());
      assertTrue(report.get().contains("\"ok\":true"), report.get());
    }
  }
}
