package org.vectorscoring.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

/**
 * Scores every document that has a vector (and matches the optional filter) by its exact similarity to a query
 * vector: brute force, no approximation. The filter drives the iteration, so the cost is proportional to the
 * documents it matches. An optional threshold on the raw similarity drops documents below it. Where Lucene asks it for a
 * bulk scorer (as a search's query or rescore query, and wherever a wrapping query passes that on), a segment whose
 * vectors are read in place is scored in batches ({@link VectorSimilarityBulkScorer}).
 */
public final class VectorSimilarityQuery extends Query {

  private final QueryVector queryVector;
  private final Query filter;
  private final Float minSimilarity;
  private final Runnable onSearch;

  /**
   * @param filter only documents matching it are scored; null for all documents with a vector
   * @param minSimilarity raw similarity a document needs (for l2, a distance it must not exceed); null for none
   */
  public VectorSimilarityQuery(QueryVector queryVector, Query filter, Float minSimilarity) {
    this(queryVector, filter, minSimilarity, null);
  }

  /**
   * As {@link #VectorSimilarityQuery(QueryVector, Query, Float)}, calling {@code onSearch} once per search that scores
   * documents (on the first segment scored; weights created only for statistics do not count).
   */
  public VectorSimilarityQuery(QueryVector queryVector, Query filter, Float minSimilarity, Runnable onSearch) {
    this.queryVector = Objects.requireNonNull(queryVector);
    this.filter = filter;
    this.minSimilarity = minSimilarity;
    this.onSearch = onSearch;
  }

  /** Scores all documents with a vector in the field. */
  public VectorSimilarityQuery(QueryVector queryVector) {
    this(queryVector, null, null);
  }

  public QueryVector queryVector() {
    return queryVector;
  }

  public Query filter() {
    return filter;
  }

  public Float minSimilarity() {
    return minSimilarity;
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    if (filter != null) {
      Query rewritten = filter.rewrite(searcher);
      if (rewritten != filter) {
        return new VectorSimilarityQuery(queryVector, rewritten, minSimilarity, onSearch);
      }
    }
    return this;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
    Weight filterWeight = filter == null ? null : searcher.createWeight(filter, ScoreMode.COMPLETE_NO_SCORES, 1f);
    return new SimilarityWeight(filterWeight, scoreMode, boost);
  }

  private final class SimilarityWeight extends Weight {
    private final Weight filterWeight;
    private final ScoreMode scoreMode;
    private final float boost;
    private final AtomicBoolean counted = new AtomicBoolean();

    SimilarityWeight(Weight filterWeight, ScoreMode scoreMode, float boost) {
      super(VectorSimilarityQuery.this);
      this.filterWeight = filterWeight;
      this.scoreMode = scoreMode;
      this.boost = boost;
    }

    @Override
    public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
      BinaryDocValues vectors = context.reader().getBinaryDocValues(queryVector.field());
      if (vectors == null) {
        return null;
      }
      ScorerSupplier filterSupplier = null;
      if (filterWeight != null) {
        filterSupplier = filterWeight.scorerSupplier(context);
        if (filterSupplier == null) {
          return null;
        }
      }
      if (onSearch != null && counted.compareAndSet(false, true)) {
        onSearch.run();
      }
      final ScorerSupplier filtered = filterSupplier;
      return new ScorerSupplier() {
        @Override
        public Scorer get(long leadCost) throws IOException {
          Scorer filterScorer = filtered == null ? null : filtered.get(Math.min(leadCost, cost()));
          return new SimilarityScorer(vectors, filterScorer, boost);
        }

        @Override
        public BulkScorer bulkScorer() throws IOException {
          // Batches where vectors are read in place and every document is scored; without scores or a threshold
          // nothing is computed per document, and the scorer only iterates.
          MappedVectors mapped = vectors instanceof StoredVectorDocValues stored ? stored.mapped(queryVector.kernel()) : null;
          if (mapped == null || (scoreMode.needsScores() == false && minSimilarity == null)) {
            return super.bulkScorer();
          }
          Scorer filterScorer = filtered == null ? null : filtered.get(Long.MAX_VALUE);
          return new VectorSimilarityBulkScorer(queryVector, (StoredVectorDocValues) vectors, mapped,
              matchingVectors(vectors, filterScorer), minSimilarity, boost);
        }

        @Override
        public long cost() {
          return filtered == null ? vectors.cost() : Math.min(vectors.cost(), filtered.cost());
        }
      };
    }

