package org.vectorscoring.realnode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.realnode.BadInputs.Malformed;

/**
 * Malformed input against every feature of the plugin on the real node, in random order: mappings, documents,
 * {@code vector_similarity}, {@code vector_scoring} scripts, the Painless functions, {@code similarity_matrix} and the
 * stats endpoint ({@link BadInputs}). Each must answer 4xx (never 5xx) with a reason naming what is wrong; afterwards
 * the node must be up, the index exactly as it was, and searches must still give the reference scores.
 */
@LuceneTestCase.SuppressSysoutChecks(bugUrl = "none: the summary of what was sent is the figures README quotes")
public class RealNodeBadInputIT extends RealSingleNodeTestCase {

  /** How many malformed requests the randomised test sends; the pom passes it through ({@code -Drealnode.badinput.count}). */
  static final String COUNT_PROPERTY = "realnode.badinput.count";

  private static final int TEN_MILLION = 10_000_000;

  private static Corpus corpus;
  private static VectorSimilarity similarity;

  @BeforeClass
  public static void startNode() throws Exception {
    // Every failed compilation counts against OpenSearch's limit of 75 script compilations in 5 minutes, and unknown
    // script sources fail to compile every time: without more, a few thousand requests would see that limit instead.
    startNode("badinput", Map.of("script.context.score.max_compilations_rate", "10000/1m",
        "script.context.field.max_compilations_rate", "10000/1m"));
    corpus = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 64), TestUtil.nextInt(random(), 30, 60));
    similarity = randomSimilarity();
    corpus.index(client(), "docs", TestUtil.nextInt(random(), 1, 3), 0, similarity);
  }

  @AfterClass
  public static void clearCorpus() {
    corpus = null;
    similarity = null;
  }

  public void testMalformedRequestsAreBadRequestsAndChangeNothing() throws IOException {
    Map<String, Object> mapping = call(client(), "GET", "/docs/_mapping", null);
    int count = Integer.getInteger(COUNT_PROPERTY, 500);
    BadInputs inputs = new BadInputs(random(), corpus.dims(), similarity.externalName());
    Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
    Map<String, Map<String, Integer>> kinds = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Malformed request = inputs.next();
      int status = send(request, wrong);
      statuses.computeIfAbsent(request.feature(), f -> new TreeMap<>()).merge(status, 1, Integer::sum);
      kinds.computeIfAbsent(request.feature(), f -> new TreeMap<>()).merge(request.kind(), 1, Integer::sum);
    }
    long millis = (System.nanoTime() - began) / 1_000_000;
    log(count + " malformed requests in " + millis + " ms");
    for (String feature : kinds.keySet()) {
      StringBuilder line = new StringBuilder(feature).append(": statuses ").append(statuses.get(feature)).append("; ");
      kinds.get(feature).forEach((kind, n) -> line.append(kind).append(" x").append(n).append(", "));
      log(line.substring(0, line.length() - 2));
    }
    assertTrue(wrong.size() + " of " + count + " answered wrong:\n" + String.join("\n", wrong), wrong.isEmpty());

    assertIndexAsItWas(mapping);
  }

  /**
   * The same vector of ten million elements as a query vector, a document, given matrix columns, script params and
   * Painless params. The JSON parsers stop at the 16384th element and allocate nothing beyond; script params OpenSearch
   * has already parsed into a list, which is measured before anything is copied from it.
   */
  public void testTenMillionElementVectors() throws IOException, InterruptedException {
    Map<String, Object> mapping = call(client(), "GET", "/docs/_mapping", null);
    // Written once, 40 MB: "[0.5,0.5,…]". Script params are given as small integers instead (20 MB), which OpenSearch
    // boxes into shared Integer objects: its own parser turns a params array into a list of boxed numbers before any
    // plugin sees it, and 10 million distinct doubles cost it about 250 MB of a 512 MB heap (see README).
    String doubles = "[" + "0.5,".repeat(TEN_MILLION - 1) + "0.5]";
    String ints = "[" + "1,".repeat(TEN_MILLION - 1) + "1]";
    long began = System.nanoTime();
    sendHuge("POST", "/docs/_search", "{\"query\": {\"vector_similarity\": {\"field\": \"v\", \"query_vector\": ", doubles, "}}}",
        List.of(400), "[vector_similarity] [query_vector] has more than [16384] elements, the most a vector can have");
    sendHuge("PUT", "/docs/_doc/huge", "{\"tag\": \"huge\", \"v\": ", doubles, "}", List.of(400),
        "[v] expects a vector of [" + corpus.dims() + "] dimensions, not [10000000]");
    sendHuge("POST", "/docs/_search", "{\"size\": 0, \"aggs\": {\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": "
        + "{\"vectors\": [", doubles, "]}}}}}", List.of(400),
        "[similarity_matrix] [sims] [columns.vectors] [0] has more than [16384] elements, the most a vector can have");
    // 429: a 20 MB body on top of what the heap holds may trip OpenSearch's parent breaker before any parsing.
    sendHuge("POST", "/docs/_search", "{\"query\": {\"script_score\": {\"query\": {\"match_all\": {}}, \"script\": {\"lang\": "
        + "\"vector_scoring\", \"source\": \"cosine\", \"params\": {\"field\": \"v\", \"query_vector\": ", ints, "}}}}}", List.of(400, 429),
        "[vector_scoring] params [query_vector] has [10000000] elements, more than the [16384] a vector can have");
    sendHuge("POST", "/docs/_search", "{\"query\": {\"script_score\": {\"query\": {\"exists\": {\"field\": \"v\"}}, \"script\": "
        + "{\"source\": \"cosineSimilarity(params.qv, 'v')\", \"params\": {\"qv\": ", ints, "}}}}}", List.of(400, 429),
        "[cosineSimilarity] query vector has [10000000] elements, more than the [16384] a vector can have");
    log("five requests with a 10,000,000-element vector in " + (System.nanoTime() - began) / 1_000_000 + " ms");

    // What the 20-40 MB bodies leave on the node's 512 MB heap can make OpenSearch's real-memory parent breaker refuse
    // even small requests (429, "[parent] Data too large") until the next collection: 69 of the other test's 500 once,
    // and a GET of the mapping right after these (CI, session 6). So: the node is up and answers, then a restart gives
    // it a fresh heap, and what is on disk (translog replayed) must be the index as it was.
    try {
      assertAnswers("GET", "/_cluster/health");
    } finally {
      node().stop();
      node().start();
    }
    assertIndexAsItWas(mapping);
  }

  /** The node answers {@code path}: 200, or the real-memory parent breaker's transient 429, but no 5xx and no silence. */
  private static void assertAnswers(String method, String path) throws IOException {
    try {
      client().performRequest(new Request(method, path));
    } catch (ResponseException e) {
      String body = body(e.getResponse());
      assertEquals(body, 429, e.getResponse().getStatusLine().getStatusCode());
      assertTrue(body, body.contains("[parent] Data too large") && body.contains("\"durability\":\"TRANSIENT\""));
    }
  }

  /**
   * Sends one malformed request and returns its status; adds to {@code wrong} what was wrong with the answer (a status
   * it may not have, no reason naming the problem), so that one run reports every such answer.
   */
  private static int send(Malformed malformed, List<String> wrong) throws IOException {
    Request request = new Request(malformed.method(), malformed.path());
    if (malformed.body() != null) {
      request.setJsonEntity(malformed.body());
    }
    Response response;
    try {
      response = client().performRequest(request);
    } catch (ResponseException e) {
      response = e.getResponse();
    }
    int status = response.getStatusLine().getStatusCode();
    String body = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    if (malformed.statuses().contains(status) == false) {
      wrong.add("status " + status + " for " + malformed + "\n  " + body.substring(0, Math.min(body.length(), 600)));
    } else {
      List<String> reasons = reasonsIn(body);
      if (reasons.stream().noneMatch(r -> malformed.mentions().stream().anyMatch(r::contains))) {
        wrong.add("no reason mentions any of " + malformed.mentions() + " for " + malformed + "\n  reasons: " + reasons);
      }
    }
    return status;
  }

  /** Sends {@code head + vector + tail}; asserts one of {@code statuses} and, unless a breaker tripped, the message. */
  private static void sendHuge(String method, String path, String head, String vector, String tail, List<Integer> statuses, String message)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(head.length() + vector.length() + tail.length());
    for (String part : List.of(head, vector, tail)) {
      bytes.writeBytes(part.getBytes(StandardCharsets.US_ASCII));
    }
    byte[] body = bytes.toByteArray();
    Request request = new Request(method, path);
    request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    long began = System.nanoTime();
    Response response;
    try {
      response = client().performRequest(request);
      throw new AssertionError(method + " " + path + " with a " + body.length + "-byte body answered " + response.getStatusLine());
    } catch (ResponseException e) {
      response = e.getResponse();
    }
    int status = response.getStatusLine().getStatusCode();
    String answer = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    log(method + " " + path + " (" + head.substring(0, Math.min(60, head.length())) + "…, " + body.length / 1_000_000 + " MB): " + status
        + " in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    assertTrue(status + ": " + answer, statuses.contains(status));
    List<String> reasons = reasonsIn(answer);
    if (status == 429) {
      assertTrue(answer, answer.contains("circuit_breaking_exception"));
    } else {
      assertTrue("no reason is [" + message + "]: " + reasons, reasons.stream().anyMatch(r -> r.contains(message)));
    }
  }

  /** Every reason in an error answer; a 405's error is a bare string. */
  private static List<String> reasonsIn(String body) {
    Map<String, Object> answer = XContentHelper.convertToMap(JsonXContent.jsonXContent, body, false);
    Object error = answer.get("error");
    return error instanceof String s ? List.of(s) : reasons(error);
  }

  /**
   * Nothing was written or changed: the node is up and green, the mapping and the document count are as before, no
   * index of a rejected mapping exists, and searches of every kind give the reference's answers.
   */
  private static void assertIndexAsItWas(Map<String, Object> mapping) throws IOException {
    Map<String, Object> health = call(client(), "GET", "/_cluster/health?wait_for_status=green&timeout=30s", null);
    assertEquals(health.toString(), false, health.get("timed_out"));
    assertEquals(mapping, call(client(), "GET", "/docs/_mapping", null));
    call(client(), "POST", "/docs/_refresh", null);
    assertEquals(corpus.docs().size(), at(call(client(), "GET", "/docs/_count", null), "count"));
    assertEquals(List.of(), list(call(client(), "GET", "/_cat/indices/bad-*?format=json", null).get("list")));

    float[] q = corpus.randomQueryVector(random());
    assertHits(search(client(), "docs", "{\"size\": 100, \"query\": {\"vector_similarity\": {\"field\": \"v\", \"query_vector\": "
        + json(q) + "}}}"), corpus.expectedScores(similarity, q, null, null), true);
    Map<String, Double> scripted = new HashMap<>();
    corpus.docs().forEach(d -> scripted.put(d.id(), d.vector() == null ? 0 : ReferenceScores.score(similarity, q, d.vector())));
    assertHits(search(client(), "docs", "{\"size\": 100, \"query\": {\"script_score\": {\"query\": {\"match_all\": {}}, \"script\": "
        + "{\"lang\": \"vector_scoring\", \"source\": \"" + similarity.externalName() + "\", \"params\": {\"field\": \"v\", "
        + "\"query_vector\": " + json(q) + "}}}}}"), scripted, true);
    int size = TestUtil.nextInt(random(), 1, 10);
    Map<String, Object> answer = search(client(), "docs", "{" + RANKED + ", \"aggs\": {\"sims\": {\"similarity_matrix\": "
        + "{\"field\": \"v\", \"size\": " + size + "}}}}");
    assertTopRanksMatrix(map(at(answer, "aggregations.sims")), corpus, null, similarity, size);
  }

  private static void log(String line) {
    System.out.println("[bad input] " + line);
  }
}
