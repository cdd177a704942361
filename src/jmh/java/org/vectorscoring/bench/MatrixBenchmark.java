package org.vectorscoring.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.PairwiseSimilarity;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * n×m dot-product matrices of normalised vectors in memory: the blocked kernel (packed panels, 4 × 2-vector register
 * tiles) against one dot-product call per cell, in one run. GFLOP/s = 2·n·m·dims / time; {@code src/jmh/python/numpy_matmul.py}
 * times single-thread OpenBLAS on the same shapes for the third column.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class MatrixBenchmark {

  @Param({"1000"})
  public int rows;

  @Param({"768"})
  public int dims;

  private float[][] a;
  private float[][] b;
  private VectorKernel kernel;

  @Setup
  public void setup() {
    kernel = VectorKernel.panamaOrNull();
    if (kernel == null) {
      throw new IllegalStateException("the SIMD kernel did not load: run with --add-modules jdk.incubator.vector");
    }
    a = normalised(new SplittableRandom(1), rows, dims);
    b = normalised(new SplittableRandom(2), rows, dims);
  }

  /** n×m, distinct sets: every cell computed. */
  @Benchmark
  public float[][] blocked() {
    return kernel.dotProducts(a, b);
  }

  /** n×n of one set: each symmetric pair once, then mirrored. */
  @Benchmark
  public float[][] blockedSymmetric() {
    return kernel.dotProducts(a, a);
  }

  /** The baseline: one dot-product call per cell, each loading both vectors again. */
  @Benchmark
  public float[][] perCell() {
    float[][] out = new float[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        out[i][j] = kernel.dotProduct(a[i], b[j]);
      }
    }
    return out;
  }

  /** What the aggregation runs on the final reduce: normalise both sets, blocked products, clamp. */
  @Benchmark
  public float[][] pairwiseCosine() {
    return PairwiseSimilarity.pairwise(a, b, VectorSimilarity.COSINE, kernel);
  }

  private static float[][] normalised(SplittableRandom random, int n, int dims) {
    float[][] m = new float[n][dims];
    for (float[] v : m) {
      double norm = 0;
      for (int k = 0; k < dims; k++) {
        v[k] = (float) random.nextDouble(-1, 1);
        norm += (double) v[k] * v[k];
      }
      for (int k = 0; k < dims; k++) {
        v[k] /= (float) Math.sqrt(norm);
      }
    }
    return m;
  }
}
