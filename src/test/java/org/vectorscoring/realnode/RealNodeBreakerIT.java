package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.realnode.Corpus.Doc;

/**
 * {@code similarity_matrix} requests too large for the request circuit breaker, on the real node (512 MB heap): a 429
 * naming the breaker, whether it trips on the shards, on the final reduce, or under the default limit for the
 * matrices of many buckets together; afterwards the breaker holds nothing, the heap is not full, and a matrix that
 * fits gives the reference values.
 */
@LuceneTestCase.SuppressSysoutChecks(bugUrl = "none: the figures README quotes are printed")
public class RealNodeBreakerIT extends RealSingleNodeTestCase {

  /** Tags of the {@code buckets} index, each on {@link #PER_BUCKET} documents. */
  private static final int BUCKETS = 32;
  private static final int PER_BUCKET = 1000;

  /** Index {@code wide}: a few hundred 256-dimension vectors on two shards. */
  private static Corpus wide;
  /** Index {@code buckets}: {@link #BUCKETS} × {@link #PER_BUCKET} 4-dimension vectors, one shard. */
  private static List<Doc> bucketDocs;

  @BeforeClass
  public static void startNode() throws Exception {
    startNode("breaker", Map.of());
    wide = Corpus.generate(random(), 256, TestUtil.nextInt(random(), 500, 600));
    wide.index(client(), "wide", 2, 0, VectorSimilarity.COSINE);

    call(client(), "PUT", "/buckets", """
        { "settings": { "number_of_shards": 1, "number_of_replicas": 0 },
          "mappings": { "properties": { "v": { "type": "dense_vector", "dims": 4 }, "tag": { "type": "keyword" },
                                         "rank": { "type": "integer" } } } }
        """);
    bucketDocs = new ArrayList<>();
    for (int i = 0; i < BUCKETS * PER_BUCKET; i++) {
      float[] v = new float[4];
      for (int k = 0; k < 4; k++) {
        v[k] = random().nextFloat() * 2 - 1;
      }
      v[random().nextInt(4)] += 0.5f; // never all zeros
      bucketDocs.add(new Doc(String.format(Locale.ROOT, "b%05d", i), String.format(Locale.ROOT, "t%02d", i % BUCKETS), i + 1, v));
    }
    for (int from = 0; from < bucketDocs.size(); from += 8000) {
      Corpus.bulk(client(), "buckets", bucketDocs.subList(from, Math.min(bucketDocs.size(), from + 8000)));
    }
  }

  @AfterClass
  public static void clearDocuments() {
    wide = null;
    bucketDocs = null;
  }

