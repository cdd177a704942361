package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.tests.util.TestUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.client.RestClient;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * Three real nodes in separate JVMs on the loopback interface, an index with three shards and a replica spread over
 * them: every node, whichever coordinates, answers the reference, so the plugin's requests, shard results and
 * partial matrices cross real transport connections between separately installed copies of the zip.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
public class RealClusterIT extends RealNodeTestBase {

  private static List<RealOpenSearch> nodes;
  private static Corpus corpus;

  @BeforeClass
  public static void startCluster() throws Exception {
    nodes = RealOpenSearch.startCluster("cluster", 3, Map.of());
    corpus = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 100), TestUtil.nextInt(random(), 60, 100));
    corpus.index(anyClient(), "docs", 3, 1, VectorSimilarity.COSINE);
    call(anyClient(), "GET", "/_cluster/health/docs?wait_for_status=green&timeout=60s", null);
  }

  @AfterClass
  public static void stopCluster() throws IOException {
    if (nodes != null) {
      IOException failure = null;
      for (RealOpenSearch node : nodes) {
        try {
          node.close();
        } catch (IOException e) {
          failure = e;
        }
      }
      nodes = null;
      if (failure != null) {
        throw failure;
      }
    }
    corpus = null;
  }

  private static RestClient anyClient() {
    return nodes.get(random().nextInt(nodes.size())).client();
  }

  public void testEveryNodeRunsThePlugin() throws IOException {
    List<Object> plugins = list(call(anyClient(), "GET", "/_cat/plugins?format=json", null).get("list"));
    assertEquals(plugins.toString(), 3, plugins.stream().filter(p -> "vector-scoring".equals(map(p).get("component"))).count());
    Map<String, Object> stats = call(anyClient(), "GET", "/_plugins/vector_scoring/stats", null);
    assertEquals(stats.toString(), Map.of("total", 3, "successful", 3, "failed", 0), stats.get("_nodes"));
    for (Object node : map(stats.get("nodes")).values()) {
      assertTrue(stats.toString(), ((String) map(node).get("kernel")).startsWith("panama-"));
    }
  }

  public void testEveryCoordinatingNodeGetsTheReferenceScores() throws IOException {
    for (RealOpenSearch node : nodes) {
      VectorSimilarity similarity = VectorSimilarity.values()[random().nextInt(VectorSimilarity.values().length)];
      float[] q = corpus.randomQueryVector(random());
      String tag = random().nextBoolean() ? "a" : "b";
      double threshold = corpus.threshold(similarity, q, tag);
      assertHits(search(node.client(), "docs", """
          { "size": 1000, "query": { "vector_similarity": {
              "field": "v", "query_vector": %s, "similarity": "%s",
              "filter": { "term": { "tag": "%s" } }, "min_similarity": %s } } }
          """.formatted(json(q), similarity.externalName(), tag, threshold)), corpus.expectedScores(similarity, q, tag, threshold), true);

      Map<String, Double> scripted = new java.util.HashMap<>();
      corpus.docs().forEach(d -> scripted.put(d.id(), d.vector() == null ? 0 : ReferenceScores.score(similarity, q, d.vector())));
      assertHits(search(node.client(), "docs", """
          { "size": 1000, "query": { "script_score": { "query": { "match_all": {} },
              "script": { "lang": "vector_scoring", "source": "%s", "params": { "field": "v", "query_vector": %s } } } } }
          """.formatted(similarity.externalName(), json(q))), scripted, true);
    }
  }

  public void testAnswersStayRightWhenANodeStops() throws Exception {
    RealOpenSearch stopped = nodes.get(2);
    stopped.stop();
    try {
      // With one replica, every shard still has a copy on the two nodes left: replicas are promoted where needed.
      call(nodes.get(0).client(), "GET", "/_cluster/health/docs?wait_for_nodes=2&wait_for_status=yellow&timeout=90s", null);
      for (RealOpenSearch node : nodes.subList(0, 2)) {
        VectorSimilarity similarity = VectorSimilarity.values()[random().nextInt(VectorSimilarity.values().length)];
        float[] q = corpus.randomQueryVector(random());
        assertHits(search(node.client(), "docs", """
            { "size": 1000, "query": { "vector_similarity": { "field": "v", "query_vector": %s, "similarity": "%s" } } }
            """.formatted(json(q), similarity.externalName())), corpus.expectedScores(similarity, q, null, null), true);
      }
    } finally {
      // Back to three nodes for the other tests of the class.
      stopped.start();
      call(nodes.get(0).client(), "GET", "/_cluster/health/docs?wait_for_nodes=3&wait_for_status=green&timeout=120s", null);
    }
  }

  public void testSameMatrixWhicheverNodeReduces() throws IOException {
    int size = TestUtil.nextInt(random(), 1, 20);
    String request = """
        { "size": 0,
          "query": { "function_score": { "query": { "match_all": {} }, "boost_mode": "replace", "field_value_factor": { "field": "rank" } } },
          "aggs": {
            "sims": { "similarity_matrix": { "field": "v", "size": %s } },
            "tags": { "terms": { "field": "tag" }, "aggs": { "sims": { "similarity_matrix": { "field": "v", "size": %s } } } } } }
        """.formatted(size, size);
    List<Object> answers = new ArrayList<>();
    for (RealOpenSearch node : nodes) {
      Map<String, Object> answer = search(node.client(), "docs", request);
      assertTopRanksMatrix(map(at(answer, "aggregations.sims")), corpus, null, VectorSimilarity.COSINE, size);
      for (Object b : list(at(answer, "aggregations.tags.buckets"))) {
        Map<String, Object> bucket = map(b);
        assertTopRanksMatrix(map(bucket.get("sims")), corpus, (String) bucket.get("key"), VectorSimilarity.COSINE, size);
      }
      answers.add(answer.get("aggregations"));
    }
    // Rows gathered from the same shards, the matrix computed once on the reduce: the same floats everywhere.
    assertEquals(answers.get(0), answers.get(1));
    assertEquals(answers.get(0), answers.get(2));
  }

  public void testStatsCountEveryShardOnce() throws IOException {
    long[] before = totals();
    float[] q = corpus.randomQueryVector(random());
    search(anyClient(), "docs", "{ \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": " + json(q) + " } } }");
    long[] after = totals();
    // Three shards, each searched on one copy (primary or replica), each comparing its stored vectors once.
    assertEquals(3, after[0] - before[0]);
    assertEquals(corpus.withVectors().size(), after[1] - before[1]);
  }

  /** The cluster's sums of the {@code queries} and {@code documents_scored} counters. */
  private static long[] totals() throws IOException {
    long[] totals = new long[2];
    for (Object node : map(call(anyClient(), "GET", "/_plugins/vector_scoring/stats", null).get("nodes")).values()) {
      Map<String, Object> counters = map(map(node).get("counters"));
      totals[0] += ((Number) counters.get("queries")).longValue();
      totals[1] += ((Number) counters.get("documents_scored")).longValue();
    }
    return totals;
  }
}
