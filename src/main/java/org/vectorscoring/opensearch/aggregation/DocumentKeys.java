package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.StoredFields;
import org.opensearch.common.lucene.index.SequentialStoredFieldsLeafReader;
import org.opensearch.index.fieldvisitor.IdOnlyFieldVisitor;

/**
 * Reads one segment's row labels: a document's {@code _id}, or the smallest value of a keyword field (null when the
 * document has none, and the aggregation skips it). Read only for documents that may enter the matrix.
 */
interface DocumentKeys {

  /** The label of {@code doc}, or null. Documents must be asked for in increasing order. */
  String key(int doc) throws IOException;

  static DocumentKeys forLeaf(LeafReader reader, String keyField) throws IOException {
    if (keyField == null) {
      // Stored fields are compressed in blocks of many documents. The ordinary reader decompresses a block again for
      // every document read from it; the sequential one (what merges and OpenSearch's fetch phase use) keeps the
      // current block, which matters here because a query whose matches tie on score reads every match's key.
      StoredFields stored = reader instanceof SequentialStoredFieldsLeafReader sequential
          ? sequential.getSequentialStoredFieldsReader() : reader.storedFields();
      IdOnlyFieldVisitor visitor = new IdOnlyFieldVisitor();
      return doc -> {
        visitor.reset();
        stored.document(doc, visitor);
        return visitor.getId();
      };
    }
    SortedSetDocValues values = DocValues.getSortedSet(reader, keyField);
    return doc -> values.advanceExact(doc) ? values.lookupOrd(values.nextOrd()).utf8ToString() : null;
  }
}