  public void testALoweredBreakerTripsOnTheShardsAndOnTheReduce() throws Exception {
    int rows = wide.withVectors().size();
    // The request cache would answer a repeated request without collecting anything: every request here is collected.
    String search = "/wide/_search?request_cache=false";
    String all = "{\"size\": 0, \"aggs\": {\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": " + rows + "}}}}";
    try {
      // 100 kB: a shard cannot keep its ~250 rows of 1 kB each.
      setRequestBreaker("100kb");
      assertTripped(callFailing(client(), 429, "POST", search, all), "[request] Data too large, data for [<agg [sims]>]");
      // 2 MB: the shards' rows fit, but the matrix and its JSON (16 bytes a cell, ~4 MB) do not.
      setRequestBreaker("2mb");
      assertTripped(callFailing(client(), 429, "POST", search, all), "[request] Data too large, data for [<similarity_matrix>]");
    } finally {
      setRequestBreaker(null);
    }
    assertNothingHeld();

    int size = TestUtil.nextInt(random(), 1, 30);
    Map<String, Object> answer = search(client(), "wide", "{" + RANKED + ", \"aggs\": {\"sims\": {\"similarity_matrix\": "
        + "{\"field\": \"v\", \"size\": " + size + "}}}}");
    assertTopRanksMatrix(map(at(answer, "aggregations.sims")), wide, null, VectorSimilarity.COSINE, size);
  }

  /**
   * 32 buckets of a full 1000 × 1000 matrix each, under the default breaker (60% of 512 MB): each matrix alone is
   * within every limit, together they (and their JSON, about 360 MB) are not. Before the matrices of one search were
   * reserved together, this request killed the node with an OutOfMemoryError.
   */
  public void testMatricesOfAllBucketsAreReservedTogether() throws Exception {
    String matrices = "{\"size\": 0, \"aggs\": {\"tags\": {\"terms\": {\"field\": \"tag\", \"size\": %d}, \"aggs\": {\"sims\": "
        + "{\"similarity_matrix\": {\"field\": \"v\", \"size\": " + PER_BUCKET + "}}}}}}";
    long began = System.nanoTime();
    Map<String, Object> error = callFailing(client(), 429, "POST", "/buckets/_search?request_cache=false",
        String.format(Locale.ROOT, matrices, BUCKETS));
    log(BUCKETS + " buckets x " + PER_BUCKET + " x " + PER_BUCKET + ": 429 in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    // Our reservation trips the request breaker, or, when the heap is already well filled (the real-memory parent
    // breaker counts what the collector has not freed yet), the parent breaker on the same reservation.
    assertTripped(error, "[request] Data too large, data for [<similarity_matrix>]",
        "[parent] Data too large, data for [<similarity_matrix>]");
    assertNothingHeld();

    // Two such matrices fit, and are right.
    began = System.nanoTime();
    Map<String, Object> answer = search(client(), "buckets", String.format(Locale.ROOT, matrices, 2));
    log("2 buckets x " + PER_BUCKET + " x " + PER_BUCKET + ": 200 in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    List<Object> buckets = list(at(answer, "aggregations.tags.buckets"));
    assertEquals(2, buckets.size());
    for (Object b : buckets) {
      Map<String, Object> bucket = map(b);
      // Every document scores 1 (match_all): the rows are the bucket's documents by _id.
      List<Doc> rows = bucketDocs.stream().filter(d -> d.tag().equals(bucket.get("key"))).toList();
      Map<String, Object> sims = map(bucket.get("sims"));
      assertEquals(rows.stream().map(Doc::id).toList(), sims.get("rows"));
      assertMatrix(VectorSimilarity.COSINE, rows, rows, list(sims.get("matrix")));
    }
    assertNothingHeld();
  }

  private static void setRequestBreaker(String limit) throws IOException {
    call(client(), "PUT", "/_cluster/settings", "{\"persistent\": {\"indices.breaker.request.limit\": "
        + (limit == null ? "null" : "\"" + limit + "\"") + "}}");
  }

  /** The answer is a breaker's 429 whose reason starts with one of {@code expected}. */
  private static void assertTripped(Map<String, Object> answer, String... expected) {
    List<String> reasons = reasons(answer.get("error"));
    assertTrue(answer.toString(), answer.toString().contains("circuit_breaking_exception"));
    String tripped = reasons.stream().filter(r -> Arrays.stream(expected).anyMatch(r::startsWith)).findFirst().orElse(null);
    assertNotNull("no reason starts with any of " + Arrays.toString(expected) + ": " + reasons, tripped);
    log("429: " + tripped);
  }

  /**
   * The request breaker is back to nothing (every reservation was returned), and the heap is not full: within 30 s,
   * while small searches run so that the collector has a reason to run, less than three quarters of it is in use.
   */
  private static void assertNothingHeld() throws Exception {
    Map<String, Object> stats = null;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      stats = map(map(call(client(), "GET", "/_nodes/_local/stats/breaker,jvm", null).get("nodes")).values().iterator().next());
      long held = ((Number) at(stats, "breakers.request.estimated_size_in_bytes")).longValue();
      int heap = ((Number) at(stats, "jvm.mem.heap_used_percent")).intValue();
      if (held == 0 && heap < 75) {
        log("request breaker 0 bytes, heap " + heap + "% of " + at(stats, "jvm.mem.heap_max_in_bytes") + " bytes");
        return;
      }
      search(client(), "wide", "{\"size\": 1, \"query\": {\"match_all\": {}}}");
      Thread.sleep(500);
    }
    fail("the request breaker still holds bytes, or the heap stays full: " + at(stats, "breakers.request") + ", " + at(stats, "jvm.mem"));
  }

  private static void log(String line) {
    System.out.println("[breaker] " + line);
  }
}