    @Override
    public Explanation explain(LeafReaderContext context, int doc) throws IOException {
      BinaryDocValues vectors = DocValues.getBinary(context.reader(), queryVector.field());
      if (vectors.advanceExact(doc) == false) {
        return Explanation.noMatch("no vector in [" + queryVector.field() + "]");
      }
      if (filterWeight != null && filterWeight.explain(context, doc).isMatch() == false) {
        return Explanation.noMatch("does not match the filter " + filter);
      }
      VectorSimilarity similarity = queryVector.similarity();
      float s = queryVector.similarity(vectors);
      if (minSimilarity != null && similarity.meets(s, minSimilarity) == false) {
        return Explanation.noMatch(similarity.externalName() + " similarity [" + s + "] does not meet min_similarity [" + minSimilarity + "]");
      }
      float score = similarity.score(s);
      Explanation scoreExplanation = Explanation.match(score, "score, computed as " + scoreFormula(similarity) + " from:",
          Explanation.match(s, "s, the " + similarity.externalName() + " similarity of [" + queryVector.field() + "] to the query vector"));
      if (boost == 1f) {
        return scoreExplanation;
      }
      return Explanation.match(boost * score, "product of:", Explanation.match(boost, "boost"), scoreExplanation);
    }

    @Override
    public boolean isCacheable(LeafReaderContext ctx) {
      return DocValues.isCacheable(ctx, queryVector.field()) && (filterWeight == null || filterWeight.isCacheable(ctx));
    }
  }

  static String scoreFormula(VectorSimilarity similarity) {
    return switch (similarity) {
      case COSINE -> "(1 + s) / 2";
      case DOT_PRODUCT -> "s >= 0 ? s + 1 : 1 / (1 - s)";
      case L2 -> "1 / (1 + s^2)";
    };
  }

  /**
   * The documents with a vector that match the filter (if any), with {@code vectors} positioned on each: the filter's
   * own two-phase check, if it has one, is confirmed before a document is returned.
   */
  private static DocIdSetIterator matchingVectors(BinaryDocValues vectors, Scorer filterScorer) {
    if (filterScorer == null) {
      return vectors;
    }
    List<DocIdSetIterator> iterators = new ArrayList<>(2);
    List<TwoPhaseIterator> twoPhases = new ArrayList<>(1);
    iterators.add(vectors);
    TwoPhaseIterator filterTwoPhase = filterScorer.twoPhaseIterator();
    if (filterTwoPhase != null) {
      twoPhases.add(filterTwoPhase);
    } else {
      iterators.add(filterScorer.iterator());
    }
    return ConjunctionUtils.createConjunction(iterators, twoPhases);
  }

  /** Walks the filter (if any) and the documents with a vector together, scoring each on demand once. */
  private final class SimilarityScorer extends Scorer {
    private final BinaryDocValues vectors;
    private final DocIdSetIterator iterator;
    private final TwoPhaseIterator twoPhase;
    private final float boost;
    private int scoredDoc = -1;
    private float similarity;

    SimilarityScorer(BinaryDocValues vectors, Scorer filterScorer, float boost) {
      this.vectors = vectors;
      this.boost = boost;
      DocIdSetIterator approximation = matchingVectors(vectors, filterScorer);
      if (minSimilarity == null) {
        this.twoPhase = null;
        this.iterator = approximation;
      } else {
        float threshold = minSimilarity;
        VectorSimilarity vs = queryVector.similarity();
        this.twoPhase = new TwoPhaseIterator(approximation) {
          @Override
          public boolean matches() throws IOException {
            return vs.meets(similarity(), threshold);
          }

          @Override
          public float matchCost() {
            return queryVector.dims();
          }
        };
        this.iterator = TwoPhaseIterator.asDocIdSetIterator(twoPhase);
      }
    }

    private float similarity() throws IOException {
      int doc = vectors.docID();
      if (doc != scoredDoc) {
        similarity = queryVector.similarity(vectors);
        scoredDoc = doc;
      }
      return similarity;
    }

    @Override
    public int docID() {
      return iterator.docID();
    }

    @Override
    public DocIdSetIterator iterator() {
      return iterator;
    }

    @Override
    public TwoPhaseIterator twoPhaseIterator() {
      return twoPhase;
    }

    @Override
    public float score() throws IOException {
      return boost * queryVector.similarity().score(similarity());
    }

    @Override
    public float getMaxScore(int upTo) {
      // cosine and l2 scores are at most 1; dot product scores are unbounded.
      return queryVector.similarity() == VectorSimilarity.DOT_PRODUCT ? Float.MAX_VALUE : boost;
    }
  }

  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(queryVector.field())) {
      visitor.visitLeaf(this);
    }
    if (filter != null) {
      filter.visit(visitor.getSubVisitor(BooleanClause.Occur.FILTER, this));
    }
  }

  @Override
  public String toString(String field) {
    StringBuilder b = new StringBuilder("vector_similarity(").append(queryVector);
    if (filter != null) {
      b.append(", filter=").append(filter.toString(field));
    }
    if (minSimilarity != null) {
      b.append(", min_similarity=").append(minSimilarity);
    }
    return b.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return sameClassAs(o)
        && queryVector.equals(((VectorSimilarityQuery) o).queryVector)
        && Objects.equals(filter, ((VectorSimilarityQuery) o).filter)
        && Objects.equals(minSimilarity, ((VectorSimilarityQuery) o).minSimilarity);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), queryVector, filter, minSimilarity);
  }
}
