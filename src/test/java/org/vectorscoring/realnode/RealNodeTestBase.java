package org.vectorscoring.realnode;

import com.carrotsearch.randomizedtesting.ThreadFilter;
import com.carrotsearch.randomizedtesting.annotations.ThreadLeakFilters;
import com.carrotsearch.randomizedtesting.annotations.TimeoutSuite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.QuickPatchThreadsFilter;
import org.apache.lucene.tests.util.TimeUnits;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.realnode.Corpus.Doc;

/**
 * What the real-node tests share: JSON over the low-level REST client, as a user of the node would send it, and
 * answers as plain maps and lists.
 */
// RestClient is deprecated in 3.8 for removal in 4.0, in favour of opensearch-java; it is still what 3.8's own test
// framework speaks HTTP with, and the plainest way to send the contract's JSON as written.
@SuppressWarnings("deprecation")
@TimeoutSuite(millis = 20 * TimeUnits.MINUTE)
@ThreadLeakFilters(defaultFilters = true, filters = {QuickPatchThreadsFilter.class, RealNodeTestBase.ProcessReaperFilter.class})
public abstract class RealNodeTestBase extends LuceneTestCase {

  /**
   * The JDK's "process reaper" threads wait on the node's processes and idle for a minute after; the default filter
   * knows them only by their bare name, which newer JDKs extend with the PID they wait for.
   */
  public static final class ProcessReaperFilter implements ThreadFilter {
    @Override
    public boolean reject(Thread t) {
      return t.getName().startsWith("process reaper");
    }
  }

  /** Sends a request with an optional JSON body and returns the parsed 2xx answer; any other status fails the test. */
  protected static Map<String, Object> call(RestClient client, String method, String path, String json) throws IOException {
    return parse(send(client, method, path, json));
  }

  /** As {@link #call}, with every number in the answer exact, as {@link ExactJson} parses it. */
  protected static Map<String, Object> callExact(RestClient client, String method, String path, String json) throws IOException {
    return ExactJson.parse(send(client, method, path, json));
  }

  /** The body of a 2xx answer; any other status fails the test. */
  private static String send(RestClient client, String method, String path, String json) throws IOException {
    try {
      return body(client.performRequest(request(method, path, json)));
    } catch (ResponseException e) {
      throw new AssertionError(method + " " + path + " answered " + e.getResponse().getStatusLine() + ": " + body(e.getResponse())
          + "\nrequest: " + json, e);
    }
  }

  /** Sends a request that must fail with {@code status}; returns the error answer. */
  protected static Map<String, Object> callFailing(RestClient client, int status, String method, String path, String json)
      throws IOException {
    try {
      Response response = client.performRequest(request(method, path, json));
      throw new AssertionError(method + " " + path + " should have answered " + status + ", not " + response.getStatusLine()
          + ": " + body(response) + "\nrequest: " + json);
    } catch (ResponseException e) {
      Map<String, Object> answer = parse(e.getResponse());
      assertEquals(answer.toString(), status, e.getResponse().getStatusLine().getStatusCode());
      return answer;
    }
  }

  /** Asserts a 400 whose error (or one of its causes) has {@code type} and a reason containing {@code message}. */
  protected static void assertBadRequest(RestClient client, String method, String path, String json, String type, String message)
      throws IOException {
    Map<String, Object> answer = callFailing(client, 400, method, path, json);
    Map<String, Object> error = map(answer.get("error"));
    if (type != null) {
      assertEquals(answer.toString(), type, error.get("type"));
    }
    assertTrue("no reason contains [" + message + "] in " + answer, reasons(error).stream().anyMatch(r -> r.contains(message)));
  }

  /** Every {@code reason} in an error answer: its own, its causes' and its root causes'. */
  protected static List<String> reasons(Object error) {
    List<String> reasons = new ArrayList<>();
    collectReasons(error, reasons);
    return reasons;
  }

  private static void collectReasons(Object value, List<String> reasons) {
    if (value instanceof Map<?, ?> m) {
      m.forEach((key, v) -> {
        if ("reason".equals(key) && v instanceof String s) {
          reasons.add(s);
        } else {
          collectReasons(v, reasons);
        }
      });
    } else if (value instanceof List<?> list) {
      list.forEach(v -> collectReasons(v, reasons));
    }
  }

