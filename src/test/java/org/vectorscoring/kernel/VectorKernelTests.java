package org.vectorscoring.kernel;

import java.util.List;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * Both kernels against a double-precision reference, on random data at sizes that hit every tail of the vector
 * loops, plus boundary values. The Panama half runs wherever {@code jdk.incubator.vector} is present; the build
 * also runs this class without the module, where only the scalar kernel exists.
 */
public class VectorKernelTests extends LuceneTestCase {

  private static final int[] TAIL_SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 207,
      384, 768, 1023, 1024, 1536, 4095, 4096};

  private static List<VectorKernel> kernels() {
    return TestKernels.all();
  }

  public void testPanamaLoadsWhereverTheModuleIsPresent() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    // A silent fallback to scalar would skip half of this suite, so the module's presence must mean Panama.
    assertEquals("module present: " + module, module, VectorKernel.panamaOrNull() != null);
    if (module) {
      assertTrue(VectorKernel.panamaOrNull().name(), VectorKernel.panamaOrNull().name().matches("panama-(128|256|512)"));
      assertSame(VectorKernel.panamaOrNull(), VectorKernel.best());
    } else {
      assertSame(VectorKernel.scalar(), VectorKernel.best());
    }
    assertEquals("scalar", VectorKernel.scalar().name());
    assertSame(VectorKernel.scalar(), VectorKernel.select(false));
    assertSame(VectorKernel.best(), VectorKernel.select(true));
  }

  public void testDotProductMatchesDoubleReference() {
    for (VectorKernel kernel : kernels()) {
      for (int dims : sizes()) {
        float[] a = randomVector(random(), dims, 1f);
        float[] b = randomVector(random(), dims, 1f);
        assertClose(kernel + " dims " + dims, referenceDot(a, b), kernel.dotProduct(a, b), sumAbsProducts(a, b), dims);
      }
    }
  }

  public void testStoredBytesAgreeWithFloats() {
    for (VectorKernel kernel : kernels()) {
      for (int dims : sizes()) {
        float[] q = randomVector(random(), dims, 1f);
        float[] d = randomVector(random(), dims, 1f);
        int offset = random().nextInt(9);
        byte[] bytes = new byte[offset + dims * Float.BYTES + random().nextInt(9)];
        LittleEndianFloats.put(bytes, offset, d);
        // The stored-bytes dot keeps two accumulators where the float[] one keeps four (each measured fastest), so
        // the two agree to rounding; the distance loops are the same shape, so those agree bit for bit.
        assertClose(kernel + " dims " + dims, kernel.dotProduct(q, d), kernel.dotProduct(q, bytes, offset), sumAbsProducts(q, d), dims);
        assertClose(kernel + " dims " + dims, referenceDot(q, d), kernel.dotProduct(q, bytes, offset), sumAbsProducts(q, d), dims);
        assertEquals(kernel + " dims " + dims, kernel.squaredDistance(q, d), kernel.squaredDistance(q, bytes, offset), 0f);
      }
    }
  }

  public void testSquaredDistanceMatchesDoubleReference() {
    for (VectorKernel kernel : kernels()) {
      for (int dims : sizes()) {
        float[] a = randomVector(random(), dims, 1f);
        float[] b = randomVector(random(), dims, 1f);
        double ref = 0;
        for (int i = 0; i < dims; i++) {
          double d = (double) a[i] - b[i];
          ref += d * d;
        }
        assertClose(kernel + " dims " + dims, ref, kernel.squaredDistance(a, b), ref, dims);
      }
    }
  }

  public void testScalarAndPanamaAgree() {
    VectorKernel panama = VectorKernel.panamaOrNull();
    assumeTrue("jdk.incubator.vector is not present", panama != null);
    for (int dims : sizes()) {
      float[] a = randomVector(random(), dims, 1f);
      float[] b = randomVector(random(), dims, 1f);
      double scale = sumAbsProducts(a, b);
      assertClose("dims " + dims, VectorKernel.scalar().dotProduct(a, b), panama.dotProduct(a, b), scale, dims);
      float sq = VectorKernel.scalar().squaredDistance(a, b);
      assertClose("dims " + dims, sq, panama.squaredDistance(a, b), sq, dims);
    }
  }

  public void testSameInputsGiveTheSameBitsBeforeAndAfterCompilation() {
    // Explanations, rescoring and the query must agree exactly, whatever the JIT has compiled by then.
    for (VectorKernel kernel : kernels()) {
      float[] a = randomVector(random(), 1 + random().nextInt(1000), 1f);
      float[] b = randomVector(random(), a.length, 1f);
      byte[] stored = new byte[a.length * Float.BYTES];
      LittleEndianFloats.put(stored, 0, b);
      float first = kernel.dotProduct(a, stored, 0);
      float firstL2 = kernel.squaredDistance(a, stored, 0);
      for (int i = 0; i < 30_000; i++) {
        assertEquals(kernel.toString(), first, kernel.dotProduct(a, stored, 0), 0f);
        assertEquals(kernel.toString(), firstL2, kernel.squaredDistance(a, stored, 0), 0f);
      }
    }
  }

  public void testHugeAndTinyMagnitudes() {
    // The range where every product and sum of a 4096-dim dot product is a normal float.
    for (float scale : new float[] {1e-15f, 1e-6f, 1e6f, 1e15f}) {
      for (VectorKernel kernel : kernels()) {
        int dims = TAIL_SIZES[random().nextInt(TAIL_SIZES.length)];
        float[] a = randomVector(random(), dims, scale);
        float[] b = randomVector(random(), dims, scale);
        assertClose(kernel + " scale " + scale, referenceDot(a, b), kernel.dotProduct(a, b), sumAbsProducts(a, b), dims);
        double refCos = referenceDot(a, b) / Math.sqrt(referenceDot(a, a) * referenceDot(b, b));
        float cos = VectorKernel.cosine(kernel.dotProduct(a, b), VectorKernel.norm(a), VectorKernel.norm(b));
        assertEquals(kernel + " scale " + scale, refCos, cos, 1e-5 * Math.max(1, Math.sqrt(dims) / 8));
      }
    }
  }

  public void testCosineWithStoredNorms() {
    for (VectorKernel kernel : kernels()) {
      for (int dims : sizes()) {
        float[] a = randomVector(random(), dims, 1f);
        float[] b = randomVector(random(), dims, 1f);
        double ref = referenceDot(a, b) / Math.sqrt(referenceDot(a, a) * referenceDot(b, b));
        float cos = VectorKernel.cosine(kernel.dotProduct(a, b), VectorKernel.norm(a), VectorKernel.norm(b));
        assertEquals(kernel + " dims " + dims, ref, cos, 1e-5 * Math.max(1, Math.sqrt(dims) / 8));
        assertEquals(cos, kernel.cosine(a, b), 0f);
      }
    }
  }

  public void testCosineBoundaries() {
    assertEquals(0f, VectorKernel.cosine(0f, 0f, 3f), 0f);
    assertEquals(0f, VectorKernel.cosine(5f, 3f, 0f), 0f);
    // Rounding may push |dot| a hair past |a||b|; the cosine is still at most 1.
    assertEquals(1f, VectorKernel.cosine(1.0000001f, 1f, 1f), 0f);
    assertEquals(-1f, VectorKernel.cosine(-1.0000001f, 1f, 1f), 0f);
    // Norms whose product overflows a float still give the right cosine.
    assertEquals(0.5f, VectorKernel.cosine(1e38f, 2e19f, 1e19f), 1e-6f);
    for (VectorKernel kernel : kernels()) {
      float[] v = randomVector(random(), 1 + random().nextInt(300), 1f);
      assertEquals(kernel.toString(), 1f, kernel.cosine(v, v), 1e-6f);
      assertEquals(0f, kernel.cosine(v, new float[v.length]), 0f);
    }
  }

  public void testNormIsExactToFloatRounding() {
    float[] v = {3f, 4f};
    assertEquals(5f, VectorKernel.norm(v), 0f);
    assertEquals(0f, VectorKernel.norm(new float[7]), 0f);
    float[] huge = {3e30f, 4e30f};
    assertEquals(5e30f, VectorKernel.norm(huge), 1e24f);
  }

  public void testDotProductMatricesMatchTheReference() {
    for (VectorKernel kernel : kernels()) {
      for (int iter = 0; iter < 8; iter++) {
        int dims = TAIL_SIZES[random().nextInt(TAIL_SIZES.length)];
        // Up to two row blocks and some, so that partial register tiles, partial blocks and several dimension
        // chunks all occur.
        float[][] a = randomMatrix(randomMatrixSize(), dims);
        float[][] b = random().nextBoolean() ? a : randomMatrix(randomMatrixSize(), dims);
        float[][] out = kernel.dotProducts(a, b);
        assertEquals(a.length, out.length);
        for (int i = 0; i < a.length; i++) {
          assertEquals(b.length, out[i].length);
          for (int j = 0; j < b.length; j++) {
            assertClose(kernel + " [" + i + "][" + j + "] of " + a.length + "x" + b.length + "x" + dims, referenceDot(a[i], b[j]), out[i][j],
                sumAbsProducts(a[i], b[j]), dims);
            if (a == b) {
              assertEquals(out[i][j], out[j][i], 0f);
            }
          }
        }
      }
    }
  }

  /**
   * Products hold a bounded number of packed columns, and of partial sums between passes, at a time; with the bound set
   * low they go in blocks of one panel of columns and groups of one block of rows, which must give the same bits as
   * one block and one group, and the right values.
   */
  public void testColumnBlocksAndRowGroupsGiveTheSameBits() {
    assumeTrue("the Panama kernel is not available", VectorKernel.panamaOrNull() != null);
    for (int iter = 0; iter < 4; iter++) {
      // One pass half the time (column blocks alone), two or three passes otherwise (row groups too).
      int dims = random().nextBoolean() ? 1 + random().nextInt(PanamaMatrixProduct.KC)
          : PanamaMatrixProduct.KC + 1 + random().nextInt(2 * PanamaMatrixProduct.KC);
      int n = PanamaMatrixProduct.MC + 1 + random().nextInt(2 * PanamaMatrixProduct.MC);
      float[][] a = randomMatrix(n, dims);
      float[][] b = random().nextBoolean() ? a : randomMatrix(1 + random().nextInt(60), dims);
      int m = b.length;
      PanamaMatrixProduct blocked = new PanamaMatrixProduct(true, 1); // one panel of columns, one block of rows
      PanamaMatrixProduct whole = new PanamaMatrixProduct(true);
      String shape = n + "x" + m + "x" + dims;
      long fewer = blocked.scratchBytes(n, m, dims);
      long all = whole.scratchBytes(n, m, dims);
      assertTrue(shape + ": blocks keep fewer floats", m > PanamaMatrixProduct.NR || dims > PanamaMatrixProduct.KC ? fewer < all
          : fewer == all);
      float[][] expected = new float[n][m];
      float[][] actual = new float[n][m];
      whole.multiply(a, b, expected, dims, a == b);
      blocked.multiply(a, b, actual, dims, a == b);
      for (int i = 0; i < n; i++) {
        assertArrayEquals("row " + i + " of " + shape, expected[i], actual[i], 0f);
        int j = random().nextInt(m);
        assertClose("[" + i + "][" + j + "] of " + shape, referenceDot(a[i], b[j]), actual[i][j], sumAbsProducts(a[i], b[j]),
            dims);
      }
    }
  }

  public void testEmptyMatricesAndZeroDimensions() {
    for (VectorKernel kernel : kernels()) {
      int rows = random().nextInt(5);
      int columns = random().nextInt(5);
      float[][] out = kernel.dotProducts(new float[rows][0], new float[columns][0]);
      assertEquals(rows, out.length);
      for (float[] row : out) {
        assertArrayEquals(new float[columns], row, 0f);
      }
      assertEquals(0, kernel.dotProducts(new float[0][], new float[0][]).length);
      assertTrue(kernel + " scratch bytes", kernel.dotProductsScratchBytes(rows, columns, 0) >= 0);
      assertTrue(kernel + " scratch bytes", kernel.dotProductsScratchBytes(0, 0, 0) >= 0);
    }
  }

  public void testDimensionMismatchIsRejected() {
    for (VectorKernel kernel : kernels()) {
      IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> kernel.dotProduct(new float[3], new float[4]));
      assertEquals("vector dimensions differ: [3] != [4]", e.getMessage());
      e = expectThrows(IllegalArgumentException.class, () -> kernel.squaredDistance(new float[2], new float[1]));
      assertEquals("vector dimensions differ: [2] != [1]", e.getMessage());
      e = expectThrows(IllegalArgumentException.class, () -> kernel.dotProduct(new float[4], new byte[20], 5));
      assertEquals("stored vector of [4] dimensions at offset [5] does not fit in [20] bytes", e.getMessage());
      e = expectThrows(IllegalArgumentException.class, () -> kernel.squaredDistance(new float[1], new byte[8], -1));
      assertEquals("stored vector of [1] dimensions at offset [-1] does not fit in [8] bytes", e.getMessage());
      e = expectThrows(IllegalArgumentException.class, () -> kernel.dotProducts(new float[][] {{1, 2}}, new float[][] {{1}}));
      assertEquals("all vectors need the same dimensions: found [1] and [2]", e.getMessage());
    }
  }

  /** The tail sizes plus random sizes up to 4096. */
  private static int[] sizes() {
    int[] sizes = new int[TAIL_SIZES.length + 20];
    System.arraycopy(TAIL_SIZES, 0, sizes, 0, TAIL_SIZES.length);
    for (int i = TAIL_SIZES.length; i < sizes.length; i++) {
      sizes[i] = 1 + random().nextInt(4096);
    }
    return sizes;
  }

  private static int randomMatrixSize() {
    return random().nextBoolean() ? random().nextInt(11) : random().nextInt(160);
  }

  private static float[][] randomMatrix(int rows, int dims) {
    float[][] m = new float[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = randomVector(random(), dims, 1f);
    }
    return m;
  }

  static float[] randomVector(Random random, int dims, float scale) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (random.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  static double referenceDot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static double sumAbsProducts(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((double) a[i] * b[i]);
    }
    return sum;
  }

  /**
   * Float summation of n terms errs by at most about n·2⁻²⁴ of the sum of their magnitudes, and typically by
   * √n·2⁻²⁴: allow a generous multiple of the typical error, which still catches a wrong lane or a dropped tail.
   */
  private static void assertClose(String message, double expected, double actual, double scale, int dims) {
    double tolerance = 1e-6 * Math.sqrt(dims) * scale + Float.MIN_NORMAL;
    assertEquals(message, expected, actual, tolerance);
  }
}
