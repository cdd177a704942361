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
      for (int bound = FLOATS.loopBound(dims); i < bound; i += LANES) {
        acc0 = fma(FloatVector.fromArray(FLOATS, q, i), stored(data, offset, i), acc0);
      }
      sum = PanamaKernelSupport.sumLanes(acc0.add(acc1));
    }
    for (; i < dims; i++) {
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
      for (int bound = FLOATS.loopBound(dims); i < bound; i += LANES) {
        FloatVector d = FloatVector.fromArray(FLOATS, q, i).sub(stored(data, offset, i));
        acc0 = fma(d, d, acc0);
      }
      sum = PanamaKernelSupport.sumLanes(acc0.add(acc1));
    }
    for (; i < dims; i++) {
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
