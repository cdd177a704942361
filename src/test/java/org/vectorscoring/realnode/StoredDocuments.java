package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.client.RestClient;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.realnode.Corpus.Doc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.vectorscoring.realnode.RealNodeTestBase.at;
import static org.vectorscoring.realnode.RealNodeTestBase.callExact;
import static org.vectorscoring.realnode.RealNodeTestBase.list;
import static org.vectorscoring.realnode.RealNodeTestBase.map;

/**
 * Every document of an index mapped as {@link Corpus} maps it, read back over REST with floats exact: the vector in its
 * {@code _source}, and the vector and norm in its doc values, which are what queries score. Reads in pages by
 * {@code rank}, so an index of any size reads.
 *
 * <p>The stored vector comes from a {@code similarity_matrix} of dot products with the unit vectors: each cell is one
 * element exactly, since every other product is zero (a {@code -0.0} element would read as {@code 0.0}; the tests
 * write none). The stored norm comes from a Painless {@code script_score} returning {@code doc['v'].magnitude}, a
 * float the score keeps exactly.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
final class StoredDocuments {

  /** Documents per page: at most {@code vector_scoring.matrix.max_size} rows, its default. */
  private static final int PAGE = 1000;

  /** A document as the node holds it: {@code source} and {@code vector} null when it has no vector, the norm NaN. */
  record Stored(String id, String tag, int rank, float[] source, float[] vector, float norm) {}

  private StoredDocuments() {}

  /** Every document of {@code index} (after a refresh), by id. */
  static Map<String, Stored> read(RestClient client, String index, int dims) throws IOException {
    if (dims > PAGE) {
      throw new IllegalArgumentException("reads vectors of at most [" + PAGE + "] dimensions (a matrix column each), not ["
          + dims + "]");
    }
    String unitVectors = unitVectors(dims);
    Map<String, Stored> documents = new LinkedHashMap<>();
    String searchAfter = "";
    while (true) {
      Map<String, Object> page = callExact(client, "POST", "/" + index + "/_search", """
          { "size": %s, "sort": [ { "rank": "asc" } ], "_source": [ "tag", "rank", "v" ], "track_total_hits": false %s }
          """.formatted(PAGE, searchAfter));
      List<Object> hits = list(at(page, "hits.hits"));
      if (hits.isEmpty()) {
        return documents;
      }
      List<String> ids = hits.stream().map(h -> (String) map(h).get("_id")).toList();
      Map<String, float[]> vectors = storedVectors(client, index, ids, unitVectors);
      Map<String, Float> norms = storedNorms(client, index, ids);
      int rank = 0;
      for (Object h : hits) {
        Map<String, Object> hit = map(h);
        String id = (String) hit.get("_id");
        Map<String, Object> source = map(hit.get("_source"));
        rank = ((Number) source.get("rank")).intValue();
        float[] sourceVector = source.containsKey("v") ? floats(list(source.get("v"))) : null;
        Float norm = norms.get(id);
        float stored = norm == null ? Float.NaN : norm;
        documents.put(id, new Stored(id, (String) source.get("tag"), rank, sourceVector, vectors.get(id), stored));
      }
      searchAfter = ", \"search_after\": [" + rank + "]";
    }
  }

  /** The doc-values vectors of those of {@code ids} that have one. */
  private static Map<String, float[]> storedVectors(RestClient client, String index, List<String> ids, String unitVectors)
      throws IOException {
    Map<String, Object> answer = callExact(client, "POST", "/" + index + "/_search", """
        { "size": 0, "query": { "ids": { "values": %s } },
          "aggs": { "m": { "similarity_matrix": { "field": "v", "size": %s, "key": "_id", "similarity": "dot_product",
                                                   "columns": { "vectors": %s } } } } }
        """.formatted(jsonStrings(ids), PAGE, unitVectors));
    List<Object> rows = list(at(answer, "aggregations.m.rows"));
    List<Object> matrix = list(at(answer, "aggregations.m.matrix"));
    Map<String, float[]> vectors = new HashMap<>();
    for (int r = 0; r < rows.size(); r++) {
      vectors.put((String) rows.get(r), floats(list(matrix.get(r))));
    }
    return vectors;
  }

  /** The norms stored with the vectors of those of {@code ids} that have one. */
  private static Map<String, Float> storedNorms(RestClient client, String index, List<String> ids) throws IOException {
    Map<String, Object> answer = callExact(client, "POST", "/" + index + "/_search", """
        { "size": %s, "_source": false,
          "query": { "script_score": {
            "query": { "bool": { "filter": [ { "ids": { "values": %s } }, { "exists": { "field": "v" } } ] } },
            "script": { "source": "doc['v'].magnitude" } } } }
        """.formatted(PAGE, jsonStrings(ids)));
    Map<String, Float> norms = new HashMap<>();
    for (Object h : list(at(answer, "hits.hits"))) {
      norms.put((String) map(h).get("_id"), ExactJson.toFloat(map(h).get("_score")));
    }
    return norms;
  }

  /** Whether the node holds {@code expected} (null: none) as written: its floats bit for bit in _source and doc values. */
  static boolean holds(Doc expected, Stored actual) {
    if (expected == null || actual == null) {
      return expected == null && actual == null;
    }
    // Arrays.equals compares floats by their bits.
    return expected.tag().equals(actual.tag()) && expected.rank() == actual.rank()
        && Arrays.equals(expected.vector(), actual.source()) && Arrays.equals(expected.vector(), actual.vector());
  }

  /** A document is whole, not half written: its doc-values vector is its _source one, its stored norm is its norm. */
  static void assertWhole(Stored doc) {
    assertTrue(doc.id() + ": doc values " + Arrays.toString(doc.vector()) + ", _source "
        + Arrays.toString(doc.source()), Arrays.equals(doc.source(), doc.vector()));
    if (doc.vector() != null) {
      assertEquals(doc.id() + ": stored norm " + doc.norm(), Float.floatToIntBits(VectorKernel.norm(doc.vector())),
          Float.floatToIntBits(doc.norm()));
    }
  }

  /** The vectors of those of {@code documents} that have one, by id. */
  static Map<String, float[]> vectors(Collection<Stored> documents) {
    Map<String, float[]> vectors = new HashMap<>();
    documents.stream().filter(d -> d.vector() != null).forEach(d -> vectors.put(d.id(), d.vector()));
    return vectors;
  }

  static String describe(Doc doc) {
    return doc == null ? "absent" : "[tag " + doc.tag() + ", rank " + doc.rank() + ", v "
        + Arrays.toString(doc.vector()) + "]";
  }

  static String describe(Stored doc) {
    return doc == null ? "absent" : "[tag " + doc.tag() + ", rank " + doc.rank() + ", v "
        + Arrays.toString(doc.vector()) + ", _source v " + Arrays.toString(doc.source()) + "]";
  }

  private static float[] floats(List<Object> numbers) {
    float[] values = new float[numbers.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = ExactJson.toFloat(numbers.get(i));
    }
    return values;
  }

  private static String unitVectors(int dims) {
    float[][] unit = new float[dims][dims];
    for (int i = 0; i < dims; i++) {
      unit[i][i] = 1;
    }
    return RealNodeTestBase.json(unit);
  }

  private static String jsonStrings(List<String> values) {
    List<String> quoted = new ArrayList<>();
    values.forEach(v -> quoted.add("\"" + v + "\""));
    return quoted.toString();
  }
}
