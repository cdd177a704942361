package org.vectorscoring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
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
import org.vectorscoring.lucene.DenseVectorCodec;
import org.vectorscoring.lucene.DenseVectorField;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.lucene.VectorSimilarityQuery;
import org.vectorscoring.lucene.VectorSimilarityValuesSource;

/**
 * Exact cosine top-10 over one segment of 100,000 stored vectors (memory-mapped, as a shard reads them), against a
 * plain SIMD read of the same stored bytes from memory (the bandwidth floor), in one run: the query over all documents
 * and over a random 10% filter (in batches, one document at a time, and with vectors copied out of Lucene's default
 * format), the same scores as a {@link FunctionScoreQuery} values source (the path script_score
 * takes), and what the filter's cost is made of: the floor over only the filter's vectors, and the doc values' reads
 * of the vectors without scoring them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class QueryBenchmark {

  @Param({"384", "768"})
  public int dims;

  @Param({"100000"})
  public int docs;

  private Path path;
  private MMapDirectory directory;
  private MMapDirectory copiedDirectory;
  private DirectoryReader copiedReader;
  private IndexSearcher copiedSearcher;
  private DirectoryReader reader;
  private IndexSearcher searcher;
  private VectorSimilarityQuery all;
  private VectorSimilarityQuery tenPercent;
  private FunctionScoreQuery valuesSource;
  private LeafReader leaf;
  private int[] filterDocs;
  private StreamingFloor floor;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    if (VectorKernel.panamaOrNull() == null) {
      throw new IllegalStateException("the SIMD kernel did not load: run with --add-modules jdk.incubator.vector");
    }
    path = Files.createTempDirectory("vector-scoring-bench");
    directory = new MMapDirectory(path.resolve("in-place"));
    copiedDirectory = new MMapDirectory(path.resolve("copied"));
    // The same documents twice: vectors in DenseVectorDocValuesFormat (scored in place) and in Lucene's default format.
    build(directory, new DenseVectorCodec(Codec.getDefault(), "v"::equals));
    build(copiedDirectory, Codec.getDefault());
    reader = DirectoryReader.open(directory);
    leaf = reader.leaves().get(0).reader();
    searcher = new IndexSearcher(reader);
    searcher.setQueryCache(null);
    copiedReader = DirectoryReader.open(copiedDirectory);
    copiedSearcher = new IndexSearcher(copiedReader);
    copiedSearcher.setQueryCache(null);
    QueryVector q = new QueryVector("v", new BenchCorpus(dims).queryVector(), VectorSimilarity.COSINE, VectorKernel.best());
    TermQuery filter = new TermQuery(new Term("tag", BenchCorpus.FILTER_TAG));
    all = new VectorSimilarityQuery(q);
    tenPercent = new VectorSimilarityQuery(q, filter, null);
    valuesSource = new FunctionScoreQuery(new MatchAllDocsQuery(), VectorSimilarityValuesSource.scores(q));
    filterDocs = matches(filter);
    floor = new StreamingFloor(dims, docs);
    checkSameResults(queryAll(), queryAllCopied());
    checkSameResults(queryTenPercentFilter(), queryTenPercentFilterCopied());
    checkSameResults(queryAll(), queryAllOneByOne());
    checkSameResults(queryTenPercentFilter(), queryTenPercentFilterOneByOne());
  }

  /** Both ways must rank the same documents with the same scores, bit for bit, or the comparison means nothing. */
  private static void checkSameResults(TopDocs inPlace, TopDocs copied) {
    for (int i = 0; i < Math.max(inPlace.scoreDocs.length, copied.scoreDocs.length); i++) {
      if (inPlace.scoreDocs[i].doc != copied.scoreDocs[i].doc || Float.compare(inPlace.scoreDocs[i].score, copied.scoreDocs[i].score) != 0) {
        throw new IllegalStateException("hit " + i + " differs: " + inPlace.scoreDocs[i] + " in place, " + copied.scoreDocs[i] + " copied");
      }
    }
  }

  private void build(MMapDirectory dir, Codec codec) throws IOException {
    BenchCorpus corpus = new BenchCorpus(dims);
    IndexWriterConfig config = new IndexWriterConfig().setRAMBufferSizeMB(512).setCodec(codec);
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < docs; i++) {
        Document doc = new Document();
        doc.add(new StringField("tag", corpus.nextInFilter() ? BenchCorpus.FILTER_TAG : BenchCorpus.OTHER_TAG, Field.Store.NO));
        doc.add(new DenseVectorField("v", corpus.nextVector()));
        writer.addDocument(doc);
      }
      writer.forceMerge(1);
    }
  }

  /** The documents {@code query} matches in the one segment, ascending. */
  private int[] matches(TermQuery query) throws IOException {
    Scorer scorer = searcher.createWeight(query, ScoreMode.COMPLETE_NO_SCORES, 1f).scorer(reader.leaves().get(0));
    DocIdSetIterator iterator = scorer.iterator();
    int[] out = new int[docs];
    int n = 0;
    for (int doc = iterator.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = iterator.nextDoc()) {
      out[n++] = doc;
    }
    return Arrays.copyOf(out, n);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    IOUtils.close(reader, directory, copiedReader, copiedDirectory);
    IOUtils.rm(path);
  }

  @Benchmark
  public TopDocs queryAll() throws IOException {
    return searcher.search(all, 10);
  }

  @Benchmark
  public TopDocs queryTenPercentFilter() throws IOException {
    return searcher.search(tenPercent, 10);
  }

  /** {@link #queryAll()} over the same documents in Lucene's default doc values format: each vector copied, then scored. */
  @Benchmark
  public TopDocs queryAllCopied() throws IOException {
    return copiedSearcher.search(all, 10);
  }

  @Benchmark
  public TopDocs queryTenPercentFilterCopied() throws IOException {
    return copiedSearcher.search(tenPercent, 10);
  }

  /** {@link #queryAll()} through the query's per-document scorer instead of its batches: what batching gains. */
  @Benchmark
  public TopDocs queryAllOneByOne() throws IOException {
    return searcher.search(new OneDocumentAtATime(all), 10);
  }

  @Benchmark
  public TopDocs queryTenPercentFilterOneByOne() throws IOException {
    return searcher.search(new OneDocumentAtATime(tenPercent), 10);
  }

  @Benchmark
  public TopDocs valuesSourceAll() throws IOException {
    return searcher.search(valuesSource, 10);
  }

  /** The floor: every stored vector read once with SIMD loads, nothing else. */
  @Benchmark
  public float streamingFloor() {
    return floor.all();
  }

  /** The floor of the filtered pass: only the stored vectors of the filter's documents, read where they lie. */
  @Benchmark
  public float streamingFloorTenPercent() {
    return floor.only(filterDocs);
  }

  /** As {@link #streamingFloorTenPercent()}, reading two vectors at a time so more misses are in flight. */
  @Benchmark
  public float streamingFloorTenPercentInPairs() {
    return floor.onlyInPairs(filterDocs);
  }

  /** Every vector read out of the doc values (positioned, then copied to the heap as {@code binaryValue()} does), not scored. */
  @Benchmark
  public int docValuesAll() throws IOException {
    BinaryDocValues vectors = leaf.getBinaryDocValues("v");
    int sum = 0;
    for (int doc = vectors.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vectors.nextDoc()) {
      sum += lastByte(vectors.binaryValue());
    }
    return sum;
  }

  /** The filter's vectors read out of the doc values, not scored. */
  @Benchmark
  public int docValuesTenPercent() throws IOException {
    BinaryDocValues vectors = leaf.getBinaryDocValues("v");
    int sum = 0;
    for (int doc : filterDocs) {
      vectors.advanceExact(doc);
      sum += lastByte(vectors.binaryValue());
    }
    return sum;
  }

  private static int lastByte(BytesRef value) {
    return value.bytes[value.offset + value.length - 1];
  }
}
