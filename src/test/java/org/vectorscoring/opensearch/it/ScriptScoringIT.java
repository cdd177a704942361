package org.vectorscoring.opensearch.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.opensearch.ExceptionsHelper;
import org.opensearch.Version;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.functionscore.ScoreFunctionBuilders;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.script.Script;
import org.opensearch.script.ScriptType;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/**
 * The {@code vector_scoring} script engine and the Painless functions on an in-JVM cluster: the same scores as the
 * query and as the double-precision reference, and a 400 with a clear message for every bad script.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, minNumDataNodes = 1, maxNumDataNodes = 2)
public class ScriptScoringIT extends OpenSearchIntegTestCase {

  private static final String INDEX = "docs";

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(PainlessModulePlugin.class);
  }

  /** Our plugin declared as extending Painless, as the installed zip's descriptor does, so Painless loads our extension. */
  @Override
  protected Collection<PluginInfo> additionalNodePlugins() {
    return List.of(new PluginInfo(VectorScoringPlugin.class.getName(), "classpath plugin", "NA", Version.CURRENT, "21",
        VectorScoringPlugin.class.getName(), null, List.of(PainlessModulePlugin.class.getName()), false));
  }

  private final Map<String, float[]> vectors = new HashMap<>();
  private int dims;

  private void indexRandomDocuments() throws IOException {
    dims = randomIntBetween(1, 48);
    assertAcked(prepareCreate(INDEX).setSettings(Settings.builder().put("index.number_of_shards", randomIntBetween(1, 3))
        .put("index.number_of_replicas", 0)).setMapping(XContentFactory.jsonBuilder().startObject().startObject("properties")
        .startObject("v").field("type", "dense_vector").field("dims", dims).endObject()
        .endObject().endObject()));
    int n = randomIntBetween(20, 80);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dims];
      for (int k = 0; k < dims; k++) {
        v[k] = randomFloat() * 2 - 1;
      }
      vectors.put(Integer.toString(i), v);
      client().prepareIndex(INDEX).setId(Integer.toString(i)).setSource("v", v).get();
    }
    refresh(INDEX);
  }

  public void testScriptEngineScoresAsTheQuery() throws IOException {
    indexRandomDocuments();
    float[] q = queryVector();
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      Script script = new Script(ScriptType.INLINE, "vector_scoring", similarity.externalName(),
          Map.of("field", "v", "query_vector", asList(q)));
      Map<String, Double> expected = new HashMap<>();
      vectors.forEach((id, v) -> expected.put(id, ReferenceScores.score(similarity, q, v)));
      assertScores(search(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script)), expected);
      // function_score's script_score runs the same script.
      assertScores(search(QueryBuilders.functionScoreQuery(ScoreFunctionBuilders.scriptFunction(script))
          .boostMode(org.opensearch.common.lucene.search.function.CombineFunction.REPLACE)), expected);
      // And the query gives the very same floats.
      SearchResponse viaQuery = search(new VectorSimilarityQueryBuilder("v", q).similarity(similarity));
      SearchResponse viaScript = search(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script));
      Map<String, Float> queryScores = new HashMap<>();
      for (SearchHit hit : viaQuery.getHits().getHits()) {
        queryScores.put(hit.getId(), hit.getScore());
      }
      for (SearchHit hit : viaScript.getHits().getHits()) {
        assertEquals(hit.getId(), queryScores.get(hit.getId()), hit.getScore(), 0f);
      }
    }
  }

  public void testPainlessFunctionsReturnTheRawSimilarity() throws IOException {
    indexRandomDocuments();
    float[] q = queryVector();
    Map<String, VectorSimilarity> functions = Map.of("cosineSimilarity", VectorSimilarity.COSINE, "dotProduct",
        VectorSimilarity.DOT_PRODUCT, "l2norm", VectorSimilarity.L2);
    for (Map.Entry<String, VectorSimilarity> function : functions.entrySet()) {
      // Scores must be non-negative, so each source maps s to one that is, and back exactly enough (a float score
      // near 1 has 6e-8 relative precision) to hold the raw s itself to the contract's 1e-5. Adding 1000, as this
      // test once did, left s a precision of 6e-5 and a tolerance of 1e-2.
      String call = function.getKey() + "(params.query_vector, 'v')";
      String source = switch (function.getValue()) {
        case COSINE -> call + " + 1.0"; // Elasticsearch's idiom: cosine is at least -1
        case DOT_PRODUCT -> "double s = " + call + "; return s >= 0 ? s + 1 : 1 / (1 - s);";
        case L2 -> "1 / (1 + " + call + ")"; // Elasticsearch's idiom: ranks by distance
      };
      DoubleUnaryOperator rawSimilarity = switch (function.getValue()) {
        case COSINE -> score -> score - 1;
        case DOT_PRODUCT -> score -> score >= 1 ? score - 1 : 1 - 1 / score;
        case L2 -> score -> 1 / score - 1;
      };
      Script script = new Script(ScriptType.INLINE, "painless", source, Map.of("query_vector", asList(q)));
      SearchResponse response = search(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script));
      assertEquals(0, response.getFailedShards());
      assertEquals(vectors.size(), response.getHits().getHits().length);
      for (SearchHit hit : response.getHits().getHits()) {
        double expected = ReferenceScores.similarity(function.getValue(), q, vectors.get(hit.getId()));
        assertEquals(function.getKey() + " " + hit.getId(), expected, rawSimilarity.applyAsDouble(hit.getScore()),
            1e-5 * Math.max(1, Math.abs(expected)));
      }
    }
    Script magnitude = new Script(ScriptType.INLINE, "painless", "doc['v'].magnitude + doc['v'].vectorValue[0]", Map.of());
    Map<String, Double> expected = new HashMap<>();
    vectors.forEach((id, v) -> expected.put(id, Math.sqrt(ReferenceScores.similarity(VectorSimilarity.DOT_PRODUCT, v, v)) + v[0]));
    assertScores(search(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), magnitude)), expected);
  }

  public void testBadScriptsAreBadRequests() throws IOException {
    indexRandomDocuments();
    List<Float> q = asList(queryVector());
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "hamming", Map.of("field", "v", "query_vector", q)),
        "[vector_scoring] unknown script source [hamming], expected one of [cosine, dot_product, l2]");
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("query_vector", q)),
        "[vector_scoring] needs params [field], the dense_vector field to score");
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("field", "v")),
        "[vector_scoring] needs params [query_vector], the vector to score against");
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("field", "v", "query_vector", List.of(1, "x"))),
        "[vector_scoring] params [query_vector] element [1] is a string, expected a number");
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("field", "v", "query_vector", List.of(1f, 2f, 3f,
        4f, 5f, 6f, 7f, 8f, 9f).subList(0, dims == 1 ? 2 : 1))),
        "[vector_scoring] [v] has [" + dims + "] dimensions, but the query vector has [" + (dims == 1 ? 2 : 1) + "]");
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("field", "nope", "query_vector", q)),
        "[vector_scoring] field [nope] does not exist in the mapping of this index");
    // Every element a float, but the norm far above what scores can take; as one element, the norm is that float.
    List<Double> huge = new ArrayList<>(Collections.nCopies(dims, 0d));
    huge.set(0, 3e38);
    String norm = Double.toString(3e38f);
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine",
        Map.of("field", "v", "query_vector", huge)),
        "[vector_scoring] params [query_vector] has an L2 norm of [" + norm + "], above [4.611686018427388E18], ");
    assertBadRequest(new Script(ScriptType.INLINE, "painless", "dotProduct(params.qv, 'v')", Map.of("qv", huge)),
        "[dotProduct] query vector has an L2 norm of [" + norm + "], above [4.611686018427388E18], ");
    List<Float> zeros = asList(new float[dims]);
    assertBadRequest(new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("field", "v", "query_vector", zeros)),
        "[vector_scoring] [v] the query vector is all zeros, which has no cosine similarity");
    assertBadRequest(new Script(ScriptType.INLINE, "painless", "cosineSimilarity(params.qv, 'v')", Map.of("qv", zeros)),
        "[cosineSimilarity] [v] the query vector is all zeros, which has no cosine similarity");
  }

  private void assertBadRequest(Script script, String message) {
    Exception e = expectThrows(Exception.class, () -> search(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script)));
    assertEquals(ExceptionsHelper.stackTrace(e), RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    assertTrue(ExceptionsHelper.stackTrace(e), ExceptionsHelper.stackTrace(e).contains(message));
  }

  private float[] queryVector() {
    float[] q = new float[dims];
    for (int k = 0; k < dims; k++) {
      q[k] = randomFloat() * 2 - 1;
    }
    q[0] += 0.5f;
    return q;
  }

  private static List<Float> asList(float[] v) {
    List<Float> list = new ArrayList<>(v.length);
    for (float x : v) {
      list.add(x);
    }
    return list;
  }

  /**
   * Documents without a vector in between, skipped with Elasticsearch's idiom: the function and {@code doc['v']} position
   * the same doc values, in either order, on every document, however sparse the ones that have a vector.
   */
  public void testPainlessFunctionsBesideDocAccessOverSparseVectors() throws IOException {
    indexRandomDocuments();
    int without = randomIntBetween(5, 40);
    for (int i = 0; i < without; i++) {
      client().prepareIndex(INDEX).setId("none-" + i).setSource("{}", XContentType.JSON).get();
    }
    refresh(INDEX);
    float[] q = queryVector();
    Script script = new Script(ScriptType.INLINE, "painless", "doc['v'].size() == 0 ? 0 : cosineSimilarity(params.query_vector, 'v') "
        + "+ 1.0 + 0 * doc['v'].magnitude", Map.of("query_vector", asList(q)));
    Map<String, Double> expected = new HashMap<>();
    vectors.forEach((id, v) -> expected.put(id, ReferenceScores.similarity(VectorSimilarity.COSINE, q, v) + 1));
    for (int i = 0; i < without; i++) {
      expected.put("none-" + i, 0.0);
    }
    assertScores(client().prepareSearch(INDEX).setQuery(QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script))
        .setSize(expected.size()).get(), expected);
    // The function alone, over only the documents with a vector, scattered among those without.
    Script alone = new Script(ScriptType.INLINE, "painless", "cosineSimilarity(params.query_vector, 'v') + 1.0",
        Map.of("query_vector", asList(q)));
    Map<String, Double> withVector = new HashMap<>();
    vectors.forEach((id, v) -> withVector.put(id, ReferenceScores.similarity(VectorSimilarity.COSINE, q, v) + 1));
    assertScores(client().prepareSearch(INDEX).setQuery(QueryBuilders.scriptScoreQuery(QueryBuilders.existsQuery("v"), alone))
        .setSize(expected.size()).get(), withVector);
  }

  private SearchResponse search(QueryBuilder query) {
    return client().prepareSearch(INDEX).setQuery(query).setSize(vectors.size() + 10).get();
  }

  private static void assertScores(SearchResponse response, Map<String, Double> expected) {
    assertEquals(0, response.getFailedShards());
    assertEquals(expected.size(), response.getHits().getHits().length);
    for (SearchHit hit : response.getHits().getHits()) {
      double want = expected.get(hit.getId());
      assertEquals(hit.getId(), want, hit.getScore(), 1e-5 * Math.max(1, Math.abs(want)));
    }
  }
}
