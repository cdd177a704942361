package org.vectorscoring.opensearch.script;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.tests.util.TestUtil;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.plugins.Plugin;
import org.opensearch.script.ScoreScript;
import org.opensearch.search.lookup.SearchLookup;
import org.vectorscoring.ConcurrentRuns;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldType;

/**
 * One compiled {@code vector_scoring} script shared by many threads, as concurrent segment search shares it: each
 * thread's per-segment scripts give the single-thread scores bit for bit, and the node's counters add up exactly.
 */
public class ConcurrentScriptScoringTests extends MapperServiceTestCase {

  /** A stored field with each document's position in the list of vectors written. */
  private static final String ORDINAL = "ordinal";

  private boolean simdEnabled;

  @Override
  protected Collection<? extends Plugin> getPlugins() {
    return List.of(new VectorScoringPlugin(Settings.builder().put("vector_scoring.simd.enabled", simdEnabled).build()));
  }

  public void testThreadsSharingOneScriptScoreAsOneThreadDoes() throws Exception {
    for (boolean simd : new boolean[] {false, true}) {
      simdEnabled = simd;
      VectorSimilarity similarity = randomFrom(VectorSimilarity.values());
      int dims = TestUtil.nextInt(random(), 1, 200);
      MapperService mapperService = createMapperService(fieldMapping(b -> b.field("type", "dense_vector")
          .field("dims", dims).field("similarity", similarity.externalName())));
      List<float[]> vectors = new ArrayList<>();
      withLuceneIndex(mapperService, writer -> {
        int docs = TestUtil.nextInt(random(), 50, 300);
        for (int i = 0; i < docs; i++) {
          float[] v = random().nextInt(10) == 0 ? null : randomVector(dims);
          vectors.add(v);
          ParseContext.Document doc = mapperService.documentMapper().parse(source(b -> {
            if (v != null) {
              b.field("field", v);
            }
          })).rootDoc();
          doc.add(new StoredField(ORDINAL, i)); // merges may reorder documents: this finds each one's vector
          writer.addDocument(doc);
          if (random().nextInt(40) == 0) {
            writer.commit();
          }
        }
      }, reader -> checkSharedScript(mapperService, reader, similarity, dims, vectors));
    }
  }

  private void checkSharedScript(MapperService mapperService, IndexReader reader, VectorSimilarity similarity, int dims,
      List<float[]> vectors) throws IOException {
    DenseVectorFieldType fieldType = (DenseVectorFieldType) mapperService.fieldType("field");
    assertEquals(simdEnabled ? VectorKernel.best() : VectorKernel.scalar(), fieldType.kernel());
    IndexSearcher searcher = newSearcher(reader);
    SearchLookup lookup = new SearchLookup(mapperService,
        (ft, lookupSupplier) -> ft.fielddataBuilder("test", lookupSupplier).build(null, null));
    float[] q = randomVector(dims);
    q[0] += 1; // never all zeros
    Map<String, Object> params = Map.of("field", "field", "query_vector", toList(q));
    ScoreScript.Factory factory = new VectorScoringScriptEngine().compile("test", similarity.externalName(),
        ScoreScript.CONTEXT, Map.of());
    ScoreScript.LeafFactory shared = factory.newFactory(params, lookup, searcher);

    double[] expected = scoreAll(shared, reader);
    long[] before = fieldType.stats().snapshot();
    assertEquals(1, before[1]);
    long scoredPerRound = before[3];
    // The single-thread scores are the reference's.
    assertEquals(vectors.size(), reader.maxDoc());
    for (int doc = 0; doc < reader.maxDoc(); doc++) {
      float[] v = vectors.get(reader.storedFields().document(doc).getField(ORDINAL).numericValue().intValue());
      double want = v == null ? 0 : ReferenceScores.score(similarity, q, v);
      assertEquals("doc " + doc, want, expected[doc], 1e-5 * Math.max(1, Math.abs(want)));
    }

    int threads = TestUtil.nextInt(random(), 2, 8);
    int rounds = atLeast(10);
    AtomicLong ownFactories = new AtomicLong();
    ConcurrentRuns.onThreads(threads, "script", thread -> {
      for (int r = 0; r < rounds; r++) {
        // The query's leaf factory shared across threads, or one per thread from the shared compiled script.
        ScoreScript.LeafFactory leafFactory = shared;
        if (r % 2 == 1) {
          leafFactory = factory.newFactory(params, lookup, searcher);
          ownFactories.incrementAndGet();
        }
        double[] actual = scoreAll(leafFactory, reader);
        if (Arrays.equals(expected, actual) == false) {
          throw new AssertionError(similarity + ": scores differ from one thread's: " + Arrays.toString(actual));
        }
      }
    });
    long[] after = fieldType.stats().snapshot();
    assertEquals("one script count per leaf factory", 1 + ownFactories.get(), after[1]);
    assertEquals("every scored vector counted once", (1 + (long) threads * rounds) * scoredPerRound, after[3]);
  }

  /** Every document's score, by top-level doc id, from fresh per-segment scripts of {@code leafFactory}. */
  private static double[] scoreAll(ScoreScript.LeafFactory leafFactory, IndexReader reader) throws IOException {
    double[] scores = new double[reader.maxDoc()];
    for (LeafReaderContext leaf : reader.leaves()) {
      ScoreScript script = leafFactory.newInstance(leaf);
      for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
        script.setDocument(doc);
        scores[leaf.docBase + doc] = script.execute(null);
      }
    }
    return scores;
  }

  private static float[] randomVector(int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = random().nextFloat() * 2 - 1;
    }
    return v;
  }

  private static List<Float> toList(float[] vector) {
    List<Float> list = new ArrayList<>();
    for (float x : vector) {
      list.add(x);
    }
    return list;
  }
}