  private static Request request(String method, String path, String json) {
    Request request = new Request(method, path);
    if (json != null) {
      request.setJsonEntity(json);
    }
    return request;
  }

  private static Map<String, Object> parse(Response response) throws IOException {
    return parse(body(response));
  }

  private static Map<String, Object> parse(String body) throws IOException {
    if (body.isEmpty()) {
      return Map.of();
    }
    if (body.startsWith("[")) {
      return XContentHelper.convertToMap(JsonXContent.jsonXContent, "{\"list\":" + body + "}", true);
    }
    return XContentHelper.convertToMap(JsonXContent.jsonXContent, body, true);
  }

  protected static String body(Response response) throws IOException {
    return response.getEntity() == null ? "" : new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  protected static Map<String, Object> map(Object value) {
    assertTrue("not an object: " + value, value instanceof Map);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  protected static List<Object> list(Object value) {
    assertTrue("not an array: " + value, value instanceof List);
    return (List<Object>) value;
  }

  /** The value at a dotted path of nested objects, e.g. {@code hits.total.value}. */
  protected static Object at(Map<String, Object> json, String path) {
    Object value = json;
    for (String key : path.split("\\.")) {
      value = map(value).get(key);
    }
    return value;
  }

  /** A vector as a JSON array; {@link Float#toString} round-trips every float exactly. */
  protected static String json(float[] vector) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < vector.length; i++) {
      b.append(i == 0 ? "" : ",").append(Float.toString(vector[i]));
    }
    return b.append(']').toString();
  }

