// A complete program over the Java binding: an offline replica, a refused write with
// its fields, a query, and the journal's count of what the next sync would push.
// ctest runs it from an installed prefix (hsesync_java_installed); README.md shows a
// syncing one.
import org.hsesync.FieldError;
import org.hsesync.HseCode;
import org.hsesync.HseEngine;
import org.hsesync.HseException;

public final class Example {
  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : "example.db";
    try (HseEngine db = HseEngine.open(path)) {  // no remote configured: offline only
      String row = db.create("project", "{\"name\": \"Acme\", \"country\": \"IT\"}");
      System.out.println("created " + row);
      try {
        db.create("project", "{\"country\": \"Italy\"}");
      } catch (HseException e) {
        if (e.getCode() != HseCode.INVALID) throw e;
        for (FieldError f : e.getFields()) System.out.println("refused: " + f.getField() + " " + f.getMessage());
      }
      System.out.println("query " + db.query("project", "{\"filter\": {\"country\": \"IT\"}, \"sort\": \"name\"}"));
      System.out.println("status " + db.status());
    }
  }
}
