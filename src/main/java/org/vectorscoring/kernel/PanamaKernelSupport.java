package org.vectorscoring.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD loops on the Java Vector API at the platform's preferred width. Loaded by name from
 * {@link KernelProvider} only when {@code jdk.incubator.vector} is present, so nothing else refers to it.
 */
final class PanamaKernelSupport implements KernelSupport {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  // Stored vectors are loaded as bytes and reinterpreted: measured several times faster than
  // FloatVector.fromMemorySegment or a FloatBuffer view over the same bytes.
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
  private static final int LANES = FLOATS.length();

  // reduceLanes(ADD) leaves the order of float additions unspecified, free to differ between the interpreter and
  // compiled code; a fixed tree of lane swaps gives the same bits every call, so a score matches its explanation.
  private static final VectorShuffle<Float>[] SWAPS = swaps();

  private final boolean useFma;

  PanamaKernelSupport(boolean useFma) {
    if (BYTES.vectorBitSize() != FLOATS.vectorBitSize()) {
      throw new IllegalStateException("byte and float species differ in width");
    }
    this.useFma = useFma;
  }

  @SuppressWarnings("unchecked")
  private static VectorShuffle<Float>[] swaps() {
    int steps = Integer.numberOfTrailingZeros(LANES);
    VectorShuffle<Float>[] swaps = new VectorShuffle[steps];
    for (int k = 0; k < steps; k++) {
      int distance = LANES >> (k + 1);
      swaps[k] = VectorShuffle.fromOp(FLOATS, i -> i ^ distance);
    }
    return swaps;
  }

  private static float sumLanes(FloatVector v) {
    for (VectorShuffle<Float> swap : SWAPS) {
      v = v.add(v.rearrange(swap));
    }
    return v.lane(0);
  }

  static int vectorBitSize() {
    return FLOATS.vectorBitSize();
  }

  @Override
  public String name() {
    return "panama-" + FLOATS.vectorBitSize();
  }

