package org.vectorscoring.kernel;

/**
 * One implementation of the kernel's loops. Callers have checked lengths and offsets already, so
 * implementations trust their arguments; {@link VectorKernel} is the checked public face.
 */
interface KernelSupport {

  /** Name reported in stats and logs, e.g. {@code panama-256} or {@code scalar}. */
  String name();

  float dot(float[] a, float[] b, int dims);

  /** Dot product of {@code q} with {@code dims} little-endian floats stored in {@code bytes} from {@code offset}. */
  float dot(float[] q, byte[] bytes, int offset, int dims);

  float squaredDistance(float[] a, float[] b, int dims);

  float squaredDistance(float[] q, byte[] bytes, int offset, int dims);

  /**
   * {@code out[i][j] = a[i] · b[j]} for every row of {@code a} and {@code b}, all of {@code dims} floats. When
   * {@code symmetric} ({@code a == b}), only {@code j >= i} is computed and mirrored, so the result is exactly symmetric.
   */
  void dotProducts(float[][] a, float[][] b, float[][] out, int dims, boolean symmetric);

  /** Bytes of the working copies {@link #dotProducts} allocates besides its output, for n × m vectors of dims. */
  long dotProductsScratchBytes(int n, int m, int dims);
}
