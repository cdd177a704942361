package org.vectorscoring.opensearch.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** The best {@code size} candidates seen so far, by {@link MatrixCandidate#BEST_FIRST}. */
final class TopCandidates {

  private final int size;
  // Worst at the head, so a better newcomer replaces it in O(log size).
  private final PriorityQueue<MatrixCandidate> heap;

  TopCandidates(int size) {
    this.size = size;
    this.heap = new PriorityQueue<>(Math.min(size, 64) + 1, MatrixCandidate.BEST_FIRST.reversed());
  }

  /** Whether a document with this score could enter, before its key and vector are read (ties may, so they are let through). */
  boolean mayAccept(float score) {
    return heap.size() < size || score >= heap.peek().score();
  }

  /**
   * Whether a document with this score and key could enter, before its vector is read: when every score ties (a
   * {@code match_all}, a filter), the key decides, and decoding each match's vector to learn that cost most of the time.
   * An equal score and key may enter (the vector breaks that tie).
   */
  boolean mayAccept(float score, String key) {
    return heap.size() < size || MatrixCandidate.compareScoreAndKey(score, key, heap.peek()) <= 0;
  }

  /**
   * Offers a candidate.
   *
   * @return the change in retained candidates' heap bytes (positive when it grew), for breaker accounting
   */
  long offer(MatrixCandidate candidate) {
    if (heap.size() < size) {
      heap.add(candidate);
      return candidate.ramBytes();
    }
    MatrixCandidate worst = heap.peek();
    if (MatrixCandidate.BEST_FIRST.compare(candidate, worst) < 0) {
      heap.poll();
      heap.add(candidate);
      return candidate.ramBytes() - worst.ramBytes();
    }
    return 0;
  }

  /** The retained candidates, best first. */
  List<MatrixCandidate> sorted() {
    List<MatrixCandidate> out = new ArrayList<>(heap);
    out.sort(MatrixCandidate.BEST_FIRST);
    return out;
  }

  /** The best {@code size} of several candidate lists. */
  static List<MatrixCandidate> merge(List<List<MatrixCandidate>> lists, int size) {
    TopCandidates top = new TopCandidates(size);
    for (List<MatrixCandidate> list : lists) {
      for (MatrixCandidate c : list) {
        top.offer(c);
      }
    }
    return top.sorted();
  }
}
