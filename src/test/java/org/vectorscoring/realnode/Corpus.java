package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.opensearch.client.RestClient;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;

import static org.junit.Assert.assertEquals;

/**
 * Random documents of {@code dims} dimensions (some without a vector, a few with a zero vector) as the tests index
 * them, and what the reference says a search over them returns.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
record Corpus(int dims, List<Corpus.Doc> docs) {

  /** A document: id, keyword tag ("a" or "b"), integer rank (distinct, from 1), and vector (null: none). */
  record Doc(String id, String tag, int rank, float[] vector) {}

  static Corpus generate(Random random, int dims, int n) {
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = null;
      if (random.nextInt(8) != 0) {
        v = new float[dims];
        if (random.nextInt(25) != 0) {
          for (int k = 0; k < dims; k++) {
            v[k] = random.nextFloat() * 2 - 1;
          }
        }
      }
      // 37 is prime to every n used here, so the ranks are a permutation of 1..n.
      docs.add(new Doc(String.format(Locale.ROOT, "d%03d", i), random.nextBoolean() ? "a" : "b", (i * 37) % n + 1, v));
    }
    return new Corpus(dims, docs);
  }

  /** Creates {@code index} with a {@code dense_vector} field {@code v} of {@code similarity}, and bulk-indexes the corpus. */
  void index(RestClient client, String index, int shards, int replicas, VectorSimilarity similarity) throws IOException {
    RealNodeTestBase.call(client, "PUT", "/" + index, """
        { "settings": { "number_of_shards": %s, "number_of_replicas": %s },
          "mappings": { "properties": {
            "v":    { "type": "dense_vector", "dims": %s, "similarity": "%s" },
            "tag":  { "type": "keyword" },
            "rank": { "type": "integer" } } } }
        """.formatted(shards, replicas, dims, similarity.externalName()));
    bulk(client, index, docs);
  }

  /** Indexes {@code docs} in one bulk request and refreshes. */
  static void bulk(RestClient client, String index, List<Doc> docs) throws IOException {
    StringBuilder bulk = new StringBuilder();
    for (Doc doc : docs) {
      bulk.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(doc.id).append("\"}}\n");
      bulk.append("{\"tag\":\"").append(doc.tag).append("\",\"rank\":").append(doc.rank);
      if (doc.vector != null) {
        bulk.append(",\"v\":").append(RealNodeTestBase.json(doc.vector));
      }
      bulk.append("}\n");
    }
    Map<String, Object> answer = RealNodeTestBase.call(client, "POST", "/_bulk?refresh=true", bulk.toString());
    assertEquals(answer.toString(), false, answer.get("errors"));
  }

  List<Doc> withVectors() {
    return docs.stream().filter(d -> d.vector != null).toList();
  }

  /** The documents with a vector (of {@code tag}, when not null), highest rank first. */
  List<Doc> byRank(String tag) {
    return withVectors().stream().filter(d -> tag == null || tag.equals(d.tag)).sorted(Comparator.comparingInt((Doc d) -> -d.rank))
        .toList();
  }

  float[] randomQueryVector(Random random) {
    float[] q = new float[dims];
    for (int k = 0; k < dims; k++) {
      q[k] = random.nextFloat() * 2 - 1;
    }
    q[random.nextInt(dims)] += 0.5f; // never all zeros
    return q;
  }

  /** Documents with a vector, of {@code tag} (null: any), with s passing {@code threshold} (null: none): id to score. */
  Map<String, Double> expectedScores(VectorSimilarity similarity, float[] q, String tag, Double threshold) {
    Map<String, Double> expected = new HashMap<>();
    for (Doc d : withVectors()) {
      if (tag != null && tag.equals(d.tag) == false) {
        continue;
      }
      double s = ReferenceScores.similarity(similarity, q, d.vector);
      if (threshold != null && (similarity == VectorSimilarity.L2 ? s > threshold : s < threshold)) {
        continue;
      }
      expected.put(d.id, ReferenceScores.scoreOf(similarity, s));
    }
    return expected;
  }

  /**
   * A {@code min_similarity} between two of the candidates' reference similarities, far enough from both that float
   * rounding cannot move a document across it.
   */
  double threshold(VectorSimilarity similarity, float[] q, String tag) {
    List<Double> sims = withVectors().stream().filter(d -> d.tag.equals(tag)).map(d -> ReferenceScores.similarity(similarity, q, d.vector))
        .sorted().toList();
    int middle = sims.size() / 2;
    for (int offset = 0; offset < sims.size(); offset++) {
      for (int i : new int[] {middle + offset, middle - offset}) {
        if (i >= 0 && i + 1 < sims.size()) {
          double lo = sims.get(i), hi = sims.get(i + 1);
          if (hi - lo > 1e-3 * Math.max(1, Math.max(Math.abs(lo), Math.abs(hi)))) {
            return (lo + hi) / 2;
          }
        }
      }
    }
    return similarity == VectorSimilarity.L2 ? 1e6 : -1e6; // too few candidates to split: let all pass
  }
}
