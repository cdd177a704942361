package org.vectorscoring.lucene;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.apache.lucene.store.IndexInput;
import org.vectorscoring.kernel.VectorKernel;

/**
 * Stored vectors scored where they lie in a memory-mapped file, without first copying each one into a buffer as
 * {@code BinaryDocValues.binaryValue()} does: over a whole pass the copy costs about a third of the time (the copy alone
 * reads at memory speed, and the dot product after it then waits instead of overlapping the next reads).
 *
 * <p>Needs Java 22 or newer (the foreign-memory API), the SIMD kernel, and an input Lucene mapped into memory;
 * {@link #open} returns null otherwise and callers copy as before. Results are bit for bit those of the copying path.
 */
abstract class MappedVectors {

  private static final MethodHandle OPEN = findOpen();

  /** In-place access to the vectors of {@code data} for {@code kernel}, or null where it cannot be had. */
  static MappedVectors open(IndexInput data, VectorKernel kernel) {
    if (OPEN == null || kernel != VectorKernel.panamaOrNull()) {
      return null;
    }
    try {
      return (MappedVectors) OPEN.invokeExact(data, kernel);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Whether this JVM can read vectors in place at all (the implementation loaded). */
  static boolean available() {
    return OPEN != null;
  }

  private static MethodHandle findOpen() {
    if (Runtime.version().feature() < 22 || VectorKernel.panamaOrNull() == null) {
      return null;
    }
    try {
      Class<?> impl = Class.forName("org.vectorscoring.lucene.MemorySegmentVectors");
      return MethodHandles.lookup().findStatic(impl, "open", MethodType.methodType(MappedVectors.class, IndexInput.class, VectorKernel.class));
    } catch (ReflectiveOperationException | LinkageError e) {
      // A build made on JDK 21 has no Java 22 classes: copying is slower, not wrong.
      return null;
    }
  }

  /** Dot product of {@code q} with the stored vector at byte {@code offset}. */
  abstract float dotProduct(float[] q, long offset);

  /** Squared distance of {@code q} to the stored vector at byte {@code offset}. */
  abstract float squaredDistance(float[] q, long offset);

  /**
   * {@link #dotProduct} with the {@code count} stored vectors {@code stride} bytes apart from byte {@code offset}, into
   * {@code out[at..at + count)}: the same bits, in one loop over vectors that lie back to back.
   */
  abstract void dotProductsInRow(float[] q, long offset, int stride, int count, float[] out, int at);

  /** {@link #squaredDistance} to the {@code count} stored vectors from byte {@code offset}, as {@link #dotProductsInRow}. */
  abstract void squaredDistancesInRow(float[] q, long offset, int stride, int count, float[] out, int at);

  /**
   * {@link #dotProduct} with the four stored vectors at byte offsets {@code o0..o3}, into {@code out[at..at + 3]}: the
   * same bits, with the four vectors' reads in flight together.
   */
  abstract void dotProducts(float[] q, long o0, long o1, long o2, long o3, float[] out, int at);

  /** {@link #squaredDistance} to the four stored vectors at byte offsets {@code o0..o3}, as {@link #dotProducts}. */
  abstract void squaredDistances(float[] q, long o0, long o1, long o2, long o3, float[] out, int at);

  /** The norm stored after the {@code dims} floats of the vector at byte {@code offset}. */
  abstract float norm(long offset, int dims);
}
