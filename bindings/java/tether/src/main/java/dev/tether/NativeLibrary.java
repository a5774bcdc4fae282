package dev.tether;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libtether and its JNI glue from the jar: {@code dev/tether/native/<platform>/} is
 * extracted to a fresh temporary folder (deleted on exit) and loaded from there, libtether
 * first so that the glue's dependency on it resolves to the copy beside it.
 */
public final class NativeLibrary {
  private static final String[] LIBRARIES = {"libtether.so.0", "libtether_jni.so"};
  private static volatile boolean loaded;

  private NativeLibrary() {}

  /** The platform folder name for this JVM: {@code linux-x86_64}, {@code linux-aarch64}. */
  static String platform() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
    if (os.startsWith("linux")) {
      os = "linux";
    } else if (os.startsWith("mac")) {
      os = "darwin";
    } else if (os.startsWith("windows")) {
      os = "windows";
    }
    String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    if (arch.equals("amd64") || arch.equals("x86-64")) {
      arch = "x86_64";
    } else if (arch.equals("arm64")) {
      arch = "aarch64";
    }
    return os + "-" + arch;
  }

  /** The resource folder of a platform's libraries; UnsatisfiedLinkError naming it if absent. */
  static String folder(String platform) {
    String folder = "/dev/tether/native/" + platform + "/";
    if (NativeLibrary.class.getResource(folder + LIBRARIES[0]) == null) {
      throw new UnsatisfiedLinkError(
          "tether has no native library for platform "
              + platform
              + " in this jar (looked for "
              + folder.substring(1)
              + LIBRARIES[0]
              + "); build the jar on that platform (mvn package in bindings/java)");
    }
    return folder;
  }

  /** Loads the libraries once; later calls return at once. */
  public static void load() {
    if (loaded) {
      return;
    }
    synchronized (NativeLibrary.class) {
      if (loaded) {
        return;
      }
      String platform = platform();
      String folder = folder(platform);
      try {
        Path dir = Files.createTempDirectory("tether-native");
        dir.toFile().deleteOnExit();
        for (String name : LIBRARIES) {
          Path file = dir.resolve(name);
          try (InputStream in = NativeLibrary.class.getResourceAsStream(folder + name)) {
            if (in == null) {
              throw new UnsatisfiedLinkError(
                  "tether's jar misses " + folder.substring(1) + name + " for " + platform);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
          }
          file.toFile().deleteOnExit();
          System.load(file.toAbsolutePath().toString());
        }
      } catch (IOException e) {
        UnsatisfiedLinkError error =
            new UnsatisfiedLinkError("cannot extract tether's native libraries: " + e);
        error.initCause(e);
        throw error;
      }
      loaded = true;
    }
  }
}
