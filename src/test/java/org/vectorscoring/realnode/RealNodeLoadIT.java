package org.vectorscoring.realnode;

import com.carrotsearch.randomizedtesting.annotations.TimeoutSuite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.tests.util.TimeUnits;
import org.junit.BeforeClass;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.realnode.Corpus.Doc;
import org.vectorscoring.realnode.StoredDocuments.Stored;

import static org.vectorscoring.realnode.StoredDocuments.assertWhole;
import static org.vectorscoring.realnode.StoredDocuments.describe;
import static org.vectorscoring.realnode.StoredDocuments.holds;

/**
 * Load on the real node: writer threads bulk-create, re-index, update and delete documents while reader threads send
 * {@code vector_similarity} queries, {@code vector_scoring} scripts and similarity matrices over the moving index,
 * for {@code -Drealnode.load.seconds} (60 by default). No request may fail, and every answer during the load must be
 * sound; afterwards the index holds exactly what was acknowledged, bit for bit, and queries give the reference.
 */
@TimeoutSuite(millis = 4 * TimeUnits.HOUR) // the load runs as long as it is told to
public class RealNodeLoadIT extends RealSingleNodeTestCase {

  /** How long the load runs, in seconds; the pom passes it on from the Maven command line. */
  static final String SECONDS_PROPERTY = "realnode.load.seconds";

  @BeforeClass
  public static void startNode() throws Exception {
    startNode("load", Map.of());
  }

  public void testConcurrentWritesAndQueriesLoseNothing() throws Exception {
    long seconds = Long.getLong(SECONDS_PROPERTY, 60);
    int dims = TestUtil.nextInt(random(), 1, 128);
    VectorSimilarity similarity = randomSimilarity();
    int shards = TestUtil.nextInt(random(), 1, 3);
    call(client(), "PUT", "/load", """
        { "settings": { "number_of_shards": %s, "number_of_replicas": 0 },
          "mappings": { "properties": {
            "v":    { "type": "dense_vector", "dims": %s, "similarity": "%s" },
            "tag":  { "type": "keyword" },
            "rank": { "type": "integer" } } } }
        """.formatted(shards, dims, similarity.externalName()));

    int writerCount = TestUtil.nextInt(random(), 2, 3);
    int readerCount = TestUtil.nextInt(random(), 2, 3);
    AtomicBoolean stop = new AtomicBoolean();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<BulkWriter> writers = new ArrayList<>();
    List<LoadReader> readers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writerCount; w++) {
      BulkWriter writer = new BulkWriter(client(), "load", w, dims, new Random(random().nextLong()), 999_999);
      writers.add(writer);
      threads.add(new Thread(() -> untilStopped(stop, failures, writer::writeOne), "load-writer-" + w));
    }
    for (int r = 0; r < readerCount; r++) {
      LoadReader reader = new LoadReader(client(), "load", dims, similarity, new Random(random().nextLong()));
      readers.add(reader);
      threads.add(new Thread(() -> untilStopped(stop, failures, reader::readOne), "load-reader-" + r));
    }
    long begin = System.nanoTime();
    threads.forEach(Thread::start);
    long deadline = begin + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline && failures.isEmpty()) {
      Thread.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
    }
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(2));
      assertFalse(thread.getName() + " still runs", thread.isAlive());
    }
    double elapsed = (System.nanoTime() - begin) / 1e9;
    if (failures.isEmpty() == false) {
      Throwable first = failures.peek();
      AssertionError error = new AssertionError(failures.size() + " threads failed under load: " + first, first);
      failures.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }

    // After the load: exactly what was acknowledged, bit for bit, and the reference's answers.
    call(client(), "POST", "/load/_refresh", null);
    Map<String, Doc> expected = new HashMap<>();
    writers.forEach(writer -> expected.putAll(writer.acked()));
    assertEquals(expected.size(), at(call(client(), "GET", "/load/_count", null), "count"));
    Map<String, Stored> stored = StoredDocuments.read(client(), "load", dims);
    assertEquals(expected.keySet(), stored.keySet());
    for (Doc doc : expected.values()) {
      Stored actual = stored.get(doc.id());
      assertTrue("document " + doc.id() + " is " + describe(actual) + ", acknowledged as " + describe(doc),
          holds(doc, actual));
      assertWhole(actual);
    }
    Map<String, float[]> vectors = StoredDocuments.vectors(stored.values());
    for (int i = 0; i < 5; i++) {
      assertTopHitsOf(client(), "load", similarity, vectors, random());
    }
    assertScriptTopHits(vectors, dims);

    long bulks = writers.stream().mapToLong(BulkWriter::requests).sum();
    long items = writers.stream().mapToLong(BulkWriter::items).sum();
    long hitsChecked = readers.stream().mapToLong(LoadReader::hitsChecked).sum();
    List<Long> bulkMillis = new ArrayList<>();
    writers.forEach(w -> bulkMillis.addAll(w.latencies()));
    StringBuilder queries = new StringBuilder();
    long queryCount = 0;
    for (LoadReader.Kind kind : LoadReader.Kind.values()) {
      List<Long> millis = new ArrayList<>();
      readers.forEach(r -> millis.addAll(r.latencies(kind)));
      queryCount += millis.size();
      queries.append(String.format(Locale.ROOT, "%s%d %s (p50 %d ms, p99 %d ms)", queries.isEmpty() ? "" : ", ",
          millis.size(), kind.label, percentile(millis, 50), percentile(millis, 99)));
    }
    System.err.printf(Locale.ROOT, "[load] %.0f s, %d writers, %d readers, %d shards, %d dims, %s: %d bulk requests "
        + "(%d items, %.0f items/s; p50 %d ms, p99 %d ms), %d searches (%.1f/s: %s; %d hits checked against their _source "
        + "vector), 0 failed; %d documents acknowledged live, %d in the index, all bit for bit%n", elapsed, writerCount,
        readerCount, shards, dims, similarity.externalName(), bulks, items, items / elapsed, percentile(bulkMillis, 50),
        percentile(bulkMillis, 99), queryCount, queryCount / elapsed, queries, hitsChecked, expected.size(), stored.size());
  }

  /** The top hits of a {@code vector_scoring} script over the documents with a vector are the reference's. */
  private static void assertScriptTopHits(Map<String, float[]> vectors, int dims) throws IOException {
    VectorSimilarity similarity = randomSimilarity();
    float[] q = new float[dims];
    for (int i = 0; i < dims; i++) {
      q[i] = random().nextFloat() * 2 - 1;
    }
    q[0] += 0.5f;
    Map<String, Double> reference = new HashMap<>();
    vectors.forEach((id, v) -> reference.put(id, ReferenceScores.score(similarity, q, v)));
    int k = TestUtil.nextInt(random(), 1, 100);
    // Only documents with a vector: the others all score 0, ties a top-k may cut anywhere.
    Map<String, Object> answer = search(client(), "load", """
        { "size": %s, "query": { "script_score": { "query": { "exists": { "field": "v" } },
            "script": { "lang": "vector_scoring", "source": "%s", "params": { "field": "v", "query_vector": %s } } } } }
        """.formatted(k, similarity.externalName(), json(q)));
    assertTopHits(answer, reference, k);
  }

  /** Runs {@code step} until {@code stop}; the first failure is recorded and stops every thread. */
  private static void untilStopped(AtomicBoolean stop, Queue<Throwable> failures, Step step) {
    try {
      while (stop.get() == false) {
        step.run();
      }
    } catch (Throwable e) {
      failures.add(e);
      stop.set(true);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static long percentile(List<Long> values, int percent) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
  }
}