  private FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
    // Without hardware FMA the Vector API emulates it very slowly; multiply-add is then the faster choice.
    return useFma ? a.fma(b, acc) : acc.add(a.mul(b));
  }

  // Four accumulators: enough independent FMA chains to cover the FMA latency, few enough to stay in registers.
  @Override
  public float dot(float[] a, float[] b, int dims) {
    int i = 0;
    float sum = 0;
    if (dims >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      FloatVector acc2 = FloatVector.zero(FLOATS);
      FloatVector acc3 = FloatVector.zero(FLOATS);
      for (int bound = dims - 4 * LANES; i <= bound; i += 4 * LANES) {
        acc0 = fma(FloatVector.fromArray(FLOATS, a, i), FloatVector.fromArray(FLOATS, b, i), acc0);
        acc1 = fma(FloatVector.fromArray(FLOATS, a, i + LANES), FloatVector.fromArray(FLOATS, b, i + LANES), acc1);
        acc2 = fma(FloatVector.fromArray(FLOATS, a, i + 2 * LANES), FloatVector.fromArray(FLOATS, b, i + 2 * LANES), acc2);
        acc3 = fma(FloatVector.fromArray(FLOATS, a, i + 3 * LANES), FloatVector.fromArray(FLOATS, b, i + 3 * LANES), acc3);
      }
      for (int bound = FLOATS.loopBound(dims); i < bound; i += LANES) {
        acc0 = fma(FloatVector.fromArray(FLOATS, a, i), FloatVector.fromArray(FLOATS, b, i), acc0);
      }
      sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
    }
    for (; i < dims; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  // Two accumulators where the float[] loop has four, because they measured better: with four, C2 unrolls the
  // small body so far that it loses at large dims (-XX:LoopMaxUnroll=4 took the 1536-dim pass from 37 to 27 us);
  // two won or tied at every size from 128 to 1536 dims, in cache and out (KernelBenchmark, AVX2, Zen 3).
  // A stored vector is read once per query, from L2 or further, so two FMA chains are rarely what waits.
  @Override
  public float dot(float[] q, byte[] bytes, int offset, int dims) {
    int i = 0;
    float sum = 0;
    if (dims >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
        acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(bytes, offset, i), acc0);
        acc1 = fma(FloatVector.fromArray(FLOATS, q, i + LANES), stored(bytes, offset, i + LANES), acc1);
      }
      for (int bound = FLOATS.loopBound(dims); i < bound; i += LANES) {
        acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(bytes, offset, i), acc0);
      }
      sum = sumLanes(acc0.add(acc1));
    }
    for (; i < dims; i++) {
      sum += q[i] * LittleEndianFloats.get(bytes, offset + (i << 2));
    }
    return sum;
  }

  @Override
  public float squaredDistance(float[] a, float[] b, int dims) {
    int i = 0;
    float sum = 0;
    if (dims >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
        FloatVector d0 = FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
        FloatVector d1 = FloatVector.fromArray(FLOATS, a, i + LANES).sub(FloatVector.fromArray(FLOATS, b, i + LANES));
        acc0 = fma(d0, d0, acc0);
        acc1 = fma(d1, d1, acc1);
      }
      for (int bound = FLOATS.loopBound(dims); i < bound; i += LANES) {
        FloatVector d = FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
        acc0 = fma(d, d, acc0);
      }
      sum = sumLanes(acc0.add(acc1));
    }
    for (; i < dims; i++) {
      float d = a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }

  @Override
  public float squaredDistance(float[] q, byte[] bytes, int offset, int dims) {
    int i = 0;
    float sum = 0;
    if (dims >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
        FloatVector d0 = FloatVector.fromArray(FLOATS, q, i).sub(stored(bytes, offset, i));
        FloatVector d1 = FloatVector.fromArray(FLOATS, q, i + LANES).sub(stored(bytes, offset, i + LANES));
        acc0 = fma(d0, d0, acc0);
        acc1 = fma(d1, d1, acc1);
      }
      for (int bound = FLOATS.loopBound(dims); i < bound; i += LANES) {
        FloatVector d = FloatVector.fromArray(FLOATS, q, i).sub(stored(bytes, offset, i));
        acc0 = fma(d, d, acc0);
      }
      sum = sumLanes(acc0.add(acc1));
    }
    for (; i < dims; i++) {
      float d = q[i] - LittleEndianFloats.get(bytes, offset + (i << 2));
      sum += d * d;
    }
    return sum;
  }

  @Override
  public void dotProducts(float[][] a, float[][] b, float[][] out, int dims, boolean symmetric) {
    int n = a.length;
    int m = b.length;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      int j = symmetric ? i : 0;
      for (; j + 4 <= m; j += 4) {
        tile4x4(a, i, b, j, out, dims, symmetric);
      }
      for (int r = i; r < i + 4; r++) {
        for (int c = j; c < m; c++) {
          cell(a, r, b, c, out, dims, symmetric);
        }
      }
    }
    for (; i < n; i++) {
      for (int c = symmetric ? i : 0; c < m; c++) {
        cell(a, i, b, c, out, dims, symmetric);
      }
    }
  }

  private void cell(float[][] a, int r, float[][] b, int c, float[][] out, int dims, boolean symmetric) {
    if (symmetric && c < r) {
      return; // the mirror of a cell already computed
    }
    out[r][c] = dot(a[r], b[c], dims);
    if (symmetric) {
      out[c][r] = out[r][c];
    }
  }

  /**
   * A 4×4 block of outputs from 4 rows and 4 columns: each loaded vector feeds four FMAs instead of one, which is
   * what lifts a matrix product from memory-bound to compute-bound (16 accumulators fill AVX-512's registers; on
   * AVX2 some spill, and it still wins by reuse).
   */
  private void tile4x4(float[][] a, int i, float[][] b, int j, float[][] out, int dims, boolean symmetric) {
    float[] a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
    float[] b0 = b[j], b1 = b[j + 1], b2 = b[j + 2], b3 = b[j + 3];
    FloatVector c00 = FloatVector.zero(FLOATS), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    int bound = FLOATS.loopBound(dims);
    for (int k = 0; k < bound; k += LANES) {
      FloatVector vb0 = FloatVector.fromArray(FLOATS, b0, k);
      FloatVector vb1 = FloatVector.fromArray(FLOATS, b1, k);
      FloatVector vb2 = FloatVector.fromArray(FLOATS, b2, k);
      FloatVector vb3 = FloatVector.fromArray(FLOATS, b3, k);
      FloatVector va = FloatVector.fromArray(FLOATS, a0, k);
      c00 = fma(va, vb0, c00);
      c01 = fma(va, vb1, c01);
      c02 = fma(va, vb2, c02);
      c03 = fma(va, vb3, c03);
      va = FloatVector.fromArray(FLOATS, a1, k);
      c10 = fma(va, vb0, c10);
      c11 = fma(va, vb1, c11);
      c12 = fma(va, vb2, c12);
      c13 = fma(va, vb3, c13);
      va = FloatVector.fromArray(FLOATS, a2, k);
      c20 = fma(va, vb0, c20);
      c21 = fma(va, vb1, c21);
      c22 = fma(va, vb2, c22);
      c23 = fma(va, vb3, c23);
      va = FloatVector.fromArray(FLOATS, a3, k);
      c30 = fma(va, vb0, c30);
      c31 = fma(va, vb1, c31);
      c32 = fma(va, vb2, c32);
      c33 = fma(va, vb3, c33);
    }
    float[][] sums = {
        {sumLanes(c00), sumLanes(c01), sumLanes(c02), sumLanes(c03)},
        {sumLanes(c10), sumLanes(c11), sumLanes(c12), sumLanes(c13)},
        {sumLanes(c20), sumLanes(c21), sumLanes(c22), sumLanes(c23)},
        {sumLanes(c30), sumLanes(c31), sumLanes(c32), sumLanes(c33)}};
    for (int r = 0; r < 4; r++) {
      float[] row = a[i + r];
      for (int c = 0; c < 4; c++) {
        float[] col = b[j + c];
        float sum = sums[r][c];
        for (int k = bound; k < dims; k++) {
          sum += row[k] * col[k];
        }
        if (symmetric && j + c < i + r) {
          continue; // below the diagonal of a diagonal tile: the mirror is written from above
        }
        out[i + r][j + c] = sum;
        if (symmetric) {
          out[j + c][i + r] = sum;
        }
      }
    }
  }

  /**
   * {@code LANES} stored floats from float index {@code i} of the vector at byte {@code offset}; the provider only
   * selects this class on little-endian platforms.
   */
  // The byte index is derived from the loop counter (offset + 4 * i) rather than kept in a second induction
  // variable: C2 compiles the counted loop better that way; with a separate byte counter a dot over stored
  // bytes ran 1.8x slower at 128 dims and 1.25x at 384 (KernelBenchmark, AVX2). Not because of bounds checks:
  // the gap stayed with them switched off.
  private static FloatVector stored(byte[] bytes, int offset, int i) {
    return ByteVector.fromArray(BYTES, bytes, offset + i * Float.BYTES).reinterpretAsFloats();
  }
}
