package org.vectorscoring.lucene;

import org.vectorscoring.ReferenceScores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.TestUtil;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.tests.search.QueryUtils;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.vectorscoring.kernel.TestKernels;
import org.vectorscoring.kernel.VectorKernel;

/** The Lucene query against a double-precision reference, over random indexes, dims, similarities and both kernels. */
public class VectorSimilarityQueryTests extends LuceneTestCase {

  public void testScoresEveryDocumentWithAVectorExactly() throws IOException {
    for (int iter = 0; iter < 3; iter++) {
      int dims = 1 + random().nextInt(200);
      try (VectorIndexFixture index = new VectorIndexFixture(random(), dims, atLeast(150))) {
        IndexSearcher searcher = newSearcher(index.reader);
        for (VectorSimilarity similarity : VectorSimilarity.values()) {
          for (VectorKernel kernel : kernels()) {
            float[] q = VectorIndexFixture.randomVector(random(), dims);
            VectorSimilarityQuery query = new VectorSimilarityQuery(new QueryVector(VectorIndexFixture.FIELD, q, similarity, kernel));
            Map<String, Double> expected = new HashMap<>();
            index.live.forEach((id, v) -> {
              if (v != null) {
                expected.put(id, ReferenceScores.scoreOf(similarity, ReferenceScores.similarity(similarity, q, v)));
              }
            });
            assertMatches(searcher, query, expected, 1f);
          }
        }
      }
    }
  }

