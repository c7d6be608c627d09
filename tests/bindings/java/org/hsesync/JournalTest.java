package org.hsesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal, filtered; a held entry retried; an entry dropped. */
class JournalTest {
  @TempDir Path dir;

  @Test
  void journalFilter() {
    try (HseEngine db = HseEngine.open(dir.resolve("j.db").toString())) {
      String p = Json.string(db.create("project", "{\"name\": \"P\", \"country\": \"IT\"}"), "project_id");
      String q = Json.string(db.create("project", "{\"name\": \"Q\", \"country\": \"DE\"}"), "project_id");
      assertEquals(Arrays.asList(p, q), Json.strings(db.journal(), "id"));
      assertEquals(Collections.singletonList(q), Json.strings(db.journal("{\"id\": \"" + q + "\"}"), "id"));
      assertEquals(2, Json.strings(db.journal("{\"entity\": \"project\", \"state\": \"pending\"}"), "id").size());
      assertEquals("[]", db.journal("{\"state\": \"held\"}"));
      HseException e = assertThrows(HseException.class, () -> db.journal("{\"state\": \"sideways\"}"));
      assertEquals(HseCode.INVALID, e.getCode());
      assertFalse(e.getFields().isEmpty());
    }
  }

  @Test
  void dropDiscardsARowNeverPushed() {
    try (HseEngine db = HseEngine.open(dir.resolve("d.db").toString())) {
      String p = Json.string(db.create("project", "{\"name\": \"Doomed\", \"country\": \"IT\"}"), "project_id");
      long seq = Json.number(db.journal(), "seq");
      db.drop(seq);
      assertNull(db.get("project", p));
      assertEquals("[]", db.journal());
      assertEquals(HseCode.NOT_FOUND, assertThrows(HseException.class, () -> db.drop(seq)).getCode());
    }
  }

  @Test
  void heldEntryIsRetried() throws Exception {
    try (Emulator emu = Emulator.start("--admin", "--faults", "{\"error_rate\": 1, \"error_status\": 500}");
         HseEngine db = HseEngine.open(dir.resolve("h.db").toString(), emu.config("\"sync\": {\"max_attempts\": 1}"))) {
      String p = Json.string(db.create("project", "{\"name\": \"Held\", \"country\": \"IT\"}"), "project_id");
      assertEquals(HseCode.SERVER, assertThrows(HseException.class, db::sync).getCode());
      String held = db.journal("{\"state\": \"held\"}");
      assertEquals(Collections.singletonList(p), Json.strings(held, "id"));
      assertEquals(1, Json.number(db.status(), "held"));
      long seq = Json.number(held, "seq");
      assertEquals(HseCode.NOT_FOUND, assertThrows(HseException.class, () -> db.retry(seq + 1000)).getCode());

      HttpURLConnection c = (HttpURLConnection) new URL(emu.url + "/_admin/faults").openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write("{}".getBytes(StandardCharsets.UTF_8));  // the server recovers
      }
      assertEquals(200, c.getResponseCode());
      c.disconnect();

      db.retry(seq);
      assertEquals("[]", db.journal("{\"state\": \"held\"}"));
      assertTrue(db.sync().contains("\"ok\":true"));
      assertEquals("[]", db.journal());
    }
  }
}
