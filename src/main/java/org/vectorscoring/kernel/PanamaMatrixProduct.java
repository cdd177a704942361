package org.vectorscoring.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * All dot products between two sets of vectors ({@code A·Bᵀ}) the way BLAS libraries compute a matrix product: the
 * vectors are copied into small dimension-major "packed" panels that stay in the L2 cache, and a register
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
   * Most dimensions per pass. 768 dims in one pass (a 48 KB column panel read from L2, AVX2) beat two passes of 384
   * (a 24 KB panel held in L1) by 4-9 % at 768 and 1000 dims and 8 % at 1536 in same-JVM runs beside OpenBLAS: the
   * panel streams from L2 fast enough, and every extra pass stores and reloads a tile of sums. 256 was slower again.
   */
  static final int KC = 768;
  /** Rows per packed block: MC × KC floats (216 KB at 768 dims) stay in L2 while every column panel passes by. */
  static final int MC = 18 * MR;

  /**
   * Most floats of packed columns, and of partial sums kept between passes, held at once by default: 16 MB each (5456
   * columns of 768 dims; the partial sums of 4104 rows of 1000 columns).
   */
  static final int BLOCK_FLOATS = 1 << 22;

  private final boolean useFma;
  private final int blockFloats;

  PanamaMatrixProduct(boolean useFma) {
    this(useFma, BLOCK_FLOATS);
  }

  /**
   * With at most about {@code blockFloats} floats of packed columns and of partial sums at once (tests use few, to
   * split the product into blocks of columns and groups of rows).
   */
  PanamaMatrixProduct(boolean useFma, int blockFloats) {
    this.useFma = useFma;
    this.blockFloats = blockFloats;
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
    int passes = (dims + chunk - 1) / chunk;
    int blockColumns = Math.min(roundUp(m, NR), blockColumns(chunk));
    int groupRows = passes == 1 ? n : groupRows(blockColumns);
    float[] packedB = new float[blockColumns * chunk];
    float[] packedA = new float[MC * chunk];
    float[] zeros = new float[dims];
    float[] partial = passes == 1 ? null : new float[Math.min(roundUp(n, MR), groupRows) * blockColumns];
    float[] edge = new float[MR * NR];
    for (int j0 = 0; j0 < m; j0 += blockColumns) {
      int jEnd = Math.min(m, j0 + blockColumns);
      for (int g0 = 0; g0 < n; g0 += groupRows) {
        int gEnd = Math.min(n, g0 + groupRows);
        for (int pass = 0, k0 = 0; k0 < dims; pass++, k0 += chunk) {
          int kc = Math.min(chunk, dims - k0);
          Pass kind = passes == 1 ? Pass.ONLY : pass == 0 ? Pass.FIRST : pass == passes - 1 ? Pass.LAST : Pass.MIDDLE;
          pack(b, j0, jEnd - j0, k0, kc, NR, packedB, zeros);
          int at = 0; // where this tile's partial sums go: every pass visits the group's tiles in the same order
          for (int i0 = g0; i0 < gEnd; i0 += MC) {
            int mc = Math.min(MC, gEnd - i0);
            pack(a, i0, mc, k0, kc, MR, packedA, zeros);
            for (int j = j0; j < jEnd; j += NR) {
              for (int i = i0; i < i0 + mc; i += MR) {
                if (symmetric && j + NR <= i) {
                  continue; // entirely below the diagonal: mirrored at the end
                }
                tile(packedA, (i - i0) * kc, packedB, (j - j0) * kc, kc, out, i, j, n, m, kind, partial, at, edge);
                at += MR * NR;
              }
            }
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

  /** Dimensions per pass: at most {@link #KC}, the passes as even as possible (1536 dims: 768, 768; 1000: 500, 500). */
  static int chunk(int dims) {
    int passes = Math.max(1, (dims + KC - 1) / KC);
    return (dims + passes - 1) / passes;
  }

  /** Bytes of the working copies {@link #multiply} allocates for an {@code n × m} product of {@code dims}. */
  long scratchBytes(int n, int m, int dims) {
    if (n == 0 || m == 0 || dims == 0) {
      return 0;
    }
    long kc = chunk(dims);
    int blockColumns = Math.min(roundUp(m, NR), blockColumns((int) kc));
    long partial = kc < dims ? (long) Math.min(roundUp(n, MR), groupRows(blockColumns)) * blockColumns : 0;
    return Float.BYTES * ((long) blockColumns * kc + MC * kc + dims + partial + MR * NR);
  }

  /**
   * Columns packed at once: as many panels as {@link #blockFloats} hold, at least one. Products with more columns go
   * block by block, each packing the rows again; an int-indexed panel of every column could not hold millions of them.
   */
  private int blockColumns(int chunk) {
    return Math.max(NR, blockFloats / chunk / NR * NR);
  }

  /**
   * Rows whose partial sums are kept between passes at once (an MR × NR tile of sums for each tile of the result):
   * as many blocks of rows as {@link #blockFloats} hold, at least one. Larger products go group by group, each packing
   * the columns again.
   */
  private int groupRows(int columns) {
    return Math.max(MC, blockFloats / columns / MC * MC);
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

  /** What a pass over one chunk of dimensions does with a tile's sums. */
  private enum Pass {
    /** The only pass: the sums are the results. */
    ONLY,
    /** The first of several: the sums go to the partial buffer. */
    FIRST,
    /** Neither first nor last: adds the partial sums and puts them back. */
    MIDDLE,
    /** The last of several: adds the partial sums and stores the results. */
    LAST
  }

  /**
   * The register tile: rows [i, i + MR) × columns [j, j + NR) over one chunk of {@code kc} dimensions. Sums carried
   * between passes go to {@code partial} at {@code at}, MR × NR floats in tile order, rather than to {@code out}: read
   * back from the result's rows (lines scattered over 4 MB at 1000 × 1000), they missed the caches at the end of every
   * tile, and the adding pass cost 10 % of a two-pass product; read back in the order they were written, the hardware
   * prefetcher has them ready (1-3 % faster at 1536 dims, 4-5 % with the earlier passes of 384 dims).
   */
  private void tile(float[] pa, int aAt, float[] pb, int bAt, int kc, float[][] out, int i, int j, int n, int m,
      Pass kind, float[] partial, int at, float[] edge) {
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
    if (kind == Pass.MIDDLE || kind == Pass.LAST) {
      c00 = c00.add(FloatVector.fromArray(FLOATS, partial, at));
      c01 = c01.add(FloatVector.fromArray(FLOATS, partial, at + LANES));
      c10 = c10.add(FloatVector.fromArray(FLOATS, partial, at + NR));
      c11 = c11.add(FloatVector.fromArray(FLOATS, partial, at + NR + LANES));
      c20 = c20.add(FloatVector.fromArray(FLOATS, partial, at + 2 * NR));
      c21 = c21.add(FloatVector.fromArray(FLOATS, partial, at + 2 * NR + LANES));
      c30 = c30.add(FloatVector.fromArray(FLOATS, partial, at + 3 * NR));
      c31 = c31.add(FloatVector.fromArray(FLOATS, partial, at + 3 * NR + LANES));
    }
    boolean whole = i + MR <= n && j + NR <= m;
    float[] target = kind == Pass.FIRST || kind == Pass.MIDDLE ? partial : whole ? null : edge;
    int to = target == partial ? at : 0;
    if (target == null) {
      c00.intoArray(out[i], j);
      c01.intoArray(out[i], j + LANES);
      c10.intoArray(out[i + 1], j);
      c11.intoArray(out[i + 1], j + LANES);
      c20.intoArray(out[i + 2], j);
      c21.intoArray(out[i + 2], j + LANES);
      c30.intoArray(out[i + 3], j);
      c31.intoArray(out[i + 3], j + LANES);
      return;
    }
    // Stored one by one: an array of vectors would box them all.
    c00.intoArray(target, to);
    c01.intoArray(target, to + LANES);
    c10.intoArray(target, to + NR);
    c11.intoArray(target, to + NR + LANES);
    c20.intoArray(target, to + 2 * NR);
    c21.intoArray(target, to + 2 * NR + LANES);
    c30.intoArray(target, to + 3 * NR);
    c31.intoArray(target, to + 3 * NR + LANES);
    if (target == edge) { // the tile overhangs the result: copy the part inside
      for (int r = 0; r < MR && i + r < n; r++) {
        System.arraycopy(edge, r * NR, out[i + r], j, Math.min(NR, m - j));
      }
    }
  }

  private FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
    return PanamaKernelSupport.fma(a, b, acc, useFma);
  }

  private static int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }
}
