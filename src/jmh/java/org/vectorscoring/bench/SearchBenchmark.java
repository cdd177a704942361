package org.vectorscoring.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.script.Script;
import org.opensearch.script.ScriptType;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.lucene.VectorSimilarityQuery;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;

/**
 * Exact cosine top-10 through OpenSearch: one shard of 100,000 documents force-merged to one segment, on a node in the
 * benchmark JVM, each search sent through the node client (no HTTP, no JSON). The {@code vector_similarity} query,
 * {@code script_score} with the {@code vector_scoring} engine and with Painless's {@code cosineSimilarity}, each over
 * all documents, over a random 10% and over the newest 10% (a range on the indexing order, as a recent time window
 * selects), and in the same run the streaming floor over as many stored bytes. The same Lucene queries on the shard's
 * own searcher, without a request around them, show what the node adds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SearchBenchmark {

  /** The node, its index (built by the first fork that needs it, kept for the others) and the nine searches. */
  @State(Scope.Benchmark)
  public static class Searches {

    @Param({"384", "768"})
    public int dims;

    @Param({"100000"})
    public int docs;

    private BenchNode node;
    private String index;
    private QueryBuilder queryAll;
    private QueryBuilder queryTenPercent;
    private QueryBuilder scriptAll;
    private QueryBuilder scriptTenPercent;
    private QueryBuilder painlessAll;
    private QueryBuilder painlessTenPercent;
    private QueryBuilder queryNewest;
    private QueryBuilder queryTenDocuments;
    private QueryBuilder scriptNewest;
    private QueryBuilder painlessNewest;
    private Engine.Searcher shardSearcher;
    private VectorSimilarityQuery luceneAll;
    private VectorSimilarityQuery luceneTenPercent;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      if (VectorKernel.best() != VectorKernel.panamaOrNull()) {
        throw new IllegalStateException("the SIMD kernel did not load: run with --add-modules jdk.incubator.vector");
      }
      node = BenchNode.start(Path.of("target", "jmh-nodes", "search"));
      index = "vectors-" + dims + "-" + docs;
      // Bump the version when the corpus or the index settings change, so old indices are rebuilt.
      node.ensureIndex(index, "v3 dims=" + dims + " docs=" + docs, this::build);

      float[] q = new BenchCorpus(dims).queryVector();
      List<Float> qList = new ArrayList<>(q.length);
      for (float x : q) {
        qList.add(x);
      }
      QueryBuilder filter = QueryBuilders.termQuery("tag", BenchCorpus.FILTER_TAG);
      queryAll = new VectorSimilarityQueryBuilder("v", q);
      queryTenPercent = new VectorSimilarityQueryBuilder("v", q).filterQuery(filter);
      Script script = new Script(ScriptType.INLINE, "vector_scoring", "cosine", Map.of("field", "v", "query_vector", qList));
      scriptAll = QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), script);
      scriptTenPercent = QueryBuilders.scriptScoreQuery(filter, script);
      Script painless = new Script(ScriptType.INLINE, "painless", "cosineSimilarity(params.query_vector, 'v') + 1.0",
          Map.of("query_vector", qList));
      painlessAll = QueryBuilders.scriptScoreQuery(QueryBuilders.matchAllQuery(), painless);
      painlessTenPercent = QueryBuilders.scriptScoreQuery(filter, painless);
      QueryBuilder newest = newestTenPercent();
      queryNewest = new VectorSimilarityQueryBuilder("v", q).filterQuery(newest);
      queryTenDocuments = new VectorSimilarityQueryBuilder("v", q).filterQuery(QueryBuilders.rangeQuery("seq").gte(docs - 10));
      scriptNewest = QueryBuilders.scriptScoreQuery(newest, script);
      painlessNewest = QueryBuilders.scriptScoreQuery(newest, painless);
      shardSearcher = node.shard(index).acquireSearcher("bench");
      QueryVector luceneVector = new QueryVector("v", q, VectorSimilarity.COSINE, VectorKernel.best());
      luceneAll = new VectorSimilarityQuery(luceneVector);
      luceneTenPercent = new VectorSimilarityQuery(luceneVector, new TermQuery(new Term("tag", BenchCorpus.FILTER_TAG)), null);
      try {
        check();
      } catch (RuntimeException e) {
        tearDown();
        throw e;
      }
    }

    private void build(Client client) throws IOException {
      client.admin().indices().prepareCreate(index)
          .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0)
              // Loaded once and never written again: no refreshes while loading, no fsync per bulk.
              .put("index.refresh_interval", "-1").put("index.translog.durability", "async"))
          .setMapping(XContentFactory.jsonBuilder().startObject().startObject("properties")
              .startObject("v").field("type", "dense_vector").field("dims", dims).field("similarity", "cosine").endObject()
              .startObject("tag").field("type", "keyword").endObject()
              .startObject("seq").field("type", "integer").endObject()
              .endObject().endObject())
          .get();
      BenchCorpus corpus = new BenchCorpus(dims);
      BulkRequestBuilder bulk = client.prepareBulk();
      for (int doc = 0; doc < docs; doc++) {
        // CBOR keeps the 100,000 sources (and the translog) at about the vectors' size; JSON text would be 3 times that.
        bulk.add(new IndexRequest(index).id(Integer.toString(doc)).source(XContentFactory.cborBuilder().startObject()
            .array("v", corpus.nextVector())
            .field("tag", corpus.nextInFilter() ? BenchCorpus.FILTER_TAG : BenchCorpus.OTHER_TAG)
            .field("seq", doc)
            .endObject()));
        if (bulk.numberOfActions() == 500 || doc == docs - 1) {
          BulkResponse response = bulk.get();
          if (response.hasFailures()) {
            throw new IllegalStateException(response.buildFailureMessage());
          }
          bulk = client.prepareBulk();
        }
      }
      client.admin().indices().prepareRefresh(index).get();
      client.admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get();
      client.admin().indices().prepareRefresh(index).get();
    }

    /** Fails the run unless the index is as built and the three ways of scoring find the same documents. */
    private void check() {
      int segments = node.segments(index);
      if (segments != 1) {
        throw new IllegalStateException("[" + index + "] has [" + segments + "] segments, expected one");
      }
      long matching = BenchCorpus.filterDocs(docs).length;
      long all = count(QueryBuilders.matchAllQuery());
      long filtered = count(QueryBuilders.termQuery("tag", BenchCorpus.FILTER_TAG));
      long newest = count(newestTenPercent());
      long newestExpected = docs - BenchCorpus.newestFrom(docs);
      if (all != docs || filtered != matching || newest != newestExpected) {
        throw new IllegalStateException("[" + index + "] holds [" + all + "] documents, [" + filtered
            + "] in the filter, [" + newest + "] newest; expected [" + docs + "], [" + matching + "] and ["
            + newestExpected + "]");
      }
      sameTopDocuments(search(queryAll), search(scriptAll), search(painlessAll));
      sameTopDocuments(search(queryTenPercent), search(scriptTenPercent), search(painlessTenPercent));
      sameTopDocuments(search(queryNewest), search(scriptNewest), search(painlessNewest));
      sameTopDocuments(search(queryAll), searchShard(luceneAll));
      sameTopDocuments(search(queryTenPercent), searchShard(luceneTenPercent));
    }

    TopDocs searchShard(VectorSimilarityQuery query) {
      try {
        return shardSearcher.search(query, 10);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The request and the query on the shard's own searcher must find the same top 10 with the same scores, bit for bit. */
    private static void sameTopDocuments(SearchResponse response, TopDocs shard) {
      SearchHit[] hits = response.getHits().getHits();
      boolean same = hits.length == shard.scoreDocs.length;
      // One shard of one segment: the hits' Lucene doc ids are the shard searcher's.
      for (int i = 0; same && i < hits.length; i++) {
        same = hits[i].docId() == shard.scoreDocs[i].doc && Float.compare(hits[i].getScore(), shard.scoreDocs[i].score) == 0;
      }
      if (same == false) {
        throw new IllegalStateException("the request and the shard's searcher disagree on the top 10: " + Arrays.toString(hits)
            + " and " + Arrays.toString(shard.scoreDocs));
      }
    }

    /** The last tenth of the documents in indexing order: they were flushed together, so they lie together. */
    private QueryBuilder newestTenPercent() {
      return QueryBuilders.rangeQuery("seq").gte(BenchCorpus.newestFrom(docs));
    }

    private long count(QueryBuilder query) {
      return node.client().search(new SearchRequest(index).source(new SearchSourceBuilder().query(query).size(0).trackTotalHits(true)))
          .actionGet().getHits().getTotalHits().value();
    }

    private static void sameTopDocuments(SearchResponse... responses) {
      List<List<String>> ids = new ArrayList<>();
      for (SearchResponse response : responses) {
        ids.add(Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList());
      }
      if (ids.get(0).size() != 10 || ids.stream().distinct().count() != 1) {
        throw new IllegalStateException("query, script and Painless disagree on the top 10: " + ids);
      }
    }

    SearchResponse search(QueryBuilder query) {
      return node.client().search(new SearchRequest(index).source(new SearchSourceBuilder().query(query).size(10))).actionGet();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      try {
        if (shardSearcher != null) {
          shardSearcher.close();
        }
      } finally {
        node.close();
      }
    }
  }

  /** The floor's stored bytes and the documents the filter matches; no node. */
  @State(Scope.Benchmark)
  public static class Floor {

    @Param({"384", "768"})
    public int dims;

    @Param({"100000"})
    public int docs;

    private StreamingFloor floor;
    private int[] filterDocs;
    private int[] newestDocs;

    @Setup(Level.Trial)
    public void setup() {
      floor = new StreamingFloor(dims, docs);
      filterDocs = BenchCorpus.filterDocs(docs);
      newestDocs = IntStream.range(BenchCorpus.newestFrom(docs), docs).toArray();
    }
  }

  @Benchmark
  public SearchResponse queryAll(Searches s) {
    return s.search(s.queryAll);
  }

  @Benchmark
  public SearchResponse queryTenPercent(Searches s) {
    return s.search(s.queryTenPercent);
  }

  @Benchmark
  public SearchResponse queryNewestTenPercent(Searches s) {
    return s.search(s.queryNewest);
  }

  /**
   * The same request over only the 10 newest documents: what a search returning 10 hits costs the node whatever it
   * scores (parsing, search context, reduce, fetching the hits), the part of every ratio to {@link #queryAll} that
   * scoring cannot change.
   */
  @Benchmark
  public SearchResponse queryTenDocuments(Searches s) {
    return s.search(s.queryTenDocuments);
  }

  /**
   * The same Lucene query as {@link #queryAll} on the shard's own searcher, without the request around it: what the
   * node adds to scoring, and whether its index scores as the Lucene-level benchmark's does.
   */
  @Benchmark
  public TopDocs luceneAllOnShard(Searches s) {
    return s.searchShard(s.luceneAll);
  }

  /** The same Lucene query as {@link #queryTenPercent} on the shard's own searcher. */
  @Benchmark
  public TopDocs luceneTenPercentOnShard(Searches s) {
    return s.searchShard(s.luceneTenPercent);
  }

  /**
   * {@link #luceneAllOnShard}, then the request of {@link #queryTenDocuments}: a pass over every vector streams through
   * and evicts every cache, so the request that follows runs its code and data cold. Less the pass, this is what a
   * request costs around a full pass, which {@link #queryTenDocuments} alone, run hot, understates.
   */
  @Benchmark
  public SearchResponse queryTenDocumentsAfterPass(Searches s) {
    s.searchShard(s.luceneAll);
    return s.search(s.queryTenDocuments);
  }

  @Benchmark
  public SearchResponse scriptAll(Searches s) {
    return s.search(s.scriptAll);
  }

  @Benchmark
  public SearchResponse scriptTenPercent(Searches s) {
    return s.search(s.scriptTenPercent);
  }

  @Benchmark
  public SearchResponse scriptNewestTenPercent(Searches s) {
    return s.search(s.scriptNewest);
  }

  @Benchmark
  public SearchResponse painlessAll(Searches s) {
    return s.search(s.painlessAll);
  }

  @Benchmark
  public SearchResponse painlessTenPercent(Searches s) {
    return s.search(s.painlessTenPercent);
  }

  @Benchmark
  public SearchResponse painlessNewestTenPercent(Searches s) {
    return s.search(s.painlessNewest);
  }

  /** The floor of a pass over all documents: every stored vector read once, nothing else. */
  @Benchmark
  public float streamingFloor(Floor f) {
    return f.floor.all();
  }

  /** The floor of a pass over the filter's documents: only their stored vectors, where they lie. */
  @Benchmark
  public float streamingFloorTenPercent(Floor f) {
    return f.floor.only(f.filterDocs);
  }

  /** The floor of a pass over the newest tenth: stored vectors that lie together. */
  @Benchmark
  public float streamingFloorNewestTenPercent(Floor f) {
    return f.floor.only(f.newestDocs);
  }
}
