package org.vectorscoring.opensearch.it;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.plugins.Plugin;
import org.opensearch.script.Script;
import org.opensearch.script.ScriptType;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;
import org.vectorscoring.opensearch.stats.NodeVectorScoringStats;
import org.vectorscoring.opensearch.stats.VectorScoringStatsAction;
import org.vectorscoring.opensearch.stats.VectorScoringStatsRequest;
import org.vectorscoring.opensearch.stats.VectorScoringStatsResponse;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/** Every node reports its kernel (as {@code vector_scoring.simd.enabled} chooses it) and counts what it scored. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 2, numClientNodes = 0,
    supportsDedicatedMasters = false)
public class StatsIT extends OpenSearchIntegTestCase {

  private final boolean simd = randomBoolean();

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(VectorScoringPlugin.class);
  }

  @Override
  protected Settings nodeSettings(int nodeOrdinal) {
    return Settings.builder().put(super.nodeSettings(nodeOrdinal)).put("vector_scoring.simd.enabled", simd).build();
  }

  public void testNodesReportKernelAndCounters() throws Exception {
    assertAcked(prepareCreate("docs").setSettings(Settings.builder().put("index.number_of_shards", 2).put("index.number_of_replicas", 0))
        .setMapping("v", "type=dense_vector,dims=3"));
    int n = randomIntBetween(5, 30);
    for (int i = 0; i < n; i++) {
      client().prepareIndex("docs").setId(Integer.toString(i)).setSource("v", new float[] {i + 1, 1, 2}).get();
    }
    refresh("docs");
    client().prepareSearch("docs").setQuery(new VectorSimilarityQueryBuilder("v", new float[] {1, 2, 3})).setSize(n).get();
    client().prepareSearch("docs").setQuery(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), new Script(ScriptType.INLINE,
        "vector_scoring", "l2", Map.of("field", "v", "query_vector", List.of(1, 2, 3))))).setSize(n).get();

    VectorScoringStatsResponse response = client().execute(VectorScoringStatsAction.INSTANCE, new VectorScoringStatsRequest()).get();
    assertEquals(2, response.getNodes().size());
    assertTrue(response.failures().isEmpty());
    long[] total = new long[4];
    String expectedKernel = simd ? VectorKernel.best().name() : "scalar";
    for (NodeVectorScoringStats node : response.getNodes()) {
      assertEquals(expectedKernel, node.kernel());
      long[] counters = node.counters();
      for (int i = 0; i < 4; i++) {
        total[i] += counters[i];
      }
    }
    // One query and one script per shard with documents; each scores every document once.
    assertEquals(2, total[0]);
    assertEquals(2, total[1]);
    assertEquals(0, total[2]);
    assertEquals(2L * n, total[3]);

    XContentBuilder builder = XContentFactory.jsonBuilder().startObject();
    response.toXContent(builder, ToXContent.EMPTY_PARAMS);
    Map<String, Object> json = XContentHelper.convertToMap(BytesReference.bytes(builder.endObject()), false, XContentType.JSON).v2();
    @SuppressWarnings("unchecked")
    Map<String, Object> nodes = (Map<String, Object>) json.get("nodes");
    assertEquals(2, nodes.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) nodes.values().iterator().next();
    assertEquals(expectedKernel, first.get("kernel"));
    assertEquals(16384, first.get("max_dims"));
    assertTrue(first.get("counters").toString(), ((Map<?, ?>) first.get("counters")).keySet()
        .containsAll(List.of("queries", "scripts", "matrices", "documents_scored")));
  }
}
