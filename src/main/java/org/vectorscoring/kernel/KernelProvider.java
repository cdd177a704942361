package org.vectorscoring.kernel;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Decides once per JVM whether the SIMD implementation can run here, logging why not when it cannot,
 * and which implementation {@link VectorKernel#best()} hands out.
 */
final class KernelProvider {

  /** {@code -Dvectorscoring.kernel=scalar} (or {@code panama}) forces a path, for tests and for users who must. */
  static final String FORCE_PROPERTY = "vectorscoring.kernel";

  private static final System.Logger LOG = System.getLogger(VectorKernel.class.getName());
  private static final String PANAMA_CLASS = "org.vectorscoring.kernel.PanamaKernelSupport";

  static final KernelSupport SCALAR = new ScalarKernelSupport();
  /** The SIMD implementation, or null where it cannot run. */
  static final KernelSupport PANAMA = loadPanama();
  static final KernelSupport BEST = chooseBest();

  private KernelProvider() {}

  private static KernelSupport loadPanama() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      LOG.log(System.Logger.Level.WARNING,
          "Java Vector API is not enabled, vector scoring uses the scalar kernel; start the JVM with --add-modules jdk.incubator.vector to enable it");
      return null;
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      LOG.log(System.Logger.Level.WARNING, "big-endian platform, vector scoring uses the scalar kernel");
      return null;
    }
    try {
      int bits = (int) Class.forName(PANAMA_CLASS).getDeclaredMethod("vectorBitSize").invoke(null);
      if (bits < 128) {
        LOG.log(System.Logger.Level.WARNING,
            "preferred vector size is " + bits + " bits, too narrow to pay off; vector scoring uses the scalar kernel");
        return null;
      }
      return (KernelSupport) Class.forName(PANAMA_CLASS).getDeclaredConstructor(boolean.class).newInstance(hasFma());
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Java Vector API could not be loaded, vector scoring uses the scalar kernel: " + e);
      return null;
    }
  }

  private static KernelSupport chooseBest() {
    String forced = System.getProperty(FORCE_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    KernelSupport chosen;
    if (forced.equals("scalar")) {
      chosen = SCALAR;
    } else if (forced.isEmpty() || forced.equals("panama")) {
      if (forced.equals("panama") && PANAMA == null) {
        LOG.log(System.Logger.Level.WARNING, FORCE_PROPERTY + "=panama was asked for, but the Vector API cannot run here");
      }
      chosen = PANAMA != null ? PANAMA : SCALAR;
    } else {
      LOG.log(System.Logger.Level.WARNING, "ignoring " + FORCE_PROPERTY + "=" + forced + ", expected [scalar] or [panama]");
      chosen = PANAMA != null ? PANAMA : SCALAR;
    }
    // DEBUG: hosts log the choice their own way (OpenSearch prints JUL output as [stderr] warnings).
    LOG.log(System.Logger.Level.DEBUG, "vector scoring kernel: " + chosen.name());
    return chosen;
  }

  // HotSpot only reports FMA where the CPU has it; the emulated fallback is far slower than mul + add.
  private static boolean hasFma() {
    try {
      return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
          .getVMOption("UseFMA").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
