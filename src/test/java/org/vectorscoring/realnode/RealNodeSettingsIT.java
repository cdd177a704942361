package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.tests.util.TestUtil;
import org.junit.BeforeClass;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * Contract §8 on the real distribution: a node whose {@code opensearch.yml} turns SIMD off and lowers the limits
 * scores with the scalar kernel, still to the reference, and enforces the limits it was given.
 */
public class RealNodeSettingsIT extends RealSingleNodeTestCase {

  @BeforeClass
  public static void startNode() throws Exception {
    startNode("settings", Map.of("vector_scoring.simd.enabled", "false", "vector_scoring.matrix.max_size", "3",
        "vector_scoring.max_dims", "8"));
  }

  public void testSimdDisabledMeansTheScalarKernel() throws IOException {
    Map<String, Object> stats = nodeStats(client());
    assertEquals(stats.toString(), "scalar", stats.get("kernel"));
    assertEquals(8, stats.get("max_dims"));
  }

  /** README: "the node log says which kernel it chose", and with {@code simd.enabled: false} that is scalar. */
  public void testNodeLogNamesTheScalarKernel() throws IOException {
    String log = node().consoleLog();
    assertTrue("the node log names the kernel it uses", log.contains("vector scoring kernel: [scalar]"));
    assertFalse("the node log names a kernel it does not use", log.contains("vector scoring kernel: [panama"));
  }

  public void testScalarScoresMatchTheReference() throws IOException {
    Corpus corpus = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 8), TestUtil.nextInt(random(), 10, 40));
    corpus.index(client(), "scalar", TestUtil.nextInt(random(), 1, 2), 0, VectorSimilarity.COSINE);
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      float[] q = corpus.randomQueryVector(random());
      assertHits(search(client(), "scalar", "{ \"size\": 100, \"query\": { \"vector_similarity\": { \"field\": \"v\", "
          + "\"query_vector\": " + json(q) + ", \"similarity\": \"" + similarity.externalName() + "\" } } }"),
          corpus.expectedScores(similarity, q, null, null), true);
    }
  }

  public void testMatrixSizeLimitIsTheNodeSetting() throws IOException {
    Corpus corpus = Corpus.generate(random(), 4, 10);
    corpus.index(client(), "limits", 1, 0, VectorSimilarity.COSINE);
    Map<String, Object> answer = search(client(), "limits", "{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": "
        + "{ \"field\": \"v\", \"size\": 3 } } } }");
    assertEquals(answer.toString(), 3, list(at(answer, "aggregations.sims.rows")).size());
    assertBadRequest(client(), "POST", "/limits/_search", "{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": "
        + "{ \"field\": \"v\", \"size\": 4 } } } }", null,
        "[similarity_matrix] [sims] [size] is [4], above [vector_scoring.matrix.max_size] of [3]");
    assertBadRequest(client(), "POST", "/limits/_search", "{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": "
        + "{ \"field\": \"v\", \"size\": 2, \"columns\": { \"vectors\": " + json(new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0},
        {0, 0, 1, 0}, {0, 0, 0, 1}}) + " } } } } }", null,
        "[similarity_matrix] [sims] [columns.vectors] is [4], above [vector_scoring.matrix.max_size] of [3]");
  }

  public void testMaxDimsLimitsMappings() throws IOException {
    assertBadRequest(client(), "PUT", "/toowide", "{ \"mappings\": { \"properties\": { \"v\": { \"type\": \"dense_vector\", "
        + "\"dims\": 9 } } } }", "mapper_parsing_exception", "[v] [dims] must be between [1] and [8], not [9]");
    call(client(), "PUT", "/wideenough", "{ \"mappings\": { \"properties\": { \"v\": { \"type\": \"dense_vector\", \"dims\": 8 } } } }");
    assertEquals(8, at(call(client(), "GET", "/wideenough/_mapping", null), "wideenough.mappings.properties.v.dims"));
  }
}