  protected static String json(float[][] vectors) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < vectors.length; i++) {
      b.append(i == 0 ? "" : ",").append(json(vectors[i]));
    }
    return b.append(']').toString();
  }

  /** The node's one entry of {@code GET /_plugins/vector_scoring/stats}. */
  protected static Map<String, Object> nodeStats(RestClient client) throws IOException {
    Map<String, Object> stats = call(client, "GET", "/_plugins/vector_scoring/stats", null);
    Map<String, Object> nodes = map(stats.get("nodes"));
    assertEquals(stats.toString(), 1, nodes.size());
    return map(nodes.values().iterator().next());
  }

  /** The node's counter {@code name} ({@code queries}, {@code scripts}, {@code matrices}, {@code documents_scored}). */
  protected static long counter(RestClient client, String name) throws IOException {
    return ((Number) map(nodeStats(client).get("counters")).get(name)).longValue();
  }

  /** Asserts a score against the reference: 1e-5 relative, absolute below 1 (scores near 0 have no useful relative error). */
  protected static void assertScore(String what, double expected, double actual) {
    assertEquals(what, expected, actual, 1e-5 * Math.max(1, Math.abs(expected)));
  }

  /** Searches {@code index} with a JSON body; no shard may fail. */
  protected static Map<String, Object> search(RestClient client, String index, String json) throws IOException {
    Map<String, Object> answer = call(client, "POST", "/" + index + "/_search", json);
    assertEquals(answer.toString(), 0, at(answer, "_shards.failed"));
    return answer;
  }

  /**
   * The hits, all of them (the total too when {@code exact}), are {@code expected} with its scores, in score order.
   */
  protected static void assertHits(Map<String, Object> answer, Map<String, Double> expected, boolean exact) {
    if (exact) {
      assertEquals(answer.toString(), expected.size(), at(answer, "hits.total.value"));
    }
    List<Object> hits = list(at(answer, "hits.hits"));
    assertEquals(expected.size(), hits.size());
    double previous = Double.MAX_VALUE;
    for (Object h : hits) {
      Map<String, Object> hit = map(h);
      String id = (String) hit.get("_id");
      Double want = expected.get(id);
      assertNotNull("unexpected hit " + id, want);
      double score = ((Number) hit.get("_score")).doubleValue();
      assertScore("doc " + id, want, score);
      assertTrue("ranked by score", score <= previous);
      previous = score;
    }
  }

  /**
   * The hits are a top {@code k} of {@code reference} (id to reference score, every candidate): each hit has its
   * reference score, in score order, and no candidate left out scores above the lowest hit beyond float rounding.
   */
  protected static void assertTopHits(Map<String, Object> answer, Map<String, Double> reference, int k) {
    List<Object> hits = list(at(answer, "hits.hits"));
    assertEquals(answer.toString(), Math.min(k, reference.size()), hits.size());
    Set<String> returned = new HashSet<>();
    double previous = Double.MAX_VALUE;
    double lowest = Double.MAX_VALUE;
    for (Object h : hits) {
      String id = (String) map(h).get("_id");
      Double want = reference.get(id);
      assertNotNull("unexpected hit " + id, want);
      double score = ((Number) map(h).get("_score")).doubleValue();
      assertScore("doc " + id, want, score);
      assertTrue("ranked by score", score <= previous);
      previous = score;
      lowest = Math.min(lowest, want);
      returned.add(id);
    }
    for (Map.Entry<String, Double> candidate : reference.entrySet()) {
      if (returned.contains(candidate.getKey()) == false) {
        double margin = 1e-5 * Math.max(1, Math.abs(lowest));
        assertTrue(candidate + " scores above the lowest hit, " + lowest, candidate.getValue() <= lowest + margin);
      }
    }
  }

  /**
   * A top-k {@code vector_similarity} query with a random query vector and the field's similarity ({@code similarity})
   * over {@code index}, which holds {@code vectors} (id to vector), gives the reference's top hits and their total.
   */
  protected static void assertTopHitsOf(RestClient client, String index, VectorSimilarity similarity,
      Map<String, float[]> vectors, Random random) throws IOException {
    int dims = vectors.values().iterator().next().length;
    float[] q = new float[dims];
    for (int i = 0; i < dims; i++) {
      q[i] = random.nextFloat() * 2 - 1;
    }
    q[0] += 0.5f; // never all zeros
    Map<String, Double> reference = new HashMap<>();
    vectors.forEach((id, v) -> reference.put(id, ReferenceScores.score(similarity, q, v)));
    int k = 1 + random.nextInt(100);
    Map<String, Object> answer = search(client, index, "{ \"size\": " + k + ", \"track_total_hits\": true, "
        + "\"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": " + json(q) + " } } }");
    assertEquals(reference.size(), at(answer, "hits.total.value"));
    assertTopHits(answer, reference, k);
  }

  /** A query scoring every document by its rank: distinct scores, so a matrix's rows are exactly the top ranks. */
  protected static final String RANKED = "\"size\": 0, \"query\": { \"function_score\": { "
      + "\"query\": { \"match_all\": {} }, \"boost_mode\": \"replace\", \"field_value_factor\": { \"field\": \"rank\" } } }";

  /**
   * {@code sims}, a {@code similarity_matrix} answer under {@link #RANKED}, has as rows the top {@code size} documents
   * by rank (of {@code tag}, or all when null) and their reference similarities to each other.
   */
  protected static void assertTopRanksMatrix(Map<String, Object> sims, Corpus corpus, String tag,
      VectorSimilarity similarity, int size) {
    List<Doc> rows = corpus.byRank(tag).stream().limit(size).toList();
    assertEquals(rows.stream().map(Doc::id).toList(), sims.get("rows"));
    assertMatrix(similarity, rows, rows, list(sims.get("matrix")));
  }

  /** A matrix answer holds the reference similarities of {@code rows} × {@code cols}; 1 exactly on a cosine diagonal. */
  protected static void assertMatrix(VectorSimilarity similarity, List<Doc> rows, List<Doc> cols, List<Object> matrix) {
    assertEquals(rows.size(), matrix.size());
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = list(matrix.get(r));
      assertEquals(cols.size(), row.size());
      for (int c = 0; c < cols.size(); c++) {
        float[] a = rows.get(r).vector(), b = cols.get(c).vector();
        double want = ReferenceScores.similarity(similarity, a, b);
        boolean zeroRow = ReferenceScores.similarity(VectorSimilarity.DOT_PRODUCT, a, a) == 0;
        if (similarity == VectorSimilarity.COSINE && zeroRow) {
          want = 0; // a zero row: cosine 0, as scikit-learn
        }
        double got = ((Number) row.get(c)).doubleValue();
        if (similarity == VectorSimilarity.COSINE && rows == cols && r == c && zeroRow == false) {
          assertEquals("the diagonal is exactly 1", 1.0, got, 0);
        }
        assertEquals("[" + r + "][" + c + "]", want, got, 1e-5 * Math.max(1, Math.abs(want)));
      }
    }
  }
}
