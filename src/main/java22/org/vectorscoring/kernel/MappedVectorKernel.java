package org.vectorscoring.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel's stored-vector loops over a memory segment: for vectors read in place from a memory-mapped file
 * instead of being copied into a {@code byte[]} first. Same loads, multiply-adds and lane sums in the same order as
 * {@link PanamaKernelSupport}'s stored-vector loops, so a score is bit for bit the one the copying path gives.
 *
 * <p>Compiled for Java 22 (the final foreign-memory API) and loaded by name only there; {@link #of} hands one out only
 * for the SIMD kernel, since the scalar kernel adds in another order.
 */
public final class MappedVectorKernel {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = FLOATS.length();
  private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final boolean useFma;

  private MappedVectorKernel(boolean useFma) {
    this.useFma = useFma;
  }

  /** The in-place loops matching {@code kernel}, or null when {@code kernel} is not the SIMD kernel. */
  public static MappedVectorKernel of(VectorKernel kernel) {
    return kernel.support() instanceof PanamaKernelSupport panama ? new MappedVectorKernel(panama.useFma()) : null;
  }

  // No FloatVector is passed to a method of any size here (only to the two-line fma and stored, always inlined): a
  // callee C2 has already compiled on its own may not be inlined, and then every vector argument is boxed on the heap.

  /** Dot product of {@code q} with the {@code q.length} little-endian floats at byte {@code offset} of {@code data}. */
  public float dotProduct(float[] q, MemorySegment data, long offset) {
    int dims = q.length;
    int i = 0;
    float sum = 0;
    if (dims >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
        acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(data, offset, i), acc0);
        acc1 = fma(FloatVector.fromArray(FLOATS, q, i + LANES), stored(data, offset, i + LANES), acc1);
      }
      // What is left is under two vectors: at most one more step.
      if (i < FLOATS.loopBound(dims)) {
        acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(data, offset, i), acc0);
        i += LANES;
      }
      sum = PanamaKernelSupport.sumLanes(acc0.add(acc1));
    }
    return dotTail(q, data, offset, i, sum);
  }

  /**
   * {@link #dotProduct} of {@code q} with {@code count} stored vectors {@code stride} bytes apart from byte
   * {@code offset} (vectors that lie back to back), into {@code out[at..at + count)}: the same loop per vector, without
   * a call per vector (3-6% of a pass over all documents at 384 dimensions, none at 768). A single vector keeps its own
   * copy of the loop: routed through this one, the per-document scorer ran up to 15% slower.
   */
  public void dotProductsInRow(float[] q, MemorySegment data, long offset, long stride, int count, float[] out, int at) {
    int dims = q.length;
    for (int v = 0; v < count; v++, offset += stride) {
      int i = 0;
      float sum = 0;
      if (dims >= LANES) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
          acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(data, offset, i), acc0);
          acc1 = fma(FloatVector.fromArray(FLOATS, q, i + LANES), stored(data, offset, i + LANES), acc1);
        }
        // What is left is under two vectors: at most one more step.
        if (i < FLOATS.loopBound(dims)) {
          acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(data, offset, i), acc0);
          i += LANES;
        }
        sum = PanamaKernelSupport.sumLanes(acc0.add(acc1));
      }
      out[at + v] = dotTail(q, data, offset, i, sum);
    }
  }

  /**
   * {@link #dotProduct} of {@code q} with the four stored vectors at byte offsets {@code o0..o3}, into
   * {@code out[at..at + 3]}, bit for bit as four calls would give. Four vectors' loads in one loop keep four streams of
   * cache misses in flight: for vectors scattered over the file (a filter's matches) that took 0.7× the time of one
   * after the other, while vectors that lie back to back already stream and are better read in a row
   * ({@link #dotProductsInRow}).
   */
  public void dotProducts(float[] q, MemorySegment data, long o0, long o1, long o2, long o3, float[] out, int at) {
    int dims = q.length;
    if (dims < LANES) {
      out[at] = dotTail(q, data, o0, 0, 0f);
      out[at + 1] = dotTail(q, data, o1, 0, 0f);
      out[at + 2] = dotTail(q, data, o2, 0, 0f);
      out[at + 3] = dotTail(q, data, o3, 0, 0f);
      return;
    }
    FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
    int i = 0;
    for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
      FloatVector q0 = FloatVector.fromArray(FLOATS, q, i);
      FloatVector q1 = FloatVector.fromArray(FLOATS, q, i + LANES);
      a0 = fma(q0, stored(data, o0, i), a0);
      a1 = fma(q1, stored(data, o0, i + LANES), a1);
      b0 = fma(q0, stored(data, o1, i), b0);
      b1 = fma(q1, stored(data, o1, i + LANES), b1);
      c0 = fma(q0, stored(data, o2, i), c0);
      c1 = fma(q1, stored(data, o2, i + LANES), c1);
      d0 = fma(q0, stored(data, o3, i), d0);
      d1 = fma(q1, stored(data, o3, i + LANES), d1);
    }
    if (i < FLOATS.loopBound(dims)) {
      FloatVector q0 = FloatVector.fromArray(FLOATS, q, i);
      a0 = fma(q0, stored(data, o0, i), a0);
      b0 = fma(q0, stored(data, o1, i), b0);
      c0 = fma(q0, stored(data, o2, i), c0);
      d0 = fma(q0, stored(data, o3, i), d0);
      i += LANES;
    }
    out[at] = dotTail(q, data, o0, i, PanamaKernelSupport.sumLanes(a0.add(a1)));
    out[at + 1] = dotTail(q, data, o1, i, PanamaKernelSupport.sumLanes(b0.add(b1)));
    out[at + 2] = dotTail(q, data, o2, i, PanamaKernelSupport.sumLanes(c0.add(c1)));
    out[at + 3] = dotTail(q, data, o3, i, PanamaKernelSupport.sumLanes(d0.add(d1)));
  }

  /** The scalar tail of a dot product: {@code sum} plus the products from dimension {@code i} on. */
  private float dotTail(float[] q, MemorySegment data, long offset, int i, float sum) {
    for (; i < q.length; i++) {
      sum += q[i] * floatAt(data, offset, i);
    }
    return sum;
  }

  /** Squared Euclidean distance of {@code q} to the stored vector at byte {@code offset}, as {@link #dotProduct} reads it. */
  public float squaredDistance(float[] q, MemorySegment data, long offset) {
    int dims = q.length;
    int i = 0;
    float sum = 0;
    if (dims >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
        FloatVector d0 = FloatVector.fromArray(FLOATS, q, i).sub(stored(data, offset, i));
        FloatVector d1 = FloatVector.fromArray(FLOATS, q, i + LANES).sub(stored(data, offset, i + LANES));
        acc0 = fma(d0, d0, acc0);
        acc1 = fma(d1, d1, acc1);
      }
      if (i < FLOATS.loopBound(dims)) {
        FloatVector d = FloatVector.fromArray(FLOATS, q, i).sub(stored(data, offset, i));
        acc0 = fma(d, d, acc0);
        i += LANES;
      }
      sum = PanamaKernelSupport.sumLanes(acc0.add(acc1));
    }
    return distanceTail(q, data, offset, i, sum);
  }

  /** {@link #squaredDistance} to {@code count} stored vectors that lie back to back, as {@link #dotProductsInRow}. */
  public void squaredDistancesInRow(float[] q, MemorySegment data, long offset, long stride, int count, float[] out,
      int at) {
    int dims = q.length;
    for (int v = 0; v < count; v++, offset += stride) {
      int i = 0;
      float sum = 0;
      if (dims >= LANES) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
          FloatVector d0 = FloatVector.fromArray(FLOATS, q, i).sub(stored(data, offset, i));
          FloatVector d1 = FloatVector.fromArray(FLOATS, q, i + LANES).sub(stored(data, offset, i + LANES));
          acc0 = fma(d0, d0, acc0);
          acc1 = fma(d1, d1, acc1);
        }
        if (i < FLOATS.loopBound(dims)) {
          FloatVector d = FloatVector.fromArray(FLOATS, q, i).sub(stored(data, offset, i));
          acc0 = fma(d, d, acc0);
          i += LANES;
        }
        sum = PanamaKernelSupport.sumLanes(acc0.add(acc1));
      }
      out[at + v] = distanceTail(q, data, offset, i, sum);
    }
  }

  /** {@link #squaredDistance} to four stored vectors at once, as {@link #dotProducts} reads them. */
  public void squaredDistances(float[] q, MemorySegment data, long o0, long o1, long o2, long o3, float[] out, int at) {
    int dims = q.length;
    if (dims < LANES) {
      out[at] = distanceTail(q, data, o0, 0, 0f);
      out[at + 1] = distanceTail(q, data, o1, 0, 0f);
      out[at + 2] = distanceTail(q, data, o2, 0, 0f);
      out[at + 3] = distanceTail(q, data, o3, 0, 0f);
      return;
    }
    FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
    int i = 0;
    for (int bound = dims - 2 * LANES; i <= bound; i += 2 * LANES) {
      FloatVector q0 = FloatVector.fromArray(FLOATS, q, i);
      FloatVector q1 = FloatVector.fromArray(FLOATS, q, i + LANES);
      FloatVector x0 = q0.sub(stored(data, o0, i));
      FloatVector x1 = q1.sub(stored(data, o0, i + LANES));
      a0 = fma(x0, x0, a0);
      a1 = fma(x1, x1, a1);
      x0 = q0.sub(stored(data, o1, i));
      x1 = q1.sub(stored(data, o1, i + LANES));
      b0 = fma(x0, x0, b0);
      b1 = fma(x1, x1, b1);
      x0 = q0.sub(stored(data, o2, i));
      x1 = q1.sub(stored(data, o2, i + LANES));
      c0 = fma(x0, x0, c0);
      c1 = fma(x1, x1, c1);
      x0 = q0.sub(stored(data, o3, i));
      x1 = q1.sub(stored(data, o3, i + LANES));
      d0 = fma(x0, x0, d0);
      d1 = fma(x1, x1, d1);
    }
    if (i < FLOATS.loopBound(dims)) {
      FloatVector q0 = FloatVector.fromArray(FLOATS, q, i);
      FloatVector x = q0.sub(stored(data, o0, i));
      a0 = fma(x, x, a0);
      x = q0.sub(stored(data, o1, i));
      b0 = fma(x, x, b0);
      x = q0.sub(stored(data, o2, i));
      c0 = fma(x, x, c0);
      x = q0.sub(stored(data, o3, i));
      d0 = fma(x, x, d0);
      i += LANES;
    }
    out[at] = distanceTail(q, data, o0, i, PanamaKernelSupport.sumLanes(a0.add(a1)));
    out[at + 1] = distanceTail(q, data, o1, i, PanamaKernelSupport.sumLanes(b0.add(b1)));
    out[at + 2] = distanceTail(q, data, o2, i, PanamaKernelSupport.sumLanes(c0.add(c1)));
    out[at + 3] = distanceTail(q, data, o3, i, PanamaKernelSupport.sumLanes(d0.add(d1)));
  }

  /** The scalar tail of a squared distance: {@code sum} plus the squared differences from dimension {@code i} on. */
  private float distanceTail(float[] q, MemorySegment data, long offset, int i, float sum) {
    for (; i < q.length; i++) {
      float d = q[i] - floatAt(data, offset, i);
      sum += d * d;
    }
    return sum;
  }

  /** Float {@code i} of the vector at byte {@code offset}: a stored vector's norm is float {@code dims}. */
  public float floatAt(MemorySegment data, long offset, int i) {
    return data.get(FLOAT_LE, offset + (long) i * Float.BYTES);
  }

  private FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
    return PanamaKernelSupport.fma(a, b, acc, useFma);
  }

  private static FloatVector stored(MemorySegment data, long offset, int i) {
    return FloatVector.fromMemorySegment(FLOATS, data, offset + (long) i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
  }
}
