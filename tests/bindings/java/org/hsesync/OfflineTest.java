package org.hsesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API on a replica with no remote: reads, writes and their errors. */
class OfflineTest {
  @TempDir Path dir;

  private HseEngine open() {
    return HseEngine.open(dir.resolve("replica.db").toString());
  }

  @Test
  void roundTrip() {
    try (HseEngine db = open()) {
      // Text outside the BMP: JNI's own strings (modified UTF-8) would mangle it.
      String created = db.create("project", "{\"name\": \"Café 🚧\", \"country\": \"IT\"}");
      String id = Json.string(created, "project_id");
      assertNotNull(id);
      assertTrue(db.get("project", id).contains("Café 🚧"), db.get("project", id));

      db.update("project", id, "{\"name\": \"Acme Ltd\"}");
      String page = db.query("project", "{\"filter\": {\"country\": \"IT\"}}");
      assertEquals(1, Json.number(page, "totalCount"), page);
      assertEquals("Acme Ltd", Json.string(page, "name"));
      assertEquals(java.util.Arrays.asList("create", "update"), Json.strings(db.history("project", id), "op"));
      assertEquals(1, Json.number(db.status(), "pending"));  // a create and an update, coalesced

      db.delete("project", id);
      assertEquals(0, Json.number(db.query("project", null), "totalCount"));
    }
  }

  @Test
  void createManyIsAllOrNone() {
    try (HseEngine db = open()) {
      HseException e = assertThrows(HseException.class, () -> db.createMany("project",
          "[{\"name\": \"A\", \"country\": \"IT\"}, {\"country\": \"IT\"}]"));
      assertEquals(HseCode.INVALID, e.getCode());
      assertTrue(e.getFields().stream().anyMatch(f -> f.getField().startsWith("[1].")), e.getFields().toString());
      assertEquals(0, Json.number(db.query("project", "{}"), "totalCount"));
      assertEquals(2, Json.strings(db.createMany("project",
          "[{\"name\": \"A\", \"country\": \"IT\"}, {\"name\": \"B\", \"country\": \"DE\"}]"), "project_id").size());
    }
  }

  @Test
  void validationErrorNamesItsFields() {
    try (HseEngine db = open()) {
      HseException e = assertThrows(HseException.class, () -> db.create("project", "{\"country\": 42}"));
      assertEquals(HseCode.INVALID, e.getCode());
      assertFalse(e.isTransient());
      assertEquals(0, e.getHttpStatus());  // refused here, not by a server
      assertEquals(-1, e.getRetryAfterSeconds());
      assertTrue(e.getFields().stream().anyMatch(f -> f.getField().equals("name")), e.getFields().toString());
      assertTrue(e.getFields().stream().anyMatch(f -> f.getField().equals("country")), e.getFields().toString());
      assertEquals(0, Json.number(db.query("project", "{}"), "totalCount"));  // nothing written
    }
  }

  @Test
  void malformedArgumentsAreNamed() {
    try (HseEngine db = open()) {
      HseException e = assertThrows(HseException.class, () -> db.create("project", "{not json"));
      assertEquals("json", e.getFields().get(0).getField());
      e = assertThrows(HseException.class, () -> db.create("project", "{\"name\": \"a\0b\"}"));
      assertEquals("json", e.getFields().get(0).getField());
      e = assertThrows(HseException.class, () -> db.create("no_such_entity", "{}"));
      assertEquals(HseCode.INVALID, e.getCode());
      e = assertThrows(HseException.class, () -> db.create(null, "{}"));
      assertEquals("entity", e.getFields().get(0).getField());
    }
  }

  @Test
  void missingRowsAndConflicts() {
    try (HseEngine db = open()) {
      assertNull(db.get("project", "no-such-id"));
      assertNull(db.getAsOf("project", "no-such-id", System.currentTimeMillis()));
      HseException e = assertThrows(HseException.class, () -> db.delete("project", "no-such-id"));
      assertEquals(HseCode.NOT_FOUND, e.getCode());
      e = assertThrows(HseException.class, () -> db.resolve("no-such-conflict", "{\"take\": \"local\"}"));
      assertEquals(HseCode.NOT_FOUND, e.getCode());
      String id = Json.string(db.create("project", "{\"name\": \"P\", \"country\": \"IT\"}"), "project_id");
      e = assertThrows(HseException.class,
                       () -> db.create("project", "{\"project_id\": \"" + id + "\", \"name\": \"Q\", \"country\": \"IT\"}"));
      assertEquals(HseCode.CONFLICT, e.getCode());
      assertEquals("[]", db.conflicts());
    }
  }

  @Test
  void withoutRemoteSyncFailsAsNoRemote() {
    try (HseEngine db = open()) {
      HseException e = assertThrows(HseException.class, db::sync);
      assertEquals(HseCode.NO_REMOTE, e.getCode());
      assertThrows(HseException.class, db::start);
    }
  }

  @Test
  void closedEngineRefusesCalls() {
    HseEngine db = open();
    db.close();
    db.close();  // harmless
    HseException e = assertThrows(HseException.class, () -> db.get("project", "x"));
    assertEquals(HseCode.INVALID, e.getCode());
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void reopenedReplicaKeepsItsRows() {
    String id;
    try (HseEngine db = open()) {
      id = Json.string(db.create("project", "{\"name\": \"Kept\", \"country\": \"IT\"}"), "project_id");
    }
    try (HseEngine db = open()) {
      assertTrue(db.get("project", id).contains("Kept"));
    }
  }

  @Test
  void badPathIsStorage() {
    HseException e = assertThrows(HseException.class,
                                  () -> HseEngine.open(dir.resolve("no/such/dir/replica.db").toString()));
    assertEquals(HseCode.STORAGE, e.getCode());
    e = assertThrows(HseException.class, () -> HseEngine.open(dir.resolve("r.db").toString(), "[1]"));
    assertEquals(HseCode.INVALID, e.getCode());
  }

  @Test
  void codesMirrorTheLibrary() {
    assertTrue(HseEngine.version().matches("\\d+\\.\\d+\\.\\d+"));
    assertEquals(HseCode.BUSY, HseCode.of(14));
    assertEquals(HseCode.UNKNOWN, HseCode.of(999));
    assertTrue(HseCode.RATE_LIMITED.isTransient());
    assertFalse(HseCode.INVALID.isTransient());
    assertEquals("not_found", HseCode.NOT_FOUND.cName());
    // Every code the library names has its constant, under the library's name.
    for (int n = 0; n < 256; ++n) {
      String name = HseEngine.codeName(n);
      if (name.equals("unknown")) continue;
      assertEquals(name, HseCode.of(n).name().toLowerCase(java.util.Locale.ROOT), "code " + n);
    }
    assertEquals("unknown", HseCode.UNKNOWN.cName());
  }
}