  public void testFilterAndMinSimilarity() throws IOException {
    int dims = 1 + random().nextInt(100);
    try (VectorIndexFixture index = new VectorIndexFixture(random(), dims, atLeast(200))) {
      IndexSearcher searcher = newSearcher(index.reader);
      for (VectorSimilarity similarity : VectorSimilarity.values()) {
        float[] q = VectorIndexFixture.randomVector(random(), dims);
        QueryVector qv = new QueryVector(VectorIndexFixture.FIELD, q, similarity, VectorKernel.best());
        float threshold = ReferenceScores.thresholdAwayFrom(similarity, q, index.live.values(), switch (similarity) {
          case COSINE -> 0.1f;
          case DOT_PRODUCT -> 0.5f;
          case L2 -> (float) Math.sqrt(dims / 1.5);
        });
        float boost = 0.5f + random().nextFloat() * 3;
        Query query = new VectorSimilarityQuery(qv, new TermQuery(new Term("tag", "a")), threshold);
        Map<String, Double> expected = new HashMap<>();
        index.live.forEach((id, v) -> {
          if (v != null && index.tags.get(id).equals("a")) {
            double s = ReferenceScores.similarity(similarity, q, v);
            if (similarity == VectorSimilarity.L2 ? s <= threshold : s >= threshold) {
              expected.put(id, ReferenceScores.scoreOf(similarity, s));
            }
          }
        });
        assertMatches(searcher, new BoostQuery(query, boost), expected, boost);
        // Nested in a boolean query, as OpenSearch's bool does with it.
        BooleanQuery bool = new BooleanQuery.Builder().add(query, BooleanClause.Occur.MUST)
            .add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER).build();
        assertEquals(expected.size(), searcher.count(bool));
      }
    }
  }

  public void testPassesLuceneQueryChecks() throws IOException {
    int dims = 1 + random().nextInt(64);
    // QueryUtils expects every match it advances to to be collected, which deleted documents would break.
    try (VectorIndexFixture index = new VectorIndexFixture(random(), dims, atLeast(100), false)) {
      IndexSearcher searcher = newSearcher(index.reader);
      for (VectorSimilarity similarity : VectorSimilarity.values()) {
        QueryVector qv = new QueryVector(VectorIndexFixture.FIELD, VectorIndexFixture.randomVector(random(), dims), similarity,
            VectorKernel.best());
        QueryUtils.check(random(), new VectorSimilarityQuery(qv), searcher);
        QueryUtils.check(random(), new VectorSimilarityQuery(qv, new TermQuery(new Term("tag", "a")), null), searcher);
        float threshold = similarity == VectorSimilarity.L2 ? (float) Math.sqrt(dims / 1.5) : 0.1f;
        QueryUtils.check(random(), new VectorSimilarityQuery(qv, new TermQuery(new Term("tag", "b")), threshold), searcher);
      }
    }
  }

  public void testExplainShowsSimilarityAndFormula() throws IOException {
    try (VectorIndexFixture index = new VectorIndexFixture(random(), 8, 50)) {
      IndexSearcher searcher = newSearcher(index.reader);
      float[] q = VectorIndexFixture.randomVector(random(), 8);
      VectorSimilarityQuery query = new VectorSimilarityQuery(new QueryVector(VectorIndexFixture.FIELD, q, VectorSimilarity.COSINE,
          VectorKernel.best()));
      TopDocs top = searcher.search(query, 5);
      for (ScoreDoc sd : top.scoreDocs) {
        Explanation e = searcher.explain(query, sd.doc);
        assertTrue(e.isMatch());
        assertEquals(sd.score, e.getValue().floatValue(), 0f);
        assertTrue(e.toString(), e.toString().contains("score, computed as (1 + s) / 2 from:"));
        assertTrue(e.toString(), e.toString().contains("s, the cosine similarity of [vec] to the query vector"));
      }
    }
  }

  public void testDocumentsOfAnotherDimensionAreReportedNotMisread() throws IOException {
    try (VectorIndexFixture index = new VectorIndexFixture(random(), 4, 20)) {
      VectorSimilarityQuery query = new VectorSimilarityQuery(new QueryVector(VectorIndexFixture.FIELD, new float[] {1, 2, 3},
          VectorSimilarity.COSINE, VectorKernel.best()));
      IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> newSearcher(index.reader).search(query, 3));
      assertEquals("[vec] holds a vector of [4] dimensions, the query vector has [3]", e.getMessage());
    }
  }

  public void testQueryVectorChecks() {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> new QueryVector("f", new float[3], VectorSimilarity.COSINE, VectorKernel.best()));
    assertEquals("[f] the query vector is all zeros, which has no cosine similarity", e.getMessage());
    e = expectThrows(IllegalArgumentException.class,
        () -> new QueryVector("f", new float[] {1, Float.NaN}, VectorSimilarity.DOT_PRODUCT, VectorKernel.best()));
    assertEquals("[f] element [1] is [NaN], vectors take finite numbers only", e.getMessage());
    e = expectThrows(IllegalArgumentException.class, () -> new QueryVector("f", new float[0], VectorSimilarity.L2, VectorKernel.best()));
    assertEquals("[f] a vector needs at least one dimension", e.getMessage());
    // A zero vector is a fine query for dot product and l2.
    assertNotNull(new QueryVector("f", new float[3], VectorSimilarity.L2, VectorKernel.best()));
    // Finite elements, but a norm above the float range: cosine would divide by an infinite norm.
    e = expectThrows(IllegalArgumentException.class,
        () -> new QueryVector("f", new float[] {3e38f, 3e38f}, VectorSimilarity.COSINE, VectorKernel.best()));
    assertEquals("[f] has an L2 norm of [4.2426406948942856E38], above [4.611686018427388E18], "
        + "the most a vector may have for its similarities to stay within the float range", e.getMessage());
  }

  /**
   * Vectors up to the largest norm accepted, 2^62, alike, opposite or at random, score finite and as the double
   * reference on every kernel: their dot products and squared distances stay within the float range.
   */
  public void testVectorsAtTheNormLimitScoreAsTheReference() {
    float limit = 0x1p62f;
    for (int dims : new int[] {1, 4, 13, 207, 1024, 1 + random().nextInt(4098)}) {
      float[] direction = VectorIndexFixture.randomVector(random(), dims);
      float[] a = scaledTo(direction, limit);
      // b near a's direction: two independent random vectors have a dot product far smaller than its terms, which no
      // float sum holds to 1e-5 relative (the cancellation, not the magnitude, would be under test).
      float[] nearby = direction.clone();
      for (int i = 0; i < dims; i++) {
        nearby[i] += 0.1f * (random().nextFloat() - 0.5f);
      }
      float[] b = scaledTo(nearby, limit);
      float[] negated = new float[dims];
      float[] spike = new float[dims];
      for (int i = 0; i < dims; i++) {
        negated[i] = -a[i];
      }
      spike[random().nextInt(dims)] = limit;
      float[][][] pairs = {{a, a}, {a, negated}, {a, b}, {spike, spike}, {spike, a}, {negated, spike}};
      for (VectorKernel kernel : kernels()) {
        for (VectorSimilarity similarity : VectorSimilarity.values()) {
          for (float[][] pair : pairs) {
            QueryVector q = new QueryVector("f", pair[0], similarity, kernel);
            float score = q.score(new BytesRef(StoredVectorFormat.encode(pair[1])));
            double expected = ReferenceScores.score(similarity, pair[0], pair[1]);
            String what = kernel.name() + " " + similarity + " dims " + dims;
            assertTrue(what + ": " + score, Float.isFinite(score));
            // Relative, but cosine's score near 0 (opposite vectors) is held to 1e-5 absolute, as the other tests do.
            double scale = Math.max(Math.abs(expected), similarity == VectorSimilarity.COSINE ? 1 : 0);
            assertEquals(what, expected, score, 1e-5 * scale);
          }
        }
      }
    }
  }

  // The vector in the same direction with the largest norm the field takes (a float ulp below it, from rounding).
  private static float[] scaledTo(float[] v, float norm) {
    double scale = norm / Math.sqrt(ReferenceScores.similarity(VectorSimilarity.DOT_PRODUCT, v, v)) * (1 - 1e-6);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * scale);
    }
    return out;
  }

  public void testEqualsAndHashCode() {
    float[] v = {1, 2, 3};
    Query a = new VectorSimilarityQuery(new QueryVector("f", v, VectorSimilarity.COSINE, VectorKernel.best()));
    Query b = new VectorSimilarityQuery(new QueryVector("f", v.clone(), VectorSimilarity.COSINE, VectorKernel.scalar()));
    QueryUtils.checkEqual(a, b);
    QueryUtils.checkUnequal(a, new VectorSimilarityQuery(new QueryVector("f", new float[] {1, 2, 4}, VectorSimilarity.COSINE,
        VectorKernel.best())));
    QueryUtils.checkUnequal(a, new VectorSimilarityQuery(new QueryVector("f", v, VectorSimilarity.DOT_PRODUCT, VectorKernel.best())));
    QueryUtils.checkUnequal(a, new VectorSimilarityQuery(new QueryVector("g", v, VectorSimilarity.COSINE, VectorKernel.best())));
    QueryUtils.checkUnequal(a, new VectorSimilarityQuery(new QueryVector("f", v, VectorSimilarity.COSINE, VectorKernel.best()),
        new TermQuery(new Term("tag", "a")), null));
    QueryUtils.checkUnequal(a, new VectorSimilarityQuery(new QueryVector("f", v, VectorSimilarity.COSINE, VectorKernel.best()), null, 0.5f));
  }

  /**
   * Where vectors are read in place, a segment is scored a batch at a time ({@link VectorSimilarityBulkScorer}): the
   * same documents with the same scores, bit for bit, as the per-document scorer, over random windows, filters,
   * thresholds, boosts and deletions.
   */
  public void testBatchesScoreAsTheScorerDoes() throws IOException {
    int dims = random().nextBoolean() ? 1 + random().nextInt(20) : 20 + random().nextInt(500);
    try (VectorIndexFixture index = new VectorIndexFixture(random(), dims, atLeast(300), true, random().nextInt(4) != 0)) {
      IndexSearcher searcher = new IndexSearcher(index.reader);
      // Uncached: the cache would answer the second look at a segment's filter differently from the first.
      searcher.setQueryCache(null);
      for (VectorSimilarity similarity : VectorSimilarity.values()) {
        for (VectorKernel kernel : kernels()) {
          float[] q = VectorIndexFixture.randomVector(random(), dims);
          QueryVector qv = new QueryVector(VectorIndexFixture.FIELD, q, similarity, kernel);
          Float threshold = random().nextBoolean() ? null : ReferenceScores.thresholdAwayFrom(similarity, q,
              index.live.values(), similarity == VectorSimilarity.L2 ? (float) Math.sqrt(dims / 1.5) : 0f);
          Query filter = random().nextBoolean() ? null : new TermQuery(new Term("tag", random().nextBoolean() ? "a" : "b"));
          Query query = new BoostQuery(new VectorSimilarityQuery(qv, filter, threshold), 0.5f + 3 * random().nextFloat());
          // Without scores, only a threshold makes the query compute anything per document, and so batch.
          ScoreMode scoreMode = random().nextBoolean() ? ScoreMode.COMPLETE : ScoreMode.COMPLETE_NO_SCORES;
          boolean batches = scoreMode.needsScores() || threshold != null;
          for (LeafReaderContext leaf : index.reader.leaves()) {
            // A weight per use, as a search would.
            ScorerSupplier forBulk = searcher.createWeight(searcher.rewrite(query), scoreMode, 1f).scorerSupplier(leaf);
            if (forBulk == null) {
              continue;
            }
            BulkScorer bulk = forBulk.bulkScorer();
            BinaryDocValues values = leaf.reader().getBinaryDocValues(VectorIndexFixture.FIELD);
            boolean inPlace = values instanceof StoredVectorDocValues stored && stored.mapped(kernel) != null;
            assertEquals("batches exactly where vectors are read in place", inPlace && batches, bulk instanceof VectorSimilarityBulkScorer);
            Bits live = leaf.reader().getLiveDocs();
            Map<Integer, Float> oneByOne = new LinkedHashMap<>();
            Scorer scorer = searcher.createWeight(searcher.rewrite(query), scoreMode, 1f).scorerSupplier(leaf).get(Long.MAX_VALUE);
            DocIdSetIterator it = scorer.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
              if (live == null || live.get(doc)) {
                oneByOne.put(doc, scorer.score());
              }
            }
            // A sort on a field whose queue is full rules documents out through the collector's competitive iterator;
            // a bulk scorer (ours, or Lucene's default one) then collects only those it leaves in.
            FixedBitSet competitive = null;
            if (random().nextInt(3) == 0) {
              competitive = new FixedBitSet(leaf.reader().maxDoc());
              double density = random().nextDouble();
              for (int doc = 0; doc < competitive.length(); doc++) {
                if (random().nextDouble() < density) {
                  competitive.set(doc);
                }
              }
              FixedBitSet ruledIn = competitive;
              oneByOne.keySet().removeIf(doc -> ruledIn.get(doc) == false);
            }
            Map<Integer, Float> batched = new LinkedHashMap<>();
            RecordingCollector collector = new RecordingCollector(batched,
                competitive == null ? null : new BitSetIterator(competitive, competitive.cardinality()));
            for (int min = 0; min < DocIdSetIterator.NO_MORE_DOCS; ) {
              int max = random().nextInt(4) == 0 ? DocIdSetIterator.NO_MORE_DOCS : min + 1 + random().nextInt(100);
              int next = bulk.score(collector, live, min, max);
              // At or past max, and no further than the next document it would collect.
              int firstCollectable = oneByOne.keySet().stream().filter(d -> d >= max).findFirst().orElse(DocIdSetIterator.NO_MORE_DOCS);
              assertTrue(next + " for [" + min + ", " + max + "), next collectable " + firstCollectable, next >= max && next <= firstCollectable);
              min = max;
            }
            assertEquals(qv + " with filter " + filter + ", threshold " + threshold + ", competitive " + (competitive != null),
                oneByOne, batched);
          }
        }
      }
    }
  }

  /**
   * Sorted on a field whose top hits are full early, Lucene's sort hands the collector a competitive iterator: far
   * fewer vectors are then scored than match, in batches as one by one, and the hits are still the lowest ranks above
   * the threshold.
   */
  public void testASortOnAFieldSkipsTheDocumentsItRulesOut() throws IOException {
    int dims = 1 + random().nextInt(24);
    int docs = 3000 + random().nextInt(3000);
    List<float[]> vectors = new ArrayList<>();
    IndexWriterConfig config = new IndexWriterConfig().setMergePolicy(new LogDocMergePolicy())
        .setCodec(new DenseVectorCodec(TestUtil.getDefaultCodec(), VectorIndexFixture.FIELD::equals));
    try (Directory dir = new MMapDirectory(createTempDir("sorted"))) {
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < docs; i++) {
          float[] v = VectorIndexFixture.randomVector(random(), dims);
          vectors.add(v);
          Document doc = new Document();
          doc.add(new DenseVectorField(VectorIndexFixture.FIELD, v));
          // Ranks rise with indexing order: once ten hits are in, every later document is out of the running.
          doc.add(new LongField("rank", i, Field.Store.YES));
          writer.addDocument(doc);
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
        Sort byRank = new Sort(LongField.newSortField("rank", false, SortedNumericSelector.Type.MIN));
        for (VectorSimilarity similarity : VectorSimilarity.values()) {
          for (VectorKernel kernel : kernels()) {
            float[] q = VectorIndexFixture.randomVector(random(), dims);
            float threshold = ReferenceScores.thresholdAwayFrom(similarity, q, vectors,
                similarity == VectorSimilarity.L2 ? (float) Math.sqrt(dims / 1.5) : 0f);
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < docs && expected.size() < 10; i++) {
              double s = ReferenceScores.similarity(similarity, q, vectors.get(i));
              if (similarity == VectorSimilarity.L2 ? s <= threshold : s >= threshold) {
                expected.add((long) i);
              }
            }
            LongAdder scored = new LongAdder();
            Query query = new VectorSimilarityQuery(new QueryVector(VectorIndexFixture.FIELD, q, similarity, kernel, scored), null, threshold);
            BinaryDocValues values = reader.leaves().get(0).reader().getBinaryDocValues(VectorIndexFixture.FIELD);
            boolean batches = values instanceof StoredVectorDocValues stored && stored.mapped(kernel) != null;
            assertEquals(batches, searcher.createWeight(searcher.rewrite(query), ScoreMode.TOP_DOCS, 1f)
                .scorerSupplier(reader.leaves().get(0)).bulkScorer() instanceof VectorSimilarityBulkScorer);
            scored.reset();
            TopDocs top = searcher.search(query, new TopFieldCollectorManager(byRank, 10, null, 1));
            List<Long> ranks = new ArrayList<>();
            for (ScoreDoc hit : top.scoreDocs) {
              ranks.add(searcher.storedFields().document(hit.doc).getField("rank").numericValue().longValue());
            }
            assertEquals(similarity + " above " + threshold + ", " + kernel, expected, ranks);
            // Lucene's sort starts skipping once its ten hits are in, and only where the points left competitive are
            // under an eighth of the segment: ten matches among the first few hundred documents (about half of them
            // match at these thresholds).
            assertEquals(10, expected.size());
            assertTrue("the tenth match is document " + expected.get(9), expected.get(9) < docs / 16);
            assertTrue(scored.sum() + " of " + docs + " scored", scored.sum() < docs / 2);
          }
        }
      }
    }
  }

  /** Records each collected document with its score, and offers {@code competitive}, if any, as its competitive iterator. */
  private static final class RecordingCollector implements LeafCollector {
    private final Map<Integer, Float> scores;
    private final DocIdSetIterator competitive;
    private Scorable scorer;

    RecordingCollector(Map<Integer, Float> scores, DocIdSetIterator competitive) {
      this.scores = scores;
      this.competitive = competitive;
    }

    @Override
    public DocIdSetIterator competitiveIterator() {
      return competitive;
    }

    @Override
    public void setScorer(Scorable scorer) {
      this.scorer = scorer;
    }

    @Override
    public void collect(int doc) throws IOException {
      assertNull("collected twice: " + doc, scores.put(doc, scorer.score()));
    }
  }

  private static void assertMatches(IndexSearcher searcher, Query query, Map<String, Double> expected, float boost) throws IOException {
    TopDocs top = searcher.search(query, Math.max(1, index(searcher)));
    assertEquals(expected.size(), top.totalHits.value());
    Double previous = null;
    for (ScoreDoc sd : top.scoreDocs) {
      String id = searcher.storedFields().document(sd.doc).get("id");
      Double want = expected.get(id);
      assertNotNull("unexpected hit " + id, want);
      double wantScore = boost * want;
      assertEquals("doc " + id, wantScore, sd.score, 1e-5 * Math.max(1, Math.abs(wantScore)));
      // The ranking follows the reference, up to ties within rounding.
      if (previous != null) {
        assertTrue(previous + " then " + wantScore, wantScore <= previous + 2e-5 * Math.max(1, Math.abs(previous)));
      }
      previous = wantScore;
    }
  }

  private static int index(IndexSearcher searcher) {
    return searcher.getIndexReader().maxDoc();
  }

  private static Iterable<VectorKernel> kernels() {
    return TestKernels.all();
  }
}
