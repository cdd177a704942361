package org.vectorscoring.lucene;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.vectorscoring.ConcurrentRuns;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.kernel.TestKernels;
import org.vectorscoring.kernel.VectorKernel;

/**
 * Many threads sharing one query, query vector, values source, searcher and kernel get exactly what one thread gets,
 * bit for bit, and the shared counters add up: nothing on the scoring path keeps per-search state where threads meet.
 */
public class ConcurrentScoringTests extends LuceneTestCase {

  private static final String FIELD = "vec";

  public void testThreadsSharingQueriesScoreAsOneThreadDoes() throws Exception {
    int dims = TestUtil.nextInt(random(), 1, 300);
    int segments = TestUtil.nextInt(random(), 2, 6);
    Map<String, float[]> live = new HashMap<>();
    Map<String, String> tags = new HashMap<>();
    try (Directory dir = newDirectory()) {
      // No merges: the searcher really spans several segments, and threads meet on each of them.
      try (IndexWriter writer = new IndexWriter(dir, newIndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
        int id = 0;
        for (int s = 0; s < segments; s++) {
          int docs = TestUtil.nextInt(random(), 20, 120);
          for (int i = 0; i < docs; i++, id++) {
            String key = Integer.toString(id);
            Document doc = new Document();
            doc.add(new StringField("id", key, Field.Store.YES));
            String tag = random().nextBoolean() ? "a" : "b";
            doc.add(new StringField("tag", tag, Field.Store.NO));
            float[] vector = random().nextInt(10) == 0 ? null : VectorIndexFixture.randomVector(random(), dims);
            if (vector != null) {
              doc.add(new DenseVectorField(FIELD, vector));
            }
            writer.addDocument(doc);
            live.put(key, vector);
            tags.put(key, tag);
          }
          // A few deletions, so live docs are checked on the shared path too.
          for (int i = 0; i < docs / 20; i++) {
            String key = Integer.toString(id - 1 - random().nextInt(docs));
            writer.deleteDocuments(new Term("id", key));
            live.remove(key);
          }
          writer.commit();
        }
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertTrue(reader.leaves().size() >= 2);
        IndexSearcher searcher = newSearcher(reader);
        for (VectorKernel kernel : TestKernels.all()) {
          for (VectorSimilarity similarity : VectorSimilarity.values()) {
            checkSharedScoring(searcher, kernel, similarity, dims, live, tags);
          }
        }
      }
    }
  }

  /** One single-thread round, then every thread runs the same round many times on the same objects. */
  private void checkSharedScoring(IndexSearcher searcher, VectorKernel kernel, VectorSimilarity similarity, int dims,
      Map<String, float[]> live, Map<String, String> tags) throws Exception {
    float[] q = VectorIndexFixture.randomVector(random(), dims);
    String tag = random().nextBoolean() ? "a" : null;
    Float threshold = random().nextBoolean() ? null : ReferenceScores.thresholdAwayFrom(similarity, q, live.values(),
        switch (similarity) {
          case COSINE -> 0f;
          case DOT_PRODUCT -> 0.5f;
          case L2 -> (float) Math.sqrt(dims / 1.5);
        });
    LongAdder scored = new LongAdder();
    AtomicLong searches = new AtomicLong();
    QueryVector queryVector = new QueryVector(FIELD, q, similarity, kernel, scored);
    Query filter = tag == null ? null : new TermQuery(new Term("tag", tag));
    Query query = new VectorSimilarityQuery(queryVector, filter, threshold, searches::incrementAndGet);
    Query byValues = new FunctionScoreQuery(new MatchAllDocsQuery(), VectorSimilarityValuesSource.scores(queryVector));
    float[][] rows = randomMatrix(TestUtil.nextInt(random(), 1, 20), dims);
    float[][] columns = randomMatrix(TestUtil.nextInt(random(), 1, 20), dims);
    int k = searcher.getIndexReader().maxDoc();
    String what = kernel + " " + similarity + " filter " + tag + " min_similarity " + threshold;

    TopDocs queryTop = searcher.search(query, k);
    TopDocs valuesTop = searcher.search(byValues, k);
    float[][] matrix = PairwiseSimilarity.pairwise(rows, columns, similarity, kernel);
    float[][] square = PairwiseSimilarity.pairwise(rows, rows, similarity, kernel);
    long scoredPerRound = scored.sum();
    assertEquals(1, searches.get());
    assertHitsMatchReference(what, searcher, queryTop, similarity, q, tag, threshold, live, tags);

    int threads = TestUtil.nextInt(random(), 2, 8);
    int rounds = atLeast(10);
    ConcurrentRuns.onThreads(threads, "scorer", thread -> {
      for (int r = 0; r < rounds; r++) {
        assertSameTopDocs(what + " query", queryTop, searcher.search(query, k));
        assertSameTopDocs(what + " values source", valuesTop, searcher.search(byValues, k));
        // deepEquals compares floats by their bits.
        assertTrue(what, Arrays.deepEquals(matrix, PairwiseSimilarity.pairwise(rows, columns, similarity, kernel)));
        assertTrue(what, Arrays.deepEquals(square, PairwiseSimilarity.pairwise(rows, rows, similarity, kernel)));
      }
    });
    long runs = 1 + (long) threads * rounds;
    assertEquals(what + ": one count per search", runs, searches.get());
    assertEquals(what + ": every scored vector counted once", runs * scoredPerRound, scored.sum());
  }

  /** The single-thread answer is itself right: the documents and scores the double-precision reference gives. */
  private static void assertHitsMatchReference(String what, IndexSearcher searcher, TopDocs top,
      VectorSimilarity similarity, float[] q, String tag, Float threshold, Map<String, float[]> live,
      Map<String, String> tags) throws IOException {
    Map<String, Double> expected = new HashMap<>();
    live.forEach((id, v) -> {
      if (v != null && (tag == null || tag.equals(tags.get(id)))) {
        double s = ReferenceScores.similarity(similarity, q, v);
        if (threshold == null || (similarity == VectorSimilarity.L2 ? s <= threshold : s >= threshold)) {
          expected.put(id, ReferenceScores.scoreOf(similarity, s));
        }
      }
    });
    assertEquals(what, expected.size(), top.totalHits.value());
    for (ScoreDoc sd : top.scoreDocs) {
      String id = searcher.storedFields().document(sd.doc).get("id");
      assertNotNull(what + " unexpected hit " + id, expected.get(id));
      assertEquals(what + " doc " + id, expected.get(id), sd.score, 1e-5 * Math.max(1, Math.abs(expected.get(id))));
    }
  }

  private static void assertSameTopDocs(String what, TopDocs expected, TopDocs actual) {
    assertEquals(what + ": total hits", expected.totalHits, actual.totalHits);
    assertEquals(what + ": hits", expected.scoreDocs.length, actual.scoreDocs.length);
    for (int i = 0; i < expected.scoreDocs.length; i++) {
      ScoreDoc e = expected.scoreDocs[i], a = actual.scoreDocs[i];
      if (e.doc != a.doc || Float.floatToIntBits(e.score) != Float.floatToIntBits(a.score)) {
        throw new AssertionError(what + ": hit " + i + " is doc " + a.doc + " scoring " + a.score
            + ", one thread alone got doc " + e.doc + " scoring " + e.score);
      }
    }
  }

  private static float[][] randomMatrix(int rows, int dims) {
    float[][] m = new float[rows][];
    for (int i = 0; i < rows; i++) {
      m[i] = VectorIndexFixture.randomVector(random(), dims);
    }
    return m;
  }
}
