package org.vectorscoring.lucene;

import java.io.IOException;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.util.Bits;

/**
 * Scores a segment whose vectors are read in place a batch at a time: takes up to {@link #BATCH} matching documents
 * and where their vectors lie from the iterator, scores them together ({@link QueryVector#similarities}), then hands
 * them to the collector. Reading scattered vectors four at a time overlaps their cache misses (a random 10% filter
 * costs about 0.7× the one-by-one read), and iterating, counting and collecting leave the loop that reads vectors.
 * Scores are bit for bit the scorer's. Documents a collector's competitive iterator rules out (a sort on a field
 * whose queue is full) are skipped before their vectors are read, as Lucene's default bulk scorer skips them; since the
 * iterator is consulted while a batch is gathered, documents it rules out meanwhile are still scored, at most a batch's
 * worth per change.
 */
final class VectorSimilarityBulkScorer extends BulkScorer {

  /**
   * Documents per batch: many groups of four, with small arrays, and a cosine's stored norms, read after the batch's dot
   * products, most likely still in L2 (192 KB of vectors at 768 dims).
   */
  static final int BATCH = 64;

  private final QueryVector queryVector;
  private final StoredVectorDocValues vectors;
  private final MappedVectors mapped;
  private final DocIdSetIterator matches;
  private final Float minSimilarity;
  private final float boost;
  private final int storedLength;
  private final int[] docs = new int[BATCH];
  private final long[] offsets = new long[BATCH];
  private final float[] similarities = new float[BATCH];
  private final BatchScore score = new BatchScore();

  /**
   * @param matches the documents to score, positioned with {@code vectors} on each (the filter's conjunction with the
   *     vectors, or the vectors themselves)
   */
  VectorSimilarityBulkScorer(QueryVector queryVector, StoredVectorDocValues vectors, MappedVectors mapped,
      DocIdSetIterator matches, Float minSimilarity, float boost) throws IOException {
    this.queryVector = queryVector;
    this.vectors = vectors;
    this.mapped = mapped;
    this.matches = matches;
    this.minSimilarity = minSimilarity;
    this.boost = boost;
    this.storedLength = vectors.valueLength();
  }

  @Override
  public int score(LeafCollector collector, Bits acceptDocs, int min, int max) throws IOException {
    collector.setScorer(score);
    DocIdSetIterator competitive = collector.competitiveIterator();
    int doc = matches.docID();
    if (doc < min) {
      doc = matches.advance(min);
    }
    VectorSimilarity similarity = queryVector.similarity();
    while (doc < max) {
      int count = 0;
      while (doc < max && count < BATCH) {
        if (competitive != null) {
          int next = competitive.docID() < doc ? competitive.advance(doc) : competitive.docID();
          if (next > doc) {
            // Not competitive: skip to the next document that is, but not past this window.
            doc = matches.advance(Math.min(next, max));
            continue;
          }
        }
        if (acceptDocs == null || acceptDocs.get(doc)) {
          docs[count] = doc;
          offsets[count] = vectors.valueOffset();
          count++;
        }
        doc = matches.nextDoc();
      }
      queryVector.similarities(mapped, storedLength, offsets, count, similarities);
      for (int i = 0; i < count; i++) {
        float s = similarities[i];
        if (minSimilarity == null || similarity.meets(s, minSimilarity)) {
          score.value = boost * similarity.score(s);
          collector.collect(docs[i]);
        }
      }
    }
    return doc;
  }

  @Override
  public long cost() {
    return matches.cost();
  }

  /** The score of the document being collected. */
  private static final class BatchScore extends Scorable {
    float value;

    @Override
    public float score() {
      return value;
    }
  }
}
