package org.vectorscoring.realnode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.tests.util.TestUtil;
import org.junit.BeforeClass;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.realnode.BulkWriter.Op;
import org.vectorscoring.realnode.Corpus.Doc;
import org.vectorscoring.realnode.StoredDocuments.Stored;

import static org.vectorscoring.realnode.StoredDocuments.assertWhole;
import static org.vectorscoring.realnode.StoredDocuments.describe;
import static org.vectorscoring.realnode.StoredDocuments.holds;

/**
 * Faults on the real node. A {@code kill -9} during bulk indexing loses no acknowledged write and leaves no document
 * half written (the translog is replayed on restart). An index outlives the plugin's removal: the node starts, keeps
 * the index red and says why, and the index comes back whole once the plugin is reinstalled. One node for the class,
 * since a node start costs 15–45 s here.
 */
public class RealNodeCrashIT extends RealSingleNodeTestCase {

  private static final String PLUGIN = "vector-scoring";
  /** What OpenSearch says of a mapping with a type no installed plugin provides. */
  private static final String NO_HANDLER = "No handler for type [dense_vector] declared on field [v]";

  @BeforeClass
  public static void startNode() throws Exception {
    startNode("crash", Map.of());
  }

  public void testAcknowledgedWritesSurviveKill9() throws Exception {
    int dims = TestUtil.nextInt(random(), 1, 64);
    VectorSimilarity similarity = randomSimilarity();
    // Durability "request" (the default) fsyncs the translog before acknowledging; no refresh and no flush but at
    // most one, so what the kill interrupts lives in the translog alone, or partly in a flushed commit.
    createIndex("crash", TestUtil.nextInt(random(), 1, 3), dims, similarity, "\"index.translog.durability\": \"request\", "
        + "\"refresh_interval\": \"-1\"");
    int writerCount = TestUtil.nextInt(random(), 2, 3);
    List<BulkWriter> writers = new ArrayList<>();
    for (int w = 0; w < writerCount; w++) {
      writers.add(new BulkWriter(client(), "crash", w, dims, new Random(random().nextLong()), 3000));
    }
    AtomicBoolean killing = new AtomicBoolean();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (BulkWriter writer : writers) {
      Thread thread = new Thread(() -> {
        while (true) {
          try {
            writer.writeOne();
          } catch (AssertionError e) {
            failures.add(e); // the node answered, and not with success
            return;
          } catch (Exception e) {
            if (killing.get() == false) {
              failures.add(e);
            }
            return; // the node is gone: the request in flight has an unknown outcome
          }
        }
      }, "crash-writer-" + threads.size());
      threads.add(thread);
      thread.start();
    }
    long begin = System.nanoTime();
    long runMillis = TestUtil.nextInt(random(), 2_000, 8_000);
    boolean flush = random().nextBoolean();
    if (flush) {
      Thread.sleep(runMillis / 2);
      call(client(), "POST", "/crash/_flush", null);
    }
    Thread.sleep(flush ? runMillis - runMillis / 2 : runMillis);
    killing.set(true);
    node().kill();
    double seconds = (System.nanoTime() - begin) / 1e9;
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(1));
      assertFalse("a writer still runs after the kill", thread.isAlive());
    }
    if (failures.isEmpty() == false) {
      throw new AssertionError("requests failed before the kill: " + failures, failures.peek());
    }

    node().start();
    call(client(), "GET", "/_cluster/health/crash?wait_for_status=green&timeout=25s", null);
    call(client(), "POST", "/crash/_refresh", null);
    Map<String, Stored> stored = StoredDocuments.read(client(), "crash", dims);
    assertEquals(stored.size(), at(call(client(), "GET", "/crash/_count", null), "count"));
    stored.values().forEach(StoredDocuments::assertWhole);

    long requests = 0, items = 0, acknowledged = 0, inFlight = 0, inFlightApplied = 0;
    Set<String> known = new HashSet<>();
    for (BulkWriter writer : writers) {
      requests += writer.requests();
      items += writer.items();
      acknowledged += writer.acked().size();
      Map<String, Op> pending = new HashMap<>();
      writer.inFlight().forEach(op -> pending.put(op.id(), op));
      inFlight += pending.size();
      for (String id : writer.ids()) {
        known.add(id);
        Doc acked = writer.acked().get(id);
        Stored actual = stored.get(id);
        Op op = pending.get(id);
        if (holds(acked, actual)) {
          continue;
        }
        // Only the request the kill interrupted may have changed a document since its last acknowledgement.
        String unacknowledged = op == null ? "" : ", or after the unacknowledged " + op.action() + " "
            + describe(op.after());
        assertTrue("document " + id + " is " + describe(actual) + ", acknowledged as " + describe(acked)
            + unacknowledged, op != null && holds(op.after(), actual));
        inFlightApplied++;
      }
    }
    Set<String> unknown = new HashSet<>(stored.keySet());
    unknown.removeAll(known);
    assertTrue("documents no writer sent: " + unknown, unknown.isEmpty());
    for (int i = 0; i < 3; i++) {
      assertTopHitsOf(client(), "crash", similarity, StoredDocuments.vectors(stored.values()), random());
    }
    System.err.printf(Locale.ROOT, "[crash] killed after %.1f s: %d bulk requests acknowledged (%d items, %.0f items/s), "
        + "%d documents acknowledged live, %d items in flight; after the restart all %d acknowledged documents were there "
        + "bit for bit, %d of the in-flight items applied, %d documents in all%n", seconds, requests, items, items / seconds,
        acknowledged, inFlight, acknowledged, inFlightApplied, stored.size());
  }

  public void testIndexOutlivesPluginRemovalAndReinstall() throws Exception {
    Corpus corpus = Corpus.generate(random(), TestUtil.nextInt(random(), 1, 64), TestUtil.nextInt(random(), 30, 80));
    VectorSimilarity similarity = randomSimilarity();
    corpus.index(client(), "upgrade", TestUtil.nextInt(random(), 1, 3), 0, similarity);
    call(client(), "PUT", "/plain", "{ \"settings\": { \"number_of_replicas\": 0 } }");
    call(client(), "PUT", "/plain/_doc/1?refresh=true", "{ \"tag\": \"no vectors here\" }");
    if (random().nextBoolean()) {
      call(client(), "POST", "/upgrade/_flush", null); // else the restarts replay the translog
    }
    float[] q = corpus.randomQueryVector(random());
    List<String> requests = new ArrayList<>();
    for (VectorSimilarity s : VectorSimilarity.values()) {
      requests.add("{ \"size\": 1000, \"query\": { \"vector_similarity\": { \"field\": \"v\", \"query_vector\": " + json(q)
          + ", \"similarity\": \"" + s.externalName() + "\" } } }");
    }
    requests.add("{ \"size\": 1000, \"query\": { \"script_score\": { \"query\": { \"match_all\": {} }, \"script\": { "
        + "\"lang\": \"vector_scoring\", \"source\": \"" + similarity.externalName() + "\", \"params\": { \"field\": \"v\", "
        + "\"query_vector\": " + json(q) + " } } } } }");
    requests.add("{ \"size\": 0, \"aggs\": { \"sims\": { \"similarity_matrix\": { \"field\": \"v\", \"size\": 1000, "
        + "\"key\": \"_id\" } } } }");
    List<Object> before = new ArrayList<>();
    for (String request : requests) {
      before.add(results(callExact(client(), "POST", "/upgrade/_search", request)));
    }
    Map<String, Double> expected = corpus.expectedScores(similarity, q, null, null);
    assertHits(search(client(), "upgrade", requests.get(similarity.ordinal())), expected, true);
    assertStoredAsWritten(corpus);

    node().stop();
    try {
      node().removePlugin(PLUGIN);
      assertRefusedWithoutThePlugin(corpus, requests.get(0));
    } finally {
      // Whatever failed, the other test needs the node back with its plugin.
      node().stop();
      if (Files.exists(node().home().resolve("plugins").resolve(PLUGIN)) == false) {
        node().installPlugin();
      }
      node().start();
    }
    call(client(), "GET", "/_cluster/health/upgrade?wait_for_status=green&timeout=25s", null);
    assertStoredAsWritten(corpus);
    for (int i = 0; i < requests.size(); i++) {
      // Equal as exact numbers: every score and matrix value the same float as before.
      assertEquals(requests.get(i), before.get(i), results(callExact(client(), "POST", "/upgrade/_search", requests.get(i))));
    }
  }

  /** A node without the plugin starts, keeps the index red and says why; the plugin's queries and mappings are unknown. */
  private static void assertRefusedWithoutThePlugin(Corpus corpus, String vectorQuery) throws Exception {
    node().start("red"); // it starts, but cannot open the index
    List<Object> plugins = list(call(client(), "GET", "/_cat/plugins?format=json", null).get("list"));
    assertTrue(plugins.toString(), plugins.stream().noneMatch(p -> PLUGIN.equals(map(p).get("component"))));
    Map<String, Object> explanation = awaitAllocationGivenUp("upgrade");
    String details = (String) at(explanation, "unassigned_info.details");
    assertTrue(details, details.contains("failed to update mapping for index"));
    assertTrue(details, details.contains(NO_HANDLER));
    // The copy on disk is still the in-sync one: nothing is given up, the node just cannot open it.
    Map<String, Object> decision = map(list(explanation.get("node_allocation_decisions")).get(0));
    assertEquals(explanation.toString(), true, at(decision, "store.in_sync"));
    assertEquals("red", at(call(client(), "GET", "/_cluster/health/upgrade", null), "status"));
    // An index without vector fields is untouched.
    call(client(), "GET", "/_cluster/health/plain?wait_for_status=green&timeout=25s", null);
    assertEquals(1, at(call(client(), "GET", "/plain/_count", null), "count"));
    // The mapping is still in the cluster state; searches find no shard to ask, the plugin's queries are unknown and
    // new vector mappings are refused.
    assertEquals(corpus.dims(), at(call(client(), "GET", "/upgrade/_mapping", null), "upgrade.mappings.properties.v.dims"));
    Map<String, Object> refused = callFailing(client(), 503, "POST", "/upgrade/_search", "{ \"query\": { \"match_all\": {} } }");
    assertEquals(refused.toString(), "search_phase_execution_exception", at(refused, "error.type"));
    assertEquals(refused.toString(), "all shards failed", at(refused, "error.reason"));
    assertBadRequest(client(), "POST", "/upgrade/_search", vectorQuery, "parsing_exception", "unknown query [vector_similarity]");
    assertBadRequest(client(), "PUT", "/another", "{ \"mappings\": { \"properties\": { \"v\": { \"type\": \"dense_vector\", "
        + "\"dims\": 3 } } } }", "mapper_parsing_exception", NO_HANDLER);
    assertTrue("the node log says why",
        node().consoleLog().contains("MapperParsingException[Failed to parse mapping [_doc]: " + NO_HANDLER + "]"));
  }

  /** What a search answered: hit id to score and the total, or the aggregation. */
  private static Object results(Map<String, Object> answer) {
    if (answer.containsKey("aggregations")) {
      return at(answer, "aggregations.sims");
    }
    Map<String, Object> scores = new HashMap<>();
    for (Object hit : list(at(answer, "hits.hits"))) {
      scores.put((String) map(hit).get("_id"), map(hit).get("_score"));
    }
    return List.of(at(answer, "hits.total"), scores);
  }

  /** Polls the allocation explanation of the index's first primary until OpenSearch has stopped retrying it. */
  private static Map<String, Object> awaitAllocationGivenUp(String index) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Map<String, Object> explanation = call(client(), "POST", "/_cluster/allocation/explain",
          "{ \"index\": \"" + index + "\", \"shard\": 0, \"primary\": true }");
      if ("no".equals(explanation.get("can_allocate"))) {
        return explanation;
      }
      assertTrue("still allocating after 60 s: " + explanation, System.nanoTime() < deadline);
      Thread.sleep(500);
    }
  }

  /** The index {@code upgrade} holds the corpus: every vector and norm the floats written, bit for bit. */
  private static void assertStoredAsWritten(Corpus corpus) throws IOException {
    Map<String, Stored> stored = StoredDocuments.read(client(), "upgrade", corpus.dims());
    assertEquals(corpus.docs().size(), stored.size());
    for (Doc doc : corpus.docs()) {
      assertTrue("document " + doc.id() + " is " + describe(stored.get(doc.id())) + ", not " + describe(doc),
          holds(doc, stored.get(doc.id())));
      assertWhole(stored.get(doc.id()));
    }
  }

  private static void createIndex(String index, int shards, int dims, VectorSimilarity similarity, String settings)
      throws IOException {
    call(client(), "PUT", "/" + index, """
        { "settings": { "number_of_shards": %s, "number_of_replicas": 0, %s },
          "mappings": { "properties": {
            "v":    { "type": "dense_vector", "dims": %s, "similarity": "%s" },
            "tag":  { "type": "keyword" },
            "rank": { "type": "integer" } } } }
        """.formatted(shards, settings, dims, similarity.externalName()));
  }
}
