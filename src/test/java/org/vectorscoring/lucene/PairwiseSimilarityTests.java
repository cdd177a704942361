package org.vectorscoring.lucene;

import org.vectorscoring.ReferenceScores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.vectorscoring.kernel.TestKernels;
import org.vectorscoring.kernel.VectorKernel;

/** Pairwise matrices against scikit-learn's known answer and a double-precision reference. */
public class PairwiseSimilarityTests extends LuceneTestCase {

  public void testScikitLearnExample() {
    // sklearn.metrics.pairwise.cosine_similarity([[1,2,3],[4,5,6]], [[9,8,7],[6,5,4]])
    float[][] expected = {{0.88265899f, 0.85280287f}, {0.96546332f, 0.94805195f}};
    for (VectorKernel kernel : TestKernels.all()) {
      float[][] m = PairwiseSimilarity.pairwise(new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[][] {{9, 8, 7}, {6, 5, 4}},
          VectorSimilarity.COSINE, kernel);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          assertEquals(kernel + " [" + i + "][" + j + "]", expected[i][j], m[i][j], 1e-7f);
        }
      }
    }
  }

  public void testRandomMatricesMatchReference() {
    for (VectorKernel kernel : TestKernels.all()) {
      for (VectorSimilarity similarity : VectorSimilarity.values()) {
        int dims = 1 + random().nextInt(300);
        float[][] a = randomMatrix(random().nextInt(12), dims);
        float[][] b = randomMatrix(1 + random().nextInt(12), dims);
        if (a.length > 1) {
          a[random().nextInt(a.length)] = new float[dims]; // a zero row: cosine 0 with everything, as scikit-learn
        }
        float[][] m = PairwiseSimilarity.pairwise(a, b, similarity, kernel);
        assertEquals(a.length, m.length);
        for (int i = 0; i < a.length; i++) {
          assertEquals(b.length, m[i].length);
          for (int j = 0; j < b.length; j++) {
            double ref = ReferenceScores.similarity(similarity, a[i], b[j]);
            if (similarity == VectorSimilarity.COSINE && ReferenceScores.similarity(VectorSimilarity.DOT_PRODUCT, a[i], a[i]) == 0) {
              ref = 0;
            }
            assertEquals(kernel + " " + similarity, ref, m[i][j], 1e-5 * Math.max(1, Math.abs(ref)));
          }
        }
      }
    }
  }

  public void testSquareMatrixIsSymmetricWithOnesOnTheDiagonal() {
    float[][] a = randomMatrix(1 + random().nextInt(20), 1 + random().nextInt(100));
    int zero = random().nextInt(a.length);
    a[zero] = new float[a[zero].length]; // cosine 0 with everything, itself included, as scikit-learn
    float[][] m = PairwiseSimilarity.pairwise(a, a, VectorSimilarity.COSINE);
    for (int i = 0; i < a.length; i++) {
      assertEquals(i == zero ? 0f : 1f, m[i][i], 0f);
      for (int j = 0; j < a.length; j++) {
        assertEquals(m[i][j], m[j][i], 0f);
      }
    }
  }

  public void testFromAnIndexReader() throws IOException {
    int dims = 1 + random().nextInt(50);
    try (VectorIndexFixture index = new VectorIndexFixture(random(), dims, atLeast(60))) {
      IndexSearcher searcher = newSearcher(index.reader);
      List<Integer> docs = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      for (ScoreDoc sd : searcher.search(new TermQuery(new Term("tag", "b")), 1000).scoreDocs) {
        float[] v = index.live.get(searcher.storedFields().document(sd.doc).get("id"));
        if (v != null) {
          docs.add(sd.doc);
          vectors.add(v);
        }
      }
      int[] ids = docs.stream().mapToInt(Integer::intValue).toArray();
      float[][] fromIndex = PairwiseSimilarity.pairwise(index.reader, VectorIndexFixture.FIELD, ids, ids, VectorSimilarity.DOT_PRODUCT);
      float[][] fromArrays = PairwiseSimilarity.pairwise(vectors.toArray(new float[0][]), vectors.toArray(new float[0][]),
          VectorSimilarity.DOT_PRODUCT);
      assertArrayEquals(fromArrays, fromIndex);
    }
  }

  public void testSubnormalVectorsMatchTheReference() {
    float min = Float.MIN_VALUE;
    float[][] a = {{min, min}, {min, 0}, {3 * min, 4 * min}, {-min, 2 * min}, {1e-40f, 1e-39f}, {1, 0}, {0.6f, -0.8f}};
    float[][] b = {{1, 0}, {0, 1}, {1, 1}, {min, min}, {-3, 2}};
    assertCosinesMatchTheReference(a, b);
    // {MIN_VALUE, MIN_VALUE} against {1, 0}: cos 45°, not 1 (a float norm rounded to MIN_VALUE).
    assertEquals(0.70710678, PairwiseSimilarity.pairwise(new float[][] {{min, min}}, new float[][] {{1, 0}},
        VectorSimilarity.COSINE)[0][0], 1e-7);

    int dims = 1 + random().nextInt(40);
    float[][] subnormal = new float[1 + random().nextInt(8)][dims];
    for (float[] v : subnormal) {
      for (int k = 0; k < dims; k++) {
        // Any subnormal: a random mantissa under a zero exponent, either sign.
        v[k] = (random().nextBoolean() ? -1 : 1) * Float.intBitsToFloat(random().nextInt(1 << 23));
      }
    }
    assertCosinesMatchTheReference(subnormal, randomMatrix(1 + random().nextInt(8), dims));
    assertCosinesMatchTheReference(subnormal, subnormal);
  }

  public void testVectorsNearFloatMaxMatchTheReference() {
    float max = Float.MAX_VALUE;
    // Norms up to about 0.99 × MAX_VALUE; larger ones overflow a float and are refused at index and query time.
    float[][] a = {{max, 0}, {0.7f * max, 0.7f * max}, {-0.5f * max, 0.6f * max}, {1, 0}};
    assertCosinesMatchTheReference(a, new float[][] {{1, 0}, {0.7f * max, -0.7f * max}, {-3, 2}});
    assertCosinesMatchTheReference(a, a);
    assertCosinesMatchTheReference(new float[][] {{max / 3, max / 3, max / 3}, {max / 2, -max / 4, max / 5}},
        new float[][] {{1, 2, 3}, {max / 3, max / 3, max / 3}});

    int dims = 1 + random().nextInt(40);
    float[][] huge = new float[1 + random().nextInt(8)][dims];
    for (float[] v : huge) {
      for (int k = 0; k < dims; k++) {
        // Below MAX_VALUE / sqrt(dims), so the norm stays a finite float.
        v[k] = (float) ((random().nextDouble() * 2 - 1) * max / Math.sqrt(dims));
      }
    }
    assertCosinesMatchTheReference(huge, randomMatrix(1 + random().nextInt(8), dims));
    assertCosinesMatchTheReference(huge, huge);
  }

  private static void assertCosinesMatchTheReference(float[][] a, float[][] b) {
    for (VectorKernel kernel : TestKernels.all()) {
      float[][] m = PairwiseSimilarity.pairwise(a, b, VectorSimilarity.COSINE, kernel);
      for (int i = 0; i < a.length; i++) {
        for (int j = 0; j < b.length; j++) {
          double ref = ReferenceScores.similarity(VectorSimilarity.COSINE, a[i], b[j]);
          if (ReferenceScores.similarity(VectorSimilarity.DOT_PRODUCT, a[i], a[i]) == 0) {
            ref = 0;
          }
          assertEquals(kernel + " " + Arrays.toString(a[i]) + " · " + Arrays.toString(b[j]), ref, m[i][j], 1e-6);
        }
      }
    }
  }

  public void testMismatchedDimensionsAreRejected() {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> PairwiseSimilarity.pairwise(new float[][] {{1, 2}}, new float[][] {{1, 2, 3}}, VectorSimilarity.COSINE));
    assertEquals("all vectors need the same dimensions: found [3] and [2]", e.getMessage());
  }

  private static float[][] randomMatrix(int rows, int dims) {
    float[][] m = new float[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = VectorIndexFixture.randomVector(random(), dims);
    }
    return m;
  }
}
