package org.vectorscoring.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MemorySegmentAccessInput;
import org.vectorscoring.kernel.MappedVectorKernel;
import org.vectorscoring.kernel.VectorKernel;

/** {@link MappedVectors} over the memory segment Lucene's {@code MMapDirectory} mapped the data into. Java 22+. */
final class MemorySegmentVectors extends MappedVectors {

  private final MemorySegment data;
  private final MappedVectorKernel kernel;

  private MemorySegmentVectors(MemorySegment data, MappedVectorKernel kernel) {
    this.data = data;
    this.kernel = kernel;
  }

  /** Called by name from {@link MappedVectors#open}: null unless {@code input} is mapped in one piece. */
  static MappedVectors open(IndexInput input, VectorKernel kernel) {
    MappedVectorKernel mapped = MappedVectorKernel.of(kernel);
    if (mapped == null || !(input instanceof MemorySegmentAccessInput access)) {
      return null;
    }
    try {
      // Null when the file spans several mapped chunks (16 GiB each by default): such a segment is copied as before.
      MemorySegment segment = access.segmentSliceOrNull(0, input.length());
      return segment == null ? null : new MemorySegmentVectors(segment, mapped);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  float dotProduct(float[] q, long offset) {
    return kernel.dotProduct(q, data, offset);
  }

  @Override
  float squaredDistance(float[] q, long offset) {
    return kernel.squaredDistance(q, data, offset);
  }

  @Override
  void dotProductsInRow(float[] q, long offset, int stride, int count, float[] out, int at) {
    kernel.dotProductsInRow(q, data, offset, stride, count, out, at);
  }

  @Override
  void squaredDistancesInRow(float[] q, long offset, int stride, int count, float[] out, int at) {
    kernel.squaredDistancesInRow(q, data, offset, stride, count, out, at);
  }

  @Override
  void dotProducts(float[] q, long o0, long o1, long o2, long o3, float[] out, int at) {
    kernel.dotProducts(q, data, o0, o1, o2, o3, out, at);
  }

  @Override
  void squaredDistances(float[] q, long o0, long o1, long o2, long o3, float[] out, int at) {
    kernel.squaredDistances(q, data, o0, o1, o2, o3, out, at);
  }

  @Override
  float norm(long offset, int dims) {
    return kernel.floatAt(data, offset, dims);
  }
}
