package org.hsesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API syncing against a real hse-emulator: each test starts its own and stops it. */
class SyncTest {
  @TempDir Path dir;

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void offlineWriteIsSyncedOnceTheServerIsReachable() throws Exception {
    try (Emulator emu = Emulator.start()) {
      String id;
      // Port 1 on loopback refuses at once: the app is offline.
      try (HseEngine a = HseEngine.open(path("a.db"),
                                        "{\"remote\": {\"url\": \"http://127.0.0.1:1\", \"access_token\": \"x\"}}")) {
        id = Json.string(a.create("project", "{\"name\": \"Written offline\", \"country\": \"IT\"}"), "project_id");
        HseException e = assertThrows(HseException.class, a::sync);
        assertEquals(HseCode.NETWORK, e.getCode());
        assertTrue(e.isTransient());
        assertEquals(0, e.getHttpStatus());
        assertNotNull(e.getReport());
        assertTrue(e.getReport().contains("\"ok\":false"), e.getReport());
      }
      // Back online: the configuration is merged into the stored one.
      try (HseEngine a = HseEngine.open(path("a.db"), emu.config(""))) {
        String report = a.sync();
        assertEquals(1, Json.number(report, "pushed"), report);
        assertEquals(0, Json.number(a.status(), "pending"));
      }
      try (HseEngine b = HseEngine.open(path("b.db"), emu.config(""))) {
        assertTrue(b.waitSynced(30_000));
        assertTrue(b.get("project", id).contains("Written offline"));
      }
    }
  }

  @Test
  void listenerGetsTheRoundsEventsAndMayReadButNotSync() throws Exception {
    try (Emulator emu = Emulator.start(); HseEngine db = HseEngine.open(path("events.db"), emu.config(""))) {
      List<String> types = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<String> statusRead = new AtomicReference<>();
      AtomicReference<HseException> syncRefused = new AtomicReference<>();
      List<String> threads = Collections.synchronizedList(new ArrayList<>());
      db.setEventListener(event -> {
        String type = Json.string(event, "type");
        types.add(type);
        threads.add(Thread.currentThread().getName());
        if ("round_finished".equals(type)) {
          statusRead.set(db.status());
          try {
            db.sync();
          } catch (HseException e) {
            syncRefused.set(e);
          }
        }
      });
      db.sync();
      // sync() returns once its round's events were delivered.
      assertEquals("round_started", types.get(0));
      assertEquals("round_finished", types.get(types.size() - 1));
      assertTrue(types.contains("page"), types.toString());
      assertNotNull(statusRead.get());
      assertEquals(HseCode.INVALID, syncRefused.get().getCode());
      assertFalse(threads.contains(Thread.currentThread().getName()), "events arrive on the engine's thread");

      int seen = types.size();
      db.setEventListener(null);
      db.sync();
      assertEquals(seen, types.size());  // none after unregistering
    }
  }

  @Test
  void resolverDecidesAConflict() throws Exception {
    String config = "\"policies\": {\"incident\": \"callback\"}";
    try (Emulator emu = Emulator.start(); HseEngine a = HseEngine.open(path("a.db"), emu.config(config));
         HseEngine b = HseEngine.open(path("b.db"), emu.config(config))) {
      List<String> asked = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<HseException> callRefused = new AtomicReference<>();
      a.setConflictResolver(conflict -> {
        asked.add(conflict);
        try {
          a.status();
        } catch (HseException e) {
          callRefused.set(e);
        }
        return "update_update".equals(Json.string(conflict, "kind")) ? "{\"take\": \"remote\"}" : null;
      });
      a.sync();
      String id = Json.string(a.query("incident", "{\"per-page\": 1}"), "office_incident_id");
      assertNotNull(id);
      b.sync();
      b.update("incident", id, "{\"name\": \"renamed on B\"}");
      assertEquals(1, Json.number(b.sync(), "pushed"));
      a.update("incident", id, "{\"name\": \"renamed on A\"}");
      a.sync();

      assertEquals(1, asked.size(), asked.toString());
      assertEquals(HseCode.INVALID, callRefused.get().getCode());  // the replica is locked meanwhile
      assertEquals("[]", a.conflicts());  // decided by the resolver, not left to the app
      assertTrue(a.get("incident", id).contains("renamed on B"));
    }
  }

  @Test
  void manualConflictIsListedAndResolved() throws Exception {
    String config = "\"policies\": {\"project\": \"manual\"}";
    try (Emulator emu = Emulator.start(); HseEngine a = HseEngine.open(path("a.db"), emu.config(config));
         HseEngine b = HseEngine.open(path("b.db"), emu.config(config))) {
      String id = Json.string(a.create("project", "{\"name\": \"Shared\", \"country\": \"IT\"}"), "project_id");
      a.sync();
      b.sync();
      b.update("project", id, "{\"name\": \"renamed on B\"}");
      b.sync();
      a.update("project", id, "{\"name\": \"renamed on A\"}");
      a.sync();
      String conflicts = a.conflicts();
      assertEquals("update_update", Json.string(conflicts, "kind"), conflicts);
      String conflictId = Json.string(conflicts, "conflict_id");
      assertEquals(HseCode.INVALID,
                   assertThrows(HseException.class, () -> a.resolve(conflictId, "{\"take\": \"sideways\"}")).getCode());
      a.resolve(conflictId, "{\"take\": \"local\"}");
      assertTrue(a.waitSynced(30_000));
      b.sync();
      assertTrue(b.get("project", id).contains("renamed on A"));
    }
  }

  @Test
  void rateLimitedRoundCarriesStatusAndRetryAfter() throws Exception {
    try (Emulator emu = Emulator.start("--faults", "{\"error_rate\": 1, \"error_status\": 429, \"retry_after_s\": 7}");
         HseEngine db = HseEngine.open(path("429.db"), emu.config(""))) {
      HseException e = assertThrows(HseException.class, db::sync);
      assertEquals(HseCode.RATE_LIMITED, e.getCode());
      assertTrue(e.isTransient());
      assertEquals(429, e.getHttpStatus());
      assertEquals(7, e.getRetryAfterSeconds());
      assertEquals(429, Json.number(e.getReport(), "http_status"));
    }
  }

  @Test
  void refusedTokenIsAuthWith401() throws Exception {
    try (Emulator emu = Emulator.start();
         HseEngine db = HseEngine.open(path("401.db"), emu.config("").replace(Emulator.TOKEN, "wrong"))) {
      HseException e = assertThrows(HseException.class, db::sync);
      assertEquals(HseCode.AUTH, e.getCode());
      assertFalse(e.isTransient());
      assertEquals(401, e.getHttpStatus());
      assertEquals(-1, e.getRetryAfterSeconds());
    }
  }

  @Test
  void waitSyncedAnswersFalseOnTimeout() throws Exception {
    try (Emulator emu = Emulator.start("--faults", "{\"error_rate\": 1, \"error_status\": 500}");
         HseEngine db = HseEngine.open(path("500.db"), emu.config(""))) {
      AtomicInteger errors = new AtomicInteger();
      db.setEventListener(event -> {
        if ("error".equals(Json.string(event, "type"))) errors.incrementAndGet();
      });
      assertFalse(db.waitSynced(300));
      assertTrue(errors.get() > 0);
    }
  }
}
