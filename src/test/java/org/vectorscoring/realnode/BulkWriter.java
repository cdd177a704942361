package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.opensearch.client.RestClient;
import org.vectorscoring.realnode.Corpus.Doc;

import static org.junit.Assert.assertEquals;
import static org.vectorscoring.realnode.RealNodeTestBase.list;
import static org.vectorscoring.realnode.RealNodeTestBase.map;

/**
 * One writer thread's share of a load: random {@code _bulk} requests over documents of its own ({@code w<n>-<seq>},
 * ranks {@code n * 10^6 + seq + 1}) that no other thread touches, so what the node must hold of them follows from the
 * node's acknowledgements alone. A request creates documents (a tenth without a vector), re-indexes, updates the
 * vector of, or deletes earlier ones; every item of every answer must be the success its action expects.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
final class BulkWriter {

  /** What a bulk item does, with the {@code result} and HTTP status the node must answer it with. */
  enum Action {
    CREATE("create", "created", 201),
    REINDEX("index", "updated", 200),
    UPDATE("update", "updated", 200),
    DELETE("delete", "deleted", 200);

    final String name;
    final String result;
    final int status;

    Action(String name, String result, int status) {
      this.name = name;
      this.result = result;
      this.status = status;
    }
  }

  /** One item of a bulk request and the document it leaves behind (null: none). */
  record Op(Action action, String id, Doc after) {}

  // Ranks stay below 2^24 for a few writers, so each is a distinct float score (matrix rows are ranked by them).
  private static final int RANKS_PER_WRITER = 1_000_000;

  private final RestClient client;
  private final String index;
  private final int number;
  private final int dims;
  private final Random random;
  private final int maxCreated;

  /** The documents the node acknowledged and has not acknowledged deleting since, by id. */
  private final Map<String, Doc> acked = new HashMap<>();
  private int created;
  private List<Op> inFlight = List.of();
  private long requests;
  private long items;
  private final List<Long> latencies = new ArrayList<>();

  /**
   * @param maxCreated documents to create at most (below a million); once there, requests only re-index, update and
   *     delete
   */
  BulkWriter(RestClient client, String index, int number, int dims, Random random, int maxCreated) {
    this.client = client;
    this.index = index;
    this.number = number;
    this.dims = dims;
    this.random = random;
    if (maxCreated >= RANKS_PER_WRITER) {
      throw new IllegalArgumentException("a writer creates fewer than [" + RANKS_PER_WRITER + "] documents, not ["
          + maxCreated + "]");
    }
    this.maxCreated = maxCreated;
  }

  /**
   * Sends one bulk request; once the node has acknowledged every item, the documents it holds are updated. If the
   * request throws, {@link #inFlight()} keeps its items: the node may have applied any of them, or none.
   *
   * @throws AssertionError when the node answers anything but success for every item
   */
  void writeOne() throws IOException {
    List<Op> ops = nextOps();
    StringBuilder body = new StringBuilder();
    for (Op op : ops) {
      body.append("{\"").append(op.action.name).append("\":{\"_id\":\"").append(op.id).append("\"}}\n");
      switch (op.action) {
        case CREATE, REINDEX -> body.append(source(op.after)).append('\n');
        case UPDATE -> body.append("{\"doc\":{\"v\":").append(RealNodeTestBase.json(op.after.vector())).append("}}\n");
        case DELETE -> {}
      }
    }
    inFlight = ops;
    long begin = System.nanoTime();
    Map<String, Object> answer = RealNodeTestBase.call(client, "POST", "/" + index + "/_bulk", body.toString());
    latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    requests++;
    List<Object> answered = list(answer.get("items"));
    assertEquals(answer.toString(), ops.size(), answered.size());
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      Map<String, Object> item = map(map(answered.get(i)).get(op.action.name));
      String what = op + " answered " + item;
      assertEquals(what, op.id, item.get("_id"));
      assertEquals(what, op.action.status, item.get("status"));
      assertEquals(what, op.action.result, item.get("result"));
    }
    assertEquals(answer.toString(), false, answer.get("errors"));
    for (Op op : ops) {
      if (op.after == null) {
        acked.remove(op.id);
      } else {
        acked.put(op.id, op.after);
      }
    }
    items += ops.size();
    inFlight = List.of();
  }

  private List<Op> nextOps() {
    int size = 10 + random.nextInt(50);
    List<Op> ops = new ArrayList<>();
    Set<String> touched = new HashSet<>(); // one item per document and request: their order is then irrelevant
    while (ops.size() < size) {
      boolean full = created >= maxCreated;
      // Out of 100: 70 create, 12 re-index, 12 update, 6 delete; with nothing left to create, only the last three.
      int choice = random.nextInt(full ? 30 : 100);
      Doc existing = choice < 30 ? randomAcked(touched) : null;
      Op op;
      if (existing == null) {
        if (full) {
          break;
        }
        op = new Op(Action.CREATE, id(created), randomDoc(id(created), number * RANKS_PER_WRITER + created + 1));
        created++;
      } else if (choice < 12) {
        op = new Op(Action.REINDEX, existing.id(), randomDoc(existing.id(), existing.rank()));
      } else if (choice < 24) {
        float[] vector;
        do {
          vector = randomVector();
        } while (Arrays.equals(vector, existing.vector())); // else a noop: two zero vectors
        op = new Op(Action.UPDATE, existing.id(), new Doc(existing.id(), existing.tag(), existing.rank(), vector));
      } else {
        op = new Op(Action.DELETE, existing.id(), null);
      }
      touched.add(op.id);
      ops.add(op);
    }
    return ops;
  }

  /** A live document of this writer not yet in this request, or null after a few misses. */
  private Doc randomAcked(Set<String> touched) {
    for (int attempt = 0; attempt < 5 && created > 0; attempt++) {
      Doc doc = acked.get(id(random.nextInt(created)));
      if (doc != null && touched.contains(doc.id()) == false) {
        return doc;
      }
    }
    return null;
  }

  private String id(int seq) {
    return String.format(Locale.ROOT, "w%d-%d", number, seq);
  }

  private Doc randomDoc(String id, int rank) {
    return new Doc(id, random.nextBoolean() ? "a" : "b", rank, random.nextInt(10) == 0 ? null : randomVector());
  }

  /** Random elements in [-1, 1), or, rarely, all zeros (the cosine of a zero vector is 0); never {@code -0.0}. */
  private float[] randomVector() {
    float[] v = new float[dims];
    if (random.nextInt(50) != 0) {
      for (int i = 0; i < dims; i++) {
        v[i] = random.nextFloat() * 2 - 1;
      }
    }
    return v;
  }

  private static String source(Doc doc) {
    String vector = doc.vector() == null ? "" : ",\"v\":" + RealNodeTestBase.json(doc.vector());
    return "{\"tag\":\"" + doc.tag() + "\",\"rank\":" + doc.rank() + vector + "}";
  }

  /** This writer's documents as the node acknowledged them, by id. */
  Map<String, Doc> acked() {
    return acked;
  }

  /** The items of the request that threw, whose outcome is unknown; empty when the last request was acknowledged. */
  List<Op> inFlight() {
    return inFlight;
  }

  /** Every id this writer has sent a create for, acknowledged or not. */
  List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int seq = 0; seq < created; seq++) {
      ids.add(id(seq));
    }
    return ids;
  }

  /** Bulk requests acknowledged. */
  long requests() {
    return requests;
  }

  /** Bulk items acknowledged. */
  long items() {
    return items;
  }

  /** How long each acknowledged bulk request took, in milliseconds. */
  List<Long> latencies() {
    return latencies;
  }
}
