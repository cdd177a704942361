package org.vectorscoring.kernel;

/**
 * The public face of the kernel: dot products, distances and norms with their arguments checked, computed
 * by the SIMD implementation where the Java Vector API runs and by plain loops elsewhere.
 *
 * <p>Instances are immutable and thread-safe. {@link #best()} is chosen once per JVM; {@link #scalar()}
 * is always available. The two agree with a double-precision reference to float rounding, not bit for bit:
 * they add the products in a different order.
 */
public final class VectorKernel {

  private static final VectorKernel SCALAR = new VectorKernel(KernelProvider.SCALAR);
  private static final VectorKernel PANAMA = KernelProvider.PANAMA == null ? null : new VectorKernel(KernelProvider.PANAMA);
  private static final VectorKernel BEST = KernelProvider.BEST == KernelProvider.SCALAR ? SCALAR : PANAMA;

  private final KernelSupport support;

  private VectorKernel(KernelSupport support) {
    this.support = support;
  }

  /** The fastest kernel this JVM can run (SIMD unless unavailable or forced off with {@code -Dvectorscoring.kernel=scalar}). */
  public static VectorKernel best() {
    return BEST;
  }

  /** The plain-Java kernel, available everywhere. */
  public static VectorKernel scalar() {
    return SCALAR;
  }

  /** {@link #best()} when SIMD is enabled, else {@link #scalar()}: what a {@code simd.enabled} setting maps to. */
  public static VectorKernel select(boolean simdEnabled) {
    return simdEnabled ? BEST : SCALAR;
  }

  /** The SIMD kernel, or null where the Vector API cannot run; for tests and benchmarks that compare the two. */
  public static VectorKernel panamaOrNull() {
    return PANAMA;
  }

  KernelSupport support() {
    return support;
  }

  /** Name for stats and logs: {@code panama-<bits>} or {@code scalar}. */
  public String name() {
    return support.name();
  }

  /** Dot product of two vectors of the same length. */
  public float dotProduct(float[] a, float[] b) {
    checkSameLength(a, b);
    return support.dot(a, b, a.length);
  }

  /**
   * Dot product of {@code q} with the vector of {@code q.length} little-endian floats stored in {@code bytes}
   * from {@code offset}, the layout of stored vectors.
   */
  public float dotProduct(float[] q, byte[] bytes, int offset) {
    checkStored(q, bytes, offset);
    return support.dot(q, bytes, offset, q.length);
  }

  /** Squared Euclidean distance of two vectors of the same length, computed directly (no cancellation). */
  public float squaredDistance(float[] a, float[] b) {
    checkSameLength(a, b);
    return support.squaredDistance(a, b, a.length);
  }

  /** Squared Euclidean distance of {@code q} to a stored vector, as {@link #dotProduct(float[], byte[], int)} reads it. */
  public float squaredDistance(float[] q, byte[] bytes, int offset) {
    checkStored(q, bytes, offset);
    return support.squaredDistance(q, bytes, offset, q.length);
  }

  /**
   * All dot products between the rows of {@code a} and of {@code b}: {@code out[i][j] = a[i] · b[j]}, computed as a
   * blocked matrix product so each loaded vector serves several outputs. Pass the same array twice for a symmetric result
   * computed once per pair.
   *
   * @return a new {@code a.length × b.length} matrix
   */
  public float[][] dotProducts(float[][] a, float[][] b) {
    int dims = commonDims(a, b);
    float[][] out = new float[a.length][b.length];
    support.dotProducts(a, b, out, dims, a == b);
    return out;
  }

  /**
   * Bytes {@link #dotProducts} allocates besides the matrix it returns (packed copies of the vectors), for callers that
   * account memory before computing.
   */
  public long dotProductsScratchBytes(int rows, int columns, int dims) {
    return support.dotProductsScratchBytes(rows, columns, dims);
  }

  /** Cosine of two vectors, computing both norms: prefer {@link #cosine(float, float, float)} with stored norms. */
  public float cosine(float[] a, float[] b) {
    return cosine(dotProduct(a, b), norm(a), norm(b));
  }

  /**
   * Cosine from a dot product and the two L2 norms, so scoring needs one pass over the data; 0 when either norm
   * is 0 (as scikit-learn), and clamped to [-1, 1] against rounding.
   */
  public static float cosine(float dot, float normA, float normB) {
    if (normA == 0f || normB == 0f) {
      return 0f;
    }
    // In double: the product of two large norms may overflow a float even when the cosine is well defined.
    double cos = dot / ((double) normA * (double) normB);
    return (float) Math.max(-1d, Math.min(1d, cos));
  }

  /** L2 norm, accumulated in double: computed once per stored vector at index time, so precision wins over speed. */
  public static float norm(float[] v) {
    return (float) Math.sqrt(squaredNorm(v));
  }

  /**
   * Sum of squares in double, for checks and normalisations that must not overflow or round as a float norm would:
   * finite floats cannot overflow it.
   */
  public static double squaredNorm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return sum;
  }

  /**
   * The dimensions every vector of {@code a} and {@code b} has (0 when both are empty).
   *
   * @throws IllegalArgumentException when two differ
   */
  public static int commonDims(float[][] a, float[][] b) {
    int dims = a.length > 0 ? a[0].length : b.length > 0 ? b[0].length : 0;
    for (float[][] set : new float[][][] {a, b}) {
      for (float[] v : set) {
        if (v.length != dims) {
          throw new IllegalArgumentException("all vectors need the same dimensions: found [" + v.length + "] and [" + dims + "]");
        }
      }
    }
    return dims;
  }

  private static void checkSameLength(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vector dimensions differ: [" + a.length + "] != [" + b.length + "]");
    }
  }

  private static void checkStored(float[] q, byte[] bytes, int offset) {
    if (offset < 0 || (long) offset + (long) q.length * Float.BYTES > bytes.length) {
      throw new IllegalArgumentException("stored vector of [" + q.length + "] dimensions at offset [" + offset
          + "] does not fit in [" + bytes.length + "] bytes");
    }
  }

  @Override
  public String toString() {
    return "VectorKernel[" + name() + "]";
  }
}
