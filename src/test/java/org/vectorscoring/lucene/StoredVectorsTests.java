package org.vectorscoring.lucene;

import org.vectorscoring.ReferenceScores;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.BytesRef;
import org.vectorscoring.kernel.VectorKernel;

/** Stored vectors and norms survive flush, merge and reopen bit for bit, and the values source reads them right. */
public class StoredVectorsTests extends LuceneTestCase {

  public void testVectorsAndNormsSurviveFlushMergeAndReopenBitForBit() throws IOException {
    int dims = 1 + random().nextInt(2048);
    // Elements this large or smaller keep any vector's norm within DenseVectorField.MAX_NORM.
    float largest = DenseVectorField.MAX_NORM / (float) Math.sqrt(dims) * (1 - 1e-6f);
    Map<String, float[]> written = new HashMap<>();
    try (Directory dir = newFSDirectory(createTempDir())) {
      try (IndexWriter writer = new IndexWriter(dir, newIndexWriterConfig())) {
        int numDocs = atLeast(50);
        for (int i = 0; i < numDocs; i++) {
          float[] v = new float[dims];
          for (int k = 0; k < dims; k++) {
            // Any finite float, subnormals and extremes included, as far as the field's largest norm allows.
            do {
              v[k] = Float.intBitsToFloat(random().nextInt());
            } while (Float.isFinite(v[k]) == false || Math.abs(v[k]) > largest);
          }
          Document doc = new Document();
          doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
          doc.add(new DenseVectorField("v", v));
          writer.addDocument(doc);
          written.put(Integer.toString(i), v);
          if (random().nextInt(10) == 0) {
            writer.flush();
          }
        }
        writer.forceMerge(1);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        int seen = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
          BinaryDocValues values = leaf.reader().getBinaryDocValues("v");
          for (int doc = values.nextDoc(); doc != BinaryDocValues.NO_MORE_DOCS; doc = values.nextDoc()) {
            float[] expected = written.get(leaf.reader().storedFields().document(doc).get("id"));
            BytesRef stored = values.binaryValue();
            assertEquals(StoredVectorFormat.length(dims), stored.length);
            float[] read = StoredVectorFormat.decode(stored);
            for (int k = 0; k < dims; k++) {
              assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(read[k]));
            }
            assertEquals(Float.floatToRawIntBits(VectorKernel.norm(expected)), Float.floatToRawIntBits(StoredVectorFormat.norm(stored, dims)));
            seen++;
          }
        }
        assertEquals(written.size(), seen);
      }
    }
  }

  public void testMaximumDimensionsFit() throws IOException {
    float[] v = VectorIndexFixture.randomVector(random(), 16384);
    try (Directory dir = newDirectory(); IndexWriter writer = new IndexWriter(dir, newIndexWriterConfig())) {
      Document doc = new Document();
      doc.add(new DenseVectorField("v", v));
      writer.addDocument(doc);
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        QueryVector q = new QueryVector("v", v, VectorSimilarity.COSINE, VectorKernel.best());
        ScoreDoc[] hits = newSearcher(reader).search(new VectorSimilarityQuery(q), 1).scoreDocs;
        assertEquals(1f, hits[0].score, 1e-6f);
      }
    }
  }

  public void testValuesSourceInFunctionScoreQuery() throws IOException {
    int dims = 1 + random().nextInt(64);
    try (VectorIndexFixture index = new VectorIndexFixture(random(), dims, atLeast(80))) {
      IndexSearcher searcher = newSearcher(index.reader);
      float[] q = VectorIndexFixture.randomVector(random(), dims);
      for (VectorSimilarity similarity : VectorSimilarity.values()) {
        QueryVector qv = new QueryVector(VectorIndexFixture.FIELD, q, similarity, VectorKernel.best());
        FunctionScoreQuery scored = new FunctionScoreQuery(new MatchAllDocsQuery(), VectorSimilarityValuesSource.scores(qv));
        for (ScoreDoc sd : searcher.search(scored, index.reader.maxDoc()).scoreDocs) {
          float[] v = index.live.get(searcher.storedFields().document(sd.doc).get("id"));
          // Documents without a vector have no value, which FunctionScoreQuery scores 0.
          double want = v == null ? 0 : ReferenceScores.scoreOf(similarity, ReferenceScores.similarity(similarity, q, v));
          assertEquals(want, sd.score, 1e-5 * Math.max(1, want));
        }
        // Raw similarities, for callers that combine them themselves.
        var leaf = index.reader.leaves().get(0).reader();
        var values = VectorSimilarityValuesSource.similarities(qv).getValues(index.reader.leaves().get(0), null);
        for (int doc = 0; doc < leaf.maxDoc(); doc++) {
          // A deleted document's id may live on in its update, with another vector.
          boolean live = leaf.getLiveDocs() == null || leaf.getLiveDocs().get(doc);
          if (live && values.advanceExact(doc)) {
            float[] v = index.live.get(leaf.storedFields().document(doc).get("id"));
            if (v != null) {
              double ref = ReferenceScores.similarity(similarity, q, v);
              assertEquals(ref, values.doubleValue(), 1e-5 * Math.max(1, Math.abs(ref)));
            }
          }
        }
      }
    }
  }

  public void testFieldRejectsBadVectors() {
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> new DenseVectorField("v", new float[] {1, Float.POSITIVE_INFINITY}));
    assertEquals("[v] element [1] is [Infinity], vectors take finite numbers only", e.getMessage());
    e = expectThrows(IllegalArgumentException.class, () -> new DenseVectorField("v", new float[0]));
    assertEquals("[v] a vector needs at least one dimension", e.getMessage());
    e = expectThrows(IllegalArgumentException.class, () -> new DenseVectorField("v", new float[] {0x1p62f, 1e12f}));
    assertEquals("[v] has an L2 norm of [4.611686018427496E18], above [4.611686018427388E18], "
        + "the most a vector may have for its similarities to stay within the float range", e.getMessage());
    // The largest norm itself is fine.
    DenseVectorField largest = new DenseVectorField("v", new float[] {0, 0x1p62f});
    assertEquals(0x1p62f, StoredVectorFormat.norm(largest.binaryValue(), 2), 0f);
  }
}
