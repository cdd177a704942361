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
  private final PanamaMatrixProduct matrixProduct;

  PanamaKernelSupport(boolean useFma) {
    if (BYTES.vectorBitSize() != FLOATS.vectorBitSize()) {
      throw new IllegalStateException("byte and float species differ in width");
    }
    this.useFma = useFma;
    this.matrixProduct = new PanamaMatrixProduct(useFma);
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

  static float sumLanes(FloatVector v) {
    for (VectorShuffle<Float> swap : SWAPS) {
      v = v.add(v.rearrange(swap));
    }
    return v.lane(0);
  }

  boolean useFma() {
    return useFma;
  }

  static int vectorBitSize() {
    return FLOATS.vectorBitSize();
  }

  @Override
  public String name() {
    return "panama-" + FLOATS.vectorBitSize();
  }

  private FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
    return fma(a, b, acc, useFma);
  }

  /** {@code a × b + acc}, fused where {@code useFma} says the hardware has FMA. */
  static FloatVector fma(FloatVector a, FloatVector b, FloatVector acc, boolean useFma) {
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
  // Behind doc values the bytes were just copied into L1 by binaryValue(), and that copy's loads from memory are what
  // waits: a copy-and-dot loop with four accumulators took 1.56x the streaming floor, with two 1.55x.
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
    matrixProduct.multiply(a, b, out, dims, symmetric);
  }

  @Override
  public long dotProductsScratchBytes(int n, int m, int dims) {
    return matrixProduct.scratchBytes(n, m, dims);
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
