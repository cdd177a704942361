package org.vectorscoring.opensearch.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.functionscore.ScoreFunctionBuilders;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.search.rescore.QueryRescorerBuilder;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.test.OpenSearchIntegTestCase;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;

/**
 * The query end to end on an in-JVM cluster of random size, with random shards and replicas, deleted, updated and
 * vector-less documents and zero vectors: every hit's score against a double-precision reference.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, minNumDataNodes = 1, maxNumDataNodes = 3)
public class VectorSearchIT extends OpenSearchIntegTestCase {

  private static final String INDEX = "docs";

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(VectorScoringPlugin.class);
  }

  /** Live documents: id to vector (null when the document has none), and id to tag. */
  private final Map<String, float[]> vectors = new HashMap<>();
  private final Map<String, String> tags = new HashMap<>();
  private final Map<String, Integer> ranks = new HashMap<>();
  private int dims;
  private int nextRank;

  private void indexRandomDocuments(int shards, int replicas) throws IOException {
    dims = randomIntBetween(1, 64);
    assertAcked(prepareCreate(INDEX).setSettings(Settings.builder().put("index.number_of_shards", shards)
        .put("index.number_of_replicas", replicas)).setMapping(XContentFactory.jsonBuilder().startObject().startObject("properties")
        .startObject("v").field("type", "dense_vector").field("dims", dims).endObject()
        .startObject("tag").field("type", "keyword").endObject()
        .startObject("rank").field("type", "integer").endObject()
        .endObject().endObject()));
    int n = randomIntBetween(40, 150);
    for (int i = 0; i < n; i++) {
      indexDoc(Integer.toString(i));
    }
    for (int i = 0; i < n / 8; i++) {
      String id = Integer.toString(randomInt(n - 1));
      if (randomBoolean()) {
        client().prepareDelete(INDEX, id).get();
        vectors.remove(id);
        tags.remove(id);
        ranks.remove(id);
      } else {
        indexDoc(id);
      }
    }
    refresh(INDEX);
  }

  /** Indexes (or replaces) a document; ranks are unique, so the rescore test's first pass has no ties. */
  private void indexDoc(String id) throws IOException {
    int rank = nextRank++;
    XContentBuilder source = XContentFactory.jsonBuilder().startObject();
    String tag = randomFrom("a", "b");
    source.field("tag", tag).field("rank", rank);
    float[] v = null;
    if (rarely() == false) {
      v = new float[dims];
      if (randomInt(20) != 0) {
        for (int k = 0; k < dims; k++) {
          v[k] = randomFloat() * 2 - 1;
        }
      }
      source.field("v", v);
    }
    client().prepareIndex(INDEX).setId(id).setSource(source.endObject()).get();
    vectors.put(id, v);
    tags.put(id, tag);
    ranks.put(id, rank);
  }

  public void testScoresMatchTheReference() throws IOException {
    indexRandomDocuments(randomIntBetween(1, 4), randomReplicas());
    ensureGreen(INDEX);
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      float[] q = randomQueryVector();
      VectorSimilarityQueryBuilder query = new VectorSimilarityQueryBuilder("v", q).similarity(similarity);
      assertHitsMatch(search(query), expectedScores(similarity, q, null, null, 1f));

      String tag = randomFrom("a", "b");
      float threshold = ReferenceScores.thresholdAwayFrom(similarity, q, vectors.values(),
          similarity == VectorSimilarity.L2 ? (float) Math.sqrt(dims / 1.5) : 0.05f);
      float boost = randomFloat() * 3 + 0.1f;
      VectorSimilarityQueryBuilder filtered = new VectorSimilarityQueryBuilder("v", q).similarity(similarity)
          .filterQuery(QueryBuilders.termQuery("tag", tag)).minSimilarity(threshold);
      filtered.boost(boost);
      assertHitsMatch(search(filtered), expectedScores(similarity, q, tag, threshold, boost));

      // The same scores wherever OpenSearch nests the query.
      Map<String, Double> plain = expectedScores(similarity, q, null, null, 1f);
      assertHitsMatch(search(QueryBuilders.boolQuery().must(query).filter(QueryBuilders.existsQuery("v"))), plain);
      Map<String, Double> doubled = new HashMap<>();
      plain.forEach((id, s) -> doubled.put(id, 2 * s));
      assertHitsMatch(search(QueryBuilders.functionScoreQuery(query, ScoreFunctionBuilders.weightFactorFunction(2f))), doubled);
      Map<String, Double> constant = new HashMap<>();
      plain.forEach((id, s) -> constant.put(id, 1d));
      assertHitsMatch(search(QueryBuilders.constantScoreQuery(query)), constant);
    }
  }

  /**
   * Sorted on a numeric field, with a threshold: the top ranks among the documents above it, whether a shard scores in
   * batches or one by one. (With this few documents Lucene's sort rarely skips any; skipping through a collector's
   * competitive iterator is tested in {@code VectorSimilarityQueryTests}.)
   */
  public void testSortedOnAFieldTheTopRanksAboveTheThreshold() throws IOException {
    indexRandomDocuments(randomIntBetween(1, 4), randomReplicas());
    ensureGreen(INDEX);
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      float[] q = randomQueryVector();
      float threshold = ReferenceScores.thresholdAwayFrom(similarity, q, vectors.values(),
          similarity == VectorSimilarity.L2 ? (float) Math.sqrt(dims / 1.5) : 0.05f);
      int size = randomIntBetween(1, 10);
      List<String> expected = new ArrayList<>(expectedScores(similarity, q, null, threshold, 1f).keySet());
      expected.sort((a, b) -> ranks.get(b) - ranks.get(a));
      expected = expected.subList(0, Math.min(size, expected.size()));
      SearchResponse response = client().prepareSearch(INDEX)
          .setQuery(new VectorSimilarityQueryBuilder("v", q).similarity(similarity).minSimilarity(threshold))
          .addSort("rank", SortOrder.DESC).setSize(size).setTrackTotalHits(false).get();
      assertEquals(0, response.getFailedShards());
      List<String> ids = new ArrayList<>();
      for (SearchHit hit : response.getHits().getHits()) {
        ids.add(hit.getId());
      }
      assertEquals(similarity + " above " + threshold, expected, ids);
    }
  }

  public void testRescoreReRanksTheWindow() throws IOException {
    // One shard: OpenSearch rescores each shard's own top window, and one shard makes that window the global one.
    indexRandomDocuments(1, randomReplicas());
    ensureGreen(INDEX);
    float[] q = randomQueryVector();
    int window = randomIntBetween(5, 20);
    float queryWeight = randomFloat() + 0.1f;
    float rescoreWeight = randomFloat() * 3 + 0.1f;
    // First pass: score = rank, so the window is the `window` highest ranks.
    QueryBuilder first = QueryBuilders.functionScoreQuery(QueryBuilders.matchAllQuery(),
        ScoreFunctionBuilders.fieldValueFactorFunction("rank").missing(0)).boostMode(org.opensearch.common.lucene.search.function.CombineFunction.REPLACE);
    QueryRescorerBuilder rescorer = new QueryRescorerBuilder(new VectorSimilarityQueryBuilder("v", q)).windowSize(window)
        .setQueryWeight(queryWeight).setRescoreQueryWeight(rescoreWeight);
    SearchResponse response = client().prepareSearch(INDEX).setQuery(first).addRescorer(rescorer).setSize(window).get();
    List<String> byRank = new ArrayList<>(ranks.keySet());
    byRank.sort((a, b) -> ranks.get(b) - ranks.get(a));
    Map<String, Double> expected = new HashMap<>();
    for (String id : byRank.subList(0, Math.min(window, byRank.size()))) {
      double primary = ranks.get(id);
      float[] v = vectors.get(id);
      // A document the rescore query does not match (no vector) keeps its weighted first-pass score.
      double rescored = v == null ? 0 : rescoreWeight * ReferenceScores.score(VectorSimilarity.COSINE, q, v);
      expected.put(id, queryWeight * primary + rescored);
    }
    assertReturnedHitsMatch(response, expected);
  }

  public void testErrorsAreBadRequests() throws IOException {
    indexRandomDocuments(randomIntBetween(1, 3), 0);
    assertBadRequest(new VectorSimilarityQueryBuilder("v", new float[dims + 1]).similarity(VectorSimilarity.L2),
        "[vector_similarity] [v] has [" + dims + "] dimensions, but the query vector has [" + (dims + 1) + "]");
    assertBadRequest(new VectorSimilarityQueryBuilder("v", new float[dims]),
        "[vector_similarity] [v] the query vector is all zeros, which has no cosine similarity");
    assertBadRequest(new VectorSimilarityQueryBuilder("tag", new float[] {1}),
        "[vector_similarity] field [tag] is of type [keyword], but only [dense_vector] fields can be scored by vector similarity");
  }

  private void assertBadRequest(QueryBuilder query, String message) {
    Exception e = expectThrows(Exception.class, () -> client().prepareSearch(INDEX).setQuery(query).get());
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    assertTrue(e.toString(), ExceptionsHelper.stackTrace(e).contains(message));
  }

  /** 0 or 1 replica, as many as the cluster can allocate. */
  private int randomReplicas() {
    return randomIntBetween(0, Math.min(1, cluster().numDataNodes() - 1));
  }

  private float[] randomQueryVector() {
    float[] q = new float[dims];
    for (int k = 0; k < dims; k++) {
      q[k] = randomFloat() * 2 - 1;
    }
    q[randomInt(dims - 1)] += 0.5f; // never all zeros
    return q;
  }

  private SearchResponse search(QueryBuilder query) {
    return client().prepareSearch(INDEX).setQuery(query).setSize(vectors.size() + 10).get();
  }

  private Map<String, Double> expectedScores(VectorSimilarity similarity, float[] q, String tag, Float threshold, float boost) {
    Map<String, Double> expected = new HashMap<>();
    vectors.forEach((id, v) -> {
      if (v == null || (tag != null && tag.equals(tags.get(id)) == false)) {
        return;
      }
      double s = ReferenceScores.similarity(similarity, q, v);
      if (threshold != null && (similarity == VectorSimilarity.L2 ? s > threshold : s < threshold)) {
        return;
      }
      expected.put(id, boost * ReferenceScores.scoreOf(similarity, s));
    });
    return expected;
  }

  private static void assertHitsMatch(SearchResponse response, Map<String, Double> expected) {
    assertEquals(expected.size(), response.getHits().getTotalHits().value());
    assertReturnedHitsMatch(response, expected);
  }

  /** The hits returned (not the total) are exactly {@code expected}, with its scores, in score order. */
  private static void assertReturnedHitsMatch(SearchResponse response, Map<String, Double> expected) {
    assertEquals(0, response.getFailedShards());
    assertEquals(expected.size(), response.getHits().getHits().length);
    double previous = Double.MAX_VALUE;
    for (SearchHit hit : response.getHits().getHits()) {
      Double want = expected.get(hit.getId());
      assertNotNull("unexpected hit " + hit.getId(), want);
      assertEquals("doc " + hit.getId(), want, hit.getScore(), 1e-5 * Math.max(1, Math.abs(want)));
      assertTrue("ranked by score", hit.getScore() <= previous);
      previous = hit.getScore();
    }
  }
}
