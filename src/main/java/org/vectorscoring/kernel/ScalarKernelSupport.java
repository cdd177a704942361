package org.vectorscoring.kernel;

/** Plain Java loops: the fallback when the Vector API is absent or disabled, and the reference for the SIMD path. */
final class ScalarKernelSupport implements KernelSupport {

  @Override
  public String name() {
    return "scalar";
  }

  // Four independent sums let the CPU overlap the additions instead of waiting on one chain.
  @Override
  public float dot(float[] a, float[] b, int dims) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int bound = dims & ~3; i < bound; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < dims; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float dot(float[] q, byte[] bytes, int offset, int dims) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int bound = dims & ~3; i < bound; i += 4) {
      int o = offset + (i << 2);
      s0 += q[i] * LittleEndianFloats.get(bytes, o);
      s1 += q[i + 1] * LittleEndianFloats.get(bytes, o + 4);
      s2 += q[i + 2] * LittleEndianFloats.get(bytes, o + 8);
      s3 += q[i + 3] * LittleEndianFloats.get(bytes, o + 12);
    }
    for (; i < dims; i++) {
      s0 += q[i] * LittleEndianFloats.get(bytes, offset + (i << 2));
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float squaredDistance(float[] a, float[] b, int dims) {
    float s0 = 0, s1 = 0;
    int i = 0;
    for (int bound = dims & ~1; i < bound; i += 2) {
      float d0 = a[i] - b[i];
      float d1 = a[i + 1] - b[i + 1];
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    if (i < dims) {
      float d = a[i] - b[i];
      s0 += d * d;
    }
    return s0 + s1;
  }

  @Override
  public float squaredDistance(float[] q, byte[] bytes, int offset, int dims) {
    float s0 = 0, s1 = 0;
    int i = 0;
    for (int bound = dims & ~1; i < bound; i += 2) {
      int o = offset + (i << 2);
      float d0 = q[i] - LittleEndianFloats.get(bytes, o);
      float d1 = q[i + 1] - LittleEndianFloats.get(bytes, o + 4);
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    if (i < dims) {
      float d = q[i] - LittleEndianFloats.get(bytes, offset + (i << 2));
      s0 += d * d;
    }
    return s0 + s1;
  }

  @Override
  public void dotProducts(float[][] a, float[][] b, float[][] out, int dims, boolean symmetric) {
    for (int i = 0; i < a.length; i++) {
      for (int j = symmetric ? i : 0; j < b.length; j++) {
        out[i][j] = dot(a[i], b[j], dims);
        if (symmetric) {
          out[j][i] = out[i][j];
        }
      }
    }
  }

  @Override
  public long dotProductsScratchBytes(int n, int m, int dims) {
    return 0;
  }
}
