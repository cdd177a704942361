package org.vectorscoring.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * All dot products between two sets of vectors ({@code A·Bᵀ}) the way BLAS libraries compute a matrix product: the
 * vectors are copied into small dimension-major "packed" panels that stay in the L1 and L2 caches, and a register
 * micro-kernel broadcasts one element of a row against two vectors of columns, keeping a 4 × 2-vector tile of
 * results in registers. Dot products reduced across lanes, four rows by four columns, re-read every column from L3
 * once per four rows and reached 0.4× of OpenBLAS here; this layout needs no lane reduction at all.
 *
 * <p>Each output is a sequential multiply-add over a chunk of at most {@link #KC} dimensions, the chunks added in
 * order, so {@code a·b} and {@code b·a} give the same bits: the symmetric case skips the tiles below the diagonal and
 * mirrors.
 */
final class PanamaMatrixProduct {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = FLOATS.length();
  // 4 rows × 2 vectors = 8 accumulators. C2 loads all the row broadcasts of an iteration before its FMAs, so
  // 8 + 4 broadcasts + 2 column vectors = 14 of AVX2's 16 registers; with 5 or 6 rows it spilled an accumulator to
  // the stack, a store/load on the FMA chain every iteration, and ran at 35 GFLOP/s instead of 65-80 (1000×1000×768).
  // Unrolling the dimension loop by two spilled as well.
  /** Rows of a register tile. */
  static final int MR = 4;
  /** Columns of a register tile: two vectors' worth. */
  static final int NR = 2 * LANES;
  /**
   * Most dimensions per pass: a packed column panel (KC × NR floats) takes 24 KB of a 32 KB L1, leaving room for the
   * rows streaming past it: 384 at 256 bits. 256 (a 16 KB panel, three passes over 768 dims) was 4-8% slower, the
   * extra pass rewriting the output; one pass over all 768 dims (48 KB from L2) was 3-7% slower for n × n.
   */
  static final int KC = 24 * 1024 / (NR * Float.BYTES);
  /** Rows per packed block: MC × KC floats (108 KB at 384 dims) stay in L2 while every column panel passes by. */
  static final int MC = 18 * MR;

  private final boolean useFma;

  PanamaMatrixProduct(boolean useFma) {
    this.useFma = useFma;
  }

  /** {@code out[i][j] = a[i] · b[j]}; when {@code symmetric} ({@code a == b}) tiles below the diagonal are mirrored. */
  void multiply(float[][] a, float[][] b, float[][] out, int dims, boolean symmetric) {
    int n = a.length;
    int m = b.length;
    if (n == 0 || m == 0) {
      return;
    }
    if (dims == 0) {
      for (float[] row : out) {
        Arrays.fill(row, 0f);
      }
      return;
    }
    int chunk = chunk(dims);
    float[] packedB = new float[roundUp(m, NR) * chunk];
    float[] packedA = new float[MC * chunk];
    float[] zeros = new float[dims];
    float[] edge = new float[MR * NR];
    for (int k0 = 0; k0 < dims; k0 += chunk) {
      int kc = Math.min(chunk, dims - k0);
      boolean first = k0 == 0;
      pack(b, 0, m, k0, kc, NR, packedB, zeros);
      for (int i0 = 0; i0 < n; i0 += MC) {
        int mc = Math.min(MC, n - i0);
        pack(a, i0, mc, k0, kc, MR, packedA, zeros);
        for (int j = 0; j < m; j += NR) {
          for (int i = i0; i < i0 + mc; i += MR) {
            if (symmetric && j + NR <= i) {
              continue; // entirely below the diagonal: mirrored at the end
            }
            tile(packedA, (i - i0) * kc, packedB, j * kc, kc, out, i, j, n, m, first, edge);
          }
        }
      }
    }
    if (symmetric) {
      mirror(out);
    }
  }

  /**
   * Copies the upper triangle of a square matrix onto the lower, 32 × 32 cells at a time so that both sides (4 KB
   * each) stay in L1: walking whole columns took 2.3× as long at 1000 × 1000.
   */
  private static void mirror(float[][] out) {
    int n = out.length;
    for (int i0 = 0; i0 < n; i0 += 32) {
      int iEnd = Math.min(n, i0 + 32);
      for (int j0 = 0; j0 <= i0; j0 += 32) {
        for (int i = i0; i < iEnd; i++) {
          float[] row = out[i];
          for (int j = j0, jEnd = Math.min(i, j0 + 32); j < jEnd; j++) {
            row[j] = out[j][i];
          }
        }
      }
    }
  }

  /** Dimensions per pass: at most {@link #KC}, the passes as even as possible (1000 dims: 334, 334, 332). */
  static int chunk(int dims) {
    int passes = Math.max(1, (dims + KC - 1) / KC);
    return (dims + passes - 1) / passes;
  }

  /** Bytes of the working copies {@link #multiply} allocates for an {@code n × m} product of {@code dims}. */
  static long scratchBytes(int n, int m, int dims) {
    long kc = chunk(dims);
    return Float.BYTES * ((long) roundUp(m, NR) * kc + MC * kc + dims + MR * NR);
  }

  /**
   * Copies dimensions [k0, k0 + kc) of vectors [from, from + count) into panels of {@code width} vectors (NR columns or
   * MR rows, both multiples of four), dimension-major, the last panel padded with {@code zeros}.
   */
  private static void pack(float[][] vectors, int from, int count, int k0, int kc, int width, float[] packed,
      float[] zeros) {
    for (int p = 0; p < count; p += width) {
      for (int v = 0; v < width; v += 4) {
        float[] v0 = vectorOrZeros(vectors, from, count, p + v, zeros);
        float[] v1 = vectorOrZeros(vectors, from, count, p + v + 1, zeros);
        float[] v2 = vectorOrZeros(vectors, from, count, p + v + 2, zeros);
        float[] v3 = vectorOrZeros(vectors, from, count, p + v + 3, zeros);
        // Four vectors at a time, four adjacent writes per step: 1.4x faster for column panels than one vector at a
        // time, whose every write went to a different cache line (3-5% of the whole product).
        for (int k = 0, at = p * kc + v; k < kc; k++, at += width) {
          packed[at] = v0[k0 + k];
          packed[at + 1] = v1[k0 + k];
          packed[at + 2] = v2[k0 + k];
          packed[at + 3] = v3[k0 + k];
        }
      }
    }
  }

  private static float[] vectorOrZeros(float[][] vectors, int from, int count, int index, float[] zeros) {
    return index < count ? vectors[from + index] : zeros;
  }

  /**
   * The register tile: rows [i, i + MR) × columns [j, j + NR) over one chunk of {@code kc} dimensions, stored into
   * {@code out} on the first chunk and added to it on the next ones (through {@code edge} where the tile overhangs).
   */
  private void tile(float[] pa, int aAt, float[] pb, int bAt, int kc, float[][] out, int i, int j, int n, int m,
      boolean first, float[] edge) {
    FloatVector c00 = FloatVector.zero(FLOATS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    for (int k = 0; k < kc; k++, aAt += MR, bAt += NR) {
      FloatVector b0 = FloatVector.fromArray(FLOATS, pb, bAt);
      FloatVector b1 = FloatVector.fromArray(FLOATS, pb, bAt + LANES);
      FloatVector x = FloatVector.broadcast(FLOATS, pa[aAt]);
      c00 = fma(x, b0, c00);
      c01 = fma(x, b1, c01);
      x = FloatVector.broadcast(FLOATS, pa[aAt + 1]);
      c10 = fma(x, b0, c10);
      c11 = fma(x, b1, c11);
      x = FloatVector.broadcast(FLOATS, pa[aAt + 2]);
      c20 = fma(x, b0, c20);
      c21 = fma(x, b1, c21);
      x = FloatVector.broadcast(FLOATS, pa[aAt + 3]);
      c30 = fma(x, b0, c30);
      c31 = fma(x, b1, c31);
    }
    if (i + MR <= n && j + NR <= m) {
      store(c00, c01, out[i], j, first);
      store(c10, c11, out[i + 1], j, first);
      store(c20, c21, out[i + 2], j, first);
      store(c30, c31, out[i + 3], j, first);
      return;
    }
    // The overhanging tile goes through a buffer; stored one by one, as an array of vectors would box them all.
    c00.intoArray(edge, 0);
    c01.intoArray(edge, LANES);
    c10.intoArray(edge, NR);
    c11.intoArray(edge, NR + LANES);
    c20.intoArray(edge, 2 * NR);
    c21.intoArray(edge, 2 * NR + LANES);
    c30.intoArray(edge, 3 * NR);
    c31.intoArray(edge, 3 * NR + LANES);
    for (int r = 0; r < MR && i + r < n; r++) {
      for (int c = 0; c < NR && j + c < m; c++) {
        float value = edge[r * NR + c];
        out[i + r][j + c] = first ? value : out[i + r][j + c] + value;
      }
    }
  }

  private static void store(FloatVector left, FloatVector right, float[] row, int j, boolean first) {
    if (first == false) {
      left = left.add(FloatVector.fromArray(FLOATS, row, j));
      right = right.add(FloatVector.fromArray(FLOATS, row, j + LANES));
    }
    left.intoArray(row, j);
    right.intoArray(row, j + LANES);
  }

  private FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
    return PanamaKernelSupport.fma(a, b, acc, useFma);
  }

  private static int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
