package org.hsesync;

/**
 * Loads the JNI shim, libhsesync_jni (which finds libhsesync beside it, through its
 * RUNPATH $ORIGIN, or the system's). Where from, first match wins:
 * the system property {@code hsesync.jni} (a path), the environment variable
 * {@code HSESYNC_JNI_LIB} (a path), else {@code System.loadLibrary("hsesync_jni")}
 * ({@code java.library.path}; on Android, the app's jniLibs).
 */
final class NativeLibrary {
  private static boolean loaded;

  private NativeLibrary() {}

  static synchronized void load() {
    if (loaded) return;
    String path = System.getProperty("hsesync.jni");
    if (path == null || path.isEmpty()) path = System.getenv("HSESYNC_JNI_LIB");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("hsesync_jni");
    }
    loaded = true;
  }
}
