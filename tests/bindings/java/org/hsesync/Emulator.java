package org.hsesync;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real hse-emulator ($HSE_BIN_DIR/hse-emulator --port 0 ...) on 127.0.0.1; close() stops it. */
final class Emulator implements AutoCloseable {
  static final String TOKEN = "java-secret";

  private final Process process;
  final String url;

  private Emulator(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** The demo data set, token TOKEN, and `extra` options (e.g. "--faults", "{...}"). */
  static Emulator start(String... extra) throws IOException {
    String binDir = System.getenv("HSE_BIN_DIR");
    if (binDir == null) throw new IllegalStateException("HSE_BIN_DIR is not set (run through ctest)");
    List<String> cmd = new ArrayList<>(Arrays.asList(new File(binDir, "hse-emulator").getPath(), "--port", "0",
                                                     "--demo", "--token", TOKEN));
    cmd.addAll(Arrays.asList(extra));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("listening on 127.0.0.1:")) {
      p.destroyForcibly();
      throw new IOException("hse-emulator did not start: " + line);
    }
    return new Emulator(p, "http://" + line.substring("listening on ".length()));
  }

  /** A configuration for a replica syncing with this emulator; `more` is spliced into the object. */
  String config(String more) {
    return "{\"remote\": {\"kind\": \"fourhse\", \"url\": \"" + url + "\", \"access_token\": \"" + TOKEN + "\"}"
        + (more.isEmpty() ? "" : ", " + more) + "}";
  }

  @Override
  public void close() {
    process.destroy();  // SIGTERM: it stops cleanly
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
