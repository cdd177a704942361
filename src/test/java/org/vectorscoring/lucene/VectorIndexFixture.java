package org.vectorscoring.lucene;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.analysis.MockAnalyzer;
import org.apache.lucene.tests.index.RandomIndexWriter;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * A random index for the Lucene tests: documents with an {@code id}, a {@code tag} ("a" or "b") and, for most, a
 * vector in {@code vec}; some are deleted or updated. {@link #live} maps each live id to its vector (null when the
 * document has none), the truth the tests compare against.
 */
final class VectorIndexFixture implements Closeable {

  static final String FIELD = "vec";

  final int dims;
  final Directory dir;
  final IndexReader reader;
  final Map<String, float[]> live = new HashMap<>();
  final Map<String, String> tags = new HashMap<>();

  VectorIndexFixture(Random random, int dims, int numDocs) throws IOException {
    this(random, dims, numDocs, true);
  }

  /** @param deletes whether to delete and update some documents (Lucene's QueryUtils checks need an index without) */
  VectorIndexFixture(Random random, int dims, int numDocs, boolean deletes) throws IOException {
    this(random, dims, numDocs, deletes, false);
  }

  /** @param inPlace whether to always write with DenseVectorCodec to a plain MMapDirectory (else half the time) */
  VectorIndexFixture(Random random, int dims, int numDocs, boolean deletes, boolean inPlace) throws IOException {
    this.dims = dims;
    // Half the time a plain memory-mapped directory, so vectors written by DenseVectorCodec are scored in place; the
    // test framework's directories wrap every input, and so exercise the copying path.
    this.dir = inPlace || random.nextBoolean() ? new MMapDirectory(LuceneTestCase.createTempDir("vectors")) : LuceneTestCase.newDirectory(random);
    IndexWriterConfig config = LuceneTestCase.newIndexWriterConfig(random, new MockAnalyzer(random));
    if (inPlace && DenseVectorCodec.canWrap(config.getCodec()) == false) {
      config.setCodec(TestUtil.getDefaultCodec());
    }
    if ((inPlace || random.nextBoolean()) && DenseVectorCodec.canWrap(config.getCodec())) {
      config.setCodec(new DenseVectorCodec(config.getCodec(), FIELD::equals));
    }
    try (RandomIndexWriter writer = new RandomIndexWriter(random, dir, config)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < numDocs; i++) {
        String id = Integer.toString(i);
        addOrUpdate(random, writer, id, false);
        ids.add(id);
        if (random.nextInt(20) == 0) {
          writer.commit();
        }
      }
      for (int i = 0; deletes && i < numDocs / 10; i++) {
        String id = ids.get(random.nextInt(ids.size()));
        if (random.nextBoolean()) {
          writer.deleteDocuments(new Term("id", id));
          live.remove(id);
          tags.remove(id);
        } else {
          addOrUpdate(random, writer, id, true);
        }
      }
      if (random.nextBoolean()) {
        writer.forceMerge(1 + random.nextInt(3));
      }
      this.reader = writer.getReader();
    }
  }

  private void addOrUpdate(Random random, RandomIndexWriter writer, String id, boolean update) throws IOException {
    Document doc = new Document();
    doc.add(new StringField("id", id, Field.Store.YES));
    String tag = random.nextInt(3) == 0 ? "a" : "b";
    doc.add(new StringField("tag", tag, Field.Store.NO));
    float[] vector = null;
    if (random.nextInt(10) != 0) {
      vector = random.nextInt(25) == 0 ? new float[dims] : randomVector(random, dims);
      doc.add(new DenseVectorField(FIELD, vector));
    }
    if (update) {
      writer.updateDocument(new Term("id", id), doc);
    } else {
      writer.addDocument(doc);
    }
    live.put(id, vector);
    tags.put(id, tag);
  }

  static float[] randomVector(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return v;
  }

  @Override
  public void close() throws IOException {
    reader.close();
    dir.close();
  }
}
