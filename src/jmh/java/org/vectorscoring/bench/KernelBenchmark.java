package org.vectorscoring.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.apache.lucene.util.VectorUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vectorscoring.kernel.LittleEndianFloats;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.StoredVectorFormat;

/**
 * One pass of the kernel over all N vectors, against Lucene's {@link VectorUtil} on the same data, the
 * scalar kernel, and a plain SIMD read of the stored bytes (the memory-bandwidth floor).
 *
 * <p>Every benchmark scores the same N vectors once and returns the sum of the scores, so times compare
 * directly within a (dims, vectors) pair. Compare ratios measured in one run, not absolute numbers across
 * machines.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Lucene's VectorUtil and our kernel both need the incubator module in the measured JVM, or both fall back
// to scalar loops; the heap holds the largest data set (100,000 x 1536 floats, 615 MB) with room to spare.
// Serial GC copies the float[][] rows in index order, so they stream like the byte[]: G1 left them scattered,
// and the same kernel read them 1.3-1.4x slower at 768 dims x 100,000 (23-25 ms against 17.7-18 ms).
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"})
public class KernelBenchmark {

  private static final VectorKernel SIMD = VectorKernel.panamaOrNull();
  private static final VectorKernel SCALAR = VectorKernel.scalar();
  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  /** The parameters and the query vector, shared by both layouts so they score the same numbers. */
  @State(Scope.Benchmark)
  public static class Shape {
    @Param({"128", "384", "768", "1536"})
    public int dims;

    // 256 vectors stay in L2/L3 (at most 1.5 MB); 100,000 are 51 to 615 MB, far beyond the 32 MB L3.
    @Param({"256", "100000"})
    public int vectors;

    float[] query;
    float queryNorm;

    @Setup
    public void setup() {
      if (SIMD == null) {
        throw new IllegalStateException("the SIMD kernel did not load: run with --add-modules jdk.incubator.vector");
      }
      query = randomVector(new SplittableRandom(42), dims);
      queryNorm = VectorKernel.norm(query);
      checkAgainstLucene(this);
    }

    /** Vector {@code i} of the data set: the same for every layout and run. */
    float[] vector(int i) {
      return randomVector(new SplittableRandom(1_000_003L * i + dims), dims);
    }
  }

  /** The vectors as Lucene's {@link VectorUtil} takes them: one float[] each. */
  @State(Scope.Benchmark)
  public static class FloatVectors {
    float[][] vectors;

    @Setup
    public void setup(Shape shape) {
      vectors = new float[shape.vectors][];
      for (int i = 0; i < shape.vectors; i++) {
        vectors[i] = shape.vector(i);
      }
      settleHeap();
    }
  }

  /**
   * The vectors as the field stores them ({@link StoredVectorFormat}: dims little-endian floats, then the
   * norm), back to back in one byte[].
   *
   * <p>Why one array with offsets rather than one byte[] per vector: a segment's fixed-length binary doc
   * values lie back to back in the mapped data file, at a stride of {@code (dims + 1) * 4} bytes that keeps
   * no vector aligned to a cache line or to the SIMD width. {@code BinaryDocValues.binaryValue()} copies each
   * value into a reused buffer and hands over a {@code BytesRef}, so the kernel itself reads from L1; what
   * costs is the sequential pass over the contiguous data. One array reproduces that stream (same bytes, same
   * misalignment, same prefetch pattern) and the kernel's offset arithmetic, without the object headers and
   * heap placement that N small arrays would add. The copy into the reused buffer is left out: it is Lucene's
   * cost, the same whatever kernel follows it.
   */
  @State(Scope.Benchmark)
  public static class StoredVectors {
    byte[] data;
    int stride;

    @Setup
    public void setup(Shape shape) {
      stride = StoredVectorFormat.length(shape.dims);
      data = new byte[Math.multiplyExact(shape.vectors, stride)];
      for (int i = 0; i < shape.vectors; i++) {
        System.arraycopy(StoredVectorFormat.encode(shape.vector(i)), 0, data, i * stride, stride);
      }
      settleHeap();
    }
  }

  @Benchmark
  public float dotLucene(Shape s, FloatVectors f) {
    float sum = 0;
    for (float[] v : f.vectors) {
      sum += VectorUtil.dotProduct(s.query, v);
    }
    return sum;
  }

  @Benchmark
  public float dotSimd(Shape s, FloatVectors f) {
    float sum = 0;
    for (float[] v : f.vectors) {
      sum += SIMD.dotProduct(s.query, v);
    }
    return sum;
  }

  @Benchmark
  public float dotScalar(Shape s, FloatVectors f) {
    float sum = 0;
    for (float[] v : f.vectors) {
      sum += SCALAR.dotProduct(s.query, v);
    }
    return sum;
  }

  /** Lucene computes both norms on every call: the baseline the stored norm is meant to beat. */
  @Benchmark
  public float cosineLucene(Shape s, FloatVectors f) {
    float sum = 0;
    for (float[] v : f.vectors) {
      sum += VectorUtil.cosine(s.query, v);
    }
    return sum;
  }

  /** The field's cosine: one dot product over the stored bytes, the stored norm, the query norm computed once. */
  @Benchmark
  public float cosineStoredSimd(Shape s, StoredVectors d) {
    return cosineStored(SIMD, s, d);
  }

  @Benchmark
  public float cosineStoredScalar(Shape s, StoredVectors d) {
    return cosineStored(SCALAR, s, d);
  }

  @Benchmark
  public float dotStoredSimd(Shape s, StoredVectors d) {
    float sum = 0;
    byte[] data = d.data;
    for (int off = 0; off < data.length; off += d.stride) {
      sum += SIMD.dotProduct(s.query, data, off);
    }
    return sum;
  }

  /**
   * The floor: every stored byte loaded as floats and added, the least work that still reads all the data.
   * Four accumulators so the adds never wait on each other and only the loads can limit it.
   */
  @Benchmark
  public float streamStored(StoredVectors d) {
    byte[] data = d.data;
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    FloatVector acc2 = FloatVector.zero(FLOATS);
    FloatVector acc3 = FloatVector.zero(FLOATS);
    int step = BYTES.length();
    int i = 0;
    for (int bound = data.length - 4 * step; i <= bound; i += 4 * step) {
      acc0 = acc0.add(ByteVector.fromArray(BYTES, data, i).reinterpretAsFloats());
      acc1 = acc1.add(ByteVector.fromArray(BYTES, data, i + step).reinterpretAsFloats());
      acc2 = acc2.add(ByteVector.fromArray(BYTES, data, i + 2 * step).reinterpretAsFloats());
      acc3 = acc3.add(ByteVector.fromArray(BYTES, data, i + 3 * step).reinterpretAsFloats());
    }
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i + Float.BYTES <= data.length; i += Float.BYTES) {
      sum += LittleEndianFloats.get(data, i);
    }
    return sum;
  }

  private static float cosineStored(VectorKernel kernel, Shape s, StoredVectors d) {
    float sum = 0;
    byte[] data = d.data;
    int normOffset = s.dims * Float.BYTES;
    for (int off = 0; off < data.length; off += d.stride) {
      float dot = kernel.dotProduct(s.query, data, off);
      sum += VectorKernel.cosine(dot, s.queryNorm, LittleEndianFloats.get(data, off + normOffset));
    }
    return sum;
  }

  // Moves the data to the old generation now, in order, rather than during a measured iteration.
  private static void settleHeap() {
    System.gc();
  }

  private static float[] randomVector(SplittableRandom random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return v;
  }

  // A benchmark of wrong answers is worthless: the stored path must agree with Lucene on the float[] path.
  // Run in every fork, this also makes Lucene log, before the first measurement, whether its Panama path is on.
  private static void checkAgainstLucene(Shape shape) {
    for (int i = 0; i < Math.min(shape.vectors, 64); i++) {
      float[] v = shape.vector(i);
      byte[] stored = StoredVectorFormat.encode(v);
      float lucene = VectorUtil.cosine(shape.query, v);
      float ours = VectorKernel.cosine(SIMD.dotProduct(shape.query, stored, 0), shape.queryNorm,
          LittleEndianFloats.get(stored, shape.dims * Float.BYTES));
      float luceneDot = VectorUtil.dotProduct(shape.query, v);
      float oursDot = SIMD.dotProduct(shape.query, v);
      if (Math.abs(lucene - ours) > 1e-4f || Math.abs(luceneDot - oursDot) > 1e-3f * (1 + Math.abs(luceneDot))) {
        throw new IllegalStateException("vector " + i + ": cosine " + ours + " vs Lucene " + lucene
            + ", dot " + oursDot + " vs Lucene " + luceneDot);
      }
    }
  }
}
