package org.vectorscoring.opensearch.it;

import java.util.Collection;
import java.util.List;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.InternalTestCluster;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/**
 * {@code vector_scoring.max_dims} limits new mappings only: an index made with wider vectors than a node restarted
 * with a lower limit allows still recovers and restores there, scoring as before, while new wide fields are refused.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 0, numClientNodes = 0,
    supportsDedicatedMasters = false)
public class MaxDimsRestartIT extends OpenSearchIntegTestCase {

  private static final int WIDE = 24;
  private static final int LIMIT = 16;

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(VectorScoringPlugin.class);
  }

  public void testExistingWideIndexRecoversAndRestoresAfterTheLimitIsLowered() throws Exception {
    String node = internalCluster().startNode();
    assertAcked(prepareCreate("wide").setSettings(Settings.builder().put("index.number_of_shards", randomIntBetween(1, 3))
        .put("index.number_of_replicas", 0)).setMapping("v", "type=dense_vector,dims=" + WIDE));
    float[][] vectors = new float[randomIntBetween(5, 30)][WIDE];
    for (int i = 0; i < vectors.length; i++) {
      for (int j = 0; j < WIDE; j++) {
        vectors[i][j] = randomFloat() * 2 - 1;
      }
      client().prepareIndex("wide").setId(Integer.toString(i)).setSource("v", vectors[i]).get();
    }
    refresh("wide");
    assertAcked(client().admin().cluster().preparePutRepository("repo").setType("fs")
        .setSettings(Settings.builder().put("location", randomRepoPath())));
    assertEquals(RestStatus.OK, client().admin().cluster().prepareCreateSnapshot("repo", "snap").setIndices("wide")
        .setWaitForCompletion(true).get().status());

    internalCluster().restartNode(node, new InternalTestCluster.RestartCallback() {
      @Override
      public Settings onNodeStopped(String nodeName) {
        return Settings.builder().put("vector_scoring.max_dims", LIMIT).build();
      }
    });
    ensureGreen("wide");
    assertScores(vectors);

    assertAcked(client().admin().indices().prepareDelete("wide"));
    assertEquals(RestStatus.OK, client().admin().cluster().prepareRestoreSnapshot("repo", "snap")
        .setWaitForCompletion(true).get().status());
    ensureGreen("wide");
    assertScores(vectors);

    // Sending the wide field again changes nothing; anything new is held to the restarted node's limit.
    assertAcked(client().admin().indices().preparePutMapping("wide").setSource("v", "type=dense_vector,dims=" + WIDE));
    assertAcked(client().admin().indices().preparePutMapping("wide").setSource("w", "type=dense_vector,dims=" + LIMIT));
    assertBadRequest(() -> client().admin().indices().preparePutMapping("wide").setSource("x", "type=dense_vector,dims=" + WIDE)
        .get(), "[x] [dims] must be between [1] and [" + LIMIT + "], not [" + WIDE + "]");
    assertBadRequest(() -> prepareCreate("new").setMapping("v", "type=dense_vector,dims=" + WIDE).get(),
        "[v] [dims] must be between [1] and [" + LIMIT + "], not [" + WIDE + "]");
  }

  private void assertScores(float[][] vectors) {
    float[] q = vectors[randomInt(vectors.length - 1)];
    SearchResponse response = client().prepareSearch("wide").setQuery(new VectorSimilarityQueryBuilder("v", q))
        .setSize(vectors.length).get();
    assertEquals(vectors.length, response.getHits().getTotalHits().value());
    for (SearchHit hit : response.getHits()) {
      double expected = ReferenceScores.score(VectorSimilarity.COSINE, q, vectors[Integer.parseInt(hit.getId())]);
      assertEquals(hit.getId(), expected, hit.getScore(), 1e-5 * Math.abs(expected));
    }
  }

  private static void assertBadRequest(ThrowingRunnable request, String message) {
    Exception e = expectThrows(Exception.class, request);
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    assertTrue(e.toString(), ExceptionsHelper.stackTrace(e).contains(message));
  }
}
