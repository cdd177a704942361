package org.vectorscoring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;
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
import org.vectorscoring.lucene.DenseVectorField;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.lucene.VectorSimilarityQuery;
import org.vectorscoring.lucene.VectorSimilarityValuesSource;

/**
 * Exact cosine top-10 over one segment of 100,000 stored vectors (memory-mapped, as a shard reads them), against a
 * plain SIMD read of as many floats from memory (the bandwidth floor), in one run: the query over all documents and
 * over a 10% filter, and the same scores as a {@link FunctionScoreQuery} values source (the path script_score takes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class QueryBenchmark {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  @Param({"384", "768"})
  public int dims;

  @Param({"100000"})
  public int docs;

  private Path path;
  private MMapDirectory directory;
  private DirectoryReader reader;
  private IndexSearcher searcher;
  private VectorSimilarityQuery all;
  private VectorSimilarityQuery tenPercent;
  private FunctionScoreQuery valuesSource;
  private float[] flat;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    if (VectorKernel.panamaOrNull() == null) {
      throw new IllegalStateException("the SIMD kernel did not load: run with --add-modules jdk.incubator.vector");
    }
    path = Files.createTempDirectory("vector-scoring-bench");
    directory = new MMapDirectory(path);
    SplittableRandom random = new SplittableRandom(7);
    IndexWriterConfig config = new IndexWriterConfig().setRAMBufferSizeMB(512);
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      for (int i = 0; i < docs; i++) {
        Document doc = new Document();
        doc.add(new StringField("tag", i % 10 == 0 ? "a" : "b", Field.Store.NO));
        doc.add(new DenseVectorField("v", vector(random)));
        writer.addDocument(doc);
      }
      writer.forceMerge(1);
    }
    reader = DirectoryReader.open(directory);
    searcher = new IndexSearcher(reader);
    searcher.setQueryCache(null);
    QueryVector q = new QueryVector("v", vector(random), VectorSimilarity.COSINE, VectorKernel.best());
    all = new VectorSimilarityQuery(q);
    tenPercent = new VectorSimilarityQuery(q, new TermQuery(new Term("tag", "a")), null);
    valuesSource = new FunctionScoreQuery(new MatchAllDocsQuery(), VectorSimilarityValuesSource.scores(q));
    flat = new float[docs * dims];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) random.nextDouble(-1, 1);
    }
  }

  private float[] vector(SplittableRandom random) {
    float[] v = new float[dims];
    for (int k = 0; k < dims; k++) {
      v[k] = (float) random.nextDouble(-1, 1);
    }
    return v;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    IOUtils.close(reader, directory);
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

  @Benchmark
  public TopDocs valuesSourceAll() throws IOException {
    return searcher.search(valuesSource, 10);
  }

  /** The floor: a SIMD sum over as many floats as the stored vectors hold, from a heap array. */
  @Benchmark
  public float streamingFloor() {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    int i = 0;
    for (int bound = flat.length - 2 * FLOATS.length(); i <= bound; i += 2 * FLOATS.length()) {
      acc0 = acc0.add(FloatVector.fromArray(FLOATS, flat, i));
      acc1 = acc1.add(FloatVector.fromArray(FLOATS, flat, i + FLOATS.length()));
    }
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < flat.length; i++) {
      sum += flat[i];
    }
    return sum;
  }
}
