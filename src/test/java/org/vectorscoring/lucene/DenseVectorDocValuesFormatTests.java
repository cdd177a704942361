package org.vectorscoring.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.DocValuesFormat;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.lucene90.Lucene90DocValuesFormat;
import org.apache.lucene.codecs.perfield.PerFieldDocValuesFormat;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.BytesRef;
import org.vectorscoring.kernel.VectorKernel;

/**
 * {@link DenseVectorDocValuesFormat} through {@link DenseVectorCodec}: what goes in comes out, through flushes, deletes and
 * merges; segments read back with the plain codec; and a vector scored in place gives the bits the copying path gives.
 */
public class DenseVectorDocValuesFormatTests extends LuceneTestCase {

  private static final String VECTORS = "v";
  private static final String OTHER_BINARY = "b";

  public void testRoundTripAndInPlaceScoring() throws IOException {
    int dims = random().nextBoolean() ? 1 + random().nextInt(70) : 100 + random().nextInt(900);
    try (Directory dir = new MMapDirectory(createTempDir("format"))) {
      Map<String, float[]> vectors = new HashMap<>();
      Map<String, byte[]> others = new HashMap<>();
      IndexWriterConfig config = new IndexWriterConfig()
          .setCodec(new DenseVectorCodec(Codec.getDefault(), f -> f.equals(VECTORS) || f.equals(OTHER_BINARY)))
          .setMaxBufferedDocs(2 + random().nextInt(50));
      int numDocs = atLeast(200);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < numDocs; i++) {
          String id = Integer.toString(i);
          Document doc = new Document();
          doc.add(new StringField("id", id, Field.Store.YES));
          doc.add(new NumericDocValuesField("n", i));
          // Sparse and dense segments both: some documents have no vector.
          if (random().nextInt(5) != 0 || i % 50 == 0) {
            float[] v = random().nextInt(30) == 0 ? new float[dims] : VectorIndexFixture.randomVector(random(), dims);
            doc.add(new DenseVectorField(VECTORS, v));
            vectors.put(id, v);
          }
          if (random().nextBoolean()) {
            byte[] b = new byte[random().nextInt(20)];
            random().nextBytes(b);
            doc.add(new BinaryDocValuesField(OTHER_BINARY, new BytesRef(b)));
            others.put(id, b);
          }
          writer.addDocument(doc);
          if (random().nextInt(100) == 0) {
            String deleted = Integer.toString(random().nextInt(i + 1));
            writer.deleteDocuments(new Term("id", deleted));
            vectors.remove(deleted);
            others.remove(deleted);
          }
        }
        if (random().nextBoolean()) {
          writer.forceMerge(1);
        }
      }
      TestUtil.checkIndex(dir);
      // DirectoryReader.open names no codec: segments say Lucene's own, whose per-field format finds ours by name.
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        int seen = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
          LeafReader r = leaf.reader();
          assertEquals(Codec.getDefault().getName(), ((org.apache.lucene.index.SegmentReader) r).getSegmentInfo().info.getCodec().getName());
          assertFormat(r, VECTORS, DenseVectorDocValuesFormat.NAME);
          assertFormat(r, "n", ((PerFieldDocValuesFormat) Codec.getDefault().docValuesFormat()).getDocValuesFormatForField("n").getName());
          seen += checkVectors(r, vectors, dims);
          checkOthers(r, others);
          NumericDocValues n = r.getNumericDocValues("n");
          assertEquals(0, n.nextDoc());
        }
        assertEquals(vectors.size(), seen);
      }
    }
  }

  private static void assertFormat(LeafReader reader, String field, String format) {
    FieldInfo info = reader.getFieldInfos().fieldInfo(field);
    if (info != null) {
      assertEquals(field, format, info.getAttribute(PerFieldDocValuesFormat.PER_FIELD_FORMAT_KEY));
    }
  }

  /** Every live vector comes back byte for byte, and scores in place exactly as copied; returns how many were seen. */
  private static int checkVectors(LeafReader reader, Map<String, float[]> expected, int dims) throws IOException {
    BinaryDocValues values = reader.getBinaryDocValues(VECTORS);
    if (values == null) {
      return 0;
    }
    VectorKernel panama = VectorKernel.panamaOrNull();
    boolean inPlace = values instanceof StoredVectorDocValues stored && panama != null && stored.mapped(panama) != null;
    if (panama != null && MappedVectors.available()) {
      assertTrue("an MMapDirectory segment written by DenseVectorCodec is scored in place", inPlace);
    }
    float[] q = VectorIndexFixture.randomVector(random(), dims);
    List<QueryVector> queries = new ArrayList<>();
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      queries.add(new QueryVector(VECTORS, q, similarity, VectorKernel.scalar()));
      if (panama != null) {
        queries.add(new QueryVector(VECTORS, q, similarity, panama));
      }
    }
    int seen = 0;
    List<Long> offsets = new ArrayList<>();
    List<float[]> inPlaceScores = new ArrayList<>();
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      if (inPlace) {
        offsets.add(((StoredVectorDocValues) values).valueOffset());
        float[] scores = new float[queries.size()];
        for (int k = 0; k < scores.length; k++) {
          scores[k] = queries.get(k).similarity(values);
        }
        inPlaceScores.add(scores);
      }
      if (reader.getLiveDocs() != null && reader.getLiveDocs().get(doc) == false) {
        continue;
      }
      String id = reader.storedFields().document(doc).get("id");
      float[] v = expected.get(id);
      assertNotNull("document " + id + " has no vector but the doc values have one", v);
      BytesRef copied = BytesRef.deepCopyOf(values.binaryValue());
      assertEquals(new BytesRef(StoredVectorFormat.encode(v)), copied);
      for (QueryVector query : queries) {
        float inPlaceScore = query.similarity(values);
        assertEquals(query + " in place and copied, bit for bit", Float.floatToIntBits(query.similarity(copied)),
            Float.floatToIntBits(inPlaceScore));
      }
      seen++;
    }
    if (inPlace) {
      checkBatches(((StoredVectorDocValues) values).mapped(panama), dims, queries, offsets, inPlaceScores);
    }
    // advanceExact agrees with nextDoc, on a fresh instance (one per consumer).
    BinaryDocValues exact = reader.getBinaryDocValues(VECTORS);
    for (int doc = 0; doc < reader.maxDoc(); doc += 1 + random().nextInt(3)) {
      boolean has = exact.advanceExact(doc);
      String id = reader.storedFields().document(doc).get("id");
      if (reader.getLiveDocs() == null || reader.getLiveDocs().get(doc)) {
        assertEquals("doc " + id, expected.containsKey(id), has);
        if (has) {
          assertArrayEquals(expected.get(id), StoredVectorFormat.decode(exact.binaryValue()), 0f);
        }
      }
    }
    return seen;
  }

  /**
   * Batches of vectors scored together ({@link QueryVector#similarities}: four at a time where they are scattered, in
   * one loop where four or more lie in a row) give each the bits it gets alone, over random subsets from dense to
   * sparse.
   */
  private static void checkBatches(MappedVectors mapped, int dims, List<QueryVector> queries, List<Long> offsets,
      List<float[]> expected) {
    int storedLength = StoredVectorFormat.length(dims);
    for (int k = 0; k < queries.size(); k++) {
      QueryVector query = queries.get(k);
      if (query.kernel() != VectorKernel.panamaOrNull()) {
        continue;
      }
      for (double keep : new double[] {1, 0.5, 0.1}) {
        long[] batch = new long[VectorSimilarityBulkScorer.BATCH];
        int[] which = new int[batch.length];
        float[] out = new float[batch.length];
        int count = 0;
        for (int i = 0; i <= offsets.size(); i++) {
          if (i == offsets.size() || count == batch.length || random().nextInt(20) == 0) {
            query.similarities(mapped, storedLength, batch, count, out);
            for (int j = 0; j < count; j++) {
              assertEquals(query + " in a batch of " + count + " and alone, bit for bit",
                  Float.floatToIntBits(expected.get(which[j])[k]), Float.floatToIntBits(out[j]));
            }
            count = 0;
          }
          if (i < offsets.size() && random().nextDouble() < keep) {
            which[count] = i;
            batch[count++] = offsets.get(i);
          }
        }
      }
    }
  }

  /** A binary field of differing lengths routed to the format reads back too, and is never scored in place. */
  private static void checkOthers(LeafReader reader, Map<String, byte[]> expected) throws IOException {
    BinaryDocValues values = reader.getBinaryDocValues(OTHER_BINARY);
    if (values == null) {
      return;
    }
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      if (reader.getLiveDocs() != null && reader.getLiveDocs().get(doc) == false) {
        continue;
      }
      byte[] b = expected.get(reader.storedFields().document(doc).get("id"));
      assertNotNull(b);
      assertEquals(new BytesRef(b), values.binaryValue());
    }
  }

  public void testNonBinaryFieldIsRefusedNamingIt() throws IOException {
    try (Directory dir = newDirectory();
        IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig().setCodec(new DenseVectorCodec(Codec.getDefault(), "n"::equals)))) {
      Document doc = new Document();
      doc.add(new NumericDocValuesField("n", 1));
      doc.add(new StoredField("s", 1));
      writer.addDocument(doc);
      UnsupportedOperationException e = expectThrows(UnsupportedOperationException.class, writer::commit);
      assertTrue(e.getMessage(), e.getMessage().contains("[n]") && e.getMessage().contains("binary doc values only"));
    }
  }

  public void testOnlyCodecsChoosingPerFieldAreWrapped() {
    Codec single = new FilterCodec("Lucene104", Codec.getDefault()) {
      @Override
      public DocValuesFormat docValuesFormat() {
        return new Lucene90DocValuesFormat();
      }
    };
    assertFalse(DenseVectorCodec.canWrap(single));
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> new DenseVectorCodec(single, "v"::equals));
    assertTrue(e.getMessage(), e.getMessage().contains("per field"));
    Codec wrapped = new DenseVectorCodec(Codec.getDefault(), "v"::equals);
    assertTrue(DenseVectorCodec.canWrap(Codec.getDefault()));
    assertFalse("wrapping twice", DenseVectorCodec.canWrap(wrapped));
    assertEquals(Codec.getDefault().getName(), wrapped.getName());
  }

  public void testFormatIsFoundByName() {
    assertEquals(DenseVectorDocValuesFormat.class, DocValuesFormat.forName(DenseVectorDocValuesFormat.NAME).getClass());
    assertTrue(Arrays.asList(DocValuesFormat.availableDocValuesFormats().toArray()).contains(DenseVectorDocValuesFormat.NAME));
  }
}
