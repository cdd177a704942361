package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.opensearch.client.RestClient;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.vectorscoring.realnode.RealNodeTestBase.assertScore;
import static org.vectorscoring.realnode.RealNodeTestBase.at;
import static org.vectorscoring.realnode.RealNodeTestBase.json;
import static org.vectorscoring.realnode.RealNodeTestBase.list;
import static org.vectorscoring.realnode.RealNodeTestBase.map;

/**
 * One reader thread of a load: random {@code vector_similarity} queries, {@code vector_scoring} scripts and
 * similarity matrices over an index that changes under it. With the index moving there is no fixed answer to hold
 * them to, so each answer is checked for soundness: every hit scores, within float rounding, what the reference gives
 * its own {@code _source} vector (fetched from the same point-in-time reader that scored it), in score order and in
 * its similarity's range; matrices are square, exactly symmetric and in range.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
final class LoadReader {

  private final RestClient client;
  private final String index;
  private final int dims;
  private final VectorSimilarity fieldSimilarity;
  private final Random random;
  private final Map<Kind, List<Long>> latencies = new EnumMap<>(Kind.class);
  private long hitsChecked;

  /** The kinds of request a reader sends. */
  enum Kind {
    QUERY("vector_similarity"), SCRIPT("vector_scoring script"), MATRIX("similarity_matrix");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  LoadReader(RestClient client, String index, int dims, VectorSimilarity fieldSimilarity, Random random) {
    this.client = client;
    this.index = index;
    this.dims = dims;
    this.fieldSimilarity = fieldSimilarity;
    this.random = random;
    for (Kind kind : Kind.values()) {
      latencies.put(kind, new ArrayList<>());
    }
  }

  /** Sends one random request and checks its answer. */
  void readOne() throws IOException {
    float[] q = queryVector();
    VectorSimilarity similarity = random.nextBoolean() ? fieldSimilarity : VectorSimilarity.values()[random.nextInt(3)];
    int size = 1 + random.nextInt(20);
    String tag = random.nextBoolean() ? null : random.nextBoolean() ? "a" : "b";
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    switch (kind) {
      case QUERY -> {
        String filter = tag == null ? "" : ", \"filter\": { \"term\": { \"tag\": \"" + tag + "\" } }";
        Map<String, Object> answer = search(kind, """
            { "size": %s, "_source": [ "v", "tag" ],
              "query": { "vector_similarity": { "field": "v", "query_vector": %s, "similarity": "%s" %s } } }
            """.formatted(size, json(q), similarity.externalName(), filter));
        checkHits(answer, similarity, q, tag, false);
      }
      case SCRIPT -> {
        Map<String, Object> answer = search(kind, """
            { "size": %s, "_source": [ "v", "tag" ],
              "query": { "script_score": { "query": { "match_all": {} },
                "script": { "lang": "vector_scoring", "source": "%s",
                            "params": { "field": "v", "query_vector": %s } } } } }
            """.formatted(size, similarity.externalName(), json(q)));
        checkHits(answer, similarity, q, null, true);
      }
      case MATRIX -> {
        // Rows are the top documents of a query that ranks them (by rank, all distinct), as the aggregation is meant
        // to be used: with every score tied, each document's _id would be read from stored fields to break the tie.
        String query = tag == null ? "{ \"match_all\": {} }" : "{ \"term\": { \"tag\": \"" + tag + "\" } }";
        Map<String, Object> answer = search(kind, """
            { "size": 0,
              "query": { "function_score": { "query": %s, "boost_mode": "replace",
                                             "field_value_factor": { "field": "rank" } } },
              "aggs": { "m": { "similarity_matrix": { "field": "v", "size": %s, "similarity": "%s" } } } }
            """.formatted(query, size, similarity.externalName()));
        checkMatrix(map(at(answer, "aggregations.m")), similarity, size);
      }
    }
  }

  private Map<String, Object> search(Kind kind, String json) throws IOException {
    long begin = System.nanoTime();
    Map<String, Object> answer = RealNodeTestBase.search(client, index, json);
    latencies.get(kind).add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    return answer;
  }

  /**
   * Each hit scores what the reference gives its _source vector (0 without one, for a script), within its
   * similarity's range and in score order; with {@code tag}, each hit has it.
   */
  private void checkHits(Map<String, Object> answer, VectorSimilarity similarity, float[] q, String tag,
      boolean script) {
    double previous = Double.MAX_VALUE;
    for (Object h : list(at(answer, "hits.hits"))) {
      Map<String, Object> hit = map(h);
      Map<String, Object> source = map(hit.get("_source"));
      double score = ((Number) hit.get("_score")).doubleValue();
      String what = similarity + " hit " + hit;
      assertTrue(what + ": ranked by score", score <= previous);
      previous = score;
      if (tag != null) {
        assertEquals(what, tag, source.get("tag"));
      }
      if (source.containsKey("v") == false) {
        assertTrue(what + ": only a script matches a document without a vector", script);
        assertEquals(what, 0.0, score, 0.0);
        continue;
      }
      assertTrue(what + ": out of range", switch (similarity) {
        case COSINE -> score >= 0 && score <= 1;
        case DOT_PRODUCT -> score > 0;
        case L2 -> score > 0 && score <= 1;
      });
      List<Object> numbers = list(source.get("v"));
      assertEquals(what, dims, numbers.size());
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = ((Number) numbers.get(i)).floatValue();
      }
      assertScore(what, ReferenceScores.score(similarity, q, v), score);
      hitsChecked++;
    }
  }

  /** A square matrix of at most {@code size} rows, exactly symmetric, with its similarity's diagonal and range. */
  private static void checkMatrix(Map<String, Object> matrix, VectorSimilarity similarity, int size) {
    List<Object> rows = list(matrix.get("rows"));
    assertTrue(matrix.toString(), rows.size() <= size);
    assertEquals(matrix.toString(), rows, matrix.get("columns"));
    List<Object> values = list(matrix.get("matrix"));
    assertEquals(matrix.toString(), rows.size(), values.size());
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = list(values.get(r));
      assertEquals(matrix.toString(), rows.size(), row.size());
      for (int c = 0; c < rows.size(); c++) {
        double value = ((Number) row.get(c)).doubleValue();
        double mirrored = ((Number) list(values.get(c)).get(r)).doubleValue();
        assertEquals(matrix + " [" + r + "][" + c + "] symmetric", value, mirrored, 0);
        boolean sound = switch (similarity) {
          // 1 on the diagonal, or 0 for a zero vector.
          case COSINE -> r == c ? value == 1 || value == 0 : value >= -1 && value <= 1;
          case DOT_PRODUCT -> r == c ? value >= 0 : Double.isFinite(value);
          case L2 -> r == c ? value == 0 : value >= 0;
        };
        assertTrue(similarity + " matrix " + matrix + " [" + r + "][" + c + "] = " + value, sound);
      }
    }
  }

  private float[] queryVector() {
    float[] q = new float[dims];
    for (int i = 0; i < dims; i++) {
      q[i] = random.nextFloat() * 2 - 1;
    }
    q[random.nextInt(dims)] += 0.5f; // never all zeros
    return q;
  }


  /** Hits whose score was held against their own _source vector. */
  long hitsChecked() {
    return hitsChecked;
  }

  /** How long each request of {@code kind} took, in milliseconds. */
  List<Long> latencies(Kind kind) {
    return latencies.get(kind);
  }
}
