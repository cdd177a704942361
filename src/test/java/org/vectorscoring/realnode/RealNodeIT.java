package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.tests.util.TestUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.realnode.Corpus.Doc;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * The contract over REST on the real OpenSearch 3.8.0 distribution with the built plugin zip installed: one node for
 * the whole class, random data held against the double-precision reference, and a restart on the same data.
 */
public class RealNodeIT extends RealSingleNodeTestCase {

  private static java.nio.file.Path snapshots;

  /** The shared random corpus, in index {@code docs} (random shards) and {@code docs1} (one shard, for rescore). */
  private static Corpus corpus;
  /** The similarity {@code docs1} maps its field with. */
  private static VectorSimilarity docs1Similarity;

  @BeforeClass
  public static void startNode() throws Exception {
    // A snapshot repository inside the node's home, which the node's user owns.
    snapshots = RealOpenSearch.homeFor("single").resolve("snapshots");
    startNode("single", Map.of("path.repo", snapshots.toString()));
    corpus = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 300), TestUtil.nextInt(random(), 80, 120));
    corpus.index(client(), "docs", TestUtil.nextInt(random(), 1, 3), 0, randomSimilarity());
    docs1Similarity = randomSimilarity();
    corpus.index(client(), "docs1", 1, 0, docs1Similarity);
  }

  @AfterClass
  public static void clearCorpus() {
    corpus = null;
    docs1Similarity = null;
  }

  // --- the plugin on the node -------------------------------------------------------------------------------------

  public void testPluginIsInstalledAndReportsItsKernel() throws IOException {
    List<Object> plugins = list(call(client(), "GET", "/_cat/plugins?format=json", null).get("list"));
    assertTrue(plugins.toString(), plugins.stream().anyMatch(p -> "vector-scoring".equals(map(p).get("component"))));

    Map<String, Object> stats = nodeStats(client());
    String kernel = (String) stats.get("kernel");
    // The distribution's jvm.options adds jdk.incubator.vector, so the SIMD kernel is live.
    assertTrue(stats.toString(), kernel.startsWith("panama-"));
    assertEquals(16384, stats.get("max_dims"));
    assertEquals(stats.toString(), List.of("documents_scored", "matrices", "queries", "scripts"),
        map(stats.get("counters")).keySet().stream().sorted().toList());
    assertTrue("the node log names the kernel",
        node().consoleLog().contains("vector scoring kernel: [" + kernel + "]"));
  }

  // --- §1 the field -----------------------------------------------------------------------------------------------

  public void testMappingRoundTrips() throws IOException {
    call(client(), "PUT", "/mapping", """
        { "mappings": { "properties": {
            "embedding": { "type": "dense_vector", "dims": 384, "similarity": "dot_product" },
            "plain":     { "type": "dense_vector", "dims": 3 },
            "far":       { "type": "dense_vector", "dims": 16384, "similarity": "l2" } } } }
        """);
    Map<String, Object> properties = map(at(call(client(), "GET", "/mapping/_mapping", null), "mapping.mappings.properties"));
    assertEquals(Map.of("type", "dense_vector", "dims", 384, "similarity", "dot_product"), properties.get("embedding"));
    // The similarity is always shown, the default one too.
    assertEquals(Map.of("type", "dense_vector", "dims", 3, "similarity", "cosine"), properties.get("plain"));
    assertEquals(Map.of("type", "dense_vector", "dims", 16384, "similarity", "l2"), properties.get("far"));
  }

  public void testBadDocumentsAreRejectedWhole() throws IOException {
    call(client(), "PUT", "/rejects", """
        { "mappings": { "properties": { "v": { "type": "dense_vector", "dims": 4 }, "tag": { "type": "keyword" } } } }
        """);
    call(client(), "PUT", "/rejects/_doc/ok?refresh=true", "{\"v\": [1, 2, 3, 4], \"tag\": \"ok\"}");
    Map<String, String> rejected = new LinkedHashMap<>();
    rejected.put("[1, 2, 3]", "[v] expects a vector of [4] dimensions, not [3]");
    rejected.put("[1, \"2\", 3, 4]", "[v] element [1] is a string, expected a number");
    rejected.put("[[1, 2, 3, 4]]", "[v] takes one vector of numbers, but element [0] is an array");
    rejected.put("[[1, 2], [3, 4]]", "[v] takes one vector of numbers, but element [0] is an array");
    rejected.put("{\"a\": 1}", "[v] expects an array of [4] numbers, not an object");
    rejected.put("[]", "[v] expects a vector of [4] dimensions, not [0]");
    rejected.put("[1, 2, 3, 1e39]", "[v] element [3] is [1.0E39], outside the range of a float");
    rejected.put("[1, 2, 3, -1e39]", "[v] element [3] is [-1.0E39], outside the range of a float");
    int i = 0;
    for (Map.Entry<String, String> bad : rejected.entrySet()) {
      String id = "bad" + i++;
      // The tag comes first: a partly parsed document must leave nothing behind.
      assertBadRequest(client(), "PUT", "/rejects/_doc/" + id + "?refresh=true", "{\"tag\": \"bad\", \"v\": " + bad.getKey() + "}",
          "mapper_parsing_exception", bad.getValue());
      callFailing(client(), 404, "GET", "/rejects/_doc/" + id, null);
    }
    assertEquals(1, at(call(client(), "GET", "/rejects/_count", null), "count"));
    assertEquals(0, at(call(client(), "GET", "/rejects/_count", "{\"query\": {\"term\": {\"tag\": \"bad\"}}}"), "count"));
  }

  public void testBadMappingsAreRejected() throws IOException {
    Map<String, String> mappings = new LinkedHashMap<>();
    mappings.put("{ \"type\": \"dense_vector\" }", "[v] of type [dense_vector] needs [dims], the number of dimensions");
    mappings.put("{ \"type\": \"dense_vector\", \"dims\": 0 }", "[v] [dims] must be between [1] and [16384], not [0]");
    mappings.put("{ \"type\": \"dense_vector\", \"dims\": 16385 }", "[v] [dims] must be between [1] and [16384], not [16385]");
    mappings.put("{ \"type\": \"dense_vector\", \"dims\": 3, \"similarity\": \"manhattan\" }", "manhattan");
    for (Map.Entry<String, String> bad : mappings.entrySet()) {
      assertBadRequest(client(), "PUT", "/badmapping", "{ \"mappings\": { \"properties\": { \"v\": " + bad.getKey() + " } } }",
          "mapper_parsing_exception", bad.getValue());
      callFailing(client(), 404, "GET", "/badmapping", null);
    }

    call(client(), "PUT", "/fixeddims", "{ \"mappings\": { \"properties\": { \"v\": { \"type\": \"dense_vector\", \"dims\": 4 } } } }");
    assertBadRequest(client(), "PUT", "/fixeddims/_mapping", "{ \"properties\": { \"v\": { \"type\": \"dense_vector\", \"dims\": 5 } } }",
        null, "Cannot update parameter [dims] from [4] to [5]");
    assertEquals(4, at(call(client(), "GET", "/fixeddims/_mapping", null), "fixeddims.mappings.properties.v.dims"));
  }

  // --- §2–3 the query ---------------------------------------------------------------------------------------------

  public void testVectorSimilarityMatchesTheReference() throws IOException {
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      float[] q = corpus.randomQueryVector(random());
      Map<String, Double> all = corpus.expectedScores(similarity, q, null, null);
      assertHits(search("docs", "{ \"size\": 1000, \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": "
          + json(q) + ", \"similarity\": \"" + similarity.externalName() + "\" } } }"), all, true);

      String tag = random().nextBoolean() ? "a" : "b";
      double threshold = corpus.threshold(similarity, q, tag);
      float boost = 0.5f + random().nextInt(5);
      Map<String, Double> filtered = corpus.expectedScores(similarity, q, tag, threshold);
      filtered.replaceAll((id, score) -> score * boost);
      assertHits(search("docs", """
          { "size": 1000, "query": { "vector_similarity": {
              "field": "v", "query_vector": %s, "similarity": "%s",
              "filter": { "term": { "tag": "%s" } }, "min_similarity": %s, "boost": %s } } }
          """.formatted(json(q), similarity.externalName(), tag, threshold, boost)), filtered, true);
    }
  }

  public void testFieldSimilarityIsTheDefault() throws IOException {
    VectorSimilarity similarity = docs1Similarity;
    float[] q = corpus.randomQueryVector(random());
    assertHits(search("docs1", "{ \"size\": 1000, \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": "
        + json(q) + " } } }"), corpus.expectedScores(similarity, q, null, null), true);
  }

  public void testRescoreReRanksTheWindow() throws IOException {
    // One shard: OpenSearch rescores each shard's own top window, and one shard makes that window the global one.
    float[] q = corpus.randomQueryVector(random());
    int window = TestUtil.nextInt(random(), 5, 20);
    double queryWeight = 0.01 * TestUtil.nextInt(random(), 1, 10);
    double rescoreWeight = TestUtil.nextInt(random(), 1, 4);
    VectorSimilarity similarity = randomSimilarity();
    Map<String, Object> answer = search("docs1", """
        { "size": %s,
          "query": { "function_score": { "query": { "match_all": {} }, "boost_mode": "replace",
                     "field_value_factor": { "field": "rank" } } },
          "rescore": { "window_size": %s,
            "query": { "rescore_query": { "vector_similarity": { "field": "v", "query_vector": %s, "similarity": "%s" } },
                       "query_weight": %s, "rescore_query_weight": %s } } }
        """.formatted(window, window, json(q), similarity.externalName(), queryWeight, rescoreWeight));
    List<Doc> byRank = corpus.docs().stream().sorted(Comparator.comparingInt((Doc d) -> -d.rank())).limit(window).toList();
    Map<String, Double> expected = new HashMap<>();
    for (Doc d : byRank) {
      // A document the rescore query does not match (no vector) keeps its weighted first-pass score.
      double rescored = d.vector() == null ? 0 : rescoreWeight * ReferenceScores.score(similarity, q, d.vector());
      expected.put(d.id(), queryWeight * d.rank() + rescored);
    }
    assertHits(answer, expected, false);
  }

  public void testQueryErrorsAreBadRequests() throws IOException {
    int dims = corpus.dims();
    assertBadRequest(client(), "GET", "/docs/_search", "{ \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": "
        + json(new float[dims]) + ", \"similarity\": \"cosine\" } } }", null,
        "[vector_similarity] [v] the query vector is all zeros, which has no cosine similarity");
    float[] tooLong = new float[dims + 1];
    tooLong[0] = 1;
    assertBadRequest(client(), "GET", "/docs/_search", "{ \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": "
        + json(tooLong) + " } } }", null,
        "[vector_similarity] [v] has [" + dims + "] dimensions, but the query vector has [" + (dims + 1) + "]");
    assertBadRequest(client(), "GET", "/docs/_search", "{ \"query\": { \"vector_similarity\": { \"field\": \"tag\", \"query_vector\": [1] } } }",
        null, "[vector_similarity] field [tag] is of type [keyword], but only [dense_vector] fields can be scored by vector similarity");
  }

  // --- §4–5 scripts -----------------------------------------------------------------------------------------------

  public void testVectorScoringScriptsMatchTheReference() throws IOException {
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      float[] q = corpus.randomQueryVector(random());
      Map<String, Object> answer = search("docs", """
          { "size": 1000, "query": { "script_score": { "query": { "match_all": {} },
              "script": { "lang": "vector_scoring", "source": "%s", "params": { "field": "v", "query_vector": %s } } } } }
          """.formatted(similarity.externalName(), json(q)));
      Map<String, Double> expected = new HashMap<>();
      // A document without a vector scores 0.
      corpus.docs().forEach(d -> expected.put(d.id(), d.vector() == null ? 0 : ReferenceScores.score(similarity, q, d.vector())));
      assertHits(answer, expected, true);
    }
    assertBadRequest(client(), "GET", "/docs/_search", """
        { "query": { "script_score": { "query": { "match_all": {} },
            "script": { "lang": "vector_scoring", "source": "hamming", "params": { "field": "v", "query_vector": [1] } } } } }
        """, null, "[vector_scoring] unknown script source [hamming], expected one of [cosine, dot_product, l2]");
    assertBadRequest(client(), "GET", "/docs/_search", """
        { "query": { "script_score": { "query": { "match_all": {} },
            "script": { "lang": "vector_scoring", "source": "cosine", "params": { "query_vector": [1] } } } } }
        """, null, "[vector_scoring] needs params [field], the dense_vector field to score");
  }

  public void testPainlessFunctionsMatchTheReference() throws IOException {
    // Each script turns the raw similarity into a score by its own formula; the reference does the same in double.
    Map<String, java.util.function.DoubleUnaryOperator> scripts = new LinkedHashMap<>();
    scripts.put("cosineSimilarity(params.qv, 'v') + 1.0", s -> s + 1);
    scripts.put("double d = dotProduct(params.qv, 'v'); return d >= 0 ? d + 1 : 1 / (1 - d);", s -> s >= 0 ? s + 1 : 1 / (1 - s));
    scripts.put("1 / (1 + Math.pow(l2norm(params.qv, 'v'), 2))", s -> 1 / (1 + s * s));
    VectorSimilarity[] similarities = {VectorSimilarity.COSINE, VectorSimilarity.DOT_PRODUCT, VectorSimilarity.L2};
    int i = 0;
    for (Map.Entry<String, java.util.function.DoubleUnaryOperator> script : scripts.entrySet()) {
      VectorSimilarity similarity = similarities[i++];
      float[] q = corpus.randomQueryVector(random());
      // The functions throw on a document without a vector: only documents that have one are scored.
      Map<String, Object> answer = search("docs", """
          { "size": 1000, "query": { "script_score": { "query": { "exists": { "field": "v" } },
              "script": { "source": "%s", "params": { "qv": %s } } } } }
          """.formatted(script.getKey(), json(q)));
      Map<String, Double> expected = new HashMap<>();
      corpus.withVectors().forEach(d -> expected.put(d.id(), script.getValue().applyAsDouble(ReferenceScores.similarity(similarity, q, d.vector()))));
      assertHits(answer, expected, true);
    }
    // The guard README recommends where vectors may be missing.
    float[] q = corpus.randomQueryVector(random());
    Map<String, Object> answer = search("docs", """
        { "size": 1000, "query": { "script_score": { "query": { "match_all": {} },
            "script": { "source": "doc['v'].size() == 0 ? 0 : cosineSimilarity(params.qv, 'v') + 1.0", "params": { "qv": %s } } } } }
        """.formatted(json(q)));
    Map<String, Double> expected = new HashMap<>();
    corpus.docs().forEach(d -> expected.put(d.id(), d.vector() == null ? 0 : ReferenceScores.similarity(VectorSimilarity.COSINE, q, d.vector()) + 1));
    assertHits(answer, expected, true);
  }

  // --- §6 the similarity matrix ----------------------------------------------------------------------------------

  public void testScikitLearnExample() throws IOException {
    call(client(), "PUT", "/sklearn", """
        { "mappings": { "properties": { "v": { "type": "dense_vector", "dims": 3 }, "rank": { "type": "integer" } } } }
        """);
    Corpus.bulk(client(), "sklearn", List.of(new Doc("r1", "a", 2, new float[] {1, 2, 3}), new Doc("r2", "a", 1, new float[] {4, 5, 6})));
    Map<String, Object> sims = matrix("sklearn", RANKED + ", \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", "
        + "\"size\": 2, \"columns\": { \"vectors\": [[9, 8, 7], [6, 5, 4]] } } } }");
    assertEquals("cosine", sims.get("similarity"));
    assertEquals(List.of("r1", "r2"), sims.get("rows"));
    assertEquals(List.of("0", "1"), sims.get("columns"));
    double[][] expected = {{0.88265899, 0.85280287}, {0.96546332, 0.94805195}};
    List<Object> matrix = list(sims.get("matrix"));
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 2; c++) {
        assertEquals(expected[r][c], ((Number) list(matrix.get(r)).get(c)).doubleValue(), 1e-6);
      }
    }
  }

  public void testSquareMatrixOfTheTopRows() throws IOException {
    VectorSimilarity similarity = randomSimilarity();
    int size = TestUtil.nextInt(random(), 1, 15);
    Map<String, Object> sims = matrix("docs", RANKED + ", \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", "
        + "\"size\": " + size + ", \"similarity\": \"" + similarity.externalName() + "\" } } }");
    assertEquals(similarity.externalName(), sims.get("similarity"));
    assertEquals(sims.get("rows"), sims.get("columns"));
    assertTopRanksMatrix(sims, corpus, null, similarity, size);
  }

  public void testColumnsFromAFilter() throws IOException {
    int size = TestUtil.nextInt(random(), 1, 10);
    int columns = TestUtil.nextInt(random(), 1, 10);
    Map<String, Object> sims = matrix("docs", RANKED + ", \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", "
        + "\"size\": " + size + ", \"similarity\": \"cosine\", "
        + "\"columns\": { \"filter\": { \"term\": { \"tag\": \"b\" } }, \"size\": " + columns + " } } } }");
    List<Doc> rows = corpus.byRank(null).stream().limit(size).toList();
    // The filter scores its matches alike: ties are broken by key, the smallest ids first.
    List<Doc> cols = corpus.withVectors().stream().filter(d -> d.tag().equals("b")).sorted(Comparator.comparing(Doc::id))
        .limit(columns).toList();
    assertEquals(rows.stream().map(Doc::id).toList(), sims.get("rows"));
    assertEquals(cols.stream().map(Doc::id).toList(), sims.get("columns"));
    assertMatrix(VectorSimilarity.COSINE, rows, cols, list(sims.get("matrix")));
  }

  public void testOneMatrixPerTermsBucket() throws IOException {
    int size = TestUtil.nextInt(random(), 1, 8);
    Map<String, Object> answer = search("docs", "{ " + RANKED + ", \"aggs\": { \"tags\": { \"terms\": { \"field\": \"tag\" }, "
        + "\"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", \"size\": " + size + ", \"similarity\": \"cosine\" } } } } } }");
    List<Object> buckets = list(at(answer, "aggregations.tags.buckets"));
    assertEquals(answer.toString(), 2, buckets.size());
    for (Object b : buckets) {
      Map<String, Object> bucket = map(b);
      assertTopRanksMatrix(map(bucket.get("sims")), corpus, (String) bucket.get("key"), VectorSimilarity.COSINE, size);
    }
  }

  public void testMatrixAboveTheLimitIsABadRequest() throws IOException {
    assertBadRequest(client(), "GET", "/docs/_search", "{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": "
        + "{ \"field\": \"v\", \"size\": 5000 } } } }", null,
        "[similarity_matrix] [sims] [size] is [5000], above [vector_scoring.matrix.max_size] of [1000]");
  }

  // --- §7 stats ---------------------------------------------------------------------------------------------------

  public void testStatsCountWhatWasScored() throws IOException {
    // One shard, one bulk: one shard-level execution per search, each comparing every stored vector once.
    Corpus small = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 20), TestUtil.nextInt(random(), 5, 15));
    small.index(client(), "stats", 1, 0, VectorSimilarity.COSINE);
    long vectors = small.withVectors().size();
    float[] q = small.randomQueryVector(random());

    Map<String, Object> before = map(nodeStats(client()).get("counters"));
    search("stats", "{ \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": " + json(q) + " } } }");
    Map<String, Object> afterQuery = map(nodeStats(client()).get("counters"));
    assertDelta(before, afterQuery, "queries", 1);
    assertDelta(before, afterQuery, "documents_scored", vectors);
    assertDelta(before, afterQuery, "scripts", 0);

    search("stats", """
        { "query": { "script_score": { "query": { "match_all": {} },
            "script": { "lang": "vector_scoring", "source": "l2", "params": { "field": "v", "query_vector": %s } } } } }
        """.formatted(json(q)));
    Map<String, Object> afterScript = map(nodeStats(client()).get("counters"));
    assertDelta(afterQuery, afterScript, "scripts", 1);
    assertDelta(afterQuery, afterScript, "documents_scored", vectors);
    assertDelta(afterQuery, afterScript, "queries", 0);

    search("stats", "{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", \"size\": 5 } } } }");
    Map<String, Object> afterMatrix = map(nodeStats(client()).get("counters"));
    assertDelta(afterScript, afterMatrix, "matrices", 1);
    assertDelta(afterScript, afterMatrix, "queries", 0);
    assertDelta(afterScript, afterMatrix, "scripts", 0);
  }

  private static void assertDelta(Map<String, Object> before, Map<String, Object> after, String counter, long delta) {
    assertEquals(counter + ": " + before + " -> " + after, delta,
        ((Number) after.get(counter)).longValue() - ((Number) before.get(counter)).longValue());
  }

  // --- persistence ------------------------------------------------------------------------------------------------

  public void testScoresSurviveARestartBitForBit() throws Exception {
    Corpus data = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 200), TestUtil.nextInt(random(), 30, 60));
    int half = data.docs().size() / 2;
    call(client(), "PUT", "/restart", """
        { "settings": { "number_of_shards": %s, "number_of_replicas": 0 },
          "mappings": { "properties": { "v": { "type": "dense_vector", "dims": %s }, "tag": { "type": "keyword" },
                                         "rank": { "type": "integer" } } } }
        """.formatted(TestUtil.nextInt(random(), 1, 3), data.dims()));
    // Half the vectors in flushed segments, half only in the translog when the node stops.
    Corpus.bulk(client(), "restart", data.docs().subList(0, half));
    call(client(), "POST", "/restart/_flush", null);
    Corpus.bulk(client(), "restart", data.docs().subList(half, data.docs().size()));
    float[] q = data.randomQueryVector(random());
    List<String> requests = new ArrayList<>();
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      requests.add("{ \"size\": 1000, \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": " + json(q)
          + ", \"similarity\": \"" + similarity.externalName() + "\" } } }");
      requests.add("{ \"size\": 1000, \"query\": { \"script_score\": { \"query\": { \"match_all\": {} }, \"script\": { "
          + "\"lang\": \"vector_scoring\", \"source\": \"" + similarity.externalName() + "\", \"params\": { \"field\": \"v\", "
          + "\"query_vector\": " + json(q) + " } } } } }");
    }
    requests.add("{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", \"size\": 1000 } } } }");
    List<Object> before = new ArrayList<>();
    for (String request : requests) {
      before.add(results(search("restart", request)));
    }
    // Before the restart, the first answer is right (the rest are held against the reference elsewhere).
    Map<String, Double> cosine = data.expectedScores(VectorSimilarity.COSINE, q, null, null);
    assertEquals(cosine.keySet(), map(before.get(0)).keySet());
    cosine.forEach((id, score) -> assertScore(id, score, ((Number) map(before.get(0)).get(id)).doubleValue()));
    String kernel = (String) nodeStats(client()).get("kernel");

    node().stop();
    node().start();
    call(client(), "GET", "/_cluster/health/restart?wait_for_status=green&timeout=25s", null);

    assertEquals(kernel, nodeStats(client()).get("kernel"));
    assertEquals(data.docs().size(), at(call(client(), "GET", "/restart/_count", null), "count"));
    for (int i = 0; i < requests.size(); i++) {
      // Equal as parsed JSON numbers, i.e. as floats bit for bit: the node prints each float's shortest exact form.
      assertEquals(requests.get(i), before.get(i), results(search("restart", requests.get(i))));
    }
  }

  public void testScoresSurviveSnapshotAndRestoreBitForBit() throws Exception {
    Corpus data = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 100), TestUtil.nextInt(random(), 20, 50));
    call(client(), "PUT", "/snap", """
        { "settings": { "number_of_shards": %s, "number_of_replicas": 0 },
          "mappings": { "properties": { "v": { "type": "dense_vector", "dims": %s }, "tag": { "type": "keyword" },
                                         "rank": { "type": "integer" } } } }
        """.formatted(TestUtil.nextInt(random(), 1, 3), data.dims()));
    Corpus.bulk(client(), "snap", data.docs());
    float[] q = data.randomQueryVector(random());
    List<String> requests = new ArrayList<>();
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      requests.add("{ \"size\": 1000, \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": " + json(q)
          + ", \"similarity\": \"" + similarity.externalName() + "\" } } }");
    }
    requests.add("{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", \"size\": 1000 } } } }");
    List<Object> before = new ArrayList<>();
    for (String request : requests) {
      before.add(results(search("snap", request)));
    }
    Map<String, Double> cosine = data.expectedScores(VectorSimilarity.COSINE, q, null, null);
    assertEquals(cosine.keySet(), map(before.get(0)).keySet());

    call(client(), "PUT", "/_snapshot/fs", "{ \"type\": \"fs\", \"settings\": { \"location\": \""
        + snapshots.resolve("fs") + "\" } }");
    call(client(), "PUT", "/_snapshot/fs/one?wait_for_completion=true", "{ \"indices\": \"snap\" }");
    call(client(), "DELETE", "/snap", null);
    callFailing(client(), 404, "GET", "/snap", null);
    call(client(), "POST", "/_snapshot/fs/one/_restore?wait_for_completion=true", "{ \"indices\": \"snap\" }");
    call(client(), "GET", "/_cluster/health/snap?wait_for_status=green&timeout=25s", null);

    assertEquals(data.docs().size(), at(call(client(), "GET", "/snap/_count", null), "count"));
    for (int i = 0; i < requests.size(); i++) {
      assertEquals(requests.get(i), before.get(i), results(search("snap", requests.get(i))));
    }
  }

  /** What a search answered, scores and matrix values as parsed: hit id to score, or the aggregation. */
  private static Object results(Map<String, Object> answer) {
    if (answer.containsKey("aggregations")) {
      return at(answer, "aggregations.sims");
    }
    Map<String, Object> scores = new LinkedHashMap<>();
    for (Object hit : list(at(answer, "hits.hits"))) {
      scores.put((String) map(hit).get("_id"), map(hit).get("_score"));
    }
    return scores;
  }

  // --- helpers ----------------------------------------------------------------------------------------------------

  private static Map<String, Object> search(String index, String json) throws IOException {
    return search(client(), index, json);
  }

  private static Map<String, Object> matrix(String index, String json) throws IOException {
    return map(at(search(index, "{ " + json + " }"), "aggregations.sims"));
  }
}
