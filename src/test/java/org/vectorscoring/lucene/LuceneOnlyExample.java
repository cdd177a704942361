package org.vectorscoring.lucene;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.vectorscoring.kernel.VectorKernel;

/**
 * What a Lucene user writes: index vectors and rank by cosine, with nothing of OpenSearch on the classpath.
 * Run in a separate JVM by {@link LuceneOnlyClasspathTests}; prints the ranking and exits non-zero on any surprise.
 */
public final class LuceneOnlyExample {

  public static void main(String[] args) throws Exception {
    try {
      Class.forName("org.opensearch.Version");
      throw new AssertionError("OpenSearch is on the classpath, the example proves nothing");
    } catch (ClassNotFoundException expected) {
      // the point of the exercise
    }
    try (Directory dir = new ByteBuffersDirectory(); IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig())) {
      String[][] docs = {{"red", "a"}, {"orange", "a"}, {"blue", "b"}, {"navy", "a"}};
      float[][] vectors = {{1f, 0f, 0f}, {1f, 0.5f, 0f}, {0f, 0f, 1f}, {0f, 0f, 0.5f}};
      for (int i = 0; i < docs.length; i++) {
        Document doc = new Document();
        doc.add(new StringField("name", docs[i][0], Field.Store.YES));
        doc.add(new StringField("tag", docs[i][1], Field.Store.NO));
        doc.add(new DenseVectorField("rgb", vectors[i]));
        writer.addDocument(doc);
      }
      try (DirectoryReader reader = DirectoryReader.open(writer)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        QueryVector purple = new QueryVector("rgb", new float[] {0.5f, 0f, 0.5f}, VectorSimilarity.COSINE, VectorKernel.best());
        TopDocs top = searcher.search(new VectorSimilarityQuery(purple, new TermQuery(new Term("tag", "a")), 0.5f), 10);
        StringBuilder ranking = new StringBuilder();
        for (var hit : top.scoreDocs) {
          ranking.append(searcher.storedFields().document(hit.doc).get("name")).append(' ');
        }
        System.out.println("kernel=" + VectorKernel.best().name() + " ranking=" + ranking.toString().trim());
      }
    }
  }
}
